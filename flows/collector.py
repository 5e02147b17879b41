"""Python's cyclic garbage collector, paused while a refresh loads what it parsed.

A refresh holds its cards while it loads them: ~37 objects the collector tracks a card (the records, their
lists and field sets), 370,000 for 10,000 cards. Every full collection that the load's own allocations
trigger walks all of them, to find no garbage: the load makes no reference cycles (rows, JSON, SQL), and
the cards are freed by their reference counts once the load is done. On the peers' workload that was
~50 ms of a ~450 ms warehouse part (bench/RESULTS.md §13, "Sixth pass"). The pause covers the warehouse
part only: the crawl's parse builds trees with cycles (BeautifulSoup), which the collector must free."""

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
