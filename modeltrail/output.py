"""Printing rows for people (aligned table) and for scripts (csv, json)."""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

FORMATS = ("table", "csv", "json")

from modeltrail.flows.console import echo, json_safe, terminal_safe  # noqa: F401 - what a terminal is shown


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ") if v.utcoffset() is not None and not v.utcoffset() else v.isoformat()
    if isinstance(v, (list, tuple)):  # a list in one cell: items joined by "," (as in exports and history)
        return ",".join(_text(x) for x in v)
    if isinstance(v, float):  # a plain decimal, as short as the value allows (never `1e-05`)
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return format(Decimal(repr(v)), "f")
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    return str(v)


def _json(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return _text(v) if isinstance(v, datetime) else v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    return str(v)


def render(cols: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table", out=None,
           max_width: int = 60, header: bool = True) -> None:
    """header=False: more rows of a csv/json output already begun (streaming in chunks). A reader that
    stops reading (`| head`) is a normal end: exit 0, no message. A table on a terminal fits it (no
    column wider than max_width); written to a file or pipe, every cell is whole."""
    try:
        _render(cols, rows, fmt, out or sys.stdout, max_width, header)
        (out or sys.stdout).flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (Python flushes again at exit)
        sys.exit(0)


def _render(cols, rows, fmt, out, max_width, header) -> None:
    if fmt == "json":
        for r in rows:
            out.write(json_safe(json.dumps(dict(zip(cols, r)), default=_json, ensure_ascii=False)) + "\n")
        return
    if fmt == "csv":
        # CSV keeps the data (quoted by its own rules) for files and scripts; written to a terminal, its
        # cells' controls are made visible as in a table
        shown = _is_terminal(out)
        w = csv.writer(out, lineterminator="\n")
        if header:
            w.writerow([terminal_safe(c) for c in cols] if shown else cols)
        for r in rows:
            w.writerow([terminal_safe(_text(v), lines=True) if shown else _text(v) for v in r])
        return
    cells = [[terminal_safe(_text(v)) for v in r] for r in rows]
    cols = [terminal_safe(c) for c in cols]
    width = terminal_width(out)
    table = _Table(cols, cells, rows)
    if width is not None:
        table.widths = [min(max_width, w) for w in table.widths]
        table.wrap_headers(width)
        table.fit(width, details_only=True)
        if not table.fits(width) and len(cells) > 1:  # the details cut: say what every row holds once
            table = table.hoisted(out, width)
        table.fit(width)
        if not table.fits(width):  # cut below its floor, a column is unreadable: a row at a time
            _expanded(table.cols, table.cells, width, out)
            return
    table.write(out)


class _Table:
    """Columns to show with their widths and floors (`fit` narrows them to a terminal)."""

    def __init__(self, cols: list[str], cells: list[list[str]], rows: Sequence[Sequence[Any]] | None = None,
                 floors: list[int] | None = None):
        """`rows`: the values the cells show (their types set each column's floor, read only when the table
        is fitted to a terminal); or `floors` as given."""
        self.cols, self.cells, self._rows = cols, cells, rows
        #: each column's widest cell
        self.cell_widths = [max((len(r[i]) for r in cells), default=0) for i in range(len(cols))]
        self.widths = [max(len(c), w) for c, w in zip(cols, self.cell_widths)]
        if floors is not None:
            self.floors = floors

    @functools.cached_property
    def floors(self) -> list[int]:
        return [_floor(c, [r[i] for r in self._rows], w) for i, (c, w) in enumerate(zip(self.cols, self.cell_widths))]

    def fit(self, total: int, details_only: bool = False) -> None:
        """Narrow the columns until a row (with its 2-space gaps) fits `total` characters: the details
        (where a value was read) as far as they go, then the widest of the others but the ids and names,
        then the widest of all; none below its floor (`_floor`)."""
        first = [i for i, c in enumerate(self.cols) if _detail(c)]
        self.widths = fit(self.widths, total, first, [i for i, c in enumerate(self.cols) if _names(c)],
                          self.floors, stop_after_first=details_only)

    def wrap_headers(self, total: int) -> None:
        """Columns wider than their cells for their names alone first give that room back, their names
        wrapped at a "_" (`offering_count` over two-digit counts), which cuts nothing."""
        need = [min(w, max(floor, cell, max(map(len, c.split("_")))))  # (its longest word: a line of its name)
                for c, w, floor, cell in zip(self.cols, self.widths, self.floors, self.cell_widths)]
        self.widths = fit(self.widths, total, list(range(len(self.cols))), (), need, stop_after_first=True)

    def fits(self, total: int) -> bool:
        return sum(self.widths) + 2 * (len(self.widths) - 1) <= total

    def hoisted(self, out, width: int) -> "_Table":
        """The table without the columns that hold one value in every row, written above it as
        `name: value` (those blank in every row named on one line)."""
        same = [i for i in range(len(self.cols)) if len({r[i] for r in self.cells}) == 1]
        if not same or len(same) == len(self.cols):
            return self
        for i in same:
            if self.cells[0][i]:
                out.write(_cut(f"{self.cols[i]}: {self.cells[0][i]}", width) + "\n")
        blank = [self.cols[i] for i in same if not self.cells[0][i]]
        if blank:
            out.write(_cut("blank in every row: " + ", ".join(blank), width) + "\n")
        keep = [i for i in range(len(self.cols)) if i not in same]
        table = _Table([self.cols[i] for i in keep], [[r[i] for i in keep] for r in self.cells],
                       floors=[self.floors[i] for i in keep])
        table.widths = [self.widths[i] for i in keep]
        return table

    def write(self, out) -> None:
        heads = [_header_lines(c, w) for c, w in zip(self.cols, self.widths)]
        depth = max(map(len, heads), default=1)
        for n in range(depth):  # (a header cut to its column is wrapped at its "_", bottom-aligned)
            line = [(h[n - depth + len(h)] if n >= depth - len(h) else "").ljust(w)
                    for h, w in zip(heads, self.widths)]
            out.write("  ".join(line).rstrip() + "\n")
        out.write("  ".join("-" * w for w in self.widths) + "\n")
        for r in self.cells:
            out.write("  ".join(_cut(c, w).ljust(w) for c, w in zip(r, self.widths)).rstrip() + "\n")


#: the most lines a header is wrapped onto
HEADER_LINES = 3


def _header_lines(col: str, w: int) -> list[str]:
    """A column's name on as many lines as its width needs (at most HEADER_LINES), broken at its "_"s
    as a text is at its spaces: `cheapest_input_at` at 8 is `cheapest` over `input_at`, where cut it
    would read `cheapes…` as its neighbours do. A word longer than the column is cut ("…")."""
    if len(col) <= w:
        return [col]
    lines: list[str] = []
    for word in col.split("_"):
        if lines and len(lines[-1]) + 1 + len(word) <= w:
            lines[-1] += "_" + word
        else:
            lines.append(word)
    if len(lines) > HEADER_LINES:
        lines = lines[:HEADER_LINES - 1] + ["_".join(lines[HEADER_LINES - 1:])]
    return [_cut(line, w) for line in lines]


def _floor(col: str, values: list[Any], cell: int) -> int:
    """How narrow a column may be cut: MIN_COLUMN characters (or its whole width when narrower); a
    number not below its widest cell (a cut number reads as another number); a time not below its day
    (`2026-12-07…`). Its name, when longer, is wrapped (`_header_lines`). `cell`: its widest cell."""
    floor = min(MIN_COLUMN, max(cell, len(col)))
    values = [v for v in values if v is not None and v != ""]
    if values and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values):
        return max(floor, cell)
    if values and all(isinstance(v, (datetime, date)) or (isinstance(v, str) and _TIME_RE.match(v))
                      for v in values):
        return max(floor, min(cell, len("2026-12-07…")))
    return floor


#: a date or a time (ISO 8601), as text
_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ]\d)")


def _cut(c: str, w: int) -> str:
    return c if len(c) <= w else c[: max(w, 1) - 1] + "…"


def _expanded(cols: list[str], cells: list[list[str]], width: int, out) -> None:
    """A table too wide for the terminal even with every column cut to MIN_COLUMN (`compare` of a model
    that 20 offerings list, `sql` over every column of a table): each row as a block, a line a column
    (name, then value), as psql's expanded display. A column left blank in that row is left out, as a
    table leaves it blank; a value longer than the line is cut ("…"; csv and json keep it whole)."""
    name_w = min(max(map(len, cols)), max(MIN_COLUMN, width // 2))
    value_w = max(width - name_w - 2, 2)
    for n, r in enumerate(cells, 1):
        mark = f"-[ {n} ]"
        out.write(mark + "-" * max(0, min(width, 40) - len(mark)) + "\n")
        for c, v in zip(cols, r):
            if v:
                out.write(f"{_cut(c, name_w).ljust(name_w)}  {_cut(v, value_w)}".rstrip() + "\n")


#: a column is never narrowed below this (its cells then end in "…")
MIN_COLUMN = 6
#: where a value was read (whole in --format csv|json): narrowed first, so that a terminal's table keeps
#: the ids, fields, values and times readable (`history` of a model with two source ids told them apart
#: only by their cut-off ends)
DETAIL_COLUMNS = {"url", "page_sha256", "sha256", "start_urls"}


def _is_terminal(out) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width(out) -> int | None:
    """The width a table must fit: $COLUMNS, else the terminal's; None when writing to a file or pipe."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(out.fileno()).columns if out.isatty() else None
    except (AttributeError, OSError, ValueError):
        return None


def _detail(col: str) -> bool:
    """Where a value was read (any url or hash column, `modeltrail sql`'s too): cut first."""
    return col in DETAIL_COLUMNS or "url" in col or col.endswith(("sha256", "hash"))


def _names(col: str) -> bool:
    """A column that names what a row is about (ids, names, sources, fields): cut last."""
    return col in NAME_COLUMNS or col.endswith(("_id", "_name"))


#: columns that say what a row is about: a narrow terminal cuts every other column before these
NAME_COLUMNS = {"model", "model_id", "source_model_id", "name", "source", "field", "alias"}


def fit(widths: list[int], total: int | None, first: Sequence[int] = (), last: Sequence[int] = (),
        floors: Sequence[int] | None = None, stop_after_first: bool = False) -> list[int]:
    """Narrow columns until the row (with its 2-space gaps) fits `total` characters: the `first` ones
    (details) as far as they go, then the widest of the others but the `last` (ids and names), then
    the widest of all; each down to its floor (MIN_COLUMN when not given). What cannot fit so is
    returned as narrow as it got (the caller shows the rows another way)."""
    widths = list(widths)
    if total is None:
        return widths
    floors = list(floors) if floors is not None else [MIN_COLUMN] * len(widths)
    others = [i for i in range(len(widths)) if i not in set(last)]
    for group in (list(first), others, list(range(len(widths))))[:1 if stop_after_first else 3]:
        while sum(widths) + 2 * (len(widths) - 1) > total:
            above = [k for k in group if widths[k] > floors[k]]
            if not above:
                break
            widths[max(above, key=lambda k: widths[k])] -= 1
    return widths
