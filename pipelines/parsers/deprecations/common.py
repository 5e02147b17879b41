"""What the lifecycle-page parsers share: reading a markdown page (headings, tables, several ids in
one cell), reading a lifecycle date with its precision and qualifier, and turning the facts a page
states about a model into one card per model.

A family module reads its page into `Fact`s through a `Lifecycle` collector and returns
`Lifecycle.parsed()`. The collector does what every family needs alike:

- one card per model id on a page: when a page states a model in several places (a status table and
  a history section, an old announcement and a newer one), the fact from the newest announcement leads
  (`Fact.announced`, else its `deprecation_date`), the others only fill what it leaves unsaid, and a
  differing retirement date of an older section is kept visible as a note naming both sections;
- the card's status when the page does not word it: retired when the retirement date is on or before
  the day the page was fetched (the page's own time, never today's clock), else deprecated;
- problems (an unreadable date) named by field and page, the rest of the card kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "deprecations"

# --- markdown ------------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_FOOTNOTE = re.compile(r"(?:\[\^?\w+\]|<sup>.*?</sup>|[¹²³⁴⁵⁶⁷⁸⁹⁰*†‡]+)$")


def plain(text: str) -> str:
    """A cell or heading as text: links as their text, tags, emphasis and backticks gone, `\\|` as |."""
    text = _LINK.sub(r"\1", text).replace("\\<", "<")  # (an escaped "\<NEW>" badge is a tag too)
    text = _TAG.sub("", text)
    text = text.replace("\\|", "|").replace("\\@", "@").replace("\\$", "$").replace("\\_", "_")
    text = text.replace("`", "").replace("**", "").replace("__", "")
    return re.sub(r"\s+", " ", text).strip()


def heading(line: str) -> tuple[int, str] | None:
    """(level, title) of a markdown heading line ("### [Title](#anchor)" -> (3, "Title")), else None."""
    if m := _HEADING.match(line.strip()):
        return len(m.group(1)), plain(m.group(2))
    return None


def split_row(line: str) -> list[str]:
    """The raw cells of a table row, split on unescaped | (a `\\|` inside a cell stays in it)."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", s)]


def _is_rule(cells: list[str]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-{3,}:?", c.strip()) for c in cells)


@dataclass
class Table:
    header: list[str]          # plain text of the header cells
    rows: list[list[str]]      # raw cells (backticks kept: `cell_ids` and `plain` read them)
    section: str               # the heading path the table sits under ("A › B")
    headings: list[str]        # the same path as a list, outermost first
    line: int                  # line number of the header (0-based)

    def column(self, *words: str) -> int | None:
        """Index of the first header cell containing any of the words (case-insensitive), else None."""
        for i, h in enumerate(self.header):
            if any(w.lower() in h.lower() for w in words):
                return i
        return None


@dataclass
class Block:
    """A stretch of the page under one heading: its heading path and its lines (headings excluded)."""
    headings: list[str]
    level: int
    lines: list[str] = field(default_factory=list)
    start: int = 0

    @property
    def title(self) -> str:
        return self.headings[-1] if self.headings else ""

    @property
    def section(self) -> str:
        return " › ".join(self.headings)


def blocks(text: str) -> list[Block]:
    """The page cut at its headings, in order; each block knows the path of headings above it. Lines in
    a fenced code block are never headings."""
    out = [Block([], 0, start=0)]
    path: list[tuple[int, str]] = []
    fenced = False
    for i, line in enumerate(text.splitlines()):
        if line.strip().startswith("```"):
            fenced = not fenced
        h = None if fenced else heading(line)
        if h:
            level, title = h
            path = [(lv, t) for lv, t in path if lv < level] + [(level, title)]
            out.append(Block([t for _, t in path], level, start=i + 1))
        else:
            out[-1].lines.append(line)
    return out


def tables(text: str) -> list[Table]:
    """Every markdown table on the page (a header row, a rule row, then rows), with its section."""
    found: list[Table] = []
    for block in blocks(text):
        lines = block.lines
        i = 0
        while i < len(lines) - 1:
            a, b = lines[i].strip(), lines[i + 1].strip()
            if a.startswith("|") and b.startswith("|") and _is_rule(split_row(b)):
                header = [plain(c) for c in split_row(a)]
                rows = []
                j = i + 2
                while j < len(lines) and lines[j].strip().startswith("|"):
                    cells = split_row(lines[j])
                    if not _is_rule(cells):
                        rows.append(cells + [""] * (len(header) - len(cells)))
                    j += 1
                found.append(Table(header, rows, block.section, list(block.headings), block.start + i))
                i = j
            else:
                i += 1
    return found


_ID = re.compile(r"^[A-Za-z0-9][\w.:/@+-]*$")


def cell_ids(cell: str) -> list[str]:
    """The model ids one cell lists, in order: "`a` \\| `b`", "`a` | `b`, `c`", "`a` (including `b` and
    `c`, which point to this snapshot)", "a or b", "a b" (ids side by side). Words that are no id
    ("Videos API", "New fine-tuning training on `x`") give nothing: a cell is read as ids only when every
    piece of it is one."""
    text = _LINK.sub(r"\1", cell).replace("\\|", "|")
    text = re.sub(r"\((?:including|and the alias|alias)\s+(.*?)\)", r", \1", text)
    text = re.sub(r",?\s*which points? to this snapshot", "", text)
    text = re.sub(r"\([^)]*\)", "", text)  # any other aside ("(text-only workloads)")
    sep = r"\s*(?:\||,|\bor\b|\band\b|\s)\s*"
    if "`" in text:  # the ids are the code spans; anything else but separators makes it no id list
        spans = re.findall(r"`([^`]+)`", text)
        rest = re.sub(r"`[^`]+`", " ", text)
        if re.sub(sep, "", rest).strip(" .*"):
            return []
        pieces = [s.strip().rstrip("*†‡¹²³⁴⁵⁶⁷⁸⁹") for s in spans]  # (footnote markers: `gpt-4.1*`)
        ok = all(_ID.match(p) for p in pieces)
    else:  # plain words: each must look like an id (a digit, -, ., / or : in it), so "Videos API" is none
        pieces = [p.strip(" .*†‡") for p in re.split(sep, text)]
        pieces = [p for p in pieces if p]
        ok = all(_ID.match(p) and re.search(r"[\d./:-]", p) for p in pieces)
    if not pieces or not ok:
        return []
    return list(dict.fromkeys(pieces))


def backticked(text: str) -> list[str]:
    """The `code` spans of a line that look like model ids, in order."""
    return [t for t in re.findall(r"`([^`]+)`", text) if _ID.match(t.strip())]


# --- dates ---------------------------------------------------------------------------------------------

#: A stated absence: the page says there is no date (not merely that it does not mention one).
ABSENT = object()

_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]")
_QUALIFIERS = [  # (pattern in front of or after the date, the qualifier kept)
    (r"not sooner than", "not sooner than"), (r"no earlier than", "no earlier than"),
    (r"at (?:the )?earliest", "at earliest"), (r"earliest possible(?: date)?:?", "earliest possible"),
    (r"on or after", "on or after"), (r"after", "after"), (r"no later than", "no later than"),
    (r"by", "by"), (r"(?:expected|tentative(?:ly)?|planned|scheduled)(?: for| on)?", "tentative"),
]
_ABSENT = re.compile(r"^(?:n/?a|none|tbd|tba|-+|—|no (?:shutdown|retirement|deprecation) date(?: announced| "
                     r"yet| set)?|not (?:yet )?announced|to be announced|to be determined)\.?$", re.I)


@dataclass(frozen=True)
class When:
    date: str                       # ISO at the stated precision: "2026", "2026-08", "2026-08-20"
    qualifier: str | None = None    # "not sooner than", "earliest possible", …; None when stated plainly


def read_date(text: str, order: str | None = None) -> When | object:
    """A lifecycle date as the page words it -> When, or ABSENT for a stated absence ("N/A", "No shutdown
    date announced", "---"). Keeps the precision ("August 2026" -> "2026-08") and the qualifier ("Not
    sooner than June 9, 2027" -> ("2027-06-09", "not sooner than")). `order="mdy"` reads a page's numeric
    dates as month/day/year, two-digit years as 20YY ("08/16/26" -> "2026-08-16"): a page-wide convention
    its family module has checked, never a guess. Raises normalize.NormalizeError when unreadable."""
    t = _DASHES.sub("-", plain(text)).strip(" .*")
    if _ABSENT.match(t):
        return ABSENT
    qualifier = None
    for pat, name in _QUALIFIERS:
        if m := re.match(rf"^{pat}\s+(.+)$", t, re.I):
            qualifier, t = name, m.group(1).strip()
            break
        if m := re.match(rf"^(.+?)\s*\(?{pat}\)?$", t, re.I):
            if not re.fullmatch(r"\d+", m.group(1)):
                qualifier, t = name, m.group(1).strip()
                break
    t = re.sub(r"\s+at\s+\d{1,2}(?::\d{2})?\s*(?:[AP]M)?(?:\s*[A-Z]{2,4})?$", "", t, flags=re.I)  # a time of day
    if order == "mdy" and (m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", t)):
        mo, d, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 100 else y
        return When(normalize.partial_date(f"{y:04d}-{mo:02d}-{d:02d}"), qualifier)
    return When(normalize.partial_date(t), qualifier)


def on_or_before(date: str, day: str) -> bool:
    """Whether a date at any precision has wholly come by `day` (YYYY-MM-DD): "2026-08" only once August
    is over, i.e. compared at its own precision and strictly before for a month or a year."""
    cut = day[:len(date)]
    return date <= cut if len(date) == 10 else date < cut


# --- facts -> cards ------------------------------------------------------------------------------------

@dataclass
class Fact:
    """What one place on a page states about one model. Dates are ISO strings (read with `read_date`)."""
    model_id: str
    section: str | None = None
    name: str | None = None
    status: str | None = None               # as the page words it; None: from the dates
    deprecation_date: str | None = None     # when the deprecation was announced
    retirement_date: str | None = None      # when the model shuts down
    retirement_qualifier: str | None = None
    successors: list[str] = field(default_factory=list)
    announced: str | None = None            # the announcement's date, to order facts (default: deprecation_date)
    empty: set[str] = field(default_factory=set)  # fields the page states have no value
    release_date: str | None = None         # when the vendor released the model, where a page states it
    regions: list[str] = field(default_factory=list)  # where the page says the model is served

    @property
    def when(self) -> str:
        return self.announced or self.deprecation_date or ""


_FIELDS = ("name", "status", "deprecation_date", "retirement_date", "retirement_qualifier", "section",
           "release_date")


class Lifecycle:
    """Collects the facts of one page and builds its cards. `vendor` is the slug in source_model_id
    ("openai" -> "openai/gpt-4"), `organization` the vendor's name on the cards."""

    def __init__(self, vendor: str, organization: str, page: str | bytes, url: str, fetched_at: datetime,
                 parser_version: str):
        self.vendor, self.organization = vendor, organization
        self.page, self.url, self.fetched_at = page, url, fetched_at
        self.parser_version = parser_version
        self.facts: list[Fact] = []
        self.problems: list[InvalidValue] = []
        self.notes: list[str] = []

    def text(self) -> str:
        page = self.page
        return page if isinstance(page, str) else page.decode("utf-8", "replace")

    def problem(self, fieldname: str, message: str) -> None:
        self.problems.append(InvalidValue(SOURCE, self.url, fieldname, message))

    def date(self, raw: str | None, fieldname: str, where: str = "", order: str | None = None) -> When | object | None:
        """read_date, with an unreadable date reported as a problem (None returned)."""
        if raw is None or not plain(raw):
            return None
        try:
            return read_date(raw, order)
        except normalize.NormalizeError as exc:
            self.problem(fieldname, f"{where}: {exc}" if where else str(exc))
            return None

    def released(self, f: Fact, raw: str | None, where: str = "") -> None:
        """The fact's release date from a cell ("June 17, 2025", "May 2023"); an empty cell says nothing."""
        when = self.date(raw, "release_date", where)
        if isinstance(when, When):
            f.release_date = when.date

    def add(self, fact: Fact) -> Fact:
        self.facts.append(fact)
        return fact

    def fact(self, model_id: str, section: str | None, *, status: str | None = None,
             deprecated: When | object | str | None = None, retires: When | object | str | None = None,
             successors: list[str] | object | None = None, name: str | None = None,
             announced: str | None = None) -> Fact:
        """A fact from values already read: a When (or an ISO string) for the dates, ABSENT for a stated
        absence; successors a list of ids/names, or ABSENT ("---": no replacement)."""
        f = Fact(model_id, section=section, name=name, status=status, announced=announced)
        if deprecated is ABSENT:
            f.empty.add("deprecation_date")
        elif deprecated is not None:
            f.deprecation_date = deprecated.date if isinstance(deprecated, When) else deprecated
        if retires is ABSENT:
            f.empty.add("retirement_date")
        elif isinstance(retires, When):
            f.retirement_date, f.retirement_qualifier = retires.date, retires.qualifier
        elif retires is not None:
            f.retirement_date = retires
        if successors is ABSENT:
            f.empty.add("successor")
        elif successors:
            f.successors = list(dict.fromkeys(successors))
        return self.add(f)

    # -- building -------------------------------------------------------------------------------------
    def merged(self) -> list[Fact]:
        """One fact per model id: the newest announcement leads, older facts fill what it leaves unsaid."""
        groups: dict[str, list[Fact]] = {}
        for f in self.facts:
            groups.setdefault(f.model_id, []).append(f)
        out = []
        for model_id, group in groups.items():
            # newest announcement first; among equals, the first stated on the page
            order = sorted(range(len(group)), key=lambda i: (group[i].when, -i), reverse=True)
            lead, *rest = [group[i] for i in order]
            m = Fact(model_id, **{k: getattr(lead, k) for k in _FIELDS}, successors=list(lead.successors),
                     regions=list(lead.regions),
                     announced=lead.announced, empty=set(lead.empty))
            for older in rest:
                if older.retirement_date and m.retirement_date and older.retirement_date != m.retirement_date:
                    self.notes.append(
                        f"{self.vendor}/{model_id}: retirement {m.retirement_date} ({m.section}) is the newest "
                        f"announcement; the page also states {older.retirement_date} ({older.section})")
                for k in _FIELDS:
                    if getattr(m, k) is None and k not in m.empty and getattr(older, k) is not None:
                        if k == "retirement_qualifier" and m.retirement_date is not None:
                            continue  # (a qualifier belongs to its own date)
                        setattr(m, k, getattr(older, k))
                m.regions += [r for r in older.regions if r not in m.regions]
                if not m.successors and "successor" not in m.empty:
                    m.successors = list(older.successors)
                m.empty |= {e for e in older.empty if getattr(m, e, None) in (None, []) and
                            not (e == "successor" and m.successors)}
            out.append(m)
        return out

    def status_of(self, f: Fact) -> str | None:
        """As the page words it; else from its dates: retired once the retirement date has come by the
        page's fetch day, deprecated while a deprecation or retirement is stated; else unstated."""
        if f.status:
            return f.status
        if f.retirement_date and on_or_before(f.retirement_date, self.fetched_at.date().isoformat()):
            return "retired"
        return "deprecated" if (f.retirement_date or f.deprecation_date) else None

    def card(self, f: Fact):
        d = Draft(SOURCE, self.url, self.fetched_at, sha256(self.page), self.parser_version)
        d.put("source_model_id", f"{self.vendor}/{f.model_id}")
        d.put("name", f.name or f.model_id)
        d.put("organization", self.organization)
        d.put("status", self.status_of(f))
        d.put("deprecation_date", f.deprecation_date)
        d.put("retirement_date", f.retirement_date)
        d.put("retirement_qualifier", f.retirement_qualifier)
        d.put("successor", ", ".join(f.successors) if f.successors else None)
        d.put("section", f.section)
        d.put("release_date", f.release_date)
        if f.regions:
            d.put("regions", list(f.regions))
        for e in sorted(f.empty):
            d.empty(e)
        card = d.build()
        self.problems.extend(d.problems)
        return card

    def parsed(self) -> Parsed:
        cards = [c for c in (self.card(f) for f in self.merged()) if c is not None]
        if not cards and not self.problems:
            self.problem("page", "no model found on the lifecycle page: layout changed?")
        return Parsed(cards=cards, problems=self.problems, notes=self.notes)
