"""A card's fingerprint: a hash of everything in it that history versions (its values, never its
provenance). The warehouse keeps each model's last fingerprint (table `sightings`) and stages only the
cards whose fingerprint moved; a parse computes them as it hands its cards over (parsing.PageParser),
while other sources are still crawling, so the load does not compute them again."""

from __future__ import annotations

import hashlib

from modeltrail.pipelines.records import ModelCard

#: what a card's history versions do not cover (provenance, the identity computed apart)
NOT_VALUES = {"fetched_at", "page_sha256", "parser_version", "url", "model_id"}


def fingerprint(card: ModelCard) -> int:
    """The first 8 bytes of the SHA-256 of card.model_dump_json(exclude=NOT_VALUES), as an unsigned
    integer (the bytes straight from pydantic-core's serializer: ~9 us of a card's ~11). Equal
    fingerprints, no new version. Stored: computed another way, every card would be staged once more."""
    data = type(card).__pydantic_serializer__.to_json(card, exclude=NOT_VALUES)
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
