"""Hostile input (issue: bounded on every path, honest under faults, nothing hostile reaches the user):
text from a scraped page or a file of cards never reaches a terminal, a chart or the warehouse as
anything but text, and a file of cards is refused where a value is out of bounds."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import duckdb
import pytest
from click.testing import CliRunner

from modeltrail import output
from modeltrail.cli import main
from modeltrail.pipelines.parsers import openrouter
from tests.conftest import OPENROUTER_CAPTURE

#: what a hostile page may put in a name: OSC 52 (writes the clipboard), OSC 0 (the window title),
#: ESC[2J (clears the screen), a C1 CSI, a bidi override
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
OSC0 = "\x1b]0;pwned\x1b\\"
CLEAR = "\x1b[2J"
HOSTILE = f"Evil{OSC52}{OSC0}{CLEAR}\u009b31m\u202eModel"
RAW = ("\x1b", "\x07", "\u009b", "\u202e")


def mt(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def T(text: str) -> bool:
    """The text carries no raw control a terminal would act on."""
    return not any(c in text for c in RAW)


# --- 8. terminal escapes ------------------------------------------------------------------------------

def test_a_parser_drops_control_characters_from_names_and_ids():
    data = json.loads(OPENROUTER_CAPTURE.read_bytes())
    data["data"][0]["name"] = HOSTILE
    data["data"][0]["id"] = "evil/model\x1b[2J"
    parsed = openrouter.parse(json.dumps(data), "https://openrouter.ai/api/v1/models",
                              datetime(2026, 1, 1, tzinfo=timezone.utc))
    card = next(c for c in parsed.cards if c.source_model_id.startswith("evil/"))
    assert card.source_model_id == "evil/model[2J"
    assert card.name == "Evil]52;c;cm0gLXJmIH4=]0;pwned\\[2J31mModel"


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_a_terminal_never_gets_a_raw_control_character(fmt):
    class Tty(io.StringIO):
        def isatty(self):
            return True
    out = Tty()
    output.render(["name", HOSTILE], [[HOSTILE, ["a\x1b[2J", "b"]]], fmt, out=out, max_width=200)
    assert T(out.getvalue()) and "\\x1b]52;c;" in out.getvalue() and "\\u202e" in out.getvalue()


def test_csv_and_json_written_for_scripts_keep_the_data():
    out = io.StringIO()
    output.render(["name"], [[HOSTILE]], "csv", out=out)
    assert out.getvalue() == f"name\n{HOSTILE}\n"  # a file or a pipe: the data as it is
    out = io.StringIO()
    output.render(["name"], [[HOSTILE]], "json", out=out)
    assert T(out.getvalue()) and json.loads(out.getvalue()) == {"name": HOSTILE}


def warehouse_with_a_hostile_name(tmp_path):
    db = tmp_path / "w.duckdb"
    lines = [json.loads(x) for x in _capture_cards().splitlines()]
    res = mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db),
             input="\n".join(json.dumps(c) for c in lines))
    assert res.exit_code == 0, res.output
    lines[0]["name"] = "Clean name"
    res = mt("load", "-", "--observed-at", "2026-01-02T00:00:00Z", "--db", str(db),
             input="\n".join(json.dumps(c) for c in lines))
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db)) as con:  # as if a page had put them there before parsers dropped them
        con.execute("UPDATE model_cards_history SET name = ? WHERE name = 'Clean name'", [HOSTILE])
        con.execute("UPDATE model_identity SET source_model_id = ?, model_id = NULL WHERE source_model_id = ?",
                    [HOSTILE, lines[1]["source_model_id"]])
    return db


_CARDS: list[str] = []


def _capture_cards() -> str:
    if not _CARDS:
        parsed = openrouter.parse(OPENROUTER_CAPTURE.read_bytes(), "https://openrouter.ai/api/v1/models",
                                  datetime(2026, 1, 1, tzinfo=timezone.utc))
        _CARDS.append("\n".join(c.model_dump_json() for c in parsed.cards))
    return _CARDS[0]


@pytest.mark.parametrize("command", [
    ["changes"], ["unmatched"], ["sql", "SELECT name FROM model_cards_history"],
    ["sql", "SELECT chr(27) || ']52;c;aGk=' || chr(7) || chr(155) AS x"],
])
def test_commands_print_no_raw_control_character(tmp_path, command):
    db = warehouse_with_a_hostile_name(tmp_path)
    res = mt(*command, "--db", str(db))
    assert res.exit_code == 0, res.output
    assert T(res.output) and "\\x1b" in res.output


def test_an_error_naming_a_hostile_id_prints_no_raw_control_character(tmp_path):
    db = warehouse_with_a_hostile_name(tmp_path)
    res = mt("sql", "SELECT * FROM \"\x1b[2J\"", "--db", str(db))
    assert res.exit_code == 1 and T(res.output) and "\\x1b[2J" in res.output


# --- 10 and 7. `load` refuses bad values, each named by file:line and field, before anything runs --------

def one_card(**over) -> dict:
    card = json.loads(_capture_cards().splitlines()[0])
    card.update(over)
    return card


def price(amount) -> list:
    return [{"kind": "input", "usd_per_million_tokens": amount, "tier": None, "unit": "1M tokens",
             "usd_per_unit": None, "variable": False}]


def bench(value) -> list:
    return [{"benchmark": "gpqa_diamond", "setting": None, "value": value, "unit": "score",
             "reported_name": "GPQA"}]


@pytest.mark.parametrize("line, where", [
    (json.dumps(one_card(prices=price(1))).replace('"usd_per_million_tokens": 1', '"usd_per_million_tokens": Infinity'),
     "Infinity is no JSON number"),
    (json.dumps(one_card(prices=price(1e308))), "field prices.0.usd_per_million_tokens"),
    (json.dumps(one_card(prices=price(5e-324))), "field prices.0.usd_per_million_tokens"),
    (json.dumps(one_card(benchmarks=bench(1))).replace('"value": 1', '"value": NaN'), "NaN is no JSON number"),
    (json.dumps(one_card(benchmarks=bench(1e300))), "field benchmarks.0.value"),
    (json.dumps(one_card(context_window=True)), "field context_window"),
    (json.dumps(one_card(context_window="128000")), "field context_window"),
    (json.dumps(one_card(parameters=2**63)), "field parameters"),
    (json.dumps(one_card(context_window=2**64)), "field context_window"),
    (json.dumps(one_card(name="o3\u0000mini")), "field name: Value error, control character U+0000"),
    (json.dumps(one_card(name="x" * 100_000)), "field name: String should have at most 1000 characters"),
    (json.dumps(one_card(source_model_id="a\x1b]52;c;aGk=\x07")), "field source_model_id: Value error, control"),
    (json.dumps(one_card(fetched_at="9999-12-31T00:00:00Z")), "field fetched_at: 9999-12-31"),
    (json.dumps(one_card())[:-1] + ', "name": "Other"}', "field name: the key appears twice"),
])
def test_load_refuses_a_bad_value_naming_file_line_and_field(tmp_path, line, where):
    good = _capture_cards().splitlines()[1:]
    (tmp_path / "cards.jsonl").write_text("\n".join([*good[:3], line, *good[3:]]) + "\n")
    db = tmp_path / "w.duckdb"
    res = mt("load", str(tmp_path / "cards.jsonl"), "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db))
    assert res.exit_code == 1, res.output
    assert f"cards.jsonl:4: {where}" in res.output, res.output
    assert "nothing was loaded" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1 and not db.exists()


def test_load_refuses_a_model_whose_lines_contradict_each_other(tmp_path):
    lines = _capture_cards().splitlines()
    other = json.loads(lines[0])
    other["context_window"] = other["context_window"] + 1
    db = tmp_path / "w.duckdb"
    res = mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db),
             input="\n".join([*lines, json.dumps(other)]))
    assert res.exit_code == 1 and f"stdin:{len(lines) + 1}: field context_window: " in res.output
    assert "but line 1 (source_model_id" in res.output and not db.exists()
    # a line that only adds to the first (a second page of the model) merges, as before
    adds = json.loads(lines[0])
    adds["context_window"], adds["license"] = None, "MIT"
    res = mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db),
             input="\n".join([*lines, json.dumps(adds)]))
    assert res.exit_code == 0, res.output


def test_load_accepts_a_utf8_bom_and_a_future_fetch_when_asked(tmp_path):
    db = tmp_path / "w.duckdb"
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + _capture_cards().encode())
    res = mt("load", str(tmp_path / "bom.jsonl"), "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db))
    assert res.exit_code == 0, res.output
    future = json.dumps(one_card(fetched_at="2999-01-01T00:00:00Z"))
    res = mt("load", "-", "--observed-at", "2026-01-02T00:00:00Z", "--allow-future", "--db", str(db),
             input=future)
    assert res.exit_code == 3, res.output  # (loaded: a partial snapshot of one card)


# --- 3. `load` memory does not grow with the file ------------------------------------------------------

def _peak_rss_of_load(tmp_path, n: int) -> int:
    """Peak RSS (KiB) of `modeltrail load` of n cards into a warehouse that holds them already (a daily
    snapshot that changed nothing), in a process of its own."""
    import os
    import subprocess
    import sys
    cards = tmp_path / f"cards{n}.jsonl"
    with cards.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({
                "source": "openrouter", "source_model_id": f"acme/model-{i}", "model_id": None,
                "name": f"Acme Model {i}", "url": "https://openrouter.ai/api/v1/models", "context_window": 1000 + i,
                "input_modalities": ["image", "text"], "capabilities": ["function_calling", "reasoning"],
                "fetched_at": "2026-01-01T00:00:00Z", "page_sha256": "0" * 64, "parser_version": "test",
                "prices": price(1.5 + i % 7)}) + "\n")
    peak = 0
    for day in (1, 2):
        proc = subprocess.Popen([sys.executable, "-m", "modeltrail", "load", str(cards), "--observed-at",
                                 f"2026-01-0{day}T00:00:00Z", "--db", str(tmp_path / f"w{n}.duckdb")],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = proc.stdout.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0 and f"{n} cards" in out, out
        peak = usage.ru_maxrss
    return peak


def test_load_memory_stays_flat_as_the_file_grows(tmp_path):
    small, large = _peak_rss_of_load(tmp_path, 100), _peak_rss_of_load(tmp_path, 15_000)
    # 150 times the cards: they are read from a spool in batches, never held whole (holding them cost
    # ~5 KB a card: 75 MB more here); what grows is ~100 bytes a model of bookkeeping
    assert large - small < 45 * 1024, (small, large)


def test_a_line_over_the_cap_is_named_without_being_held(tmp_path, monkeypatch):
    from modeltrail.flows import load as loader
    monkeypatch.setattr(loader, "MAX_LINE", 10_000)
    lines = _capture_cards().splitlines()
    text = "\n".join([lines[0], json.dumps(one_card(description="x" * 50_000)), *lines[1:]]) + "\n"
    with pytest.raises(loader.LoadError, match=r"cards.jsonl:2: the line is longer than 10,000 characters"):
        loader.read_cards(io.StringIO(text), "cards.jsonl")


# --- 9. DuckLake: `sql` sees the warehouse's tables and views, never the catalog or its password -------

@pytest.mark.slow  # a real PostgreSQL (tests/postgres.py) and eleven `modeltrail` processes, as every DuckLake test
def test_sql_on_a_ducklake_shows_no_password_and_no_catalog_database(lake, tmp_path):
    import subprocess
    import sys
    url = lake[0].replace("postgres@", "postgres:s3cret-pw@")  # (the test cluster trusts 127.0.0.1)

    def run(*args, input=None):
        return subprocess.run([sys.executable, "-m", "modeltrail", *args, "--db", url, "--data-path", lake[1]],
                              input=input, capture_output=True, text=True, timeout=300)
    proc = run("load", "-", "--observed-at", "2026-01-01T00:00:00Z", input=_capture_cards())
    assert proc.returncode == 0, proc.stderr
    for query in ["SELECT path FROM duckdb_databases()", "PRAGMA database_list",
                  "SELECT name, value FROM duckdb_settings()", "SELECT current_setting('allowed_directories')",
                  "SELECT * FROM __ducklake_metadata_lake.pg_catalog.pg_stat_activity",
                  "SELECT * FROM \"__DuckLake_Metadata_lake\".main.ducklake_snapshot",
                  "SELECT usename FROM __ducklake_metadata_lake.pg_catalog.pg_user"]:
        proc = run("sql", query, "--format", "csv")
        assert proc.returncode == 1 and proc.stderr.startswith("Error: modeltrail sql"), (query, proc.stderr)
        assert "s3cret" not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    for query in ["SHOW DATABASES", "SHOW ALL TABLES", "SELECT count(*) AS n FROM runs"]:
        proc = run("sql", query, "--format", "csv")
        assert proc.returncode == 0 and "s3cret" not in proc.stdout, (query, proc.stdout, proc.stderr)
    # the connection itself keeps no password where DuckDB would show it
    from modeltrail.warehouse import db
    con = db.connect(db.locate(url, lake[1]), read_only=True)
    shown = con.execute("SELECT string_agg(path, ' ') FROM duckdb_databases()").fetchone()[0]
    shown += con.execute("SELECT string_agg(value, ' ') FROM duckdb_settings()").fetchone()[0]
    assert "lake" in shown and "s3cret" not in shown


# --- 11. the report: a name is text in every chart, never markup ----------------------------------------

def test_report_charts_show_html_in_a_name_as_text():
    from modeltrail import report
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    evil = '<a href="https://evil.example/">o3 & co</a><script>alert(1)</script>'
    versions = [report.Version("openrouter", f"benchmark.{evil}", "1.5", datetime(2026, 1, 1, tzinfo=timezone.utc),
                               None, f"https://openrouter.ai/{evil}")]
    fig = report.step_figure(f"{evil}: prices", "USD", {("openrouter", f"benchmark.{evil}"): versions}, now)
    texts = [fig.layout.title.text, fig.data[0].name, *fig.data[0].customdata]
    assert all("<" not in t and "&lt;a href=" in t for t in texts), texts
    assert "o3 &amp; co" in fig.layout.title.text
    life = report.lifecycle_figure(evil, [{"source": evil, "first_seen": now, "removed_at": None}], now)
    texts = [life.layout.title.text, *(t.name for t in life.data), *(y for t in life.data for y in t.y)]
    assert all("<" not in t for t in texts), texts
    data = report.ReportData(warehouse="w", generated_at=now, since=None, models=[evil],
                             series={evil: versions + [report.Version(
                                 "openrouter", f"benchmark.{evil}", "2", datetime(2026, 2, 1, tzinfo=timezone.utc),
                                 None, "https://openrouter.ai/x")]},
                             lifecycle={evil: [{"source": evil, "first_seen": now, "removed_at": None,
                                                "last_seen": now, "status": None, "deprecation_date": None,
                                                "retirement_date": None, "successor": None,
                                                "deprecation_seen_at": None, "removed_at_": None}]})
    page, charts = report.render(data)
    assert charts and "<script>alert(1)" not in page and '<a href="https://evil' not in page


# --- 12. `sql`: PIVOT, a query starting with a comment, spills kept out of the warehouse's folder --------

@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "w.duckdb"
    res = mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(db), input=_capture_cards())
    assert res.exit_code == 0, res.output
    return db


def test_sql_runs_a_pivot_and_still_checks_it(loaded):
    res = mt("sql", "PIVOT (SELECT kind FROM prices) ON kind USING count(*)", "--db", str(loaded), "--format", "csv")
    assert res.exit_code == 0, res.output
    header, row = res.output.splitlines()
    assert "input" in header.split(",") and "output" in header.split(",")
    for query, said in [("PIVOT (FROM duckdb_databases()) ON path USING count(*)", "does not run duckdb_databases()"),
                        ("CREATE TABLE x (a int); PIVOT prices ON kind USING count(*)", "one query at a time"),
                        ("PIVOT (FROM query('SELECT 1')) ON a USING count(*)", "does not run query()")]:
        res = mt("sql", query, "--db", str(loaded))
        assert res.exit_code == 1 and said in res.output, (query, res.output)


def test_sql_takes_a_query_that_starts_with_a_comment(loaded):
    for args in (["sql", "-- how many\nSELECT count(*) AS n FROM model_cards", "--db", str(loaded)],
                 ["--db", str(loaded), "sql", "--", "-- how many\nSELECT count(*) AS n FROM model_cards"]):
        res = mt(*args, "--format", "csv") if args[0] == "sql" else mt(*args)
        assert res.exit_code == 0 and res.output.split()[-1] == "13", (args, res.output)
    assert "start with a `--` comment" in " ".join(mt("sql", "--help").output.split())


def test_a_reader_spills_into_a_temporary_folder_of_its_own(loaded):
    import subprocess
    import sys
    import tempfile
    from pathlib import Path
    code = ("from modeltrail.warehouse import db; import sys; "
            "con = db.connect(sys.argv[1], read_only=True); "
            "print(con.execute(\"SELECT current_setting('temp_directory')\").fetchone()[0]); "
            "con.execute('SELECT count(*) FROM (SELECT range % 1000003 AS k, count(*) FROM range(3000000) GROUP BY k)')")
    proc = subprocess.run([sys.executable, "-c", code, str(loaded)], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "MODELTRAIL_READ_MEMORY": "40MB"})
    assert proc.returncode == 0, proc.stderr
    folder = Path(proc.stdout.strip())
    assert folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("modeltrail-spill-")
    assert not folder.exists()  # removed when the process ended
    assert not (loaded.parent / "w.duckdb.tmp").exists()


# --- 13. --observed-at names an instant --------------------------------------------------------------------

def test_observed_at_without_a_time_zone_is_refused(tmp_path):
    db = tmp_path / "w.duckdb"
    res = mt("load", "-", "--observed-at", "2026-01-01T06:00:00", "--db", str(db), input=_capture_cards())
    assert res.exit_code == 2 and "has no time zone: add Z (UTC) or an offset" in res.output
    assert "2026-01-01T06:00:00Z" in res.output and not db.exists()
    res = mt("load", "-", "--observed-at", "2026-01-01T06:00:00+02:00", "--db", str(db), input=_capture_cards())
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT observed_at FROM runs").fetchone()[0] == datetime(2026, 1, 1, 4, tzinfo=timezone.utc)


# --- 1. the browser's bytes pass the download cap ------------------------------------------------------

def _gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed (about a thousandth of it), made a megabyte at a time."""
    import zlib
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    return b"".join([*(z.compress(chunk) for _ in range(size >> 20)), z.flush()])


def _through_proxy(proxy_port: int, request: bytes) -> int:
    import socket
    got = 0
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as s:
        s.sendall(request)
        while data := s.recv(65536):
            got += len(data)
    return got


def test_the_browser_proxy_cuts_a_response_over_the_cap(tmp_path):
    from modeltrail.spiders.browserproxy import GuardProxy, rules
    from tests.faultserver import FaultServer, body
    (tmp_path / "x").mkdir()
    with FaultServer(tmp_path) as srv:
        srv.fault("/bomb.js", body(_gzip_bomb(64 << 20), "text/javascript", content_encoding="gzip"))
        srv.fault("/big.js", body(b"x" * (3 << 20), "text/javascript"))
        srv.fault("/small.js", body(_gzip_bomb(1 << 20), "text/javascript", content_encoding="gzip"))
        port = int(srv.url.rsplit(":", 1)[1].strip("/"))
        proxy = GuardProxy(rules(["x"], srv.url), max_bytes=2 << 20)
        proxy_port = proxy.start()
        try:
            def get(path):
                return _through_proxy(proxy_port, f"GET http://127.0.0.1:{port}{path} HTTP/1.1\r\n"
                                                  f"Host: 127.0.0.1\r\nAccept-Encoding: gzip, br\r\n\r\n".encode())
            assert get("/small.js") > 1000  # within the cap: whole
            assert get("/bomb.js") < 200_000  # 64 MiB once decompressed: cut at 2 MiB of it
            assert get("/big.js") <= (2 << 20)  # plainly over the cap
            tunnelled = _through_proxy(proxy_port, f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\n\r\n"
                                                   f"GET /big.js HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert tunnelled <= (2 << 20) + 100  # sealed: the wire bytes are capped
        finally:
            proxy.stop()
    assert len(proxy.refused) == 3 and all("over the download cap, cut" in r for r in proxy.refused)
    assert any("once decompressed" in r for r in proxy.refused)


def _tree_pss(root: int) -> int:
    """PSS (KiB) of a process and all its descendants, from /proc/<pid>/smaps_rollup."""
    import os
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


@pytest.mark.slow  # Debian's Chromium renders the page, as every rendering test (tests/test_rendering.py)
@pytest.mark.skipif(not __import__("pathlib").Path("/usr/bin/chromium").exists(), reason="no Chromium")
def test_a_rendered_page_whose_subrequest_is_a_gzip_bomb_fails_cleanly_within_memory(tmp_path):
    import os
    import shutil
    import threading
    from tests.conftest import CAPTURES
    from tests.faultserver import FaultServer, body
    from tests.test_rendering import crawl
    root = tmp_path / "captures"
    shutil.copytree(CAPTURES / "www.tokenhub.link", root / "www.tokenhub.link")
    page = root / "www.tokenhub.link/models/o3-mini"
    page.write_text(page.read_text().replace("</head>", '<script src="/static/bomb.js"></script></head>'))
    peak, done = [0], threading.Event()

    def watch():
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_pss(os.getpid()))
    watcher = threading.Thread(target=watch, daemon=True)
    with FaultServer(root) as srv:
        srv.fault("/static/bomb.js",
                  body(_gzip_bomb(2 << 30), "text/javascript", content_encoding="gzip"))
        watcher.start()
        try:
            out, verdict, reasons, cards = crawl(srv.url, tmp_path, "tokenhub")
        finally:
            done.set()
            watcher.join()
        assert srv.hits("/static/bomb.js")  # the browser asked for it
    assert peak[0] < 1.5 * 1024 * 1024, f"the refresh's processes reached {peak[0] / 1024:.0f} MiB"
    # the page fails cleanly: the run is partial and says what was cut; the rest of the page still renders
    assert verdict == "partial", (verdict, reasons)
    assert any("over the download cap, cut" in r for r in reasons), reasons
