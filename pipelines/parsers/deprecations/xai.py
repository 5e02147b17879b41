"""xAI's retirement notice (docs.x.ai/developers/migration/may-15-retirement.md): "# Grok Model Retirement on
May 15, 2026", the retired slugs as a bullet list under "**Effective May 15, 2026 at 12:00 PM PT**, the
following models will be retired", and a table "Model being retired | Redirect target after May 15" (the
target: a model, sometimes "with `low` reasoning effort"; the model is the successor). The page states no
announcement date.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import backticked

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import cell_ids

from modeltrail.pipelines.parsers.deprecations.common import tables

VENDOR, ORG = "xai", "xAI"
PARSER_VERSION = "deprecations-xai/1"


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    lc = Lifecycle(VENDOR, ORG, page, url, fetched_at, PARSER_VERSION)
    text = lc.text()
    title = next((b.title for b in blocks(text) if b.level == 1), "")
    retires = None
    if m := re.search(r"Effective\s+\**([A-Z][a-z]+ \d{1,2}, \d{4})", text):
        retires = lc.date(m.group(1), "retirement_date", title)
    listed: list[str] = []
    block = text[m.end():] if m else ""
    for ln in block.splitlines()[1:]:
        s = ln.strip()
        if s.startswith("*"):
            listed += backticked(s)
        elif s and listed:
            break
    targets: dict[str, list[str]] = {}
    for t in tables(text):
        model_col, new_col = t.column("retired"), t.column("redirect", "replacement")
        if model_col is None or new_col is None:
            continue
        for row in t.rows:
            new = backticked(row[new_col])[:1]  # the model; "`low`" after it is its reasoning effort
            for model_id in cell_ids(row[model_col]):
                targets[model_id] = new
                if model_id not in listed:
                    listed.append(model_id)
    for model_id in listed:
        lc.fact(model_id, title, retires=retires, successors=targets.get(model_id) or None)
    return lc.parsed()
