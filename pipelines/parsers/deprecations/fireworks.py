"""Fireworks AI's changelog (docs.fireworks.ai/updates/changelog.md): dated `<Update label="YYYY-MM-DD">`
entries in prose. Only the sentences that deprecate a model are read, with the models named in bold:

- "**DeepSeek V4 Flash** is deprecated from serverless. Migrate to **[DeepSeek V4 Flash (0731)](…)**."
  / "**Kimi K2.5** and **Qwen 3.6 Plus** are deprecated from serverless." -> deprecated, the entry's
  date the announcement, the models the same paragraph says to migrate to the successors;
- "Several legacy serverless models will be decommissioned on **May 14, 2026**" followed by bullets
  "* **DeepSeek V3.1** — migrate to **[Kimi K2.6](…)** or **[GLM 5.1](…)**" -> each bullet's model retires
  that day (retired once the day has come by the page's fetch day), the bold names after "migrate to"
  its successors. In an entry that deprecates by sentence, such bullets give the successors.

The page names models by display name ("Kimi K2.5"), not by API id: that name is the card's id. Entries
that deprecate a feature ("Audio inference and image generation are deprecated", "Document Inlining")
name no model in bold and are not read. These deprecations are of the serverless offering (the page says
dedicated deployments are unaffected); the section (the entry's title) says so.
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import heading

from modeltrail.pipelines.parsers.deprecations.common import plain
from modeltrail.pipelines.parsers.deprecations.updates import updates

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_DEPRECATES = re.compile(r"^((?:\*\*[^*]+\*\*(?:,\s*|,? and\s+)?)+)\s+(?:is|are) deprecated\b(.*)$")
_MIGRATE = re.compile(r"\bmigrate to\b(.*)$", re.I)
_BULLET = re.compile(r"^[*-]\s+\*\*(.+?)\*\*\s+[—–-]+\s+migrate to\s+(.+)$", re.I)
_DECOMMISSION = re.compile(r"\b(?:decommissioned|removed|retired|shut down)\s+on\s+\*\*([^*]+)\*\*", re.I)


def _names(text: str) -> list[str]:
    return [plain(b) for b in _BOLD.findall(text) if plain(b)]


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("fireworks", "Fireworks AI", page, url, fetched_at, PARSER_VERSION)
    for u in updates(lc.text()):
        title = next((h[1] for line in u.lines if (h := heading(line))), u.label)
        announced = lc.date(u.label, "deprecation_date", f"entry {u.label!r}")
        day = announced.date if announced else None
        body = u.text
        retire_raw = m.group(1) if (m := _DECOMMISSION.search(body)) else None
        retires = lc.date(retire_raw, "retirement_date", title) if retire_raw else None
        deprecated_here: list[str] = []
        for line in u.lines:
            if m := _DEPRECATES.match(line):
                names = _names(m.group(1))
                succ = _names(mm.group(1)) if (mm := _MIGRATE.search(m.group(2))) else []
                for name in names:
                    lc.fact(name, title, deprecated=day, announced=day, successors=succ)
                deprecated_here += names
        for line in u.lines:
            if m := _BULLET.match(line):
                name, succ = plain(m.group(1)), _names(m.group(2))
                if name in deprecated_here:
                    lc.fact(name, title, deprecated=day, announced=day, successors=succ)
                elif retires is not None:  # a bullet of a decommission notice
                    lc.fact(name, title, deprecated=day, announced=day, retires=retires, successors=succ)
    return lc.parsed()
