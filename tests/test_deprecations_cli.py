"""`modeltrail deprecations`: lifecycle history (a moved shutdown date, a model that leaves its page),
the vendor's word beside the catalogs', conflicts at the dates' precision, the listing and its filters,
the iCalendar and RSS outputs, the `--check` CI guard, and the report's shutdowns per vendor.

The warehouse is built by loading cards (`modeltrail load`): the vendor's lifecycle page (source
`deprecations`, ids `<vendor>/<id>`) and a catalog (azure), over three snapshots."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from modeltrail.cli import main

TODAY = "2026-06-01"
PAGE = "https://developers.openai.com/api/docs/deprecations"
CLAUDE_PAGE = "https://platform.claude.com/docs/en/about-claude/model-deprecations"
AZURE = "https://ai.azure.com/catalog/models/"


def mt(*args, input=None, env=None):
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def vendor_card(vendor: str, mid: str, *, retires=None, status="deprecated", successor=None, announced=None,
                qualifier=None, url=PAGE, when="2026-01-01T00:00:00Z") -> dict:
    return {"source": "deprecations", "source_model_id": f"{vendor}/{mid}", "model_id": None, "name": mid,
            "organization": vendor, "url": url, "status": status, "retirement_date": retires,
            "deprecation_date": announced, "successor": successor, "retirement_qualifier": qualifier,
            "section": f"{announced or 'Models'}: {mid}", "fetched_at": when, "page_sha256": "0" * 64,
            "parser_version": "test"}


def azure_card(mid: str, *, retires=None, status=None, when="2026-01-01T00:00:00Z") -> dict:
    return {"source": "azure", "source_model_id": mid, "model_id": None, "name": mid, "organization": "OpenAI",
            "url": AZURE + mid, "version": "1", "context_window": 200000, "status": status,
            "retirement_date": retires, "fetched_at": when, "page_sha256": "1" * 64, "parser_version": "test"}


def vendor_page(moved: bool, *, drop_dalle: bool = False) -> list[dict]:
    """The vendors' lifecycle pages as cards. `moved`: o1-preview's shutdown moved from 2026-07-28 to
    2026-08-15 and its replacement renamed (text that needs escaping in a feed)."""
    cards = [
        vendor_card("openai", "gpt-4o-2024-05-13", retires="2026-03-31", status="retired",
                    successor="gpt-5.4-mini", announced="2025-09-26"),
        vendor_card("openai", "gpt-4o-mini", retires="2027-12", successor="gpt-5.4-mini", announced="2026-01-01"),
        vendor_card("openai", "o1-preview", retires="2026-08-15" if moved else "2026-07-28",
                    successor="o3 & o4-mini <recommended>" if moved else "o1", announced="2025-12-01"),
        vendor_card("openai", "o3-mini", retires="2026-10-10", successor="gpt-5.4-mini, o4-mini",
                    announced="2026-01-01"),
        vendor_card("openai", "o1", retires="2026-11-15", successor="o3", announced="2026-01-01"),
        vendor_card("anthropic", "claude-3-opus-20240229", retires="2026-06-30", successor="claude-opus-4-1; or newer",
                    announced="2025-06-30", url=CLAUDE_PAGE),
        vendor_card("anthropic", "claude-3-5-haiku-20241022", retires="2026-09-29", status="active",
                    qualifier="not sooner than", url=CLAUDE_PAGE),
        vendor_card("xai", "grok-2-1212", retires="2026-09-15", successor="<script>alert(1)</script>",
                    url="https://docs.x.ai/docs/models"),
        vendor_card("cohere", "command-r-03-2024", retires="2026-12", url="https://docs.cohere.com/docs/deprecations"),
        vendor_card("cohere", "command-r-plus-04-2024", retires="2026-12",
                    url="https://docs.cohere.com/docs/deprecations"),
    ]
    if not drop_dalle:
        cards.append(vendor_card("openai", "dall-e-2", retires="2026-05-12", status="retired", successor="gpt-image-1"))
    return cards


def load(db, cards: list[dict], when: str, *extra) -> None:
    lines = "".join(json.dumps({**c, "fetched_at": when}) + "\n" for c in cards)
    res = mt("load", "-", "--observed-at", when, "--db", str(db), *extra, input=lines)
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Three snapshots: (1) the pages and Azure; (2) o1-preview's date moved, dall-e-2 gone from the
    vendor's page, o1 gone from Azure (removed: --removal-runs 1); (3) the same again."""
    db = tmp_path_factory.mktemp("deprec") / "w.duckdb"
    load(db, vendor_page(moved=False), "2026-01-01T00:00:00Z")
    load(db, [azure_card("o3-mini", retires="2026-09-30", status="deprecated"),
              azure_card("o1", retires="2026-11", status="deprecated"),
              azure_card("gpt-4o-mini")], "2026-01-01T00:00:00Z")
    for day in ("10", "20"):
        load(db, vendor_page(moved=True, drop_dalle=True), f"2026-01-{day}T00:00:00Z")
        load(db, [azure_card("o3-mini", retires="2026-09-30", status="deprecated"), azure_card("gpt-4o-mini")],
             f"2026-01-{day}T00:00:00Z", "--removal-runs", "1")
    return db


def rows_of(res) -> list[dict]:
    assert res.exit_code in (0, 1), res.output
    return [json.loads(line) for line in res.stdout.splitlines()]


def listing(db, *args) -> list[dict]:
    return rows_of(mt("deprecations", "--format", "json", "--today", TODAY, "--db", str(db), *args))


# --- history -----------------------------------------------------------------------------------------

def test_a_moved_shutdown_is_a_change_with_both_dates_and_the_page(built):
    rows = rows_of(mt("changes", "--model", "openai/o1-preview", "--format", "json", "--db", str(built)))
    moved = [r for r in rows if r["field"] == "retirement_date" and r["change_type"] == "changed"]
    assert [(r["old_value"], r["new_value"], r["effective_from"], r["url"]) for r in moved] == [
        ("2026-07-28", "2026-08-15", "2026-08-15", PAGE)]
    assert moved[0]["changed_at"].startswith("2026-01-10")
    # the page's date is current in the listing, the old one is history
    o1p = [r for r in listing(built) if r["model_id"] == "openai/o1-preview"]
    assert [(r["shutdown"], r["source"], r["replacement"]) for r in o1p] == [
        ("2026-08-15", "deprecations", "o3 & o4-mini <recommended>")]


def test_a_model_that_left_its_page_keeps_its_stated_dates(built):
    # the vendor's page dropped dall-e-2 after its shutdown: never removed, its date stays
    life = rows_of(mt("sql", "SELECT source, source_model_id, status, retirement_date, successor, removed_at, "
                             "current FROM lifecycle WHERE source_model_id IN ('openai/dall-e-2', 'o1') "
                             "ORDER BY source", "--format", "json", "--db", str(built)))
    assert [(r["source"], r["status"], r["retirement_date"], r["removed_at"] is None) for r in life] == [
        ("azure", "removed", "2026-11", False),           # a catalog removed it: its last stated date kept
        ("deprecations", "retired", "2026-05-12", True)]  # the vendor's page: never removed
    past = listing(built, "--past")
    assert ("2026-05-12", "openai/dall-e-2", "deprecations") in {(r["shutdown"], r["source_model_id"], r["source"])
                                                                 for r in past}
    o1 = [(r["source"], r["shutdown"], r["current"]) for r in past if r["model_id"] == "openai/o1"]
    assert o1 == [("deprecations", "2026-11-15", True), ("azure", "2026-11", False)]


def test_lifecycle_puts_the_vendors_word_beside_each_catalogs(built):
    rows = {r["source"]: r for r in rows_of(mt(
        "sql", "SELECT * FROM lifecycle WHERE model_id = 'openai/o3-mini'", "--format", "json", "--db", str(built)))}
    assert set(rows) == {"azure", "deprecations"}
    az = rows["azure"]
    assert (az["role"], az["retirement_date"], az["vendor_retirement_date"], az["vendor_successor"],
            az["vendor_status"], az["vendor_url"]) == (
        "catalog", "2026-09-30", "2026-10-10", "gpt-5.4-mini, o4-mini", "deprecated", PAGE)
    assert rows["deprecations"]["role"] == "vendor" and rows["deprecations"]["vendor"] == "openai"
    # a dated snapshot is its own model-and-snapshot: the undated gpt-4o-mini gets no vendor word of it
    snap = rows_of(mt("sql", "SELECT model_id, snapshot FROM lifecycle WHERE source_model_id = "
                             "'openai/gpt-4o-2024-05-13'", "--format", "json", "--db", str(built)))
    assert snap == [{"model_id": "openai/gpt-4o", "snapshot": "2024-05-13"}]


def test_conflicts_compare_shutdown_dates_at_their_precision(built):
    rows = rows_of(mt("sql", "SELECT model_id, field, values_by_source, snapshot FROM conflicts "
                             "WHERE field LIKE '%_date' ORDER BY 1", "--format", "json", "--db", str(built)))
    # o3-mini: the vendor's 2026-10-10 against Azure's 2026-09-30; o1: 2026-11-15 and "2026-11" agree (and
    # o1 left Azure: its last stated date still counts)
    assert rows == [{"model_id": "openai/o3-mini", "field": "retirement_date",
                     "values_by_source": ["azure=2026-09-30", "deprecations=2026-10-10"], "snapshot": None}]
    compare = {r["field"]: r for r in rows_of(mt("compare", "openai/o3-mini", "--format", "json", "--db", str(built)))}
    assert compare["retirement_date"]["conflict"] == "yes"


# --- the listing ----------------------------------------------------------------------------------------

def test_soonest_first_vendor_first_and_the_window(built):
    rows = listing(built)
    dates = [r["shutdown"] for r in rows if r["source"] == "deprecations"]
    assert dates == sorted(dates, key=lambda d: d if len(d) == 10 else d + "-01")
    assert all(d >= "2026-06" for d in dates)  # nothing past without --past
    # each model's rows together, the vendor's page first, the catalog next to it
    o3 = [(r["source"], r["shutdown"], r["days_left"]) for r in rows if r["model_id"] == "openai/o3-mini"]
    assert o3 == [("deprecations", "2026-10-10", 131), ("azure", "2026-09-30", 121)]
    first = rows[0]
    assert (first["source_model_id"], first["days_left"], first["replacement"]) == (
        "anthropic/claude-3-opus-20240229", 29, "claude-opus-4-1; or newer")

    within = {r["source_model_id"] for r in listing(built, "--within", "90d")}
    assert within == {"anthropic/claude-3-opus-20240229", "openai/o1-preview"}  # 06-30 and 08-15; not 09-15
    assert {r["source_model_id"] for r in listing(built, "--within", "16w")} == within | {"xai/grok-2-1212"}
    # 126 days (to 2026-10-05): Azure's 2026-09-30 for o3-mini is in it, and the vendor's 2026-10-10 beside it
    assert {r["source_model_id"] for r in listing(built, "--within", "18w")} == within | {
        "xai/grok-2-1212", "anthropic/claude-3-5-haiku-20241022", "openai/o3-mini", "o3-mini"}
    # a month-precision date is within from its first day
    month = {r["source_model_id"] for r in listing(built, "--within", "183d")}
    assert "cohere/command-r-03-2024" in month and "openai/gpt-4o-mini" not in month


def test_vendor_filter_any_case(built):
    rows = listing(built, "--vendor", "Anthropic")
    assert {r["source_model_id"] for r in rows} == {"anthropic/claude-3-opus-20240229",
                                                    "anthropic/claude-3-5-haiku-20241022"}
    haiku = next(r for r in rows if "haiku" in r["source_model_id"])
    assert (haiku["status"], haiku["qualifier"]) == ("active", "not sooner than")
    assert {r["source"] for r in listing(built, "--vendor", "openai")} == {"deprecations", "azure"}
    assert listing(built, "--vendor", "nosuch") == []


def test_csv_and_table_and_usage_errors(built):
    csv_out = mt("deprecations", "--format", "csv", "--today", TODAY, "--db", str(built)).stdout
    assert csv_out.splitlines()[0].startswith("shutdown,days_left,vendor,model_id,snapshot,source,source_model_id")
    table = mt("deprecations", "--today", TODAY, "--within", "30", "--db", str(built)).stdout
    assert "claude-3-opus-20240229" in table and "o1-preview" not in table
    # "today" from the environment, as CI would pin it
    env = mt("deprecations", "--format", "json", "--within", "30", "--db", str(built),
             env={"MODELTRAIL_TODAY": "2026-08-01"}).stdout
    assert [json.loads(l)["source_model_id"] for l in env.splitlines()] == ["openai/o1-preview"]
    for bad, where in ((["--within", "soon"], "--within"), (["--today", "June"], "--today"),
                       (["--format", "xml"], "--format")):
        res = mt("deprecations", *bad, "--db", str(built))
        assert res.exit_code == 2 and where in res.output, res.output
    res = mt("deprecations", "src", "--db", str(built))
    assert res.exit_code == 2


# --- iCalendar and RSS ----------------------------------------------------------------------------------

def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_is_rfc_5545(built):
    res = mt("deprecations", "--format", "ics", "--today", TODAY, "--db", str(built))
    assert res.exit_code == 0
    raw = res.stdout_bytes
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF, and nothing else
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    lines = unfold(raw.decode())[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(l.startswith("PRODID:") for l in lines)
    events, current = [], None
    for line in lines[1:-1]:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    assert current is None
    # one event per model, snapshot and stated date: o3-mini has two (the vendor's and Azure's)
    assert len(events) == len({(r["model_id"], r["snapshot"], r["shutdown"]) for r in listing(built)})
    for e in events:
        assert {"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"} <= set(e)
        assert re.fullmatch(r"\d{8}", e["DTSTART;VALUE=DATE"]) and re.fullmatch(r"\d{8}T\d{6}Z", e["DTSTAMP"])
    assert len({e["UID"] for e in events}) == len(events)
    by_summary = {e["SUMMARY"]: e for e in events}
    opus = next(e for s, e in by_summary.items() if s.startswith("anthropic/claude-3-opus"))
    assert opus["DTSTART;VALUE=DATE"] == "20260630" and opus["DTEND;VALUE=DATE"] == "20260701"
    assert "claude-opus-4-1\\; or newer" in opus["SUMMARY"]  # RFC 5545 TEXT escaping
    assert opus["URL"] == CLAUDE_PAGE
    o3 = next(e for e in events if e["DTSTART;VALUE=DATE"] == "20261010")
    assert "gpt-5.4-mini\\, o4-mini" in o3["DESCRIPTION"] and "\\n" in o3["DESCRIPTION"]
    # a month: an event on the 1st, the precision said
    mini = next(e for s, e in by_summary.items() if s.startswith("openai/gpt-4o-mini"))
    assert mini["DTSTART;VALUE=DATE"] == "20271201"
    assert "December 2027 (month stated\\, no day)" in mini["SUMMARY"]
    # stable: the same UIDs on another run
    again = unfold(mt("deprecations", "--format", "ics", "--today", TODAY, "--db", str(built)).stdout_bytes.decode())
    assert sorted(l for l in again if l.startswith("UID:")) == sorted("UID:" + e["UID"] for e in events)


def test_ics_folding_and_escaping_units():
    from modeltrail.feeds import fold, ics_text
    assert ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "é" * 100
    parts = fold(long)
    assert all(len(p.encode()) <= 75 for p in parts) and all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == long


def test_rss_is_a_feed_of_lifecycle_changes(built):
    res = mt("deprecations", "--format", "rss", "--db", str(built))
    assert res.exit_code == 0
    root = ET.fromstring(res.stdout_bytes)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") and channel.findtext("link") and channel.findtext("description")
    items = channel.findall("item")
    assert items and all(i.findtext("title") and i.findtext("guid") and i.findtext("pubDate") for i in items)
    assert len({i.findtext("guid") for i in items}) == len(items)
    titles = [i.findtext("title") for i in items]
    moved = next(i for i in items if "shutdown date moved 2026-07-28 → 2026-08-15" in i.findtext("title"))
    assert moved.findtext("link") == PAGE and moved.findtext("pubDate").startswith("Sat, 10 Jan 2026")
    # text that needs escaping arrives whole (the raw XML holds it escaped)
    assert any("o3 & o4-mini <recommended>" in t for t in titles)
    assert b"o3 &amp; o4-mini &lt;recommended&gt;" in res.stdout_bytes
    # newest first; a model first seen deprecated is a status event too
    dates = [i.findtext("pubDate") for i in items]
    assert "Jan 2026" in dates[0] and any("status set: deprecated" in t for t in titles)
    only = ET.fromstring(mt("deprecations", "--format", "rss", "--vendor", "anthropic", "--db",
                            str(built)).stdout_bytes)
    assert {i.findtext("category") for i in only.iter("item")} == {"deprecations"}
    assert all("anthropic/" in i.findtext("title") for i in only.iter("item"))


# --- --check ---------------------------------------------------------------------------------------------

def tree(tmp_path, files: dict[str, str | bytes]):
    root = tmp_path / "repo"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return root


def check(db, *args, today=TODAY):
    return mt("deprecations", "--check", *args, "--today", today, "--format", "json", "--db", str(db))


def test_check_finds_every_kind_of_reference(built, tmp_path):
    root = tree(tmp_path, {
        "src/app.py": 'client.chat(model="gpt-4o-mini")\n',
        "src/legacy.py": "# old\nMODEL = 'gpt-4o-2024-05-13'  # pinned\n",
        "src/routes.yaml": "fast: openai/o1-preview\nslow: azure/o3-mini\n",
        "infra/bedrock.tf": 'model_id = "us.anthropic.claude-3-opus-20240229-v1:0"\n',
        "src/near.py": "a = 'gpt-4o-mini-2024-07-18'\nb = 'gpt-4o'\nc = 'xgpt-4o-mini'\n",
        "node_modules/pkg/index.js": "const m = 'gpt-4o-2024-05-13';\n",
        ".git/config": "gpt-4o-2024-05-13\n",
        "env/pyvenv.cfg": "home = /usr\n",
        "env/lib/x.py": "gpt-4o-2024-05-13\n",
        "blob.bin": b"\x00\x01gpt-4o-2024-05-13\x00",
    })
    res = check(built, str(root))
    assert res.exit_code == 1, res.output  # a retired snapshot is referenced
    hits = {(r["where"].split("repo/")[1], r["id"]): r for r in rows_of(res)}
    assert set(hits) == {("src/app.py:1", "gpt-4o-mini"), ("src/legacy.py:2", "gpt-4o-2024-05-13"),
                         ("src/routes.yaml:1", "openai/o1-preview"), ("src/routes.yaml:2", "azure/o3-mini"),
                         ("infra/bedrock.tf:1", "us.anthropic.claude-3-opus-20240229-v1:0")}
    legacy = hits[("src/legacy.py:2", "gpt-4o-2024-05-13")]
    assert (legacy["model_id"], legacy["snapshot"], legacy["status"], legacy["shutdown"], legacy["replacement"],
            legacy["verdict"]) == ("openai/gpt-4o", "2024-05-13", "retired", "2026-03-31", "gpt-5.4-mini", "retired")
    mini = hits[("src/app.py:1", "gpt-4o-mini")]  # not the retired gpt-4o snapshot
    assert (mini["model_id"], mini["snapshot"], mini["shutdown"], mini["verdict"]) == (
        "openai/gpt-4o-mini", None, "2027-12", "deprecated")
    bedrock = hits[("infra/bedrock.tf:1", "us.anthropic.claude-3-opus-20240229-v1:0")]
    assert (bedrock["shutdown"], bedrock["verdict"]) == ("2026-06-30", "retires in 29 days")
    o3 = hits[("src/routes.yaml:2", "azure/o3-mini")]
    assert (o3["shutdown"], o3["shutdown_source"], o3["replacement"]) == ("2026-10-10", "deprecations",
                                                                         "gpt-5.4-mini, o4-mini")
    routes = hits[("src/routes.yaml:1", "openai/o1-preview")]
    assert (routes["shutdown"], routes["verdict"]) == ("2026-08-15", "retires in 75 days")
    assert "5 reference(s)" in res.stderr and "3 retired or retiring within 90 days" in res.stderr


def test_check_exit_codes(built, tmp_path):
    far = tree(tmp_path, {"a.py": "m = 'gpt-4o-mini'\n", "b.md": "Uses `gpt-4o-mini`.\n"})
    res = check(built, str(far))
    assert res.exit_code == 0 and len(rows_of(res)) == 2
    assert check(built, str(far), "--within", "600d").exit_code == 1  # 2027-12-01 is within 600 days
    assert check(built, str(far), today="2028-01-01").exit_code == 1   # and retired after December 2027
    # the reverse of the boundary: a retired snapshot's line never counts as gpt-4o-mini's
    one = tree(tmp_path / "x", {"c.py": "m = 'gpt-4o-2024-05-13'\n"})
    assert [r["model_id"] for r in rows_of(check(built, str(one)))] == ["openai/gpt-4o"]
    nothing = tree(tmp_path / "y", {"d.py": "print('hello')\n"})
    res = check(built, str(nothing))
    assert res.exit_code == 0 and res.stdout == "" and "0 reference(s)" in res.stderr
    # usage errors: 2
    assert mt("deprecations", "--check", "--db", str(built)).exit_code == 2
    assert mt("deprecations", "--check", str(tmp_path / "missing"), "--db", str(built)).exit_code == 2
    assert mt("deprecations", "--check", str(far), "--format", "ics", "--db", str(built)).exit_code == 2


def test_reference_forms_longest_first():
    from modeltrail.refcheck import candidates
    assert list(candidates("openai/gpt-4o:free"))[:3] == ["openai/gpt-4o:free", "gpt-4o:free", "openai/gpt-4o"]
    forms = list(candidates("bedrock/us.anthropic.claude-3-opus-20240229-v1:0"))
    assert forms[0] == "bedrock/us.anthropic.claude-3-opus-20240229-v1:0"
    assert "anthropic.claude-3-opus-20240229-v1:0" in forms and "claude-3-opus-20240229" in forms
    assert "claude-3-5-sonnet-20240620" in candidates("claude-3-5-sonnet@20240620")
    assert list(candidates("gpt-3.5-turbo.")) == ["gpt-3.5-turbo"]  # no Bedrock reading of a dotted id


# --- the report -------------------------------------------------------------------------------------------

def test_report_has_shutdowns_per_vendor(built, tmp_path):
    res = mt("report", "--out", str(tmp_path / "r"), "--db", str(built), env={"MODELTRAIL_TODAY": TODAY})
    assert res.exit_code == 0, res.output
    page = (tmp_path / "r" / "report.html").read_text()
    section = page[page.index("<section id='shutdowns'>"):]
    section = section[:section.index("</section>")]
    for vendor in ("anthropic", "cohere", "openai", "xai"):
        assert f"<h3 id='shutdowns-{vendor}'>{vendor}</h3>" in section
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "2026-05-12" in section and "20 days ago" in section  # a past shutdown (dall-e-2)
    assert "in 29 days" in section


def test_a_hosts_shutdown_of_its_offering_is_no_end_of_the_model(tmp_path):
    """Groq's lifecycle page retires *its* llama-3.3-70b-versatile (Llama 3.3 70B Instruct as Groq serves
    it): `models` called Meta's model retired on Groq's date. A page is the maker's word only when its
    vendor made the model (lifecycle's role `vendor`); a host's says when it stops serving (role `host`),
    and a model is retired or deprecated without its maker's word only where all its offerings are."""
    db = tmp_path / "w.duckdb"
    groq = vendor_card("groq", "llama-3.3-70b-versatile", retires="2026-08-16", status="retired",
                       url="https://console.groq.com/docs/deprecations")
    load(db, vendor_page(moved=False) + [groq], "2026-01-01T00:00:00Z")
    load(db, [azure_card("Llama-3.3-70B-Instruct"), azure_card("o3-mini", retires="2026-09-30", status="deprecated")],
         "2026-01-01T00:00:00Z")
    life = {r["source"]: r for r in rows_of(mt("sql", "SELECT * FROM lifecycle WHERE model_id = "
                                                      "'meta/llama-3.3-70b-instruct'", "--format", "json", "--db", str(db)))}
    assert (life["deprecations"]["role"], life["deprecations"]["retirement_date"]) == ("host", "2026-08-16")
    assert life["azure"]["role"] == "catalog" and life["azure"]["vendor_retirement_date"] is None
    models = {r["model_id"]: r for r in rows_of(mt("models", "--format", "json", "--db", str(db)))}
    assert (models["meta/llama-3.3-70b-instruct"]["lifecycle"], models["meta/llama-3.3-70b-instruct"]["retirement_date"]) \
        == (None, None)
    # the maker's page is the model's word, whatever a catalog says of its offering
    assert (models["openai/o3-mini"]["lifecycle"], models["openai/o3-mini"]["retirement_date"]) == ("deprecated", "2026-10-10")
    # the host's shutdown is listed, under its page, after the maker's (there is none here)
    rows = listing(db, "--vendor", "groq")
    assert [(r["model_id"], r["source_model_id"], r["shutdown"]) for r in rows] == [
        ("meta/llama-3.3-70b-instruct", "groq/llama-3.3-70b-versatile", "2026-08-16")]
