"""`modeltrail load`: cards from a JSON-lines file (e.g. `modeltrail parse` output, or any tool's) as one
snapshot of one source. Every line is validated first; one bad line and nothing is loaded."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from datetime import datetime
from typing import IO, Any, Callable

from pydantic import ValidationError

from modeltrail.flows import steps
from modeltrail.pipelines.handover import SourceLoad
from modeltrail.pipelines.parsing import card_rank, has_value, merge_cards
from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.sources import SOURCES

#: how many bad lines an error message lists before "and N more"
SHOWN_ERRORS = 5
#: the longest line (one card) a file may hold, in characters: a real card is a few KB
MAX_LINE = 4 * 1024 * 1024


class LoadError(ValueError):
    """A file that cannot be loaded; the message names file:line and field."""


class _Refused(ValueError):
    """A JSON text that is not one plain object: a repeated key, NaN or Infinity."""


def _one_key_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(f"field {key}: the key appears twice in one object (which one is meant?)")
        seen[key] = value
    return seen


def _no_constant(word: str) -> Any:
    raise _Refused(f"{word} is no JSON number")


def lines_of(stream: IO[str], name: str, refuse: Callable[[str], None]):
    """(line number, text) of each non-blank line, each at most MAX_LINE characters: a longer line is
    refused (named) and skipped without being held in memory. A UTF-8 BOM before the first line is
    skipped."""
    n = 0
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        n += 1
        if n == 1:
            line = line.removeprefix("\ufeff")
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith("\n"):
                pass
            refuse(f"{name}:{n}: the line is longer than {MAX_LINE:,} characters (one card is a few KB)")
            continue
        if line.strip():
            yield n, line


def card_of(line: str) -> ModelCard:
    """One line as a card: a JSON object (no repeated key, no NaN or Infinity) of valid values.
    Raises _Refused or ValidationError."""
    try:
        data = json.loads(line, object_pairs_hook=_one_key_each, parse_constant=_no_constant)
    except _Refused:
        raise
    except ValueError as exc:  # JSONDecodeError, and an integer of more than 4300 digits
        raise _Refused(f"not a JSON object ({str(exc).splitlines()[0][:100]})") from None
    if not isinstance(data, dict):
        raise _Refused(f"not a JSON object (a {type(data).__name__})")
    return ModelCard.model_validate(data)


def _field_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "line"
    more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"field {where}: {err['msg']}{more}"


def disagreement(first: ModelCard, other: ModelCard) -> str | None:
    """The first field two cards of one model state differently (each has a value, they differ); None
    when one fills the other's gaps (as pages of one source do)."""
    a, b = first.model_dump(exclude={"prices", "benchmarks"}), other.model_dump(exclude={"prices", "benchmarks"})
    for field in ModelCard.model_fields:
        if field in ("prices", "benchmarks", "fetched_at", "page_sha256", "url", "parser_version", "stated_empty"):
            continue
        x, y = a.get(field), b.get(field)
        if x not in (None, "", []) and y not in (None, "", []) and x != y and not isinstance(x, list):
            return f"{field}: {y!r}"[:200]
    for name, key in (("prices", lambda p: (p.kind, p.tier)), ("benchmarks", lambda b: (b.benchmark or b.reported_name, b.setting))):
        mine = {key(v): v.model_dump() for v in getattr(first, name)}
        for v in getattr(other, name):
            if key(v) in mine and mine[key(v)] != v.model_dump():
                return f"{name} {'/'.join(str(k) for k in key(v) if k)}: {v.model_dump()}"[:200]
    return None


class CardFile:
    """The validated cards of a file, one card per model (lines of one model merged), read again from a
    spool on disk each time they are iterated: never all in memory at once (a million cards are
    ~400 MB of JSON and several GB as objects)."""

    def __init__(self, source: str, spool: IO[bytes], count: int, repeated: dict[str, list[int]],
                 merged: list[ModelCard], coverage: dict[str, float]):
        self.source, self._spool, self._count = source, spool, count
        self._repeated, self._merged, self.coverage = repeated, merged, coverage

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        self._spool.seek(0)
        for raw in iter(self._spool.readline, b""):
            card = card_of(raw.decode("utf-8"))
            if card.source_model_id not in self._repeated:
                yield card
        yield from self._merged

    def close(self) -> None:
        self._spool.close()


def _read_at(spool: IO[bytes], offset: int) -> ModelCard:
    here = spool.tell()
    spool.seek(offset)
    try:
        return card_of(spool.readline().decode("utf-8"))
    finally:
        spool.seek(here)


def read_cards(stream: IO[str], name: str, source: str | None = None,
               latest: datetime | None = None) -> tuple[str, CardFile]:
    """(source, cards) from JSON lines. Blank lines are skipped. Raises LoadError naming every bad
    line (up to SHOWN_ERRORS), so a file is loaded whole or not at all. `latest`: a fetched_at later
    than this is refused (a card from the future). The good lines are spooled to a temporary file, and
    only a few facts per model are kept (its first line's place), so memory does not grow with cards."""
    if source is not None and source not in SOURCES:
        raise LoadError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    errors: list[str] = []
    bad = 0
    sources: dict[str, int] = {}
    local: list[tuple[int, str]] = []  # cards whose url is no page's (a file parsed without --url)
    read: list[str] = []  # the text, kept while no line is a card: to say what a file of no card is
    carded = False  # a line was a card (refused or not): the file is cards, whatever else is wrong with it
    #: source_model_id -> (line, offset in the spool) of its first line: a later line of the same model
    #: may fill its gaps (pages of one source), never contradict it (one of the two would silently win)
    first: dict[str, tuple[int, int]] = {}
    repeated: dict[str, list[int]] = {}
    have: Counter[str] = Counter()
    spool = tempfile.TemporaryFile(prefix="modeltrail-load-")

    def refuse(message: str) -> None:
        nonlocal bad
        bad += 1
        if len(errors) < SHOWN_ERRORS:
            errors.append(message)

    def present(card: ModelCard) -> set[str]:
        return {f for f in SOURCES[card.source].key_fields if has_value(getattr(card, f))}

    for n, line in lines_of(stream, name, refuse):
        if not first and sum(map(len, read)) < SNIFF_BYTES:
            read.append(line)
        try:
            card = card_of(line)
        except _Refused as exc:
            refuse(f"{name}:{n}: {exc}")
            continue
        except ValidationError as exc:
            refuse(f"{name}:{n}: {_field_error(exc)}")
            continue
        carded = True
        if source is not None and card.source != source:
            refuse(f"{name}:{n}: field source: {card.source!r} is not --source {source!r}")
            continue
        if card.source not in SOURCES:
            refuse(f"{name}:{n}: field source: unknown source {card.source!r}")
            continue
        if latest is not None and card.fetched_at > latest:
            refuse(f"{name}:{n}: field fetched_at: {card.fetched_at.isoformat()} is in the future "
                   "(pass --allow-future if you mean it)")
            continue
        if not card.url.lower().startswith(("https://", "http://")):
            local.append((n, card.url))
            continue
        offset = spool.tell()
        smid = card.source_model_id
        if smid in first:
            m, at = first[smid]
            earlier = _read_at(spool, at)
            differs = disagreement(earlier, card)
            if differs:
                refuse(f"{name}:{n}: field {differs}, but line {m} (source_model_id {smid!r}) states "
                       "otherwise: one line of a model per file, or lines that only add to each other")
                continue
            if smid not in repeated:
                repeated[smid] = [at]
                have.subtract(present(earlier))
            repeated[smid].append(offset)
        else:
            first[smid] = (n, offset)
            have.update(present(card))
        sources.setdefault(card.source, n)
        spool.write(line.rstrip("\r\n").encode("utf-8") + b"\n")
    if local:
        n, url = local[0]
        more = f" (and {len(local) - 1} more cards)" if len(local) > 1 else ""
        refuse(f"{name}:{n}: field url: {url!r} is not where the card was published{more}: a local file is "
               "never recorded as a source; run `modeltrail parse` with --url, the page's live url")
    if len(sources) > 1:
        (first_source, a), (second, b) = list(sources.items())[:2]
        refuse(f"{name}:{b}: field source: {second!r}, but line {a} is {first_source!r}: one file is one "
               "source's snapshot (split it, or pass --source)")
    if errors and not carded and (sniffed := looks_like("".join(read), source)):
        spool.close()
        what, parser = sniffed
        shown = "FILE" if name == "stdin" else name
        how = (f": `modeltrail parse --source {parser} --url URL {shown} | modeltrail load - --observed-at TIME` "
               "(URL: where it was published)") if parser else " (one ModelCard object per line, as `modeltrail parse` prints)"
        raise LoadError(f"{name} {what}, not JSON lines of cards{how}; nothing was loaded")
    if errors:
        spool.close()
        extra = f" (and {bad - SHOWN_ERRORS} more bad lines)" if bad > SHOWN_ERRORS else ""
        raise LoadError("; ".join(errors) + extra + "; nothing was loaded")
    if not first:
        spool.close()
        raise LoadError(f"{name}: no cards in the file; nothing was loaded")
    src = source or next(iter(sources))
    rank = card_rank(src)  # (a lifecycle page's card leads an overview's: parsing.merge_cards)
    merged = [merge_cards([_read_at(spool, at) for at in offsets], rank) for offsets in repeated.values()]
    for card in merged:
        have.update(present(card))
    fields = SOURCES[src].key_fields
    coverage = {f: round(have[f] / len(first), 3) for f in fields}
    return src, CardFile(src, spool, len(first), repeated, merged, coverage)


#: how much of a file of no card is kept to tell what it is (a catalog's whole response: ~1 MB)
SNIFF_BYTES = 16 * 1024 * 1024


def looks_like(text: str, source: str | None = None) -> tuple[str, str | None] | None:
    """What a file that holds no card is: (what it looks like, the source whose parser reads it) for a
    JSON document or an HTML page (a catalog's raw response, a saved page); None for anything else."""
    import json
    from datetime import datetime, timezone
    start = text.lstrip()[:1]
    if start not in ("{", "[", "<"):
        return None
    if start != "<":
        try:
            json.loads(text)
        except ValueError:
            return None
    body = text.encode("utf-8", errors="replace")
    found = []
    for name in [source] if source else list(SOURCES):
        try:
            parsed = SOURCES[name].parser.parse(body, "https://example.invalid/", datetime.now(timezone.utc))
        except Exception:  # noqa: BLE001 - a parser that cannot read it: not this source's page
            continue
        if parsed.cards:
            found.append((len(parsed.cards), name))
    kind = "HTML page" if start == "<" else "JSON document"
    if not found:  # (one JSON object on one line is a card gone wrong: its fields are named instead)
        return (f"is one {kind}", None) if start == "<" or text.strip().count("\n") else None
    count, name = max(found)
    kind = "model list (JSON)" if start != "<" else "page (HTML)"
    return f"looks like {name}'s {kind}, {count} cards to its parser", name


def source_load(source: str, cards: CardFile, last_complete: dict | None) -> SourceLoad:
    """The snapshot as a source run: cards of one model from several lines merge (as pages of one
    source do); the verdict is what the cards alone can say. The load reads the cards from their
    spool in batches (warehouse/load.py)."""
    reasons = steps.judge_cards(source, cards, cards.coverage, last_complete)
    return SourceLoad(source=source, status="partial" if reasons else "complete", cards=cards,
                      reasons=reasons, coverage=cards.coverage, card_pages=0)

