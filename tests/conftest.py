from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

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
    if url is None:
        url = live_url(page) if isinstance(page, Path) and CAPTURES in page.resolve().parents else None
        url = url or _start_url(source)
    args = [sys.executable, "-m", "modeltrail", "parse", "--source", source]
    args += ["--url", url] if url else []
    args += ["--fetched-at", fetched_at] if fetched_at else []
    data = None
    if isinstance(page, Path):
        args.append(str(page))
    else:
        args.append("-")
        data = page.encode() if isinstance(page, str) else page
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()


def live_url(capture: Path) -> str:
    """The live url a bundled capture copies (README: captures/<host>/<url path>)."""
    path = capture.resolve().relative_to(CAPTURES).as_posix()
    return "https://" + (path[: -len("index.html")] if path.endswith("/index.html") else path)


def _start_url(source: str) -> str:
    from modeltrail.flows.crawl_run import live_urls
    from modeltrail.pipelines.sources import SOURCES
    return live_urls(source)[-1 if SOURCES[source].api else 0]


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
