"""The lifecycle pages' history, crawled: a copy of the real pages (../shared) replayed twice, the second
time with a shutdown date moved and a model taken off the Groq page (as vendors do once a model is gone)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests import cli
from tests.conftest import SHARED

REPLAY = SHARED / "pages" / "deprecations" / "replay"
GROQ = "console.groq.com/docs/deprecations.md"


@pytest.mark.slow
# (the commands run in this process, tests/cli.py `run_here`: their exit codes and output are what is read)
def test_a_moved_date_is_a_change_and_a_model_off_the_page_keeps_its_date(tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(REPLAY, pages)
    db = str(tmp_path / "w.duckdb")
    first = cli.run_here("refresh", "deprecations", "--replay", str(pages), "--observed-at", "2026-08-21T06:00:00Z",
                    "--removal-runs", "1", "--db", db)
    assert first.returncode == 3, first.stderr  # partial: the HTML vendors' pages are not in the folder
    page = pages / GROQ
    text = page.read_text()
    # Groq postpones qwen3-32b's shutdown (07/17/26 -> 09/30/26) and drops gemma2-9b-it's row (shut down)
    assert "| qwen/qwen3-32b                            | 07/17/26 " in text
    text = text.replace("| qwen/qwen3-32b                            | 07/17/26 ",
                        "| qwen/qwen3-32b                            | 09/30/26 ")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("| gemma2-9b-it "))
    page.write_text(text)
    second = cli.run_here("refresh", "deprecations", "--replay", str(pages), "--observed-at", "2026-09-01T06:00:00Z",
                     "--removal-runs", "1", "--db", db)
    assert second.returncode == 3, second.stderr
    changes = [json.loads(line) for line in cli.run_here(
        "changes", "--source", "deprecations", "--since", "2026-09-01T00:00:00Z", "--format", "json",
        "--db", db, check=True).stdout.splitlines()]
    moved = [c for c in changes if c["source_model_id"] == "groq/qwen/qwen3-32b" and c["field"] == "retirement_date"]
    assert len(moved) == 1 and (moved[0]["old_value"], moved[0]["new_value"]) == ("2026-07-17", "2026-09-30")
    assert moved[0]["url"] == "https://" + GROQ
    # gemma2-9b-it left the page: not removed, its shutdown date stays what the page last said
    assert not [c for c in changes if c["source_model_id"] == "groq/gemma2-9b-it"]
    rows = [json.loads(line) for line in cli.run_here(
        "deprecations", "--past", "--vendor", "groq", "--format", "json", "--db", db, check=True).stdout.splitlines()]
    gemma = [r for r in rows if r["model_id"] == "google/gemma-2-9b-it"]  # (Groq writes gemma2: Google's gemma-2)
    assert len(gemma) == 1 and gemma[0]["shutdown"] == "2025-10-08"
