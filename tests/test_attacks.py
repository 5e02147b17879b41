"""Attacks on the tool itself (issue: untrusted pages and untrusted queries), each refused with nothing
written or lost. Everything here runs against copies on this machine only."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from modeltrail import replay
from modeltrail.cli import main
from modeltrail.warehouse import db


def mt(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with db.writing(path) as con:
        con.execute("INSERT INTO runs (run_id, kind, observed_at, started_at) VALUES (1, 'live', now(), now())")
    return path


def files_of(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir() if p.is_file())


@pytest.mark.parametrize("statement", [
    "COPY (SELECT 'x') TO '{db}' (HEADER false, USE_TMP_FILE false)",
    "COPY (SELECT 'x') TO '{db}' (FORMAT parquet)",
    "COPY (SELECT 'x') TO '{db}.wal'",
    "COPY (SELECT 'x') TO '{db}.tmp/x.csv'",
    "COPY runs TO '{db}'",
    "EXPORT DATABASE '{dir}/dump'",
    "COPY FROM DATABASE w TO memory",
    "EXPLAIN ANALYZE COPY (SELECT 'x') TO '{db}'",
    "SELECT 1; COPY (SELECT 'x') TO '{db}'",
    "ATTACH '{dir}/other.duckdb' AS o",
    "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true", "CALL pragma_version()",
    "CREATE TABLE t AS SELECT 1", "INSERT INTO runs SELECT * FROM runs", "DELETE FROM runs",
    "DROP TABLE runs", "CHECKPOINT", "VACUUM",
])
def test_sql_cannot_write_any_file(warehouse, statement):
    before = files_of(warehouse.parent)
    res = mt("sql", statement.format(db=warehouse, dir=warehouse.parent), "--db", str(warehouse))
    assert res.exit_code == 1, res.output
    assert res.output.startswith("Error: ") and len(res.output.strip().splitlines()) == 1
    assert files_of(warehouse.parent) == before
    res = mt("sql", "SELECT count(*) AS n FROM runs", "--db", str(warehouse), "--format", "csv")
    assert res.exit_code == 0 and res.output.splitlines() == ["n", "1"]


@pytest.mark.parametrize("query", ["SELECT 1", "FROM runs", "WITH a AS (SELECT 1) SELECT * FROM a",
                                   "SHOW TABLES", "DESCRIBE runs", "SUMMARIZE runs",
                                   "PRAGMA table_info('runs')"])
def test_sql_still_runs_every_kind_of_query(warehouse, query):
    assert mt("sql", query, "--db", str(warehouse)).exit_code == 0


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/any/path#", "http://127.0.0.1:8000/any/path", "http://127.0.0.1:8000?x=1",
    "http://127.0.0.1:8000#frag", "http://user:pw@127.0.0.1:8000", "https://127.0.0.1:8000",
    "http://10.0.0.1:8000", "http://example.com:80", "http://127.0.0.2:8000", "http://127.0.0.1",
    "ftp://127.0.0.1:21", "http://127.0.0.1:99999",
])
def test_replay_urls_other_than_a_loopback_server_are_refused_before_any_request(tmp_path, url):
    with pytest.raises(ValueError):
        replay.check_base_url(url)
    res = mt("refresh", "openrouter", "--replay", url, "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 2 and "--replay" in res.output
    assert not (tmp_path / "w.duckdb").exists()  # refused before anything was opened, let alone fetched


@pytest.mark.parametrize("url,base", [("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
                                      ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
                                      ("http://localhost:5000", "http://localhost:5000"),
                                      ("http://[::1]:8000", "http://[::1]:8000")])
def test_replay_servers_on_this_machine_are_accepted(url, base):
    assert replay.check_base_url(url) == base


def test_the_flow_refuses_a_replay_url_given_as_a_deployment_parameter(tmp_path):
    from prefect.testing.utilities import prefect_test_harness

    from modeltrail.flows.refresh import refresh_flow
    with prefect_test_harness():
        state = refresh_flow(sources=["openrouter"], replay="http://127.0.0.1:9/any/path#",
                             db_file=str(tmp_path / "w.duckdb"), return_state=True)
    assert state.is_failed() and "no path" in state.message
    assert not (tmp_path / "w.duckdb").exists()
