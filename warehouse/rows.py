"""A card as history rows: the canonical values a version covers, their hashes, and the fields a card
stopped stating. Pure functions: no connection here (warehouse/db.py stages and merges the rows)."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from modeltrail.handover import SourceLoad
from modeltrail.records import ModelCard, Stated

CARD_FIELDS = (
    "name", "organization", "version", "release_date", "status", "deprecation_date", "retirement_date",
    "successor", "context_window", "max_output_tokens", "input_modalities", "output_modalities",
    "capabilities", "reasoning_efforts", "training_cutoff", "parameters", "training_tokens",
    "architecture", "license",
)
#: fields added after the first warehouses: in a version's hash only when they hold a value, so the
#: versions stored before them keep their hashes (and an upgrade records no change)
LATER_FIELDS = ("listed_date", "hugging_face_id")
LIST_FIELDS = {"input_modalities", "output_modalities", "capabilities", "reasoning_efforts"}

_HASH_JSON = json.JSONEncoder(sort_keys=True, default=str)
_json_str = json.encoder.encode_basestring_ascii  # what json.dumps uses for str (ensure_ascii)  # one encoder: json.dumps(**kw) builds one per call


def _hash(obj: Any) -> str:
    return hashlib.sha256(_HASH_JSON.encode(obj).encode()).hexdigest()[:32]


#: what a card's history versions do not cover (provenance, the identity computed apart)
_NOT_VALUES = {"fetched_at", "page_sha256", "parser_version", "url", "model_id"}


def fingerprint(card: ModelCard) -> str:
    """A hash of everything in a card that history versions: equal fingerprints, no new version."""
    return hashlib.sha256(card.model_dump_json(exclude=_NOT_VALUES).encode()).hexdigest()[:32]


def card_row(card: ModelCard, carried: dict[str, Any] | None = None) -> dict[str, Any]:
    """The history row of a card; `carried`: values kept from its current version for fields the
    card does not state (see unstated_fields)."""
    d = card.model_dump()
    d.update(carried or {})
    canon = {f: (sorted(d[f]) if f in LIST_FIELDS else d[f]) for f in CARD_FIELDS}
    later = {f: d[f] for f in LATER_FIELDS}
    hashed = {**canon, **{f: v for f, v in later.items() if v is not None}}
    row = {"source": card.source, "source_model_id": card.source_model_id, **canon, **later,
           "row_hash": _hash(hashed), "url": card.url, "fetched_at": card.fetched_at,
           "page_sha256": card.page_sha256, "parser_version": card.parser_version}
    return row


def _scalar_json(v: Any) -> str | None:
    """json.dumps(v) for the scalars a history hash covers, without building an encoder; None when
    json.dumps must decide (the hashes must stay byte-identical to those already stored)."""
    if v is None:
        return "null"
    if isinstance(v, str):
        return _json_str(v)
    if type(v) is float and math.isfinite(v):
        return float.__repr__(v)
    if type(v) is int:
        return int.__repr__(v)
    return None


def _hash_values(values: list[Any]) -> str:
    """_hash(values) for a list of scalars, fast."""
    parts = [_scalar_json(v) for v in values]
    if any(p is None for p in parts):
        return _hash(values)
    return hashlib.sha256(("[" + ", ".join(parts) + "]").encode()).hexdigest()[:32]


def _hash_scalar(value: Any) -> str:
    text = _scalar_json(value)
    return _hash(value) if text is None else hashlib.sha256(text.encode()).hexdigest()[:32]


def _private(obj: Stated) -> dict:
    return obj.__pydantic_private__ or {}


def price_rows(card: ModelCard) -> list[dict[str, Any]]:
    rows = []
    for p in card.prices:
        own = _private(p)
        per_token = p.unit == "1M tokens" and not p.variable
        # a per-token amount hashes as it always did; other prices hash their unit and variability too
        row_hash = (_hash_scalar(p.usd_per_million_tokens) if per_token
                    else _hash_values([p.unit, p.usd_per_million_tokens, p.usd_per_unit, p.variable]))
        rows.append({"source": card.source, "source_model_id": card.source_model_id, "kind": p.kind,
                     "tier": p.tier, "usd_per_million_tokens": p.usd_per_million_tokens,
                     "unit": p.unit, "usd_per_unit": p.usd_per_unit, "variable": p.variable,
                     "row_hash": row_hash, "url": own.get("_url") or card.url,
                     "fetched_at": card.fetched_at, "page_sha256": own.get("_page_sha256") or card.page_sha256})
    return rows


def benchmark_rows(card: ModelCard) -> list[dict[str, Any]]:
    rows = []
    for b in card.benchmarks:
        own = _private(b)
        rows.append({"source": card.source, "source_model_id": card.source_model_id, "benchmark": b.benchmark,
                     "reported_name": b.reported_name, "setting": b.setting, "value": b.value, "unit": b.unit,
                     "row_hash": _hash_values([b.benchmark, b.value, b.unit]), "url": own.get("_url") or card.url,
                     "fetched_at": card.fetched_at, "page_sha256": own.get("_page_sha256") or card.page_sha256})
    return rows


#: the fields whose absence from a card is checked against what it stated before (name is always there)
HISTORY_FIELDS = tuple(f for f in (*CARD_FIELDS, *LATER_FIELDS) if f != "name")
#: a run that finds a field unstated on more cards than this (and this share of them) is partial
UNSTATED_MAX, UNSTATED_SHARE = 3, 0.02


def empty(v: Any) -> bool:
    return v is None or v == "" or v == []


def judge_unstated(load: SourceLoad, carried: dict[str, dict[str, Any]]) -> None:
    """Count the fields the cards stopped stating: a few are noted; a field lost on many cards at once
    (template drift) makes the run partial, so that it closes and removes nothing."""
    per_field: dict[str, int] = {}
    for fields in carried.values():
        for f in fields:
            per_field[f] = per_field.get(f, 0) + 1
    limit = max(UNSTATED_MAX, UNSTATED_SHARE * len(load.cards))
    for f, n in sorted(per_field.items()):
        text = (f"field {f} unstated on {n} card(s) that stated it before (last stated value kept; "
                "see `modeltrail changes`)")
        if n > limit:
            load.reasons.append(text + ": template drift?")
            if load.status == "complete":
                load.status = "partial"
        else:
            load.notes.append(text)


def as_text(v: Any) -> str:
    return ",".join(map(str, v)) if isinstance(v, list) else str(v)
