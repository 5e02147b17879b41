"""Prefect's API for a one-off run with no server configured, served from this process.

With no `PREFECT_API_URL`, Prefect 3 runs a flow against a temporary API server: its ephemeral mode
starts `prefect.server.api.server:create_app` under uvicorn in a subprocess, which imports the whole
server again and costs ~5 s of a 1-second refresh (measured in bench/RESULTS.md). This serves the same
app — `create_app(ephemeral=True)`: the same database under `PREFECT_HOME`, the same migrations, the same
reduced set of services the ephemeral server runs, no UI — with uvicorn in a thread of this process, on
127.0.0.1 and a free port, for as long as the run lasts. The flow, its tasks, retries, states, logs and
artifacts go through Prefect's client exactly as they would to any server; `prefect server start` on the
same `PREFECT_HOME` shows them afterwards. With `PREFECT_API_URL` set, nothing here happens; with
`MODELTRAIL_LOCAL_API=0`, Prefect's own ephemeral subprocess server is used (as before; bench/refresh.py
compares the two).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from typing import Iterator

#: how long to wait for the API to answer (its first start in a new PREFECT_HOME creates Prefect's
#: database: ~7 s on an idle 2-core machine); never less than Prefect's own ephemeral startup timeout
STARTUP_TIMEOUT = 90.0


@contextlib.contextmanager
def local_api() -> Iterator[str | None]:
    """Serve Prefect's API in this process while the block runs, unless a server is configured; yields
    the API's url (None when a configured server is used)."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    refresh_global_settings_context()  # the environment as it is now (PREFECT_HOME, set by the caller)
    settings = get_current_settings()
    if settings.api.url or os.environ.get("MODELTRAIL_LOCAL_API", "1") == "0":
        yield None
        return
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
        with temporary_settings({PREFECT_API_URL: url}):
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
