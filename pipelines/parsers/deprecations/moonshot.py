"""Moonshot's (Kimi) model list (platform.kimi.ai/docs/models.md): tables of the models currently
offered (active), a "Deprecated Models" table whose rows say "Deprecated", and quoted notes: "The
`kimi-k2` series models were officially discontinued on **May 25, 2026** ... Please use the latest Kimi
model [kimi-k3]" (the table's rows retire that day, kimi-k3 their successor); "`kimi-latest` was
officially discontinued on **January 28, 2026**" (a model outside the tables: retired that day).

The note above the tables says `kimi-k2.5` and the `moonshot-v1` series get a "full platform sunset on
August 31" with no year: those models are deprecated, the sunset day is left unread (a note says so).
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import backticked

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.common import tables
from modeltrail.pipelines.parsers.deprecations.rows import row_id

_GONE = re.compile(r"`([^`]+)`(?: series models)? was(?:| officially) discontinued on \*\*([^*]+)\*\*"
                   r"|`([^`]+)` series models were officially discontinued on \*\*([^*]+)\*\*")
_USE = re.compile(r"\[(kimi-[\w.-]+)\]")


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("moonshot", "Moonshot AI", page, url, fetched_at, PARSER_VERSION)
    text = lc.text()
    sunset = {}  # note above the tables: ids (or series prefixes) no longer offered to new users
    for line in text.splitlines():
        if "sunset" in line and "no longer available" in line:
            sunset = {i: line for i in backticked(line)}
            lc.notes.append(f"moonshot: sunset day without a year left unread: {plain(line)[:160]}")
    gone: list[tuple[str, str, list[str], str]] = []  # (id or series, date, successors, section)
    for b in blocks(text):
        for line in b.lines:
            for m in _GONE.finditer(line):
                gone.append((m.group(1) or m.group(3), m.group(2) or m.group(4), _USE.findall(line), b.title))
    for t in tables(text):
        col = t.column("model name")
        if col is None:
            continue
        deprecated_table = "deprecated" in t.headings[-1].lower()
        for cells in t.rows:
            mid = row_id(cells[col])
            if not mid:
                continue
            if deprecated_table:
                series = [g for g in gone if mid.startswith(g[0])]
                date, succ = (series[0][1], series[0][2]) if series else (None, [])
                lc.fact(mid, t.headings[-1], status="deprecated", successors=succ,
                        retires=lc.date(date, "retirement_date", mid) if date else None)
            elif any(mid == s or mid.startswith(s + "-") for s in sunset):
                lc.fact(mid, t.headings[-1], status="deprecated")
            else:
                lc.fact(mid, t.headings[-1], status="active")
    tabled = {f.model_id for f in lc.facts}
    for mid, date, succ, section in gone:
        if not any(m.startswith(mid) for m in tabled):
            lc.fact(mid, section, status="retired", successors=succ,
                    retires=lc.date(date, "retirement_date", mid))
    return lc.parsed()
