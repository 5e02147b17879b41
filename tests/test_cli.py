"""The CLI end to end: a real `modeltrail refresh --replay` (Prefect flow, Scrapy subprocesses, DuckDB),
then every reading command against the warehouse it made."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.cli import run
from tests.conftest import REPO, SEEDS, copy_warehouse


def mt(*args, env=None, check=True, cwd=None):
    return run(*args, env=env, check=check, cwd=cwd)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, replayed):
    """Every source replayed once (`modeltrail refresh --replay`, the session's), copied for this module."""
    made = replayed(observed_at="2026-01-01T00:00:00Z")
    assert "run 1: complete" in replayed.output[made]
    return copy_warehouse(made, tmp_path_factory.mktemp("wh"), "modeltrail.duckdb")


@pytest.mark.slow
def test_refresh_replay_loads_every_source(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("SELECT source, status, cards FROM source_runs ORDER BY source").fetchall()
    assert [r[:2] for r in rows] == [("302ai", "complete"), ("azure", "complete"), ("deprecations", "complete"),
                                     ("leaderboard", "complete"), ("litellm", "complete"), ("modelsdev", "complete"),
                                     ("openai", "complete"), ("openrouter", "complete"), ("tokenhub", "complete")]
    assert all(r[2] > 0 for r in rows)
    # every body archived once: what was parsed, and for rendered pages also the HTML as served
    fetched = con.execute("""SELECT count(DISTINCT sha) FROM (
        SELECT sha256 AS sha FROM fetches UNION ALL SELECT raw_sha256 FROM fetches) WHERE sha IS NOT NULL""").fetchone()[0]
    assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == fetched
    assert con.execute("SELECT count(*) FROM fetches WHERE raw_sha256 IS NOT NULL").fetchone()[0] == 2


@pytest.mark.slow
def test_sql_prints_a_table(warehouse):
    out = mt("sql", "SELECT source, model_id, context_window FROM model_cards ORDER BY 1, 2",
             "--db", str(warehouse)).stdout
    assert re.search(r"azure\s+openai/o3-mini\s+200000", out)


@pytest.mark.slow
def test_sql_formats_for_scripts(warehouse):
    q = "SELECT model_id, context_window FROM model_cards WHERE source = 'azure' ORDER BY 1"
    rows = [json.loads(l) for l in mt("sql", q, "--format", "json", "--db", str(warehouse)).stdout.splitlines()]
    assert {"model_id": "openai/o3-mini", "context_window": 200000} in rows
    out = mt("sql", q, "--format", "csv", "--db", str(warehouse)).stdout
    assert list(csv.reader(out.splitlines()))[0] == ["model_id", "context_window"]


@pytest.mark.slow
def test_sql_is_read_only(warehouse):
    proc = mt("sql", "DELETE FROM runs", "--db", str(warehouse), check=False)
    assert proc.returncode == 1 and "read-only" in proc.stderr.lower() and "Traceback" not in proc.stderr
    proc = mt("sql", "SELECT * FROM read_csv('/etc/passwd')", "--db", str(warehouse), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_history_shows_each_field_with_when_and_where(warehouse):
    out = mt("history", "openai/o3-mini", "--format", "json", "--db", str(warehouse)).stdout
    rows = [json.loads(l) for l in out.splitlines()]
    ctx = [r for r in rows if r["field"] == "context_window" and r["source"] == "azure"]
    assert len(ctx) == 1 and ctx[0]["value"] == "200000"
    assert ctx[0]["valid_from"].startswith("2026-01-01") and ctx[0]["url"].startswith("https://ai.azure.com/")
    # every source that lists o3-mini: the six page sources and the two catalogs (LiteLLM's and models.dev's
    # routes of it)
    assert {r["source"] for r in rows} == {"azure", "leaderboard", "openai", "tokenhub", "302ai", "openrouter",
                                           "litellm", "modelsdev"}


@pytest.mark.slow
def test_export_parquet_and_csv_as_of(warehouse, tmp_path):
    mt("export", "--out", str(tmp_path / "p"), "--format", "parquet", "--as-of", "2026-06-01T00:00:00Z",
       "--db", str(warehouse))
    files = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert files == ["benchmarks_20260601T000000Z.parquet", "model_cards_20260601T000000Z.parquet",
                     "prices_20260601T000000Z.parquet"]
    n = duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'p' / files[1]}'").fetchone()[0]
    con = duckdb.connect(str(warehouse), read_only=True)
    assert n == con.execute("SELECT count(*) FROM model_cards").fetchone()[0] > 0
    # nothing was known before the first observation: said, and no header-only files
    proc = mt("export", "--out", str(tmp_path / "c"), "--format", "csv", "--as-of", "2025-06-01T00:00:00Z",
              "--db", str(warehouse), check=False)
    assert proc.returncode == 1 and "nothing was recorded as of 2025-06-01" in proc.stderr
    assert "the first snapshot is from 2026-01-01" in proc.stderr and not (tmp_path / "c").exists()
    mt("export", "--out", str(tmp_path / "c"), "--format", "csv", "--as-of", "2026-01-01T00:00:00Z",
       "--db", str(warehouse))
    rows = list(csv.DictReader(open(tmp_path / "c" / "model_cards_20260101T000000Z.csv")))
    assert len(rows) == n


@pytest.mark.slow
def test_changes_and_runs(warehouse):
    rows = [json.loads(l) for l in mt("changes", "--format", "json", "--db", str(warehouse)).stdout.splitlines()]
    con = duckdb.connect(str(warehouse), read_only=True)
    cards = con.execute("SELECT count(*) FROM model_cards").fetchone()[0]
    assert len([r for r in rows if r["change_type"] == "added"]) == cards
    out = mt("runs", "--db", str(warehouse)).stdout
    assert re.search(r"azure\s+complete", out)


def test_parse_seed_files():
    out = mt("parse", "--source", "azure", "--url", "https://ai.azure.com/catalog/models/o3-mini",
             str(SEEDS / "003_8d7103195147f90d.txt")).stdout
    card = json.loads(out)
    assert card["context_window"] == 200000 and card["version"] == "2025-01-31"
    out = mt("parse", "--source", "leaderboard", str(SEEDS / "000_ae1fc4d1dd900dab.txt")).stdout
    assert json.loads(out)["release_date"] == "2025-01"


def test_parse_without_card_fails_clearly(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body>Loading…</body></html>")
    proc = mt("parse", "--source", "azure", str(empty), check=False)
    assert proc.returncode == 1 and "no card found" in proc.stderr and proc.stdout == ""


@pytest.mark.slow
def test_bad_input_is_a_clear_error(warehouse, tmp_path):
    proc = mt("refresh", "nosuchsource", "--replay", "--db", str(tmp_path / "x.duckdb"), check=False)
    assert proc.returncode == 2 and "unknown source" in proc.stderr
    proc = mt("export", "--out", str(tmp_path), "--as-of", "yesterday", "--db", str(warehouse), check=False)
    assert proc.returncode == 2 and "ISO 8601" in proc.stderr
    proc = mt("sql", "SELECT 1", "--db", str(tmp_path / "missing.duckdb"), check=False)
    assert proc.returncode == 2 and "no warehouse" in proc.stderr  # a mistyped --db: a usage error


def commands():
    from click import Group
    from modeltrail.cli import main

    def walk(group, prefix=""):
        for name, cmd in group.commands.items():
            yield f"{prefix}{name}", cmd
            if isinstance(cmd, Group):
                yield from walk(cmd, f"{prefix}{name} ")
    return list(walk(main))


@pytest.mark.parametrize("name,cmd", commands(), ids=[c[0] for c in commands()])
def test_every_command_and_option_is_in_the_readme(name, cmd):
    readme = (REPO / "README.md").read_text()
    assert f"modeltrail {name}" in readme, f"`modeltrail {name}` is not documented in README.md"
    for param in cmd.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert opt in readme, f"option {opt} of `modeltrail {name}` is not in README.md"


@pytest.mark.parametrize("name", [c[0] for c in commands()])
def test_every_command_has_help(name):
    proc = mt(*name.split(), "--help")
    assert "Usage:" in proc.stdout
