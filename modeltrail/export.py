"""Export snapshots (as of any instant) to CSV or Parquet: model_cards, prices, benchmarks.

The export is a versioned contract (EXPORT_VERSION): its columns are pinned by a test.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

from .warehouse.db import WarehouseError

EXPORT_VERSION = 1
TABLES = {
    "model_cards": "model_cards_as_of",
    "prices": "prices_as_of",
    "benchmarks": "benchmarks_as_of",
}
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """CSV cell that a spreadsheet shows as text: formula-like strings get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    return safe_cell(v) if isinstance(v, str) else v


def export(con, out_dir: str | Path, fmt: str, as_of: datetime, progress=None) -> list[Path]:
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create export directory {out}: {exc.strerror}") from exc
    stamp = re.sub(r"[^0-9TZ]", "", as_of.strftime("%Y%m%dT%H%M%SZ"))
    written = []
    for name, macro in TABLES.items():
        target = out / f"{name}_{stamp}.{fmt}"
        query = f"SELECT * EXCLUDE (run_id) FROM {macro}($ts) ORDER BY ALL"
        cur = con.execute(query, {"ts": as_of})
        if fmt == "parquet":
            # DuckDB writes the file itself; raw values, no CSV escaping.
            con.execute(f"COPY ({query}) TO '{_sql_path(target)}' (FORMAT parquet)", {"ts": as_of})
        else:
            cols = [d[0] for d in cur.description]
            with open(target, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(cols)
                for row in cur.fetchall():
                    w.writerow([_cell(v) for v in row])
        written.append(target)
        if progress:
            progress(f"wrote {target}")
    return written


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
