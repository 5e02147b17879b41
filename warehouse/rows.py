"""A card as history rows: the canonical values a version covers, the card's hash, and the fields a card
stopped stating. (Price and score rows carry no hash: merge.sql compares their few values.) Pure
functions: no connection here (warehouse/load.py stages and merges the rows)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from modeltrail.pipelines.handover import SourceLoad
from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.records import Stated

CARD_FIELDS = (
    "name", "organization", "version", "release_date", "status", "deprecation_date", "retirement_date",
    "successor", "context_window", "max_output_tokens", "input_modalities", "output_modalities",
    "capabilities", "reasoning_efforts", "training_cutoff", "parameters", "training_tokens",
    "architecture", "license",
)
#: fields added after the first warehouses: in a version's hash only when they hold a value, so the
#: versions stored before them keep their hashes (and an upgrade records no change)
LATER_FIELDS = ("listed_date", "hugging_face_id", "provider", "mode", "regions", "open_weights", "last_updated",
                "section", "retirement_qualifier")
LIST_FIELDS = {"input_modalities", "output_modalities", "capabilities", "reasoning_efforts", "regions"}

_HASH_JSON = json.JSONEncoder(sort_keys=True, default=str)


def _hash(obj: Any) -> str:
    """32 hex digits of the SHA-256 of obj as sorted-key JSON (the digests kept in `meta`)."""
    return hashlib.sha256(_HASH_JSON.encode(obj).encode()).hexdigest()[:32]


def _row_hash(obj: Any) -> int:
    """The first 64 bits of the same SHA-256, as an unsigned integer (a version's UBIGINT row_hash).
    Schemas before 4 stored _hash(obj) as the row's hash: migration 0004 keeps its first 16 digits."""
    return _u64(_HASH_JSON.encode(obj))


def _u64(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def card_row(card: ModelCard, carried: dict[str, Any] | None = None) -> dict[str, Any]:
    """The history row of a card; `carried`: values kept from its current version for fields the
    card does not state (see load.unstated_of). Its hash covers the canonical values (lists sorted; a
    later field only when it holds a value, so that versions stored before it keep their hashes)."""
    d = card.model_dump()
    d.update(carried or {})
    canon = {f: (sorted(d[f]) if f in LIST_FIELDS else d[f]) for f in CARD_FIELDS}
    # (a later list field with no item is NULL, as on every version stored before it existed: an empty
    # list there would read as a change from nothing to nothing)
    later = {f: ((sorted(d[f]) or None) if f in LIST_FIELDS else d[f]) for f in LATER_FIELDS}
    hashed = {**canon, **{f: v for f, v in later.items() if not empty(v)}}
    return {"source": card.source, "source_model_id": card.source_model_id, **canon, **later,
            "row_hash": _row_hash(hashed), "url": card.url, "fetched_at": card.fetched_at,
            "page_sha256": card.page_sha256, "parser_version": card.parser_version}


def _private(obj: Stated) -> dict:
    return obj.__pydantic_private__ or {}


def price_rows(card: ModelCard) -> list[dict[str, Any]]:
    rows = []
    for p in card.prices:
        own = _private(p)
        rows.append({"source": card.source, "source_model_id": card.source_model_id, "kind": p.kind,
                     "tier": p.tier, "usd_per_million_tokens": p.usd_per_million_tokens,
                     "unit": p.unit, "usd_per_unit": p.usd_per_unit, "variable": p.variable,
                     "url": own.get("_url") or card.url,
                     "fetched_at": card.fetched_at, "page_sha256": own.get("_page_sha256") or card.page_sha256})
    return rows


def benchmark_rows(card: ModelCard) -> list[dict[str, Any]]:
    rows = []
    for b in card.benchmarks:
        own = _private(b)
        rows.append({"source": card.source, "source_model_id": card.source_model_id, "benchmark": b.benchmark,
                     "reported_name": b.reported_name, "setting": b.setting, "value": b.value, "unit": b.unit,
                     "url": own.get("_url") or card.url,
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
