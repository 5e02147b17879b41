"""The openrouter source: its parser on real responses of the API (../shared/data/openrouter/), the
drift between days, exact prices, and a replay crawl of the bundled capture."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from modeltrail.flows import steps
from modeltrail.spiders import replay
from modeltrail.pipelines.parsers import openrouter
from tests.conftest import CAPTURES, OPENROUTER_DAYS

URL = "https://openrouter.ai/api/v1/models"
WHEN = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)


def day(name: str) -> bytes:
    return gzip.decompress((OPENROUTER_DAYS / name).read_bytes())


def days() -> list[str]:
    with open(OPENROUTER_DAYS / "index.tsv") as fh:
        return [r["file"] for r in csv.DictReader(fh, delimiter="\t")]


def parse(body: bytes | str):
    return openrouter.parse(body, URL, WHEN, "application/json")


def card_of(parsed, smid):
    (card,) = [c for c in parsed.cards if c.source_model_id == smid]
    return card


def prices(card):
    return {p.kind: (p.usd_per_million_tokens if p.unit == "1M tokens" else (p.usd_per_unit, p.unit),
                     p.variable) for p in card.prices}


def test_gpt_4o_mini_on_the_last_day():
    # expectations read from the response of 2026-03-31 (openai/gpt-4o-mini's entry)
    parsed = parse(day("2026-03-31.json.gz"))
    c = card_of(parsed, "openai/gpt-4o-mini")
    assert c.name == "OpenAI: GPT-4o-mini" and c.organization == "openai"
    assert c.model_id == "openai/gpt-4o-mini"
    assert c.context_window == 128000 and c.max_output_tokens == 16384
    assert c.input_modalities == ["file", "image", "text"] and c.output_modalities == ["text"]
    assert c.capabilities == ["function_calling", "structured_outputs", "web_search"]
    assert c.training_cutoff == "2023-10-31"
    assert c.listed_date == "2024-07-18" and c.release_date is None  # created = listed by OpenRouter
    assert c.status is None and c.retirement_date is None
    assert prices(c) == {"input": (0.15, False), "output": (0.6, False), "cache_read": (0.075, False)}


@pytest.mark.slow
def test_every_card_of_every_day_matches_its_response():
    """All 36 real days: one card per id, context and every price exactly as published."""
    for name in days():
        raw = json.loads(day(name))["data"]
        parsed = parse(day(name))
        assert parsed.problems == [], (name, parsed.problems[:3])
        cards = {c.source_model_id: c for c in parsed.cards}
        assert sorted(cards) == sorted(m["id"] for m in raw), name
        for m in raw:
            c = cards[m["id"]]
            assert c.context_window == m["context_length"]
            assert c.max_output_tokens == m["top_provider"]["max_completion_tokens"]
            assert c.hugging_face_id == (m["hugging_face_id"] or None)
            assert c.retirement_date == m.get("expiration_date")
            assert c.status == ("deprecated" if m.get("expiration_date") else None)
            got = {p.kind: p for p in c.prices}
            for key, kind in openrouter.PRICE_KINDS.items():
                value = m["pricing"].get(key)
                if value is None:
                    assert kind not in got
                elif value == "-1":
                    assert got[kind].variable and got[kind].usd_per_million_tokens is None
                elif key in openrouter.PER_UNIT:
                    assert got[kind].unit != "1M tokens" and got[kind].usd_per_million_tokens is None
                    assert got[kind].usd_per_unit == float(Decimal(value))
                else:
                    assert got[kind].unit == "1M tokens" and got[kind].usd_per_unit is None
                    assert got[kind].usd_per_million_tokens == float(Decimal(value) * 1_000_000)


def entry(**over):
    base = {"id": "acme/model-1", "name": "Acme: Model 1", "created": 1735689600, "context_length": 1000,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "pricing": {"prompt": "0.0000011", "completion": "0.0000044"},
            "top_provider": {"context_length": 1000, "max_completion_tokens": 100},
            "supported_parameters": ["tools", "reasoning"]}
    base.update(over)
    return base


def page(*entries):
    return json.dumps({"data": list(entries)})


def test_prices_are_exact_and_units_are_kept():
    parsed = parse(page(entry(pricing={
        "prompt": "0.0000011", "completion": "0", "input_cache_read": "0.000000075",
        "input_cache_write": "0.0000003833", "internal_reasoning": "0.00001",
        "request": "0.005", "image": "0.001238", "web_search": "0.01", "audio": "0.000032"})))
    (c,) = parsed.cards
    assert prices(c) == {
        "input": (1.1, False), "output": (0.0, False), "cache_read": (0.075, False),
        "cache_write": (0.3833, False), "reasoning": (10.0, False),
        "request": ((0.005, "request"), False), "image": ((0.001238, "image"), False),
        "web_search": ((0.01, "search"), False), "audio": ((0.000032, "unit"), False)}


def test_minus_one_is_a_variable_price_not_an_error():
    parsed = parse(page(entry(id="openrouter/auto", pricing={"prompt": "-1", "completion": "-1"})))
    (c,) = parsed.cards
    assert parsed.problems == []
    assert {p.kind: (p.variable, p.usd_per_million_tokens) for p in c.prices} == {
        "input": (True, None), "output": (True, None)}


def test_expiration_is_a_stated_retirement_and_capabilities_come_from_parameters():
    (c,) = parse(page(entry(expiration_date="2026-04-06", knowledge_cutoff="2025-01-31",
                            hugging_face_id="acme/Model-1"))).cards
    assert (c.status, c.retirement_date, c.deprecation_date) == ("deprecated", "2026-04-06", None)
    assert c.training_cutoff == "2025-01-31" and c.hugging_face_id == "acme/Model-1"
    assert c.capabilities == ["function_calling", "reasoning"]
    assert c.listed_date == "2025-01-01"


def test_unknown_keys_are_noted_with_their_card_counts_never_a_problem():
    parsed = parse(page(entry(id="a/one", moderation={"x": 1}, pricing={"prompt": "0", "completion": "0",
                                                                         "discount": "0.1"}),
                        entry(id="a/two", moderation=None)))
    assert len(parsed.cards) == 2 and parsed.problems == []
    assert parsed.notes == ["upstream keys not read: moderation (2 cards), pricing.discount (1 card)"]


def test_a_bad_field_is_a_named_problem_and_the_rest_of_the_card_survives():
    parsed = parse(page(entry(id="a/bad", context_length="lots", architecture="text->text"),
                        entry(id="a/good"), {"name": "no id"}, "not an object"))
    assert sorted(c.source_model_id for c in parsed.cards) == ["a/bad", "a/good"]
    bad = card_of(parsed, "a/bad")
    assert bad.context_window is None and bad.input_modalities == [] and bad.max_output_tokens == 100
    fields = [p.field for p in parsed.problems]
    assert "a/bad: context_length" in fields and "a/bad: architecture" in fields
    assert "data[2]: id" in fields and "data[3]" in fields


def test_not_the_model_list_gives_no_card_and_says_why():
    for body in (b"<html>blocked</html>", b'{"error": "rate limited"}', b"[1, 2]"):
        parsed = parse(body)
        assert parsed.cards == [] and len(parsed.problems) == 1, body


def test_free_and_extended_variants_map_to_the_same_model():
    parsed = parse(page(entry(id="openai/gpt-4o"), entry(id="openai/gpt-4o:extended"),
                        entry(id="openai/o3-mini"), entry(id="openai/gpt-oss-120b:free")))
    ids = {c.source_model_id: c.model_id for c in parsed.cards}
    assert ids["openai/gpt-4o"] == ids["openai/gpt-4o:extended"] == "openai/gpt-4o"
    assert ids["openai/o3-mini"] == "openai/o3-mini"


def test_a_mapped_key_vanishing_from_every_card_makes_the_run_partial():
    from modeltrail.warehouse.db import PageRecord

    def load(body: bytes, last):
        p = PageRecord(url=URL, fetched_at=WHEN, status=200, page_kind="card", sha256="x", body=body,
                       content_type="application/json")
        out = steps.CrawlOutput("openrouter", pages=[p], stats={"finish_reason": "finished"})
        return steps.build_load("openrouter", out, last)

    raw = json.loads(day("2026-03-31.json.gz"))
    first = load(json.dumps(raw).encode(), None)
    assert first.status == "complete", first.reasons
    for m in raw["data"]:
        m.pop("context_length")
        m["brand_new_key"] = 1
    second = load(json.dumps(raw).encode(), {"cards": len(first.cards), "coverage": first.coverage})
    assert second.status == "partial"
    assert any("context_window is missing on every card" in r for r in second.reasons), second.reasons
    assert any("brand_new_key (348 cards)" in n for n in second.notes)


def test_replay_crawl_of_the_bundled_capture(tmp_path):
    with replay.serve(CAPTURES) as base:
        out = steps.crawl("openrouter", tmp_path / "or", replay=base, timeout=120)
    assert [p.url for p in out.pages] == [URL] and out.pages[0].ok
    load = steps.build_load("openrouter", out, None)
    assert load.status == "complete", load.reasons
    capture = json.loads((CAPTURES / "openrouter.ai/api/v1/models").read_text())["data"]
    assert sorted(c.source_model_id for c in load.cards) == sorted(m["id"] for m in capture)
    assert all(c.url == URL for c in load.cards)
