"""`modeltrail maintain` and the maintain flow: a warehouse's storage compacted, no row changed.

A DuckDB file is copied into a fresh file (compact.py). A DuckLake writes rows inlined in its catalog
out as Parquet, merges the small files daily loads leave, rewrites files with many deleted rows and,
with `keep_snapshots`, expires its own snapshots older than that many days (never the one current
when maintenance began: a reader may be on it) and deletes the files only they read.
"""

from __future__ import annotations

from typing import Callable

from modeltrail.warehouse.compact import compact
from modeltrail.warehouse.errors import NoWarehouse, WarehouseError
from modeltrail.warehouse.location import Location
from modeltrail.warehouse.sqlfiles import query, run_sql, sections

SQL = "maintain.sql"


def maintain(where: Location, keep_snapshots: int | None = None, wait: float = 0, on_wait=None,
             say: Callable[[str], None] = lambda message: None) -> str:
    """Compact the warehouse at `where`; returns what was done, in one line."""
    from modeltrail.warehouse.connection import exists, writing
    if not exists(where):  # (a writer would make an empty one)
        raise NoWarehouse(f"no warehouse at {where} (nothing to maintain)")
    if not where.is_lake:
        if keep_snapshots is not None:
            raise WarehouseError("keeping snapshots is for a DuckLake warehouse: a DuckDB file keeps none")
        say("maintain: copying the warehouse into a fresh file")
        before, after = compact(where, wait=wait, on_wait=on_wait)
        return (f"{where}: {_mib(before)} -> {_mib(after)}"
                + ("" if after < before else " (already compact: the file was kept)"))
    with writing(where, wait=wait, on_wait=on_wait, command="maintain") as con:
        before = con.execute(query("lake_files", SQL)).fetchone()
        began = con.execute(query("lake_latest_snapshot", SQL)).fetchone()[0]
        say("maintain: merging files")
        for stmt in sections(SQL)["lake_maintenance"]:
            con.execute(stmt)
        expired = deleted = None
        if keep_snapshots is not None:
            say(f"maintain: expiring snapshots older than {keep_snapshots} days")
            expired = len(run_sql(con, query("lake_expire", SQL), {"days": keep_snapshots, "before": began}).fetchall())
            deleted = len(con.execute(query("lake_cleanup", SQL)).fetchall())
        after = con.execute(query("lake_files", SQL)).fetchone()
    return (f"{where}: {before[0]} data files and {before[1]} delete files -> {after[0]} and {after[1]}"
            + (f"; {expired} snapshots expired, {deleted} files deleted" if keep_snapshots is not None else ""))


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"
