"""Changelog pages served as Mintlify markdown (Fireworks, Perplexity, Z.ai): one `<Update label="…"
description="…" tags={[…]}>` element per entry, its body markdown indented inside. `updates(text)` cuts
the page into those entries, each with its label (the entry's date as the page prints it), description,
tags and body lines (indentation removed)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN = re.compile(r'^\s*<Update\b(?P<attrs>[^>]*)>\s*$')
_CLOSE = re.compile(r"^\s*</Update>\s*$")
_ATTR = re.compile(r'(\w+)=(?:"([^"]*)"|\{\[([^\]]*)\]\})')


@dataclass
class Update:
    label: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    start: int = 0  # line number (0-based) of the <Update> tag

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def updates(text: str) -> list[Update]:
    """The page's `<Update>` entries in page order (an unclosed entry runs to the end of the page)."""
    out: list[Update] = []
    current: Update | None = None
    for i, line in enumerate(text.splitlines()):
        if m := _OPEN.match(line):
            attrs = {k: v or lst for k, v, lst in _ATTR.findall(m["attrs"])}
            tags = re.findall(r'"([^"]*)"', attrs.get("tags", ""))
            current = Update(attrs.get("label", "").strip(), attrs.get("description", "").strip(), tags, start=i)
            out.append(current)
        elif _CLOSE.match(line):
            current = None
        elif current is not None:
            current.lines.append(line.strip())
    return out
