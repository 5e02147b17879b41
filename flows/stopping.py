"""Stopping a refresh on Ctrl-C (SIGINT) or SIGTERM: within a moment, in one line, exit 130.

A terminal's Ctrl-C reaches the whole process group: the crawls and Prefect's temporary API server
stop too, and a Prefect flow that carried on would wait on that server for a minute, printing its
errors. So once a refresh's flow is running, a signal ends the process here: the crawls and Prefect's
server are killed, the run is recorded as `interrupted` (when the warehouse can be written: else the
next writer marks it, see warehouse/runs.sql `mark_interrupted`), the crawls' temporary folder goes,
and the process exits at once. The sources' load is one transaction: a process that ends during it
leaves nothing of it (as after `kill -9`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from typing import Any

#: exit status after an interrupt (the shell's 128 + SIGINT)
EXIT_INTERRUPTED = 130

_lock = threading.Lock()
#: set by `enable()` (the CLI's refresh): signals end the process here
_enabled = False
#: the run in progress: its warehouse (a Location) and id, the crawls' folder
_run: dict[str, Any] = {}
#: the crawl subprocesses alive now
_procs: set[subprocess.Popen] = set()


def enable() -> None:
    """From now on (in the main thread), SIGINT and SIGTERM stop the process at once, cleanly."""
    global _enabled
    _enabled = True
    arm()


def arm() -> None:
    """(Re-)install the handlers: Prefect swaps SIGTERM's for its own during a flow run."""
    if not _enabled or threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _stop)


def running(warehouse=None, run_id: int | None = None, workdir: str | None = None,
            sources: list[str] | None = None) -> None:
    """What an interrupt must clean up: the run (to mark interrupted, with the sources it had not
    loaded), the crawls' folder."""
    with _lock:
        if warehouse is not None:
            _run["where"], _run["sources"] = warehouse, list(sources or [])
        if run_id is not None:
            _run["run_id"] = run_id
        if workdir is not None:
            _run["workdir"] = workdir
    arm()


def loaded(source: str) -> None:
    """A source's load committed: an interrupt from now on leaves it as it is."""
    with _lock:
        if source in _run.get("sources", []):
            _run["sources"].remove(source)


def finished() -> None:
    """The run's end is recorded: an interrupt from now on changes nothing in the warehouse."""
    with _lock:
        _run.pop("where", None)
        _run.pop("sources", None)


def track(proc: subprocess.Popen) -> None:
    with _lock:
        _procs.add(proc)


def untrack(proc: subprocess.Popen) -> None:
    with _lock:
        _procs.discard(proc)


def _stop(signum, frame) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C changes nothing
        signal.signal(sig, signal.SIG_IGN)
    with _lock:
        procs, run = list(_procs), dict(_run)
    for proc in procs:
        _kill(proc)
    _kill_prefect_server()
    run_id, note = run.get("run_id"), "its end was recorded already"
    if run_id is not None and "where" in run:
        note = _mark(run["where"], run_id, run.get("sources", []), "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C")
    if run.get("workdir"):
        shutil.rmtree(run["workdir"], ignore_errors=True)
    name = "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C"
    what = f"run {run_id} stopped, {note}" if run_id is not None else "stopped before a run began"
    try:
        sys.stderr.write(f"interrupted ({name}): {what}\n")
        sys.stderr.flush()
    finally:
        os._exit(EXIT_INTERRUPTED)


def _kill(proc: subprocess.Popen) -> None:
    try:
        proc.kill()
        proc.wait(timeout=2)
    except (OSError, subprocess.TimeoutExpired):
        pass


def _kill_prefect_server() -> None:
    """Prefect's temporary API server (ephemeral mode), when it runs in a subprocess of ours."""
    server_module = sys.modules.get("prefect.server.api.server")
    if server_module is None:
        return
    for server in list(getattr(server_module.SubprocessASGIServer, "_instances", {}).values()):
        proc = getattr(server, "server_process", None)
        if proc is not None:
            _kill(proc)


def _mark(warehouse, run_id: int, sources: list[str], why: str) -> str:
    """Record the run as interrupted; what was loaded before stays, what was loading is gone."""
    from modeltrail.warehouse import db
    try:
        con = warehouse.open()
        try:
            db.interrupt_run(con, run_id, sources, why)
        finally:
            con.close()
    except BaseException:  # noqa: BLE001 - the next writer marks it
        return "recorded as interrupted by the next command that writes the warehouse"
    return "recorded as interrupted (sources loaded before it stay; nothing half-loaded)"


#: the crawls' temporary folders: f"{CRAWL_DIR_PREFIX}{pid}-…" in the system's temporary folder
CRAWL_DIR_PREFIX = "modeltrail-crawl-"


def crawl_dir() -> str:
    """A temporary folder for a run's crawls, named by this process (see `clean_stale_crawl_dirs`)."""
    import tempfile
    return tempfile.mkdtemp(prefix=f"{CRAWL_DIR_PREFIX}{os.getpid()}-")


def clean_stale_crawl_dirs() -> list[str]:
    """Remove the crawl folders of processes that are gone (a refresh killed with kill -9)."""
    import tempfile
    from pathlib import Path
    gone = []
    for folder in Path(tempfile.gettempdir()).glob(f"{CRAWL_DIR_PREFIX}*-*"):
        pid = folder.name[len(CRAWL_DIR_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        gone.append(str(folder))
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
