"""Every conversion from a page's wording to a record's value lives here, and only here.

Each function takes the text a source printed and returns a canonical value, or raises NormalizeError
saying what it could not read. None of them guesses: an unknown unit, currency or benchmark name is an
error or an explicit "unknown", never a silent default.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation


class NormalizeError(ValueError):
    """A value that could not be read; the message quotes it."""


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise NormalizeError(f"expected text, got {type(text).__name__}")
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


#: controls a page's text may carry that are never part of a name or an id (C0 but tab and line breaks,
#: DEL, C1, the bidi overrides): a page's ESC sequence must not reach a terminal through a card
_CONTROLS = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0),
                               0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
_BREAKS = {0x09: " ", 0x0A: " ", 0x0D: " ", 0x2028: " ", 0x2029: " "}


def plain_text(value: str) -> str:
    """A text field as a card keeps it: control characters dropped, line breaks and tabs made spaces,
    the ends stripped (nothing else changes)."""
    if value.isprintable():  # (none of them is printable: the usual text, without the two translations)
        return value.strip()
    return value.translate(_CONTROLS).translate(_BREAKS).strip()


# --- quantities --------------------------------------------------------------------------------------

_SCALE = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}
_QTY_RE = re.compile(
    r"^(?:[a-z ]+:\s*)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([kmbt]?)\s*(?:tokens?)?$", re.I
)


def token_count(text: str) -> int:
    """"200K tokens", "200Ktokens", "128000", "128,000", "100K", "1M" -> an integer count of tokens."""
    t = _clean(text)
    m = _QTY_RE.match(t)
    if not m:
        raise NormalizeError(f"not a token count: {text!r}")
    number = float(m.group(1).replace(",", ""))
    value = round(number * _SCALE[m.group(2).lower()])
    if value <= 0:
        raise NormalizeError(f"token count must be positive: {text!r}")
    return value


def scaled_count(text: str) -> int:
    """Parameter or training-token counts: "20.0B", "13000.0B", "405B", "1.5T", "7M" -> integer."""
    t = _clean(text).replace(" ", "")
    m = re.match(r"^(\d+(?:\.\d+)?)([KMBT])(?:params|parameters|tokens)?$", t, re.I)
    if not m:
        raise NormalizeError(f"not a count with a K/M/B/T suffix: {text!r}")
    value = round(float(m.group(1)) * _SCALE[m.group(2).lower()])
    if value <= 0:
        raise NormalizeError(f"count must be positive: {text!r}")
    return value


# --- money -------------------------------------------------------------------------------------------

_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
             "¥": "CNY", "cny": "CNY", "rmb": "CNY", "元": "CNY", "₹": "INR", "inr": "INR"}
_PRICE_RE = re.compile(
    r"^(?:(?P<label>[a-z][a-z ]*?)\s*:\s*)?"
    r"(?P<cur>us\$|\$|€|£|¥|₹|usd|eur|gbp|cny|rmb|inr)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<cur2>usd|eur|gbp|cny|rmb|inr|元)?"
    r"\s*(?:/|per)\s*(?P<per>\d+(?:\.\d+)?)?\s*(?P<scale>[km]|million|thousand)?\s*(?:tokens?)?$",
    re.I,
)


def price_per_million(text: str) -> tuple[float, str]:
    """"$1.1/M", "$1.1/1M tokens", "Input: $1.1/1M tokens", "$1.1 / 1M tokens", "$0.03/1K" ->
    (price in currency units per million tokens, ISO currency code)."""
    t = _clean(text)
    m = _PRICE_RE.match(t)
    if not m or not (m.group("cur") or m.group("cur2")):
        raise NormalizeError(f"not a per-token price with a currency: {text!r}")
    currency = _CURRENCY[(m.group("cur") or m.group("cur2")).lower()]
    scale = (m.group("scale") or "").lower()
    if scale in ("m", "million"):
        per = 10**6
    elif scale in ("k", "thousand"):
        per = 10**3
    else:
        raise NormalizeError(f"price does not say per how many tokens (K or M): {text!r}")
    per *= float(m.group("per") or 1)
    value = float(m.group("num")) * 10**6 / per
    return round(value, 6), currency


def usd_per_million(text: str) -> float:
    """Like price_per_million, but refuses any currency other than USD rather than converting it."""
    value, currency = price_per_million(text)
    if currency != "USD":
        raise NormalizeError(f"price is in {currency}, not USD (not converted): {text!r}")
    return value


def _decimal(text: str | int | float) -> Decimal:
    """A plain decimal number as a source printed it ("0.0000011", "0", "1e-7"); never via float."""
    raw = text if isinstance(text, str) else repr(text)
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        raise NormalizeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise NormalizeError(f"not a finite number: {text!r}")
    if value < 0:
        raise NormalizeError(f"negative price: {text!r}")
    return value


def usd_per_token_as_per_million(text: str | int | float) -> float:
    """A USD price per token as a decimal string -> USD per million tokens, exactly: "0.0000011" -> 1.1
    (decimal arithmetic, so no float drift such as 1.0999999999999999)."""
    return float(_decimal(text) * 1_000_000)


def usd_amount(text: str | int | float) -> float:
    """A USD amount as a decimal string ("0.005") -> float, read exactly."""
    return float(_decimal(text))


# --- dates -------------------------------------------------------------------------------------------

def epoch_date(seconds: int | float) -> str:
    """Unix seconds -> the UTC day, "YYYY-MM-DD"."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise NormalizeError(f"not a Unix time: {seconds!r}")
    try:
        return datetime.fromtimestamp(seconds, timezone.utc).date().isoformat()
    except (OverflowError, OSError, ValueError):
        raise NormalizeError(f"not a Unix time: {seconds!r}") from None


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def _month(word: str) -> int:
    key = word[:3].lower()
    if key not in _MONTHS:
        raise NormalizeError(f"not a month name: {word!r}")
    return _MONTHS[key]


def partial_date(text: str) -> str:
    """A date at the precision the source gave: "Jan/2025" -> "2025-01", "Dec 20, 2024" -> "2024-12-20",
    "2025-02-01" -> "2025-02-01", "September 2023" -> "2023-09", "2025" -> "2025"."""
    t = _clean(text).rstrip(".")
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?", t):
        y, mo, d = map(int, m.groups())
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", t):
        y, mo, d = int(m.group(1)), int(m.group(2)), None
    elif m := re.fullmatch(r"([A-Za-z]+)\.?\s*[/ ]\s*(\d{4})", t):
        y, mo, d = int(m.group(2)), _month(m.group(1)), None
    elif m := re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", t):
        y, mo, d = int(m.group(3)), _month(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})", t):
        y, mo, d = int(m.group(3)), _month(m.group(2)), int(m.group(1))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        # US order (month/day), read only when the day is unmistakable or both agree: "5/22/2026";
        # "07/08/2025" could be either and is refused, never guessed
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 or (b <= 12 and a != b):
            raise NormalizeError(f"date is not unmistakably month/day/year: {text!r}")
        y, mo, d = int(m.group(3)), a, b
    elif m := re.fullmatch(r"(\d{4})", t):
        return m.group(1)
    else:
        raise NormalizeError(f"not a date: {text!r}")
    if not 1 <= mo <= 12 or not 1900 <= y <= 2200:
        raise NormalizeError(f"date out of range: {text!r}")
    if d is None:
        return f"{y:04d}-{mo:02d}"
    import datetime as _dt
    try:
        _dt.date(y, mo, d)
    except ValueError as exc:
        raise NormalizeError(f"not a calendar date: {text!r}") from exc
    return f"{y:04d}-{mo:02d}-{d:02d}"


# --- lifecycle ---------------------------------------------------------------------------------------

#: lifecycle words pages print -> records.Status. "legacy" is not here: vendors use it for models still
#: served and not deprecated (OpenAI), and for a stage before deprecation (Azure) - not one status.
STATUS_WORDS = {
    "active": "active", "current": "active", "generally available": "active", "generallyavailable": "active",
    "ga": "active", "stable": "active", "available": "active",
    "preview": "preview", "public preview": "preview", "private preview": "preview", "beta": "preview",
    "experimental": "preview",
    "deprecated": "deprecated", "deprecating": "deprecated",
    "retired": "retired", "shut down": "retired", "shutdown": "retired", "removed": "retired",
}


def status(word: str) -> str:
    """A lifecycle word -> "active" | "preview" | "deprecated" | "retired"."""
    key = _clean(word).lower().strip(" .")
    if key not in STATUS_WORDS:
        raise NormalizeError(f"not a known lifecycle status: {word!r}")
    return STATUS_WORDS[key]


# --- scores ------------------------------------------------------------------------------------------

def score(text: str, default_unit: str | None = None) -> tuple[float, str]:
    """"80.2%" -> (80.2, "percent"); "18.4/100" -> (18.4, "index"); "1650 Elo" -> (1650, "elo");
    a bare "77.0" takes default_unit, and without one it is an error (percent or not is not guessed)."""
    t = _clean(text).replace(" ", "")
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)%", t):
        value, unit = float(m.group(1)), "percent"
    elif m := re.fullmatch(r"(\d+(?:\.\d+)?)/100", t):
        value, unit = float(m.group(1)), "index"
    elif m := re.fullmatch(r"(\d+(?:\.\d+)?)(?:elo|eloscore|elorating)", t, re.I):
        value, unit = float(m.group(1)), "elo"
    elif m := re.fullmatch(r"-?\d+(?:\.\d+)?", t):
        if default_unit is None:
            raise NormalizeError(f"score has no unit and none is implied: {text!r}")
        value, unit = float(t), default_unit
    else:
        raise NormalizeError(f"not a score: {text!r}")
    if unit == "percent" and value > 100:
        raise NormalizeError(f"percent over 100: {text!r}")
    return value, unit


_EFFORTS = ("minimal", "low", "medium", "high", "xhigh")


def effort(text: str) -> str:
    """Reasoning-effort qualifiers: "'high' thinking", "at high reasoning intensity", "medium intensity",
    "high effort" -> "high"."""
    t = _clean(text).lower()
    found = [e for e in _EFFORTS if re.search(rf"(?<![a-z]){e}(?![a-z])", t)]
    if len(found) != 1:
        raise NormalizeError(f"no single reasoning effort in {text!r}")
    return found[0]


# --- benchmarks --------------------------------------------------------------------------------------

#: canonical key -> names sources use for it. Names are compared after benchmark_slug(). A name that is
#: a different benchmark (GPQA vs GPQA Diamond, AIME vs AIME 2024, MMLU vs MMLU-Pro) gets its own key.
BENCHMARKS: dict[str, tuple[str, ...]] = {
    "mmlu": ("MMLU",),
    "mmlu_pro": ("MMLU-Pro", "MMLU Pro"),
    "gpqa": ("GPQA",),
    "gpqa_diamond": ("GPQA Diamond", "GPQA-Diamond"),
    "hle": ("HLE", "Humanity's Last Exam", "Humanitys Last Exam"),
    "aime": ("AIME",),
    "aime_2024": ("AIME 2024", "AIME24"),
    "aime_2025": ("AIME 2025", "AIME25"),
    "math_500": ("MATH-500", "MATH500", "MATH 500"),
    "livecodebench": ("LiveCodeBench", "Live Code Bench"),
    "scicode": ("SciCode",),
    "terminal_bench_hard": ("Terminal-Bench Hard", "Terminal Bench Hard", "TerminalBench Hard"),
    "ifbench": ("IFBench", "IF Bench"),
    "aa_lcr": ("AA-LCR", "AA LCR"),
    "tau2_bench": ("τ²-Bench", "tau2-bench", "Tau2 Bench", "tau^2-bench", "τ2-Bench"),
    "aa_intelligence_index": ("Artificial Analysis Intelligence Index",),
    "aa_coding_index": ("Artificial Analysis Coding Index",),
    "codeforces": ("Codeforces", "Codeforces Elo"),
    "swe_bench_verified": ("SWE-bench Verified", "SWE bench Verified"),
    "humaneval": ("HumanEval", "Human Eval"),
    "frontiermath": ("FrontierMath", "Frontier Math"),
    "azure_quality_index": ("Quality Index",),
    "alscore": ("ALScore",),
    "alprompt_2025h1": ("ALPrompt 2025H1",),
    "strongreject": ("StrongREJECT",),
}


def benchmark_slug(name: str) -> str:
    t = _clean(name).lower().replace("²", "2").replace("τ", "tau").replace("^", "")
    return re.sub(r"[^a-z0-9]+", "", t)


_BENCH_INDEX = {benchmark_slug(n): key for key, names in BENCHMARKS.items() for n in names}


def benchmark_key(name: str) -> str | None:
    """The canonical key for a reported benchmark name, or None when the registry does not know it
    (the caller keeps the reported name; unknown names are listed, never guessed)."""
    return _BENCH_INDEX.get(benchmark_slug(name))


_NAMES_LONGEST_FIRST = sorted({n for names in BENCHMARKS.values() for n in names}, key=len, reverse=True)


def benchmark_in(text: str) -> str | None:
    """The canonical key of a benchmark name, or of the one registry name a longer label contains
    ("Goodness@0.1 StrongREJECT jailbreak eval" -> strongreject); None when not exactly one is found."""
    if key := benchmark_key(text):
        return key
    found = {_BENCH_INDEX[benchmark_slug(n)] for n in _NAMES_LONGEST_FIRST
             if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)}
    return found.pop() if len(found) == 1 else None


def benchmark_named_in(sentence: str) -> str | None:
    """The longest registry name written in a sentence ("AIME 2024" before "AIME"), as written."""
    for name in _NAMES_LONGEST_FIRST:
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence):
            return name
    return None


# --- capabilities and modalities ---------------------------------------------------------------------

#: wording seen on pages -> capability in records.CAPABILITIES. Matched as whole words, case-insensitive.
CAPABILITY_WORDS: dict[str, str] = {
    "function calling": "function_calling", "function calls": "function_calling",
    "function call": "function_calling", "function_call": "function_calling",
    "functions/tools": "function_calling", "tools": "function_calling",
    "structured outputs": "structured_outputs", "structured output": "structured_outputs",
    "reasoning": "reasoning", "thinking": "reasoning",
    "streaming": "streaming", "streaming output": "streaming",
    "vision": "vision", "image analysis": "vision",
    "batch apis": "batch", "batch api": "batch", "batch": "batch",
    "developer messages": "developer_messages", "developer message": "developer_messages",
    "system message": "system_messages", "system messages": "system_messages",
    "search functionality": "web_search", "web search": "web_search",
    "coding": "coding", "multilingual": "multilingual", "fine-tuning": "fine_tuning",
}


def capability(word: str) -> str:
    key = _clean(word).lower()
    if key not in CAPABILITY_WORDS:
        raise NormalizeError(f"not a known capability: {word!r}")
    return CAPABILITY_WORDS[key]


_CAPABILITY_RE = [(w, re.compile(rf"(?<![a-z]){re.escape(w)}(?![a-z])"), cap) for w, cap in CAPABILITY_WORDS.items()]


def capabilities_in(text: str) -> set[str]:
    """Every capability whose wording occurs in a sentence (as whole words)."""
    t = _clean(text).lower()
    return {cap for words, pattern, cap in _CAPABILITY_RE if words in t and pattern.search(t)}


_MODALITY = {"text": "text", "image": "image", "images": "image", "audio": "audio", "video": "video",
             "file": "file", "files": "file", "pdf": "file"}


def modality(word: str) -> str:
    key = _clean(word).lower()
    if key not in _MODALITY:
        raise NormalizeError(f"not a known modality: {word!r}")
    return _MODALITY[key]


def architecture(word: str) -> str:
    key = _clean(word).lower()
    table = {"dense": "dense", "moe": "moe", "mixture of experts": "moe", "mixture-of-experts": "moe"}
    if key not in table:
        raise NormalizeError(f"not a known architecture: {word!r}")
    return table[key]


def slug(text: str) -> str:
    """A lowercase id fragment: "o3 Mini" -> "o3-mini"."""
    t = unicodedata.normalize("NFKD", _clean(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9.]+", "-", t).strip("-.")


# --- catalog files (LiteLLM) ---------------------------------------------------------------------------

def unpadded_date(text: str) -> str:
    """An ISO day whose month and day may lack their zero ("2025-1-6", as LiteLLM writes some) ->
    "2025-01-06"; any other date as partial_date reads it."""
    if m := re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", text):
        return partial_date(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
    return partial_date(text)


def whole_count(value: str | int | float | Decimal) -> int:
    """A count a source writes as a number of any shape (8192, 1e6, 1000000.0, "8192") -> int, exactly;
    a fraction, a negative number or a word is refused."""
    if isinstance(value, bool):
        raise NormalizeError(f"not a count: {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise NormalizeError(f"not a count: {value!r}") from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise NormalizeError(f"not a whole count: {value!r}")
    return int(number)
