"""OpenAI, the vendor. Three page kinds:

- the model docs as plain text for machines (https://cdn.openai.com/API/docs/txt/llms-models-pricing.txt):
  a card per model section, the source's page for specs, snapshots and prices (openai_models_text.py);
- platform docs model pages (https://platform.openai.com/docs/models/<id>, built by script behind bot
  protection, read when a body of one is at hand): context window, max output, prices per million
  tokens, snapshots, knowledge cutoff, and deprecation notices -> one card (here);
- posts (openai.com/index/... announcements and system cards, staff announcements on the community
  forum): release dates, capabilities and benchmark results, a card per model stated (openai_posts.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.text import page_lines
from modeltrail.pipelines.parsers import openai_models_text
from modeltrail.pipelines.parsers import openai_posts
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "openai"
PARSER_VERSION = "openai/1"
_PRICE_LABELS = {"input": "input", "cached input": "cache_read", "output": "output",
                 "batch input": "batch_input", "batch output": "batch_output"}


def is_card_url(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.path.startswith("/docs/models/") and parts.path.rstrip("/") != "/docs/models") or \
        parts.path.startswith("/index/") or parts.path.endswith("/llms-models-pricing.txt")


_model_id = openai_posts.model_id


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    text = page if isinstance(page, str) else page[:4000].decode("utf-8", "replace")
    if openai_models_text.is_models_text(url, text):
        return openai_models_text.parse(page, url, fetched_at)
    lines = page_lines(page, content_type)
    if urlsplit(url).path.startswith("/docs/models/") or _stat(lines, "context window"):
        return _docs_page(lines, page, url, fetched_at)
    return openai_posts.parse(lines, page, url, fetched_at)


def _stat(lines: list[str], label: str) -> str | None:
    """Docs pages print a figure before its label: "200,000 context window", "Sep 30, 2023 knowledge cutoff"
    (older layouts: "Context window: 200,000")."""
    for ln in lines:
        if m := re.fullmatch(rf"(.+?)\s+{label}", ln, re.I):
            return m.group(1)
        if m := re.fullmatch(rf"{label}\s*:?\s*(.+)", ln, re.I):
            return m.group(1)
    return None


def _docs_page(lines, page, url, fetched_at) -> Parsed:
    d = Draft(SOURCE, url, fetched_at, sha256(page), PARSER_VERSION)
    ctx = _stat(lines, "context window")
    if not lines or ctx is None:
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", "no model card found (no context window)")])
    path_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    title = next((ln for ln in lines if ln.lower() == path_id.lower()), lines[0])  # the h1, past the nav
    d.put("source_model_id", path_id if path_id and path_id != "models" else _model_id(title))
    d.put("name", title)
    d.put("organization", "OpenAI")
    d.put("context_window", ctx, normalize.token_count)
    d.put("max_output_tokens", _stat(lines, "max output tokens"), normalize.token_count)
    d.put("training_cutoff", _stat(lines, "knowledge cutoff"), normalize.partial_date)
    if any(ln.lower() == "reasoning token support" for ln in lines):
        d.add("capabilities", "reasoning")
    for ln in lines:
        low = ln.lower()
        if m := re.match(r"^(input|cached input|output|batch input|batch output)\s*:?\s*(\$\S+.*)$", ln, re.I):
            d.price(_PRICE_LABELS[m.group(1).lower()], m.group(2))
        if m := re.match(r"^(reasoning|function calling|structured outputs|streaming|fine-tuning|batch api)\s*:?\s*supported$", low):
            d.add("capabilities", normalize.capability(m.group(1).replace("batch api", "batch")))
        if m := re.match(r"^(text|image|audio|video)\s*:?\s*(input and output|input only|output only|input|output)$", low):
            if "input" in m.group(2):
                d.add("input_modalities", m.group(1))
            if "output" in m.group(2) and "input only" not in m.group(2):
                d.add("output_modalities", m.group(1))
        if m := re.match(r"^reasoning effort\s*:?\s*(.+)$", low):
            d.add("reasoning_efforts", *[e for e in ("minimal", "low", "medium", "high") if e in m.group(1)])
        if m := re.search(r"\b(deprecated|shutdown|shut down|retire[sd]?)\b.*?(\d{4}-\d{2}-\d{2})", ln, re.I):
            d.put("status", "deprecated")
            if m.group(1).lower().startswith(("shut", "retire")):
                d.put("retirement_date", m.group(2), normalize.partial_date)
            else:
                d.put("deprecation_date", m.group(2), normalize.partial_date)
        if re.match(r"^deprecated$", low):
            d.put("status", "deprecated")
        if m := re.search(r"\b(?:recommended replacement|use|migrate to)\s*:?\s*(o\d[\w.-]*|gpt-[\w.-]+)", ln, re.I):
            if "deprecat" in " ".join(lines).lower():
                d.put("successor", m.group(1).rstrip("."))
    snapshots = [ln for ln in lines if re.fullmatch(re.escape(path_id) + r"-\d{4}-\d{2}-\d{2}", ln)]
    if snapshots:
        d.put("version", "-".join(sorted(snapshots)[-1].split("-")[-3:]))  # the newest snapshot
    card = d.build()
    return Parsed(cards=[card] if card else [], problems=d.problems)
