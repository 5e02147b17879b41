"""Alibaba Cloud Model Studio's model retirement page (HTML, read as markdown): under "Deprecated
models", one table per announcement ("Scheduled for deprecation on October 10, 2026", "Retires on May
30, 2026", "Deprecated on January 30, 2026") with Category, Model name, Deprecation time, Replacement
model.

Alibaba's "deprecation time" is when calls start failing ("Starting from the official retirement date
... API calls to the retired model will fail"): it is the card's retirement date, read at its day
("October 10, 2026, 00:00:00 (UTC+08:00)"). Every row is deprecated in the page's words; the status
follows the retirement date against the day the page was fetched.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import tables
from modeltrail.pipelines.parsers.deprecations.html_markdown import page_markdown
from modeltrail.pipelines.parsers.deprecations.rows import replacements
from modeltrail.pipelines.parsers.deprecations.rows import row_id

_TIME = re.compile(r",?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:\(UTC[+-]\d{2}:\d{2}\))?\s*$")


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("alibaba", "Alibaba Cloud", page, url, fetched_at, PARSER_VERSION)
    for t in tables(page_markdown(page)):
        model, when, repl = t.column("model name"), t.column("deprecation time"), t.column("replacement")
        if model is None or when is None:
            continue
        for cells in t.rows:
            mid = row_id(cells[model])
            if not mid:
                continue
            raw = _TIME.sub("", cells[when].replace("**", ""))
            lc.fact(mid, t.headings[-1], retires=lc.date(raw, "retirement_date", f"{t.section}: {mid}"),
                    successors=replacements(cells[repl]) if repl is not None else None)
    return lc.parsed()
