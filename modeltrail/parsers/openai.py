"""OpenAI, the vendor. Two page kinds:

- platform docs model pages (https://platform.openai.com/docs/models/<id>): context window, max output,
  prices per million tokens, snapshots, knowledge cutoff, and deprecation notices -> one card;
- announcement posts on openai.com/index/...: benchmark results in prose and tables, often for several
  models at once -> one card per model the post gives a score for.

Vendor quirks:
- A post compares its subject with other models in one sentence: "o1-mini (70.0%) is competitive with
  o1 (74.4%) ... outperforms o1-preview (44.6%)". Each value goes to the model written next to it; the
  subject's own score is the one without a name in parentheses ("o1-mini achieves 1650 Elo").
- Safety tables have a column per model: "Metric | GPT-4o | o1-mini |".
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from .. import identity, normalize
from ..records import InvalidValue
from ..text import page_lines
from .base import Draft, Parsed, sha256

SOURCE = "openai"
PARSER_VERSION = "openai/1"
_MODEL = r"(?:OpenAI )?(o\d(?:-mini|-preview|-pro)?|GPT-4o(?: mini|-mini)?|GPT-4\.1(?:-mini)?|GPT-4|GPT-5(?:\.\d)?(?: mini)?)"
_NAMED_SCORE = re.compile(_MODEL + r"\s*\((\d+(?:\.\d+)?%?)\)")
_PRICE_LABELS = {"input": "input", "cached input": "cache_read", "output": "output",
                 "batch input": "batch_input", "batch output": "batch_output"}


def is_card_url(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.path.startswith("/docs/models/") and parts.path.rstrip("/") != "/docs/models") or \
        parts.path.startswith("/index/")


def _model_id(name: str) -> str:
    """The id OpenAI uses for a model name written in prose: "GPT-4o mini" -> "gpt-4o-mini"."""
    return identity.alias_key(name)[0]



def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    lines = page_lines(page, content_type)
    if urlsplit(url).path.startswith("/docs/models/") or _stat(lines, "context window"):
        return _docs_page(lines, page, url, fetched_at)
    return _announcement(lines, page, url, fetched_at)


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


def _announcement(lines, page, url, fetched_at) -> Parsed:
    text = " ".join(lines)
    m = re.search(r"We[’']re releasing (?:OpenAI )?(\S+?),", text)
    if not m:
        return Parsed(problems=[InvalidValue(SOURCE, url, "page",
                                             "no model card found (no \"We're releasing <model>\" line)")])
    subject = _model_id(m.group(1))
    drafts: dict[str, Draft] = {}
    sha = sha256(page)

    def draft(model: str) -> Draft:
        key = _model_id(model)
        if key not in drafts:
            dd = Draft(SOURCE, url, fetched_at, sha, PARSER_VERSION)
            dd.put("source_model_id", key)
            dd.put("name", f"OpenAI {key}" if key.startswith("o") else model)
            dd.put("organization", "OpenAI")
            drafts[key] = dd
        return drafts[key]

    subj = draft(subject)
    if re.search(rf"{re.escape(m.group(1))}, a [\w -]*reasoning model", text):
        subj.add("capabilities", "reasoning")

    for sentence in re.split(r"(?<=[.!?])\s+", text):
        bench = normalize.benchmark_named_in(sentence)
        if not bench:
            continue
        elo = "Elo" in sentence
        for model, value in _NAMED_SCORE.findall(sentence):
            raw = value if value.endswith("%") else (f"{value} Elo" if elo else value)
            draft(model).bench(bench, raw, default_unit="score")
        # the subject's own figure: "o1-mini achieves 1650 Elo"
        for own in re.finditer(rf"{re.escape(m.group(1))} (?:achieves|scores|reaches) (\d+(?:\.\d+)?)\s*(Elo|%)",
                               sentence):
            subj.bench(bench, own.group(1) + (" Elo" if own.group(2) == "Elo" else "%"))

    # "Metric | GPT-4o | o1-mini |" tables: a column per model
    for i, ln in enumerate(lines):
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].lower() == "metric":
            models = cells[1:]
            for row in lines[i + 1:]:
                vals = [c.strip() for c in row.strip().strip("|").split("|")]
                if "|" not in row:
                    break
                if len(vals) != len(cells) or set(vals[0]) <= set("-: "):
                    continue
                name = re.sub(r"\s+", " ", vals[0].replace("(opens in a new window)", "")).strip()
                for model, v in zip(models, vals[1:]):
                    if v:
                        draft(model).bench(name, v, default_unit="score")

    cards, problems = [], []
    for key, dd in drafts.items():
        card = dd.build()
        problems += dd.problems
        if card and (key == subject or card.benchmarks):
            cards.append(card)
    return Parsed(cards=cards, problems=problems)
