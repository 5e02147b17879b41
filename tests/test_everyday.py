"""Everyday use (issue: never stuck, never silent): the defects fixed so far, each reproduced."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from modeltrail.cli import main
from tests.conftest import CAPTURES


def mt(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def loaded(tmp_path):
    """A warehouse holding the openrouter capture, crawled (pages archived) by a replay refresh."""
    path = tmp_path / "w.duckdb"
    proc = subprocess.run([sys.executable, "-m", "modeltrail", "refresh", "--replay", "openrouter", "--db", str(path),
                           "--observed-at", "2026-01-01T00:00:00Z"], capture_output=True, text=True, timeout=300)
    # `--replay openrouter` (the source's name where the folder would go) means `refresh openrouter --replay`
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "openrouter: complete" in proc.stdout and "azure" not in proc.stdout
    return path


def test_reparse_keeps_the_page_counts(loaded):
    import duckdb
    q = "SELECT run_id, source, pages_ok, pages_failed, card_pages, cards FROM source_runs ORDER BY 1, 2"
    with duckdb.connect(str(loaded), read_only=True) as con:
        before = con.execute(q).fetchall()
    assert before and before[0][2] == 1
    assert mt("reparse", "--source", "openrouter", "--db", str(loaded)).exit_code == 0
    with duckdb.connect(str(loaded), read_only=True) as con:
        assert con.execute(q).fetchall() == before
        assert con.execute("SELECT count(*) FROM fetches").fetchone() == (1,)  # not archived twice


def test_history_names_a_field_it_does_not_have_and_prints_no_empty_table(loaded):
    res = CliRunner().invoke(main, ["history", "openai/gpt-4o-mini", "--field", "price", "--db", str(loaded)])
    assert res.exit_code == 1 and res.stdout == ""
    assert "has no field 'price'" in res.stderr and "price.input" in res.stderr and "context_window" in res.stderr
    res = CliRunner().invoke(main, ["history", "nosuch/model", "--db", str(loaded)])
    assert res.exit_code == 1 and res.stdout == "" and "no history for 'nosuch/model'" in res.stderr
    res = CliRunner().invoke(main, ["history", "openai/gpt-4o-mini", "--field", "price.input", "--db", str(loaded)])
    assert res.exit_code == 0 and "0.15" in res.stdout


def test_changes_with_an_unknown_source_is_a_usage_error(loaded):
    res = mt("changes", "--source", "openaii", "--db", str(loaded))
    assert res.exit_code == 2 and "unknown source" in res.output


def test_a_closed_pipe_is_a_normal_end(loaded):
    for args in (["sql", "SELECT * FROM range(200000)", "--format", "csv", "--limit", "0"],
                 ["history", "openai/gpt-4o-mini"]):
        proc = subprocess.Popen([sys.executable, "-m", "modeltrail", *args, "--db", str(loaded)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b"", err


def test_an_observation_in_the_future_is_refused_unless_insisted(tmp_path):
    lines = subprocess.run([sys.executable, "-m", "modeltrail", "parse", "--source", "openrouter",
                            str(CAPTURES / "openrouter.ai/api/v1/models")], capture_output=True, text=True,
                           check=True).stdout
    db = tmp_path / "w.duckdb"
    res = mt("load", "-", "--observed-at", "2030-01-01", "--db", str(db), input=lines)
    assert res.exit_code == 2 and "in the future" in res.output and "--allow-future" in res.output
    assert not db.exists()
    proc = subprocess.run([sys.executable, "-m", "modeltrail", "refresh", "openrouter", "--replay",
                           "--observed-at", "2030-01-01", "--db", str(db)], capture_output=True, text=True)
    assert proc.returncode == 2 and "in the future" in proc.stderr and not db.exists()
    res = mt("load", "-", "--observed-at", "2030-01-01", "--allow-future", "--db", str(db), input=lines)
    assert res.exit_code == 0, res.output


def test_db_on_the_group_and_a_query_from_stdin(loaded, tmp_path):
    res = CliRunner().invoke(main, ["--db", str(loaded), "sql", "-", "--format", "csv"],
                             input="SELECT count(*) AS n FROM model_cards")
    assert res.exit_code == 0 and res.stdout.splitlines() == ["n", "13"]
    # a command's own --db wins over the group's
    res = CliRunner().invoke(main, ["--db", str(tmp_path / "missing.duckdb"), "sql", "SELECT 1", "--db", str(loaded)])
    assert res.exit_code == 0
