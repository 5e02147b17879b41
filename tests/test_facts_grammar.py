"""The label -> value grammar (modeltrail/facts.py) on real pages of aggregators, resellers and vendor
docs in ../shared/pages/: ~40 sites that write the same facts in every layout there is (glued labels,
label-then-value lines, value-before-label, `|` tables, sentences, Chinese labels).

Every expectation below was written by reading the page, not by running the grammar. Each case is the
whole dict of facts read: a fact the grammar reads that is not listed is a failure too, so a wrong value
(a credits column read as dollars, an image price read as the output price) cannot slip through.
Facts a page states in a form the grammar does not read yet are named in UNREAD, with the reason, and
asserted absent (never read wrong)."""

from __future__ import annotations

import pytest

from modeltrail.pipelines import facts
from tests.conftest import SHARED

PAGES = SHARED / "pages"
M = 1_000_000
B = 1_000_000_000

EXPECTED: dict[tuple[str, int], dict] = {
    # glued block "Released2025-08-07 / Context400K / Knowledge cutoffMay 2024 / StatusGenerally available",
    # glued prices "Input$0.05 / 1M tokens"
    ("ai-tldr.dev_gpt-5-nano", 0): {
        "release_date": "2025-08-07", "license": "Proprietary", "context_window": 400_000,
        "max_output_tokens": 128_000, "training_cutoff": "2024-05", "status": "active",
        "price.input": 0.05, "price.cache_read": 0.005, "price.output": 0.40},
    # "ParametersUndisclosed", "Max outputNot specified by Mistral AI": no values; lifecycle dates in prose
    # "(deprecation date 5/22/2026, retirement 7/31/2026)"
    ("ai-tldr.dev_mistral-nemo", 0): {
        "release_date": "2024-07-18", "license": "Apache 2.0", "parameters": 12 * B, "context_window": 128_000,
        "deprecation_date": "2026-05-22", "retirement_date": "2026-07-31"},
    # | table rows; "671B total / 37B active"; "Status | Available"
    ("ai-tldr.dev_deepseek-v3-0324", 0): {
        "release_date": "2025-03-24", "license": "MIT", "parameters": 671 * B, "context_window": 128_000,
        "max_output_tokens": 8_000, "training_cutoff": "2024-07", "status": "active"},
    # label line, value line, unit line: "Context / 128K / tokens", "Input / $2.50 / per MTok"
    ("aicoach.pw_gpt-4o-2024-11-20", 0): {"context_window": 128_000, "price.input": 2.50, "price.output": 10.00},
    # "Label value" lines; "Input Cost / 1M tokens $2.00"; "Status -" states nothing
    ("whichllm.io_merge-gateway-openai-gpt-4-1", 0): {
        "context_window": 1_047_576, "max_output_tokens": 32_768, "training_cutoff": "2024-04",
        "release_date": "2025-04-14", "price.input": 2.00, "price.output": 8.00, "price.cache_read": 0.50},
    # "Context window 1M 1M tokens", "Max output 32K 32K tokens", "- Knowledge cutoff / - 📅 2025-03"
    ("changelogs-info.pages.dev_openai-gpt-4-1", 0): {
        "context_window": M, "max_output_tokens": 32_000, "price.input": 2.00, "price.output": 8.00,
        "release_date": "2025-04-14", "training_cutoff": "2025-03"},
    ("therouter.ai_openai-gpt-4.1", 0): {
        "context_window": M, "max_output_tokens": 33_000, "price.input": 2.40, "price.output": 9.60},
    ("therouter.ai_openai-gpt-4.1", 1): {
        "context_window": M, "max_output_tokens": 33_000, "price.input": 2.40, "price.output": 9.60},
    ("trustedrouter.com_openai-gpt-4o-mini", 0): {"context_window": 128_000},
    ("multi-router.ai_openai-gpt-4o-mini", 0): {
        "context_window": 128_000, "max_output_tokens": 16_400, "training_cutoff": "2023-10",
        "price.input": 0.15, "price.output": 0.60},
    # "Input / $0.1500 / 1M / / 1M tokens"; "Cached input / Not available"
    ("llmrateradar.com_openai-gpt-4o-mini-2024-07-18-openrouter", 0): {
        "price.input": 0.15, "price.output": 0.60, "context_window": 128_000, "max_output_tokens": 16_384},
    # "Pricing per 1M Tokens" heading over "| Input (Prompt) | $0.15 |" (ex.0) and "Input (Prompt)$0.15" (ex.1);
    # "First tracked: March 23, 2026" is when this site listed it
    ("aitoolrank.net_openai-gpt-4o-mini", 0): {
        "price.input": 0.15, "price.output": 0.60, "price.cache_read": 0.07, "context_window": 128_000,
        "max_output_tokens": 16_000, "listed_date": "2026-03-23"},
    ("aitoolrank.net_openai-gpt-4o-mini", 1): {
        "price.input": 0.15, "price.output": 0.60, "price.cache_read": 0.07, "context_window": 128_000,
        "max_output_tokens": 16_000, "listed_date": "2026-03-23"},
    # lower-case "label value" blocks
    ("models.wingman.actor_openai-gpt-4o", 0): {
        "price.input": 2.50, "price.output": 10.00, "price.cache_read": 1.25, "context_window": 128_000,
        "max_output_tokens": 16_384, "release_date": "2024-05-13", "training_cutoff": "2023-09"},
    ("just4o.chat_gpt-4o-2024-05-13", 0): {
        "context_window": 128_000, "max_output_tokens": 4_100, "training_cutoff": "2023-10"},
    # "by OpenAI · Released 2024"; label, blank, value; prices and cutoff only in sentences
    ("callmissed.com_gpt-4o", 0): {
        "release_date": "2024", "context_window": 128_000, "max_output_tokens": 16_000,
        "training_cutoff": "2023-10", "price.input": 2.50, "price.output": 10.00},
    # glued "Statusactive", "Knowledge cutoff2023-09"; empty "Release date" / "Deprecation date" labels
    ("modelpedia.dev_openai-o3-mini-2025-01-31", 0): {
        "context_window": 200_000, "max_output_tokens": 100_000, "price.input": 1.1, "price.output": 4.4,
        "status": "active", "training_cutoff": "2023-09"},
    # "Input Limit / 200K tokens" is its context; "Knowledge Cutoff / Oct 1, 2023"
    ("findllms.com_o3-mini", 0): {
        "context_window": 200_000, "max_output_tokens": 100_000, "price.input": 1.10, "price.output": 4.40,
        "training_cutoff": "2023-10-01"},
    ("findllms.com_o3-mini", 1): {
        "context_window": 200_000, "max_output_tokens": 100_000, "price.input": 1.10, "price.output": 4.40,
        "training_cutoff": "2023-10-01"},
    ("aimlapi.com_openai-o1-mini-api", 0): {"context_window": 128_000, "max_output_tokens": 65_536},
    # inline "Context window: 200,000 tokens Max output: 100,000 tokens"; "input per 1m tokens $1.500000"
    ("omixa.cloud_codex-mini", 0): {
        "context_window": 200_000, "max_output_tokens": 100_000, "price.input": 1.5, "price.cache_read": 0.375,
        "price.output": 6.0},
    # "This model will be deprecated on 2026-05-15."; "| Type | Price / 1M tokens |" heads the price rows
    ("ominigate.ai_x-ai-grok-3-mini-beta", 0): {
        "deprecation_date": "2026-05-15", "price.input": 0.30, "price.output": 0.50, "price.cache_read": 0.07},
    # currency after the number: "Input: 0.3$ / 1M tokens"
    ("ridvay.com_x-ai-grok-3-mini-beta", 0): {
        "price.input": 0.3, "price.output": 0.5, "max_output_tokens": 131_072, "context_window": 131_072},
    # markdown fact sheet; "$1.25 / 1M input, $2.50 / 1M output"
    ("rival.tips_grok-4.3-llm", 0): {
        "release_date": "2026-05-02", "context_window": M, "price.input": 1.25, "price.output": 2.50},
    # one sentence: "released 2026-05-22. Context window: 1,000,000 tokens; max output 4,096. ... input $1.25/M"
    ("aigateway.sh_xai-grok-4.3", 0): {
        "release_date": "2026-05-22", "context_window": M, "max_output_tokens": 4_096, "price.input": 1.25,
        "price.output": 2.50},
    # "a llama 70.6B-parameter model ... with a 131,072-token context window and 16,384 max output tokens,
    # priced at $0.40/1M input and $0.40/1M output tokens"
    ("haimaker.ai_meta-llama-llama-3.1-70b-instruct", 0): {
        "parameters": 70_600_000_000, "context_window": 131_072, "max_output_tokens": 16_384,
        "price.input": 0.40, "price.output": 0.40},
    # the fact block says 128,000; the prose's "400 k token window" is about the family
    ("model.box_openai-gpt-5-chat", 0): {"context_window": 128_000, "max_output_tokens": 32_768},
    # "byOpenAI|Created Aug 7, 2025": the aggregator's listing date; "Input Tokens (1M) / $0.02"
    ("naga.ac_gpt-5-nano-2025-08-07", 0): {"listed_date": "2025-08-07", "price.input": 0.02, "price.output": 0.20},
    # "Context Window / 1.0M / tokens"; prices: see UNREAD
    ("console.core.today_gpt-5-nano", 0): {
        "context_window": M, "max_output_tokens": 33_000, "training_cutoff": "2025-03"},
    ("anttisahla.com_gpt-5-nano", 0): {
        "context_window": 400_000, "max_output_tokens": 128_000, "status": "active", "price.input": 0.05,
        "price.output": 0.4, "license": "proprietary", "release_date": "2025-08"},
    # "Pricing (per 1M tokens)" heading; "Cache Write -"
    ("chatstack-ai.com_openai-gpt-5-nano", 0): {
        "context_window": 400_000, "max_output_tokens": 128_000, "price.input": 0.05, "price.output": 0.40,
        "price.cache_read": 0.01},
    # value before label in the header ("128K / Context / $3.50 / Input /1M"), then an Attribute/Value table
    # whose "Context Length 130,815 tokens (~128K)" comes second
    ("langmart.ai_meta-llama-3.1-405b-instruct", 0): {
        "context_window": 128_000, "price.input": 3.50, "price.output": 3.50, "release_date": "2024-07-23",
        "parameters": 405 * B, "training_cutoff": "2023-12"},
    # the same table as `|` rows broken across lines, no header card
    ("langmart.ai_meta-llama-3.1-405b-instruct", 1): {
        "release_date": "2024-07-23", "parameters": 405 * B, "context_window": 130_815,
        "training_cutoff": "2023-12"},
    # "Model Details" label-value lines; release and cutoff only in prose ("last trained on data up to August
    # 2024 and launched publicly on April 5, 2025"); "17 billion ... out of a total of 109B" is not read
    ("qumge.com_meta-llama-llama-4-scout", 0): {
        "context_window": 327_680, "price.input": 0.08, "price.output": 0.30, "release_date": "2025-04-05",
        "training_cutoff": "2024-08"},
    ("traictory.com_llama-3.2-11b-instruct", 0): {
        "parameters": 10_600_000_000, "context_window": 128_000, "release_date": "2024-09-25",
        "training_cutoff": "2023-12-31", "price.input": 0.18, "price.output": 0.18, "max_output_tokens": 128_000},
    ("apxml.com_phi-4", 0): {
        "parameters": 14 * B, "context_window": 16_000, "license": "MIT License", "release_date": "2024-12-13",
        "training_cutoff": "2024-11"},
    ("crafiq.ai_azure-phi-4-mini", 0): {"release_date": "2025-02", "context_window": 128_000, "parameters": 3_800_000_000},
    # Chinese labels: "上下文窗口: 128K", "输入价格: $0.25 / 1M", "输出价格: $1 / 1M"
    ("routara.ai_deepseek-chat-zh-CN", 0): {"context_window": 128_000, "price.input": 0.25, "price.output": 1.0},
    # glued "Release dateAugust 20, 2024", "Context length128K tokens"; "has 3.8B parameters";
    # "with cutoff date October 2023"
    ("docs.api.nvidia.com_nim-microsoft-phi-3_5-mini", 0): {
        "release_date": "2024-08-20", "license": "MIT", "parameters": 3_800_000_000, "context_window": 128_000,
        "training_cutoff": "2023-10"},
    # "Input / $ 2 / / M tokens"; "Web search $ 0.025 / request" is not a token price
    ("zenmux.ai_openai-gpt-4.1", 0): {
        "price.input": 2.0, "price.output": 8.0, "price.cache_read": 0.5, "context_window": 1_050_000,
        "max_output_tokens": 32_770},
    # a vendor's `|` table: Item | Value | Description
    ("developer.box.com_azure-openai-gpt-4o-model-card", 0): {
        "release_date": "2024-05-13", "training_cutoff": "2023-09", "context_window": 128_000,
        "max_output_tokens": 2_000},
    # a retired-model page: "The meta.llama-3-70b-instruct model is retired."
    ("docs.oracle.com-oci_meta-llama-3-70b-retired", 0): {
        "status": "retired", "parameters": 70 * B, "context_window": 8_000},
    # "Text input price: $5.00 per million tokens"; "Image output price: $40.00" is not the (text) output price
    ("burncloud.com_aiapi-detail-gpt-image-1", 0): {"price.input": 5.00, "price.cache_read": 1.25},
    # "Key Specifications" label/value lines; "Parameters / 8B (Rumoured)" is hedged, not stated
    ("benchable.ai_openai-gpt-4o-mini", 0): {"context_window": 128_000, "release_date": "2024-07-17"},
}

#: stated on the page, not read by the grammar (yet): asserted absent, so never read wrong
UNREAD = {
    # a per-provider `|` table whose first column broke across lines: "OpenAI (openai) |" / "Credits | $0.165/1M |"
    ("trustedrouter.com_openai-gpt-4o-mini", 0): ("price.input", "price.output"),
    # a credits column glued to the dollar column: "Input Tokens100$0.10"
    ("console.core.today_gpt-5-nano", 0): ("price.input", "price.output"),
    # glued price table "Standard$1.1$0.55$4.4" (input / cached input / output columns)
    ("modelpedia.dev_openai-o3-mini-2025-01-31", 0): ("price.cache_read",),
}


def excerpt(page: str, n: int) -> str:
    path = PAGES / f"{page}.txt"
    _, _, body = path.read_text().partition("\n\n")
    return body.split("\n----\n")[n]


def test_at_least_twenty_sites_are_checked():
    sites = {page.split("_")[0] for page, _ in EXPECTED}
    assert len(sites) >= 20, sites


@pytest.mark.parametrize("page,n", sorted(EXPECTED), ids=[f"{p}#{n}" for p, n in sorted(EXPECTED)])
def test_page_facts(page, n):
    got = {field: fact.value for field, fact in facts.read(excerpt(page, n)).items()}
    want = EXPECTED[(page, n)]
    assert {k: pytest.approx(v) if isinstance(v, float) else v for k, v in got.items()} == want
    for field in UNREAD.get((page, n), ()):
        assert field not in got


def test_every_fact_says_where_it_was_read():
    text = excerpt("aicoach.pw_gpt-4o-2024-11-20", 0)
    lines = facts.clean_lines(text)
    fact = facts.read(text)["price.input"]
    assert lines[fact.line] == "$2.50" and fact.how == "next line" and "per MTok" in fact.raw


@pytest.mark.parametrize("text,field,value", [
    ("Context Window: 400k", "context_window", 400_000),
    ("Context Window 400,000 tokens", "context_window", 400_000),
    ("Context400K tokens", "context_window", 400_000),
    ("| Context | 128 000 |", "context_window", 128_000),
    ("Max output\nAvg\n16.4K", "max_output_tokens", 16_400),
    ("Input: $0.03/1K tokens", "price.input", 30.0),
    ("Released\nOct 2023", "release_date", "2023-10"),
    ("上下文窗口: 1M", "context_window", M),
])
def test_layouts_and_units(text, field, value):
    assert facts.read(text)[field].value == pytest.approx(value) if isinstance(value, float) else \
        facts.read(text)[field].value == value


@pytest.mark.parametrize("text,field", [
    ("Input: $2.50", "price.input"),                 # per what? never guessed
    ("Released 07/08/2025", "release_date"),         # month/day or day/month? never guessed
    ("Context: 2 endpoints", "context_window"),      # a count of something else
    ("Parameters 8B (rumoured)", "parameters"),      # hedged
    ("Released2023–2025", "release_date"),           # a range, not a date
    ("Status: legacy", "status"),                    # not one lifecycle (see normalize.STATUS_WORDS)
])
def test_what_is_not_a_statement(text, field):
    assert field not in facts.read(text)


def test_a_source_declares_its_own_words():
    words = facts.VOCABULARY + (facts.Label("context_window", "tokens", ("ctx window",)),)
    assert "context_window" not in facts.read("ctx window 32k")
    assert facts.read("ctx window 32k", words)["context_window"].value == 32_000
