"""OpenAI's lifecycle pages (markdown at developers.openai.com/api/docs/…):

- deprecations.md: "## Upcoming deprecations" and "## Past deprecations", each a list of "### YYYY-MM-DD:
  title" announcements holding tables of shutdown date, model (one cell may name a snapshot and its
  aliases: "`gpt-4-0613` \\| `gpt-4`, `gpt-4-completions`") and recommended replacement. A row's
  deprecation_date is its announcement's date (the heading), its status "deprecated" under Upcoming
  and "retired" under Past (the page's own words). Rows that name no model (endpoints, "Videos API",
  "New fine-tuning training on `x`") are left out. A model named by several announcements takes the
  newest one's dates (common.Lifecycle).
- models.md: the catalog, "- [Display name](/api/docs/models/<id>.md): description": one card per model
  with its display name; status only where the description says "Deprecated". (An overview: rank 1.)
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from modeltrail.pipelines.parsers.deprecations.common import ABSENT

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import cell_ids

from modeltrail.pipelines.parsers.deprecations.common import tables

VENDOR, ORG = "openai", "OpenAI"
PARSER_VERSION = "deprecations-openai/1"
_STATUS = {"upcoming deprecations": "deprecated", "past deprecations": "retired"}


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    lc = Lifecycle(VENDOR, ORG, page, url, fetched_at, PARSER_VERSION)
    if urlsplit(url).path.endswith("/models.md"):
        _catalog(lc)
    else:
        _deprecations(lc)
    return lc.parsed()


def _deprecations(lc: Lifecycle) -> None:
    skipped = 0
    for t in tables(lc.text()):
        part = next((h for h in t.headings if h.lower() in _STATUS), None)
        date_col = t.column("shutdown date")
        model_col = t.column("model", "system")
        if part is None or date_col is None or model_col is None:
            continue
        new_col = t.column("replacement", "substitute")
        below = t.headings[t.headings.index(part) + 1:]
        section = " › ".join(below) or part
        announced = next((m.group(1) for h in below if (m := re.match(r"(\d{4}-\d{2}-\d{2})\b", h))), None)
        for row in t.rows:
            ids = cell_ids(row[model_col])
            if not ids:
                skipped += 1
                continue
            retires = lc.date(row[date_col], "retirement_date", f"{section}: {ids[0]}")
            new = row[new_col] if new_col is not None else ""
            successors = ABSENT if re.fullmatch(r"\s*-{2,}\s*", new) else cell_ids(new) or None
            for model_id in ids:
                lc.fact(model_id, section, status=_STATUS[part.lower()], deprecated=announced,
                        retires=retires, successors=successors)
    if skipped:
        lc.notes.append(f"openai deprecations: {skipped} table row(s) name no model (endpoints, APIs, "
                        "fine-tuning training): not read")


_ITEM = re.compile(r"^\s*[-*]\s+\[([^\]]+)\]\(/api/docs/models/([^)/]+?)(?:\.md)?\)\s*:?\s*(.*)$")


def _catalog(lc: Lifecycle) -> None:
    for line in lc.text().splitlines():
        if m := _ITEM.match(line):
            name, model_id, desc = m.groups()
            status = "deprecated" if re.match(r"deprecated\b", desc.strip(), re.I) else None
            lc.fact(model_id, "Browse our full catalog of models", name=name.strip(), status=status)
