"""`modeltrail migrate --to ducklake:…`: an existing DuckDB warehouse copied whole (history, archive,
runs, identity, aliases) into a new DuckLake, in one transaction. The file is brought to this code's
schema first (its writer lock held throughout) and is otherwise left as it is; nothing is recomputed, so
every version keeps its times, hashes and provenance."""

from __future__ import annotations

import contextlib

import duckdb

from modeltrail.warehouse import lake, migrate
from modeltrail.warehouse.errors import WarehouseError
from modeltrail.warehouse.location import Location
from modeltrail.warehouse.sqlfiles import query, run_sql, transaction

SQL, META = "transfer.sql", "meta.sql"


def tables() -> list[str]:
    """Every table of a warehouse at this code's schema (its views and macros come with the schema)."""
    columns, views_and_macros = migrate.expected()
    return sorted({c.split(".", 1)[0] for c in columns} - views_and_macros)


def copy_to_lake(source: Location, target: Location, wait: float = 0, on_wait=None) -> dict[str, int]:
    """Copy the file `source` into the empty DuckLake `target`. {table: rows copied}."""
    from modeltrail.warehouse.connection import connect, writer_lock, writing
    if source.is_lake or not target.is_lake:
        raise WarehouseError("migrate --to copies a DuckDB file (--db) into a DuckLake (--to ducklake:postgres://…)")
    if not source.path.exists():
        raise WarehouseError(f"no warehouse at {source.path} (nothing to copy)")
    with writing(source, wait=wait, on_wait=on_wait, command="migrate --to") as con:
        con.close()  # brought to this schema; its lock stays held until the copy is done
        with writer_lock(target, command=f"migrate --to (from {source.path.name})").acquire(wait, on_wait):
            dst = connect(target)
            try:
                return _copy(dst, source, target)
            finally:
                dst.close()


def _copy(dst: duckdb.DuckDBPyConnection, source: Location, target: Location) -> dict[str, int]:
    runs = dst.execute(query("transfer_runs", SQL)).fetchone()[0]
    if runs:
        raise WarehouseError(f"{target} already holds a warehouse ({runs} runs): copy into an empty one "
                             "(a new catalog database and data folder)")
    dst.execute(query("transfer_attach", SQL).format(path=lake.literal(str(source.path))))
    copied = {}
    try:
        with transaction(dst):
            for table in tables():
                if table == "meta":
                    continue  # the lake's own (schema version, views); the file's identity hash follows below
                dst.execute(query("transfer_clear", SQL).format(table=table))
                dst.execute(query("transfer_table", SQL).format(table=table))
                copied[table] = dst.execute(query("transfer_count", SQL).format(table=table)).fetchone()[0]
            row = dst.execute(query("transfer_aliases_hash", SQL)).fetchone()
            if row:
                run_sql(dst, query("set_meta", META), {"key": "aliases_hash", "value": row[0]})
            for table, n in copied.items():
                have = dst.execute(query("transfer_source_count", SQL).format(table=table)).fetchone()[0]
                if have != n:
                    raise WarehouseError(f"copy of {table}: {n} rows in the lake, {have} in {source.path}; "
                                         "nothing was stored")
    finally:
        with contextlib.suppress(duckdb.Error):
            dst.execute(query("transfer_detach", SQL))
    return copied
