"""Printing rows for people (aligned table) and for scripts (csv, json)."""

from __future__ import annotations

import csv
import json
import os
import sys
from datetime import date, datetime
from typing import Any, Sequence

FORMATS = ("table", "csv", "json")

#: characters a terminal may act on instead of showing: C0 controls, DEL, C1 controls (ESC starts
#: cursor moves, screen clears, OSC 0 window titles, OSC 52 clipboard writes), and the Unicode bidi
#: overrides and line separators that reorder or break what is shown
_UNSAFE = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F),
           *range(0x2066, 0x206A), 0x2028, 0x2029]
_SHOWN = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSAFE}
_IN_CELL = {**_SHOWN, ord("\t"): " ", ord("\n"): " ", ord("\r"): " "}
_IN_LINES = {**_SHOWN, ord("\t"): "\t", ord("\n"): "\n"}
#: what JSON's own escaping leaves raw (it escapes C0 only): \u escapes, the same text once decoded
_IN_JSON = {c: f"\\u{c:04x}" for c in _UNSAFE if c >= 0x7F}


def terminal_safe(text: str, lines: bool = False) -> str:
    """Text a terminal shows as text: every control character written out as a visible escape
    (`\\x1b`), never sent raw. lines=True keeps newlines and tabs (a message of several lines); else a
    newline, tab or carriage return is a space (a table cell)."""
    return text.translate(_IN_LINES if lines else _IN_CELL)


def json_safe(text: str) -> str:
    """A JSON text with the controls JSON leaves raw (DEL, C1, bidi overrides) written as \\u escapes:
    the same data once decoded, and nothing a terminal acts on if it is shown."""
    return text.translate(_IN_JSON)


def echo(message: str = "", err: bool = False) -> None:
    """click.echo for messages that may carry names or ids from a page: controls made visible."""
    import click
    click.echo(terminal_safe(message, lines=True), err=err)


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
