"""Xiaomi MiMo's model deprecation page (HTML, read as markdown): one table per retirement ("Deprecated
model on 2026.6.30") with Deprecated Model, Offline Time, System replacement time, System Replacement
Model, Replacement Impact.

The page defines its times: after the "system replacement time" requests are routed to the replacement
model; after the "deprecation time" (the table's Offline Time) the old name fails. The offline time is
the retirement date; the replacement model the successor. The routing date has no card field. Dates
are printed "Beijing Time 2026.6.30 00:00": read at their day.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import tables
from modeltrail.pipelines.parsers.deprecations.html_markdown import page_markdown
from modeltrail.pipelines.parsers.deprecations.rows import replacements
from modeltrail.pipelines.parsers.deprecations.rows import row_id

_DOTTED = re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})")


def _iso(cell: str) -> str:
    """"Beijing Time 2026.6.30 00:00" -> "2026-06-30" (anything else is handed on as it is)."""
    if m := _DOTTED.search(cell):
        y, mo, d = m.groups()
        return f"{y}-{int(mo):02d}-{int(d):02d}"
    return cell


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("xiaomi", "Xiaomi", page, url, fetched_at, PARSER_VERSION)
    for t in tables(page_markdown(page)):
        model, offline = t.column("deprecated model"), t.column("offline time")
        repl = t.column("replacement model")
        if model is None or offline is None:
            continue
        for cells in t.rows:
            mid = row_id(cells[model])
            if not mid:
                continue
            lc.fact(mid, t.headings[-1],
                    retires=lc.date(_iso(cells[offline]), "retirement_date", f"{t.section}: {mid}"),
                    successors=replacements(cells[repl]) if repl is not None else None)
    return lc.parsed()
