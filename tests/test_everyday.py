"""Everyday use (issue: never stuck, never silent): the defects fixed so far, each reproduced."""

from __future__ import annotations

import csv
import io
import sys

import pytest
from click.testing import CliRunner

from modeltrail.cli import main
from tests.cli import invoke, popen, run
from tests.conftest import OPENROUTER_CAPTURE, parse_cards


def mt(*args, input=None):
    return invoke(*args, input=input)


@pytest.fixture(scope="module")
def loaded_once(tmp_path_factory):
    """A warehouse holding the openrouter capture, crawled (pages archived) by a replay refresh."""
    path = tmp_path_factory.mktemp("loaded") / "w.duckdb"
    proc = run("refresh", "--replay", "openrouter", "--db", str(path), "--observed-at", "2026-01-01T00:00:00Z")
    # `--replay openrouter` (the source's name where the folder would go) means `refresh openrouter --replay`
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "openrouter: complete" in proc.stdout and "azure" not in proc.stdout
    return path


@pytest.fixture
def loaded(loaded_once, tmp_path):
    """A copy of that warehouse, the test's own."""
    import shutil
    path = tmp_path / "w.duckdb"
    shutil.copy(loaded_once, path)
    return path


@pytest.mark.slow
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


@pytest.mark.slow
def test_history_names_a_field_it_does_not_have_and_prints_no_empty_table(loaded):
    res = CliRunner().invoke(main, ["history", "openai/gpt-4o-mini", "--field", "price", "--db", str(loaded)])
    assert res.exit_code == 1 and res.stdout == ""
    assert "has no field 'price'" in res.stderr and "price.input" in res.stderr and "context_window" in res.stderr
    res = CliRunner().invoke(main, ["history", "nosuch/model", "--db", str(loaded)])
    # a name nothing here is known by: a usage error (tests/test_everyday2.py: did you mean)
    assert res.exit_code == 2 and res.stdout == "" and "no model nosuch/model" in res.stderr
    res = CliRunner().invoke(main, ["history", "openai/gpt-4o-mini", "--field", "price.input", "--db", str(loaded)])
    assert res.exit_code == 0 and "0.15" in res.stdout


@pytest.mark.slow
def test_changes_with_an_unknown_source_is_a_usage_error(loaded):
    res = mt("changes", "--source", "openaii", "--db", str(loaded))
    assert res.exit_code == 2 and "unknown source" in res.output


@pytest.mark.slow
def test_a_closed_pipe_is_a_normal_end(loaded):
    for args in (["sql", "SELECT * FROM range(200000)", "--format", "csv", "--limit", "0"],
                 ["history", "openai/gpt-4o-mini"]):
        proc = popen(*args, "--db", str(loaded), text=False)
        proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b"", err


@pytest.mark.slow
def test_an_observation_in_the_future_is_refused_unless_insisted(tmp_path):
    lines = parse_cards("openrouter", OPENROUTER_CAPTURE)
    db = tmp_path / "w.duckdb"
    res = mt("load", "-", "--observed-at", "2030-01-01", "--db", str(db), input=lines)
    assert res.exit_code == 2 and "in the future" in res.output and "--allow-future" in res.output
    assert not db.exists()
    proc = run("refresh", "openrouter", "--replay", "--observed-at", "2030-01-01", "--db", str(db))
    assert proc.returncode == 2 and "in the future" in proc.stderr and not db.exists()
    res = mt("load", "-", "--observed-at", "2030-01-01", "--allow-future", "--db", str(db), input=lines)
    assert res.exit_code == 0, res.output


@pytest.mark.slow
def test_db_on_the_group_and_a_query_from_stdin(loaded, tmp_path):
    res = CliRunner().invoke(main, ["--db", str(loaded), "sql", "-", "--format", "csv"],
                             input="SELECT count(*) AS n FROM model_cards")
    assert res.exit_code == 0 and res.stdout.splitlines() == ["n", "13"]
    # a command's own --db wins over the group's
    res = CliRunner().invoke(main, ["--db", str(tmp_path / "missing.duckdb"), "sql", "SELECT 1", "--db", str(loaded)])
    assert res.exit_code == 0


def with_a_free_offering(db):
    """A warehouse holding the openrouter capture plus a ":free" offering of gpt-4o-mini, priced 0 (as
    OpenRouter lists many models), loaded as of 2026-01-01."""
    import json
    capture = json.loads(OPENROUTER_CAPTURE.read_text())
    mini = next(m for m in capture["data"] if m["id"] == "openai/gpt-4o-mini")
    free = json.loads(json.dumps(mini))
    free["id"], free["name"] = "openai/gpt-4o-mini:free", mini["name"] + " (free)"
    free["pricing"] = {k: "0" for k in mini["pricing"]}
    capture["data"].append(free)
    assert mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db),
              input=parse_cards("openrouter", json.dumps(capture))).exit_code == 0
    return db


@pytest.mark.slow
def test_compare_shows_each_id_a_source_lists_a_model_under(tmp_path):
    """OpenRouter lists models twice ("openai/gpt-oss-20b" and its ":free" offering, priced 0): compare
    showed one column per source holding the larger text of the two, so the free offering's prices
    vanished. A source with several ids for a model now has a column per id."""
    import json
    db = with_a_free_offering(tmp_path / "w.duckdb")
    rows = {r["field"]: r for r in map(json.loads, mt("compare", "openai/gpt-4o-mini", "--format", "json",
                                                       "--db", str(db)).output.splitlines())}
    paid, gratis = "openrouter:openai/gpt-4o-mini", "openrouter:openai/gpt-4o-mini:free"
    assert list(rows["price.input"]) == ["field", paid, gratis, "conflict"]
    assert (rows["price.input"][paid], rows["price.input"][gratis]) == ("0.15", "0.0")
    assert rows["context_window"][paid] == rows["context_window"][gratis] == "128000"
    # one id per source: the column is the source's name, as before
    assert mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(tmp_path / "one.duckdb"),
              input=parse_cards("openrouter", OPENROUTER_CAPTURE)).exit_code == 0
    header = mt("compare", "openai/gpt-4o-mini", "--format", "csv", "--db", str(tmp_path / "one.duckdb")).output
    assert header.splitlines()[0] == "field,openrouter,conflict"


@pytest.mark.slow
def test_a_free_offering_beside_the_paid_one_is_no_conflict(tmp_path):
    """Sources conflict on a field when no one value is stated by all of them: OpenRouter's paid
    gpt-4o-mini at $0.15 agrees with another source's $0.15 though its ":free" offering says 0.0; a
    source at $0.30 disagrees with both."""
    import json
    db = with_a_free_offering(tmp_path / "w.duckdb")
    paid_card = next(json.loads(l) for l in parse_cards("openrouter", OPENROUTER_CAPTURE).splitlines()
                     if json.loads(l)["source_model_id"] == "openai/gpt-4o-mini")

    def other_source_at(usd: float, when: str) -> None:
        card = {**paid_card, "source": "302ai", "source_model_id": "gpt-4o-mini", "url": "https://302.ai/x",
                "prices": [p | {"usd_per_million_tokens": usd} for p in paid_card["prices"] if p["kind"] == "input"]}
        assert mt("load", "-", "--observed-at", when, "--db", str(db), input=json.dumps(card) + "\n").exit_code == 0

    def conflict() -> str:
        rows = {r["field"]: r for r in map(json.loads, mt("compare", "openai/gpt-4o-mini", "--format", "json",
                                                           "--db", str(db)).output.splitlines())}
        return rows["price.input"]["conflict"]
    other_source_at(0.15, "2026-01-02T00:00:00Z")
    assert conflict() == ""
    other_source_at(0.30, "2026-01-03T00:00:00Z")
    assert conflict() == "yes"
    # the free offering's exact 0.0 does not make the others compare at one decimal (0.15 = 0.18 there)
    other_source_at(0.18, "2026-01-04T00:00:00Z")
    assert conflict() == "yes"


@pytest.mark.slow
@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600)])
def test_exports_and_reports_get_the_permissions_of_a_plain_file(loaded, tmp_path, umask, mode):
    """Written to a private temporary file and renamed into place, exports kept its 0600: a CSV written
    for a web server or a colleague could be read by nobody else. Now the umask decides, as for any file."""
    import os
    import stat
    old = os.umask(umask)
    try:
        for fmt in ("csv", "parquet"):
            assert mt("export", "--out", str(tmp_path / fmt), "--format", fmt, "--db", str(loaded)).exit_code == 0
        assert mt("report", "--out", str(tmp_path / "r"), "--model", "openai/gpt-4o-mini",
                  "--db", str(loaded)).exit_code == 0
    finally:
        os.umask(old)
    files = [*(tmp_path / "csv").iterdir(), *(tmp_path / "parquet").iterdir(), tmp_path / "r" / "report.html"]
    assert len(files) == 7 and {stat.S_IMODE(f.stat().st_mode) for f in files} == {mode}


@pytest.mark.slow
def test_unmatched_names_an_id_its_source_no_longer_lists(tmp_path):
    """`unmatched` read names from the current cards: an id the source had dropped was listed nameless."""
    import json
    lines = parse_cards("openrouter", OPENROUTER_CAPTURE).splitlines()
    # an id nothing maps (identity's rules read every id of the capture): OpenRouter's router, by its real id
    gone = {**json.loads(lines[0]), "source_model_id": "switchpoint/router", "model_id": None}
    lines[0] = json.dumps(gone)
    rest = "\n".join(l for l in lines if json.loads(l)["source_model_id"] != gone["source_model_id"]) + "\n"
    db = tmp_path / "w.duckdb"
    for when, cards in (("2026-01-01T00:00:00Z", "\n".join(lines) + "\n"), ("2026-01-02T00:00:00Z", rest)):
        assert mt("load", "-", "--observed-at", when, "--removal-runs", "1", "--db", str(db), input=cards).exit_code == 0
    rows = {r["source_model_id"]: r for r in map(json.loads, mt("unmatched", "--format", "json", "--db",
                                                                 str(db)).output.splitlines())}
    assert (rows[gone["source_model_id"]]["name"], rows[gone["source_model_id"]]["url"]) == (gone["name"], gone["url"])


@pytest.mark.slow
def test_a_bad_run_can_be_taken_back(tmp_path):
    import json

    import duckdb
    capture = json.loads(OPENROUTER_CAPTURE.read_text())
    lines1 = parse_cards("openrouter", json.dumps(capture))
    changed = json.loads(json.dumps(capture))
    changed["data"][0]["pricing"]["prompt"] = "0.000009"   # a price move
    gone = changed["data"].pop()["id"]                    # and a model missing
    lines2 = parse_cards("openrouter", json.dumps(changed))
    db = tmp_path / "w.duckdb"
    tables = ("model_cards_history", "prices_history", "benchmarks_history", "card_state", "removals", "unstated")

    def state():
        with duckdb.connect(str(db), read_only=True) as con:
            # (card_state's fingerprint is only a cache: an undo clears it, the next load restages)
            return {t: sorted(map(str, con.execute(f"SELECT * EXCLUDE (fingerprint) FROM {t}" if t == "card_state"
                                                   else f"SELECT * FROM {t}").fetchall())) for t in tables}

    assert mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--removal-runs", "1", "--db", str(db),
              input=lines1).exit_code == 0
    before = state()
    assert mt("load", "-", "--observed-at", "2026-01-02T00:00:00Z", "--removal-runs", "1", "--db", str(db),
              input=lines2).exit_code == 0
    assert state() != before
    res = mt("runs", "undo", "1", "--db", str(db))
    assert res.exit_code == 1 and "not the last of its sources" in res.output and "openrouter has run 2" in res.output
    res = mt("runs", "undo", "2", "--db", str(db))
    assert res.exit_code == 0 and "run 3: undid run 2" in res.output
    assert state() == before  # history and sightings exactly as before the bad run
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM changes WHERE run_id = 2").fetchone() == (0,)
        assert con.execute("SELECT run_id, kind, status FROM runs ORDER BY 1").fetchall() == [
            (1, "load", "complete"), (2, "load", "undone"), (3, "undo", "complete")]
        assert con.execute("SELECT count(*) FROM card_state WHERE source_model_id = ? AND removed_at IS NULL",
                           [gone]).fetchone() == (1,)
    assert mt("runs", "undo", "2", "--db", str(db)).exit_code == 1  # once
    # and life goes on: the next snapshot loads in order
    assert mt("load", "-", "--observed-at", "2026-01-03T00:00:00Z", "--db", str(db), input=lines1).exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["openai/gpt-4o-mini", "gpt-4o-mini", "GPT-4o Mini", "OpenAI/GPT-4O-MINI",
                                  "gpt-4o-mini-2024-07-18", "OpenAI: GPT-4o-mini"])
def test_one_lookup_for_every_command(loaded, name):
    for cmd in (["history", name, "--field", "context_window"], ["compare", name], ["changes", "--model", name]):
        res = CliRunner().invoke(main, [*cmd, "--db", str(loaded), "--format", "csv"])
        expect = "context_window,128000" if cmd[0] == "compare" else "openai/gpt-4o-mini"
        assert res.exit_code == 0 and expect in res.stdout, (cmd, res.output)


@pytest.mark.slow
def test_an_ambiguous_name_is_listed_not_guessed(loaded):
    import duckdb
    with duckdb.connect(str(loaded)) as con:  # two models a source calls by ids that differ only in case
        con.execute("INSERT INTO model_identity (source, source_model_id, model_id, version) "
                    "VALUES ('openrouter', 'Acme/X', 'acme/x-big', NULL), ('openrouter', 'acme/x', 'acme/x-small', NULL)")
    res = CliRunner().invoke(main, ["history", "ACME/X", "--db", str(loaded)])
    assert res.exit_code == 2 and "could mean acme/x-big, acme/x-small" in res.output


@pytest.mark.slow
def test_compare_has_one_shape_in_csv_and_json(loaded):
    """(8) compare wrote two tables with different headers into one csv stream."""
    import csv
    import io
    import json
    out = mt("compare", "gpt-4o-mini", "--format", "csv", "--db", str(loaded)).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["field", "openrouter", "conflict"]
    assert len(rows) > 5 and all(len(r) == 3 for r in rows) and "field" not in [r[0] for r in rows[1:]]
    keys = {tuple(json.loads(line)) for line in
            mt("compare", "gpt-4o-mini", "--format", "json", "--db", str(loaded)).stdout.splitlines()}
    assert keys == {("field", "openrouter", "conflict")}


@pytest.mark.slow
def test_list_cells_are_one_convention(loaded, tmp_path):
    """(11) a list in one cell: ", " in `sql --format csv`, ";" in export CSV. Now "," everywhere."""
    import csv
    import io
    q = "SELECT input_modalities FROM model_cards WHERE source_model_id = 'openai/gpt-4o-mini'"
    sql = list(csv.reader(io.StringIO(mt("sql", q, "--format", "csv", "--db", str(loaded)).stdout)))
    assert sql[1] == ["file,image,text"]
    hist = mt("history", "gpt-4o-mini", "--field", "input_modalities", "--format", "csv", "--db", str(loaded)).stdout
    assert "file,image,text" in hist
    assert mt("export", "--out", str(tmp_path / "x"), "--format", "csv", "--db", str(loaded)).exit_code == 0
    (path,) = (tmp_path / "x").glob("model_cards_*.csv")
    with open(path, newline="") as f:
        exported = {r["source_model_id"]: r for r in csv.DictReader(f)}
    assert exported["openai/gpt-4o-mini"]["input_modalities"] == "file,image,text"


def test_no_dns_fails_the_source_at_once_with_one_reason(tmp_path, monkeypatch):
    """(3) live refresh without a network: ~100 s of silence, then a traceback. Now: the hosts are
    resolved first (no request is sent, nothing else is tried) and the source fails with one reason."""
    import socket

    from modeltrail.spiders import reach
    from modeltrail.flows import steps
    asked = []

    def no_dns(host):
        asked.append(host)
        raise socket.gaierror(-3, "Temporary failure in name resolution")
    monkeypatch.setattr(reach, "_getaddrinfo", no_dns)
    out = steps.crawl("openai", tmp_path / "c")
    assert not (tmp_path / "c" / "crawl.log").exists()  # no crawl was started
    assert sorted(asked) == ["cdn.openai.com", "openai.com"]
    load = steps.build_load("openai", out, None)
    assert load.status == "failed"
    assert load.reasons == ["cannot resolve cdn.openai.com (Temporary failure in name resolution), openai.com "
                            "(Temporary failure in name resolution): no network or no DNS here? nothing was fetched"]


def test_one_host_that_resolves_is_enough_and_a_hung_resolver_is_cut_short():
    import threading

    from modeltrail.spiders import reach
    assert reach.unresolved(["https://a.example/x", "https://b.example/y"],
                            resolve=lambda h: (_ for _ in ()).throw(OSError("no")) if h == "a.example" else []) is None
    release = threading.Event()
    why = reach.unresolved(["https://slow.example/"], resolve=lambda h: release.wait(30), timeout=0.2)
    release.set()
    assert why == "cannot resolve slow.example (no answer in 0.2 s): no network or no DNS here? nothing was fetched"


@pytest.mark.slow
def test_schedule_without_a_prefect_server_refuses_with_the_way_out(tmp_path):
    """(4) without PREFECT_API_URL, `schedule` served a deployment on a temporary API that never ran."""
    env = {"PREFECT_API_URL": None, "PREFECT_HOME": str(tmp_path / "prefect")}  # no profile that names a server
    proc = run("schedule", "openrouter", "--cron", "0 6 * * *", "--replay", "--db", str(tmp_path / "w.duckdb"),
               timeout=120, env=env)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "Error: no Prefect server to schedule on: start one (`prefect server start`) and set "
        "PREFECT_API_URL=http://127.0.0.1:4200/api, then run this again"]
    assert not (tmp_path / "w.duckdb").exists()  # refused before touching anything


@pytest.mark.slow
def test_status_says_where_each_source_stands(loaded, tmp_path):
    import json
    import os
    env_had = os.environ.pop("PREFECT_API_URL", None)
    try:
        rows = {r["source"]: r for r in map(json.loads, mt("status", "--format", "json", "--db", str(loaded))
                                            .stdout.splitlines())}
    finally:
        if env_had is not None:
            os.environ["PREFECT_API_URL"] = env_had
    assert set(rows) == {"azure", "leaderboard", "openai", "tokenhub", "302ai", "openrouter", "modelsdev", "litellm",
                         "deprecations"}
    o = rows["openrouter"]
    assert (o["last_run"], o["verdict"], o["models"]) == (1, "complete", 13)
    assert o["run_at"] == o["last_complete"] == o["last_change"] == "2026-01-01 00:00"
    assert o["last_fetched"] and o["next_run"] == "no Prefect server"
    # of its 13 models, those no canonical model takes (`unmatched` lists them)
    assert o["unmatched"] == 1 == len(mt("unmatched", "--format", "json", "--db", str(loaded)).stdout.splitlines())  # (openrouter/auto)
    assert rows["azure"]["verdict"] == "never run" and rows["azure"]["models"] == rows["azure"]["unmatched"] == 0
    fetched = {r["source"]: r["last_fetched"] for r in map(json.loads, mt(
        "sources", "--format", "json", "--db", str(loaded)).stdout.splitlines())}
    assert fetched["openrouter"] == o["last_fetched"] and fetched["azure"] is None
    # a warehouse that does not exist (a mistyped --db): refused, nothing is created (tests/test_everyday2.py)
    res = mt("status", "--format", "json", "--db", str(tmp_path / "none.duckdb"))
    assert res.exit_code == 2 and res.stdout == "" and not (tmp_path / "none.duckdb").exists()


@pytest.mark.slow
def test_a_one_off_refresh_keeps_prefect_records_beside_its_warehouse(tmp_path):
    """Prefect: a CLI refresh wrote its runs into the user's ~/.prefect. Without a server (and without a
    PREFECT_HOME of the user's), its records live beside the warehouse."""
    env = {"PREFECT_HOME": None, "PREFECT_API_URL": None, "HOME": str(tmp_path / "home")}
    proc = run("refresh", "openrouter", "--replay", "--db", str(tmp_path / "w.duckdb"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / ".w.duckdb.prefect" / "prefect.db").exists()
    assert not (tmp_path / "home" / ".prefect").exists()


@pytest.mark.slow
@pytest.mark.parametrize("cmd,width", [(["history", "gpt-4o-mini"], 80), (["changes"], 80),
                                       (["compare", "gpt-4o-mini"], 40)])
def test_tables_fit_the_terminal(loaded, cmd, width, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(width))
    out = mt(*cmd, "--db", str(loaded)).stdout
    lines = out.splitlines()
    assert len(lines) > 2 and all(len(line) <= width for line in lines), max(lines, key=len)
    if lines[0].startswith("-[ 1 ]"):  # too wide even cut to 6 characters a column: a row at a time
        # (test_everyday2.py: the layout) each line a column's name and its value, whole, or cut where
        # it is longer than the line, and then saying so
        cells = {c for row in csv.reader(io.StringIO(mt(*cmd, "--format", "csv", "--db", str(loaded)).stdout))
                 for c in row if c}
        values = [line for line in lines if not line.startswith("-[ ")]
        assert values and all(any(line.endswith("  " + c) for c in cells) or (
            line.endswith("…") and any(c.startswith(line.rsplit("  ", 1)[1][:-1]) for c in cells))
            for line in values), values
    else:  # what was cut says so: every value is there whole, or begun and ended with "…"
        table = list(csv.reader(io.StringIO(mt(*cmd, "--format", "csv", "--db", str(loaded)).stdout)))
        cells = {c for row in table[1:] for c in row if c}
        cut = [piece[:-1] for line in lines for piece in line.split("  ") if piece.strip().endswith("…")]
        assert cells and all(c in out or any(c.startswith(p.strip()) for p in cut) for c in cells), out
    monkeypatch.delenv("COLUMNS")  # a pipe or a file: whole cells (up to 60 characters)
    assert max(map(len, mt(*cmd, "--db", str(loaded)).stdout.splitlines())) > width


@pytest.mark.slow
def test_where_a_value_was_read_is_narrowed_first(loaded, monkeypatch):
    """A terminal too narrow for `history`: the url and page hash (whole in csv/json) give way first, so
    the ids, fields, values and times stay readable; what every row holds (here the model, its one
    source id, the time and the page) is said once above the table, whole (test_tables.py: the layout)."""
    monkeypatch.setenv("COLUMNS", "150")
    lines = mt("history", "openai/gpt-4o-mini", "--db", str(loaded)).stdout.splitlines()
    rows = list(csv.DictReader(io.StringIO(
        mt("history", "openai/gpt-4o-mini", "--format", "csv", "--db", str(loaded)).stdout)))
    dashes = next(n for n, line in enumerate(lines) if set(line) == {"-", " "})
    assert all(len(line) <= 150 for line in lines) and len(lines) == dashes + 1 + len(rows)
    said = dict(line.split(": ", 1) for line in lines[:dashes - 1] if ": " in line)
    assert said["model_id"] == said["source_model_id"] == "openai/gpt-4o-mini"
    assert said["valid_from"] == "2026-01-01T00:00:00Z" and said["page_sha256"] == rows[0]["page_sha256"]
    width = dict(zip(lines[dashes - 1].split(), map(len, lines[dashes].split())))
    assert width == {"field": max(len(r["field"]) for r in rows), "value": max(len(r["value"]) for r in rows)}


@pytest.mark.slow
def test_progress_is_quiet_off_a_terminal_and_silenced_by_q(loaded, tmp_path):
    plain = run("export", "--out", str(tmp_path / "a"), "--db", str(loaded))
    assert plain.returncode == 0 and "\x1b[" not in plain.stderr and plain.stderr == ""
    verbose = run("-v", "export", "--out", str(tmp_path / "b"), "--db", str(loaded))
    assert verbose.stderr.count("export: wrote ") == 3
    quiet = run("-q", "reparse", "--source", "openrouter", "--db", str(loaded))
    assert quiet.returncode == 0 and quiet.stderr == "" and "openrouter: 1 runs re-parsed" in quiet.stdout
    assert run("-q", "-v", "status").returncode == 2


@pytest.mark.slow
def test_on_a_terminal_long_work_shows_a_bar(loaded):
    """A pseudo-terminal stands for the user's: reparse draws its bar on stderr."""
    import os
    import pty
    pid, fd = pty.fork()
    if pid == 0:  # the child: modeltrail with a terminal for stdout and stderr
        os.execv(sys.executable, [sys.executable, "-m", "modeltrail", "reparse", "--source", "openrouter",
                                  "--db", str(loaded)])
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen[-500:]
    text = seen.decode("utf-8", "replace")
    assert "reparse openrouter" in text and "1/1" in text  # the bar, with its count
    assert "openrouter: 1 runs re-parsed" in text
