"""Groq's deprecations page (console.groq.com/docs/deprecations.md): "## Deprecation History", each
"### <Shutdown date in words>: title" with the announcement in prose ("on June 17, 2026, we emailed users
to announce the deprecation of …") and a table of model id, shutdown date (numeric month/day/year,
"08/16/26": the page's convention, checked against the heading's date in words) and recommended
replacement(s) ("a or b", "a b" side by side).
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import When

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import cell_ids

from modeltrail.pipelines.parsers.deprecations.common import read_date

from modeltrail.pipelines.parsers.deprecations.common import tables

VENDOR, ORG = "groq", "Groq"
PARSER_VERSION = "deprecations-groq/1"
_ANNOUNCED = re.compile(r"\bon ([A-Z][a-z]+ \d{1,2}(?:st|nd|rd|th)?,? \d{4}), (?:we|in partnership)")


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    lc = Lifecycle(VENDOR, ORG, page, url, fetched_at, PARSER_VERSION)
    text = lc.text()
    prose = {b.title: "\n".join(b.lines) for b in blocks(text)}
    for t in tables(text):
        model_col, date_col = t.column("model"), t.column("shutdown date")
        if model_col is None or date_col is None or not t.headings or "Deprecation History" not in t.headings:
            continue
        new_col = t.column("replacement")
        section = t.headings[-1]
        announced = None
        if m := _ANNOUNCED.search(prose.get(section, "")):
            when = lc.date(m.group(1), "deprecation_date", section)
            announced = when.date if isinstance(when, When) else None
        titled = section.split(":")[0]
        for row in t.rows:
            retires = lc.date(row[date_col], "retirement_date", f"{section}", order="mdy")
            _check(lc, titled, retires, section)
            for model_id in cell_ids(row[model_col]):
                lc.fact(model_id, section, deprecated=announced, retires=retires,
                        successors=cell_ids(row[new_col]) if new_col is not None else None)
    return lc.parsed()


def _check(lc: Lifecycle, titled: str, retires, section: str) -> None:
    """The heading names the shutdown in words: a table date that disagrees is noted, not trusted less."""
    try:
        heading = read_date(titled)
    except ValueError:
        return
    note = f"groq: {section}: the table's shutdown date {getattr(retires, 'date', '')} differs from the heading's"
    if isinstance(retires, When) and isinstance(heading, When) and heading.date != retires.date \
            and note not in lc.notes:
        lc.notes.append(f"groq: {section}: the table's shutdown date {retires.date} differs from the heading's")
