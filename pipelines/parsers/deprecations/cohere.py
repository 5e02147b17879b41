"""Cohere's lifecycle pages (markdown at docs.cohere.com/docs/…):

- deprecations.md: "## Deprecation History", "### YYYY-MM-DD: title" announcements. Most list their
  models as bullets ("* `command-r-03-2024`  (and the alias `command-r`)") under "Effective <date>, the
  following models will be retired" or "Deprecated Models:", with the replacements in prose or in a
  bullet list of alternatives; older ones hold a table (shutdown date, deprecated model, recommended
  replacement). The heading's date is the announcement; "Effective <date> … retired" is the retirement.
- models.md: model tables with a Status column: "Live" (active), "Deprecated Sept 15, 2025", "Retired
  Apr 4, 2026". (An overview: rank 1.)
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import backticked

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import cell_ids

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.common import tables

VENDOR, ORG = "cohere", "Cohere"
PARSER_VERSION = "deprecations-cohere/1"


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    lc = Lifecycle(VENDOR, ORG, page, url, fetched_at, PARSER_VERSION)
    if urlsplit(url).path.endswith("/models.md"):
        _models(lc)
    else:
        _deprecations(lc)
    return lc.parsed()


def _deprecations(lc: Lifecycle) -> None:
    text = lc.text()
    for block in blocks(text):
        if not re.match(r"\d{4}-\d{2}-\d{2}:", block.title):
            continue
        section, announced = block.title, block.title[:10]
        body = "\n".join(block.lines)
        if "|" in body:
            continue  # (a table: read below)
        retires = None
        if m := re.search(r"Effective ([A-Z][a-z]+ \d{1,2}(?:st|nd|rd|th)?, \d{4}), the following models will be retired",
                          body):
            retires = lc.date(m.group(1), "retirement_date", section)
        models, alternatives, mode = [], [], None
        for ln in block.lines:
            s = ln.strip()
            if re.search(r"following models will be retired|^Deprecated Models:", s):
                mode = "models"
            elif re.search(r"alternatives:?$|migrate to our latest models", s, re.I):
                mode = "alternatives"
            elif s and not s.startswith("*"):
                if mode == "models" and not re.match(r"(?i)for command model replacements", s):
                    mode = None
                if m := re.match(r"For command model replacements, we recommend you use (.*?) instead", s):
                    alternatives += backticked(m.group(1))
                continue
            if s.startswith("*") and mode == "models":
                models += backticked(s.split("(Refer")[0])
            elif s.startswith("*") and mode == "alternatives":
                alternatives += backticked(s)
        for model_id in models:
            lc.fact(model_id, section, deprecated=announced, retires=retires,
                    status="retired" if retires is not None and "retired" in body else None,
                    successors=alternatives or None)
    for t in tables(text):
        model_col, date_col = t.column("deprecated model"), t.column("shutdown date")
        section = next((h for h in reversed(t.headings) if re.match(r"\d{4}-\d{2}-\d{2}:", h)), None)
        if model_col is None or date_col is None or section is None:
            continue
        new_col = t.column("replacement")
        for row in t.rows:
            for model_id in cell_ids(row[model_col]):
                lc.fact(model_id, section, deprecated=section[:10],
                        retires=lc.date(row[date_col], "retirement_date", f"{section}: {model_id}"),
                        successors=cell_ids(row[new_col]) if new_col is not None else None)


def _models(lc: Lifecycle) -> None:
    for t in tables(lc.text()):
        model_col, status_col = t.column("model name"), t.column("status")
        if model_col is None or status_col is None:
            continue
        for row in t.rows:
            state = plain(row[status_col])
            for model_id in cell_ids(row[model_col]):
                if re.fullmatch(r"live", state, re.I):
                    lc.fact(model_id, t.section, status="active")
                elif m := re.fullmatch(r"(deprecated|retired)\s+(.+)", state, re.I):
                    when = lc.date(m.group(2), "status", f"{t.section}: {model_id}")
                    word = m.group(1).lower()
                    lc.fact(model_id, t.section, status=word,
                            deprecated=when if word == "deprecated" else None,
                            retires=when if word == "retired" else None)
                elif state:
                    lc.problem("status", f"{t.section}: {model_id}: unknown status {state!r}")
