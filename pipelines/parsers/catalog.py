"""A catalog page (LiteLLM's map, models.dev's api.json, OpenRouter's list): one JSON file of many keyed
entries, parsed entry by entry.

A catalog parser offers three pure pieces (a `Catalog`): `split(page, url)` reads the JSON into keyed
entries (each with its JSON text exactly as on the page) and whatever the whole page says (a `Split`),
or gives the page's problem (a `Parsed`); `parse_entry(entry, url, fetched_at, digest)` reads one entry
into its card(s), problems and the facts it adds to the run's notes (an `EntryParsed`); `finish(split,
results)` puts them together as the page's Parsed (the split carries the page's url, fetched_at and
digest by then, for what the whole page states: a models.dev provider's own facts). `Catalog.parse` is the whole-page parse, and the
only one: a parser's `parse()` is `CATALOG.parse(...)`.

The contract that lets a caller parse snapshot after snapshot of one file (backfill-git) re-parsing
only what changed: an entry's result depends on its key and JSON text and on the page's url, fetched_at
and digest only, and those three appear in it only as the cards' provenance (url, fetched_at,
page_sha256) and the problems' url. An `EntryMemo` keeps the results of the last snapshot's entries; an
entry whose key and text are the same again is not parsed: its cards come back with this page's
fetched_at and page_sha256.

`read_json` is json.loads (the same value, or the same error) that also keeps the JSON text of each
entry of one level of the document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from json.decoder import WHITESPACE, scanstring
from typing import Any, Callable, Hashable

from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import sha256
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.records import ModelCard


@dataclass(frozen=True)
class Entry:
    """One entry of a catalog page. `key` names it (with `raw`, what a memo knows it by); `raw` is its
    JSON text exactly as on the page (None: not known, the entry is parsed every time); `value` is the
    JSON value as the parser reads JSON. `done`: what the split itself read of it (a models.dev
    provider's own facts): no entry parse."""
    key: Hashable
    raw: str | None
    value: Any
    done: "EntryParsed | None" = None


@dataclass
class EntryParsed:
    """What one entry gave: its cards, its problems, and the facts it adds to the run's notes (each
    parser's own shape; finish() reads them and never changes them: they may be reused)."""
    cards: list[ModelCard] = field(default_factory=list)
    problems: list[InvalidValue] = field(default_factory=list)
    facts: Any = None


@dataclass
class Split:
    """A catalog page read into entries: the page's own problems (before any entry's), its entries in
    page order, and what finish() needs of the whole page."""
    entries: list[Entry] = field(default_factory=list)
    problems: list[InvalidValue] = field(default_factory=list)
    context: Any = None
    #: the page's provenance, set by Catalog.parse before finish(): what finish() reads of the whole page
    #: (a models.dev provider's own facts) is sourced like a card
    url: str | None = None
    fetched_at: datetime | None = None
    digest: str | None = None


class EntryMemo:
    """The results of the entries of the last snapshot parsed, for a caller that parses one snapshot
    of a catalog after another (backfill-git). Holds only the last snapshot's entries: memory is one
    page's worth. `parsed` / `reused` count the entries of the last snapshot.

    `derive(card)`: a value of a card's values alone, never of its provenance (the warehouse's
    fingerprint), computed once per kept card; `derived(card)` gives it for the cards of the last page
    that came from a reused entry (None for the others)."""

    def __init__(self, derive: Callable[[ModelCard], Any] | None = None):
        self._last: dict[tuple[Hashable, str], EntryParsed] = {}
        self._now: dict[tuple[Hashable, str], EntryParsed] = {}
        self._url: str | None = None
        self._derive = derive
        self._values: dict[int, Any] = {}   # id(kept card) -> derive(kept card), while it is kept
        self._given: dict[int, tuple[ModelCard, Any]] = {}  # id(card handed out) -> (card, value)
        self.parsed = self.reused = 0

    def begin(self, url: str) -> None:
        if url != self._url:  # (a result names its url: another page's entries are never reused)
            self._last, self._values, self._url = {}, {}, url
        self._now, self._given, self.parsed, self.reused = {}, {}, 0, 0

    def end(self) -> None:
        kept = {id(c) for r in self._now.values() for c in r.cards}
        self._values = {k: v for k, v in self._values.items() if k in kept}
        self._last, self._now = self._now, {}

    def derived(self, card: ModelCard) -> Any:
        given = self._given.get(id(card))
        return given[1] if given is not None and given[0] is card else None

    def result(self, entry: Entry, parse: Callable[[Entry], EntryParsed], fetched_at: datetime,
               digest: str) -> EntryParsed:
        if entry.raw is None or fetched_at.tzinfo is None:  # (a naive time fails every card, naming it)
            self.parsed += 1
            return parse(entry)
        known = (entry.key, entry.raw)
        kept = self._last.get(known)
        if kept is None:
            kept = self._now.get(known)  # (an entry given twice on one page)
        if kept is None:
            self.parsed += 1
            kept = parse(entry)
            self._now[known] = kept
            return restamp(kept, fetched_at, digest)
        self.reused += 1
        self._now[known] = kept
        out = restamp(kept, fetched_at, digest)
        if self._derive is not None:
            for card, copy in zip(kept.cards, out.cards):
                if id(card) not in self._values:
                    self._values[id(card)] = self._derive(card)
                self._given[id(copy)] = (copy, self._values[id(card)])
        return out


def restamp(result: EntryParsed, fetched_at: datetime, digest: str) -> EntryParsed:
    """An entry's result as a parse of a page with this fetched_at and digest gives it (the same url)."""
    cards = [c if c.fetched_at is fetched_at and c.page_sha256 == digest else _stamped(c, fetched_at, digest)
             for c in result.cards]
    return EntryParsed(cards, result.problems, result.facts)


def _stamped(card: ModelCard, fetched_at: datetime, digest: str) -> ModelCard:
    """card.model_copy(update={"fetched_at": …, "page_sha256": …}) (the same copy: its values shared, the
    two provenance fields set, as both are in every parsed card's fields set), at a third of its cost:
    a backfill makes one per card per commit."""
    if card.__pydantic_private__ is not None or card.__pydantic_extra__ is not None:
        return card.model_copy(update={"fetched_at": fetched_at, "page_sha256": digest})
    copy = type(card).__new__(type(card))
    values = card.__dict__.copy()
    values["fetched_at"], values["page_sha256"] = fetched_at, digest
    object.__setattr__(copy, "__dict__", values)
    object.__setattr__(copy, "__pydantic_fields_set__", card.__pydantic_fields_set__ | {"fetched_at", "page_sha256"})
    object.__setattr__(copy, "__pydantic_extra__", None)
    object.__setattr__(copy, "__pydantic_private__", None)
    return copy


@dataclass(frozen=True)
class Catalog:
    """A catalog parser's three pieces (see the module's doc)."""
    split: Callable[[str | bytes, str], "Split | Parsed"]
    parse_entry: Callable[[Entry, str, datetime, str], EntryParsed]
    finish: Callable[[Split, list[EntryParsed]], Parsed]

    def parse(self, page: str | bytes, url: str, fetched_at: datetime, memo: EntryMemo | None = None) -> Parsed:
        """The whole page; with a memo, the entries the last snapshot had the same are not parsed again."""
        digest = sha256(page)
        split = self.split(page, url)
        if isinstance(split, Parsed):
            return split
        split.url, split.fetched_at, split.digest = url, fetched_at, digest

        def one(entry: Entry) -> EntryParsed:
            return self.parse_entry(entry, url, fetched_at, digest)
        if memo is None:
            results = [e.done if e.done is not None else one(e) for e in split.entries]
        else:
            memo.begin(url)
            results = [e.done if e.done is not None else memo.result(e, one, fetched_at, digest)
                       for e in split.entries]
            memo.end()
        return self.finish(split, results)


# --- JSON with the text of each entry --------------------------------------------------------------

class SpannedDict(dict):
    """A JSON object read by read_json at its spanned level: `raws` holds each member's JSON text."""
    raws: dict[str, str]


class SpannedList(list):
    """A JSON array read by read_json at its spanned level: `raws` holds each item's JSON text."""
    raws: list[str]


def raws_of(container: Any) -> Any:
    """The JSON texts read_json kept for this object or array ({} / [] when it kept none)."""
    if isinstance(container, (SpannedDict, SpannedList)):
        return container.raws
    return [] if isinstance(container, list) else {}


def read_json(page: str | bytes, spans: tuple[str, ...] = (), spanned: type = dict,
              parse_float: Callable | None = None, object_pairs_hook: Callable | None = None) -> Any:
    """json.loads(page, parse_float=…, object_pairs_hook=…): the same value, or the same error. The
    `spanned` (dict: an object; list: an array) at the path `spans` (object keys, "*" for every member;
    () is the document itself) comes as a SpannedDict / SpannedList whose `raws` hold each member's JSON
    text as on the page. Where the document is not as the path says, its containers are plain."""
    try:
        text = _text(page)
        decoder = json.JSONDecoder(parse_float=parse_float, object_pairs_hook=object_pairs_hook)
        start = WHITESPACE.match(text, 0).end()
        if text[start:start + 1] in ("{", "["):
            value, end = _Walk(text, decoder.scan_once, object_pairs_hook, spanned).value(start, spans)
            if WHITESPACE.match(text, end).end() == len(text):
                return value
    except (ValueError, RecursionError, StopIteration):
        pass
    # (not walked: json.loads gives the same value without the texts, or the error as it words it)
    return json.loads(page, parse_float=parse_float, object_pairs_hook=object_pairs_hook)


def _text(page: str | bytes) -> str:
    """The text json.loads reads (its encoding detection; a str starting with a BOM is its error)."""
    if isinstance(page, str):
        if page.startswith("\ufeff"):
            raise ValueError("BOM")
        return page
    return page.decode(json.detect_encoding(page), "surrogatepass")


class _Walk:
    """The containers on a path walked member by member, as json's own scanner reads them (any
    difference raises ValueError, and read_json lets json.loads read the page)."""

    def __init__(self, text: str, scan: Callable, hook: Callable | None, spanned: type):
        self.text, self.scan, self.hook, self.spanned = text, scan, hook, spanned

    def ws(self, i: int) -> int:
        return WHITESPACE.match(self.text, i).end()

    def value(self, i: int, path: tuple[str, ...] | None) -> tuple[Any, int]:
        """(value, end) of the JSON value at text[i]; `path`: where the spanned level is below it (None:
        not on the path, read whole)."""
        c = self.text[i:i + 1]
        if path is not None and c == "{" and (path or self.spanned is dict):
            return self._object(i, path)
        if path == () and c == "[" and self.spanned is list:
            return self._array(i)
        return self.scan(self.text, i)

    def _object(self, i: int, path: tuple[str, ...]) -> tuple[Any, int]:
        text, pairs, raws = self.text, [], {}
        step, rest = (path[0], path[1:]) if path else (None, None)
        i = self.ws(i + 1)
        if text[i:i + 1] == "}":
            i += 1
        else:
            while True:
                if text[i:i + 1] != '"':
                    raise ValueError("object key")
                key, i = scanstring(text, i + 1, True)
                i = self.ws(i)
                if text[i:i + 1] != ":":
                    raise ValueError("colon")
                i = self.ws(i + 1)
                if not path:
                    value, end = self.scan(text, i)
                    raws[key] = text[i:end]
                else:
                    value, end = self.value(i, rest if step in ("*", key) else None)
                pairs.append((key, value))
                i = self.ws(end)
                c = text[i:i + 1]
                if c == "}":
                    i += 1
                    break
                if c != ",":
                    raise ValueError("comma")
                i = self.ws(i + 1)
        obj = self.hook(pairs) if self.hook is not None else dict(pairs)
        if not path:
            obj = SpannedDict(obj)
            obj.raws = raws
        return obj, i

    def _array(self, i: int) -> tuple[Any, int]:
        text, items, raws = self.text, SpannedList(), []
        i = self.ws(i + 1)
        if text[i:i + 1] == "]":
            i += 1
        else:
            while True:
                value, end = self.scan(text, i)
                items.append(value)
                raws.append(text[i:end])
                i = self.ws(end)
                c = text[i:i + 1]
                if c == "]":
                    i += 1
                    break
                if c != ",":
                    raise ValueError("comma")
                i = self.ws(i + 1)
        items.raws = raws
        return items, i
