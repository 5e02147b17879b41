"""The three sources of the "every seed source" issue, against their seeds' stated facts, and the
warehouse's side-by-side views over all five."""

from __future__ import annotations

import json
import re

import pytest

from modeltrail.pipelines.parsers import ai302

from modeltrail.pipelines.parsers import openai

from modeltrail.pipelines.parsers import tokenhub
from tests.conftest import CAPTURES
from tests.test_cli import mt
from tests.test_parsers import NOW, bench, seed

POST = "https://openai.com/index/openai-o1-mini-advancing-cost-efficient-reasoning/"


def test_tokenhub_seed_states_every_fact():
    (card,) = tokenhub.parse(seed("001"), "https://www.tokenhub.link/models/o3-mini", NOW).cards
    assert (card.source_model_id, card.model_id, card.name) == ("o3-mini", "openai/o3-mini", "o3 Mini")
    assert card.context_window == 200_000 and card.max_output_tokens == 100_000
    assert card.release_date == "2024-12-20"
    assert {(p.kind, p.usd_per_million_tokens) for p in card.prices} == {
        ("input", 1.1), ("output", 4.4), ("cache_read", 0.55)}
    assert (card.status, card.successor) == ("deprecated", "GPT-5.4 Mini")
    expected = {"aa_intelligence_index": (18.4, "index"), "aa_coding_index": (17.3, "index"),
                "mmlu_pro": (80.2, "percent"), "gpqa": (77.3, "percent"), "hle": (12.3, "percent"),
                "livecodebench": (73.4, "percent"), "scicode": (39.8, "percent"),
                "terminal_bench_hard": (6.1, "percent"), "math_500": (98.5, "percent"),
                "aime": (86.0, "percent"), "ifbench": (67.1, "percent"), "aa_lcr": (39.3, "percent"),
                "tau2_bench": (31.3, "percent")}
    assert {b.benchmark: (b.value, b.unit) for b in card.benchmarks} == expected
    assert bench(card, "tau2_bench").reported_name == "τ²-Bench"


def test_302ai_seed_states_every_fact():
    (card,) = ai302.parse(seed("002"), "https://302.ai/models/o3-mini-2025-01-31", NOW).cards
    assert card.source_model_id == "o3-mini-2025-01-31"
    assert (card.model_id, card.version) == ("openai/o3-mini", "2025-01-31")
    assert card.release_date == "2025-02-01" and card.context_window == 128_000
    assert card.organization == "OpenAI"
    assert {"reasoning", "function_calling", "structured_outputs", "developer_messages", "batch",
            "streaming", "web_search"} <= set(card.capabilities)
    assert card.reasoning_efforts == ["low", "medium", "high"]
    assert {(p.kind, p.tier, p.usd_per_million_tokens) for p in card.prices} == {
        ("input", None, 1.1), ("output", None, 4.4), ("input", "official", 1.1), ("output", "official", 4.4)}
    rows = {(b.benchmark, b.setting): (b.value, b.unit) for b in card.benchmarks}
    assert rows == {
        ("aime_2024", "high"): (83.6, "percent"), ("aime_2024", "medium"): (76.2, "percent"),
        ("gpqa_diamond", "high"): (77.0, "percent"), ("gpqa_diamond", "medium"): (71.5, "percent"),
        ("codeforces", "high"): (2073.0, "elo"), ("codeforces", "medium"): (1950.0, "elo"),
        ("swe_bench_verified", "high"): (48.9, "percent"), ("swe_bench_verified", "medium"): (42.3, "percent"),
        ("frontiermath", "with python tools"): (32.0, "percent"),
    }


def test_openai_post_attributes_each_score_to_its_model():
    cards = {c.source_model_id: c for c in openai.parse(seed("004"), POST, NOW).cards}
    assert set(cards) == {"o1-mini", "o1", "o1-preview", "gpt-4o"}
    mini = cards["o1-mini"]
    assert bench(mini, "aime").value == 70.0 and bench(mini, "codeforces").value == 1650
    assert bench(mini, "codeforces").unit == "elo"
    assert bench(cards["o1"], "aime").value == 74.4 and bench(cards["o1"], "codeforces").value == 1673
    assert bench(cards["o1-preview"], "aime").value == 44.6 and bench(cards["o1-preview"], "codeforces").value == 1258
    # never a comparison model's score on the subject
    assert {b.value for b in mini.benchmarks}.isdisjoint({74.4, 44.6, 1673, 1258, 0.714, 0.22})
    assert bench(mini, "strongreject").value == 0.83 and bench(cards["gpt-4o"], "strongreject").value == 0.22
    # table rows without a registry key keep their reported name and are not guessed
    unknown = {b.reported_name: b.value for b in mini.benchmarks if b.benchmark is None}
    assert unknown["Human sourced jailbreak eval"] == 0.95
    assert "reasoning" in mini.capabilities


def test_openai_post_html_and_text_agree():
    html = (CAPTURES / "openai.com/index/openai-o1-mini-advancing-cost-efficient-reasoning/index.html").read_bytes()
    a = {c.source_model_id: c.model_dump(exclude={"page_sha256"}) for c in openai.parse(html, POST, NOW).cards}
    b = {c.source_model_id: c.model_dump(exclude={"page_sha256"}) for c in openai.parse(seed("004"), POST, NOW).cards}
    assert a == b


def test_openai_docs_page_deprecation():
    page = (CAPTURES / "platform.openai.com/docs/models/o1-mini").read_bytes()
    (card,) = openai.parse(page, "https://platform.openai.com/docs/models/o1-mini", NOW).cards
    assert (card.status, card.successor, card.version) == ("deprecated", "o4-mini", "2024-09-12")
    assert card.context_window == 128_000 and card.max_output_tokens == 65_536


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("five") / "w.duckdb"
    mt("refresh", "azure", "leaderboard", "openai", "tokenhub", "302ai", "--replay", "--db", str(path),
       "--observed-at", "2026-01-01T00:00:00Z")
    return path


@pytest.mark.slow
def test_all_five_sources_load(warehouse):
    rows = [json.loads(l) for l in mt("runs", "--format", "json", "--db", str(warehouse)).stdout.splitlines()]
    assert {r["source"]: r["status"] for r in rows} == {s: "complete" for s in
                                                         ("azure", "leaderboard", "openai", "tokenhub", "302ai")}


@pytest.mark.slow
def test_compare_shows_five_sources_and_the_seed_conflicts(warehouse):
    out = mt("compare", "openai/o3-mini", "--db", str(warehouse)).stdout
    header = out.splitlines()[0].split()
    assert header == ["field", "302ai", "azure", "leaderboard", "openai", "tokenhub", "conflict"]
    rows = {r["field"]: r for r in map(json.loads, mt("compare", "openai/o3-mini", "--format", "json", "--db",
                                                       str(warehouse)).stdout.splitlines())}
    ctx = rows["context_window"]
    assert (ctx["302ai"], ctx["azure"], ctx["openai"], ctx["tokenhub"], ctx["conflict"]) == (
        "128000", "200000", "200000", "200000", "yes")
    gpqa = rows["benchmark.gpqa"]
    assert (gpqa["leaderboard"], gpqa["tokenhub"], gpqa["conflict"]) == ("77.0%", "77.3%", "yes")
    # same month at two precisions is not a conflict
    cutoff = rows["training_cutoff"]
    assert (cutoff["azure"], cutoff["openai"], cutoff["conflict"]) == ("2023-09", "2023-09-30", "")


@pytest.mark.slow
def test_every_o3_mini_alias_is_one_model(warehouse):
    rows = mt("sql", "SELECT source, source_model_id, version FROM model_identity "
                     "WHERE model_id = 'openai/o3-mini' ORDER BY 1", "--format", "json",
              "--db", str(warehouse)).stdout.splitlines()
    got = {json.loads(r)["source"]: json.loads(r)["source_model_id"] for r in rows}
    assert got == {"302ai": "o3-mini-2025-01-31", "azure": "o3-mini", "leaderboard": "openai/o3-mini",
                   "openai": "o3-mini", "tokenhub": "o3-mini"}


@pytest.mark.slow
def test_price_compare_against_vendor_list_price(warehouse):
    rows = [json.loads(l) for l in mt("sql", "SELECT * FROM price_compare ORDER BY source, kind, tier",
                                      "--format", "json", "--db", str(warehouse)).stdout.splitlines()]
    mine = {(r["source"], r["kind"], r["tier"]): r["markup"] for r in rows}
    assert mine[("302ai", "input", None)] == 0 and mine[("tokenhub", "cache_read", None)] == 0


@pytest.mark.slow
def test_price_compare_names_the_ids_it_compares(warehouse):
    """A source may price one model under several ids (a ":free" offering): each row says which."""
    rows = [json.loads(l) for l in mt("sql", "SELECT * FROM price_compare WHERE model_id = 'openai/o3-mini' "
                                             "ORDER BY source, kind, tier", "--format", "json",
                                      "--db", str(warehouse)).stdout.splitlines()]
    assert rows and {(r["source"], r["source_model_id"]) for r in rows} == {
        ("302ai", "o3-mini-2025-01-31"), ("tokenhub", "o3-mini")}
    assert {(r["vendor_source"], r["vendor_source_model_id"]) for r in rows} == {("openai", "o3-mini")}


@pytest.mark.slow
def test_unmatched_and_alias_add_remap_without_crawling(warehouse, tmp_path):
    import shutil
    db = tmp_path / "copy.duckdb"
    shutil.copy(warehouse, db)
    before = mt("unmatched", "--format", "json", "--db", str(db)).stdout
    assert before.strip() == ""  # every bundled capture maps
    mt("sql", "SELECT 1", "--db", str(db))
    # (a model id no source maps yet: --force, or alias add refuses it as a likely typo)
    mt("alias", "add", "DeepSeek-R1 (0528)", "deepseek/deepseek-r1-0528", "--force", "--db", str(db))
    row = mt("sql", "SELECT model_id FROM model_identity WHERE source_model_id = 'deepseek/DeepSeek-R1 (0528)'",
             "--format", "csv", "--db", str(db)).stdout
    assert "deepseek/deepseek-r1-0528" in row
    # the versions carry it too: the current view and the as-of macros show the new identity at once
    for q in ("SELECT DISTINCT model_id FROM model_cards WHERE source_model_id = 'deepseek/DeepSeek-R1 (0528)'",
              "SELECT DISTINCT model_id FROM benchmarks_as_of(now()) "
              "WHERE source_model_id = 'deepseek/DeepSeek-R1 (0528)'"):
        assert mt("sql", q, "--format", "csv", "--db", str(db)).stdout.splitlines()[1:] == ["deepseek/deepseek-r1-0528"]
