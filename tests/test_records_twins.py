"""Records validated through their fast validators (pipelines/twins.py) accept and refuse exactly what the
records' own validators do, with the same values and the same errors; cards' fingerprints do not move."""

from __future__ import annotations

import enum
import gzip
import json
import sys
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import SchemaValidator

from modeltrail.pipelines import records as r
from modeltrail.pipelines.records import NO_CONTROL, Benchmark, ModelCard, Price, ProviderFacts
from modeltrail.pipelines.sources import get
from modeltrail.pipelines.fingerprints import fingerprint
from tests.conftest import CAPTURES, OPENROUTER_DAYS
from tests.fixtures import cases, page_file

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
RECORDS = (Price, Benchmark, ModelCard, ProviderFacts)


class NoOffset(tzinfo):
    """A time zone that knows no offset (tzinfo set, utcoffset None)."""

    def utcoffset(self, dt):
        return None


class Size(enum.IntEnum):
    BIG = 128000


class Text(str):
    pass


class Real(float):
    pass


#: values a page (or a file of cards) can put anywhere: numbers of every kind, text of every kind, dates
HOSTILE = [
    None, 0, 1, -1, 5.0, 5.5, True, False, "5", "5.5", b"5", Decimal("5"), Decimal("5.5"), Fraction(1, 2),
    Size.BIG, Real(2.5), 10**30, 2**63, 2**63 - 1, 10**10, 10**10 + 1, 1e-10, 1e-9, -0.0, 0.0, float("nan"),
    float("inf"), -float("inf"), 1e6, 1e6 + 1, 100.0, 100.5, -1e9, -1e9 - 1, [], {},
    "", "ok", "o3-mini", "a\x00b", "\x1b[31m", "x" * 1000, "x" * 1001, "h" * 4096, "h" * 4097, "a\u202eb",
    "a\x85", "a\x7f", "a\u2028b", "\u200e", "é ü 中", Text("sub"), "\ud800", "input", "percent", "elo",
    "1M tokens", "request", "2024", "2024-01", "2024-12-31", "2024-13", "2024-02-30", "\u0662\u0660\u0662\u0664",
    "2024\n", "2024-1", "20245", "gpqa_diamond", "vision", "text", "high", "name",
    WHEN, datetime(2026, 1, 1), datetime(2026, 1, 1, tzinfo=NoOffset()),
    datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=5))), "2026-01-01T00:00:00Z", "2026-01-01T00:00:00",
    1767225600, date(2026, 1, 1),
]

BASE = {
    Price: {"kind": "input", "usd_per_million_tokens": 1.5},
    Benchmark: {"benchmark": "mmlu", "reported_name": "MMLU", "value": 50.5, "unit": "percent"},
    ModelCard: {"source": "azure", "source_model_id": "org01/model-000001", "model_id": None, "name": "Model 1",
                "organization": "org01", "url": "https://ai.azure.com/models/org01/model-000001",
                "version": "v2", "status": "active", "release_date": "2024-01-01", "deprecation_date": None,
                "context_window": 128000, "max_output_tokens": 16384, "training_cutoff": "2024-03",
                "parameters": 2_500_000_000, "license": "apache-2.0", "fetched_at": WHEN,
                "page_sha256": "ab" * 32, "parser_version": "peers-1"},
    ProviderFacts: {"source": "modelsdev", "provider": "acme", "url": "https://models.dev/api.json",
                    "fetched_at": WHEN, "page_sha256": "cd" * 32},
}


def outcome(make, data):
    """What a validation gives: the record's JSON, each value's type and the fields set, or its errors."""
    try:
        rec = make(data)
    except ValidationError as exc:
        return "refused", str(exc), repr(exc.errors(include_url=False))
    return ("accepted", rec.model_dump_json(), repr({k: type(v) for k, v in rec.__dict__.items()}),
            sorted(rec.model_fields_set), type(rec))


def full(cls):
    """The record's own validator alone, as records validated before their fast validators."""
    return lambda data: cls.__pydantic_validator__.validate_python(data)


def assert_same(cls, data):
    before = outcome(full(cls), data)
    assert outcome(lambda d: cls(**d), data) == before
    assert outcome(cls.model_validate, data) == before
    fast = outcome(cls.__pydantic_fast__.validator.validate_python, data)
    if fast[0] == "accepted":  # what the fast one accepts, the full one accepts, the same
        assert fast == before
    return before[0]


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_every_field_takes_and_refuses_what_it_did(cls):
    """Each field given each hostile value (alone, and in a list for list fields): the same record or the
    same error, through the constructor and model_validate."""
    seen = set()
    for name, field in cls.model_fields.items():
        for value in HOSTILE:
            is_list = "list" in str(field.annotation)
            for v in ([value], [value, value], value) if is_list else (value,):
                seen.add(assert_same(cls, {**BASE[cls], name: v}))
        seen.add(assert_same(cls, {k: v for k, v in BASE[cls].items() if k != name}))  # missing
    assert seen == {"accepted", "refused"}


def test_records_inside_a_card_are_judged_as_before():
    """Prices and scores given to a card as records, as dicts, or as records whose values were changed
    without validation (model_copy): the card's checks of them run as before."""
    good_b, good_p = Benchmark(**BASE[Benchmark]), Price(**BASE[Price])
    for prices, benchmarks in [
        ([good_p], [good_b]),
        ([dict(BASE[Price])], [dict(BASE[Benchmark])]),
        ([{"kind": "request", "usd_per_million_tokens": 1.0}], []),
        ([], [{**BASE[Benchmark], "value": 101}]),
        ([], [good_b.model_copy(update={"value": 500.0})]),  # a percent past 100, never validated
        ([good_p.model_copy(update={"usd_per_million_tokens": None})], []),
        ([good_p, {**BASE[Price], "tier": "a\x1bb"}], [good_b, {**BASE[Benchmark], "value": True}]),
        ([{**BASE[Price], "usd_per_million_tokens": 5e-10}], [{**BASE[Benchmark], "unit": "elo", "value": -1}]),
    ]:
        assert_same(ModelCard, {**BASE[ModelCard], "prices": prices, "benchmarks": benchmarks})
    for record in (good_b.model_copy(update={"value": 500.0}), good_p.model_copy(update={"unit": "image"}), good_b):
        cls = type(record)
        assert outcome(cls.model_validate, record) == outcome(full(cls), record)  # (a record given as it is)
    card = ModelCard(**BASE[ModelCard], prices=[good_p], benchmarks=[good_b])
    assert card.prices[0] is good_p and card.benchmarks[0] is good_b  # (the records themselves, as before)


def test_a_scores_unit_and_value_together():
    """The rule on a score's value by its unit (percent 0..100, Elo not negative), every unit x value."""
    numbers = [v for v in HOSTILE if isinstance(v, (int, float, Decimal, Fraction)) or v is None]
    numbers += [0, 100, 100.0, 100.0000001, -0.0, -1e-300, 1e9, 1e9 + 1, 50]
    for unit in ("percent", "elo", "index", "score", "PERCENT", None, 5):
        for value in numbers:
            assert_same(Benchmark, {**BASE[Benchmark], "unit": unit, "value": value})


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                    st.sampled_from(HOSTILE), st.datetimes(timezones=st.none() | st.just(timezone.utc)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_values_any_fields(data):
    cls = data.draw(st.sampled_from(RECORDS))
    names = data.draw(st.lists(st.sampled_from(sorted(cls.model_fields)), max_size=4, unique=True))
    values = {n: data.draw(st.one_of(SCALARS, st.lists(SCALARS, max_size=3))) for n in names}
    assert_same(cls, {**BASE[cls], **values})


def test_the_control_character_pattern_is_the_validators_set():
    """pydantic-core's pattern refuses a text exactly when the validator's regex finds a character in it,
    over every code point (a lone surrogate, which pydantic-core cannot read as text, goes the long way)."""
    fast = SchemaValidator({"type": "str", "pattern": NO_CONTROL})
    differ = []
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        text = f"ab{chr(cp)}c"
        try:
            fast.validate_python(text)
            ok = True
        except ValidationError:
            ok = False
        if ok != (r.CONTROL_RE.search(text) is None):
            differ.append(hex(cp))
    assert differ == []


def test_the_fast_validators_call_python_only_for_the_records_rules():
    """Every text, number, bound and date check is pydantic-core's own in the fast validators (a pydantic
    upgrade that changes the schema's shape would quietly put them back in Python). Left in Python: the
    records' rules, the lists' order and vocabularies, and the fetch time's zone (cheaper as it is)."""
    def functions(node, out):
        if isinstance(node, dict):
            fn = node.get("function")
            if isinstance(fn, dict) and "function" in fn:
                out.add(getattr(fn["function"], "__name__", repr(fn["function"])))
            for k, v in node.items():
                if k not in ("metadata", "cls", "function"):
                    functions(v, out)
        elif isinstance(node, (list, tuple)):
            for v in node:
                functions(v, out)
        return out

    from modeltrail.pipelines.twins import fast_schema
    rules = {"_range", "_one_amount", "_closed_capabilities", "_modalities", "_sorted_set", "_sorted",
             "_card_fields", "_aware"}
    for cls in RECORDS:
        assert cls.__pydantic_fast__ is not None
        assert functions(fast_schema(cls.__pydantic_core_schema__, top=True), set()) <= rules, cls.__name__
    # a score made from its values: no Python at all (its rule is checked per unit); in a card, where it
    # may be a record already, its rule is called on it
    assert functions(fast_schema(Benchmark.__pydantic_core_schema__, top=True), set()) == set()
    assert "_range" in functions(fast_schema(ModelCard.__pydantic_core_schema__, top=True), set())
    # and the workload's card is validated in that one pass
    ModelCard.__pydantic_fast__.validator.validate_python(
        {**BASE[ModelCard], "prices": [Price(**BASE[Price])], "benchmarks": [Benchmark(**BASE[Benchmark])]})


def test_assignment_is_judged_by_the_records_validators():
    card = ModelCard(**BASE[ModelCard])
    with pytest.raises(ValidationError, match="control character U\\+0000 at position 1"):
        card.name = "a\x00"
    with pytest.raises(ValidationError, match="a number is needed, not bool True"):
        card.context_window = True
    card.context_window = 5.0
    assert card.context_window == 5 and type(card.context_window) is int


#: catalogs with thousands of cards each (their prices of every kind, their dates, their lists)
CATALOGS = {
    "litellm": (CAPTURES / "raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
                "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"),
    "modelsdev": (CAPTURES / "models.dev/api.json", "https://models.dev/api.json"),
    "openrouter": (OPENROUTER_DAYS / "2026-03-31.json.gz", "https://openrouter.ai/api/v1/models"),
}


def _cards():
    """Every golden fixture's cards, and the cards of three catalogs' pages."""
    out = []
    for case in cases():
        meta = json.loads((case / "meta.json").read_text())
        parsed = get(case.parent.name).parser.parse(page_file(case).read_bytes(), meta["url"],
                                                    datetime.fromisoformat(meta["fetched_at"]))
        out += [(case.name, c) for c in parsed.cards]
    for source, (path, url) in CATALOGS.items():
        body = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        out += [(source, c) for c in get(source).parser.parse(body, url, WHEN).cards]
    return out


def test_fingerprints_of_cards_do_not_move(monkeypatch):
    """The cards of the golden fixtures and of three catalogs, parsed with the fast validators and without
    them (the records' own validators only, as before): the same JSON byte for byte, the same fingerprint
    the warehouse stores, equal records."""
    new = _cards()
    for cls in RECORDS:
        monkeypatch.setattr(cls, "__pydantic_fast__", None)
    old = _cards()
    assert len(new) == len(old) > 3000
    for (case, a), (_, b) in zip(new, old):
        assert a.model_dump_json() == b.model_dump_json(), case
        assert fingerprint(a) == fingerprint(b), case
        assert a == b, case
