"""History you can trust, through the CLI on replayed captures: failed and broken runs close nothing,
absence is removal (never deprecation), deprecation comes only from the page, and reparse is exact."""

from __future__ import annotations

import json
import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer

import duckdb
import pytest

from modeltrail.flows import reparse as rebuild
from modeltrail.spiders.replay import CaptureHandler
from modeltrail.warehouse import db
from tests.cli import run_here
from tests.conftest import CAPTURES

#: every test here runs real refreshes (or PostgreSQL, or a Prefect server): `pytest -m 'not slow'` skips them
pytestmark = pytest.mark.slow

AZURE = "ai.azure.com/catalog/models"
SEARCH = "ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"


def drop_from_search(root, name: str) -> str:
    """Take a model out of the captured search API's first page; returns the page as it was."""
    page = root / SEARCH / "_start.json"
    original = page.read_text()
    data = json.loads(original)
    body = data["indexEntitiesResponse"]
    body["value"] = [e for e in body["value"] if e["annotations"]["name"] != name]
    page.write_text(json.dumps(data))
    return original


def mt(*args, check=True):
    """`modeltrail ARGS` run in this process (tests/cli.py `run_here`): what these tests read is the
    warehouse and the command's output, not the process (tests/test_flow.py, test_ducklake.py run it as
    its own process)."""
    return run_here(*args, check=check)


def refresh(path, when, *args, replay=None, expect=0):
    proc = mt("refresh", *args, "--replay", *( [replay] if replay else []), "--db", str(path),
              "--observed-at", when, check=False)
    assert proc.returncode == expect, proc.stdout + proc.stderr
    return proc


def q(path, sql, *params):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def copy_captures(tmp_path, *hosts):
    root = tmp_path / "captures"
    for host in hosts or [p.name for p in CAPTURES.iterdir()]:
        shutil.copytree(CAPTURES / host, root / host)
    return root


class AzureDown(CaptureHandler):
    def do_GET(self):
        if self.path.startswith("/ai.azure.com/"):
            self.send_error(500, "down")
        else:
            super().do_GET()

    def do_POST(self):  # the catalog's search API
        if self.path.startswith("/ai.azure.com/"):
            self.send_error(500, "down")
        else:
            super().do_POST()


def test_source_answering_500_fails_alone_and_closes_nothing(tmp_path):
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "azure", "leaderboard")
    before = q(path, "SELECT count(*) FROM model_cards WHERE source = 'azure'")
    assert before == [(19,)]  # every model of the captured search API
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(AzureDown, root=CAPTURES))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for day in ("02", "03", "04"):
            proc = refresh(path, f"2026-01-{day}T00:00:00Z", "azure", "leaderboard", replay=base, expect=3)
            assert "azure: failed" in proc.stdout and "HTTP 500" in proc.stdout
            assert "leaderboard: complete" in proc.stdout
    finally:
        server.shutdown()
        server.server_close()
    assert q(path, "SELECT count(*) FROM model_cards WHERE source = 'azure'") == before
    assert q(path, "SELECT count(*) FROM removals") == [(0,)]
    assert q(path, "SELECT DISTINCT status FROM lifecycle WHERE source = 'azure'") == [("active",)]
    assert q(path, "SELECT count(*) FROM changes WHERE changed_at > '2026-01-01'") == [(0,)]


def test_layout_change_is_partial_and_keeps_the_good_card(tmp_path):
    root = copy_captures(tmp_path, "ai.azure.com")
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "azure", replay=str(root))
    # the page and the search API both change shape: the API fails over to the pages, and o3-mini's has no card
    (root / AZURE / "o3-mini").write_text("<html><body><div id='root'>Loading…</div></body></html>")
    (root / SEARCH / "_start.json").write_text('{"error": "maintenance"}')
    for day in ("02", "03"):
        proc = refresh(path, f"2026-01-{day}T00:00:00Z", "azure", replay=str(root), expect=3)
        assert "azure: partial" in proc.stdout and "gave no card" in proc.stdout
    rows = q(path, "SELECT context_window, valid_from FROM model_cards WHERE source_model_id = 'o3-mini'")
    assert rows and rows[0][0] == 200_000 and rows[0][1].isoformat().startswith("2026-01-01")
    assert q(path, "SELECT count(*) FROM removals") == [(0,)]


def test_absence_twice_is_removal_never_deprecation_and_return_is_a_new_version(tmp_path):
    root = copy_captures(tmp_path, "ai.azure.com")
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "azure", replay=str(root))
    original = drop_from_search(root, "gpt-4o")

    refresh(path, "2026-01-02T00:00:00Z", "azure", replay=str(root))      # missing once: still current
    assert q(path, "SELECT count(*) FROM model_cards WHERE source_model_id = 'gpt-4o'") == [(1,)]
    refresh(path, "2026-01-03T00:00:00Z", "azure", replay=str(root))      # missing twice: removed
    assert q(path, "SELECT count(*) FROM model_cards WHERE source_model_id = 'gpt-4o'") == [(0,)]
    life = q(path, "SELECT status, stated_status, removed_at, last_seen FROM lifecycle WHERE source_model_id = 'gpt-4o'")
    assert life[0][0] == "removed" and life[0][1] is None                 # not deprecated
    assert life[0][2].isoformat().startswith("2026-01-03") and life[0][3].isoformat().startswith("2026-01-01")
    assert q(path, "SELECT change_type FROM changes WHERE source_model_id = 'gpt-4o' AND change_type <> 'added'") \
        == [("removed",)]
    assert q(path, "SELECT count(*) FROM model_cards_history WHERE source_model_id = 'gpt-4o'") == [(1,)]  # kept

    (root / SEARCH / "_start.json").write_text(original)
    refresh(path, "2026-01-04T00:00:00Z", "azure", replay=str(root))      # back: a new current version
    rows = q(path, "SELECT valid_from, valid_to FROM model_cards_history WHERE source_model_id = 'gpt-4o' ORDER BY 1")
    assert len(rows) == 2 and rows[0][1] is not None and rows[1][1] is None
    assert rows[1][0].isoformat().startswith("2026-01-04")
    out = mt("changes", "--model", "openai/gpt-4o", "--source", "azure", "--format", "json", "--db", str(path)).stdout
    assert [json.loads(l)["change_type"] for l in out.splitlines()] == ["added", "removed", "added"]
    assert q(path, "SELECT status FROM lifecycle WHERE source_model_id = 'gpt-4o'") == [("active",)]


def test_deprecation_notice_reaches_lifecycle_and_changes(tmp_path):
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "tokenhub", "openai")
    out = mt("lifecycle", "--format", "json", "--db", str(path)).stdout
    rows = {(r["source"], r["source_model_id"]): r for r in map(json.loads, out.splitlines())}
    th = rows[("tokenhub", "o3-mini")]
    assert (th["status"], th["successor"]) == ("deprecated", "GPT-5.4 Mini")
    assert th["deprecation_url"] == "https://www.tokenhub.link/models/o3-mini"
    assert th["deprecation_seen_at"].startswith("2026-01-01")
    assert rows[("openai", "o1-mini")]["successor"] == "o4-mini"
    out = mt("changes", "--source", "tokenhub", "--format", "json", "--db", str(path)).stdout
    assert any(r["change_type"] == "deprecated" for r in map(json.loads, out.splitlines()))


def test_same_capture_set_later_adds_only_run_rows(tmp_path):
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "azure", "302ai")
    tables = ("model_cards_history", "prices_history", "benchmarks_history", "pages", "removals")
    before = {t: q(path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    proc = refresh(path, "2026-02-01T00:00:00Z", "azure", "302ai")
    assert "0 new versions, 0 closed" in proc.stdout
    assert before == {t: q(path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    assert q(path, "SELECT count(*) FROM runs") == [(2,)]


def test_older_snapshot_is_refused_clearly(tmp_path):
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-02-01T00:00:00Z", "302ai")
    proc = refresh(path, "2026-01-01T00:00:00Z", "302ai", expect=1)
    assert "oldest first" in proc.stderr and "Traceback" not in proc.stderr


def test_reparse_rewrites_only_what_a_parser_change_affects_and_is_idempotent(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "azure")
    refresh(path, "2026-01-08T00:00:00Z", "azure")
    con = db.connect(path)
    unchanged = con.execute("SELECT * EXCLUDE (parser_version) FROM model_cards_history "
                            "WHERE source_model_id <> 'o3-mini' ORDER BY ALL").fetchall()

    from modeltrail.pipelines.parsers import azure
    real = azure.parse

    def fixed(page, url, fetched_at, content_type=None):  # a "parser fix" touching one model's field
        parsed = real(page, url, fetched_at, content_type)
        for card in parsed.cards:
            if card.source_model_id == "o3-mini":
                card.license = "Custom (OpenAI terms)"
        return parsed
    monkeypatch.setattr(azure, "parse", fixed)

    stats = rebuild.reparse(con, "azure")
    assert stats["runs"] == 2 and stats["rows_changed"] == 2       # one old row out, one new row in
    rows = con.execute("SELECT license, valid_from, valid_to FROM model_cards_history "
                       "WHERE source_model_id = 'o3-mini'").fetchall()
    assert [r[0] for r in rows] == ["Custom (OpenAI terms)"] and rows[0][2] is None
    assert rows[0][1].isoformat().startswith("2026-01-01")         # history rebuilt in time order
    assert con.execute("SELECT * EXCLUDE (parser_version) FROM model_cards_history "
                       "WHERE source_model_id <> 'o3-mini' ORDER BY ALL").fetchall() == unchanged
    assert rebuild.reparse(con, "azure")["rows_changed"] == 0      # twice: nothing changes
    con.close()


def test_reparse_cli_without_requests(tmp_path):
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "leaderboard")
    proc = mt("reparse", "--source", "leaderboard", "--db", str(path))
    assert "leaderboard: 1 runs re-parsed, 0 history rows changed" in proc.stdout
    proc = mt("reparse", "--source", "leaderboard", "--since", "2026-01-01T00:00:00Z", "--db", str(path))
    assert "0 history rows changed" in proc.stdout


def history_rows(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("model_cards_history", "prices_history", "benchmarks_history", "card_state")]


def test_reparse_refuses_history_it_cannot_rebuild_and_changes_nothing(tmp_path):
    """Cards loaded from a file (`modeltrail load`) have no archived pages: a reparse of their source
    would forget them and replay only the crawled runs. It is refused, naming the runs, until --since
    leaves them out. (Before: 3,193 loaded versions of OpenRouter went, 58 came back.)"""
    path = tmp_path / "w.duckdb"
    cards = tmp_path / "cards.jsonl"
    cards.write_text(mt("parse", "--source", "openrouter", "--url", "https://openrouter.ai/api/v1/models",
                        "--fetched-at", "2026-01-01T00:00:00Z", str(CAPTURES / "openrouter.ai/api/v1/models")).stdout)
    mt("load", str(cards), "--source", "openrouter", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(path))
    refresh(path, "2026-01-08T00:00:00Z", "openrouter")
    before = history_rows(path)
    proc = mt("reparse", "--source", "openrouter", "--db", str(path), check=False)
    assert proc.returncode == 1 and "run(s) 1 loaded cards without fetching pages (load)" in proc.stderr
    assert "--since (later than 2026-01-01T00:00:00+00:00)" in proc.stderr and "Traceback" not in proc.stderr
    proc = mt("reparse", "--db", str(path), check=False)  # all sources: refused before any is rebuilt
    assert proc.returncode == 1 and proc.stdout == ""
    assert history_rows(path) == before
    out = mt("reparse", "--source", "openrouter", "--since", "2026-01-02T00:00:00Z", "--db", str(path)).stdout
    assert "openrouter: 1 runs re-parsed, 0 history rows changed" in out
    assert history_rows(path) == before


def test_reparse_does_not_bring_back_an_undone_run(tmp_path):
    path = tmp_path / "w.duckdb"
    refresh(path, "2026-01-01T00:00:00Z", "302ai")
    mt("runs", "undo", "1", "--db", str(path))
    empty = history_rows(path)
    assert empty[0] == []
    out = mt("reparse", "--source", "302ai", "--db", str(path)).stdout
    assert "302ai: 0 runs re-parsed" in out
    assert history_rows(path) == empty
