"""Property tests: arbitrary text never crashes a normalizer or a parser with anything but the project's
own clear errors, and the round trips that should hold do."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from modeltrail.pipelines import normalize as n
from modeltrail.pipelines import text as textmod
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.sources import SOURCES
from tests.conftest import CAPTURES

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text that looks like what pages hold: digits, units, currency, punctuation, and anything at all
PAGEISH = st.one_of(
    st.text(),
    st.lists(st.sampled_from(list("0123456789.,$€¥/:%-KMBTkmbt ") + ["tokens", "per", "M", "Elo", "Jan",
                                                                     "2025", "high", "\u00a0", "GPQA"]),
             max_size=12).map("".join),
)

NORMALIZERS = [n.token_count, n.scaled_count, n.price_per_million, n.usd_per_million, n.partial_date, n.score,
               n.effort, n.benchmark_key, n.benchmark_in, n.benchmark_named_in, n.capability, n.capabilities_in,
               n.modality, n.architecture, n.slug, n.benchmark_slug]


@pytest.mark.parametrize("fn", NORMALIZERS, ids=lambda f: f.__name__)
@PROFILE
@given(text=PAGEISH)
def test_normalizers_return_or_raise_normalize_error(fn, text):
    try:
        fn(text)
    except n.NormalizeError as exc:
        assert str(exc)  # a message, quoting the value


@PROFILE
@given(value=st.integers(min_value=1, max_value=10**13))
def test_token_count_round_trips(value):
    assert n.token_count(str(value)) == value
    assert n.token_count(f"{value:,}") == value
    assert n.token_count(f"{value} tokens") == value


@PROFILE
@given(k=st.integers(min_value=1, max_value=10**6), suffix=st.sampled_from(["K", "k", "M", "B"]))
def test_token_count_with_a_suffix_is_exact(k, suffix):
    assert n.token_count(f"{k}{suffix}") == k * {"k": 10**3, "m": 10**6, "b": 10**9}[suffix.lower()]


@PROFILE
@given(cents=st.integers(min_value=0, max_value=10**7), per=st.sampled_from(["M", "1M tokens", "1K"]))
def test_a_dollar_price_round_trips(cents, per):
    dollars = cents / 100
    expected = dollars * (1000 if per == "1K" else 1)
    assert n.usd_per_million(f"${dollars}/{per}") == pytest.approx(expected, rel=1e-9, abs=1e-6)


@PROFILE
@given(d=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_dates_round_trip_at_every_precision(d):
    assert n.partial_date(d.isoformat()) == d.isoformat()
    assert n.partial_date(d.strftime("%B %d, %Y")) == d.isoformat()
    assert n.partial_date(d.strftime("%b/%Y")) == d.isoformat()[:7]
    assert n.partial_date(str(d.year)) == str(d.year)


@PROFILE
@given(text=PAGEISH)
def test_a_normalized_date_normalizes_to_itself(text):
    try:
        once = n.partial_date(text)
    except n.NormalizeError:
        return
    assert n.partial_date(once) == once


@PROFILE
@given(text=st.text())
def test_slug_is_idempotent(text):
    try:
        once = n.slug(text)
    except n.NormalizeError:
        return
    assert n.slug(once) == once


@PROFILE
@given(x=st.decimals(min_value=0, max_value=100, places=1))
def test_a_percent_score_round_trips(x):
    assert n.score(f"{x}%") == (float(x), "percent")


# --- decoding and parsers ------------------------------------------------------------------------------

@PROFILE
@given(body=st.binary(max_size=4000), declared=st.sampled_from([None, "utf-8", "latin-1", "bogus-charset"]))
def test_decode_never_fails(body, declared):
    assert isinstance(textmod.decode(body, declared), str)


@PROFILE
@given(html=st.text(max_size=3000))
def test_html_lines_never_fail(html):
    assert isinstance(textmod.html_lines(html), list)


def _parse(source, body, content_type, url="https://example.org/models/x"):
    parsed = SOURCES[source].parser.parse(body, url, WHEN, content_type)
    for problem in parsed.problems:
        assert isinstance(problem, InvalidValue) and problem.source == source
    return parsed


@pytest.mark.parametrize("source", list(SOURCES))
@PROFILE
@given(body=st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(str.encode)),
       ctype=st.sampled_from(["text/html; charset=utf-8", "text/plain", None]))
def test_parsers_take_any_bytes(source, body, ctype):
    _parse(source, body, ctype)


CAPTURE_FILES = {
    "azure": "ai.azure.com/catalog/models/o3-mini",
    "tokenhub": "www.tokenhub.link/models/o3-mini",
    "302ai": "302.ai/product/detail/openai-o3-mini-2025-01-31",
    "openai": "platform.openai.com/docs/models/o3-mini",
    "leaderboard": "raw.githubusercontent.com/AIComputing101/llm-leaderboard/main/models/openai/o3-mini.md",
    "openrouter": "openrouter.ai/api/v1/models",
    "modelsdev": "models.dev/api.json",
    "litellm": "raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
    "deprecations": "developers.openai.com/api/docs/deprecations.md",
}


@pytest.mark.parametrize("source", list(SOURCES))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parsers_survive_a_real_page_cut_and_spliced(source, data):
    """A real capture, truncated and with a random slice replaced by junk: a card or problems, no crash."""
    page = (CAPTURES / CAPTURE_FILES[source]).read_bytes()
    cut = data.draw(st.integers(min_value=0, max_value=len(page)))
    start = data.draw(st.integers(min_value=0, max_value=cut))
    junk = data.draw(st.binary(max_size=200))
    mangled = page[:start] + junk + page[start + len(junk):cut]
    assume(mangled)
    parsed = _parse(source, mangled, "text/html; charset=utf-8", url="https://" + CAPTURE_FILES[source])
    for card in parsed.cards:
        assert card.source == source and card.name


# --- the fast line extraction (XSLT) against the reference walk ----------------------------------------

_TAGS = ["p", "div", "span", "b", "li", "ul", "h2", "br", "a", "td", "tr", "table", "script", "style", "dd", "dt"]
_WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).map(
    lambda s: s.replace("<", "").replace("&", ""))


@st.composite
def html_trees(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            parts.append(f"<{tag}>{draw(html_trees(depth=depth + 1))}</{tag}>")
        else:
            parts.append(draw(_WORDS))
    return "".join(parts)


@PROFILE
@given(body=html_trees())
@example(body="\ue000")  # the transform's line marker in the page's own text (an icon font's glyph): CI found it
@example(body="<td>a\ue001b</td>")
def test_html_lines_equal_the_reference_walk(body):
    page = f"<html><head><title>t</title></head><body>{body}</body></html>"
    assert textmod.html_lines(page) == textmod._html_lines_walk(page)


def test_html_lines_equal_the_reference_walk_on_every_bundled_page():
    pages = [p for p in CAPTURES.rglob("*") if p.is_file()]
    pages += list((CAPTURES.parent / "tests" / "fixtures").rglob("page.*"))
    checked = 0
    for p in pages:
        page = textmod.repair_mojibake(textmod.decode(p.read_bytes()))
        if page.lstrip().startswith("<") and textmod.looks_like_html(page):  # (not the JSON beside them)
            assert textmod.html_lines(page) == textmod._html_lines_walk(page), p
            checked += 1
    assert checked >= 15
