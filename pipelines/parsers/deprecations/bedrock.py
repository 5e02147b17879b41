"""Amazon Bedrock's model lifecycle page (HTML, read as markdown): one table of the models "currently
in the Legacy state or pending end-of-life (EOL)", with Model provider, Model name, Model ID, Regions,
Legacy date, EOL date, Public extended access start date.

Legacy is Bedrock's deprecation (announced, still served until EOL): the Legacy date is the deprecation
date, the EOL date the retirement. One model id may take several rows, one per group of regions (Claude
3 Haiku in commercial and GovCloud regions): they are one card with the regions of all its rows. The
public extended access date has no card field; it is left unread.
"""

from __future__ import annotations

from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.common import tables
from modeltrail.pipelines.parsers.deprecations.html_markdown import page_markdown
from modeltrail.pipelines.parsers.deprecations.rows import row_id


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("bedrock", "Amazon Bedrock", page, url, fetched_at, PARSER_VERSION)
    for t in tables(page_markdown(page)):
        model, name = t.column("model id"), t.column("model name")
        legacy, eol, regions = t.column("legacy date"), t.column("eol date"), t.column("regions")
        if model is None or eol is None:
            continue
        for cells in t.rows:
            mid = row_id(cells[model])
            if not mid:
                continue
            where = f"{t.section}: {mid}"
            f = lc.fact(mid, t.headings[-1] if t.headings else None,
                        deprecated=lc.date(cells[legacy], "deprecation_date", where) if legacy is not None else None,
                        retires=lc.date(cells[eol], "retirement_date", where),
                        name=plain(cells[name]) if name is not None else None)
            if regions is not None:
                f.regions = [r for r in (p.strip() for p in plain(cells[regions]).split(",")) if r]
    return lc.parsed()
