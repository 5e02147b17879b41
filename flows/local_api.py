"""Prefect's API for a one-off run with no server configured, served from this process.

With no `PREFECT_API_URL`, Prefect 3 runs a flow against a temporary API server: its ephemeral mode
starts `prefect.server.api.server:create_app` under uvicorn in a subprocess, which imports the whole
server again and costs ~5 s of a 1-second refresh (measured in bench/RESULTS.md). This serves the same
app — `create_app(ephemeral=True)`: the same database under `PREFECT_HOME`, the same migrations, the same
reduced set of services the ephemeral server runs, no UI — with uvicorn in a thread of this process, on
127.0.0.1 and a free port, for as long as the run lasts. The flow, its tasks, retries, states, logs and
artifacts go through Prefect's client exactly as they would to any server (only flow-run heartbeats are
not sent: no server outlives the run to watch them); `prefect server start` on the same `PREFECT_HOME`
shows them afterwards. With `PREFECT_API_URL` set, nothing here happens; with
`MODELTRAIL_LOCAL_API=0`, Prefect's own ephemeral subprocess server is used (as before; bench/refresh.py
compares the two).
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import sys
import threading
import time
from typing import Iterator

#: Prefect offline and quiet unless the user says otherwise: set before Prefect is first imported
#: (modeltrail's CLI, bench.prefect_floor); an environment variable the user set is kept
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING", "DO_NOT_TRACK": "1"}


def quiet_defaults() -> None:
    """Nothing of Prefect's calls home, and its log stays at warnings (QUIET), unless the environment says
    otherwise."""
    for name, value in QUIET.items():
        os.environ.setdefault(name, value)


#: how long to wait for the API to answer (its first start in a new PREFECT_HOME creates Prefect's
#: database: ~7 s on an idle 2-core machine); never less than Prefect's own ephemeral startup timeout
STARTUP_TIMEOUT = 90.0


def serves_here() -> bool:
    """Whether `local_api()` will serve Prefect's API in this process (no server configured)."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings

    refresh_global_settings_context()  # the environment as it is now (PREFECT_HOME, set by the caller)
    return not get_current_settings().api.url and os.environ.get("MODELTRAIL_LOCAL_API", "1") != "0"


@contextlib.contextmanager
def startup_imports() -> Iterator[None]:
    """Import what a run needs (Prefect's engine, and its server when `serves_here()`) with Python's
    cyclic garbage collector paused, then freeze what the imports built.

    Importing Prefect and its server builds ~425,000 objects the collector tracks, all living as long as
    the process: with the collector on, its passes over them take ~0.6 s of CPU during the imports, and
    the final collection at exit as much again (bench/RESULTS.md section 11). `gc.freeze()` moves them
    out of the collector's sight; what the run allocates afterwards is collected as usual. Done once per process:
    when the modules are there already (a second command in one process), nothing is paused or frozen."""
    if "prefect.flow_engine" in sys.modules:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        import prefect.flow_engine  # noqa: F401 - imported by a flow's first call otherwise
        import prefect.task_engine  # noqa: F401 - by its first task's
        if serves_here():
            import prefect.server.api.server  # noqa: F401
            import uvicorn  # noqa: F401
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def local_api() -> Iterator[str | None]:
    """Serve Prefect's API in this process while the block runs, unless a server is configured; yields
    the API's url (None when a configured server is used)."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import (PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings,
                                  temporary_settings)

    if not serves_here():
        yield None
        return
    settings = get_current_settings()
    import uvicorn
    from prefect.server.api.server import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    app = create_app(ephemeral=True, ignore_cache=True)  # a new app: its lifespan runs each time
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="on", access_log=False))
    failure: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # noqa: BLE001 - reported by the waiting thread
            failure.append(exc)

    thread = threading.Thread(target=serve, name="prefect-local-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + max(STARTUP_TIMEOUT, settings.server.ephemeral.startup_timeout_seconds)
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            why = f"{type(failure[0]).__name__}: {failure[0]}" if failure else "it did not start in time"
            raise RuntimeError(f"Prefect's local API could not start ({why})")
        time.sleep(0.02)
    had = os.environ.get("PREFECT_API_URL")
    # every thread Prefect starts (task runs, log and event workers, heartbeats) reads this url: the
    # process-wide settings as well as this context's
    os.environ["PREFECT_API_URL"] = url
    refresh_global_settings_context()
    try:
        # No flow run heartbeats: they are for a server that outlives the run (an automation there may
        # mark a run crashed when they stop); this one ends with the run's process, and no automation
        # could watch them. Their thread sleeps in 1 s steps and the flow's end waits for it: up to 1 s.
        with temporary_settings({PREFECT_API_URL: url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            try:
                yield url
            finally:
                _drain()
    finally:
        if had is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = had
        refresh_global_settings_context()
        server.should_exit = True
        thread.join(30)
        sock.close()


def _drain() -> None:
    """Send the run's last logs and events while the API still answers."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=10, at_exit=False)
