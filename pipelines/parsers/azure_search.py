"""Azure AI Foundry's catalog search API: one page of results -> a card per model.

The catalog page loads its models from `POST https://ai.azure.com/api/<region>/ux/v1.0/entities/
crossRegion` (a public search endpoint; see spiders/azure.py for the request). A response is
`{"indexEntitiesResponse": {"totalCount", "value": [entity, …], "nextSkip", "continuationToken"}}`;
each entity names its registry (`entityResourceName`), the model (`annotations.name`,
`properties.name`, `properties.version`) and its catalog facts (`annotations.systemCatalogData`).

Read through pydantic models of that raw shape: a value of the wrong type is a problem naming the model
and the field, and the rest of the card survives; keys not read are listed in the run's notes. The
shape is promised only as far as the public projects that use this endpoint show it, so every field
but the name is optional and types are taken loosely (a list or a comma-separated string, a number or
a numeric string).

Vendor quirks:
- `lifecycle` is a word ("GenerallyAvailable", "Preview", "Deprecated", "Retired"); `preview` a flag.
- `inferenceDeprecationDate` / `inferenceRetirementDate` are stated lifecycle dates (ISO, perhaps with
  a time): the model is deprecated from the first.
- A model's card url is its catalog page (https://ai.azure.com/catalog/models/<name>); the values'
  page is the API response they came in (page_sha256).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import RawUpstream
from modeltrail.pipelines.parsers.base import read_raw
from modeltrail.pipelines.parsers.base import sha256
from modeltrail.pipelines.parsers.base import unread_keys_note

SOURCE = "azure"
PARSER_VERSION = "azure-search/1"
CATALOG_PAGE = "https://ai.azure.com/catalog/models/{name}"

_Words = list[str] | str
_Count = int | str


class RawCatalogData(RawUpstream):
    displayName: str | None = None
    publisher: str | None = None
    summary: str | None = None
    license: str | None = None
    textContextWindow: _Count | None = None
    maxOutputTokens: _Count | None = None
    maxInputTokens: _Count | None = None
    inputModalities: _Words | None = None
    outputModalities: _Words | None = None
    inferenceTasks: _Words | None = None
    modelCapabilities: _Words | None = None
    deploymentTypes: _Words | None = None
    azureOffers: _Words | None = None
    languages: _Words | int | None = None
    trainingDataDate: str | None = None
    lifecycle: str | None = None
    preview: bool | None = None
    inferenceDeprecationDate: str | None = None
    inferenceRetirementDate: str | None = None
    inferenceLegacyDate: str | None = None


class RawAnnotations(RawUpstream):
    name: str | None = None
    labels: list[str] | None = None
    tags: dict[str, Any] | None = None
    systemCatalogData: RawCatalogData | None = None


class RawProperties(RawUpstream):
    name: str | None = None
    version: str | int | None = None


class RawEntity(RawUpstream):
    entityResourceName: str | None = None
    entityId: str | None = None
    annotations: RawAnnotations | None = None
    properties: RawProperties | None = None


class RawIndexResponse(RawUpstream):
    totalCount: int | None = None
    value: list[Any] = []
    nextSkip: int | None = None
    continuationToken: str | None = None


#: The catalog's own "Legacy" stage comes before deprecation: no new deployments, retirement announced.
#: For Azure it is read as deprecated (normalize.status leaves "legacy" out: other vendors mean "old").
_AZURE_LEGACY = "legacy"
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]")


def is_search_response(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("indexEntitiesResponse"), dict)


def continuation(data: Any) -> tuple[str | None, int | None]:
    """(the token of the next page or None at the end, the total count) of a parsed response."""
    body = data.get("indexEntitiesResponse") or {}
    token = body.get("continuationToken")
    total = body.get("totalCount")
    return (token if isinstance(token, str) and token else None), (total if isinstance(total, int) else None)


def model_names(data: Any) -> list[str]:
    """The model names of a parsed response's entities (the crawl fetches each one's catalog page)."""
    names = []
    for entry in (data.get("indexEntitiesResponse") or {}).get("value") or []:
        name = _name_of(entry)
        if name is None and isinstance(entry, dict) and isinstance(entry.get("properties"), dict):
            name = entry["properties"].get("name") if isinstance(entry["properties"].get("name"), str) else None
        if name and re.fullmatch(r"[\w.-]{1,200}", name):
            names.append(name)
    return list(dict.fromkeys(names))


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    digest = sha256(page)
    try:
        data = json.loads(page)
    except (ValueError, RecursionError) as exc:
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", f"not JSON we can read: {str(exc)[:120]}")])
    if not is_search_response(data):
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", "not a catalog search response "
                                             "(no \"indexEntitiesResponse\")")])
    body, problems = read_raw(RawIndexResponse, data["indexEntitiesResponse"], SOURCE, url, "indexEntitiesResponse")
    out = Parsed(problems=problems)
    if body is None:
        return out
    unknown: Counter[str] = Counter()
    seen: set[str] = set()
    for n, entry in enumerate(body.value):
        who = _name_of(entry) or f"value[{n}]"
        entity, problems = read_raw(RawEntity, entry, SOURCE, url, who)
        out.problems += problems
        if entity is None:
            continue
        name = (entity.annotations and entity.annotations.name) or (entity.properties and entity.properties.name)
        if not name:
            out.problems.append(InvalidValue(SOURCE, url, who, "an entity without a model name"))
            continue
        if name in seen:
            out.notes.append(f"{name} is listed twice (registries); the first is kept")
            continue
        seen.add(name)
        catalog = entity.annotations.systemCatalogData if entity.annotations else None
        if catalog is not None:
            unknown.update(f"systemCatalogData.{k}" for k in catalog.model_extra or {})
        card, problems = _card(entity, name, catalog or RawCatalogData(), fetched_at, digest)
        out.problems += problems
        if card is not None:
            out.cards.append(card)
    out.notes += unread_keys_note(unknown)
    return out


def _name_of(entry: Any) -> str | None:
    if isinstance(entry, dict) and isinstance(entry.get("annotations"), dict):
        name = entry["annotations"].get("name")
        return name if isinstance(name, str) else None
    return None


def _words(value: _Words | None) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[,;]", value)
    return [w.strip() for w in items if isinstance(w, str) and w.strip()]


def _day(text: str | None) -> str | None:
    if not text:
        return None
    m = _ISO_DAY.match(text.strip())
    return m.group(1) if m else text


def _card(entity: RawEntity, name: str, c: RawCatalogData, fetched_at: datetime, digest: str):
    d = Draft(SOURCE, CATALOG_PAGE.format(name=name), fetched_at, digest, PARSER_VERSION)
    d.put("source_model_id", name)
    d.put("name", c.displayName or name)
    if entity.properties is not None and entity.properties.version is not None:
        d.put("version", str(entity.properties.version))
    d.put("organization", c.publisher)
    d.put("license", c.license)
    for fieldname, value in (("context_window", c.textContextWindow), ("max_output_tokens", c.maxOutputTokens)):
        if value is not None:
            d.put(fieldname, str(value), normalize.token_count)
    for setname, value in (("input_modalities", c.inputModalities), ("output_modalities", c.outputModalities)):
        for word in _words(value):
            try:
                d.add(setname, normalize.modality(word))
            except normalize.NormalizeError as exc:
                d.problem(setname, str(exc))
    for word in _words(c.modelCapabilities):
        key = word.lower().replace("-", " ").replace("_", " ")
        if key in normalize.CAPABILITY_WORDS:
            d.add("capabilities", normalize.capability(key))
    langs = c.languages if isinstance(c.languages, int) else len(_words(c.languages))
    if langs and langs >= 2:
        d.add("capabilities", "multilingual")
    d.put("training_cutoff", _day(c.trainingDataDate), normalize.partial_date)
    if c.lifecycle:
        stage = c.lifecycle.strip()
        d.put("status", "deprecated" if stage.lower() == _AZURE_LEGACY else stage, normalize.status)
    if c.preview and "status" not in d.values:
        d.put("status", "preview")
    d.put("deprecation_date", _day(c.inferenceDeprecationDate), normalize.partial_date)
    d.put("retirement_date", _day(c.inferenceRetirementDate), normalize.partial_date)
    if (c.inferenceDeprecationDate or c.inferenceRetirementDate) and d.values.get("status") not in ("retired",):
        d.put("status", "deprecated")
    return d.build(), d.problems
