"""Cerebras' deprecations page (inference-docs.cerebras.ai/support/deprecation.md): `<Update
label="YYYY-MM-DD">` blocks, newest first, each "**Deprecated `model`**" (or "The `model` model has been
deprecated") and "We recommend migrating to [Name](/models/…)". The label is the announcement; the page
states no shutdown dates. An update about a parameter ("Deprecating `disable_reasoning` parameter for …")
names no deprecated model and is left out.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import backticked

from modeltrail.pipelines.parsers.deprecations.common import plain

VENDOR, ORG = "cerebras", "Cerebras"
PARSER_VERSION = "deprecations-cerebras/1"
_UPDATE = re.compile(r'<Update label="([^"]+)"[^>]*>(.*?)</Update>', re.S)


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    lc = Lifecycle(VENDOR, ORG, page, url, fetched_at, PARSER_VERSION)
    for m in _UPDATE.finditer(lc.text()):
        label, body = m.group(1), m.group(2)
        when = lc.date(label, "deprecation_date", f"update {label}")
        first = next((ln.strip() for ln in body.splitlines() if ln.strip()), "")
        if re.search(r"\bparameter\b", first, re.I):
            continue
        if re.match(r"\*\*Deprecated\b", first):
            models = backticked(first)
        elif mm := re.search(r"The (`[^`]+`) model has been deprecated", body):
            models = backticked(mm.group(1))
        else:
            continue
        successors = []
        if rec := re.search(r"(?:recommend (?:migrating|transitioning) to)(.*)", body):
            tail = rec.group(1).split("\n")[0]
            successors = [plain(n) for n in re.findall(r"\[([^\]]+)\]\(", tail)] or backticked(tail)[:1]
        for model_id in models:
            lc.fact(model_id, f"Update {label}", status="deprecated", deprecated=when,
                    successors=successors or None)
    return lc.parsed()
