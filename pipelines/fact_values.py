"""Reading one value where a label put it (modeltrail.pipelines.facts finds the labels): each reader takes the
text right after a label and returns (value, the text read) or None. A reader reads a prefix, so "1M 1M
tokens" is 1M and "August 2025 · Updated April 4, 2026" is August 2025. Units and dates go through
modeltrail.pipelines.normalize, as everywhere.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from modeltrail.pipelines import normalize

_NUM_TOKENS = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?: \d{3})+(?![\d.])|\d+(?:\.\d+)?)(?:\s?([kKmM](?![a-zA-Z])|[kKmM](?=tokens?|tok)))?"
    r"(?:\s*-?\s*(?:tokens?|tok)\b)?")


def _tokens(text: str) -> tuple[int, str] | None:
    m = _NUM_TOKENS.match(text)
    if not m:
        return None
    number, suffix = m.group(1), (m.group(2) or "")
    if not suffix and float(number.replace(",", "").replace(" ", "")) < 512:
        return None  # "Context 2 endpoints", a rank: not a window
    if re.match(r"[\w.%$]", text[m.end():m.end() + 1] or " ") and not suffix:
        return None
    value = normalize.token_count(number.replace(" ", "") + suffix)
    return value, m.group(0).strip()


PER = r"(?:/|per)\s*(?:1\s?)?(?P<scale>mtok|m(?![a-z])|million|k(?![a-z])|thousand)\s*(?:input\s+|output\s+)?(?:tokens?|tok)?"
# "$0.30", "$ 2", "$1.1/1M tokens"; the currency after the number only with its unit: "0.3$ / 1M tokens"
# ("100$0.10" is a credits column glued to a dollar one)
AMOUNT = re.compile(r"(?:\$\s?(?P<a>\d+(?:\.\d+)?)(?:\s*" + PER + r")?|(?P<b>\d+(?:\.\d+)?)\s?\$\s*" + PER.replace("scale", "scale2") + ")",
                     re.I)
UNIT_ONLY = re.compile(r"^\s*" + PER + r"\s*$", re.I)
_PER_MILLION_NOTE = re.compile(r"(?:per|/)\s*(?:1\s?m\b|million|mtok|m\s+tok)|\(\s*1m\s*\)", re.I)
_PER_THOUSAND_NOTE = re.compile(r"(?:per|/)\s*(?:1\s?k\b|thousand)", re.I)


def unit_scale(word: str | None) -> int | None:
    if not word:
        return None
    w = word.lower()
    return 10**6 if w in ("m", "mtok", "million") else 10**3


def line_scale(rest: str) -> int | None:
    """The unit a line states: "... $8.00 output per 1M tokens", "Pricing (per 1M tokens)"."""
    if _PER_MILLION_NOTE.search(rest):
        return 10**6
    if _PER_THOUSAND_NOTE.search(rest):
        return 10**3
    return None


def _price(text: str) -> tuple[tuple[float, int | None], str] | None:
    """"$1.1/1M tokens" -> ((1.1, 10**6), ...); "$2.50" -> ((2.5, None), ...): the unit comes from elsewhere."""
    m = AMOUNT.match(text)
    if not m:
        return None
    after = text[m.end():m.end() + 8].lower()
    if not (m.group("scale") or m.group("scale2")) and re.match(r"\s*(?:/|per)\s*(?:call|request|image|search|second|minute|hour)", after):
        return None  # a price per something else: not a token price
    return (float(m.group("a") or m.group("b")), unit_scale(m.group("scale") or m.group("scale2"))), m.group(0).strip()


_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?!\d)|\d{4}-\d{2}(?![\d-])|\d{1,2}/\d{1,2}/\d{4}"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,\s*\d{4}"
    r"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+\d{4}"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{4}"
    r"|(?:19|20)\d{2}(?![\d,.\-–])", re.I)  # a year alone, not the start of a range "2023–2025"


def _date(text: str) -> tuple[str, str] | None:
    m = _DATE.match(text)
    if not m:
        return None
    raw = re.sub(r"(?i)\bsept\b", "Sep", m.group(0))
    raw = re.sub(r",(?=\d)", ", ", raw)
    try:
        return normalize.partial_date(raw), m.group(0)
    except normalize.NormalizeError:
        return None


_COUNT = re.compile(r"(\d+(?:[.,]\d{1,2})?)\s?(b|billions?|t|trillions?|m|millions?)(?![a-z])", re.I)


def _count(text: str) -> tuple[int, str] | None:
    m = _COUNT.match(text)
    if not m:
        return None
    suffix = m.group(2)[0].upper()
    return normalize.scaled_count(m.group(1).replace(",", ".") + suffix), m.group(0)


_STATUS = re.compile("|".join(sorted((re.escape(w) for w in normalize.STATUS_WORDS), key=len, reverse=True))
                     + r"(?![a-z])", re.I)


def _status(text: str) -> tuple[str, str] | None:
    m = _STATUS.match(text)
    return (normalize.status(m.group(0)), m.group(0)) if m else None


_LICENSE = re.compile(r"MIT(?: License)?|Apache(?:[- ]2\.0| License,? (?:Version )?2\.0)|Proprietary"
                      r"|[A-Z][\w.]*(?: [\w.]+){0,3} Community License(?: Agreement)?|CC[- ]BY(?:-[A-Z]{2})*(?:[- ]\d\.\d)?",
                      re.I)


def _license(text: str) -> tuple[str, str] | None:
    m = _LICENSE.match(text)
    return (m.group(0), m.group(0)) if m else None


READERS: dict[str, Callable[[str], tuple[Any, str] | None]] = {
    "tokens": _tokens, "price": _price, "date": _date, "count": _count, "status": _status, "license": _license,
}
