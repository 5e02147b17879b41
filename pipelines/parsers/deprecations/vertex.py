"""Vertex AI (Gemini Enterprise Agent Platform) model versions page (HTML, read as markdown): tables of
Model ID, Release date, Retirement date, Replacement model (or "Recommended upgrade") under "Latest
available models" (GA models, each with its planned retirement) and "Retired models".

A retirement date in the latest-models tables is the model's planned end of availability, not a
deprecation: those rows are active. "May 19, 2027 or later" and "No sooner than May 20, 2028" keep their
wording as the qualifier; "No retirement date announced" is a stated absence; an empty cell says
nothing. Rows under "Retired models" are retired. A trailing "*" on an id is a footnote mark.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import When

from modeltrail.pipelines.parsers.deprecations.common import tables
from modeltrail.pipelines.parsers.deprecations.html_markdown import page_markdown
from modeltrail.pipelines.parsers.deprecations.rows import replacements
from modeltrail.pipelines.parsers.deprecations.rows import row_id

_LATER = re.compile(r"^(.*?)\s+or later$", re.I)
_NO_SOONER = re.compile(r"^no sooner than\s+(.*)$", re.I)


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("vertex", "Google", page, url, fetched_at, PARSER_VERSION)
    for t in tables(page_markdown(page)):
        model, released, retires_col = t.column("model id"), t.column("release"), t.column("retirement")
        repl = t.column("replacement", "upgrade")
        if model is None or retires_col is None:
            continue
        retired = any("retired" in h.lower() for h in t.headings)
        for cells in t.rows:
            mid = row_id(cells[model])
            if not mid:
                continue
            where = f"{t.section}: {mid}"
            raw = cells[retires_col].strip()
            qualifier = None
            if m := _LATER.match(raw):
                raw, qualifier = m.group(1), "or later"
            elif m := _NO_SOONER.match(raw):
                raw, qualifier = m.group(1), "no sooner than"
            retires = lc.date(raw, "retirement_date", where)
            if isinstance(retires, When) and qualifier:
                retires = When(retires.date, qualifier)
            f = lc.fact(mid, t.headings[-1], status="retired" if retired else "active", retires=retires,
                        successors=replacements(cells[repl]) if repl is not None else None)
            if released is not None:
                lc.released(f, cells[released], where)
    return lc.parsed()
