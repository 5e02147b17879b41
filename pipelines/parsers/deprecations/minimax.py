"""MiniMax's pages (platform.minimax.io/docs): no lifecycle page; these say which models exist, when they
were released, and one notice of a discontinuation.

- API overview (api-reference/api-overview.md): the "Supported Models"/"Models" tables of each API
  section (LLM, Text to Speech, Image Generation, Music Generation, …) list the models offered -> active.
  The Music Generation notice "The free music generation APIs (Music-3.0-free, Music-2.6-free,
  music-cover-free) will be discontinued." -> those deprecated, with no date: the notice's date
  ("Starting August 20, 2026, the paid APIs … will no longer be available to new users") belongs to the
  paid APIs, which stay offered to existing users (their models stay active; a note says so).
- model release notes (release-notes/models.md): a `#### Jul. 31, 2026` heading (or a month: "Apr. 2026")
  over `<Card title="MiniMax H3" …>` -> the model(s) of the title released then; a title naming two
  ("Speech-02-turbo / Speech-02-hd") gives both; status unstated. Titles are display names as written.

The API overview leads (rank 0) where a model is on both pages.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import blocks

from modeltrail.pipelines.parsers.deprecations.common import heading

from modeltrail.pipelines.parsers.deprecations.common import plain

from modeltrail.pipelines.parsers.deprecations.rows import offered_models

_CARD = re.compile(r'<Card\s+title="([^"]+)"')
_FREE = re.compile(r"free [\w ]*APIs \(([^)]+)\) will be discontinued", re.I)
_PAID = re.compile(r"Starting ([A-Z][a-z]+ \d{1,2}, \d{4}), the paid APIs.*?will no longer be available to new users")


def _overview(lc: Lifecycle, text: str) -> None:
    offered_models(lc, text)
    for b in blocks(text):
        body = " ".join(line.strip() for line in b.lines)
        for m in _FREE.finditer(body):
            for mid in (plain(p) for p in m.group(1).split(",")):
                if mid:
                    lc.fact(mid, b.section, status="deprecated")
            lc.notes.append(f"minimax: {plain(m.group(0))} (no date of their own; left unstated)")
        if m := _PAID.search(body):
            lc.notes.append(f"minimax: from {m.group(1)} the paid {b.title} APIs are closed to new users only "
                            "(existing users keep them): their models stay active")


def _releases(lc: Lifecycle, text: str) -> None:
    day, path = None, []
    for line in text.splitlines():
        if h := heading(line):
            level, title = h
            if level >= 4:
                day = title
            else:
                path, day = [p for p in path if p[0] < level] + [(level, title)], None
            continue
        if day and (m := _CARD.search(line)):
            for name in (plain(p) for p in m.group(1).split(" / ")):
                if name:
                    f = lc.fact(name, " › ".join(t for _, t in path) or None)
                    lc.released(f, day, f"{day}: {name}")


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("minimax", "MiniMax", page, url, fetched_at, PARSER_VERSION)
    if "release-notes" in urlsplit(url).path:
        _releases(lc, lc.text())
    else:
        _overview(lc, lc.text())
    return lc.parsed()
