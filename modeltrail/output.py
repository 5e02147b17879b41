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
    cells = [[_text(v) for v in r] for r in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    out.write("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
