"""Progress on long work, for people: rich bars on stderr when it is a terminal, nothing when it is not
(a scheduler's log, a pipe); `-q` silences the progress lines too, `-v` adds detail (a line per step
when there is no terminal, and Prefect's own logs).

The long steps report here: pages fetched per source during a crawl (`page_seen`, called by the crawl
as it reads the crawl's pages), runs re-parsed, commits backfilled, files exported (`steps`).
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from modeltrail.flows.console import echo

#: -1 quiet (-q), 0 normal, 1 verbose (-v): set once by the command line's group
level = 0

_hook: Callable[[str, bool], None] | None = None
_lock = threading.Lock()


def interactive() -> bool:
    return level >= 0 and sys.stderr.isatty()


def say(message: str) -> None:
    """A progress line (stderr); -q silences it."""
    if level >= 0:
        echo(message, err=True)


def detail(message: str) -> None:
    """A line only -v shows."""
    if level >= 1:
        echo(message, err=True)


def _bars():
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[note]}"), TimeElapsedColumn(), console=Console(stderr=True),
                    transient=True)


@contextmanager
def steps(label: str, total: int | None) -> Iterator[Callable[..., None]]:
    """A bar of `total` steps (a terminal only); yields advance(note="") to call after each step."""
    if not interactive():
        yield lambda note="": detail(f"{label}: {note}") if note else None
        return
    with _bars() as bars:
        task = bars.add_task(label, total=total, note="")
        yield lambda note="": bars.update(task, advance=1, note=note)


@contextmanager
def rates(label: str, total: int) -> Iterator[Callable[..., None]]:
    """steps() for work whose pace matters (commits backfilled): yields advance(when, note, counted=True),
    which shows done / total, the date of the item just done and the rate (`label`/s, over the items
    counted: not those passed over because an earlier run did them)."""
    start, done, counted_n = time.monotonic(), [0], [0]
    with steps(label, total) as advance:
        def step(when, note: str = "", counted: bool = True) -> None:
            done[0] += 1
            counted_n[0] += counted
            rate = counted_n[0] / max(time.monotonic() - start, 1e-6)
            text = f"{when:%Y-%m-%d} {note}, {rate:.1f} {label}/s"
            advance(text if interactive() else f"{done[0]}/{total} {text}")
        yield step


@contextmanager
def crawls(sources: list[str]) -> Iterator[None]:
    """While crawls run: a line per source with the pages fetched so far (and failed)."""
    global _hook
    if not interactive():
        yield
        return
    counts = {s: [0, 0] for s in sources}
    with _bars() as bars:
        tasks = {s: bars.add_task(f"{s}: waiting", total=None, note="") for s in sources}

        def seen(source: str, ok: bool) -> None:
            if source not in counts:
                return
            c = counts[source]
            c[0 if ok else 1] += 1
            bars.update(tasks[source], description=f"{source}: {c[0]} page{'' if c[0] == 1 else 's'}"
                        + (f", {c[1]} failed" if c[1] else ""), advance=1)
        with _lock:
            _hook = seen
        try:
            yield
        finally:
            with _lock:
                _hook = None


def page_seen(source: str, ok: bool) -> None:
    """A crawl read one more page (no-op unless a command shows crawls)."""
    hook = _hook
    if hook is not None:
        hook(source, ok)
