"""Reading the cells of lifecycle tables the part-B vendors print (on top of common.py's tables):
the one model id of a row's model cell, and the replacements a cell recommends."""

from __future__ import annotations

import re

from modeltrail.pipelines.parsers.deprecations.common import plain, tables

#: what a cell may carry after its id: a footnote mark ("textembedding-gecko@003\\*"), a link arrow
_TRAIL = re.compile(r"(?:\\?\*|†|‡|↗|\s)+$")


def row_id(cell: str) -> str:
    """The model id (or name) of a model cell, as the vendor writes it, without footnote marks."""
    return _TRAIL.sub("", plain(cell.replace("\\*", "*")))


def replacements(cell: str) -> list[str]:
    """The replacements one cell recommends: "a or b", "a, b", each as written ("Gemini 3.5 Flash-Lite
    or Gemini 3.1 Flash-Lite" -> both names)."""
    text = plain(cell)
    if not text or text in ("-", "—", "–"):
        return []
    return [p.strip(" .") for p in re.split(r"\s*(?:,|\bor\b)\s*", text) if p.strip(" .")]


def offered_models(lc, text: str) -> None:
    """A pricing or API-overview page's model tables (first column "Model"): every model it lists is
    offered now (active). Z.ai's pricing page and MiniMax's API overview state it this way."""
    for t in tables(text):
        if t.column("model") != 0:
            continue
        for cells in t.rows:
            if mid := row_id(cells[0]):
                lc.fact(mid, t.section, status="active")
