"""`modeltrail maintain` on a DuckDB file: the warehouse copied into a fresh file that replaces it.

DuckDB never gives back the blocks a checkpoint frees, and every checkpoint rewrites the row groups a
load touched (each day closes versions: `valid_to`), so a warehouse loaded daily holds its rows in far
more blocks than they need (bench/RESULTS.md §9c: a 60-day file 11.5 MiB live, 7.5 MiB copied). The copy holds every
table (rows and constraints), view, macro and sequence; it replaces the file only when each table's row
count and row-hash digest, and every view, macro and sequence, are the same in both; otherwise the
file is left as it was. Under the writer lock throughout, so no load runs meanwhile; a reader that
opened the old file keeps reading it (the same rows) until it closes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import duckdb

from modeltrail.warehouse import lake
from modeltrail.warehouse.connection import ROW_GROUP_SIZE
from modeltrail.warehouse.errors import WarehouseError
from modeltrail.warehouse.location import Location
from modeltrail.warehouse.sqlfiles import query, run_sql

SQL = "compact.sql"


def scratch_path(path: Path) -> Path:
    """Where the copy is written (beside the warehouse: same file system, so the swap is one rename)."""
    return path.with_name(path.name + ".compact")


def compact(where: Location, wait: float = 0, on_wait=None) -> tuple[int, int]:
    """Checkpoint the file, copy it into a fresh one, check the copy, put it in place. Returns the size
    in bytes before and after (equal when the copy was no smaller and the file was kept)."""
    from modeltrail.warehouse.connection import READER_GRACE, connect, writer_lock
    if where.is_lake:
        raise WarehouseError("compacting copies a DuckDB file; a DuckLake is compacted by its own maintenance")
    path, scratch = where.path, scratch_path(where.path)
    with writer_lock(where, command="maintain").acquire(wait, on_wait):
        _remove(scratch)  # left by a compaction killed half-way (it never replaced the file)
        con = connect(where, busy_wait=READER_GRACE)  # (readers' short queries finish first)
        try:
            con.execute(query("checkpoint", SQL))
            before = path.stat().st_size
            free = shutil.disk_usage(path.parent).free
            if free < before:  # the copy is smaller than the file, but how much is known only after
                raise WarehouseError(f"compacting {path} needs up to {before / 2**20:.1f} MiB free beside it; "
                                     f"{free / 2**20:.1f} MiB are. The warehouse is left as it was")
            _copy(con, scratch)
        except (duckdb.Error, OSError) as exc:  # a full disk, most likely: the copy goes, the file stays
            _remove(scratch)
            raise WarehouseError(f"compacting {path}: {str(exc).splitlines()[0]}; the warehouse is left as "
                                 "it was") from None
        except BaseException:
            _remove(scratch)
            raise
        finally:
            con.close()
        after = scratch.stat().st_size
        # a WAL left beside the file (never seen: the close checkpoints) would be replayed onto the copy
        if path.with_name(path.name + ".wal").exists():
            _remove(scratch)
            raise WarehouseError(f"compacting {path}: its write-ahead log was not folded in at close; the "
                                 "warehouse is left as it was")
        if after >= before:
            _remove(scratch)
            return before, before
        _same_owner_and_mode(path, scratch)
        os.replace(scratch, path)
        _sync_dir(path.parent)
        return before, after


def _copy(con: duckdb.DuckDBPyConnection, scratch: Path) -> None:
    catalog = con.execute(query("current_database", SQL)).fetchone()[0]
    con.execute(query("compact_attach", SQL).format(path=lake.literal(str(scratch)), rows=ROW_GROUP_SIZE))
    try:
        con.execute(query("compact_copy", SQL).format(database=_ident(catalog)))
        for (table,) in con.execute(query("compact_tables", SQL)).fetchall():
            mine, copy = (con.execute(query("compact_digest", SQL).format(catalog=c, table=_ident(table))).fetchone()
                          for c in (_ident(catalog), "compacted"))
            if mine != copy:
                raise WarehouseError(f"compacting: the copy of table {table} differs ({copy[0]} rows, "
                                     f"{mine[0]} in the warehouse); the warehouse is left as it was")
        schema = [run_sql(con, query("compact_schema", SQL), {"catalog": c}).fetchall() for c in (catalog, "compacted")]
        if schema[0] != schema[1]:
            raise WarehouseError("compacting: the copy's views, macros or sequences differ; the warehouse is "
                                 "left as it was")
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute(query("compact_detach", SQL))  # (checkpoints the copy: no WAL is left beside it)


def _same_owner_and_mode(path: Path, copy: Path) -> None:
    """The copy takes the warehouse file's permissions and, where this process may give it (root), its
    owner: a maintain run by root must not leave the refreshing user a file it cannot write."""
    shutil.copymode(path, copy)
    st = path.stat()
    with contextlib.suppress(PermissionError):
        os.chown(copy, st.st_uid, st.st_gid)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
