"""Table-driven tests for every normalizer, including inputs that must raise clearly."""

from __future__ import annotations

import pytest

from modeltrail.pipelines import identity

from modeltrail.pipelines import normalize
from modeltrail.pipelines.normalize import NormalizeError


@pytest.mark.parametrize("text,expected", [
    ("200K tokens", 200_000), ("200Ktokens", 200_000), ("128000", 128_000), ("128,000", 128_000),
    ("100K", 100_000), ("1M", 1_000_000), ("16,384", 16_384), ("1.5M tokens", 1_500_000),
])
def test_token_count(text, expected):
    assert normalize.token_count(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "0", "-5K", "200 K bytes", "12Q"])
def test_token_count_rejects(text):
    with pytest.raises(NormalizeError, match="token count"):
        normalize.token_count(text)


@pytest.mark.parametrize("text,expected", [
    ("20.0B", 20_000_000_000), ("13000.0B", 13_000_000_000_000), ("405B", 405_000_000_000),
    ("1.5T", 1_500_000_000_000), ("7M", 7_000_000), ("72.7B", 72_700_000_000),
])
def test_scaled_count(text, expected):
    assert normalize.scaled_count(text) == expected


@pytest.mark.parametrize("text", ["-", "20", "B", "0B", "twenty B"])
def test_scaled_count_rejects(text):
    with pytest.raises(NormalizeError):
        normalize.scaled_count(text)


@pytest.mark.parametrize("text,expected", [
    ("$1.1/M", 1.1), ("$1.1/1M tokens", 1.1), ("Input: $1.1/1M tokens", 1.1), ("$0.55/M", 0.55),
    ("$1.1 / 1M tokens", 1.1), ("$4.4/ 1M tokens", 4.4), ("$0.03/1K tokens", 30.0),
    ("USD 2.50 per 1M tokens", 2.5), ("$2.50 per million tokens", 2.5),
])
def test_usd_per_million(text, expected):
    assert normalize.usd_per_million(text) == pytest.approx(expected)


@pytest.mark.parametrize("text,currency", [("€1.1/M", "EUR"), ("¥8/1M tokens", "CNY"), ("£2/M", "GBP")])
def test_non_usd_is_rejected_not_converted(text, currency):
    assert normalize.price_per_million(text)[1] == currency
    with pytest.raises(NormalizeError, match=f"in {currency}, not USD"):
        normalize.usd_per_million(text)


@pytest.mark.parametrize("text", ["1.1/M", "$1.1", "free", "$/M", ""])
def test_price_rejects(text):
    with pytest.raises(NormalizeError):
        normalize.usd_per_million(text)


@pytest.mark.parametrize("text,expected", [
    ("Jan/2025", "2025-01"), ("Dec 20, 2024", "2024-12-20"), ("2025-02-01", "2025-02-01"),
    ("September 2023", "2023-09"), ("November 2025", "2025-11"), ("2025", "2025"), ("2024-09", "2024-09"),
    ("20 December 2024", "2024-12-20"), ("Sept. 2023", "2023-09"),
])
def test_partial_date_keeps_precision(text, expected):
    assert normalize.partial_date(text) == expected


@pytest.mark.parametrize("text", ["2025-02-30", "Smarch 2025", "13/2025", "yesterday", "", "2025-13"])
def test_partial_date_rejects(text):
    with pytest.raises(NormalizeError):
        normalize.partial_date(text)


@pytest.mark.parametrize("text,default,expected", [
    ("80.2%", None, (80.2, "percent")), ("18.4/100", None, (18.4, "index")), ("1650 Elo", None, (1650, "elo")),
    ("77.0", "percent", (77.0, "percent")), ("0.87", "index", (0.87, "index")), ("86%", None, (86, "percent")),
])
def test_score(text, default, expected):
    assert normalize.score(text, default) == expected


@pytest.mark.parametrize("text", ["77.0", "101%", "high", "", "12/5"])
def test_score_rejects(text):
    with pytest.raises(NormalizeError):
        normalize.score(text)


@pytest.mark.parametrize("text,expected", [
    ("'high' thinking", "high"), ("at high reasoning intensity", "high"), ("medium intensity", "medium"),
    ("low effort", "low"), ("at high intensity", "high"),
])
def test_effort(text, expected):
    assert normalize.effort(text) == expected


@pytest.mark.parametrize("text", ["fast", "high and low", ""])
def test_effort_rejects(text):
    with pytest.raises(NormalizeError):
        normalize.effort(text)


@pytest.mark.parametrize("name,key", [
    ("GPQA", "gpqa"), ("GPQA Diamond", "gpqa_diamond"), ("AIME", "aime"), ("AIME 2024", "aime_2024"),
    ("MMLU", "mmlu"), ("MMLU-Pro", "mmlu_pro"), ("τ²-Bench", "tau2_bench"), ("tau2-bench", "tau2_bench"),
    ("HLE", "hle"), ("MATH-500", "math_500"), ("Terminal-Bench Hard", "terminal_bench_hard"),
    ("SWE-bench Verified", "swe_bench_verified"), ("Codeforces", "codeforces"), ("AA-LCR", "aa_lcr"),
    ("Artificial Analysis Intelligence Index", "aa_intelligence_index"),
])
def test_benchmark_registry(name, key):
    assert normalize.benchmark_key(name) == key


@pytest.mark.parametrize("name", ["GPQA Platinum", "MMLU-Redux", "AIME 2031", "My Bench"])
def test_unknown_benchmark_is_not_guessed(name):
    assert normalize.benchmark_key(name) is None


def test_benchmark_registry_names_are_unambiguous():
    seen = {}
    for key, names in normalize.BENCHMARKS.items():
        for n in names:
            slug = normalize.benchmark_slug(n)
            assert seen.setdefault(slug, key) == key, f"{n!r} maps to two keys"


@pytest.mark.parametrize("name,expected", [
    ("o3-mini", ("openai/o3-mini", None)), ("o3 Mini", ("openai/o3-mini", None)),
    ("OpenAI o3-mini", ("openai/o3-mini", None)), ("o3-mini-2025-01-31", ("openai/o3-mini", "2025-01-31")),
    ("Llama 3.1 405B", ("meta/llama-3.1-405b", None)), ("Some New Model", (None, None)),
])
def test_identity(name, expected):
    assert identity.resolve(name) == expected


def test_a_plus_names_another_model():
    """OpenRouter's "Cohere: Command R+ (08-2024)" (id cohere/command-r-plus-08-2024) is not Command R: the
    "+" was dropped with the other punctuation, and the name then matched command-r-08-2024's alias."""
    assert identity.alias_key("Command R+") == ("command-r-plus", None)
    assert identity.alias_key("Cohere: Command R+ (08-2024)")[0] == "cohere-command-r-plus-08-2024"
    assert identity.resolve("cohere/command-r-plus-08-2024", "Cohere: Command R+ (08-2024)") == (None, None)
    # (command-r-08-2024 is a dated snapshot of Command R: the product, with the snapshot as its version)
    assert identity.resolve("cohere/command-r-08-2024", "Cohere: Command R (08-2024)")[0] == "cohere/command-r"
    assert identity.resolve_offering("cohere/command-r-08-2024", "Cohere: Command R (08-2024)")[:2] == \
        ("cohere/command-r", "08-2024")


@pytest.mark.parametrize("words,caps", [
    ("Structured outputs and functions/tools.", {"structured_outputs", "function_calling"}),
    ("supports function calls, structured outputs, developer messages, batch APIs, and streaming output",
     {"function_calling", "structured_outputs", "developer_messages", "batch", "streaming"}),
])
def test_capabilities_in(words, caps):
    assert normalize.capabilities_in(words) == caps


def test_plain_text_skips_its_translations_only_where_they_change_nothing():
    """plain_text's shortcut (a printable text is only stripped) gives what the translations give: every
    character they drop or replace is one str.isprintable() refuses."""
    mapped = {**normalize._CONTROLS, **normalize._BREAKS}
    assert [hex(c) for c in mapped if chr(c).isprintable()] == []
    for text in ("  GPT-4o mini ", "a\u202eb\x1b[31mc", "line\none\ttab\u2028", "ünï cödé\u00a0", ""):
        assert normalize.plain_text(text) == text.translate(normalize._CONTROLS).translate(normalize._BREAKS).strip()
