"""One writer per warehouse file: an exclusive flock on <db>.lock that says who holds it."""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from modeltrail.warehouse.errors import WarehouseBusy, WarehouseError, check_parent, db_path

# --- one writer ----------------------------------------------------------------------------------------
# DuckDB lets one process write a file. Every writer (refresh flow, reparse, remap, alias) first takes an
# exclusive flock on <db>.lock and writes who it is into it, so a second writer can wait for it or name
# it, and a reader that meets DuckDB's own lock can say which run holds the warehouse. The kernel drops
# the flock when the process dies (even kill -9): a stale lock file is never a held lock.

def staging_dir(path: str | os.PathLike | None) -> Path:
    """Where a load stages its rows (beside the warehouse). A load killed mid-way leaves files here; the
    next writer, holding the lock, removes them."""
    p = db_path(path)
    return p.with_name(p.name + ".staging")


def lock_path(path: str | os.PathLike | None) -> Path:
    p = db_path(path)
    return p.with_name(p.name + ".lock")


def holder_info(path: str | os.PathLike | None) -> dict | None:
    """What the holder of the writer lock wrote about itself; None when nobody holds the lock."""
    lp = lock_path(path)
    try:
        fd = os.open(lp, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # held: the file says by whom
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None  # nobody holds it; what the file says is history
        raw = os.read(fd, 4096)
    finally:
        os.close(fd)
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}


def describe_holder(path: str | os.PathLike | None) -> str | None:
    """Who holds the writer lock now, in words; None when nobody does."""
    info = holder_info(path)
    if info is None:
        return None
    who = info.get("command", "another writer")
    if info.get("run_id") is not None:
        who = f"modeltrail run {info['run_id']} ({who})"
    details = []
    if info.get("flow_run_name") or info.get("flow_run_id"):
        details.append(f"flow run {info.get('flow_run_name') or ''} {info.get('flow_run_id') or ''}".strip())
    if info.get("pid"):
        details.append(f"pid {info.get('pid')} on {info.get('host')}")
    if info.get("since"):
        details.append(f"since {info['since']}")
    return ", ".join([who, *details])




class WriterLock:
    """The exclusive writer lock of one warehouse file (see above)."""

    def __init__(self, path: str | os.PathLike | None, **holder: Any):
        self.path = db_path(path)
        self.holder = {"pid": os.getpid(), "host": socket.gethostname(),
                       "since": datetime.now(timezone.utc).isoformat(timespec="seconds"), **holder}
        self.fd: int | None = None

    def acquire(self, wait: float = 0, on_wait=None, poll: float = 0.5) -> "WriterLock":
        check_parent(self.path)
        lp = lock_path(self.path)
        try:
            fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise translate(exc, self.path) from exc
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = describe_holder(self.path) or "another writer"
                if time.monotonic() >= deadline:
                    os.close(fd)
                    waited = f" (waited {wait:.0f} s)" if wait else ""
                    raise WarehouseBusy(f"warehouse {self.path} is being written by {holder}{waited}; "
                                         "try again when it finishes") from None
                if on_wait and not told:
                    on_wait(f"waiting for the warehouse {self.path}: held by {holder}")
                    told = True
                time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        self.fd = fd
        self._write()
        return self

    def update(self, **info: Any) -> None:
        self.holder.update(info)
        if self.fd is not None:
            self._write()

    def _write(self) -> None:
        data = json.dumps(self.holder, default=str).encode()
        try:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, data, 0)
        except OSError:
            pass  # a full disk must not stop the lock from working; the holder is then unnamed

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "WriterLock":
        return self if self.fd is not None else self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def translate(exc: Exception, path: Path) -> WarehouseError:
    """A DuckDB or OS error on the warehouse file, as the one line a user can act on (who holds it, disk
    full, permission)."""
    msg = str(exc)
    if "Conflicting lock" in msg or "Could not set lock" in msg:
        info = holder_info(path)
        pid = re.search(r"PID (\d+)", msg)
        if info is None or info.get("pid") == os.getpid():  # not a writer of ours: a reader, or DuckDB alone
            holder = f"process {pid.group(1)}" if pid else "another process"
            return WarehouseBusy(f"warehouse {path} is open in {holder} (a writer, or a reader such as "
                                 "`modeltrail sql`); try again when it finishes")
        return WarehouseBusy(f"warehouse {path} is being written by {describe_holder(path)}; "
                             "try again when it finishes")
    if "Unique file handle conflict" in msg:  # (a writer attaches the file: see connection._open_writer)
        return WarehouseBusy(f"warehouse {path} is open already in this process; close it first")
    if "No space left" in msg or "File too large" in msg or "Disk quota" in msg:
        return WarehouseError(f"no space left for {path} (disk full or file size limit): the load was "
                              "rolled back, nothing of it was stored")
    if "Permission denied" in msg or "Read-only file system" in msg:
        return WarehouseError(f"cannot write the warehouse {path}: permission denied")
    if isinstance(exc, OSError) and exc.strerror:
        return WarehouseError(f"cannot use the warehouse {path}: {exc.strerror}")
    return WarehouseError(f"warehouse {path}: {msg.splitlines()[0]}")
