"""A draft validates the prices and scores offered to it with its card, in one pass (parsers/base.py:
Draft.offer): the same cards, problems and notes as when each is made at once, as parsers did before."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modeltrail.pipelines.fingerprints import fingerprint
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.records import Benchmark, Price
from modeltrail.pipelines.sources import get
from tests.fixtures import cases, page_file
from tests.test_records_twins import CATALOGS

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _parses():
    """What every golden fixture's page and three catalogs' pages parse into: cards, problems, notes."""
    out = []
    for case in cases():
        meta = json.loads((case / "meta.json").read_text())
        out.append((case.name, get(case.parent.name).parser.parse(
            page_file(case).read_bytes(), meta["url"], datetime.fromisoformat(meta["fetched_at"]))))
    for source, (path, url) in CATALOGS.items():
        body = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        out.append((source, get(source).parser.parse(body, url, WHEN)))
    return out


def test_real_pages_parse_the_same_in_one_pass(monkeypatch):
    one_pass = _parses()
    monkeypatch.setattr(Draft, "ONE_PASS", False)
    at_once = _parses()
    assert sum(len(p.cards) for _, p in one_pass) > 3000
    assert sum(len(p.problems) for _, p in one_pass) > 0
    for (case, a), (_, b) in zip(one_pass, at_once):
        assert [c.model_dump_json() for c in a.cards] == [c.model_dump_json() for c in b.cards], case
        assert [c.model_fields_set for c in a.cards] == [c.model_fields_set for c in b.cards], case
        assert [fingerprint(c) for c in a.cards] == [fingerprint(c) for c in b.cards], case
        assert [(p.field, str(p)) for p in a.problems] == [(p.field, str(p)) for p in b.problems], case
        assert a.notes == b.notes, case


# --- any sequence of offers: valid or not, under the same key or not, problems between them ------------

_AMOUNTS = st.sampled_from([0.0, 1.5, 2e6, 5e-12, -1.0, float("nan"), "3"])
_SCORES = st.sampled_from([55.5, 101.0, -3.0, 0.0, 1e12])
_NAMES = st.sampled_from(["MMLU", "GPQA", "Bad\x1bName", "x" * 1200])
_STEPS = st.lists(st.one_of(
    st.tuples(st.just("price"), st.sampled_from(["input", "output", "nonsense"]), st.sampled_from([None, "batch"]),
              _AMOUNTS, st.booleans()),
    st.tuples(st.just("bench"), _NAMES, st.sampled_from([None, "high"]), _SCORES,
              st.sampled_from(["percent", "elo", "lux"])),
    st.tuples(st.just("problem"), st.sampled_from(["a", "b"])),
    st.tuples(st.just("field"), st.sampled_from(["context_window", "release_date"]),
              st.sampled_from([128000, -5, "2025-01", "Jan 2025", "Model\x1b X", ""])),
    st.tuples(st.just("field"), st.just("name"), st.sampled_from(["Model\x1b X", "", "N" * 1200])),
), max_size=12)


def _draft(steps, one_pass: bool):
    Draft.ONE_PASS = one_pass
    try:
        d = Draft("azure", "https://ai.azure.com/x", WHEN, "0" * 64, "t")
        d.values.update(source_model_id="m", name="M")
        for step in steps:
            if step[0] == "price":
                _, kind, tier, amount, first = step
                d.offer(Price, (kind, tier), {"kind": kind, "tier": tier, "usd_per_million_tokens": amount},
                        f"prices.{kind}", first=first)
            elif step[0] == "bench":
                _, name, setting, value, unit = step
                d.offer(Benchmark, (name, setting), {"benchmark": None, "setting": setting, "value": value,
                                                     "unit": unit, "reported_name": name},
                        f"benchmarks.{name}", first=True)
            elif step[0] == "problem":
                d.problem(step[1], "noticed")
            else:
                d.values[step[1]] = step[2]
        card = d.build()
        return (card.model_dump_json() if card else None, card.model_fields_set if card else None,
                [(p.field, str(p)) for p in d.problems])
    finally:
        Draft.ONE_PASS = True


@settings(max_examples=300, deadline=None)
@given(_STEPS)
def test_any_offers_give_the_same_card_and_problems(steps):
    assert _draft(steps, True) == _draft(steps, False)


def test_a_failed_offer_is_named_where_it_was_offered():
    d = Draft("azure", "https://ai.azure.com/x", WHEN, "0" * 64, "t")
    d.values.update(source_model_id="m", name="M")
    d.problem("before", "noticed")
    d.offer(Price, ("input", None), {"kind": "input", "usd_per_million_tokens": 2e6}, "prices.input")
    d.problem("after", "noticed")
    d.offer(Price, ("output", None), {"kind": "output", "usd_per_million_tokens": 4.0}, "prices.output")
    card = d.build()
    assert [p.kind for p in card.prices] == ["output"]
    assert [p.field for p in d.problems] == ["before", "prices.input", "after"]
    assert "less than or equal to 1000000" in str(d.problems[1])


@pytest.mark.parametrize("first", [True, False])
def test_an_offer_under_a_key_held_keeps_the_first_or_the_last(first):
    d = Draft("azure", "https://ai.azure.com/x", WHEN, "0" * 64, "t")
    d.values.update(source_model_id="m", name="M")
    for amount in (1.0, 2.0):
        d.offer(Price, ("input", None), {"kind": "input", "usd_per_million_tokens": amount}, "prices.input",
                first=first)
    assert [p.usd_per_million_tokens for p in d.build().prices] == [1.0 if first else 2.0]
