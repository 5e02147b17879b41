"""models.dev's catalog (GET https://models.dev/api.json): one JSON page -> a card per provider x model.

The page is an object of providers (`{"openai": {"id", "name", "api", "doc", "env", "npm", "models": {…}}}`),
each holding its models by id. One card per provider x model: source_model_id is `<provider id>/<model
id>` (a model id with slashes of its own stays as it is: `openrouter/anthropic/claude-3.5-sonnet`,
`fireworks-ai/accounts/fireworks/models/glm-4p5`), card.provider is the provider id. The provider's own
facts (its name, API base, docs link, env vars, npm package) describe the provider, not a model: they
are put on no card but in the parse's `providers` (records.ProviderFacts, one per provider in page
order, sourced like the cards), which the warehouse keeps as their own history (providers_history).

The JSON is read through pydantic models of its raw shape (below), strictly (a price is a JSON number, a
flag a JSON boolean): a field of the wrong type is a problem naming `<provider>/<model>` and the field,
and the rest of that card survives. Keys this parser does not know are listed in the run's notes (which
keys, on how many cards), never an error.

Vendor quirks:
- Costs are USD per million tokens already. They are read from the JSON text as decimals (never through
  a binary float), so 0.15 stays 0.15. `context_over_200k` holds the same kinds again for prompts over
  200k tokens: the tier "above_200k_tokens".
- A limit of 0 means models.dev does not know it (whisper, image models, embedding models): not stored,
  counted in the notes. `limit.input` (newer files), when present, is the input limit: context_window
  stays `limit.context`; no card field holds an input limit yet, so it is counted in the notes.
- `knowledge`, `release_date` and `last_updated` are "YYYY-MM" or "YYYY-MM-DD": the precision is kept.
- `attachment` (the client may attach files) is not stored: which kinds of input a model takes is what
  `modalities.input` says, and 27 entries of 2025-11 have `attachment: true` with text input only, so it
  is no modality. `temperature` (the model takes a temperature) is no capability of ours: skipped.
- `status` is absent for a model in normal service: the card states no status (stated empty, so a model
  whose "deprecated" goes away reads as no longer deprecated). Words map through STATUS below; a word not
  there is noted, never guessed.
- The model's vendor is not a field. organization is set only where the data implies it: the provider
  serves its own models (FIRST_PARTY), or the provider is a gateway whose ids are `<vendor>/<model>`
  (VENDOR_PREFIXED). Hugging Face style ids (`Qwen/…`, `chutesai/Mistral-Small-…`) name a repository
  owner, which may be a re-uploader: organization stays None there.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Strict, StrictBool, StrictInt, StrictStr, ValidationError

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.records import Price
from modeltrail.pipelines.records import ProviderFacts
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

SOURCE = "modelsdev"
PARSER_VERSION = "modelsdev/1"

#: a JSON number as read with parse_float=Decimal: an int, or a Decimal (never a bool, never a string)
_Num = StrictInt | Annotated[Decimal, Strict()]


class RawCostTier(RawUpstream):
    input: _Num | None = None
    output: _Num | None = None
    cache_read: _Num | None = None
    cache_write: _Num | None = None
    reasoning: _Num | None = None
    input_audio: _Num | None = None
    output_audio: _Num | None = None


class RawCost(RawCostTier):
    context_over_200k: RawCostTier | None = None


class RawLimit(RawUpstream):
    context: StrictInt | None = None
    output: StrictInt | None = None
    input: StrictInt | None = None


class RawModalities(RawUpstream):
    input: list[StrictStr] = []
    output: list[StrictStr] = []


class RawModelProvider(RawUpstream):
    """A model's own override of its provider's facts (e.g. another npm package): provider facts."""
    npm: StrictStr | None = None
    api: StrictStr | None = None


class RawModel(RawUpstream):
    id: StrictStr | None = None
    name: StrictStr
    attachment: StrictBool | None = None
    reasoning: StrictBool | None = None
    tool_call: StrictBool | None = None
    structured_output: StrictBool | None = None
    temperature: StrictBool | None = None
    knowledge: StrictStr | None = None
    release_date: StrictStr | None = None
    last_updated: StrictStr | None = None
    modalities: RawModalities | None = None
    open_weights: StrictBool | None = None
    cost: RawCost | None = None
    limit: RawLimit | None = None
    status: StrictStr | None = None
    provider: RawModelProvider | None = None


class RawProvider(RawUpstream):
    id: StrictStr | None = None
    name: StrictStr | None = None
    api: StrictStr | None = None
    doc: StrictStr | None = None
    env: list[StrictStr] | None = None
    npm: StrictStr | None = None
    models: dict[str, Any]


#: cost key -> price kind (USD per million tokens, as models.dev states them)
PRICE_KINDS = {
    "input": "input", "output": "output", "cache_read": "cache_read", "cache_write": "cache_write",
    "reasoning": "reasoning", "input_audio": "audio_input", "output_audio": "audio_output",
}
#: the tier of the prices in `cost.context_over_200k`
OVER_200K = "above_200k_tokens"

#: models.dev's status words -> records.Status, exhaustively (a word not here is noted, not guessed).
#: "alpha" is a model offered before release (opencode's `alpha-…` models): a preview.
STATUS = {"alpha": "preview", "beta": "preview", "deprecated": "deprecated"}

#: capability flags -> capability. `temperature` and `attachment` are none of ours (see above).
CAPABILITY_FLAGS = {"reasoning": "reasoning", "tool_call": "function_calling",
                    "structured_output": "structured_outputs"}

#: providers that serve their own models (the provider is the model's vendor), -> organization
FIRST_PARTY = {
    "openai": "openai", "anthropic": "anthropic", "google": "google", "google-vertex": "google",
    "google-vertex-anthropic": "anthropic", "mistral": "mistral", "xai": "xai", "deepseek": "deepseek",
    "moonshotai": "moonshotai", "moonshotai-cn": "moonshotai", "zai": "zai", "zai-coding-plan": "zai",
    "zhipuai": "zhipuai", "zhipuai-coding-plan": "zhipuai", "minimax": "minimax", "perplexity": "perplexity",
    "upstage": "upstage", "inception": "inception", "lucidquery": "lucidquery", "morph": "morph",
}
#: gateways whose model ids are `<vendor>/<model>` (the vendor's namespace, e.g. openrouter's
#: `anthropic/claude-3.5-sonnet`, github-models' `mistral-ai/codestral-2501`): organization is the prefix
VENDOR_PREFIXED = {"openrouter", "vercel", "zenmux", "requesty", "fastrouter", "github-models", "inference"}


def is_card_url(url: str) -> bool:
    return True  # the one page is the whole catalog


def _load(page: str | bytes, url: str) -> tuple[Any, list[InvalidValue]]:
    """The JSON, numbers with a fraction as Decimal; a key given twice in one object is a problem (the
    last wins, as in every JSON reader). Each provider's models keep their JSON text (catalog.read_json)."""
    twice: list[str] = []

    def pairs(items):
        out: dict = {}
        for key, value in items:
            if key in out:
                twice.append(key)
            out[key] = value
        return out

    try:
        data = read_json(page, spans=("*", "models"), parse_float=Decimal, object_pairs_hook=pairs)
    except (ValueError, RecursionError) as exc:  # (UnicodeDecodeError is a ValueError)
        return None, [InvalidValue(SOURCE, url, "page", f"not JSON we can read: {str(exc)[:120]}")]
    return data, [InvalidValue(SOURCE, url, "page", f"key {k!r} is given twice in one object; the last is kept")
                  for k in sorted(set(twice))]


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    return CATALOG.parse(page, url, fetched_at)


def _split(page: str | bytes, url: str) -> Split | Parsed:
    """Each provider's own facts, read here (an entry `done`), then each of its models as an entry keyed
    (provider id, model id), its JSON text kept."""
    data, problems = _load(page, url)
    if not isinstance(data, dict) or not all(isinstance(p, dict) and "models" in p for p in data.values()) \
            or not data:
        if data is not None:
            problems.append(InvalidValue(SOURCE, url, "page", "not models.dev's catalog (an object of "
                                                              "providers, each with \"models\")"))
        return Parsed(problems=problems)
    entries: list[Entry] = []
    facts: list[tuple[str, RawProvider]] = []  # (for finish(): the providers' own facts)
    for pid, pdata in data.items():
        raw_p, problems_p = read_raw(RawProvider, pdata, SOURCE, url, pid, required=("models",))
        if raw_p is not None and raw_p.id is not None and raw_p.id != pid:
            problems_p.append(InvalidValue(SOURCE, url, f"{pid}: id", f"provider {pid!r} says its id is "
                                           f"{raw_p.id!r}; the key {pid!r} is used"))
        unknown = [f"provider.{k}" for k in raw_p.model_extra or {}] if raw_p is not None else []
        entries.append(Entry(pid, None, None, done=EntryParsed([], problems_p, (unknown, None))))
        if raw_p is None:
            continue
        facts.append((pid, raw_p))
        raws = raws_of(pdata.get("models"))
        entries += [Entry((pid, mid), raws.get(mid), mdata) for mid, mdata in raw_p.models.items()]
    return Split(entries, problems, facts)


def _parse_entry(entry: Entry, url: str, fetched_at: datetime, digest: str) -> EntryParsed:
    """One provider x model: its card, its problems; facts: (its unknown keys, its counts for the notes)."""
    pid, mid = entry.key
    who = f"{pid}/{mid}"
    raw, problems = read_raw(RawModel, entry.value, SOURCE, url, who, required=("name",))
    if raw is None:
        return EntryParsed([], problems, ([], None))
    if raw.id is not None and raw.id != mid:
        problems.append(InvalidValue(SOURCE, url, f"{who}: id", f"model says its id is {raw.id!r}; "
                                     f"the key {mid!r} is used"))
    counts: Counter[str] = Counter()
    card, card_problems = _card(pid, mid, raw, url, fetched_at, digest, counts)
    return EntryParsed([] if card is None else [card], problems + card_problems,
                       (_unknown_keys(raw), counts or None))


def _finish(split: Split, results: list[EntryParsed]) -> Parsed:
    out = Parsed(problems=list(split.problems))
    unknown: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for r in results:
        keys, entry_counts = r.facts
        out.problems += r.problems
        out.cards += r.cards
        unknown.update(keys)
        if entry_counts:
            counts.update(entry_counts)
    out.notes += unread_keys_note(unknown)
    out.notes += _count_notes(counts)
    for pid, raw_p in split.context or ():
        record, problems = _provider(pid, raw_p, split)
        out.problems += problems
        if record is not None:
            out.providers.append(record)
    return out


CATALOG = Catalog(_split, _parse_entry, _finish)


def _provider(pid: str, raw: RawProvider, split: Split) -> tuple[ProviderFacts | None, list[InvalidValue]]:
    """A provider's own facts (name, api, doc, env, npm) as a record sourced by the page; a value the
    record refuses (a control character, a text past its bound) is left out, named as a problem
    ("<provider>: <field>"), and the rest is kept."""
    def text(v: str | None) -> str | None:
        return (normalize.plain_text(v) or None) if v is not None else None
    values = {"source": SOURCE, "provider": pid, "name": text(raw.name), "api": text(raw.api),
              "doc": text(raw.doc), "env": [e for e in map(text, raw.env or []) if e], "npm": text(raw.npm),
              "url": split.url, "fetched_at": split.fetched_at, "page_sha256": split.digest}
    problems: list[InvalidValue] = []
    for _ in range(len(values)):
        try:
            return ProviderFacts(**values), problems
        except ValidationError as exc:
            bad = {str(e["loc"][0]): e for e in exc.errors() if e["loc"]}
            for name, err in bad.items():
                problems.append(InvalidValue(SOURCE, split.url or "", f"{pid}: {name}",
                                             f"{err['msg']} (got {str(err.get('input'))[:80]!r})"))
                if name in ("source", "provider", "url", "fetched_at", "page_sha256"):
                    return None, problems
                values[name] = [] if name == "env" else None
    return None, problems


def _unknown_keys(raw: RawModel) -> list[str]:
    keys = list(raw.model_extra or {})
    for prefix, part in (("cost", raw.cost), ("limit", raw.limit), ("modalities", raw.modalities),
                         ("provider", raw.provider),
                         ("cost.context_over_200k", raw.cost.context_over_200k if raw.cost else None)):
        if part is not None:
            keys += [f"{prefix}.{k}" for k in part.model_extra or {}]
    return [f"model.{k}" for k in keys]


def _count_notes(counts: Counter[str]) -> list[str]:
    notes = []
    for what, why in (("limit.context 0", "not stated: no context_window"),
                      ("limit.output 0", "not stated: no max_output_tokens"),
                      ("limit.input", "the input limit: no card field holds it, not stored")):
        if counts[what]:
            notes.append(f"{what} on {counts[what]} card{'s' if counts[what] > 1 else ''} ({why})")
    words = {k.split(":", 1)[1]: n for k, n in counts.items() if k.startswith("status:")}
    if words:
        notes.append("status words not known (no status stored): " + ", ".join(
            f"{w!r} ({n} card{'s' if n > 1 else ''})" for w, n in sorted(words.items())))
    return notes


def _card(pid: str, mid: str, raw: RawModel, url: str, fetched_at: datetime, digest: str,
          counts: Counter[str]):
    d = Draft(SOURCE, url, fetched_at, digest, PARSER_VERSION)
    d.put("source_model_id", f"{pid}/{mid}")
    d.put("name", raw.name)
    d.put("provider", pid)
    if pid in FIRST_PARTY:
        d.put("organization", FIRST_PARTY[pid])
    elif pid in VENDOR_PREFIXED and "/" in mid:
        d.put("organization", mid.split("/", 1)[0])
    for key, fieldname in (("release_date", "release_date"), ("last_updated", "last_updated"),
                           ("knowledge", "training_cutoff")):
        d.put(fieldname, getattr(raw, key), normalize.partial_date)
    d.put("open_weights", raw.open_weights)
    _status(d, raw, counts)
    _limits(d, raw.limit, counts)
    _flags(d, raw)
    if raw.modalities is not None:
        for setname, words in (("input_modalities", raw.modalities.input),
                               ("output_modalities", raw.modalities.output)):
            for word in words:
                try:
                    d.add(setname, normalize.modality(word))
                except normalize.NormalizeError as exc:
                    d.problem(f"modalities.{setname.split('_')[0]}", str(exc))
            if setname.split("_")[0] in raw.modalities.model_fields_set and not d.sets[setname]:
                d.empty(setname)  # an empty list: stated, not missing
    if raw.cost is not None:
        _prices(d, pid, mid, raw.cost, None)
        if raw.cost.context_over_200k is not None:
            _prices(d, pid, mid, raw.cost.context_over_200k, OVER_200K)
    card = d.build()
    return card, _named(d.problems, f"{pid}/{mid}")


def _named(problems: list[InvalidValue], who: str) -> list[InvalidValue]:
    """The card's problems, each naming its entry ("openai/gpt-4o: cost.input"): one page holds them all."""
    out = []
    for p in problems:
        message = str(p).split(f"field {p.field}: ", 1)[-1]
        out.append(InvalidValue(p.source, p.url, f"{who}: {p.field}", message))
    return out


def _status(d: Draft, raw: RawModel, counts: Counter[str]) -> None:
    if raw.status is None:
        d.empty("status")  # no word: a model in normal service
    elif raw.status.strip().lower() in STATUS:
        d.put("status", STATUS[raw.status.strip().lower()])
    else:
        counts[f"status:{raw.status}"] += 1


def _limits(d: Draft, limit: RawLimit | None, counts: Counter[str]) -> None:
    if limit is None:
        return
    for key, fieldname in (("context", "context_window"), ("output", "max_output_tokens")):
        value = getattr(limit, key)
        if value == 0:
            counts[f"limit.{key} 0"] += 1
        elif value is not None:
            d.put(fieldname, value)  # (a negative one is refused by the card: a problem)
    if limit.input is not None:
        counts["limit.input"] += 1


def _flags(d: Draft, raw: RawModel) -> None:
    stated = False
    for key, cap in CAPABILITY_FLAGS.items():
        value = getattr(raw, key)
        if value is not None:
            stated = True
            if value:
                d.add("capabilities", cap)
    if stated and not d.sets["capabilities"]:
        d.empty("capabilities")  # every flag is there and false: stated, not missing


def _prices(d: Draft, pid: str, mid: str, cost: RawCostTier, tier: str | None) -> None:
    for key, kind in PRICE_KINDS.items():
        value = getattr(cost, key)
        if value is None:
            continue
        place = f"cost.context_over_200k.{key}" if tier else f"cost.{key}"
        try:
            usd = normalize.usd_amount(str(value))
        except normalize.NormalizeError as exc:
            d.problem(place, first_line(exc))
            continue
        d.offer(Price, (kind, tier), {"kind": kind, "tier": tier, "usd_per_million_tokens": usd}, place, first_line)
