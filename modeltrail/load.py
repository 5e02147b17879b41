"""`modeltrail load`: cards from a JSON-lines file (e.g. `modeltrail parse` output, or any tool's) as one
snapshot of one source. Every line is validated first; one bad line and nothing is loaded."""

from __future__ import annotations

import json
from datetime import datetime
from typing import IO, Any

from pydantic import ValidationError

from . import refresh as steps
from .records import ModelCard
from .sources import SOURCES
from .handover import SourceLoad

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


def lines_of(stream: IO[str], name: str, errors: list[str]):
    """(line number, text) of each non-blank line, each at most MAX_LINE characters: a longer line is
    named in `errors` and skipped without being held in memory. A UTF-8 BOM before the first line is
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
            errors.append(f"{name}:{n}: the line is longer than {MAX_LINE:,} characters (one card is a few KB)")
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


def read_cards(stream: IO[str], name: str, source: str | None = None,
               latest: datetime | None = None) -> tuple[str, list[ModelCard]]:
    """(source, cards) from JSON lines. Blank lines are skipped. Raises LoadError naming every bad
    line (up to SHOWN_ERRORS), so a file is loaded whole or not at all. `latest`: a fetched_at later
    than this is refused (a card from the future)."""
    if source is not None and source not in SOURCES:
        raise LoadError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    errors: list[str] = []
    cards: list[ModelCard] = []
    sources: dict[str, int] = {}
    #: source_model_id -> (line, card) of its first line: a later line of the same model may fill its
    #: gaps (pages of one source), never contradict it (one of the two would silently win)
    first: dict[str, tuple[int, ModelCard]] = {}
    for n, line in lines_of(stream, name, errors):
        try:
            card = card_of(line)
        except _Refused as exc:
            errors.append(f"{name}:{n}: {exc}")
            continue
        except ValidationError as exc:
            errors.append(f"{name}:{n}: {_field_error(exc)}")
            continue
        if source is not None and card.source != source:
            errors.append(f"{name}:{n}: field source: {card.source!r} is not --source {source!r}")
            continue
        if card.source not in SOURCES:
            errors.append(f"{name}:{n}: field source: unknown source {card.source!r}")
            continue
        if latest is not None and card.fetched_at > latest:
            errors.append(f"{name}:{n}: field fetched_at: {card.fetched_at.isoformat()} is in the future "
                          "(pass --allow-future if you mean it)")
            continue
        if card.source_model_id in first:
            m, earlier = first[card.source_model_id]
            differs = disagreement(earlier, card)
            if differs:
                errors.append(f"{name}:{n}: field {differs}, but line {m} (source_model_id "
                              f"{card.source_model_id!r}) states otherwise: one line of a model per file, or "
                              "lines that only add to each other")
                continue
        else:
            first[card.source_model_id] = (n, card)
        sources.setdefault(card.source, n)
        cards.append(card)
    if len(sources) > 1:
        (first_source, a), (second, b) = list(sources.items())[:2]
        errors.append(f"{name}:{b}: field source: {second!r}, but line {a} is {first_source!r}: one file is one "
                      "source's snapshot (split it, or pass --source)")
    if errors:
        extra = f" (and {len(errors) - SHOWN_ERRORS} more bad lines)" if len(errors) > SHOWN_ERRORS else ""
        raise LoadError("; ".join(errors[:SHOWN_ERRORS]) + extra + "; nothing was loaded")
    if not cards:
        raise LoadError(f"{name}: no cards in the file; nothing was loaded")
    return (source or next(iter(sources))), cards


def source_load(source: str, cards: list[ModelCard], last_complete: dict | None) -> SourceLoad:
    """The snapshot as a source run: cards of one model from several lines merge (as pages of one
    source do); the verdict is what the cards alone can say."""
    merged = steps.merge_by_model(cards)
    cov = steps.coverage(merged, SOURCES[source].key_fields)
    reasons = steps.judge_cards(source, merged, cov, last_complete)
    return SourceLoad(source=source, status="partial" if reasons else "complete", cards=merged,
                      reasons=reasons, coverage=cov, card_pages=0)

