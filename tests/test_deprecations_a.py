"""The `deprecations` source, part A: OpenAI, Anthropic, Cohere, Groq, Cerebras, xAI lifecycle pages,
read from the real pages in ../shared/pages/deprecations (expectations read off the pages by hand)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import duckdb
import pytest
from click.testing import CliRunner

from modeltrail.spiders import replay
from modeltrail.flows import steps
from modeltrail.cli import main
from modeltrail.pipelines.parsers import deprecations
from modeltrail.pipelines.parsers.deprecations.common import ABSENT
from modeltrail.pipelines.parsers.deprecations.common import When
from modeltrail.pipelines.parsers.deprecations.common import cell_ids
from modeltrail.pipelines.parsers.deprecations.common import read_date
from modeltrail.pipelines.parsing import merge_by_model
from modeltrail.pipelines.sources import get
from spiders.deprecations import DeprecationsSpider
from tests.conftest import SHARED

PAGES = SHARED / "pages" / "deprecations"
REPLAY = PAGES / "replay"
FETCHED = {"developers.openai.com/api/docs/models.md": "2026-08-22",
           "platform.claude.com/docs/en/about-claude/model-deprecations.md": "2026-08-22",
           "platform.claude.com/docs/en/about-claude/models/overview.md": "2026-08-22"}


def parse(url: str):
    key = url.split("://", 1)[1]
    day = FETCHED.get(key, "2026-08-20")
    return deprecations.parse((REPLAY / key).read_bytes(), url,
                              datetime.fromisoformat(day).replace(tzinfo=timezone.utc))


def cards(url: str) -> dict:
    p = parse(url)
    assert not p.problems, p.problems
    return {c.source_model_id: c for c in p.cards}


def fields(card, *names):
    return tuple(getattr(card, n) for n in names)


LIFE = ("status", "deprecation_date", "retirement_date", "successor", "section")

# --- common ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("August 2026", When("2026-08")), ("2026-10-10", When("2026-10-10")), ("Oct 10, 2026", When("2026-10-10")),
    ("2026\u201103\u201126", When("2026-03-26")),  # non-breaking hyphens, as OpenAI's page prints some dates
    ("Not sooner than June 9, 2027", When("2027-06-09", "not sooner than")),
    ("at earliest 2024-06-13", When("2024-06-13", "at earliest")),
    ("earliest possible: 2026-10-10", When("2026-10-10", "earliest possible")),
    ("No earlier than March 2027", When("2027-03", "no earlier than")),
])
def test_read_date_keeps_precision_and_qualifier(text, expected):
    assert read_date(text) == expected


@pytest.mark.parametrize("text", ["No shutdown date announced", "N/A", "---", "TBD"])
def test_read_date_stated_absence(text):
    assert read_date(text) is ABSENT


def test_read_date_month_day_year_only_when_asked():
    assert read_date("08/16/26", order="mdy") == When("2026-08-16")
    assert read_date("1/6/25", order="mdy") == When("2025-01-06")
    with pytest.raises(ValueError):
        read_date("03/09/26")  # (either order reads: never guessed)


def test_cell_ids():
    assert cell_ids("`gpt-4-0613` \\| `gpt-4`, `gpt-4-0613-completions`, `gpt-4-completions`") == [
        "gpt-4-0613", "gpt-4", "gpt-4-0613-completions", "gpt-4-completions"]
    assert cell_ids("`gpt-4-0125-preview` (including `gpt-4-turbo-preview` and `gpt-4-turbo-preview-completions`,"
                    " which point to this snapshot)") == [
        "gpt-4-0125-preview", "gpt-4-turbo-preview", "gpt-4-turbo-preview-completions"]
    assert cell_ids("`gpt-5` or `gpt-4.1*`") == ["gpt-5", "gpt-4.1"]  # footnote marker gone
    assert cell_ids("Videos API") == [] and cell_ids("New fine-tuning training on `babbage-002`") == []
    assert cell_ids("openai/gpt-oss-120b or qwen/qwen3.6-27b") == ["openai/gpt-oss-120b", "qwen/qwen3.6-27b"]


def test_unregistered_page_is_a_problem_not_a_crash():
    p = deprecations.parse(b"# x", "https://example.com/x", datetime.now(timezone.utc))
    assert not p.cards and "no lifecycle parser" in str(p.problems[0])
    assert not deprecations.is_card_url("https://example.com/x")
    assert deprecations.is_card_url("https://docs.mistral.ai/models")  # (part B's registry, PAGES_B)
    assert deprecations.is_card_url("https://console.groq.com/docs/deprecations.md/")

# --- OpenAI ---------------------------------------------------------------------------------------------


OPENAI = "https://developers.openai.com/api/docs/deprecations.md"


def test_openai_rows():
    c = cards(OPENAI)
    assert fields(c["openai/gpt-realtime"], *LIFE) == (
        "deprecated", "2026-07-20", "2027-01-20", "gpt-realtime-2.1",
        "2026-07-20: Legacy audio, realtime, and transcription models")
    assert fields(c["openai/o1-preview"], *LIFE) == ("retired", "2025-04-28", "2025-07-28", "o3",
                                                    "2025-04-28: o1-preview and o1-mini")
    assert c["openai/o1-mini"].retirement_date == "2025-10-27" and c["openai/o1-mini"].successor == "o4-mini"
    # "Upcoming" vs "Past" is the page's own wording
    assert c["openai/gpt-5-2025-08-07"].status == "deprecated" and c["openai/chatgpt-4o-latest"].status == "retired"
    assert c["openai/dall-e-3"].successor == "gpt-image-2, gpt-image-1, gpt-image-1-mini"
    # a sub-heading is part of the section
    assert c["openai/text-ada-001"].section == "2023-07-06: GPT and embeddings › InstructGPT models"
    assert c["openai/o3-pro-2025-06-10"].organization == "OpenAI"


def test_openai_multi_id_cells_and_stated_absence():
    c = cards(OPENAI)
    for alias in ("gpt-3.5-turbo-0125", "gpt-3.5-turbo", "gpt-3.5-turbo-completions"):
        assert fields(c[f"openai/{alias}"], "retirement_date", "successor", "status") == (
            "2026-10-23", "gpt-5.6-terra", "deprecated")
    for alias in ("gpt-4-0125-preview", "gpt-4-turbo-preview", "gpt-4-turbo-preview-completions"):
        assert c[f"openai/{alias}"].retirement_date == "2026-03-26"  # (printed with U+2011 hyphens)
    assert c["openai/gpt-4-0125-preview"].successor == "gpt-5, gpt-4.1"
    # "---": the page states there is no replacement
    assert c["openai/sora-2"].successor is None and c["openai/sora-2"].stated_empty == ["successor"]
    # rows naming no model are not cards
    assert not any(k.endswith(("Videos API", "/v1/edits", "Assistants API")) for k in c)


def test_openai_newest_announcement_wins_and_the_older_stays_visible():
    p = parse(OPENAI)
    c = {x.source_model_id: x for x in p.cards}
    # gpt-4-1106-preview: "2025-09-26 … (March 2026 shutdown)" said 2026-03-26; "2026-04-22" says 2026-10-23
    assert fields(c["openai/gpt-4-1106-preview"], *LIFE) == (
        "deprecated", "2026-04-22", "2026-10-23", "gpt-5.6-sol", "2026-04-22: Legacy GPT model snapshots")
    assert any("openai/gpt-4-1106-preview" in n and "2026-03-26" in n and "(March 2026 shutdown)" in n
               for n in p.notes)
    # gpt-4-0314: "at earliest 2024-06-13" (2023) is superseded by 2026-03-26 (2025-09-26)
    g = c["openai/gpt-4-0314"]
    assert (g.retirement_date, g.retirement_qualifier, g.deprecation_date) == ("2026-03-26", None, "2025-09-26")


def test_openai_catalog_and_lifecycle_page_merge_with_the_lifecycle_page_leading():
    cat = parse("https://developers.openai.com/api/docs/models.md").cards
    life = parse(OPENAI).cards
    catalog = {c.source_model_id: c for c in cat}
    assert catalog["openai/gpt-4.5-preview"].status == "deprecated"  # "Deprecated large model."
    assert catalog["openai/gpt-5.6-sol"].status is None and catalog["openai/gpt-5.6-sol"].name == "GPT-5.6 Sol"
    merged = {c.source_model_id: c for c in merge_by_model(cat + life, deprecations.card_rank)}
    o1p = merged["openai/o1-preview"]
    assert (o1p.status, o1p.retirement_date, o1p.url) == ("retired", "2025-07-28", OPENAI)


# --- Anthropic ------------------------------------------------------------------------------------------

ANTHROPIC = "https://platform.claude.com/docs/en/about-claude/model-deprecations.md"


def test_anthropic_status_table():
    c = cards(ANTHROPIC)
    fable = c["anthropic/claude-fable-5"]
    assert (fable.status, fable.retirement_date, fable.retirement_qualifier) == ("active", "2027-06-09",
                                                                                "not sooner than")
    assert fable.deprecation_date is None and fable.stated_empty == ["deprecation_date"]  # "N/A"
    opus41 = c["anthropic/claude-opus-4-1-20250805"]
    assert fields(opus41, "status", "deprecation_date", "retirement_date", "successor") == (
        "retired", "2026-06-05", "2026-08-05", "claude-opus-4-8")
    assert c["anthropic/claude-3-haiku-20240307"].successor == "claude-haiku-4-5-20251001"


def test_anthropic_history_only_models():
    c = cards(ANTHROPIC)
    assert fields(c["anthropic/claude-3-opus-20240229"], *LIFE) == (
        "retired", "2025-06-30", "2026-01-05", "claude-opus-4-8", "2025-06-30: Claude Opus 3 model")
    assert c["anthropic/claude-instant-1.2"].retirement_date == "2024-11-06"
    assert "anthropic/temperature" not in c  # (the API parameter table names no model)


def test_anthropic_overview_fills_names_only():
    ov = {c.source_model_id: c for c in parse("https://platform.claude.com/docs/en/about-claude/models/overview.md").cards}
    assert ov["anthropic/claude-opus-4-8"].name == "Claude Opus 4.8" and ov["anthropic/claude-opus-4-8"].section == "Legacy models"
    life = parse(ANTHROPIC).cards
    merged = {c.source_model_id: c for c in merge_by_model(list(ov.values()) + life, deprecations.card_rank)}
    m = merged["anthropic/claude-opus-4-8"]
    assert (m.status, m.retirement_date, m.retirement_qualifier, m.url) == (
        "active", "2027-05-28", "not sooner than", ANTHROPIC)
    assert m.stated_empty == ["deprecation_date"]


# --- Cohere ---------------------------------------------------------------------------------------------

COHERE = "https://docs.cohere.com/docs/deprecations.md"


def test_cohere_lists_and_table():
    c = cards(COHERE)
    assert fields(c["cohere/c4ai-aya-expanse-8b"], "status", "deprecation_date", "retirement_date") == (
        "retired", "2026-04-04", "2026-04-04")
    r = c["cohere/command-r"]  # "(and the alias `command-r`)"
    assert (r.status, r.deprecation_date, r.retirement_date) == ("deprecated", "2025-09-15", None)
    assert r.successor == "command-r-08-2024, command-r-plus-08-2024, command-a-03-2025"
    assert fields(c["cohere/rerank-english-v2.0"], *LIFE) == (
        "retired", "2024-12-02", "2025-04-30", "rerank-v3.5", "2024-12-02: Rerank v2.0")
    assert "cohere/connectors" not in c and not any("/v1/" in k for k in c)


def test_cohere_models_page_status_column():
    c = cards("https://docs.cohere.com/docs/models.md")
    assert c["cohere/command-a-03-2025"].status == "active"  # "Live"
    assert fields(c["cohere/command"], "status", "deprecation_date") == ("deprecated", "2025-09-15")  # "Sept 15"
    assert fields(c["cohere/c4ai-aya-vision-8b"], "status", "retirement_date") == ("retired", "2026-04-04")

# --- Groq, Cerebras, xAI ----------------------------------------------------------------------------------


def test_groq():
    p = parse("https://console.groq.com/docs/deprecations.md")
    c = {x.source_model_id: x for x in p.cards}
    v = c["groq/llama-3.3-70b-versatile"]
    assert fields(v, *LIFE) == ("retired", "2026-06-17", "2026-08-16", "openai/gpt-oss-120b, qwen/qwen3.6-27b",
                                "August 16, 2026: llama-3.1-8b-instant and llama-3.3-70b-versatile")
    # "1/6/25", month first as the heading "January 6, 2025" says
    assert c["groq/llama3-groq-8b-8192-tool-use-preview"].retirement_date == "2025-01-06"
    assert c["groq/meta-llama/llama-4-maverick-17b-128e-instruct"].retirement_date == "2026-03-09"
    assert c["groq/qwen-2.5-32b"].successor == "qwen-qwq-32b, meta-llama/llama-4-scout-17b-16e-instruct"
    assert c["groq/mistral-saba-24b"].deprecation_date is None  # (no announcement date in its prose)
    # the page's own inconsistency (heading October 18, table 10/28/24) is kept visible
    assert c["groq/llava-v1.5-7b-4096-preview"].retirement_date == "2024-10-28"
    assert any("October 18, 2024" in n and "2024-10-28" in n for n in p.notes)


def test_cerebras():
    c = cards("https://inference-docs.cerebras.ai/support/deprecation.md")
    assert fields(c["cerebras/zai-glm-4.7"], "status", "deprecation_date", "retirement_date", "successor") == (
        "deprecated", "2026-08-17", None, None)
    assert c["cerebras/qwen-3-235b-a22b-instruct-2507"].successor == "GPT OSS 120B"
    assert c["cerebras/llama3.1-70b"].successor == "llama-3.3-70b"
    assert "cerebras/disable_reasoning" not in c and len(c) == 13


def test_xai():
    c = cards("https://docs.x.ai/developers/migration/may-15-retirement.md")
    assert len(c) == 8
    assert fields(c["xai/grok-code-fast-1"], *LIFE) == ("retired", None, "2026-05-15", "grok-build-0.1",
                                                       "Grok Model Retirement on May 15, 2026")
    assert c["xai/grok-4-0709"].successor == "grok-4.3"
    assert c["xai/grok-imagine-image-pro"].successor == "grok-imagine-image-quality"


# --- the source ---------------------------------------------------------------------------------------


def test_source_never_removes_and_absence_clears_no_date(tmp_path):
    assert get("deprecations").removes is False and get("openai").removes is True
    groq = parse("https://console.groq.com/docs/deprecations.md").cards
    full, fewer = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    full.write_text("".join(c.model_dump_json() + "\n" for c in groq))
    fewer.write_text("".join(c.model_dump_json() + "\n" for c in groq if c.source_model_id != "groq/gemma-7b-it"))
    db = str(tmp_path / "w.duckdb")
    run = CliRunner()
    for i, f in enumerate((full, fewer, fewer, fewer)):
        r = run.invoke(main, ["load", str(f), "--source", "deprecations", "--observed-at",
                              f"2026-08-2{i}T00:00:00Z", "--removal-runs", "1", "--db", db],
                       catch_exceptions=False)
        assert r.exit_code == 0, r.output
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM removals WHERE source = 'deprecations'").fetchone()[0] == 0
    open_row = con.execute("SELECT retirement_date FROM model_cards_history WHERE source = 'deprecations' "
                           "AND source_model_id = 'groq/gemma-7b-it' AND valid_to IS NULL").fetchall()
    assert open_row == [("2024-12-18",)]


def test_replay_of_the_shared_pages_is_honest(tmp_path):
    with replay.serve(REPLAY) as base:
        out = steps.crawl("deprecations", tmp_path / "d", replay=base, timeout=300)
    load = steps.build_load("deprecations", out, None)
    # the HTML vendors' hosts are not in the folder: partial, naming every missing page
    assert load.status == "partial"
    assert any("page(s) failed" in r and "HTTP 404" in r for r in load.reasons), load.reasons
    failed = next(r for r in load.reasons if "page(s) failed" in r)
    html = [u for u in DeprecationsSpider.start_urls if not u.endswith(".md")]
    assert len(html) == 7 and failed.startswith("7 of 23 page(s) failed: ")
    assert all(f"{u}: HTTP 404" in failed for u in html), failed
    ids = {c.source_model_id for c in load.cards}
    assert {"openai/gpt-4-1106-preview", "anthropic/claude-opus-4-8", "cohere/command-r", "groq/gemma2-9b-it",
            "cerebras/zai-glm-4.7", "xai/grok-3", "fireworks/DeepSeek V4 Flash", "perplexity/sonar-reasoning",
            "z-ai/GLM-5.3", "minimax/MiniMax-M3", "moonshot/kimi-k3"} <= ids
    m = next(c for c in load.cards if c.source_model_id == "anthropic/claude-opus-4-8")
    assert m.url.endswith("model-deprecations.md") and m.retirement_date == "2027-05-28"
