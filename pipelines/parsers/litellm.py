"""LiteLLM's price and context map (`model_prices_and_context_window.json` on BerriAI/litellm's main
branch): one JSON object -> a card per model key.

The key is the offering exactly as LiteLLM names it (`gpt-4o`, `azure/eu/gpt-4o-2024-08-06`,
`bedrock/us.anthropic.claude-…`): it is the card's source_model_id and its name. Each entry is read
through pydantic models of its raw shape (litellm_raw.py). A value of the wrong shape is a problem naming
the key and the field, and the rest of that card survives; keys this parser does not know (a new `supports_*`
flag, a new price) are listed in the run's notes with how many cards carry them, never an error.

What is and is not a model: `sample_spec` is LiteLLM's documentation of the format (its values are
sentences) and is skipped. Any other top-level key whose value is not an object holding model fields
(a `last_updated` string, a `fallback_generalizations` table) is skipped and named in the run's notes.
Pricing buckets such as `fireworks-ai-up-to-16b` are objects with a provider and prices: they are cards
like any key (LiteLLM prices models by them).

Fields:
- `litellm_provider` -> provider, `mode` -> mode, `supported_regions` -> regions.
- `max_input_tokens` -> context_window; `max_tokens` when it is the only limit (LiteLLM calls it legacy:
  the output limit when the provider states one, else the input limit). `max_output_tokens` ->
  max_output_tokens. Limits written as floats (`1e6`, `1000000.0`) or strings are read as whole numbers;
  a limit of 0 (moderation models' output, placeholder entries) or null states none (stated_empty).
- `supports_*` flags that are true -> capabilities through SUPPORTS (onto records.CAPABILITIES); a flag
  with no word in that vocabulary (prompt caching, assistant prefill, computer use) is read and gives
  nothing. `supported_endpoints` naming `/v1/batch` -> batch.
- Modalities only where stated: `supported_modalities` (input) and `supported_output_modalities`, the
  flags that name one (vision or image input -> image in, pdf -> file in, video -> video in, audio
  input / output -> audio), and text in and out for the modes that are text APIs (`chat`,
  `completion`, `responses`: LiteLLM's chat-completions shape). A word outside records.MODALITIES
  (`code`) is noted, not kept.
- `deprecation_date` is the day the model stops being served (LiteLLM's own spec says "the date when
  the model becomes deprecated"; its values are the vendors' shutdown dates, e.g. gpt-4-0613
  2025-06-06). That is a retirement, so it goes to retirement_date with status "deprecated" (a stated
  end, like OpenRouter's expiration_date); deprecation_date stays empty (LiteLLM states no
  announcement date). Dates without zero padding ("2025-1-6") are read.

Prices are read from the JSON's text as decimals (`json.loads(parse_float=Decimal)`), so 2.5e-06 per
token is 2.5 per million exactly. Token prices become usd_per_million_tokens; prices per image, pixel,
character, second, query, request, search or page keep their unit (records.UNIT_OF_KIND), never
tokens. A key's suffix `_above_<x>` (`_above_128k_tokens`, `_above_200k_tokens`, `_above_8s_interval`,
`_above_1hr`), `_flex` or `_priority` is a tier of the same kind, named by the suffix (its threshold
kept in the name). `search_context_cost_per_query` gives web_search per search in tiers low / medium /
high; `tiered_pricing` ranges give tiers "range_<from>_<to>" ("range_<from>_up" when open). A value
published as a string is read like a number. A token price above IMPLAUSIBLE_PER_MILLION is kept as
stated and named in the run's notes.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import UNIT_OF_KIND
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.records import Price
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import first_line
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import read_raw
from modeltrail.pipelines.parsers.catalog import Catalog
from modeltrail.pipelines.parsers.catalog import Entry
from modeltrail.pipelines.parsers.catalog import EntryParsed
from modeltrail.pipelines.parsers.catalog import Split
from modeltrail.pipelines.parsers.catalog import raws_of
from modeltrail.pipelines.parsers.catalog import read_json
from modeltrail.pipelines.parsers.litellm_raw import FLAG_MODALITIES
from modeltrail.pipelines.parsers.litellm_raw import MODEL_FIELDS
from modeltrail.pipelines.parsers.litellm_raw import NOT_CARRIED
from modeltrail.pipelines.parsers.litellm_raw import SUPPORTS
from modeltrail.pipelines.parsers.litellm_raw import TEXT_MODES
from modeltrail.pipelines.parsers.litellm_raw import RawEntry
from modeltrail.pipelines.parsers.litellm_raw import price_kind
from modeltrail.pipelines.parsers.base import unread_keys_note

SOURCE = "litellm"
PARSER_VERSION = "litellm/1"

#: the key that documents the format, not a model
SPEC_KEY = "sample_spec"
#: a token price above this (USD per million tokens) is kept but named in the run's notes
IMPLAUSIBLE_PER_MILLION = Decimal(10_000)

def is_card_url(url: str) -> bool:
    return True  # the one file holds every card


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    return CATALOG.parse(page, url, fetched_at)


def _split(page: str | bytes, url: str) -> Split | Parsed:
    """The model keys as entries (their JSON text kept); the top-level keys that are no model, named."""
    try:
        data = read_json(page, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:  # (UnicodeDecodeError is a ValueError)
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", f"not JSON we can read: {str(exc)[:120]}")])
    if not isinstance(data, dict):
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", "not LiteLLM's model map (not a JSON object "
                                             f"of model keys, but {type(data).__name__})")])
    raws = raws_of(data)
    entries: list[Entry] = []
    skipped: list[str] = []
    for key, entry in data.items():
        if key == SPEC_KEY:
            continue
        if not _is_model(entry):
            skipped.append(f"{key} ({type(entry).__name__})")
            continue
        entries.append(Entry(key, raws.get(key), entry))
    return Split(entries, context=skipped)


def _parse_entry(entry: Entry, url: str, fetched_at: datetime, digest: str) -> EntryParsed:
    """One model key: its card, its problems, and what it adds to the run's notes (a _Notes)."""
    notes = _Notes()
    raw, problems = read_raw(RawEntry, entry.value, SOURCE, url, entry.key)
    if raw is None:
        return EntryParsed([], problems)
    notes.unknown.update(_unknown_keys(raw))
    card, card_problems = _card(entry.key, raw, url, fetched_at, digest, notes)
    return EntryParsed([] if card is None else [card], problems + card_problems, notes if notes else None)


def _finish(split: Split, results: list[EntryParsed]) -> Parsed:
    out = Parsed()
    notes = _Notes()
    for r in results:
        out.problems += r.problems
        out.cards += r.cards
        if r.facts is not None:
            notes.add(r.facts)
    if split.context:
        out.notes.append("top-level keys that are not models, skipped: " + ", ".join(split.context))
    out.notes += notes.render()
    return out


CATALOG = Catalog(_split, _parse_entry, _finish)


def _is_model(entry: Any) -> bool:
    return isinstance(entry, dict) and any(
        k in MODEL_FIELDS or price_kind(k) is not None or k in SUPPORTS for k in entry)


class _Notes:
    """What a run noticed across its cards, said once per run."""

    def __init__(self):
        self.unknown: Counter[str] = Counter()
        self.modality_words: Counter[str] = Counter()
        self.implausible: list[str] = []
        self.doubled: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.unknown or self.modality_words or self.implausible or self.doubled)

    def add(self, other: "_Notes") -> None:
        """Another entry's notes after these (in page order)."""
        self.unknown.update(other.unknown)
        self.modality_words.update(other.modality_words)
        self.implausible += other.implausible
        self.doubled += other.doubled

    def render(self) -> list[str]:
        out = unread_keys_note(self.unknown)
        if self.modality_words:
            out.append("modality words not in the vocabulary, not kept: " + ", ".join(
                f"{w} ({n} card{'s' if n > 1 else ''})" for w, n in sorted(self.modality_words.items())))
        if self.implausible:
            out.append(f"implausible prices kept as stated (above {IMPLAUSIBLE_PER_MILLION} USD per 1M tokens): "
                       + "; ".join(self.implausible[:20])
                       + (f" and {len(self.implausible) - 20} more" if len(self.implausible) > 20 else ""))
        if self.doubled:
            out.append("a price stated twice with different amounts, the first kept: " + "; ".join(self.doubled[:20]))
        return out


def _unknown_keys(raw: RawEntry) -> list[str]:
    keys = [k for k in raw.model_extra or {} if k not in NOT_CARRIED]
    for t in raw.tiered_pricing or []:
        keys += [f"tiered_pricing[].{k}" for k in t.model_extra or {}]
    return keys


def _card(key: str, raw: RawEntry, url: str, fetched_at: datetime, digest: str, notes: _Notes):
    d = Draft(SOURCE, url, fetched_at, digest, PARSER_VERSION)
    d.put("source_model_id", key)
    d.put("name", key)
    d.put("provider", raw.litellm_provider)
    d.put("mode", raw.mode)
    _limits(d, raw)
    for flag, value in raw.flags.items():
        if value:
            if cap := SUPPORTS[flag]:
                d.add("capabilities", cap)
            if flag in FLAG_MODALITIES:
                d.add(*FLAG_MODALITIES[flag])
    if "/v1/batch" in (raw.supported_endpoints or []):
        d.add("capabilities", "batch")
    if raw.mode in TEXT_MODES:
        d.add("input_modalities", "text")
        d.add("output_modalities", "text")
    for setname, words in (("input_modalities", raw.supported_modalities),
                           ("output_modalities", raw.supported_output_modalities)):
        for word in words or []:
            try:
                d.add(setname, normalize.modality(word))
            except normalize.NormalizeError:
                notes.modality_words[word] += 1
    if raw.supported_regions is not None:
        d.put("regions", [r.strip() for r in raw.supported_regions if r.strip()])
    if raw.deprecation_date:
        d.put("retirement_date", raw.deprecation_date, normalize.unpadded_date)
        if "retirement_date" in d.values:
            d.put("status", "deprecated")
    _prices(d, key, raw, notes)
    card = d.build()
    # one file holds every card: a problem names its key
    return card, [InvalidValue(p.source, p.url, f"{key}: {p.field}", str(p).split(f"field {p.field}: ", 1)[-1])
                  for p in d.problems]


def _limits(d: Draft, raw: RawEntry) -> None:
    fields = raw.model_fields_set
    context_key = "max_input_tokens" if "max_input_tokens" in fields else (
        "max_tokens" if "max_tokens" in fields else None)
    for key, fieldname in ((context_key, "context_window"), ("max_output_tokens", "max_output_tokens")):
        if key is None or key not in fields:
            continue
        value = getattr(raw, key)
        if value is None or (not isinstance(value, str) and value == 0):
            d.empty(fieldname)  # null, or 0 (moderation models' output, placeholder entries): none stated
            continue
        d.put(fieldname, value, normalize.whole_count)


def _prices(d: Draft, key: str, raw: RawEntry, notes: _Notes) -> None:
    for name, value in raw.costs.items():
        kind, tier = price_kind(name)
        _price(d, key, name, kind, tier, value, notes)
    for name, value in (raw.search_context_cost_per_query or {}).items():
        tier = name.removeprefix("search_context_size_")
        _price(d, key, f"search_context_cost_per_query.{name}", "web_search", tier, value, notes)
    for n, t in enumerate(raw.tiered_pricing or []):
        rng = t.range or []
        if len(rng) != 2 or rng[0] is None:
            d.problem(f"tiered_pricing[{n}].range", f"not a [from, to] range: {rng!r}")
            continue
        try:
            lo = normalize.whole_count(rng[0])
            hi = None if rng[1] is None else normalize.whole_count(rng[1])
        except normalize.NormalizeError as exc:
            d.problem(f"tiered_pricing[{n}].range", str(exc))
            continue
        range_tier = f"range_{lo}_{'up' if hi is None else hi}"
        for name, value in t.costs.items():
            kind, tier = price_kind(name)
            _price(d, key, f"tiered_pricing[{n}].{name}", kind,
                   range_tier if tier is None else f"{range_tier}/{tier}", value, notes)


def _price(d: Draft, key: str, name: str, kind: str, tier: str | None, value: Decimal, notes: _Notes) -> None:
    unit = UNIT_OF_KIND.get(kind, "1M tokens")
    try:
        if unit == "1M tokens":
            values = {"kind": kind, "tier": tier,
                      "usd_per_million_tokens": normalize.usd_per_token_as_per_million(str(value))}
        else:
            values = {"kind": kind, "tier": tier, "unit": unit, "usd_per_unit": normalize.usd_amount(str(value))}
    except normalize.NormalizeError as exc:
        d.problem(f"prices.{name}", first_line(exc))
        return
    implausible = unit == "1M tokens" and Decimal(str(value)) * 1_000_000 > IMPLAUSIBLE_PER_MILLION
    if not implausible and (kind, tier) not in d.prices:
        d.offer(Price, (kind, tier), values, f"prices.{name}", first_line)  # (validated with the card)
        return
    try:  # (rare: a note to write, or a price to compare with the one held: the price made now)
        price = Price(**values)
    except ValidationError as exc:
        d.problem(f"prices.{name}", first_line(exc))
        return
    if implausible:
        notes.implausible.append(f"{key} {name} {price.usd_per_million_tokens:g}")
    held = d.held(Price, (kind, tier))
    if held is not None:
        if held != price:
            notes.doubled.append(f"{key} {kind}{f'[{tier}]' if tier else ''}")
        return
    d.prices[(kind, tier)] = price
