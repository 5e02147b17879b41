"""Facts pages state in sentences, found in a page's text (the azure parser reads them where a page has
no fact block). Each finder returns the value as printed, for the normalizers of
modeltrail.pipelines.normalize, or None: finding is here, converting stays there.
"""

from __future__ import annotations

import re

# Model pages state specs in sentences as often as in fact blocks: "supports 128K token context length",
# "with a context length of 128K tokens", "is a 3.8 billion-parameter … model", "Number of Parameters:
# 3,6 billions", "trained … with a June 2024 data cutoff". A sentence about a family ("two sizes — 8B and
# 70B parameters", "fewer than 13 billion parameters") states nothing about one model and is not read.

_PROSE_CONTEXT = [
    re.compile(r"\bsupports?\s+(?:up\s+to\s+)?(\d[\d.,]*\s*[kKmM])\s+(?:tokens?\s+)?context\s+(?:length|window)"),
    re.compile(r"\bcontext\s+(?:length|window)\s+of\s+(?:up\s+to\s+)?(\d[\d.,]*\s*[kKmM]?)\s+tokens\b"),
]
_PROSE_PARAMS = [
    re.compile(r"\b(?:is\s+an?|has|with)\s+(\d+(?:[.,]\d+)?)\s*(B|billion)[\s-]+param", re.I),
    re.compile(r"\bNumber\s+of\s+Parameters:\s*(\d+(?:[.,]\d+)?)\s*(B|billions?)\b", re.I),
]
_PROSE_CUTOFF = re.compile(r"\b(?:an?|the)\s+((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{4})"
                           r"\s+(?:data\s+)?cut-?off\b", re.I)


def lines_with(text: str, *words: str) -> str:
    """Only the lines of `text` that contain one of `words` (lower case): a long page's patterns then
    run over a few lines, not over all of it."""
    low = text.lower()
    if len(low) != len(text):  # (a character whose lower case is longer: positions would not match)
        return "\n".join(ln for ln in text.splitlines() if any(w in ln.lower() for w in words))
    spans = set()
    for w in words:
        i = low.find(w)
        while i >= 0:
            start, end = text.rfind("\n", 0, i) + 1, text.find("\n", i)
            end = len(text) if end < 0 else end
            spans.add((start, end))
            i = low.find(w, end)
    return "\n".join(text[a:b] for a, b in sorted(spans))


def context_in_prose(text: str) -> str | None:
    """The context window a sentence states for this model ("supports 128K token context length")."""
    text = lines_with(text, "context")
    for pattern in _PROSE_CONTEXT if text else ():
        if m := pattern.search(text):
            return m.group(1)
    return None


def parameters_in_prose(text: str) -> str | None:
    """A parameter count a sentence states ("with 3.8B parameters", "a 3.8 billion-parameter",
    "Number of Parameters: 3,6 billions"), as "3.8B" for scaled_count; a decimal comma is read."""
    text = lines_with(text, "param")
    for pattern in _PROSE_PARAMS if text else ():
        if m := pattern.search(text):
            return m.group(1).replace(",", ".") + "B"
    return None


def cutoff_in_prose(text: str) -> str | None:
    """A training-data cutoff a sentence states ("with a June 2024 data cutoff")."""
    text = lines_with(text, "cutoff", "cut-off")
    m = _PROSE_CUTOFF.search(text) if text else None
    return m.group(1) if m else None
