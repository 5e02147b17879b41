"""Printing rows for people (aligned table) and for scripts (csv, json)."""

from __future__ import annotations

import csv
import json
import os
import sys
from datetime import date, datetime
from typing import Any, Sequence

FORMATS = ("table", "csv", "json")


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ") if v.utcoffset() is not None and not v.utcoffset() else v.isoformat()
    if isinstance(v, (list, tuple)):  # a list in one cell: items joined by "," (as in exports and history)
        return ",".join(_text(x) for x in v)
    if isinstance(v, float):
        return f"{v:g}"
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
    stops reading (`| head`) is a normal end: exit 0, no message."""
    try:
        _render(cols, rows, fmt, out or sys.stdout, max_width, header)
        (out or sys.stdout).flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (Python flushes again at exit)
        sys.exit(0)


def _render(cols, rows, fmt, out, max_width, header) -> None:
    if fmt == "json":
        for r in rows:
            out.write(json.dumps(dict(zip(cols, r)), default=_json, ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        if header:
            w.writerow(cols)
        for r in rows:
            w.writerow([_text(v) for v in r])
        return
    cells = [[_text(v).replace("\n", " ") for v in r] for r in rows]
    widths = [min(max_width, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(cols)]
    widths = fit(widths, terminal_width(out), [i for i, c in enumerate(cols) if c in DETAIL_COLUMNS])

    def cut(c: str, w: int) -> str:
        return c if len(c) <= w else c[: w - 1] + "…"
    out.write("  ".join(cut(c, w).ljust(w) for c, w in zip(cols, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write("  ".join(cut(c, w).ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


#: a column is never narrowed below this (its cells then end in "…")
MIN_COLUMN = 6
#: where a value was read (whole in --format csv|json): narrowed first, so that a terminal's table keeps
#: the ids, fields, values and times readable (`history` of a model with two source ids told them apart
#: only by their cut-off ends)
DETAIL_COLUMNS = {"url", "page_sha256", "sha256", "start_urls"}


def terminal_width(out) -> int | None:
    """The width a table must fit: $COLUMNS, else the terminal's; None when writing to a file or pipe."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(out.fileno()).columns if out.isatty() else None
    except (AttributeError, OSError, ValueError):
        return None


def fit(widths: list[int], total: int | None, first: Sequence[int] = ()) -> list[int]:
    """Narrow columns until the row (with its 2-space gaps) fits `total` characters: the `first` ones
    (details) as far as they go, then the widest."""
    widths = list(widths)
    if total is None:
        return widths
    for group in (list(first), range(len(widths))):
        while group and sum(widths) + 2 * (len(widths) - 1) > total:
            i = max(group, key=lambda k: widths[k])
            if widths[i] <= MIN_COLUMN:
                break
            widths[i] -= 1
    return widths
