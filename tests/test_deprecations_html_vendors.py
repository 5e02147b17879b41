"""The `deprecations` source's HTML vendors (Google Gemini API, Vertex AI, Amazon Bedrock, Mistral,
DeepSeek, Alibaba Cloud, Xiaomi). Their live pages are HTML; ../shared keeps markdown renderings of them
(real tables and rows): each vendor module parses the rendering with the live url, and the constructed
HTML pages of tests/fixtures/deprecations_html/ (rows copied from the renderings) must give the same
facts through the HTML path. Every expectation was read on the page, not taken from the parser."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import import_module
from pathlib import Path

import pytest

from tests.conftest import SHARED

RENDER = SHARED / "pages" / "deprecations" / "html-pages-as-markdown"
HTML = Path(__file__).parent / "fixtures" / "deprecations_html"
FETCHED = datetime(2026, 8, 21, tzinfo=timezone.utc)

URLS = {
    "google": ("google_deprecations.md", "https://ai.google.dev/gemini-api/docs/deprecations"),
    "vertex": ("vertex_model-versions.md",
               "https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/model-versions"),
    "bedrock": ("bedrock_model-lifecycle.md",
                "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html"),
    "mistral": ("mistral_models.md", "https://docs.mistral.ai/models"),
    "deepseek": ("deepseek_updates.md", "https://api-docs.deepseek.com/updates/"),
    "alibaba": ("alibaba_deprecations.md", "https://www.alibabacloud.com/help/en/model-studio/model-depreciation"),
    "xiaomi": ("xiaomi_deprecations.md", "https://mimo.mi.com/docs/en-US/updates/deprecate"),
}

FIELDS = ("status", "deprecation_date", "retirement_date", "retirement_qualifier", "successor", "section")

# vendor -> id -> (status, deprecation, retirement, qualifier, successor, section); read on the pages
EXPECTED = {
    "google": {
        "gemini-3.7-flash": ("active", None, None, None, None, "Gemini 3 models"),
        "gemini-3.1-flash-lite": ("deprecated", None, "2027-05-07", "earliest possible", "gemini-3.5-flash-lite",
                                  "Gemini 3 models"),
        "gemini-3-pro-preview": ("deprecated", None, "2026-03-09", "earliest possible", "gemini-3.1-pro-preview",
                                 "Gemini 3 models"),
        # under "Preview models", no shutdown date, yet a replacement named
        "gemini-3-flash-preview": ("preview", None, None, None, "gemini-3.6-flash", "Gemini 3 models"),
        "embedding-gecko-001": ("deprecated", None, "2025-10-30", "earliest possible", "gemini-embedding-2",
                                "Embedding models"),
        "veo-3.0-generate-001": ("deprecated", None, "2026-06-30", "earliest possible",
                                 "veo-3.1-generate-preview, the GA models on the Gemini Enterprise Agent Platform",
                                 "Veo models"),
    },
    "vertex": {
        "gemini-3.5-flash": ("active", None, "2027-05-19", "or later", None, "Gemini models"),
        "gemini-2.5-flash": ("active", None, "2026-10-20", None, "Gemini 3.5 Flash-Lite, Gemini 3.1 Flash-Lite",
                             "Gemini models"),
        "gemini-embedding-001": ("active", None, "2028-05-20", "no sooner than", None, "Embeddings models"),
        "gemini-embedding-2": ("active", None, None, None, None, "Embeddings models"),
        "gemini-3.7-flash": ("active", None, None, None, None, "Models available for shorter availability periods"),
        "textembedding-gecko@003": ("retired", None, "2025-05-24", None, "gemini-embedding-001", "Retired models"),
        "text-bison": ("retired", None, "2025-04-21", None, "gemini-2.5-flash-lite", "Retired models"),
    },
    "bedrock": {
        "ai21.jamba-1-5-large-v1:0": ("deprecated", "2026-05-26", "2026-11-26", None, None,
                                      "Legacy and end-of-life (EOL) models"),
        "amazon.nova-canvas-v1:0": ("deprecated", "2026-03-30", "2026-09-30", None, None,
                                    "Legacy and end-of-life (EOL) models"),
        "anthropic.claude-3-haiku-20240307-v1:0": ("deprecated", "2026-03-10", "2026-09-10", None, None,
                                                   "Legacy and end-of-life (EOL) models"),
    },
    "mistral": {
        "mistral-medium-2508": ("deprecated", "2026-05-22", "2026-08-31", None, "Mistral Medium 3.5",
                                "Deprecated & retired models"),
        "labs-leanstral-2603": ("retired", "2026-05-22", "2026-06-30", None, "Leanstral 1.5",
                                "Deprecated & retired models"),
        # "12/2/2025" is read month-first because the page's other cells ("5/22/2026") prove the order
        "mistral-ocr-2503": ("retired", "2025-12-02", "2025-12-31", None, "OCR 4.1", "Deprecated & retired models"),
        # no API id: the row keeps its name; no dates stated
        "Mathstral 7B": ("deprecated", None, None, None, "Mistral Small 4", "Deprecated & retired models"),
    },
    "deepseek": {
        "deepseek-chat": ("retired", "2026-04-24", "2026-07-24", None, "deepseek-v4-flash", "DeepSeek-V4"),
        "deepseek-reasoner": ("retired", "2026-04-24", "2026-07-24", None, "deepseek-v4-flash", "DeepSeek-V4"),
        "DeepSeek-V3.2-Speciale": ("retired", "2025-12-01", "2025-12-15", None, None, "DeepSeek-V3.2-Speciale"),
    },
    "alibaba": {
        "qwen3.6-max-preview": ("deprecated", None, "2026-10-10", None, "qwen3.7-max",
                                "Scheduled for deprecation on October 10, 2026"),
        "qwen3-max": ("deprecated", None, "2026-10-10", None, "qwen3.7-max",
                      "Scheduled for deprecation on October 10, 2026"),
        "gte-rerank": ("retired", None, "2026-05-30", None, "qwen3-rerank", "Retires on May 30, 2026"),
        "qwen2-72b-instruct": ("retired", None, "2025-08-20", None, "qwen-plus", "Deprecated on August 20, 2025"),
    },
    "xiaomi": {
        "mimo-v2-pro": ("retired", None, "2026-06-30", None, "mimo-v2.5-pro", "Deprecated model on 2026.6.30"),
        "mimo-v2-tts": ("retired", None, "2026-06-30", None, "mimo-v2.5-tts", "Deprecated model on 2026.6.30"),
    },
}


def _cards(vendor: str, page: Path):
    parsed = import_module(f"modeltrail.pipelines.parsers.deprecations.{vendor}").parse(
        page.read_bytes(), URLS[vendor][1], FETCHED)
    assert not parsed.problems, parsed.problems
    cards = {c.source_model_id: c for c in parsed.cards}
    assert len(cards) == len(parsed.cards), "one card per model id"
    return cards


def _facts(card):
    return tuple(getattr(card, f) for f in FIELDS)


@pytest.mark.parametrize("vendor", sorted(EXPECTED))
def test_rendering_rows(vendor):
    cards = _cards(vendor, RENDER / URLS[vendor][0])
    for mid, want in EXPECTED[vendor].items():
        card = cards[f"{vendor}/{mid}"]
        assert _facts(card) == want, mid
        assert card.source == "deprecations"


@pytest.mark.parametrize("vendor", sorted(EXPECTED))
def test_html_page_gives_the_same_rows(vendor):
    """The constructed HTML page holds a subset of the rendering's rows: each gives the same facts."""
    html = _cards(vendor, HTML / f"{vendor}.html")
    render = _cards(vendor, RENDER / URLS[vendor][0])
    assert html and set(html) <= set(render)
    for mid, card in html.items():
        assert _facts(card) == _facts(render[mid]), mid
        assert card.release_date == render[mid].release_date and card.regions == render[mid].regions


def test_counts_and_stated_absences():
    google = _cards("google", RENDER / URLS["google"][0])
    assert len(google) == 65  # every model row of the eleven tables (counted with grep); "Preview models" rows are none
    assert "google/Preview models" not in google
    # "No shutdown date announced": a stated absence, not a missing value
    assert google["google/gemini-2.5-pro"].stated_empty == ["retirement_date"]
    assert google["google/gemini-3.7-flash"].release_date == "2026-08"  # "August 2026": month precision
    assert google["google/embedding-gecko-001"].release_date is None  # empty cell
    vertex = _cards("vertex", RENDER / URLS["vertex"][0])
    assert vertex["vertex/gemini-3.7-flash"].stated_empty == ["retirement_date"]  # "No retirement date announced"
    assert vertex["vertex/gemini-embedding-2"].stated_empty == []  # an empty cell says nothing
    assert vertex["vertex/text-bison"].release_date == "2023-05"
    assert "vertex/textembedding-gecko@003*" not in vertex  # the footnote mark is no part of the id


def test_bedrock_one_card_per_id_with_all_regions():
    cards = _cards("bedrock", RENDER / URLS["bedrock"][0])
    assert len(cards) == 13  # fourteen rows, Claude 3 Haiku twice (commercial and GovCloud regions)
    haiku = cards["bedrock/anthropic.claude-3-haiku-20240307-v1:0"]
    assert "us-gov-west-1" in haiku.regions and "ap-southeast-2" in haiku.regions and len(haiku.regions) == 11
    assert haiku.name == "Claude 3 Haiku"
    assert cards["bedrock/amazon.nova-reel-v1:1"].regions == ["us-east-1"]


def test_mistral_rows_sharing_an_id_are_one_card():
    cards = _cards("mistral", RENDER / URLS["mistral"][0])
    # "Mistral 7B" 0.2 and 0.3 both print `open-mistral-7b` with the same dates; "Voxtral Mini" and
    # "Voxtral Mini Transcribe" both print `voxtral-mini-2507`
    assert cards["mistral/open-mistral-7b"].retirement_date == "2025-03-30"
    assert cards["mistral/voxtral-mini-2507"].successor == "Voxtral Mini Transcribe 2"
    assert cards["mistral/codestral-2405"].retirement_date == "2025-06-16"
    assert cards["mistral/open-codestral-mamba"].deprecation_date == "2025-06-06"


def test_alibaba_third_party_rows_and_counts():
    cards = _cards("alibaba", RENDER / URLS["alibaba"][0])
    assert len(cards) == 5 + 42 + 1 + 8 + 8
    assert cards["alibaba/MiniMax-M2.1"].retirement_date == "2026-10-10"
    assert cards["alibaba/qwen-vl-plus-2024-08-09"].successor == "qwen3-vl-flash-2025-10-15"


def test_dispatcher_knows_the_live_urls():
    from modeltrail.pipelines.parsers.deprecations.pages_b import PAGES_B
    from modeltrail.pipelines.parsers.deprecations import page_key
    for vendor, (_, url) in URLS.items():
        assert PAGES_B[page_key(url)][0] == vendor
