"""`modeltrail load`: cards from a JSON-lines file (e.g. `modeltrail parse` output, or any tool's) as one
snapshot of one source. Every line is validated first; one bad line and nothing is loaded."""

from __future__ import annotations

from typing import IO

from pydantic import ValidationError

from modeltrail.flows import steps
from modeltrail.pipelines.parsing import card_rank
from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.sources import SOURCES
from modeltrail.pipelines.handover import SourceLoad

#: how many bad lines an error message lists before "and N more"
SHOWN_ERRORS = 5


class LoadError(ValueError):
    """A file that cannot be loaded; the message names file:line and field."""


def read_cards(stream: IO[str], name: str, source: str | None = None) -> tuple[str, list[ModelCard]]:
    """(source, cards) from JSON lines. Blank lines are skipped. Raises LoadError naming every bad
    line (up to SHOWN_ERRORS), so a file is loaded whole or not at all."""
    if source is not None and source not in SOURCES:
        raise LoadError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    errors: list[str] = []
    cards: list[ModelCard] = []
    sources: dict[str, int] = {}
    local: list[tuple[int, str]] = []  # cards whose url is no page's (a file parsed without --url)
    read: list[str] = []  # the text, kept while no line is a card: to say what a file of no card is
    for n, line in enumerate(stream, start=1):
        if not cards and sum(map(len, read)) < SNIFF_BYTES:
            read.append(line)
        if not line.strip():
            continue
        try:
            card = ModelCard.model_validate_json(line)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "line"
            if err["type"] == "json_invalid":
                errors.append(f"{name}:{n}: not a JSON object ({err['msg']})")
            else:
                more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
                errors.append(f"{name}:{n}: field {where}: {err['msg']}{more}")
            continue
        if source is not None and card.source != source:
            errors.append(f"{name}:{n}: field source: {card.source!r} is not --source {source!r}")
            continue
        if card.source not in SOURCES:
            errors.append(f"{name}:{n}: field source: unknown source {card.source!r}")
            continue
        if not card.url.lower().startswith(("https://", "http://")):
            local.append((n, card.url))
            continue
        sources.setdefault(card.source, n)
        cards.append(card)
    if local:
        n, url = local[0]
        more = f" (and {len(local) - 1} more cards)" if len(local) > 1 else ""
        errors.append(f"{name}:{n}: field url: {url!r} is not where the card was published{more}: a local file is "
                      "never recorded as a source; run `modeltrail parse` with --url, the page's live url")
    if len(sources) > 1:
        (first, a), (second, b) = list(sources.items())[:2]
        errors.append(f"{name}:{b}: field source: {second!r}, but line {a} is {first!r}: one file is one "
                      "source's snapshot (split it, or pass --source)")
    if errors and not cards and (sniffed := looks_like("".join(read), source)):
        what, parser = sniffed
        shown = "FILE" if name == "stdin" else name
        how = (f": `modeltrail parse --source {parser} --url URL {shown} | modeltrail load - --observed-at TIME` "
               "(URL: where it was published)") if parser else " (one ModelCard object per line, as `modeltrail parse` prints)"
        raise LoadError(f"{name} {what}, not JSON lines of cards{how}; nothing was loaded")
    if errors:
        extra = f" (and {len(errors) - SHOWN_ERRORS} more bad lines)" if len(errors) > SHOWN_ERRORS else ""
        raise LoadError("; ".join(errors[:SHOWN_ERRORS]) + extra + "; nothing was loaded")
    if not cards:
        raise LoadError(f"{name}: no cards in the file; nothing was loaded")
    return (source or next(iter(sources))), cards


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


def source_load(source: str, cards: list[ModelCard], last_complete: dict | None) -> SourceLoad:
    """The snapshot as a source run: cards of one model from several lines merge (as pages of one
    source do); the verdict is what the cards alone can say."""
    merged = steps.merge_by_model(cards, card_rank(source))
    cov = steps.coverage(merged, SOURCES[source].key_fields)
    reasons = steps.judge_cards(source, merged, cov, last_complete)
    return SourceLoad(source=source, status="partial" if reasons else "complete", cards=merged,
                      reasons=reasons, coverage=cov, card_pages=0)

