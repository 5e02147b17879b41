"""Python's cyclic garbage collector, paused while a refresh loads what it parsed.

A refresh holds its cards while it loads them: ~37 objects the collector tracks a card (the records, their
lists and field sets), 370,000 for 10,000 cards. Every full collection that the load's own allocations
trigger walks all of them, to find no garbage: the load makes no reference cycles (rows, JSON, SQL), and
the cards are freed by their reference counts once the load is done. On the peers' workload that was
~50 ms of a ~450 ms warehouse part (bench/RESULTS.md §13, "Sixth pass"). `paused` covers the warehouse
part: an HTML page's parse builds trees with cycles (BeautifulSoup), which the collector must free.

A catalog's parse (one JSON file: LiteLLM's, models.dev's, OpenRouter's list) builds the cards of thousands
of models at once, and makes no cycles either: `kept` pauses the collector for it, then freezes what is
alive (`gc.freeze`), so that no later collection walks those cards again (a refresh's crawl, `crawl_run._feed`;
each commit of `backfill-git`; each run of `reparse`). bench/RESULTS.md §13, "Seventh pass"."""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator

_LOCK = threading.Lock()
_DEPTH = 0
_RESTORE = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off while the block runs (in any thread: the collector is the process's), back to
    what it was when the last of the blocks that overlap ends."""
    global _DEPTH, _RESTORE
    with _LOCK:
        if _DEPTH == 0:
            _RESTORE = gc.isenabled()
            gc.disable()
        _DEPTH += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0 and _RESTORE:
                gc.enable()


@contextlib.contextmanager
def kept(applies: bool = True) -> Iterator[None]:
    """For a block that builds many objects which live on and make no reference cycles (a catalog's cards):
    the cyclic garbage so far collected, the collector paused while the block runs (as `paused`), then
    everything alive frozen (`gc.freeze`, before the collector is back): later collections no longer walk
    it; it is still freed by reference counting when it is no longer used. `applies` False: the block runs
    as it would without.

    The trade, as for Prefect's imports (flows/local_api.startup_imports): what is alive at the freeze and
    later becomes part of a reference cycle is not collected until the process ends (a refresh is one
    process; Prefect runs each flow run in its own). Not frozen when the block raises."""
    if not applies:
        yield
        return
    gc.collect()
    with paused():
        yield
        # frozen before the collector is back: its first collection after would otherwise walk everything the
        # block built (the allocations it counted while paused make the next one come at once), ~20 ms for a
        # 2,000-card catalog (bench/RESULTS.md §13, "Tenth pass")
        gc.freeze()
