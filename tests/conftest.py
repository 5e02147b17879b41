from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # a pytest-xdist worker is started with COLUMNS=80 in its environment: the commands the tests run
    # would then cut their tables to 80 columns as on a terminal (the tests of widths set it themselves)
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)
if "PREFECT_HOME" not in os.environ:
    # as CI does (.ci/run): one Prefect home for the session's refreshes (each test process its own, so
    # pytest-xdist's workers share none), instead of a new one beside each test's warehouse, where Prefect
    # would create its database again (~7 s) for every refresh. The tests of where a refresh keeps its
    # records without one take PREFECT_HOME out of that refresh's environment.
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="modeltrail-test-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]
CAPTURES = REPO / "captures"
#: the real material beside the checkout (never copied into the project)
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
OPENROUTER_DAYS = SHARED / "data" / "openrouter"
OPENROUTER_CAPTURE = CAPTURES / "openrouter.ai/api/v1/models"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


@pytest.fixture
def con(tmp_path):
    from modeltrail.warehouse import db
    c = db.connect(tmp_path / "w.duckdb")
    yield c
    c.close()


def parse_cards(source: str, page: Path | str | bytes, url: str | None = None, fetched_at: str | None = None) -> str:
    """What `modeltrail parse` prints (JSON lines) for a page: a file, or the page itself through stdin.
    The url (the cards' provenance) defaults to a capture's live url (captures/<host>/<path>), else the
    source's start url."""
    from modeltrail.flows.crawl_run import start_url
    from tests.cli import run_here
    if url is None:
        url = live_url(page) if isinstance(page, Path) and CAPTURES in page.resolve().parents else None
        url = url or start_url(source)
    args = ["parse", "--source", source]
    args += ["--url", url] if url else []
    args += ["--fetched-at", fetched_at] if fetched_at else []
    data = None
    if isinstance(page, Path):
        args.append(str(page))
    else:
        args.append("-")
        data = page.encode() if isinstance(page, str) else page
    return run_here(*args, input=data, check=True).stdout


def live_url(capture: Path) -> str:
    """The live url a bundled capture copies (README: captures/<host>/<url path>)."""
    path = capture.resolve().relative_to(CAPTURES).as_posix()
    return "https://" + (path[: -len("index.html")] if path.endswith("/index.html") else path)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL on 127.0.0.1 (see tests/postgres.py), for the DuckLake tests."""
    from tests.postgres import Server
    server = Server().start()
    yield server
    server.stop()


@pytest.fixture
def lake(postgres, tmp_path):
    """A new, empty DuckLake warehouse: (its --db url, its --data-path folder)."""
    return postgres.url(postgres.new_database()), str(tmp_path / "lake-data")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test that takes seconds (a real refresh, PostgreSQL, Chromium, a "
                                       "Prefect server); `pytest -m 'not slow'` leaves them out")


@pytest.fixture(scope="session")
def replayed(tmp_path_factory):
    """Warehouses made once per test session by a real `modeltrail refresh --replay` (a subprocess, as a
    user runs it): replayed(*sources, observed_at=...) -> the path of that warehouse, built on first use.
    Tests must not write to it: take a copy (`copy_warehouse`). replayed.output[path] is what that refresh
    printed on stdout."""
    from tests.cli import run
    made: dict[tuple, Path] = {}

    def replayed_(*sources: str, observed_at: str = "2026-01-01T00:00:00Z") -> Path:
        key = (tuple(sources), observed_at)
        if key not in made:
            path = tmp_path_factory.mktemp("replayed") / "w.duckdb"
            proc = run("refresh", *sources, "--replay", "--db", str(path), "--observed-at", observed_at, check=True)
            made[key] = path
            replayed_.output[path] = proc.stdout
        return made[key]
    replayed_.output = {}
    return replayed_


def copy_warehouse(path: Path, folder: Path, name: str = "w.duckdb") -> Path:
    """A copy of a DuckDB warehouse file in folder, the caller's own."""
    import shutil
    target = folder / name
    shutil.copy(path, target)
    return target


@pytest.fixture
def kept_calls(monkeypatch):
    """collector.kept replaced by a recorder: the list gets, for each block it applied to, whether the
    collector was on when it began (flows/collector.py); the block runs as it would without."""
    import contextlib
    import gc

    from modeltrail.flows import collector

    calls: list[bool] = []

    @contextlib.contextmanager
    def recording(applies: bool = True):
        if applies:
            calls.append(gc.isenabled())
        yield

    monkeypatch.setattr(collector, "kept", recording)
    return calls
