"""OpenRouter's public model list (GET https://openrouter.ai/api/v1/models): one JSON page -> a card per
model id.

The JSON is read through pydantic models of its raw shape (below), never by poking at dicts: a field of
the wrong type is a problem naming the model and the field, and the rest of that card survives. The
shape drifts from day to day (keys appear: `expiration_date`, `knowledge_cutoff`, `input_cache_write`);
keys this parser does not know are listed in the run's notes (which keys, on how many cards), never an
error.

Vendor quirks:
- Prices are USD per token as decimal strings ("0.00000015"): read as decimals, so 0.0000011 is 1.1 per
  million tokens exactly. `request`, `image`, `web_search` and `audio` are per request / image / search /
  unit, never tokens. "-1" is a variable price (a router picks the model), "0" is free.
- `created` is when OpenRouter listed the model, not when its vendor released it (`listed_date`).
- `expiration_date` is a stated retirement date: the model is deprecated until then.
- An id's ":free" / ":extended" suffix is a variant offering of the same model (see identity.alias_key).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import UNIT_OF_KIND
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.records import Price
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import first_line
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import RawUpstream
from modeltrail.pipelines.parsers.base import read_raw
from modeltrail.pipelines.parsers.catalog import Catalog
from modeltrail.pipelines.parsers.catalog import Entry
from modeltrail.pipelines.parsers.catalog import EntryParsed
from modeltrail.pipelines.parsers.catalog import Split
from modeltrail.pipelines.parsers.catalog import raws_of
from modeltrail.pipelines.parsers.catalog import read_json
from modeltrail.pipelines.parsers.base import unread_keys_note

SOURCE = "openrouter"
PARSER_VERSION = "openrouter/1"

_Num = str | int | float


class RawPricing(RawUpstream):
    prompt: _Num | None = None
    completion: _Num | None = None
    input_cache_read: _Num | None = None
    input_cache_write: _Num | None = None
    internal_reasoning: _Num | None = None
    request: _Num | None = None
    image: _Num | None = None
    web_search: _Num | None = None
    audio: _Num | None = None


class RawArchitecture(RawUpstream):
    input_modalities: list[str] = []
    output_modalities: list[str] = []
    modality: str | None = None
    tokenizer: str | None = None
    instruct_type: str | None = None


class RawTopProvider(RawUpstream):
    context_length: int | None = None
    max_completion_tokens: int | None = None
    is_moderated: bool | None = None


class RawModel(RawUpstream):
    id: str
    name: str
    canonical_slug: str | None = None
    hugging_face_id: str | None = None
    created: int | float | None = None
    description: str | None = None
    context_length: int | None = None
    architecture: RawArchitecture | None = None
    pricing: RawPricing | None = None
    top_provider: RawTopProvider | None = None
    per_request_limits: Any = None
    supported_parameters: list[str] | None = None
    default_parameters: Any = None
    expiration_date: str | None = None
    knowledge_cutoff: str | None = None
    links: Any = None


#: pricing key -> price kind. Token kinds are per token upstream; the rest per their own unit.
PRICE_KINDS = {
    "prompt": "input", "completion": "output", "input_cache_read": "cache_read",
    "input_cache_write": "cache_write", "internal_reasoning": "reasoning",
    "request": "request", "image": "image", "web_search": "web_search", "audio": "audio",
}
PER_UNIT = {"request", "image", "web_search", "audio"}

#: supported_parameters -> capability
PARAMETER_CAPABILITIES = {
    "tools": "function_calling", "tool_choice": "function_calling", "parallel_tool_calls": "function_calling",
    "structured_outputs": "structured_outputs", "response_format": "structured_outputs",
    "reasoning": "reasoning", "include_reasoning": "reasoning", "reasoning_effort": "reasoning",
    "web_search_options": "web_search",
}


def is_card_url(url: str) -> bool:
    return True  # the one page is the list of every card


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    return CATALOG.parse(page, url, fetched_at)


def _split(page: str | bytes, url: str) -> Split | Parsed:
    """The items of "data" as entries (their JSON text kept), each named by its id (or its place)."""
    try:
        data = read_json(page, spans=("data",), spanned=list)
    except (ValueError, RecursionError) as exc:  # (UnicodeDecodeError is a ValueError)
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", f"not JSON we can read: {str(exc)[:120]}")])
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return Parsed(problems=[InvalidValue(SOURCE, url, "page",
                                             "not OpenRouter's model list (no \"data\" array)")])
    raws = raws_of(entries)
    return Split([Entry(_who(n, entry), raws[n] if raws else None, entry) for n, entry in enumerate(entries)],
                 context=url)


def _who(n: int, entry: Any) -> str:
    return entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"data[{n}]"


def _parse_entry(entry: Entry, url: str, fetched_at: datetime, digest: str) -> EntryParsed:
    """One model: its card and problems; facts: (its id or None when unread, how many of the problems
    came from reading it, its unknown keys)."""
    raw, problems = read_raw(RawModel, entry.value, SOURCE, url, entry.key, required=("id", "name"))
    if raw is None:
        return EntryParsed([], problems, (None, len(problems), []))
    card, card_problems = _card(raw, url, fetched_at, digest)
    return EntryParsed([] if card is None else [card], problems + card_problems,
                       (raw.id, len(problems), _unknown_keys(raw)))


def _finish(split: Split, results: list[EntryParsed]) -> Parsed:
    out = Parsed()
    unknown: Counter[str] = Counter()
    seen: set[str] = set()
    for n, r in enumerate(results):
        model_id, read, keys = r.facts
        if model_id is None:
            out.problems += r.problems
            continue
        if model_id in seen:  # (what reading it found, then why it is left out)
            out.problems += r.problems[:read]
            out.problems.append(InvalidValue(SOURCE, split.context, f"data[{n}]",
                                             f"id {model_id!r} is listed twice; the first is kept"))
            continue
        seen.add(model_id)
        unknown.update(keys)
        out.problems += r.problems
        out.cards += r.cards
    out.notes += unread_keys_note(unknown)
    return out


CATALOG = Catalog(_split, _parse_entry, _finish)


def _unknown_keys(raw: RawModel) -> list[str]:
    keys = list(raw.model_extra or {})
    for prefix, part in (("pricing", raw.pricing), ("architecture", raw.architecture),
                         ("top_provider", raw.top_provider)):
        if part is not None:
            keys += [f"{prefix}.{k}" for k in part.model_extra or {}]
    return keys


#: raw key -> the card field it states; a key present with null (or "") states the field is empty
STATED_BY = {"context_length": "context_window", "knowledge_cutoff": "training_cutoff",
             "expiration_date": "retirement_date", "hugging_face_id": "hugging_face_id"}


def _card(raw: RawModel, url: str, fetched_at: datetime, digest: str):
    d = Draft(SOURCE, url, fetched_at, digest, PARSER_VERSION)
    for key, fieldname in STATED_BY.items():
        if key in raw.model_fields_set and getattr(raw, key) in (None, ""):
            d.empty(fieldname)
    if "expiration_date" in raw.model_fields_set and not raw.expiration_date:
        d.empty("status")  # OpenRouter's only lifecycle word: no expiration, no deprecation
    if raw.top_provider is not None and "max_completion_tokens" in raw.top_provider.model_fields_set \
            and raw.top_provider.max_completion_tokens is None:
        d.empty("max_output_tokens")
    d.put("source_model_id", raw.id)
    d.put("name", raw.name)
    if "/" in raw.id:
        d.put("organization", raw.id.split("/", 1)[0])
    d.put("context_window", raw.context_length)
    if raw.top_provider is not None:
        d.put("max_output_tokens", raw.top_provider.max_completion_tokens)
    if raw.architecture is not None:
        for setname, words in (("input_modalities", raw.architecture.input_modalities),
                               ("output_modalities", raw.architecture.output_modalities)):
            for word in words:
                try:
                    d.add(setname, normalize.modality(word))
                except normalize.NormalizeError as exc:
                    d.problem(setname, str(exc))
    for param in raw.supported_parameters or []:
        if cap := PARAMETER_CAPABILITIES.get(param):
            d.add("capabilities", cap)
    if raw.supported_parameters is not None and not d.sets["capabilities"]:
        d.empty("capabilities")  # the list is there and names none of them: stated, not missing
    if raw.architecture is not None:
        for setname in ("input_modalities", "output_modalities"):
            if not d.sets[setname]:
                d.empty(setname)
    d.put("training_cutoff", raw.knowledge_cutoff, normalize.partial_date)
    if raw.expiration_date:
        d.put("retirement_date", raw.expiration_date, normalize.partial_date)
        d.put("status", "deprecated")
    d.put("hugging_face_id", raw.hugging_face_id)
    if raw.created is not None:
        d.put("listed_date", raw.created, normalize.epoch_date)
    if raw.pricing is not None:
        for key, kind in PRICE_KINDS.items():
            value = getattr(raw.pricing, key)
            if value is not None:
                _price(d, kind, value)
    card = d.build()
    return card, d.problems


def _price(d: Draft, kind: str, value: _Num) -> None:
    unit = UNIT_OF_KIND.get(kind, "1M tokens")
    if str(value).strip() == "-1":
        d.prices[(kind, None)] = Price(kind=kind, unit=unit, variable=True)
        return
    try:
        if kind in PER_UNIT:
            values = {"kind": kind, "unit": unit, "usd_per_unit": normalize.usd_amount(value)}
        else:
            values = {"kind": kind, "usd_per_million_tokens": normalize.usd_per_token_as_per_million(value)}
    except normalize.NormalizeError as exc:
        d.problem(f"prices.{kind}", first_line(exc))
        return
    d.offer(Price, (kind, None), values, f"prices.{kind}", first_line)
