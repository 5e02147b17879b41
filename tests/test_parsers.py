"""Parsers against golden fixtures (one test per field), and against the seed pages' stated facts."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from modeltrail.pipelines.parsers import azure

from modeltrail.pipelines.parsers import leaderboard
from modeltrail.pipelines.records import ModelCard
from tests.conftest import SEEDS  # ../shared/seeds: the text captures the project was designed from
from tests.fixtures import cases, page_file, run_case

NOW = datetime(2026, 1, 15, 6, tzinfo=timezone.utc)
FIELDS = list(ModelCard.model_fields)
CASES = list(cases())


@pytest.fixture(scope="module")
def outputs():
    return {case: run_case(case) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
@pytest.mark.parametrize("field", FIELDS)
def test_field(outputs, case, field):
    expected = json.loads((case / "expected.json").read_text())
    got = outputs[case]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g[field] == e[field], f"{case.name}: {field}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_no_extra_fields(outputs, case):
    expected = json.loads((case / "expected.json").read_text())
    for g, e in zip(outputs[case], expected):
        assert set(g) == set(e) == set(FIELDS)


def seed(prefix: str) -> bytes:
    (path,) = SEEDS.glob(prefix + "_*.txt")
    return path.read_bytes()


def bench(card, key, setting=None):
    found = [b for b in card.benchmarks if b.benchmark == key and b.setting == setting]
    assert len(found) == 1, (key, setting, card.benchmarks)
    return found[0]


def test_azure_seed_states_every_fact():
    (card,) = azure.parse(seed("003"), "https://ai.azure.com/catalog/models/o3-mini", NOW).cards
    assert card.source == "azure" and card.source_model_id == "o3-mini"
    assert card.model_id == "openai/o3-mini"
    # the title "OpenAI o3-mini" is the publisher and the model's id: the name is spelled as the catalog's
    # API spells it (displayName "o3-mini"), so that the page path and the API path agree
    assert card.name == "o3-mini"
    assert card.version == "2025-01-31"
    assert card.organization == "OpenAI"
    assert card.context_window == 200_000            # "Context window: 200K" and "Context Length200000"
    assert card.max_output_tokens == 100_000         # "Max Completion Tokens: 100K"
    assert card.training_cutoff == "2023-09"         # "Training DataSeptember 2023": month precision
    assert card.license == "Custom"
    assert card.input_modalities == ["text"] and card.output_modalities == ["text"]
    assert card.reasoning_efforts == ["low", "medium", "high"]
    assert {"reasoning", "multilingual", "coding", "function_calling", "structured_outputs",
            "developer_messages", "system_messages"} <= set(card.capabilities)
    # o1's "advanced image analysis" bullet is about o1, not o3-mini
    assert "vision" not in card.capabilities
    q = bench(card, "azure_quality_index")
    assert (q.value, q.unit) == (0.87, "index")
    # GPT-4o's 22 and o1-preview's 84 jailbreak scores belong to other models
    assert all(b.value not in (22, 84) for b in card.benchmarks)
    assert card.prices == []                         # "See pricing details here": no price on the page
    assert card.page_sha256 and card.parser_version == "azure/1" and card.fetched_at == NOW


def test_leaderboard_seed_states_every_fact():
    url = "https://raw.githubusercontent.com/AIComputing101/llm-leaderboard/main/models/openai/o3-mini.md"
    (card,) = leaderboard.parse(seed("000"), url, NOW).cards
    assert card.name == "o3-mini" and card.model_id == "openai/o3-mini"
    assert card.source_model_id == "openai/o3-mini"
    assert card.organization == "OpenAI"
    assert card.release_date == "2025-01"            # "Jan/2025" is a month, not 2025-01-01
    assert card.architecture == "dense"
    assert card.parameters == 20_000_000_000
    assert card.training_tokens == 13_000_000_000_000
    assert card.capabilities == ["reasoning"]
    assert bench(card, "gpqa").value == 77.0
    assert bench(card, "hle").value == 14.0
    assert bench(card, "gpqa", "high").value == 79.7   # "GPQA=79.7 for 'high' thinking"
    assert bench(card, "alscore").value == 1.7
    assert bench(card, "alprompt_2025h1").value == 20.0  # 1/5
    # MMLU and MMLU-Pro are "-": absent, never 0
    assert not [b for b in card.benchmarks if b.benchmark in ("mmlu", "mmlu_pro")]
    # "o1=12%" in the notes is another model's score
    assert all(b.value != 12 for b in card.benchmarks)


def test_html_and_text_capture_give_the_same_card():
    url = "https://ai.azure.com/catalog/models/o3-mini"
    html = Path("captures/ai.azure.com/catalog/models/o3-mini")
    html = html if html.exists() else Path(__file__).parents[1] / html
    a = azure.parse(html.read_bytes(), url, NOW).cards[0].model_dump(exclude={"page_sha256"})
    b = azure.parse(seed("003"), url, NOW).cards[0].model_dump(exclude={"page_sha256"})
    assert a == b


def test_mojibake_capture_and_clean_markdown_agree():
    url = "https://raw.githubusercontent.com/AIComputing101/llm-leaderboard/main/models/openai/o3-mini.md"
    case = Path(__file__).parent / "fixtures" / "leaderboard" / "o3-mini-md"
    a = leaderboard.parse(page_file(case).read_bytes(), url, NOW).cards[0]
    b = leaderboard.parse(seed("000"), url, NOW).cards[0]
    assert a.model_dump(exclude={"page_sha256"}) == b.model_dump(exclude={"page_sha256"})


@pytest.mark.parametrize("module,page", [
    (azure, b"<html><body><h1>Model catalog</h1><p>Loading...</p></body></html>"),
    (azure, b""),
    (leaderboard, b"# Some page\n\nNo organization here.\n"),
])
def test_layout_change_gives_no_card_and_says_why(module, page):
    parsed = module.parse(page, "https://example.invalid/x", NOW)
    assert parsed.cards == []
    assert parsed.problems and "no model card found" in str(parsed.problems[0])


def test_invalid_values_are_rejected_naming_source_url_and_field():
    page = seed("003").replace(b"Context Length200000", b"Context Length0").replace(
        b"Context window: 200K", b"Context window: 0K")
    url = "https://ai.azure.com/catalog/models/o3-mini"
    parsed = azure.parse(page, url, NOW)
    (card,) = parsed.cards
    assert card.context_window is None                # rejected ...
    assert card.max_output_tokens == 100_000          # ... and the rest of the card survives
    msgs = [str(p) for p in parsed.problems]
    assert any("azure" in m and url in m and "context_window" in m for m in msgs), msgs


def test_percent_over_100_is_rejected():
    md = seed("000").replace(b"| **GPQA** | 77.0 |", b"| **GPQA** | 177.0 |")
    parsed = leaderboard.parse(md, "https://x.invalid/models/openai/o3-mini.md", NOW)
    assert not [b for b in parsed.cards[0].benchmarks if b.benchmark == "gpqa" and b.setting is None]
    assert any("benchmarks.GPQA" in str(p) and "over 100" in str(p) for p in parsed.problems)
