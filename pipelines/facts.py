"""The label -> value grammar: the facts a page states under a label, whatever its layout.

Model pages of every site state the same facts (context window, max output, prices per million tokens,
release date, knowledge cutoff, parameters, lifecycle) under labels, in a handful of layouts that real
captures mix freely:

    Context Window: 128,000 tokens          label, colon, value              (most docs)
    Context Window 1047576                  label, space, value              (whichllm, qumge, wingman)
    Context400K / Knowledge cutoff2023-09   label glued to its value         (ai-tldr, modelpedia, NVIDIA)
    Context Length                          label alone, value on the next   (aicoach, traictory, zenmux,
    1.0M                                      line, a unit or qualifier line   the 2026 OpenRouter layout)
    | Context Length | 128K |               a `|` table row                  (aitoolrank, trustedrouter)
    128K                                    value before its label           (langmart's header)
    Context
    "... with a 131,072-token context window and 16,384 max output tokens"   a sentence (haimaker, forums)

`read(lines)` finds each field's first statement in the structured layouts, and only then in sentences.
Values go through modeltrail.pipelines.normalize (one place for units: `400k`, `400,000`, `1.05M`, `128 000`,
`$1.1/1M tokens`, `0.3$ / 1M tokens`, `$2.50` + `per MTok`, `Oct 2023`, `5/22/2026`). A price whose unit
(per 1M or per 1K tokens) is stated nowhere near it - on its line, in its label, on the next line or in
the heading of its block - is not read: a price per what is never guessed.

A source with its own words declares them (`VOCABULARY + (Label("context_window", "tokens", ("ctx",)),)`);
the layouts come with the grammar.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from modeltrail.pipelines import normalize
from modeltrail.pipelines.fact_values import AMOUNT, PER, READERS, UNIT_ONLY, line_scale, unit_scale
from modeltrail.pipelines.text import row_cells


@dataclass(frozen=True)
class Label:
    field: str                  # a card field, or "price.<kind>" for a per-million-token price
    kind: str                   # how its value is read: tokens | price | date | count | status | license
    words: tuple[str, ...]      # how pages write the label, lower-case (matched case-insensitively)


VOCABULARY: tuple[Label, ...] = (
    Label("context_window", "tokens", (
        "context window", "context length", "context window size", "context size", "max context",
        "max context window", "maximum context", "context", "input limit", "max input tokens",
        "top provider context", "input context window", "input context", "上下文窗口", "上下文长度", "上下文")),
    Label("max_output_tokens", "tokens", (
        "max output", "max output tokens", "maximum output", "maximum output tokens", "output limit",
        "max completion tokens", "top provider max output", "最大输出", "最大输出长度")),
    Label("price.input", "price", (
        "input", "input price", "input cost", "input tokens", "input (prompt)", "input token price", "prompt",
        "text input", "输入价格", "输入")),
    Label("price.output", "price", (
        "output", "output price", "output cost", "output tokens", "output (completion)", "output token price",
        "completion", "text output", "输出价格", "输出")),
    Label("price.cache_read", "price", (
        "cache read", "cached input", "cache read cost", "cached input price", "cache hit", "缓存命中")),
    Label("release_date", "date", (
        "release date", "released", "release", "launch date", "launched", "发布日期", "发布时间")),
    # an aggregator's "Created" is when it listed the model, not the vendor's release
    Label("listed_date", "date", ("created", "added", "date added", "first tracked")),
    Label("training_cutoff", "date", (
        "knowledge cutoff", "knowledge cutoff date", "training cutoff", "training cutoff date", "knowledge cut-off",
        "training data cutoff", "data cutoff",
        "cutoff", "training data", "training date", "知识截止", "知识截止日期")),
    Label("parameters", "count", ("parameters", "params", "parameter count", "model size", "参数量")),
    Label("status", "status", ("status", "lifecycle", "availability status", "availability")),
    Label("deprecation_date", "date", ("deprecation date", "deprecation", "deprecated on")),
    Label("retirement_date", "date", ("retirement date", "retirement", "shutdown date", "shutdown",
                                      "retired on")),
    Label("license", "license", ("license", "licence")),
)


@dataclass(frozen=True)
class Fact:
    field: str
    value: Any
    raw: str        # the text the value was read from
    line: int       # index of the line it was read on
    how: str        # the layout: glued | row | next line | before | inline | sentence


# --- lines ---------------------------------------------------------------------------------------------

def clean_lines(text: str | list[str]) -> list[str]:
    """Lines without bullets, markdown emphasis or blank lines: what the layouts are matched on."""
    raw = text.splitlines() if isinstance(text, str) else text
    out = []
    for ln in raw:
        ln = unicodedata.normalize("NFKC", ln).replace("\u00a0", " ")
        ln = re.sub(r"\*\*|__|`", "", ln)
        ln = re.sub(r"^\s*(?:[-•·*]|\d+\.)\s+", "", ln).strip()
        ln = "".join(ch for ch in ln if unicodedata.category(ch) not in ("So", "Cs", "Co")).strip()  # emoji icons
        if "|" in ln and len([c for c in ln.split("|") if c.strip()]) == 1:
            ln = ln.replace("|", "").strip()  # one cell of a table row broken across lines: "| Release Date |"
        if ln:
            out.append(ln)
    return out


def _label_pattern(words: tuple[str, ...]) -> str:
    alts = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in alts) + ")"


# a unit written into a label: "Input /1M", "Input Tokens (1M)", "Input (per 1M tokens)", "input per 1m tokens",
# "Input Cost / 1M tokens"
_LABEL_UNIT = r"(?P<unit>\s*\(?\s*(?:(?:per|/)\s*1?\s*(?:m|mtok|million|k)\b\s*(?:tokens?|tok)?|1m|1k)\s*\)?)?"


class _Grammar:
    def __init__(self, vocabulary: tuple[Label, ...]):
        self.labels = vocabulary
        self.start = {lab.field: re.compile(r"^" + _label_pattern(lab.words) + _LABEL_UNIT + r"\s*[:：]?\s*(?P<rest>.*)$", re.I)
                      for lab in vocabulary}
        self.alone = {lab.field: re.compile(r"^" + _label_pattern(lab.words) + _LABEL_UNIT + r"\s*[:：]?$", re.I)
                      for lab in vocabulary}
        self.inline = {lab.field: re.compile(r"(?<![\w-])" + _label_pattern(lab.words) + r"\s*[:：]\s*(?P<rest>.+)$", re.I)
                       for lab in vocabulary}
        self.any_alone = re.compile(r"^(?:" + "|".join(_label_pattern(lab.words) for lab in vocabulary) + ")"
                                    + _LABEL_UNIT + r"\s*[:：]?$", re.I)


_GRAMMARS: dict[tuple[Label, ...], _Grammar] = {}


def _grammar(vocabulary: tuple[Label, ...]) -> _Grammar:
    if vocabulary not in _GRAMMARS:
        _GRAMMARS[vocabulary] = _Grammar(vocabulary)
    return _GRAMMARS[vocabulary]


_HEDGED = re.compile(r"^\W{0,3}(?:rumou?red|estimated|unconfirmed|speculated|reportedly)", re.I)


def _value(kind: str, text: str) -> tuple[Any, str] | None:
    """The value of a kind at the start of `text`; None when there is none, or when the page hedges it
    ("8B (Rumoured)" is not a stated parameter count)."""
    text = text.strip()
    try:
        got = READERS[kind](text)
    except normalize.NormalizeError:
        return None
    if got and _HEDGED.match(text[text.find(got[1]) + len(got[1]):] if got[1] in text else ""):
        return None
    return got


def _heading_scale(lines: list[str], i: int) -> int | None:
    """The unit a block's heading gives its prices: "Pricing per 1M Tokens", "| Type | Price / 1M tokens |"."""
    for ln in reversed(lines[max(0, i - 8):i]):
        if (scale := line_scale(ln)) and not AMOUNT.search(ln):  # a heading, not a line with its own price
            return scale
    return None


def _unit_of(m: re.Match | None) -> int | None:
    unit = (m.group("unit") or "") if m else ""
    if not unit.strip():
        return None
    return 10**3 if re.search(r"(?<![a-z])k(?![a-z])|thousand", unit, re.I) else 10**6


def read(text: str | list[str], vocabulary: tuple[Label, ...] = VOCABULARY) -> dict[str, Fact]:
    """Every field of `vocabulary` the page states, each at its first statement (structured layouts
    first, then sentences)."""
    lines = clean_lines(text)
    g = _grammar(vocabulary)
    facts: dict[str, Fact] = {}
    value_first = _values_come_first(lines, g)
    for lab in vocabulary:
        fact = _structured(lines, lab, g, value_first)
        if fact is None:
            fact = _sentence(lines, lab)
        if fact is not None:
            facts[lab.field] = fact
    return facts


def _finish(lab: Label, got: tuple[Any, str], lines: list[str], i: int, how: str,
            label_unit: int | None = None, next_line: str | None = None) -> Fact | None:
    value, raw = got
    if lab.kind == "price":
        amount, scale = value
        if scale is None:
            scale = label_unit
        if scale is None and next_line is not None and (u := UNIT_ONLY.match(next_line)):
            scale, raw = unit_scale(u.group("scale")), f"{raw} {next_line}"
        if scale is None:
            scale = _heading_scale(lines, i)
        if scale is None:
            return None
        value = round(amount * 10**6 / scale, 9)
    return Fact(lab.field, value, raw, i, how)


def _structured(lines: list[str], lab: Label, g: _Grammar, value_first: bool) -> Fact | None:
    start, alone = g.start[lab.field], g.alone[lab.field]
    for i, ln in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if "|" in ln:  # a table row: | label | value |, or cells side by side: "byOpenAI|Created Aug 7, 2025"
            cells = [c for c in row_cells(ln) if c]
            if len(cells) >= 2 and (m := alone.match(cells[0])) and (got := _value(lab.kind, cells[1])):
                if fact := _finish(lab, got, lines, i, "row", _unit_of(m)):
                    return fact
            for cell in cells:
                if (m := start.match(cell)) and m.group("rest") and (got := _value(lab.kind, m.group("rest"))):
                    if fact := _finish(lab, got, lines, i, "glued", _unit_of(m)):
                        return fact
            continue
        if m := alone.match(ln):
            ahead = lines[i + 1:i + 3]
            before = lines[i - 1] if i else None
            prev_value = before is not None and not g.any_alone.match(before) and _value(lab.kind, before)
            if value_first and prev_value:
                if fact := _finish(lab, prev_value, lines, i, "before", _unit_of(m)):
                    return fact
            for k, cand in enumerate(ahead):  # the value on the next line; one short qualifier ("Avg") skipped
                if g.any_alone.match(cand) and k == 0:
                    break
                if got := _value(lab.kind, cand):
                    after = lines[i + 2 + k] if i + 2 + k < len(lines) else None
                    if fact := _finish(lab, got, lines, i + 1 + k, "next line", _unit_of(m), after):
                        return fact
                    break
                if len(cand) > 12 or re.search(r"\d", cand):
                    break
            if prev_value and (fact := _finish(lab, prev_value, lines, i, "before", _unit_of(m))):
                return fact
            continue
        if (m := start.match(ln)) and m.group("rest") and (got := _value(lab.kind, m.group("rest"))):
            if fact := _finish(lab, got, lines, i, "glued", _unit_of(m), nxt):
                return fact
        for m in g.inline[lab.field].finditer(ln):  # "... Context window: 200,000 tokens Max output: ..."
            if m.start() and not _QUALIFIED.search(ln[:m.start()]) and (got := _value(lab.kind, m.group("rest"))):
                if fact := _finish(lab, got, lines, i, "inline"):
                    return fact
    return None


# a word before a label that makes it another fact: "Image output price" is not the output price
_QUALIFIED = re.compile(r"(?:image|audio|video|batch|cached?|reasoning|search|embedding)\s*$", re.I)


def _values_come_first(lines: list[str], g: _Grammar) -> bool:
    """Does this page print values before their labels ("128K" / "Context")? Decided once per page, by
    the labels that have a value of their kind only before them."""
    before = after = 0
    kinds = {lab.field: lab.kind for lab in g.labels}
    for i, ln in enumerate(lines):
        for field, pat in g.alone.items():
            if pat.match(ln):
                prev = i and not g.any_alone.match(lines[i - 1]) and _value(kinds[field], lines[i - 1])
                nxt = i + 1 < len(lines) and _value(kinds[field], lines[i + 1])
                before += bool(prev and not nxt)
                after += bool(nxt and not prev)
                break
    return before > after


# --- sentences -----------------------------------------------------------------------------------------

_N = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s?[kKmM]?)"
_SENTENCES: dict[str, list[re.Pattern]] = {
    "context_window": [
        re.compile(_N + r"[- ]tokens?\s+(?:context|window)", re.I),
        re.compile(r"context\s+(?:window|length)\s+(?:of|is)\s+(?:up\s+to\s+)?" + _N + r"\s*tokens", re.I),
        re.compile(r"context\s+window\s+(?:size\s+)?(?:of\s+)?" + _N + r"(?=\s*tokens|\s*[;,.])", re.I),
    ],
    "max_output_tokens": [
        re.compile(_N + r"\s+max(?:imum)?\s+output\s+tokens", re.I),
        re.compile(r"max(?:imum)?\s+output\s+(?:of\s+)?" + _N + r"(?:\s*tokens|(?=[;,.]))", re.I),
        re.compile(r"up\s+to\s+" + _N + r"\s+output\s+tokens", re.I),
    ],
    "deprecation_date": [re.compile(r"(?:will\s+be\s+)?deprecated\s+on\s+(?P<d>.+)", re.I),
                         re.compile(r"deprecation\s+date\s*:?\s*(?P<d>.+)", re.I)],
    "retirement_date": [re.compile(r"(?:will\s+be\s+)?(?:retired|shut\s+down|removed)\s+on\s+(?P<d>.+)", re.I),
                        re.compile(r"retirement(?:\s+date)?\s*:?\s*(?P<d>\d.+)", re.I)],
    "training_cutoff": [re.compile(r"knowledge\s+cutoff(?:\s+for\s+[^.]{0,40}?)?\s+(?:is|of)\s+(?P<d>.+)", re.I),
                        re.compile(r"cutoff\s+date\s+(?:of\s+)?(?P<d>.+)", re.I),
                        re.compile(r"(?:trained\s+on\s+)?data\s+up\s+to\s+(?P<d>.+)", re.I)],
    "license": [re.compile(r"under\s+the\s+(?:[\w-]+\s+){0,2}?(?P<d>Apache\s+2\.0|MIT)\s+licen[cs]e", re.I)],
    "status": [re.compile(r"\bis\s+(?:now\s+)?(retired|deprecated)\.", re.I)],
    "release_date": [re.compile(r"\breleased\s+(?:on\s+)?(?P<d>.+)", re.I),
                     re.compile(r"\blaunched\s+(?:publicly\s+)?on\s+(?P<d>.+)", re.I)],
    "parameters": [re.compile(r"(\d+(?:\.\d+)?\s?B)[- ]parameters?\b", re.I),
                   re.compile(r"\bhas\s+(\d+(?:\.\d+)?\s?B)\s+parameters\b", re.I)],
}
# prices in a sentence: "$0.40/1M input and $0.40/1M output tokens", "$2.00 input / $8.00 output per 1M
# tokens", "$1.25 / 1M input, $2.50 / 1M output", "input $1.25/M tokens, output $2.50/M tokens"
_PRICE_BEFORE = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(?:(?:/|per)\s*(?:1\s?)?(?P<scale>mtok|m(?![a-z])|million|k(?![a-z])|thousand))?"
                           r"\s*(?:of\s+)?(input|output|in|out)\b", re.I)
_PRICE_AFTER = re.compile(r"\b(input|output)\s+\$\s?(\d+(?:\.\d+)?)\s*(?:" + PER + ")", re.I)


_SENTENCE_PRICE_WORDS = {"price.input": ("input", "in"), "price.output": ("output", "out")}


def _sentence(lines: list[str], lab: Label) -> Fact | None:
    for i, ln in enumerate(lines):
        if lab.field in _SENTENCE_PRICE_WORDS:
            want = lab.field.split(".")[1]
            for m in _PRICE_BEFORE.finditer(ln):
                if m.group(m.lastindex).lower() in _SENTENCE_PRICE_WORDS[lab.field]:
                    scale = unit_scale(m.group("scale")) or line_scale(ln[m.end():])
                    if scale:
                        return Fact(lab.field, round(float(m.group(1)) * 10**6 / scale, 9), m.group(0), i, "sentence")
            for m in _PRICE_AFTER.finditer(ln):
                if m.group(1).lower() == want:
                    return Fact(lab.field, round(float(m.group(2)) * 10**6 / unit_scale(m.group("scale")), 9),
                                m.group(0), i, "sentence")
        for pattern in _SENTENCES.get(lab.field, ()):
            for m in pattern.finditer(ln):
                raw = m.group("d") if "d" in pattern.groupindex else m.group(1)
                if got := _value(lab.kind, raw):
                    return Fact(lab.field, got[0], m.group(0)[:80], i, "sentence")
    return None
