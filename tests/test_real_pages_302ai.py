"""302.AI's real model pages (../shared/pages/302.ai_*.txt), which live at /product/detail/<slug>:
expectations written by reading the pages. And the source crawls that layout."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from modeltrail.flows import steps
from modeltrail.spiders import replay
from modeltrail.pipelines.parsers import ai302
from tests.conftest import CAPTURES, SHARED

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
SCORES = {("AIME 2024", "high", 83.6), ("AIME 2024", "medium", 76.2), ("GPQA Diamond", "high", 77.0),
          ("GPQA Diamond", "medium", 71.5), ("Codeforces", "high", 2073.0), ("Codeforces", "medium", 1950.0),
          ("SWE-bench Verified", "high", 48.9), ("SWE-bench Verified", "medium", 42.3)}


def excerpts(name):
    head, _, body = (SHARED / "pages" / f"302.ai_{name}.txt").read_text().partition("\n\n")
    return head.removeprefix("URL: ").strip(), body.split("\n----\n")


@pytest.mark.parametrize("n", [0, 1])
def test_the_dated_model_page(n):
    url, texts = excerpts("openai-o3-mini-2025-01-31")
    (card,) = ai302.parse(texts[n].encode(), url, NOW, "text/plain").cards
    assert (card.source_model_id, card.model_id, card.version) == ("o3-mini-2025-01-31", "openai/o3-mini", "2025-01-31")
    assert card.organization == "OpenAI" and card.reasoning_efforts == ["low", "medium", "high"]
    assert {"function_calling", "structured_outputs", "developer_messages", "batch", "streaming",
            "reasoning", "web_search"} <= set(card.capabilities)
    assert SCORES <= {(b.reported_name, b.setting, b.value) for b in card.benchmarks}
    if n == 0:  # the header with the listing date and 302.AI's own prices
        assert card.release_date == "2025-02-01"
        assert {(p.kind, p.usd_per_million_tokens, p.tier) for p in card.prices} == {("input", 1.1, None),
                                                                                      ("output", 4.4, None)}
    else:  # the capture without the header
        assert card.release_date is None and card.prices == []


def test_the_undated_model_page():
    url, (text,) = excerpts("openai-o3-mini")
    (card,) = ai302.parse(text.encode(), url, NOW, "text/plain").cards
    assert (card.source_model_id, card.model_id, card.version) == ("o3-mini", "openai/o3-mini", None)
    assert SCORES <= {(b.reported_name, b.setting, b.value) for b in card.benchmarks}


@pytest.mark.slow
def test_the_crawl_follows_the_listing_to_product_detail_pages(tmp_path):
    assert ai302.is_card_url("https://302.ai/product/detail/openai-o3-mini-2025-01-31")
    assert not ai302.is_card_url("https://302.ai/product/")
    with replay.serve(CAPTURES) as base:
        out = steps.crawl("302ai", tmp_path / "302", replay=base, timeout=120)
    assert sorted(p.url for p in out.pages) == ["https://302.ai/models/",
                                                "https://302.ai/product/detail/openai-o3-mini-2025-01-31"]
    load = steps.build_load("302ai", out, None)
    assert load.status == "complete", load.reasons
    (card,) = load.cards
    assert card.source_model_id == "o3-mini-2025-01-31"
    assert card.url == "https://302.ai/product/detail/openai-o3-mini-2025-01-31"
