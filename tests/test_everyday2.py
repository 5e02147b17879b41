"""Everyday use, second walk through the README (a new user's issue): each defect reproduced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest
from click.testing import CliRunner

from modeltrail.cli import main
from tests.conftest import OPENROUTER_CAPTURE, REPO, parse_cards


def mt(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def cards():
    """The bundled OpenRouter capture as `modeltrail parse` prints it (JSON lines of 13 cards)."""
    return parse_cards("openrouter", OPENROUTER_CAPTURE)


def load(db, cards: str, when: str, *more):
    res = mt("load", "-", "--observed-at", when, "--db", str(db), *more, input=cards)
    assert res.exit_code == 0, res.output
    return res


def rows(db, query: str, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


# --- 1. interrupts ----------------------------------------------------------------------------------

@pytest.mark.slow  # a real refresh process, its crawl and Prefect's API, stopped by a signal to its group
def test_ctrl_c_during_a_refresh_stops_at_once_in_one_line(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while the crawls are out."""
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "modeltrail", "refresh", "openrouter", "--replay", "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "MODELTRAIL_DOWNLOAD_DELAY": "30",  # a crawl that takes a while
                                 "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"})
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # until the run is recorded (and the crawl out)
        time.sleep(0.3)
        try:
            if db.exists() and rows(db, "SELECT count(*) FROM runs WHERE status IS NULL")[0][0]:
                break
        except duckdb.Error:
            pass  # the run holds it for a moment
    else:
        proc.kill()
        pytest.fail("the run never started")
    time.sleep(1)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < 3, took
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("refresh: crawling"), err
    assert lines[1].startswith("interrupted (Ctrl-C): run 1 stopped, recorded as interrupted"), err
    assert out == ""
    assert rows(db, "SELECT run_id, status FROM runs") == [(1, "interrupted")]
    assert rows(db, "SELECT source, status, reasons FROM source_runs") == [
        ("openrouter", "failed", ["interrupted (Ctrl-C) before its load"])]
    assert rows(db, "SELECT count(*) FROM model_cards_history") == [(0,)]
    res = mt("status", "--db", str(db), "--format", "csv")
    assert "openrouter,1,failed: interrupted (Ctrl-C) before its load" in res.stdout
    res = mt("runs", "--db", str(db), "--format", "csv")
    assert "1,replay," in res.stdout and "failed" in res.stdout


def test_a_run_left_without_an_end_is_marked_interrupted_by_the_next_writer(tmp_path, cards):
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    with duckdb.connect(str(db)) as con:  # what kill -9 during a refresh's crawl leaves
        con.execute("INSERT INTO runs (run_id, kind, observed_at, started_at) "
                    "VALUES (2, 'live', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')")
    load(db, cards, "2026-01-03T00:00:00Z")
    ((status, summary),) = rows(db, "SELECT status, summary FROM runs WHERE run_id = 2")
    assert status == "interrupted"
    assert summary.startswith("interrupted: no end recorded (noticed 20") and summary.endswith(" by run 3)")
    runs = mt("runs", "--db", str(db), "--format", "csv").stdout.splitlines()
    assert any(line.startswith("2,live,") and ",interrupted," in line and "no end recorded" in line for line in runs)


def test_the_last_run_interrupted_before_any_verdict_is_shown_by_status(tmp_path, cards):
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO runs (run_id, kind, observed_at, started_at, status, summary) VALUES "
                    "(2, 'live', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', 'interrupted', "
                    "'interrupted: no end recorded (noticed 2026-01-03T00:00:00Z by run 3)')")
    res = CliRunner().invoke(main, ["status", "--db", str(db)])
    assert res.exit_code == 0
    assert "run 2 (live, started 2026-01-02 00:00) was interrupted: no end recorded" in res.stderr


def test_a_killed_crawls_folder_is_removed_by_the_next_run(tmp_path):
    from modeltrail.flows import stopping
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / "tmp"
    stale.mkdir()
    gone = stale / f"{stopping.CRAWL_DIR_PREFIX}{dead.pid}-abc"
    (gone / "openrouter-x").mkdir(parents=True)
    mine = stale / f"{stopping.CRAWL_DIR_PREFIX}{os.getpid()}-def"  # a live process's: kept
    mine.mkdir()
    import tempfile
    old = tempfile.tempdir
    tempfile.tempdir = str(stale)
    try:
        assert stopping.clean_stale_crawl_dirs() == [str(gone)]
    finally:
        tempfile.tempdir = old
    assert not gone.exists() and mine.exists()


def test_ctrl_c_in_another_command_is_one_line_and_130(tmp_path, cards, monkeypatch):
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    from modeltrail.flows import reparse

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(reparse, "check", lambda *a: None)
    monkeypatch.setattr(reparse, "reparse", interrupted)
    res = CliRunner().invoke(main, ["reparse", "--source", "openrouter", "--db", str(db)])
    assert res.exit_code == 130 and res.stderr.strip().splitlines() == ["interrupted (Ctrl-C): stopped; nothing half-written"]


def test_an_interrupted_reparse_leaves_the_source_as_it_was(tmp_path, cards, monkeypatch):
    from modeltrail.flows import reparse
    from modeltrail.warehouse import db as wh
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    con = wh.connect(db)
    # the run as a crawl's (reparse reads the pages a run fetched; none here: the load comes out empty)
    con.execute("INSERT INTO fetches (run_id, source, url, fetched_at) VALUES (1, 'openrouter', 'u', now())")
    count = "SELECT count(*) FROM model_cards_history"
    before = con.execute(count).fetchone()[0]
    assert before == 13

    def interrupted(*args, **kwargs):  # Ctrl-C during the run's load
        raise KeyboardInterrupt
    monkeypatch.setattr(wh, "load_source", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reparse.reparse(con, "openrouter")
    assert con.execute(count).fetchone()[0] == before  # not forgotten: the rebuild is one transaction
    con.close()


# --- 2. the working directory -----------------------------------------------------------------------

def test_a_crawl_works_from_a_folder_holding_a_modeltrail_folder(tmp_path, monkeypatch):
    from modeltrail.flows import crawl_run
    (tmp_path / "modeltrail").mkdir()  # e.g. a user's notes, or a checkout's parent
    (tmp_path / "modeltrail" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    from modeltrail.spiders.replay import serve
    with serve(str(REPO / "captures")) as base:
        out = crawl_run.crawl("openrouter", tmp_path / "out", replay=base, timeout=120)
    assert out.returncode == 0, out.log_tail
    assert [p.status for p in out.pages] == [200]


# --- 3. a warehouse that does not exist -------------------------------------------------------------

@pytest.mark.parametrize("args", [["status"], ["changes"], ["history", "openai/gpt-4o"], ["runs"], ["lifecycle"],
                                  ["export", "--out", "OUT"]])
def test_reading_commands_refuse_a_warehouse_that_does_not_exist(tmp_path, args):
    db = tmp_path / "typo.duckdb"
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    res = CliRunner().invoke(main, [*args, "--db", str(db)])
    assert res.exit_code == 2, res.output
    assert res.stdout == "" and res.stderr.startswith(f"Error: no warehouse at {db}")
    assert list(tmp_path.iterdir()) == []


# --- 4. a mistyped model or source ------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory, cards):
    """A warehouse holding the OpenRouter capture's 13 cards, loaded once (no crawl)."""
    db = tmp_path_factory.mktemp("small") / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    return db


@pytest.mark.parametrize("args", [["changes", "--model", "gpt4o"], ["history", "gpt4o"], ["compare", "gpt4o"],
                                  ["history", "gpt4o", "--field", "price.input"],
                                  ["report", "--out", "OUT", "--model", "gpt4o"]])
def test_a_mistyped_model_is_a_usage_error_naming_the_closest(small, tmp_path, args):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    res = CliRunner().invoke(main, [*args, "--db", str(small)])
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr == "Error: no model gpt4o; did you mean gpt-4o?\n"
    assert not (tmp_path / "out").exists()


def test_a_model_is_found_by_its_name_without_its_vendor_or_as_a_catalog_writes_it(small):
    """`history llama-guard-4-12b` said "no model": only a source's whole id or the canonical id with its
    vendor were looked up. The canonical id without its vendor, and any catalog's spelling the id grammar
    reads (deepseek-v3-2-exp for deepseek-v3.2-exp), name the model too."""
    for name, model in (("llama-guard-4-12b", "meta/llama-guard-4-12b"), ("LLAMA-GUARD-4-12B", "meta/llama-guard-4-12b"),
                        ("deepseek-v3-2-exp", "deepseek/deepseek-v3.2-exp"), ("gpt-4o-mini", "openai/gpt-4o-mini")):
        res = CliRunner().invoke(main, ["history", name, "--format", "csv", "--db", str(small)])
        assert res.exit_code == 0, (name, res.stderr)
        assert {line.split(",")[0] for line in res.stdout.splitlines()[1:]} == {model}, name


def test_a_name_like_nothing_known_is_said_without_a_guess(small):
    res = CliRunner().invoke(main, ["changes", "--model", "zzzz-qqqq", "--db", str(small)])
    assert res.exit_code == 2 and res.stderr == "Error: no model zzzz-qqqq\n"
    res = CliRunner().invoke(main, ["changes", "--model", "openai/gpt-4o-mini", "--db", str(small)])
    assert res.exit_code == 0 and "openai/gpt-4o-mini" in res.stdout  # known names still answer


@pytest.mark.parametrize("args", [["changes", "--source", "openroute"], ["reparse", "--source", "openroute"],
                                  ["parse", "--source", "openroute", "FILE"], ["refresh", "openroute", "--replay"],
                                  ["load", "-", "--source", "openroute", "--observed-at", "2026-01-01T00:00:00Z"]])
def test_a_mistyped_source_names_the_closest(small, args):
    args = [str(OPENROUTER_CAPTURE) if a == "FILE" else a for a in args]
    res = CliRunner().invoke(main, [*args] + (["--db", str(small)] if args[0] != "parse" else []), input="")
    assert res.exit_code == 2 and "unknown source(s) openroute; did you mean openrouter?" in res.stderr, res.output


# --- 5. reparse keeps each run's settings ------------------------------------------------------------

def test_reparse_rebuilds_each_run_with_the_removal_setting_it_was_loaded_with(tmp_path):
    from bench.gitrepo import build
    from tests.conftest import OPENROUTER_DAYS
    repo = build(OPENROUTER_DAYS, tmp_path / "archive", "openrouter/models.json", days=5, distinct=True)
    db = tmp_path / "w.duckdb"
    res = mt("backfill-git", str(repo), "openrouter/models.json", "--source", "openrouter", "--removal-runs", "1",
             "--db", str(db))
    assert res.exit_code == 0, res.output
    assert rows(db, "SELECT DISTINCT removal_runs FROM source_runs") == [(1,)]
    removed = rows(db, "SELECT count(*) FROM removals")[0][0]
    assert removed > 0  # models left the list between those days: removed after one run (not two)
    history = "SELECT * EXCLUDE (parser_version) FROM model_cards_history ORDER BY ALL"
    before = rows(db, history)
    res = mt("reparse", "--source", "openrouter", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("openrouter: 5 runs re-parsed, 0 history rows changed"), res.stdout
    assert rows(db, history) == before and rows(db, "SELECT count(*) FROM removals")[0][0] == removed
    assert rows(db, "SELECT DISTINCT removal_runs FROM source_runs") == [(1,)]
    res = mt("reparse", "--source", "openrouter", "--removal-runs", "2", "--db", str(db))  # asked: that one
    assert rows(db, "SELECT DISTINCT removal_runs FROM source_runs") == [(2,)]


# --- 6. undo past runs that loaded nothing ----------------------------------------------------------

def test_a_later_failed_run_does_not_block_undoing_the_last_that_loaded(tmp_path, cards):
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    load(db, cards.replace('"context_window":128000', '"context_window":64000'), "2026-01-02T00:00:00Z")
    changed = rows(db, "SELECT count(*) FROM model_cards_history WHERE run_id = 2")[0][0]
    assert changed > 0
    with duckdb.connect(str(db)) as con:  # a refresh whose crawl failed (no answer): recorded, nothing loaded
        con.execute("INSERT INTO runs (run_id, kind, observed_at, started_at, finished_at, status) VALUES "
                    "(3, 'live', '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-03T00:00:01Z', 'failed')")
        con.execute("INSERT INTO source_runs (run_id, source, status, reasons) "
                    "VALUES (3, 'openrouter', 'failed', ['every request failed'])")
    res = mt("runs", "undo", "2", "--db", str(db))
    assert res.exit_code == 0 and res.stdout == "run 4: undid run 2\n"
    assert rows(db, "SELECT count(*) FROM model_cards_history WHERE run_id = 2") == [(0,)]
    assert rows(db, "SELECT count(*) FROM model_cards_history WHERE valid_to IS NULL") == [(13,)]


# --- 7. export as of an instant ---------------------------------------------------------------------

def test_an_export_as_of_an_instant_shows_nothing_learnt_after_it(tmp_path, cards):
    import csv
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    load(db, cards.replace('"context_window":128000', '"context_window":64000'), "2026-01-05T00:00:00Z")
    res = mt("export", "--out", str(tmp_path / "out"), "--as-of", "2026-01-02T00:00:00Z", "--db", str(db))
    assert res.exit_code == 0, res.output
    for name in ("model_cards", "prices", "benchmarks"):
        with open(tmp_path / "out" / f"{name}_20260102T000000Z.csv", newline="") as fh:
            table = list(csv.DictReader(fh))
        assert all(r["valid_to"] == "" for r in table), name  # 2026-01-05 was not known on the 2nd
        assert all(r["valid_from"] <= "2026-01-02" for r in table)
        if name == "model_cards":
            assert sum(r["context_window"] == "128000" for r in table) == 3
            assert len(table) == 13


# --- 8. a card's url is where it was published ------------------------------------------------------

def test_parse_then_load_records_the_url_given_never_a_local_path(tmp_path):
    db = tmp_path / "w.duckdb"
    page = tmp_path / "models.json"
    page.write_bytes(OPENROUTER_CAPTURE.read_bytes())
    parse = [sys.executable, "-m", "modeltrail", "parse", "--source", "openrouter", str(page)]
    plain = subprocess.run(parse, capture_output=True, text=True, check=True)
    assert f"note: no --url: the cards' url is {page.as_uri()}, which `modeltrail load` refuses" in plain.stderr
    assert "https://openrouter.ai/api/v1/models" in plain.stderr  # the source's start url, said
    res = CliRunner().invoke(main, ["load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db)],
                             input=plain.stdout)
    assert res.exit_code == 1 and f"stdin:1: field url: '{page.as_uri()}' is not where the card was published" in res.stderr
    assert not db.exists() or rows(db, "SELECT count(*) FROM model_cards_history") == [(0,)]
    given = subprocess.run([*parse, "--url", "https://openrouter.ai/api/v1/models"], capture_output=True, text=True,
                           check=True)
    assert given.stderr == ""
    load(db, given.stdout, "2026-01-01T00:00:00Z")
    assert rows(db, "SELECT DISTINCT url FROM model_cards_history") == [("https://openrouter.ai/api/v1/models",)]
    assert rows(db, "SELECT DISTINCT url FROM prices_history") == [("https://openrouter.ai/api/v1/models",)]


# --- 9. a raw catalog file given to load --------------------------------------------------------

def test_loading_a_raw_catalog_says_what_it_is_and_the_command_that_loads_it(tmp_path):
    db = tmp_path / "w.duckdb"
    raw = str(OPENROUTER_CAPTURE)
    res = CliRunner().invoke(main, ["load", raw, "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db)])
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr == (
        f"Error: {raw} looks like openrouter's model list (JSON), 13 cards to its parser, not JSON lines of cards: "
        f"`modeltrail parse --source openrouter --url URL {raw} | modeltrail load - --observed-at TIME` "
        "(URL: where it was published); nothing was loaded\n")
    assert not db.exists()
    res = CliRunner().invoke(main, ["load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db)],
                             input='{\n  "models": []\n}\n')
    assert res.exit_code == 1 and "stdin is one JSON document, not JSON lines of cards (one ModelCard" in res.stderr
    res = CliRunner().invoke(main, ["load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db)],
                             input='{"a": 1}\n')  # a card gone wrong: its fields are named
    assert res.exit_code == 1 and "stdin:1: field " in res.stderr

# --- 12. history: one period per value ----------------------------------------------------------

def test_history_of_a_field_is_one_period_per_value(tmp_path, cards):
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    # gpt-4o-mini's card changes twice (its max output), its context window never
    load(db, cards.replace('"max_output_tokens":16384', '"max_output_tokens":16000'), "2026-01-02T00:00:00Z")
    load(db, cards.replace('"max_output_tokens":16384', '"max_output_tokens":15000'), "2026-01-03T00:00:00Z")
    res = mt("history", "openai/gpt-4o-mini", "--field", "context_window", "--format", "csv", "--db", str(db))
    lines = res.stdout.splitlines()
    assert len(lines) == 2, res.stdout  # one period: 128000 since the 1st, still current
    assert ",context_window,128000,2026-01-01T00:00:00Z,," in lines[1]
    res = mt("history", "openai/gpt-4o-mini", "--field", "max_output_tokens", "--format", "csv", "--db", str(db))
    assert [line.split(",")[4:7] for line in res.stdout.splitlines()[1:]] == [
        ["16384", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"],
        ["16000", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"],
        ["15000", "2026-01-03T00:00:00Z", ""]]

# --- 13. -v on refresh --------------------------------------------------------------------------

@pytest.mark.slow  # a real refresh process end to end (Prefect's API, a Scrapy crawl, the warehouse)
def test_verbose_refresh_says_each_step_of_each_source(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "modeltrail", "-v", "refresh", "openrouter", "--replay",
                           "--observed-at", "2026-01-01T00:00:00Z", "--db", str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert "fetch openrouter: 1 page" in lines
    assert "parse openrouter: 13 cards, 0 problems, verdict complete" in lines
    assert "load openrouter: complete, 58 new versions, 0 closed, 0 removed" in lines
    assert lines.index("fetch openrouter: 1 page") < lines.index("load openrouter: complete, 58 new versions, "
                                                                 "0 closed, 0 removed")


# --- 14. a time ago -----------------------------------------------------------------------------------

def test_since_takes_a_time_ago(tmp_path, cards):
    """`changes --since 7d` (the last week's), as `deprecations --within 90d` takes days: a time that long
    ago, beside the ISO 8601 times every --since and --as-of take."""
    import csv
    import io
    from datetime import datetime, timedelta, timezone
    db = tmp_path / "w.duckdb"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    load(db, cards, stamp(now - timedelta(days=3)))
    load(db, cards.replace('"context_window":128000', '"context_window":64000'), stamp(now - timedelta(hours=2)))

    # export --as-of a time ago: the snapshot of then (the first load's context, not the second's); first, as the
    # reading commands run in this process keep their connection to its end
    res = mt("export", "--out", str(tmp_path / "out"), "--as-of", "1d", "--format", "csv", "--db", str(db))
    assert res.exit_code == 0, res.output
    (cards_file,) = (tmp_path / "out").glob("model_cards_*.csv")
    with open(cards_file, newline="") as fh:
        assert sum(r["context_window"] == "128000" for r in csv.DictReader(fh)) == 3

    def changed_at(*since):
        res = mt("changes", *since, "--format", "csv", "--db", str(db))
        assert res.exit_code == 0, res.output
        return {r["changed_at"] for r in csv.DictReader(io.StringIO(res.output))}
    assert changed_at("--since", "1d") == {stamp(now - timedelta(hours=2))}
    assert changed_at("--since", "4d") == changed_at() == {stamp(now - timedelta(days=3)),
                                                           stamp(now - timedelta(hours=2))}
    assert changed_at("--since", "3h") == changed_at("--since", "1w").difference({stamp(now - timedelta(days=3))})
    assert changed_at("--since", "30m") == set()
    res = mt("changes", "--since", "999999w", "--db", str(db))
    assert res.exit_code == 2 and "'999999w' is longer ago than any time" in res.output
    res = mt("changes", "--since", "2q", "--db", str(db))
    assert res.exit_code == 2 and "'2q' is not an ISO 8601 time (e.g. 2026-01-01T00:00:00Z) nor a time ago " \
                                  "(7d, 12h, 2w)" in res.output


# --- 15. what a conflict is ----------------------------------------------------------------------------

def test_who_serves_an_offering_and_when_a_source_listed_it_are_no_conflict(tmp_path):
    """The conflicts view (and `compare`'s conflict column) named 109 "conflicts" of `provider` on the
    replayed captures: Azure's and OpenAI's offerings of one model are served by two providers by nature.
    What differs by offering or by source (provider, regions, listed date, last updated) is no
    disagreement about the model; its context window still is."""
    import json

    def card(source, smid, provider, ctx, listed, regions):
        return json.dumps({"source": source, "source_model_id": smid, "model_id": None, "name": "GPT-4o",
                           "url": f"https://example.com/{source}", "provider": provider, "context_window": ctx,
                           "listed_date": listed, "last_updated": listed, "regions": regions,
                           "fetched_at": "2026-01-01T00:00:00+00:00", "page_sha256": "0" * 64,
                           "parser_version": "test"})
    db = tmp_path / "w.duckdb"
    # (two sources whose one-card snapshot is a complete run)
    load(db, card("tokenhub", "gpt-4o", "azure", 128000, "2024-05-13", ["eastus"]) + "\n", "2026-01-01T00:00:00Z")
    load(db, card("302ai", "gpt-4o-2024-08-06", "openai", 64000, "2024-06-01", ["global"]) + "\n",
         "2026-01-01T00:00:00Z")
    # (a card of a source modeltrail does not know is refused as such: it was said to look like Azure's
    # model list, whose parser reads a "provider" and a "name" in any JSON object)
    res = mt("load", "-", "--observed-at", "2026-01-02T00:00:00Z", "--db", str(db),
             input=card("catalog-a", "gpt-4o", "azure", 1, "2024-05-13", []) + "\n")
    assert res.exit_code == 1 and "stdin:1: field source: unknown source 'catalog-a'" in res.output, res.output
    assert rows(db, "SELECT model_id, field FROM conflicts ORDER BY ALL") == [("openai/gpt-4o", "context_window")]
    res = mt("compare", "openai/gpt-4o", "--format", "json", "--db", str(db))
    conflict = {r["field"]: r["conflict"] for r in map(json.loads, res.output.splitlines())}
    assert conflict["context_window"] == "yes"
    assert conflict["provider"] == conflict["listed_date"] == conflict["regions"] == ""


def test_history_of_one_source(tmp_path, cards):
    """`history MODEL --source S`: a model that twenty offerings list, one catalog's word on it."""
    import csv
    import io
    db = tmp_path / "w.duckdb"
    load(db, cards, "2026-01-01T00:00:00Z")
    whole = mt("history", "openai/gpt-4o-mini", "--format", "csv", "--db", str(db)).output
    res = mt("history", "openai/gpt-4o-mini", "--source", "openrouter", "--format", "csv", "--db", str(db))
    assert res.exit_code == 0 and res.output == whole  # (one source here: the same rows)
    assert {r["source"] for r in csv.DictReader(io.StringIO(res.output))} == {"openrouter"}
    res = mt("history", "openai/gpt-4o-mini", "--source", "azure", "--db", str(db))
    assert res.exit_code == 2 and "'openai/gpt-4o-mini' has no history from 'azure'; its sources: openrouter" \
        in res.output
    res = mt("history", "openai/gpt-4o-mini", "--source", "openrouter", "--field", "price.input", "--format", "csv",
             "--db", str(db))
    assert [r["field"] for r in csv.DictReader(io.StringIO(res.output))] == ["price.input"]
