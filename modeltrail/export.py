"""Export snapshots (as of any instant) to CSV or Parquet: model_cards, prices, benchmarks.

The export is a versioned contract (EXPORT_VERSION): its columns are pinned by a test.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from modeltrail.warehouse.db import WarehouseError, query

#: 2: model_cards gained provider, mode, regions, open_weights, last_updated, section, retirement_qualifier
EXPORT_VERSION = 2
#: its statements (warehouse/export.sql)
SQL = "export.sql"
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
        return ",".join(str(x) for x in v)  # one convention for list cells: see README "Output"
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    return safe_cell(v) if isinstance(v, str) else v


def export(con, out_dir: str | Path, fmt: str, as_of: datetime, progress=None, force: bool = False) -> list[Path]:
    """Write the three tables as of `as_of`. Each file is written to a temporary name in the output folder
    and renamed over its final name, so an existing path (a symlink planted there included) is never
    opened for writing; an existing file is refused unless `force`."""
    out = Path(out_dir)
    first = con.execute(query("first_snapshot", SQL)).fetchone()[0]
    if first is None or first > as_of:
        since = f"; the first snapshot is from {first.isoformat()}" if first is not None else ""
        raise WarehouseError(f"nothing was recorded as of {as_of.isoformat()}{since}: no files written")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create export directory {out}: {exc.strerror}") from exc
    stamp = as_of.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    targets = {name: out / f"{name}_{stamp}.{fmt}" for name in TABLES}
    existing = [str(t) for t in targets.values() if os.path.lexists(t)]
    if existing and not force:
        raise WarehouseError(f"{existing[0]} already exists: not overwritten (pass --force to replace it)")
    written = []
    for name, macro in TABLES.items():
        target = targets[name]
        sql = query("export_table", SQL).format(macro=macro)
        with replacing(target) as (fd, tmp):
            if fmt == "parquet":
                os.close(fd)
                # DuckDB writes the file itself; raw values, no CSV escaping.
                con.execute(query("export_parquet", SQL).format(select=sql, path=_sql_path(tmp)), {"ts": as_of})
            else:
                cur = con.execute(sql, {"ts": as_of})
                cols = [d[0] for d in cur.description]
                with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                    w = csv.writer(fh)
                    w.writerow(cols)
                    while rows := cur.fetchmany(10_000):
                        w.writerows([_cell(v) for v in row] for row in rows)
        written.append(target)
        if progress:
            progress(f"wrote {target}")
    return written


@contextlib.contextmanager
def replacing(target: Path):
    """(fd, path) of a temporary file beside `target`, renamed over it when the block ends without an
    error: the name is replaced (a symlink planted there too), never what it points at, and a reader
    never sees half a file. Removed otherwise. A failure is one WarehouseError naming the file. The file
    gets the permissions a file created plainly would (the umask's: 0644 under 022), not the temporary
    file's private 0600, which left exports unreadable to anyone they were written for."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise WarehouseError(f"cannot write into {target.parent}: {exc.strerror}") from exc
    try:
        yield fd, Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise WarehouseError(f"cannot write {target}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0o077)  # (read by setting it: put back at once)
    os.umask(mask)
    return mask


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
