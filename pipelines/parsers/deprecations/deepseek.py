"""DeepSeek's API change log (api-docs.deepseek.com/updates; HTML, read as markdown): one `## Date:
YYYY-MM-DD` section per update, its news in prose. Lifecycle facts are sentences: "The two legacy API
model names, `deepseek-chat` and `deepseek-reasoner`, will be discontinued in three months
(2026-07-24)"; "DeepSeek-V3.2-Speciale is served via a temporary endpoint ... available until Dec 15th,
2025". Only such sentences are read: the models they name in backticks (else the `###` title the
section gives the model), the date they state (the retirement), the section's date (the announcement).
A sentence that says the names now "point to" a model names the successor.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import backticked

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import plain
from modeltrail.pipelines.parsers.deprecations.html_markdown import page_markdown

_ENDS = re.compile(r"\b(?:will be discontinued|discontinued|deprecated|available until|will be retired)\b", re.I)
_WHEN = re.compile(r"\((\d{4}-\d{2}-\d{2})\)|\buntil\s+([A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})")
_POINT = re.compile(r"point to .*?`([^`]+)`")


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("deepseek", "DeepSeek", page, url, fetched_at, PARSER_VERSION)
    announced = None
    for b in blocks(page_markdown(page)):
        if m := re.match(r"Date:\s*(\d{4}-\d{2}-\d{2})", b.title):
            announced = m.group(1)
            continue
        text = " ".join(line.strip() for line in b.lines if line.strip())
        sentences = re.split(r"(?<=[.)])\s+(?=[A-Z])", text)
        for i, s in enumerate(sentences):
            if not _ENDS.search(s) or not (w := _WHEN.search(s)):
                continue
            ids = backticked(s) or [b.title]
            raw = w.group(1) or re.sub(r"(\d)(?:st|nd|rd|th)", r"\1", w.group(2))
            nxt = sentences[i + 1] if i + 1 < len(sentences) else ""
            succ = _POINT.findall(nxt)
            for mid in ids:
                lc.fact(plain(mid), b.title, deprecated=announced, announced=announced,
                        retires=lc.date(raw, "retirement_date", f"{b.section}: {mid}"), successors=succ)
    return lc.parsed()
