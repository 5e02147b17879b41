"""What every parser shares: a draft card that collects values and the problems met on the way.

A parser is a pure function (page, url, fetched_at) -> Parsed. A value that does not normalize or
validate is left out of the card and reported as a problem naming source, url and field; the rest of
the card survives.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, ValidationError

from modeltrail.pipelines import identity

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import Benchmark
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.records import Price
from modeltrail.pipelines.records import ProviderFacts


@dataclass
class Parsed:
    cards: list[ModelCard] = field(default_factory=list)
    problems: list[InvalidValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the parser noticed that is no problem with a value (e.g. upstream keys it does not read)."""
    providers: list[ProviderFacts] = field(default_factory=list)
    """What the page states of the providers themselves (a catalog's provider facts: models.dev)."""


def sha256(page: str | bytes) -> str:
    return hashlib.sha256(page.encode("utf-8") if isinstance(page, str) else page).hexdigest()


class _Offered:
    """A price or score offered to a draft as values: validated with the card, in the card's one pass
    (pipelines/twins.py), or alone (`Draft._settle`) where a problem must be named. Until then it holds
    its place in the draft's problems, where its problem goes should it have one."""
    __slots__ = ("cls", "table", "key", "values", "place", "message")

    def __init__(self, cls: type, table: dict, key: tuple, values: dict, place: str,
                 message: Callable[[Exception], str]):
        self.cls, self.table, self.key, self.values, self.place, self.message = cls, table, key, values, place, message


class Draft:
    """Values for one card, filled in by a parser, validated once at the end.

    Prices and scores are offered as values (`offer`, and `price`/`price_read`/`bench`) and validated
    with the card, nested in it: one validation a card, not one a record and the card's again. A value
    that fails is named as before, at the place it was offered (its problem where it would have been
    had it been made at once) and dropped alone: should the card's pass fail, each offered value is
    made alone, then the card as before (the same cards, the same problems, in the same order)."""

    #: False: each value offered is made at once, as before the one pass (tests compare the two)
    ONE_PASS = True

    def __init__(self, source: str, url: str, fetched_at: datetime, page_sha256: str, parser_version: str):
        self.source, self.url = source, url
        self.values: dict[str, Any] = {
            "source": source, "url": url, "fetched_at": fetched_at,
            "page_sha256": page_sha256, "parser_version": parser_version,
        }
        self.sets: dict[str, set[str]] = {
            "capabilities": set(), "input_modalities": set(), "output_modalities": set(),
            "reasoning_efforts": set(), "stated_empty": set(),
        }
        #: the card's prices and scores by key: records, or values offered and not validated yet
        self.prices: dict[tuple[str, str | None], Price | _Offered] = {}
        self.benchmarks: dict[tuple[str, str | None], Benchmark | _Offered] = {}
        self._problems: list[InvalidValue | _Offered] = []
        self._offered = 0  # offered values not validated yet (each holds its place in _problems)

    @property
    def problems(self) -> list[InvalidValue]:
        """The problems met so far (values offered and not yet validated are validated first)."""
        if self._offered:
            self._settle_all()
        return self._problems

    @problems.setter
    def problems(self, problems: list[InvalidValue]) -> None:
        if self._offered:
            self._settle_all()
        self._problems = problems

    def problem(self, fieldname: str, message: str) -> None:
        self._problems.append(InvalidValue(self.source, self.url, fieldname, message))

    def put(self, fieldname: str, raw: Any, convert: Callable[[Any], Any] | None = None) -> None:
        """Set a field from raw text through a normalizer; a failure becomes a problem, not a crash."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return
        try:
            value = convert(raw) if convert else (raw.strip() if isinstance(raw, str) else raw)
        except normalize.NormalizeError as exc:
            self.problem(fieldname, str(exc))
            return
        self.values[fieldname] = value

    def empty(self, fieldname: str) -> None:
        """The page states that this field has no value (not merely that it does not mention it)."""
        self.sets["stated_empty"].add(fieldname)

    def add(self, setname: str, *items: str) -> None:
        self.sets[setname].update(items)

    # --- prices and scores ----------------------------------------------------------------------------

    def offer(self, cls: type, key: tuple, values: dict, place: str,
              message: Callable[[Exception], str] | None = None, first: bool = False) -> None:
        """A Price (cls Price: into `prices`) or Benchmark (into `benchmarks`) of the card, from its
        values; a value that fails is the problem `place`: `message(error)` (default: each error's
        message and input). Under a key already held: `first` keeps the one held (the new one is still
        checked, a failure named), else the new one replaces it."""
        table = self.prices if cls is Price else self.benchmarks
        message = message or _message
        if key in table or not self.ONE_PASS:  # (rare: made now, as always, so that the same stays and is named)
            self._settle(table, key)
            try:
                record = cls(**values)
            except ValidationError as exc:
                self.problem(place, message(exc))
                return
            if first:
                table.setdefault(key, record)
            else:
                table[key] = record
            return
        offered = _Offered(cls, table, key, values, place, message)
        table[key] = offered
        self._problems.append(offered)
        self._offered += 1

    def held(self, cls: type, key: tuple) -> Price | Benchmark | None:
        """The price or score held under `key`, validated (None: none, or the one offered failed)."""
        table = self.prices if cls is Price else self.benchmarks
        self._settle(table, key)
        return table.get(key)

    def _settle(self, table: dict, key: tuple) -> None:
        """The value offered under `key` validated alone: a record, or its problem in its place."""
        offered = table.get(key)
        if type(offered) is not _Offered:
            return
        at = next(i for i, p in enumerate(self._problems) if p is offered)
        self._offered -= 1
        try:
            table[key] = offered.cls(**offered.values)
        except ValidationError as exc:
            self._problems[at] = InvalidValue(self.source, self.url, offered.place, offered.message(exc))
            del table[key]
        else:
            del self._problems[at]

    def _settle_all(self) -> None:
        for offered in [p for p in self._problems if type(p) is _Offered]:
            self._settle(offered.table, offered.key)

    def price(self, kind: str, raw: str, tier: str | None = None) -> None:
        try:
            usd = normalize.usd_per_million(raw)
        except normalize.NormalizeError as exc:
            self.problem(f"prices.{kind}", _message(exc))
            return
        self.offer(Price, (kind, tier), {"kind": kind, "usd_per_million_tokens": usd, "tier": tier}, f"prices.{kind}")

    def price_read(self, kind: str, usd_per_million_tokens: float) -> None:
        """A per-token price already read (modeltrail.pipelines.facts), in USD per million tokens."""
        self.offer(Price, (kind, None), {"kind": kind, "usd_per_million_tokens": usd_per_million_tokens},
                   f"prices.{kind}")

    def bench(self, reported_name: str, raw: str, setting: str | None = None,
              default_unit: str | None = None) -> None:
        reported_name = re.sub(r"\s+", " ", normalize.plain_text(reported_name)).strip()
        try:
            value, unit = normalize.score(raw, default_unit)
            benchmark = normalize.benchmark_in(reported_name)
        except normalize.NormalizeError as exc:
            self.problem(f"benchmarks.{reported_name}", _message(exc))
            return
        self.offer(Benchmark, (benchmark or "?" + reported_name, setting),
                   {"benchmark": benchmark, "setting": setting, "value": value, "unit": unit,
                    "reported_name": reported_name},
                   f"benchmarks.{reported_name}", first=True)

    # --- the card -----------------------------------------------------------------------------------

    def build(self) -> ModelCard | None:
        values = {k: normalize.plain_text(v) if isinstance(v, str) else v for k, v in self.values.items()}
        for name, items in self.sets.items():
            values[name] = sorted({normalize.plain_text(i) for i in items})
        if "model_id" not in values:
            values["model_id"], version = identity.resolve(values.get("source_model_id"), values.get("name"))
            if version and not values.get("version"):
                values["version"] = version
        if self._offered:  # the card and what was offered, in one pass
            values["prices"] = [p.values if type(p) is _Offered else p for p in self.prices.values()]
            values["benchmarks"] = [b.values if type(b) is _Offered else b for b in self.benchmarks.values()]
            try:
                card = ModelCard(**values)
            except ValidationError:
                self._settle_all()  # each alone (a failure named, in its place), then the card as always
            else:
                self._problems = [p for p in self._problems if type(p) is not _Offered]
                self._offered = 0
                self.prices = dict(zip(self.prices, card.prices))
                self.benchmarks = dict(zip(self.benchmarks, card.benchmarks))
                return card
        values["prices"] = list(self.prices.values())
        values["benchmarks"] = list(self.benchmarks.values())
        for _ in range(len(values)):
            try:
                return ModelCard(**values)
            except ValidationError as exc:
                bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
                for name in bad:
                    self.problem(str(name), _message(exc, name))
                    if name in ("source", "source_model_id", "name", "url", "fetched_at"):
                        return None
                    values.pop(name, None)
        return None


class RawUpstream(BaseModel):
    """Base of the pydantic models of an upstream API's raw JSON: keys it does not declare are kept
    (in `model_extra`), to be reported, never refused."""
    model_config = ConfigDict(extra="allow")


def unread_keys_note(counts: "Counter[str]") -> list[str]:
    """The run note for upstream keys a parser does not read: which keys, on how many cards."""
    if not counts:
        return []
    return ["upstream keys not read: " + ", ".join(
        f"{key} ({n} card{'s' if n > 1 else ''})" for key, n in sorted(counts.items()))]


def read_raw(model: type, data: Any, source: str, url: str, who: str,
             required: tuple[str, ...] = ()) -> tuple[Any, list[InvalidValue]]:
    """Upstream JSON read through a pydantic model of its raw shape. A value of the wrong shape is
    dropped where it sits (the innermost object key holding it) and named as a problem ("<who>: a.b:
    …"); the rest is read. None when the data is no object or a `required` key is bad."""
    if not isinstance(data, dict):
        return None, [InvalidValue(source, url, who, f"not an object: {type(data).__name__}")]
    problems: list[InvalidValue] = []
    try:  # the usual case: all of it valid, read as it is (a copy to trim costs a third of a large parse)
        return model.model_validate(data), problems
    except ValidationError:
        data = copy.deepcopy(data)  # what the loop below drops bad values from
    for _ in range(100):
        try:
            return model.model_validate(data), problems
        except ValidationError as exc:
            bad: dict[tuple, dict] = {}  # one problem per place (a union fails once per member type)
            for err in exc.errors():
                bad.setdefault(tuple(_real_path(data, err["loc"])), err)
            for loc, err in bad.items():
                missing = [err["loc"][-1]] if err["type"] == "missing" else []
                path = ".".join(str(p) for p in [*loc, *missing])
                problems.append(InvalidValue(source, url, f"{who}: {path}" if path else who,
                                             f"{err['msg']} (got {str(err.get('input'))[:80]!r})"))
                if not loc or loc[0] in required or (missing and missing[0] in required):
                    return None, problems
            for loc in bad:
                _drop(data, list(loc))
    return None, problems


def _real_path(data: Any, loc: tuple) -> list:
    """The part of a pydantic error location that names keys and indexes of the data (a union's
    member names, such as "int" or "str", are not)."""
    path, node = [], data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            continue
        path.append(part)
    return path


def _drop(data: dict, loc: list) -> None:
    """Remove the innermost object key on the path `loc` (a list item takes its list with it)."""
    holder, key, node = data, loc[0], data
    for part in loc:
        if isinstance(node, dict) and part in node:
            holder, key, node = node, part, node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return  # gone already (two problems in one place)
    holder.pop(key, None)


def first_line(exc: Exception) -> str:
    """An error's first line (a ValidationError's: its count and the field it names)."""
    return str(exc).splitlines()[0]


def _message(exc: Exception, fieldname: str | None = None) -> str:
    if isinstance(exc, ValidationError):
        errs = [e for e in exc.errors() if fieldname is None or (e["loc"] and e["loc"][0] == fieldname)]
        return "; ".join(f"{e['msg']} (got {e.get('input')!r})" for e in errs)
    return str(exc)


def label_value(lines: list[str], label: str, start: int = 0) -> str | None:
    """The value printed after a label: "Label: value", "Labelvalue" (captures glue them) or the label
    alone on a line with the value on the next."""
    pat = re.compile(rf"^\W*{re.escape(label)}\W*?(?::\**)?\s*(.*)$", re.I)
    for i in range(start, len(lines)):
        if m := pat.match(lines[i]):
            value = m.group(1).strip(" *:")
            if value:
                return value
            if i + 1 < len(lines):
                return lines[i + 1].strip()
    return None


def index_of(lines: list[str], text: str, start: int = 0) -> int:
    """Index of the first line that is `text` (case-insensitive), or -1."""
    t = text.lower()
    n = len(t)
    for i in range(start, len(lines)):
        ln = lines[i]
        if len(ln) >= n and (ln if len(ln) == n else ln.strip()).lower() == t:  # (lower() only when it can match)
            return i
    return -1
