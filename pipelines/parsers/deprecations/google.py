"""Google's Gemini API deprecations page (ai.google.dev/gemini-api/docs/deprecations; HTML, read as
markdown): one table per model family (`## Gemini 3 models`, …) with Model, Release date, Shutdown date,
Recommended replacement. A row holding only "Preview models" opens the family's preview rows.

The page says its shutdown dates are "the earliest possible dates on which a model might be retired":
every shutdown date carries that qualifier. "No shutdown date announced" is a stated absence. A row
without a shutdown date is active (preview under "Preview models"); a row with one is deprecated, also
once that date has passed: an earliest possible date says nothing of the shutdown itself, and the page
marks shut-down rows only by a gray background, which its text does not carry.
"""

from __future__ import annotations

from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import ABSENT

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import When

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.common import tables
from modeltrail.pipelines.parsers.deprecations.html_markdown import page_markdown
from modeltrail.pipelines.parsers.deprecations.rows import replacements
from modeltrail.pipelines.parsers.deprecations.rows import row_id

QUALIFIER = "earliest possible"


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("google", "Google", page, url, fetched_at, PARSER_VERSION)
    for t in tables(page_markdown(page)):
        model, released, shutdown, repl = (t.column("model"), t.column("release"), t.column("shutdown"),
                                           t.column("replacement"))
        if model is None or shutdown is None:
            continue
        preview = False
        for cells in t.rows:
            mid = row_id(cells[model])
            if not any(plain(c) for c in cells[1:]) and plain(cells[model]).lower() == "preview models":
                preview = True
                continue
            if not mid:
                continue
            retires = lc.date(cells[shutdown], "retirement_date", f"{t.section}: {mid}")
            if isinstance(retires, When):
                retires = When(retires.date, retires.qualifier or QUALIFIER)
            # an earliest-possible date that has passed says nothing of a shutdown: deprecated, not retired
            status = "deprecated"
            if retires is ABSENT or retires is None:
                status = "preview" if preview else "active"
            f = lc.fact(mid, t.headings[-1] if t.headings else None, status=status, retires=retires,
                        successors=replacements(cells[repl]) if repl is not None else None)
            if released is not None:
                lc.released(f, cells[released], f"{t.section}: {mid}")
    return lc.parsed()
