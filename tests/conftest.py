from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "seeds"
CAPTURES = REPO / "captures"
#: the real material beside the checkout (never copied into the project)
SHARED = REPO.parent / "shared"
OPENROUTER_DAYS = SHARED / "data" / "openrouter"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


@pytest.fixture
def con(tmp_path):
    from modeltrail.warehouse import db
    c = db.connect(tmp_path / "w.duckdb")
    yield c
    c.close()
