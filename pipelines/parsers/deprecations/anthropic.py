"""Anthropic's lifecycle pages (markdown at platform.claude.com/docs/en/about-claude/…):

- model-deprecations.md: "## Model status", a table of API model name, current state (Active, Deprecated,
  Retired), deprecation date ("N/A": stated none) and tentative retirement date ("Not sooner than June
  9, 2027": a date with its qualifier); then "## Deprecation history", "### YYYY-MM-DD: title"
  announcements, each with a note ("This model was retired August 5, 2026.") and a table of retirement
  date, deprecated model and recommended replacement. The status table states the current state; the
  history adds the replacement and its section; the newest announcement's dates lead (common.Lifecycle).
- models/overview.md: transposed comparison tables (a column per model, the "Claude API ID" row naming
  its id): the latest models and, in the "Legacy models" accordion, the older ones "still available".
  Each is active, with its display name. (An overview: rank 1.)
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import cell_ids

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.common import split_row

from modeltrail.pipelines.parsers.deprecations.common import tables

VENDOR, ORG = "anthropic", "Anthropic"
PARSER_VERSION = "deprecations-anthropic/1"
_STATE = {"active": "active", "legacy": "active", "deprecated": "deprecated", "retired": "retired"}


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    lc = Lifecycle(VENDOR, ORG, page, url, fetched_at, PARSER_VERSION)
    if urlsplit(url).path.endswith("/overview.md"):
        _overview(lc)
    else:
        _deprecations(lc)
    return lc.parsed()


def _deprecations(lc: Lifecycle) -> None:
    text = lc.text()
    for t in tables(text):
        model_col = t.column("model name", "deprecated model")
        if model_col is None:
            continue
        if "Model status" in t.headings:
            state_col, dep_col, ret_col = t.column("state"), t.column("deprecated"), t.column("retirement")
            for row in t.rows:
                for model_id in cell_ids(row[model_col]):
                    state = plain(row[state_col]).lower() if state_col is not None else ""
                    lc.fact(model_id, "Model status", status=_STATE.get(state),
                            deprecated=lc.date(row[dep_col], "deprecation_date", model_id) if dep_col is not None else None,
                            retires=lc.date(row[ret_col], "retirement_date", model_id) if ret_col is not None else None)
            continue
        history = [h for h in t.headings if re.match(r"\d{4}-\d{2}-\d{2}\b", h)]
        if not history:
            continue
        section = history[-1]
        announced = section[:10]
        note = _note(text, t.line)
        ret_col, new_col = t.column("retirement date"), t.column("replacement")
        for row in t.rows:
            for model_id in cell_ids(row[model_col]):
                lc.fact(model_id, section, status="retired" if note else "deprecated", deprecated=announced,
                        retires=lc.date(row[ret_col], "retirement_date", f"{section}: {model_id}")
                        if ret_col is not None else None,
                        successors=cell_ids(row[new_col]) if new_col is not None else None)


def _note(text: str, line: int) -> bool:
    """Whether the announcement holding the table at `line` says its models were retired ("This model was
    retired …", "These models were retired …")."""
    lines = text.splitlines()
    start = line
    while start > 0 and not lines[start - 1].startswith("#"):
        start -= 1
    return any(re.search(r"\b(?:was|were) retired\b", ln) for ln in lines[start:line])


def _overview(lc: Lifecycle) -> None:
    for block in blocks(lc.text()):
        rows = [ln for ln in block.lines if ln.strip().startswith("|")]
        if not rows:
            continue
        section, accordion = block.section, None
        for ln in block.lines:
            if m := re.search(r'<Accordion title="([^"]+)"', ln):
                accordion = m.group(1)
            if not ln.strip().startswith("|") or "Claude API ID" not in ln:
                continue
            header = _header_before(block.lines, ln)
            ids = [plain(c) for c in split_row(ln)[1:]]
            for name, model_id in zip(header, ids):
                if model_id and re.fullmatch(r"claude-[\w.-]+", model_id):
                    lc.fact(model_id, accordion or section, name=name, status="active")


def _header_before(lines: list[str], row: str) -> list[str]:
    """The header cells (after the first) of the table a row belongs to."""
    i = lines.index(row)
    while i > 0 and lines[i - 1].strip().startswith("|"):
        i -= 1
    return [plain(c) for c in split_row(lines[i])[1:]]
