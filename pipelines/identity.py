"""One identity per model: "o3-mini", "o3 Mini", "OpenAI o3-mini" and "o3-mini-2025-01-31" are all
`openai/o3-mini` (the last with version 2025-01-31).

The mapping is data, not code: aliases.csv (bundled) seeds the warehouse's `model_aliases` table, which a
user extends with `modeltrail alias add`. This module only computes the lookup key of a name.

Stored identity is resolved once, in the warehouse: `remap` (warehouse/remap.py) maps each source id
not yet mapped with the warehouse's alias table and keeps the answer in `model_identity` and on every
version. A parser calls `resolve` with the bundled aliases only to fill the card it returns (what
`modeltrail parse` prints); the load drops that answer. A dated id's version is a fact of the id
(`alias_key`), read the same way by both.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from modeltrail.pipelines import idgrammar

# Vendor names that pages put in front of a model's name ("OpenAI o3-mini", "Meta Llama 3.1").

from modeltrail.pipelines import normalize
_VENDOR_PREFIXES = ("openai", "azure openai", "microsoft", "anthropic", "google", "deepseek", "mistral")
#: bump when alias_key or resolve map names differently: the next remap then maps every id again
RULES_VERSION = 6  # 2: a variant suffix (":free") names the same model; 3: "R+" is "r-plus", not "r";
#                    4: catalog ids read by their grammar (idgrammar) when no alias maps them;
#                    5: Bedrock's capacity commitments and image step tiers are prices, not publishers;
#                       Bedrock's legacy Claude -vN:M and Titan's -vN are versions, not revisions;
#                       Claude 4 on is family first, version dotted (claude-4-5-sonnet = claude-sonnet-4.5);
#                       any version written with a hyphen is dotted (llama-3-1-70b, gpt-35-turbo, qwen-3);
#                       Oracle's xai.grok-3, Bedrock's */ region, hosts' zai-glm-4.6 and cerebras-llama-…, a host
#                       named inside an id (vercel/cerebras/qwen3-coder), re-hosting hub orgs (unsloth/…),
#                       GitHub's ai21-labs/ai21-jamba-…, Groq's qwen-qwq-32b
#                    6: releases, quantizations, hosts' serving words and spellings read as the model (Vertex's
#                       mistral-large@2407, Groq's llama3-70b-8192 and -versatile, -awq/-int8, -tput, -fast,
#                       Fireworks' glm-4p5, qwen2-5), open weights on a vendor's API are their publisher's
#                       (Deepgram's whisper), a fine-tune's ft: anywhere in an id, Bedrock's stability.*, OCI's ids
#                       (the rules and the bundled aliases of that round: `git log -- pipelines/idgrammar.py
#                       pipelines/data/aliases.csv`)

_DATED = re.compile(r"^(?P<base>.+?)-(?P<version>\d{4}-\d{2}-\d{2})$")
# An aggregator's variant of one model: "deepseek/deepseek-chat-v3-0324:free", "openai/gpt-4o:extended".
_VARIANT = re.compile(r":[a-z][a-z0-9-]*$", re.I)


_VENDOR_SLUGS = tuple(normalize.slug(v) + "-" for v in _VENDOR_PREFIXES)


@lru_cache(maxsize=8192)
def alias_key(name: str) -> tuple[str, str | None]:
    """(lookup key, version) for a name or id as a source prints it. A variant suffix (":free",
    ":extended") names an offering of the same model, not another model; a "+" is "plus"."""
    # "+" names another model ("Command R+" is Cohere's command-r-plus, not Command R): a word of its own
    key = normalize.slug(_VARIANT.sub("", name).replace("+", "-plus"))
    for prefix in _VENDOR_SLUGS:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
            break
    if m := _DATED.match(key):
        return m.group("base"), m.group("version")
    return key, None


@lru_cache(maxsize=1)
def bundled_aliases() -> dict[str, str]:
    """alias key -> canonical model id, from the bundled aliases.csv."""
    text = resources.files("modeltrail.pipelines").joinpath("data/aliases.csv").read_text("utf-8")
    return {alias_key(row["alias"])[0]: row["model_id"] for row in csv.DictReader(text.splitlines())}


def resolve_offering(source_model_id: str, name: str | None = None, provider: str | None = None,
                     aliases: dict[str, str] | None = None, source: str | None = None
                     ) -> tuple[str | None, str | None, str]:
    """(canonical model id or None, version or None, how it was resolved) for one catalog offering.

    In order: an alias of the id or its name ("alias"); the id read by its catalog's grammar
    (idgrammar.read), whose product key an alias may map ("rules + alias: …"); the grammar's own
    vendor/product ("rules: …"); else nothing ("unmatched: …"). Rules never guess: an id they do not
    understand stays unmatched (a wrong join is worse than a missed one)."""
    table = bundled_aliases() if aliases is None else aliases
    model_id, version = resolve(source_model_id, name, aliases=table)
    offer = idgrammar.read(source_model_id, provider, source)
    if model_id:
        return model_id, version or offer.version, "alias"
    if offer.model_id is None:
        why = offer.reason if offer.rules and offer.rules[-1].endswith(("not matched", "not a model")) else \
            f"{offer.reason}: no vendor known for {offer.key!r}"  # (what a user reads in `unmatched`)
        return None, offer.version or version, "unmatched: " + why
    key, _ = alias_key(offer.key)
    if key in table:
        return table[key], offer.version or version, "rules + alias: " + offer.reason
    return offer.model_id, offer.version or version, "rules: " + offer.reason


def respelled(model_id: str, aliases: dict[str, str] | None = None) -> str | None:
    """The canonical id today's rules give `model_id` when they spell it otherwise, else None. A user's
    alias whose target older rules spelled (`anthropic/claude-3-5-sonnet`, `anthropic/claude-3.5-sonnet`
    since rules 5) maps its ids apart from the model's other ids. None when the rules keep the id, do not
    read it, or read a version in it (`openai/gpt-4o-2024-05-13` as a model of its own is a choice)."""
    now, version, _ = resolve_offering(model_id, aliases=aliases)
    return now if now and now != model_id and version is None else None


def resolve(*names: str | None, aliases: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """(canonical model id or None, version or None) for the first of `names` that maps."""
    table = bundled_aliases() if aliases is None else aliases
    version = None
    for name in filter(None, names):
        key, ver = alias_key(name)
        version = version or ver
        if key in table:
            return table[key], version
    return None, version
