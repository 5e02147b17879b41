"""Pages built by script (rendered in Debian's Chromium through scrapy-playwright) and a JSON endpoint
read in place of a page (with the page as the fallback). Every server here is on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from modeltrail.flows import steps
from modeltrail.spiders.crawl import CHROMIUM
from modeltrail.pipelines.parsers import azure
from modeltrail.pipelines.parsers import tokenhub
from tests import cli
from tests.conftest import CAPTURES
from tests.faultserver import FaultServer, body, status

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")
TH = CAPTURES / "www.tokenhub.link"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def crawl(base, tmp_path, source, **kw):
    out = steps.crawl(source, tmp_path / f"{source}-{len(list(tmp_path.iterdir()))}", replay=base, timeout=180,
                      parse=True, **kw)
    cards, problems, card_pages = out.parsed.result()
    verdict, reasons, _ = steps.judge(source, out, cards, problems, card_pages, carded=out.parsed.carded)
    return out, verdict, reasons, {c.source_model_id: c for c in cards}


def test_the_tokenhub_capture_is_built_by_script():
    served = (TH / "models/o3-mini").read_bytes()
    assert b"200K" not in served and b"Total Context" not in served and b"/static/app.js" in served
    assert tokenhub.parse(served, "https://www.tokenhub.link/models/o3-mini", NOW).cards == []


@pytest.mark.slow
@needs_chromium
def test_fetched_plainly_a_script_built_page_fails_and_names_rendering(tmp_path):
    with FaultServer(CAPTURES) as srv:
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "tokenhub", fetch="plain")
    assert verdict == "failed" and cards == {}
    # the listing is a shell too: no model page is even found, and the reason says why
    assert reasons == ["no model page found on the listing: it is built by script (the served HTML has scripts "
                       "and almost no text); the source needs rendering (fetch=\"render\")"]


@pytest.mark.slow
@needs_chromium
def test_a_plainly_fetched_shell_card_page_names_rendering(tmp_path):
    with FaultServer(CAPTURES) as srv:
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "tokenhub", fetch="plain",
                                             start_urls=["https://www.tokenhub.link/models/o3-mini"])
    assert verdict == "failed" and cards == {}
    assert reasons == ["no card found on 1 card page(s): the pages are built by script (the served HTML has "
                       "scripts and almost no text); the source needs rendering (fetch=\"render\")"]


@pytest.mark.slow
@needs_chromium
def test_rendered_the_same_pages_give_the_card_and_both_htmls_are_archived(tmp_path):
    with FaultServer(CAPTURES) as srv:
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "tokenhub")
        assert srv.hits("/static/app.js") and srv.hits("/api/pages/")  # (the page asks by path on its host)
    assert verdict == "complete", reasons
    card = cards["o3-mini"]
    assert card.context_window == 200000 and card.max_output_tokens == 100000
    assert card.release_date == "2024-12-20" and card.successor == "GPT-5.4 Mini"
    page = next(p for p in out.pages if p.url.endswith("/models/o3-mini"))
    assert page.via == "rendered"
    assert b"Total Context" in page.read_body()             # what the parser read: the DOM after scripts ran
    raw = page.read_raw()
    assert b'<div id="app"><p class="loading">' in raw and b"Total Context" not in raw   # as served


@pytest.mark.slow
@needs_chromium
def test_rendering_waits_for_the_content_and_gives_up_with_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MODELTRAIL_RENDER_WAIT", "2")
    with FaultServer(CAPTURES) as srv:
        srv.fault("/api/pages/models/o3-mini", status(503))  # the app shows its error box instead
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "tokenhub")
    page = next(p for p in out.pages if p.url.endswith("/models/o3-mini"))
    assert page.error == "rendering: '#app main' did not appear within 2 s"
    assert verdict == "failed" and cards == {}  # its one model page never showed a card
    assert "rendering: '#app main' did not appear within 2 s" in reasons[0]


@pytest.mark.slow
@needs_chromium
def test_a_rendered_page_loads_nothing_from_other_hosts_and_no_images(tmp_path):
    with FaultServer(CAPTURES, host="127.0.0.2") as canary, FaultServer(CAPTURES) as srv:
        shell = (TH / "models/o3-mini").read_text().replace(
            "</head>", f'<script src="{canary.url}/track.js"></script>'
                       f'<link rel="stylesheet" href="https://fonts.example/x.css"></head>').replace(
            "<noscript>", '<img src="/static/hero.png"><noscript>')
        srv.fault("/www.tokenhub.link/models/o3-mini", body(shell.encode()))
        srv.fault("/static/hero.png", body(b"\x89PNG", "image/png"))
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "tokenhub")
        assert canary.log == []
        assert srv.hits("/static/hero.png") == []
    assert "o3-mini" in cards


@pytest.mark.slow
def test_without_chromium_the_rendering_source_fails_saying_how_to_install_it_and_the_others_run(tmp_path):
    env = {"MODELTRAIL_CHROMIUM": str(tmp_path / "no-chromium"), "PREFECT_LOGGING_LEVEL": "WARNING"}
    db_file = tmp_path / "w.duckdb"
    r = cli.run("refresh", "tokenhub", "azure", "--replay", str(CAPTURES), "--db", str(db_file), env=env,
                script=True)
    assert r.returncode == 3, r.stderr
    assert "tokenhub: failed" in r.stdout and "apt-get install chromium" in r.stdout
    assert "azure: complete" in r.stdout


# --- the catalog's search API, with the pages as fallback ---------------------------------------------

SEARCH = "https://ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"
SEARCH_DIR = CAPTURES / "ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"


def search_cards() -> dict:
    cards = {}
    for page in sorted(SEARCH_DIR.glob("*.json")):
        for c in azure.parse(page.read_bytes(), f"{SEARCH}#page=1", NOW, "application/json").cards:
            cards[c.source_model_id] = c
    return cards


@pytest.mark.parametrize("model", ["o3-mini", "o1-mini", "gpt-4o"])
def test_the_api_and_the_page_agree_on_what_both_state(model):
    """Falling back from the API to the page must not show up as changes of what both state."""
    page = azure.parse((CAPTURES / "ai.azure.com/catalog/models" / model).read_bytes(),
                       f"https://ai.azure.com/catalog/models/{model}", NOW).cards[0]
    api = search_cards()[model]
    both = [f for f in ("source_model_id", "model_id", "url", "version", "organization", "context_window",
                        "input_modalities", "output_modalities", "training_cutoff", "license")
            if getattr(api, f) not in (None, [])]
    assert len(both) >= 8
    assert {f: getattr(api, f) for f in both} == {f: getattr(page, f) for f in both}
    assert set(api.capabilities) <= set(page.capabilities) | {"streaming", "batch", "structured_outputs",
                                                               "function_calling", "vision"}


@pytest.mark.slow
def test_a_source_with_an_api_is_read_through_it(tmp_path):
    with FaultServer(CAPTURES) as srv:
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "azure")
        assert srv.hits("/ai.azure.com/catalog/models$") == []  # no listing needed: the API lists
        assert len(srv.hits("/ai.azure.com/api/")) == 3
        assert len(srv.hits("/ai.azure.com/catalog/models/")) == 19  # each listed model's own page
    assert verdict == "complete", reasons
    api = [p for p in out.pages if p.page_kind == "card"]
    assert {p.via for p in api} == {"api"} and {p.via for p in out.pages if p.page_kind == "detail"} == {"html"}
    assert [p.url for p in api] == [f"{SEARCH}#page={n}" for n in (1, 2, 3)]
    assert cards["o3-mini"].url == "https://ai.azure.com/catalog/models/o3-mini"
    assert cards["o3-mini"].context_window == 200000 and len(cards) == 19


@pytest.mark.slow
@pytest.mark.parametrize("fault, why", [
    (status(500), "api: HTTP 500"),
    (body(b"<html>maintenance</html>", "text/html"), "api: not a catalog search response"),
    (body(b'{"error": "gone"}', "application/json"), "api: not a catalog search response"),
])
def test_when_the_api_fails_the_pages_are_read_instead(tmp_path, fault, why):
    with FaultServer(CAPTURES) as srv:
        srv.fault("/ai.azure.com/api/", fault)
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "azure")
    assert verdict == "complete", reasons
    assert sorted(cards) == ["gpt-4o", "o1-mini", "o3-mini"]
    vias = {p.url: p.via for p in out.pages if p.page_kind == "card"}
    assert vias == {f"https://ai.azure.com/catalog/models/{m}": f"html ({why})" for m in ("o3-mini", "o1-mini", "gpt-4o")}
    assert out.stats["modeltrail/api_fallbacks"] == 1


@pytest.mark.slow
def test_a_repeated_continuation_token_stops_the_listing_as_partial(tmp_path):
    import shutil
    root = tmp_path / "captures"
    shutil.copytree(SEARCH_DIR, root / "ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion")
    folder = root / "ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"
    first = json.loads((folder / "_start.json").read_text())
    token = first["indexEntitiesResponse"]["continuationToken"]
    from urllib.parse import quote
    second = folder / (quote(token, safe="") + ".json")  # the page that token asks for
    page2 = json.loads(second.read_text())
    page2["indexEntitiesResponse"]["continuationToken"] = token  # the API loops back
    second.write_text(json.dumps(page2))
    with FaultServer(root) as srv:
        out, verdict, reasons, cards = crawl(srv.url, tmp_path, "azure")
        assert len(srv.hits("/ai.azure.com/api/")) == 2  # bounded: never asked again
    assert verdict == "partial" and len(cards) == 14
    assert reasons == ["the search API repeated a continuation token after page 2: the listing may be incomplete"]


@pytest.mark.slow
@needs_chromium
def test_the_warehouse_records_which_way_each_page_came_and_reparse_needs_no_browser(tmp_path):
    db_file = tmp_path / "w.duckdb"
    r = cli.run("refresh", "tokenhub", "azure", "--replay", str(CAPTURES), "--db", str(db_file),
                env={"PREFECT_LOGGING_LEVEL": "WARNING"}, script=True)
    assert r.returncode == 0, r.stdout + r.stderr
    con = duckdb.connect(str(db_file), read_only=True)
    vias = dict(con.execute("SELECT url, via FROM fetches WHERE page_kind = 'card'").fetchall())
    raw_archived = con.execute("""
        SELECT count(*) FROM fetches AS f JOIN pages AS p ON p.sha256 = f.raw_sha256 WHERE f.via = 'rendered'
    """).fetchone()[0]
    # a value's provenance: its page's fetch row says how it was fetched
    how = con.execute("""
        SELECT DISTINCT h.source, f.via FROM model_cards_history AS h
        JOIN fetches AS f ON f.sha256 = h.page_sha256 ORDER BY 1, 2""").fetchall()
    before = con.execute("SELECT * EXCLUDE (parser_version) FROM model_cards_history ORDER BY ALL").fetchall()
    con.close()
    assert vias["https://www.tokenhub.link/models/o3-mini"] == "rendered"
    assert vias[f"{SEARCH}#page=1"] == "api"
    assert raw_archived == 2  # the listing and the model page, as served
    # azure's values come from its API, and (for the models whose catalog page is captured) that page
    assert how == [("azure", "api"), ("azure", "html"), ("tokenhub", "rendered")]
    r = cli.run("reparse", "--db", str(db_file), script=True,
                env={"PREFECT_LOGGING_LEVEL": "WARNING", "MODELTRAIL_CHROMIUM": str(tmp_path / "no-chromium")})
    assert r.returncode == 0, r.stderr
    con = duckdb.connect(str(db_file), read_only=True)
    after = con.execute("SELECT * EXCLUDE (parser_version) FROM model_cards_history ORDER BY ALL").fetchall()
    con.close()
    assert after == before
