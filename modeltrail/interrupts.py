"""Ctrl-C during long work that commits as it goes (`backfill-git`): the first SIGINT is taken as a
request to stop at the next safe point (the snapshot under way is committed first), a second one stops
at once (what was not committed is rolled back)."""

from __future__ import annotations

import signal
import threading


class Deferred:
    """While entered: SIGINT sets `hit` (ask `requested()` between steps); a second SIGINT raises
    KeyboardInterrupt. Outside the main thread (no signals there) it does nothing."""

    def __init__(self) -> None:
        self.hit = False
        self._installed = False
        self._before = None

    def requested(self) -> bool:
        return self.hit

    def _handle(self, signum, frame) -> None:
        if self.hit:
            raise KeyboardInterrupt
        self.hit = True

    def __enter__(self) -> "Deferred":
        if threading.current_thread() is threading.main_thread():
            self._before = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(self, *exc) -> None:
        if self._installed:  # (a handler not set from Python reads as None: the default's)
            signal.signal(signal.SIGINT, self._before if self._before is not None else signal.default_int_handler)
            self._installed = False
