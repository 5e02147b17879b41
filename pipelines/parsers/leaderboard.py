"""The GitHub-hosted leaderboard (AIComputing101/llm-leaderboard): one markdown model page
(models/<lab>/<model>.md) -> one card. Reads the raw markdown and GitHub's rendered HTML alike.

Vendor quirks:
- A missing value is "-" (benchmark table) and is skipped, never stored as 0.
- The "Additional Notes" prose carries extra scores in the form "GPQA=79.7 for 'high' thinking": kept as
  the same benchmark at that setting. Other models' scores quoted there ("o1=12%") are not ours and are
  not read.
- The raw capture was served as UTF-8 but saved through cp1254 (emoji became "ğŸ“Š"); text.py repairs it.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from modeltrail.pipelines import normalize
from modeltrail.pipelines.text import page_lines
from modeltrail.pipelines.text import row_cells
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import label_value
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "leaderboard"
PARSER_VERSION = "leaderboard/1"
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MODEL_PATH = re.compile(r"/models/([^/]+/[^/]+?)(?:\.md)?$")


def is_card_url(url: str) -> bool:
    return bool(_MODEL_PATH.search(unquote(urlsplit(url).path)))


def _plain(text: str) -> str:
    return _LINK.sub(r"\1", text).replace("**", "").replace("`", "").strip()


def _field(lines: list[str], label: str) -> str | None:
    value = label_value(lines, label)
    if value is None:
        return None
    value = _plain(value)
    # strip the emoji and marks the page puts around values ("🟢 Public", "650:1 ✅ Compute-optimal")
    value = re.sub(r"^[^\w$€£¥(]+", "", value).strip()
    return None if value in ("", "-", "—", "N/A") else value


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    lines = page_lines(page, content_type)
    d = Draft(SOURCE, url, fetched_at, sha256(page), PARSER_VERSION)
    title = next((ln for ln in lines if re.match(r"^#\s+\S", ln)), None)
    if title is None and lines and _field(lines, "Organization"):
        title = lines[0]  # rendered HTML: the h1 is the first line, without "# "
    if title is None or not _field(lines, "Organization"):
        from modeltrail.pipelines.records import InvalidValue

        return Parsed(problems=[InvalidValue(SOURCE, url, "page",
                                             "no model card found (no title and Organization line)")])
    name = _plain(title.lstrip("#").strip())
    d.put("name", name)
    m = _MODEL_PATH.search(unquote(urlsplit(url).path))
    d.put("source_model_id", m.group(1) if m else name)
    d.put("organization", _field(lines, "Organization"))
    d.put("release_date", _field(lines, "Released"), normalize.partial_date)
    if arch := _field(lines, "Type"):
        d.put("architecture", arch, normalize.architecture)
    d.put("parameters", _field(lines, "Parameters"), normalize.scaled_count)
    d.put("training_tokens", _field(lines, "Training Tokens"), normalize.scaled_count)
    d.put("license", _field(lines, "License"))
    if (al := _field(lines, "ALScore")) and (m := re.match(r"(\d+(?:\.\d+)?)", al)):
        d.bench("ALScore", m.group(1), default_unit="score")

    # "> Reasoning" under the title and the "Model Tags" chips
    for i, ln in enumerate(lines):
        if ln.startswith(">") and len(ln) < 40:
            for tag in ln.lstrip("> ").split(","):
                if tag.strip().lower() in normalize.CAPABILITY_WORDS:
                    d.add("capabilities", normalize.capability(tag))
        if re.match(r"^#+\s*\W*\s*Model Tags", ln) and i + 1 < len(lines):
            for tag in re.findall(r"`([^`]+)`", lines[i + 1]) or lines[i + 1].split(","):
                if tag.strip().lower() in normalize.CAPABILITY_WORDS:
                    d.add("capabilities", normalize.capability(tag))

    # | **GPQA** | 77.0 | Graduate-level reasoning |
    for ln in lines:
        cells = row_cells(ln) if ln.startswith("|") else []
        if len(cells) >= 2 and cells[0] and not set(cells[0]) <= set("-: "):
            label, value = _plain(cells[0]), cells[1].strip()
            if label.lower() in ("benchmark", "metric") or value in ("-", "", "—", "N/A"):
                continue
            d.bench(label, value, default_unit="percent")

    notes = "\n".join(lines)
    # "GPQA=79.7 for 'high' thinking"
    for m in re.finditer(r"\b([A-Za-z][\w\-]*(?: \d{4})?)=(\d+(?:\.\d+)?%?) for '?(\w+)'? (?:thinking|reasoning|effort)",
                         notes):
        try:
            d.bench(m.group(1), m.group(2), setting=normalize.effort(m.group(3)), default_unit="percent")
        except normalize.NormalizeError as exc:
            d.problem(f"benchmarks.{m.group(1)}", str(exc))
    # "ALPrompt 2025H1=1/5": the site's own prompt set, scored as questions right out of 5
    for m in re.finditer(r"\b(ALPrompt \d{4}H[12])=(\d+)/(\d+)", notes):
        d.bench(m.group(1), f"{100 * int(m.group(2)) / int(m.group(3)):.1f}%")

    card = d.build()
    return Parsed(cards=[card] if card else [], problems=d.problems)
