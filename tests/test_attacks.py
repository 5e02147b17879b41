"""Attacks on the tool itself (issue: untrusted pages and untrusted queries), each refused with nothing
written or lost. Everything here runs against copies on this machine only."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from modeltrail.spiders import replay
from modeltrail.cli import main
from modeltrail.warehouse import db
from tests.cli import invoke, run


def mt(*args):
    return invoke(*args)


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


@pytest.mark.slow
def test_the_flow_refuses_a_replay_url_given_as_a_deployment_parameter(tmp_path):
    from prefect.testing.utilities import prefect_test_harness

    from modeltrail.flows.refresh import refresh_flow
    with prefect_test_harness():
        state = refresh_flow(sources=["openrouter"], replay="http://127.0.0.1:9/any/path#",
                             db_file=str(tmp_path / "w.duckdb"), return_state=True)
    assert state.is_failed() and "no path" in state.message
    assert not (tmp_path / "w.duckdb").exists()


@pytest.fixture
def loaded(tmp_path):
    """A warehouse with one openrouter snapshot (loaded from the capture's cards)."""
    from tests.conftest import OPENROUTER_CAPTURE, parse_cards
    path = tmp_path / "w.duckdb"
    lines = parse_cards("openrouter", OPENROUTER_CAPTURE)
    res = CliRunner().invoke(main, ["load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(path)],
                             input=lines)
    assert res.exit_code == 0, res.output
    return path


@pytest.mark.slow
def test_export_never_writes_through_a_planted_symlink(loaded, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "model_cards_20260102T000000Z.csv").symlink_to(victim)
    res = mt("export", "--out", str(out), "--as-of", "2026-01-02T00:00:00Z", "--db", str(loaded))
    assert res.exit_code == 1 and "already exists" in res.output and "--force" in res.output
    assert victim.read_text() == "precious"
    res = mt("export", "--out", str(out), "--as-of", "2026-01-02T00:00:00Z", "--force", "--db", str(loaded))
    assert res.exit_code == 0, res.output
    assert victim.read_text() == "precious"  # the link was replaced, not followed
    assert not (out / "model_cards_20260102T000000Z.csv").is_symlink()
    assert (out / "model_cards_20260102T000000Z.csv").read_text().startswith("model_id,")
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary left


@pytest.mark.slow
def test_export_stamps_the_instant_in_utc(loaded, tmp_path):
    res = mt("export", "--out", str(tmp_path / "o"), "--as-of", "2030-01-01T00:00:00+05:00", "--db", str(loaded))
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "benchmarks_20291231T190000Z.csv", "model_cards_20291231T190000Z.csv", "prices_20291231T190000Z.csv"]


@pytest.mark.slow
def test_export_into_a_folder_it_cannot_write_is_one_line(loaded, tmp_path):
    import os
    (tmp_path / "file.txt").write_text("x")
    res = mt("export", "--out", str(tmp_path / "file.txt" / "sub"), "--db", str(loaded))
    assert res.exit_code == 1 and res.output.startswith("Error: cannot create export directory")
    assert len(res.output.strip().splitlines()) == 1
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("root writes into a read-only folder; the case above covered the one-line error")
        res = mt("export", "--out", str(ro), "--db", str(loaded))
        assert res.exit_code == 1 and res.output.startswith("Error: cannot write into")
    finally:
        os.chmod(ro, 0o700)


@pytest.mark.parametrize("url,refused", [
    ("https://openrouter.ai/api/v1/models", None), ("https://openrouter.ai:443/x", None),
    ("http://openrouter.ai:80/x", None), ("https://openrouter.ai:22/x", "port 22"),
    ("https://openrouter.ai:8080/x", "port 8080"), ("http://openrouter.ai:443/x", "port 443"),
    ("https://api.openrouter.ai:6379/", "port 6379"),
])
def test_the_domain_guard_allows_only_default_ports(url, refused):
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    from modeltrail.spiders.middleware import DomainGuard
    from modeltrail.spiders.openrouter import OpenrouterSpider
    stats = SimpleNamespace(inc_value=lambda *a, **k: None)
    crawler = SimpleNamespace(spider=OpenrouterSpider(), stats=stats,
                              settings=SimpleNamespace(get=lambda k, d=None: None))
    guard = DomainGuard(crawler)
    if refused is None:
        assert guard.process_request(Request(url)) is None
    else:
        with pytest.raises(IgnoreRequest, match=refused.replace("?", r"\?")):
            guard.process_request(Request(url))
    # a port the source's own start url names is the source's
    crawler.spider.start_urls = ["https://openrouter.ai:8443/api/v1/models"]
    assert guard.process_request(Request("https://openrouter.ai:8443/api/v1/models")) is None


def test_a_wrong_db_path_leaves_its_neighbours_alone(tmp_path):
    notdb = tmp_path / "notes.txt"
    notdb.write_text("not a warehouse\n" * 100)
    (tmp_path / "notes.txt.staging").mkdir()
    (tmp_path / "notes.txt.staging" / "mine.json").write_text("keep")
    res = mt("remap", "--db", str(notdb), "--wait", "0")
    assert res.exit_code == 1 and res.output.startswith("Error: ") and len(res.output.strip().splitlines()) == 1
    assert (tmp_path / "notes.txt.staging" / "mine.json").read_text() == "keep"
    assert notdb.read_text().startswith("not a warehouse")


@pytest.mark.parametrize("args,hint", [
    (["alias", "add", "", "openai/o3"], "NAME"), (["alias", "add", "   ", "openai/o3"], "NAME"),
    (["alias", "add", "🤖", "openai/o3"], "NAME"), (["alias", "add", "%", "openai/o3"], "NAME"),
    (["alias", "add", "_", "openai/o3"], "NAME"), (["alias", "add", "o3", "/"], "MODEL_ID"),
    (["alias", "add", "o3", "a/"], "MODEL_ID"), (["alias", "add", "o3", "/b"], "MODEL_ID"),
    (["alias", "add", "o3", "a/b/c"], "MODEL_ID"), (["alias", "add", "o3", "a b/c"], "MODEL_ID"),
    (["runs", "--limit", "99999999999999999999"], "--limit"), (["remap", "--wait", "nan"], "--wait"),
    (["remap", "--wait", "inf"], "--wait"),
])
def test_malformed_names_ids_and_numbers_are_usage_errors(tmp_path, args, hint):
    res = mt(*args, "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 2 and hint in res.output, res.output
    assert not (tmp_path / "w.duckdb").exists()


def test_parse_input_is_capped_like_a_download(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (10 * 1024 * 1024 + 1))
    for path in (str(big), "/dev/zero"):
        res = mt("parse", "--source", "openrouter", path)
        assert res.exit_code == 1 and "larger than a page may be" in res.output, res.output
    unreadable = tmp_path / "dir.json"
    unreadable.mkdir()
    res = mt("parse", "--source", "openrouter", str(unreadable))
    assert res.exit_code == 2  # a folder is not a page: click says so


@pytest.mark.slow
def test_sql_output_is_bounded_by_default_and_streams_when_asked(warehouse):
    res = CliRunner().invoke(main, ["sql", "SELECT * FROM range(1000000000000)", "--db", str(warehouse)])
    assert res.exit_code == 0
    assert len(res.stdout.splitlines()) == 2 + 10_000 and "--limit 0 for all" in res.stderr
    res = CliRunner().invoke(main, ["sql", "SELECT * FROM range(100000)", "--format", "csv", "--limit", "0",
                                    "--db", str(warehouse)])
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 100_001 and res.stderr == ""
    res = CliRunner().invoke(main, ["sql", "SELECT * FROM range(100000)", "--format", "json", "--limit", "7",
                                    "--db", str(warehouse)])
    assert res.stdout.splitlines()[-1] == '{"range": 6}' and len(res.stdout.splitlines()) == 7


#: a body of the per-model endpoint earlier versions replayed (still read from archives by reparse)
_AZURE_MODEL = {"name": "o3-mini", "displayName": "OpenAI o3-mini", "version": "2025-01-31", "publisher": "OpenAI",
                "tags": ["Reasoning"], "features": {"functionCalling": True, "reasoningEffort": ["low"]},
                "limits": {"contextLength": 200000, "maxOutputTokens": 100000},
                "modalities": {"input": ["text"], "output": ["text"]}, "license": "Custom",
                "trainingDataCutoff": "September 2023", "languages": 27, "qualityIndex": 0.87,
                "lifecycle": {"stage": None}}


def _azure_api(**over) -> bytes:
    import json
    return json.dumps({**_AZURE_MODEL, **over}).encode()


def _azure_search(**catalog) -> bytes:
    import json
    entity = {"annotations": {"name": "o3-mini", "systemCatalogData": {"publisher": "OpenAI", **catalog}},
              "properties": {"name": "o3-mini", "version": "2025-01-31"}}
    return json.dumps({"indexEntitiesResponse": {"value": [entity], "continuationToken": ""}}).encode()


@pytest.mark.parametrize("body,field", [
    (_azure_api(features={"functionCalling": True, "reasoningEffort": ["low", "ultra"]}), "reasoning_efforts"),
    (_azure_api(features="all of them"), "o3-mini: features"),
    (_azure_api(limits={"contextLength": {"value": 200000}, "maxOutputTokens": 100000}), "o3-mini: limits.contextLength"),
    (_azure_api(modalities={"input": "text"}), "o3-mini: modalities.input"),
    (_azure_api(lifecycle=[1, 2]), "o3-mini: lifecycle"),
    (_azure_api(languages="many"), "o3-mini: languages"),
    (_azure_search(textContextWindow={"value": 1}), "o3-mini: annotations.systemCatalogData.textContextWindow"),
    (_azure_search(lifecycle=["GA"]), "o3-mini: annotations.systemCatalogData.lifecycle"),
    (_azure_search(lifecycle="Sunsetting"), "status"),
    (_azure_search(inputModalities=[{"deep": [[[]]]}]), "o3-mini: annotations.systemCatalogData.inputModalities"),
])
def test_unexpected_endpoint_json_is_a_named_problem_and_the_card_survives(body, field):
    from datetime import datetime, timezone

    from modeltrail.pipelines.parsers import azure
    parsed = azure.parse(body, "https://ai.azure.com/api/catalog/models/o3-mini", datetime.now(timezone.utc),
                         "application/json")
    (card,) = parsed.cards
    assert card.source_model_id == "o3-mini" and card.version == "2025-01-31"
    assert any(p.field == field for p in parsed.problems), [p.field for p in parsed.problems]


@pytest.mark.parametrize("source", ["azure", "openrouter"])
def test_deeply_nested_json_is_a_problem_not_a_crash(tmp_path, source):
    deep = tmp_path / "deep.json"
    deep.write_bytes(b'{"name": "x", "data": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    res = mt("parse", "--source", source, "--url", "https://ai.azure.com/api/catalog/models/x", str(deep))
    assert res.exit_code == 1 and "Traceback" not in res.output and "no card found" in res.output


@pytest.mark.slow
def test_a_source_failing_on_the_network_is_one_line_without_a_traceback(tmp_path):
    import socket
    with socket.socket() as s:  # a loopback port nobody listens on: what "no network" looks like
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run("refresh", "openrouter", "--replay", f"http://127.0.0.1:{port}", "--retries", "1",
               "--db", str(tmp_path / "w.duckdb"))
    assert proc.returncode == 3
    assert "Traceback" not in proc.stdout + proc.stderr and "ERROR" not in proc.stderr
    (line,) = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("openrouter:")]
    assert "failed" in line and len(line) < 300
