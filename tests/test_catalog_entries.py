"""A catalog page parsed entry by entry (pipelines/parsers/catalog.py): the JSON text of each entry as
on the page, and a memo that re-parses between two snapshots only the entries whose text changed, while
the page's parse comes out exactly as a whole parse of it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from modeltrail.pipelines.parsers import litellm, modelsdev, openrouter
from modeltrail.pipelines.parsers.catalog import EntryMemo, read_json

URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
T1 = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
T2 = datetime(2025, 3, 2, 12, tzinfo=timezone.utc)

BEFORE = b"""{
  "sample_spec": {"max_tokens": "set to max_output_tokens if provider specifies it"},
  "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
             "output_cost_per_token": 1e-05, "max_input_tokens": 128000},
  "gone-1": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06},
  "kept": {"litellm_provider": "anthropic", "mode": "chat", "max_tokens": 1e6, "odd_key": 1},
  "last_updated": "2025-03-01"
}"""
AFTER = b"""{
  "sample_spec": {"max_tokens": "set to max_output_tokens if provider specifies it"},
  "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2e-06,
             "output_cost_per_token": 1e-05, "max_input_tokens": 128000},
  "kept": {"litellm_provider": "anthropic", "mode": "chat", "max_tokens": 1e6, "odd_key": 1},
  "new-1": {"litellm_provider": "mistral", "mode": "embedding", "input_cost_per_token": 1e-07},
  "last_updated": "2025-03-02"
}"""


def view(parsed):
    return ([c.model_dump() for c in parsed.cards], [(p.url, p.field, str(p)) for p in parsed.problems],
            parsed.notes, [p.model_dump() for p in parsed.providers])


@pytest.fixture
def counted(monkeypatch):
    """The keys litellm's entry parse was asked for, in order."""
    asked: list = []
    real = litellm.CATALOG.parse_entry

    def parse_entry(entry, *args):
        asked.append(entry.key)
        return real(entry, *args)
    monkeypatch.setattr(litellm, "CATALOG", litellm.CATALOG.__class__(litellm.CATALOG.split, parse_entry,
                                                                      litellm.CATALOG.finish))
    return asked


def test_only_a_changed_or_added_entry_is_parsed_again_and_a_removed_one_is_dropped(counted):
    memo = EntryMemo()
    first = litellm.CATALOG.parse(BEFORE, URL, T1, memo)
    assert counted == ["gpt-4o", "gone-1", "kept"] and (memo.parsed, memo.reused) == (3, 0)
    counted.clear()
    second = litellm.CATALOG.parse(AFTER, URL, T2, memo)
    assert counted == ["gpt-4o", "new-1"]  # gpt-4o's price moved, new-1 is new; "kept" is the same text
    assert (memo.parsed, memo.reused) == (2, 1)
    assert [c.source_model_id for c in second.cards] == ["gpt-4o", "kept", "new-1"]  # gone-1 dropped
    # exactly what a whole parse of the second page gives, the reused card with the second page's provenance
    assert view(second) == view(litellm.parse(AFTER, URL, T2))
    kept = {c.source_model_id: c for c in second.cards}["kept"]
    assert (kept.fetched_at, kept.page_sha256) == (T2, second.cards[0].page_sha256)
    assert kept.page_sha256 != first.cards[0].page_sha256
    assert second.notes == ["top-level keys that are not models, skipped: last_updated (str)",
                            "upstream keys not read: odd_key (1 card)"]
    counted.clear()
    third = litellm.CATALOG.parse(BEFORE, URL, T2, memo)  # gone-1 is back: parsed again (the memo keeps one page)
    assert counted == ["gpt-4o", "gone-1"] and view(third) == view(litellm.parse(BEFORE, URL, T2))


def test_another_url_reuses_nothing(counted):
    memo = EntryMemo()
    litellm.CATALOG.parse(BEFORE, URL, T1, memo)
    counted.clear()
    parsed = litellm.CATALOG.parse(BEFORE, URL + "?mirror", T2, memo)
    assert counted == ["gpt-4o", "gone-1", "kept"]
    assert {c.url for c in parsed.cards} == {URL + "?mirror"}


def test_derived_values_are_handed_on_with_reused_cards_only():
    memo = EntryMemo(derive=lambda card: card.source_model_id.upper())
    litellm.CATALOG.parse(BEFORE, URL, T1, memo)
    second = litellm.CATALOG.parse(AFTER, URL, T2, memo)
    assert {c.source_model_id: memo.derived(c) for c in second.cards} == {"gpt-4o": None, "kept": "KEPT",
                                                                          "new-1": None}


def test_read_json_keeps_each_entry_text_as_on_the_page_and_reads_as_json_loads():
    data = read_json(AFTER)
    assert data == json.loads(AFTER)
    assert data.raws["kept"] == '{"litellm_provider": "anthropic", "mode": "chat", "max_tokens": 1e6, "odd_key": 1}'
    assert data.raws["last_updated"] == '"2025-03-02"'
    listing = b'{"data": [ {"id": "a/b", "name": "B"} ,{"id":"c"}], "data2": 1}'
    data = read_json(listing, spans=("data",), spanned=list)
    assert data["data"].raws == ['{"id": "a/b", "name": "B"}', '{"id":"c"}']
    nested = b'{"p": {"id": "p", "models": {"m": {"name": "M"}, "n": {}}}, "q": {"models": {}}}'
    data = read_json(nested, spans=("*", "models"))
    assert data["p"]["models"].raws == {"m": '{"name": "M"}', "n": "{}"} and data["q"]["models"].raws == {}


@pytest.mark.parametrize("body", [b"", b"{", b'{"a": 1,}', b'{"a": 1} x', b"[1, 2]", "\ufeff{}", b"\xff\xfe",
                                  b'{"a": "\x01"}', b'{"a": NaN, "b": [1e400]}'])
def test_read_json_gives_what_json_loads_gives_or_its_error(body):
    try:
        want = json.loads(body)
    except ValueError as exc:
        with pytest.raises(type(exc)) as got:
            read_json(body)
        assert str(got.value) == str(exc)
    else:
        assert repr(read_json(body)) == repr(want)


@pytest.mark.parametrize("parser, body", [
    (openrouter, b'{"data": [{"id": "a/x", "name": "X", "pricing": {"prompt": "0.000001"}},'
                 b' {"id": "a/x", "name": "again"}, {"name": "no id"}]}'),
    (modelsdev, b'{"openai": {"id": "openai", "models": {"gpt-4o": {"name": "GPT-4o", "cost": {"input": 2.5}},'
                b' "gpt-4o": {"name": "GPT-4o twice"}}}, "x": {"models": {"m": {"name": 3}}}}'),
])
def test_other_catalogs_with_a_memo_parse_as_a_whole_parse(parser, body):
    memo = EntryMemo()
    assert view(parser.CATALOG.parse(body, "u", T1, memo)) == view(parser.parse(body, "u", T1))
    again = parser.CATALOG.parse(body, "u", T2, memo)
    assert memo.parsed == 0 and memo.reused > 0
    assert view(again) == view(parser.parse(body, "u", T2))
