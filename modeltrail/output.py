"""Printing rows for people (aligned table) and for scripts (csv, json)."""

from __future__ import annotations

import csv
import json
import os
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
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    if width is not None:
        widths = [min(max_width, w) for w in widths]
    fitted = fit(widths, width, [i for i, c in enumerate(cols) if _detail(c)],
                 [i for i, c in enumerate(cols) if _names(c)])
    if any(f < min(MIN_COLUMN, w) for f, w in zip(fitted, widths)):  # (cut below MIN_COLUMN: unreadable)
        _expanded(cols, cells, width, out)
        return
    widths = fitted
    out.write("  ".join(_cut(c, w).ljust(w) for c, w in zip(cols, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write("  ".join(_cut(c, w).ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


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


def fit(widths: list[int], total: int | None, first: Sequence[int] = (), last: Sequence[int] = ()) -> list[int]:
    """Narrow columns until the row (with its 2-space gaps) fits `total` characters: the `first` ones
    (details) as far as they go, then the widest of the others but the `last` (ids and names), then
    the widest of all."""
    widths = list(widths)
    if total is None:
        return widths
    others = [i for i in range(len(widths)) if i not in set(last)]
    # the groups in turn down to MIN_COLUMN; a table of many columns on a narrow terminal, then every
    # column down to two characters (one and the `…`)
    for group, floor in ((list(first), MIN_COLUMN), (others, MIN_COLUMN), (range(len(widths)), MIN_COLUMN),
                         (range(len(widths)), 2)):
        while group and sum(widths) + 2 * (len(widths) - 1) > total:
            i = max(group, key=lambda k: widths[k])
            if widths[i] <= floor:
                break
            widths[i] -= 1
    return widths
