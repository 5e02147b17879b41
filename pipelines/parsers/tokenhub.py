"""TokenHub, an aggregator: one model page -> one card (specs, prices, a benchmark panel, an FAQ).

Vendor quirks:
- The text capture glues headings to the next words ("POST /v1/chat/completionso3-mini",
  "200Ktokens"); values are read from label lines and the line after them.
- Index scores print as "18.4" then "/100" on the next line; percentages as "80.2%" two lines below the
  benchmark's name (a one-line description sits between them).
- Lifecycle lives in the FAQ: "It is deprecated or superseded ... Use GPT-5.4 Mini for new integrations."
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.text import page_lines
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "tokenhub"
PARSER_VERSION = "tokenhub/1"
_PRICE_KINDS = {"input price": "input", "output price": "output", "cache read": "cache_read",
                "cache write": "cache_write", "cached input": "cache_read"}


def is_card_url(url: str) -> bool:
    parts = urlsplit(url).path.strip("/").split("/")
    return len(parts) == 2 and parts[0] == "models"


def _after(lines: list[str], label: str) -> str | None:
    for i, ln in enumerate(lines[:-1]):
        if ln.strip().lower() == label.lower():
            return lines[i + 1].strip()
    return None


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    lines = page_lines(page, content_type)
    d = Draft(SOURCE, url, fetched_at, sha256(page), PARSER_VERSION)
    heading = next((m.group(1) for ln in lines if (m := re.match(r"^(\S+) Price$", ln))), None)
    if heading is None:
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", "no model card found (no '<id> Price' heading)")])
    path_id = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) if is_card_url(url) else None
    d.put("source_model_id", path_id or heading)
    display = next((m.group(1) for ln in lines if (m := re.match(r"^(.+?) FAQ$", ln))), heading)
    d.put("name", display)
    text = "\n".join(lines)
    if m := re.search(r"\bis an? (\w[\w.-]*) model\b", text):
        d.put("organization", m.group(1))
    if re.search(r"reasoning model", text, re.I):
        d.add("capabilities", "reasoning")

    for label, field in (("Total Context", "context_window"), ("Max Output", "max_output_tokens")):
        d.put(field, _after(lines, label), normalize.token_count)
    d.put("release_date", _after(lines, "Released"), normalize.partial_date)
    modalities = _after(lines, "Modalities")
    if modalities and not modalities.endswith(("Price", "API")):
        for word in re.split(r"[,/ ]+", modalities):
            try:
                d.add("input_modalities", normalize.modality(word))
            except normalize.NormalizeError as exc:
                d.problem("input_modalities", str(exc))

    # | Input Price | Output Price | Cache Read |  then  | $1.1/M | $4.4/M | $0.55/M |
    for i, ln in enumerate(lines[:-1]):
        if ln.startswith("|") and "Input Price" in ln:
            heads = [c.strip().lower() for c in ln.strip("|").split("|")]
            row = next((r for r in lines[i + 1:i + 4] if r.startswith("|") and "$" in r), None)
            for head, cell in zip(heads, (row or "").strip("|").split("|")):
                if head in _PRICE_KINDS and cell.strip() not in ("", "-"):
                    d.price(_PRICE_KINDS[head], cell.strip())

    start = next((i for i, ln in enumerate(lines) if ln.endswith(" Benchmark")), None)
    end = next((i for i, ln in enumerate(lines) if ln.startswith("Metrics sourced from")), len(lines))
    if start is not None:
        panel = lines[start + 1:end]
        for i, ln in enumerate(panel):
            if re.fullmatch(r"\d+(?:\.\d+)?", ln) and i + 2 < len(panel) and panel[i + 1] == "/100":
                d.bench(panel[i + 2], f"{ln}/100")
            elif re.fullmatch(r"\d+(?:\.\d+)?%", ln) and i >= 2:
                d.bench(panel[i - 2], ln)

    faq = "\n".join(lines[next((i for i, ln in enumerate(lines) if ln.endswith(" FAQ")), len(lines)):])
    if re.search(r"\b(deprecated|superseded|retired)\b", faq, re.I):
        d.put("status", "retired" if re.search(r"\bretired\b", faq, re.I) else "deprecated")
        if m := re.search(r"\bUse (.+?) (?:for new integrations|instead)\b", faq):
            d.put("successor", m.group(1).strip())

    card = d.build()
    return Parsed(cards=[card] if card else [], problems=d.problems)
