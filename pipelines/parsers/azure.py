"""Azure AI Foundry catalog: one model page (https://ai.azure.com/catalog/models/<name>) -> one card.

Vendor quirks:
- The page is mostly marketing prose shared by a whole model family: the "Key model capabilities" list
  also describes o1, o3 and o4-mini. A bullet that opens with another model's name is about that model
  and is skipped, so o1's image analysis never becomes o3-mini's.
- Specs appear twice: "Long context" prose ("Context window: 200K, Max Completion Tokens: 100K") and the
  "Model Specifications" panel ("Context Length200000": text captures glue label and value).
- "The provider has not supplied this information." is the page's way of saying null.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from modeltrail.pipelines import identity

from modeltrail.pipelines import normalize
from modeltrail.pipelines import prose
from modeltrail.pipelines.text import page_lines
from modeltrail.pipelines.parsers import azure_search
from modeltrail.pipelines.parsers import tables
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import RawUpstream
from modeltrail.pipelines.parsers.base import index_of
from modeltrail.pipelines.parsers.base import label_value
from modeltrail.pipelines.parsers.base import read_raw
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "azure"
PARSER_VERSION = "azure/1"
NOT_SUPPLIED = "the provider has not supplied this information"
_OTHER_MODEL = re.compile(r"^(o\d[\w.-]*|gpt-[\w.-]+|phi-[\w.-]+)\b[ :]", re.I)
#: the lifecycle words the catalog page prints alone on a line (normalize.status reads them)
_STATUS_LINES = {"preview", "generally available", "deprecated", "retired", "deprecating"}


def is_card_url(url: str) -> bool:
    parts = urlsplit(url).path.rstrip("/").split("/")
    return len(parts) >= 4 and parts[-2] == "models" and parts[-3] == "catalog"


_VERSION = re.compile(r"^Version:\s*\S")
_UPDATED = re.compile(r"^(.{0,40}?)\s*Last updated\b", re.I)
_CONTEXT = re.compile(r"Context window:[ \t]*([\d.,]+[ \t]*[KM]?)", re.I)
_MAX_OUTPUT = re.compile(r"Max (?:Completion|Output) Tokens:[ \t]*([\d.,]+[ \t]*[KM]?)", re.I)
_LIFECYCLE_DATE = re.compile(r"(Deprecation|Retirement) date:?[ \t]*(.+)$", re.I | re.M)
_SUCCESSOR_WORDS = ("replaced by", "successor", "upgrade to", "migrate to")
_SUCCESSOR = re.compile(r"\b(?:replaced by|successor|upgrade to|migrate to)[: \t]+([\w.-]+)", re.I)


def _spec(lines: list[str], label: str, start: int) -> str | None:
    value = label_value(lines, label, start)
    if value is None or value.lower().rstrip(".") == NOT_SUPPLIED:
        return None
    return value


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    if _is_json(page, content_type):
        if b'"indexEntitiesResponse"' in (page if isinstance(page, bytes) else page.encode()):
            return azure_search.parse(page, url, fetched_at, content_type)
        return parse_api(page, url, fetched_at)
    lines = page_lines(page, content_type)
    d = Draft(SOURCE, url, fetched_at, sha256(page), PARSER_VERSION)
    path_id = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) if is_card_url(url) else None
    vline = next((i for i, ln in enumerate(lines) if ln.startswith("Version:") and _VERSION.match(ln)), -1)
    if vline >= 1:
        name = lines[vline - 1]
        d.put("version", lines[vline].split(":", 1)[1])
    elif path_id and (title := next((i for i, ln in enumerate(lines[:3]) if ln.strip().lower() == path_id.lower()),
                                    None)) is not None:
        # an older header: the model's name as the title, no version line
        vline, name = title, lines[title]
    else:
        return Parsed(problems=[_no_card(url)])
    d.put("name", name)
    d.put("source_model_id", path_id or identity.alias_key(name)[0])

    # "OpenAILast updated November 2025" (text capture) or "OpenAI" / "Last updated November 2025"; a
    # header without it names no provider (the next line is then prose or a box title, not a name).
    for i in (vline + 1, vline + 2):
        if i < len(lines) and (m := _UPDATED.match(lines[i])):
            d.put("organization", m.group(1) or (lines[i - 1] if i == vline + 2 else None))
            break
    d.put("name", page_name(name, d.values.get("organization"), path_id))

    key_caps = index_of(lines, "Key capabilities", vline)
    for ln in lines[vline + 2: key_caps if key_caps > 0 else vline + 12]:
        # tag chips under the description: "Reasoning", "Multilingual", "Coding", "Preview"
        if len(ln.split()) <= 2 and ln.lower() in normalize.CAPABILITY_WORDS:
            d.add("capabilities", normalize.capability(ln))
        elif ln.lower() in _STATUS_LINES:
            d.put("status", ln, normalize.status)

    own = identity.alias_key(path_id or name)[0]
    start = index_of(lines, "Key model capabilities")
    end = index_of(lines, "Use cases", max(start, 0))
    for ln in lines[start + 1: end] if start >= 0 else []:
        bullet = ln.lstrip("•-* ").strip()
        m = _OTHER_MODEL.match(bullet)
        if m and identity.alias_key(m.group(1))[0] != own:
            continue
        d.add("capabilities", *normalize.capabilities_in(bullet))
        if re.search(r"reasoning effort", bullet, re.I):
            d.add("reasoning_efforts", *[e for e in ("low", "medium", "high", "minimal")
                                         if re.search(rf"\b{e}\b", bullet, re.I)])
            d.add("capabilities", "reasoning")

    # each pattern over the few lines holding its words (a long page's text is mostly other prose)
    text = "\n".join(lines)
    for m in _CONTEXT.finditer(prose.lines_with(text, "context window:")):
        d.put("context_window", m.group(1), normalize.token_count)
    for m in _MAX_OUTPUT.finditer(prose.lines_with(text, "tokens:")):
        d.put("max_output_tokens", m.group(1), normalize.token_count)
    for m in _LIFECYCLE_DATE.finditer(prose.lines_with(text, "deprecation date", "retirement date")):
        field = "deprecation_date" if m.group(1).lower() == "deprecation" else "retirement_date"
        d.put(field, m.group(2), normalize.partial_date)
        d.put("status", "deprecated" if "status" not in d.values else d.values["status"])
    for m in _SUCCESSOR.finditer(prose.lines_with(text, *_SUCCESSOR_WORDS)):
        d.put("successor", m.group(1))

    # facts the page states in sentences (HF-style model cards, newer templates), when no label gave them
    if "context_window" not in d.values and (ctx := prose.context_in_prose(text)):
        d.put("context_window", ctx, normalize.token_count)
    if params := prose.parameters_in_prose(text):
        d.put("parameters", params, normalize.scaled_count)
    if cutoff := prose.cutoff_in_prose(text):
        d.put("training_cutoff", cutoff, normalize.partial_date)

    # benchmark tables comparing models: this model's column, in the setting its table names
    for setting, reported, score in tables.column_scores(lines, path_id or name):
        d.bench(reported, score, setting=setting, default_unit="score")

    specs = index_of(lines, "Model Specifications")
    if specs >= 0:
        d.put("context_window", _spec(lines, "Context Length", specs), normalize.token_count)
        if q := _spec(lines, "Quality Index", specs):
            d.bench("Quality Index", q, default_unit="index")
        d.put("license", _spec(lines, "License", specs))
        d.put("training_cutoff", _spec(lines, "Training Data", specs), normalize.partial_date)
        d.put("organization", _spec(lines, "Provider", specs))
        for field, label in (("input_modalities", "Input Type"), ("output_modalities", "Output Type")):
            for word in re.split(r"[,/]|\band\b", _spec(lines, label, specs) or ""):
                if word.strip():
                    try:
                        d.add(field, normalize.modality(word))
                    except normalize.NormalizeError as exc:
                        d.problem(field, str(exc))
        if (langs := _spec(lines, "Languages", specs)) and re.match(r"([2-9]|\d{2,})\s+Languages", langs):
            d.add("capabilities", "multilingual")
    else:
        training = index_of(lines, "Training cut-off date")
        said = lines[training + 1].lower().strip() if 0 <= training < len(lines) - 1 else ""
        # (a capture cut short can end inside the phrase: "The provider ha")
        if training >= 0 and said and NOT_SUPPLIED not in said and not (len(said) >= 8 and NOT_SUPPLIED.startswith(said)):
            d.put("training_cutoff", lines[training + 1], normalize.partial_date)

    card = d.build()
    return Parsed(cards=[card] if card else [], problems=d.problems)


def page_name(title: str, publisher: str | None, model_id: str | None) -> str:
    """The model's name as the catalog's API spells it: a page titles some models "<publisher> <id>"
    ("OpenAI o1-mini") where the API's displayName is the id ("o1-mini"); the publisher is the card's
    organization. The two ways of reading the source must give one name, or falling back from the API to
    the pages would record a name change that never happened."""
    if publisher and model_id and title.lower().startswith(publisher.lower() + " "):
        rest = title[len(publisher) + 1:].strip()
        if rest.lower() == model_id.lower():
            return rest
    return title


def _no_card(url: str):
    from modeltrail.pipelines.records import InvalidValue

    return InvalidValue(SOURCE, url, "page", "no model card found (no 'Version:' line): layout changed?")


# --- the catalog's JSON endpoint (https://ai.azure.com/api/catalog/models/<name>) ----------------------
# What the catalog page's own script loads. Same facts as the page, as data: cheaper and steadier than
# the page's markup. Read into exactly the card the page gives (tested), so that falling back from one
# to the other never shows up as a change in history.

_FEATURES = {"functionCalling": "function_calling", "structuredOutputs": "structured_outputs",
             "systemMessages": "system_messages", "developerMessages": "developer_messages",
             "vision": "vision", "streaming": "streaming", "batch": "batch"}


def _is_json(page: str | bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    head = page[:64].lstrip() if isinstance(page, (bytes, str)) else ""
    return head[:1] in (b"{", "{")


def api_page_url(url: str) -> str:
    """The catalog page of an endpoint url: the card's url, whichever way it was read."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.replace('/api/catalog/models/', '/catalog/models/', 1)}"


class RawFeatures(RawUpstream):
    functionCalling: bool | None = None
    structuredOutputs: bool | None = None
    systemMessages: bool | None = None
    developerMessages: bool | None = None
    vision: bool | None = None
    streaming: bool | None = None
    batch: bool | None = None
    reasoningEffort: list[str] | None = None


class RawLimits(RawUpstream):
    contextLength: int | str | None = None
    maxOutputTokens: int | str | None = None


class RawModalities(RawUpstream):
    input: list[str] | None = None
    output: list[str] | None = None


class RawLifecycle(RawUpstream):
    stage: str | None = None
    deprecationDate: str | None = None
    retirementDate: str | None = None
    replacement: str | None = None


class RawModel(RawUpstream):
    """The endpoint's JSON for one model, as it comes."""
    name: str
    displayName: str | None = None
    version: str | None = None
    publisher: str | None = None
    tags: list[str] | None = None
    features: RawFeatures | None = None
    limits: RawLimits | None = None
    modalities: RawModalities | None = None
    license: str | None = None
    trainingDataCutoff: str | None = None
    languages: int | None = None
    qualityIndex: float | None = None
    lifecycle: RawLifecycle | None = None


def parse_api(page: str | bytes, url: str, fetched_at: datetime) -> Parsed:
    import json

    page_url = api_page_url(url)
    d = Draft(SOURCE, page_url, fetched_at, sha256(page), PARSER_VERSION)
    try:
        data = json.loads(page)
    except (ValueError, RecursionError) as exc:
        d.problem("page", f"the endpoint's answer is not JSON we can read: {str(exc)[:120]}")
        return Parsed(problems=d.problems)
    if not isinstance(data, dict) or not data.get("name"):
        d.problem("page", "the endpoint's JSON has no model name: its format changed?")
        return Parsed(problems=d.problems)
    raw, problems = read_raw(RawModel, data, SOURCE, page_url, str(data.get("name"))[:80], required=("name",))
    d.problems += problems
    if raw is None:
        return Parsed(problems=d.problems)

    d.put("source_model_id", raw.name)
    d.put("name", raw.displayName or raw.name)
    d.put("version", raw.version)
    d.put("organization", raw.publisher)
    for tag in raw.tags or []:
        if tag.lower() in normalize.CAPABILITY_WORDS:
            d.add("capabilities", normalize.capability(tag))
    features = raw.features or RawFeatures()
    for key, cap in _FEATURES.items():
        if getattr(features, key) is True:
            d.add("capabilities", cap)
    for effort in features.reasoningEffort or []:
        try:
            d.add("reasoning_efforts", normalize.effort(effort))
            d.add("capabilities", "reasoning")
        except normalize.NormalizeError as exc:
            d.problem("reasoning_efforts", str(exc))
    limits = raw.limits or RawLimits()
    for field, value in (("context_window", limits.contextLength), ("max_output_tokens", limits.maxOutputTokens)):
        if value is not None:
            d.put(field, str(value), normalize.token_count)
    modalities = raw.modalities or RawModalities()
    for field, words in (("input_modalities", modalities.input), ("output_modalities", modalities.output)):
        for word in words or []:
            try:
                d.add(field, normalize.modality(word))
            except normalize.NormalizeError as exc:
                d.problem(field, str(exc))
    d.put("license", raw.license)
    d.put("training_cutoff", raw.trainingDataCutoff, normalize.partial_date)
    if raw.languages is not None and raw.languages >= 2:
        d.add("capabilities", "multilingual")
    if raw.qualityIndex is not None:
        d.bench("Quality Index", str(raw.qualityIndex), default_unit="index")
    life = raw.lifecycle or RawLifecycle()
    if life.stage:
        d.put("status", life.stage, normalize.status)
    d.put("deprecation_date", life.deprecationDate, normalize.partial_date)
    d.put("retirement_date", life.retirementDate, normalize.partial_date)
    d.put("successor", life.replacement)
    card = d.build()
    return Parsed(cards=[card] if card else [], problems=d.problems)
