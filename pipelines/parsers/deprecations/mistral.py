"""Mistral's models overview (docs.mistral.ai/models; HTML, read as markdown): the "Deprecated & retired
models" table, with Model (a link to the model's page), Version, API (the id requests use),
Deprecation, Retirement, Alternative.

The API id is the card's id; a row without one (Mathstral 7B, Mistral Next) keeps the model's name. The
page writes dates month/day/year ("5/22/2026", "12/2/2025"): read so only when the page's own cells
prove that order (a second number above 12, none first), else each date is read on its own and an
ambiguous one is reported. Status is not worded per row ("deprecated or retired"): it follows the
retirement date against the day the page was fetched.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.common import tables
from modeltrail.pipelines.parsers.deprecations.html_markdown import page_markdown
from modeltrail.pipelines.parsers.deprecations.rows import replacements
from modeltrail.pipelines.parsers.deprecations.rows import row_id

_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}$")


def _month_first(cells: list[str]) -> bool:
    """Whether the page's numeric dates are month/day: some day above 12 in second place, none first."""
    pairs = [tuple(map(int, m.groups())) for c in cells if (m := _MDY.match(plain(c)))]
    return any(b > 12 for _, b in pairs) and not any(a > 12 for a, _ in pairs)


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("mistral", "Mistral AI", page, url, fetched_at, PARSER_VERSION)
    for t in tables(page_markdown(page)):
        model, api = t.column("model"), t.column("api")
        dep, ret, alt = t.column("deprecation"), t.column("retirement"), t.column("alternative")
        if model is None or ret is None:
            continue
        order = "mdy" if _month_first([r[i] for r in t.rows for i in (dep, ret) if i is not None]) else None
        for cells in t.rows:
            name = row_id(cells[model])
            mid = (row_id(cells[api]) if api is not None else "") or name
            if not mid:
                continue
            where = f"{t.section}: {mid}"
            retires = lc.date(cells[ret], "retirement_date", where, order)
            # the section says every row is deprecated or retired; without a date, deprecated is all it says
            lc.fact(mid, t.headings[-1], name=name, status=None if retires else "deprecated",
                    deprecated=lc.date(cells[dep], "deprecation_date", where, order) if dep is not None else None,
                    retires=retires,
                    successors=replacements(cells[alt]) if alt is not None else None)
    return lc.parsed()
