"""302.AI, a reseller: one model page -> one card (dated model id, capabilities, prices, context, and
benchmarks stated in prose at several reasoning efforts).

Vendor quirks:
- The id is dated ("o3-mini-2025-01-31"): identity maps it to openai/o3-mini, version 2025-01-31.
- The "API Pricing" table lists the vendor's official price and 302.AI's own: the official one is kept
  as tier "official", 302.AI's as the untiered price.
- Benchmarks are prose: "83.6% accuracy rate at high reasoning intensity and 76.2% at medium intensity in
  the AIME 2024 competition" -> one row per effort. Each clause is read with the benchmark it names.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.text import page_lines
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "302ai"
PARSER_VERSION = "302ai/1"
_CAP_CHIP = {"thinking": "reasoning", "function_call": "function_calling", "vision": "vision",
             "web_search": "web_search", "reasoning": "reasoning"}
_SCORE_AT = re.compile(r"(\d+(?:\.\d+)?)(%?)[a-z ]*? at (minimal|low|medium|high) (?:reasoning )?(?:intensity|effort)")


def is_card_url(url: str) -> bool:
    """A model page: https://302.ai/product/detail/<vendor>-<model> (the live layout), or /models/<id>
    (the layout of captures archived before it was known)."""
    parts = urlsplit(url).path.strip("/").split("/")
    return (len(parts) >= 3 and parts[-3:-1] == ["product", "detail"]) or (len(parts) >= 2 and parts[-2] == "models")



def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    lines = page_lines(page, content_type)
    d = Draft(SOURCE, url, fetched_at, sha256(page), PARSER_VERSION)
    pricing = next((i for i, ln in enumerate(lines) if ln == "API Pricing"), None)
    overview = next((i for i, ln in enumerate(lines) if ln == "API Overview"), None)
    model_id = lines[0].strip() if lines else ""
    if (pricing is None and overview is None) or not re.fullmatch(r"[\w.:-]+", model_id):
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", "no model card found (no id line, "
                                             "API Overview or API Pricing)")])
    if pricing is None:  # (captures cut short before the pricing table)
        pricing = len(lines)
    # the id the page prints is the model's id; a /product/detail/ slug adds the vendor to it
    d.put("source_model_id", model_id)
    d.put("name", model_id)
    for ln in lines[1:8]:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", ln):
            d.put("release_date", ln, normalize.partial_date)
            break
    for chip in re.findall(r"Model capability:\s*([a-z_]+)", "\n".join(lines[:12])):
        if chip.lower() in _CAP_CHIP:
            d.add("capabilities", _CAP_CHIP[chip.lower()])
        else:
            d.problem("capabilities", f"unknown capability chip {chip!r}")

    text = "\n".join(lines)
    if m := re.search(r"launched by (\w+)", text):
        d.put("organization", m.group(1))
    if re.search(r"\blow, medium, and high\b", text):
        d.add("reasoning_efforts", "low", "medium", "high")
        d.add("capabilities", "reasoning")
    if m := re.search(r"\bsupports ([^.]+?) features", text):
        d.add("capabilities", *normalize.capabilities_in(m.group(1)))
    if re.search(r"\bsearch functionality\b", text):
        d.add("capabilities", "web_search")

    # Prose benchmarks, clause by clause
    prose = " ".join(lines[overview or 0:pricing])
    for clause in re.split(r";|\. |, while |Additionally,", prose):
        name = normalize.benchmark_named_in(clause)
        if not name:
            continue
        elo = "Elo" in clause
        for value, pct, effort in _SCORE_AT.findall(clause):
            d.bench(name, f"{value}{pct}" if pct else (f"{value} Elo" if elo else value),
                    setting=effort, default_unit="score")
        if name == "FrontierMath" and (m := re.search(r"tackles (\d+(?:\.\d+)?%)", clause)):
            d.bench(name, m.group(1), setting="with python tools")

    # Header prices ("Input:" / "$1.1/1M tokens") are 302.AI's own.
    for i, ln in enumerate(lines[:pricing]):
        if ln in ("Input:", "Output:") and i + 1 < len(lines):
            d.price(ln[:-1].lower(), lines[i + 1])
    # API Pricing table: id, description, context, official Input/Output, then 302.AI Input/Output
    table = lines[pricing + 1:]
    row = next((i for i, ln in enumerate(table) if ln == model_id), None)
    if row is not None:
        cells = table[row + 1:row + 8]
        if len(cells) > 1 and re.fullmatch(r"[\d,]+", cells[1]):
            d.put("context_window", cells[1], normalize.token_count)
        priced = [c for c in cells if re.match(r"^(Input|Output)\s*\$", c)]
        for n, cell in enumerate(priced[:4]):
            kind = "input" if cell.startswith("Input") else "output"
            d.price(kind, re.sub(r"^(Input|Output)", "", cell), tier="official" if n < 2 else None)

    card = d.build()
    return Parsed(cards=[card] if card else [], problems=d.problems)
