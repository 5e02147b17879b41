"""Schema versions: numbered migrations (warehouse/migrations/NNNN_*.sql) that writers apply, and a
check that readers make.

- `meta.schema_version` says which migrations a warehouse has had (0: none, or no meta at all).
- A writer applies every migration above that number, in order, recording each one's number as it is
  applied (from 4 on, inside that migration's own transaction).
- A reader never changes the file. A warehouse newer than this code is refused (upgrade modeltrail); an
  older one is read when it already holds every table, column, view and macro this code reads (its
  number lags only because an older modeltrail wrote it), else the reader says `modeltrail migrate`.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from importlib import resources

import duckdb

from modeltrail.warehouse.errors import WarehouseError


def _files() -> list[tuple[int, str]]:
    root = resources.files("modeltrail.warehouse").joinpath("migrations")
    found = []
    for entry in root.iterdir():
        if m := re.fullmatch(r"(\d{4})_[\w-]+\.sql", entry.name):
            found.append((int(m.group(1)), entry.name))
    return sorted(found)


MIGRATIONS = _files()
LATEST = MIGRATIONS[-1][0]
#: the first migration written to run in one transaction
ATOMIC_FROM = 4


def statements(name: str) -> list[str]:
    from modeltrail.warehouse.sqlfiles import _split
    return _split(resources.files("modeltrail.warehouse").joinpath("migrations", name).read_text("utf-8"))


def version_of(con) -> int:
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException:
        return 0
    try:
        return int(row[0]) if row else 0
    except ValueError:
        raise WarehouseError(f"the warehouse's schema version is not a number: {row[0]!r}") from None


def _newer(version: int) -> WarehouseError:
    return WarehouseError(f"this warehouse was written by a newer modeltrail (schema {version}; this one knows "
                          f"schemas up to {LATEST}): upgrade modeltrail to read or write it")


def upgrade(con, lake: bool = False) -> tuple[int, int]:
    """Apply the migrations this warehouse has not had (a writer's connection). (before, after)
    lake: the statements as DuckLake runs them (lake.dialect: no primary keys, no sequences)."""
    from modeltrail.warehouse.lake import dialect
    before = version_of(con)
    if before > LATEST:
        raise _newer(before)
    if before == LATEST:
        return before, LATEST
    from modeltrail.warehouse.sqlfiles import query, run_sql, transaction
    for number, name in MIGRATIONS:
        if number <= before:
            continue
        # From 4 on, a migration on a file is one transaction, its number recorded in it: a writer killed
        # half-way leaves the schema it found. (1-3 change rows of tables they alter, which DuckDB
        # refuses within one transaction; each of their statements can run twice. A lake's writer
        # upgrades inside the transaction it holds for its schema work.)
        atomic = not lake and number >= ATOMIC_FROM
        with transaction(con) if atomic else contextlib.nullcontext():
            for stmt in statements(name):
                stmt = dialect(stmt) if lake else stmt
                if stmt:
                    con.execute(stmt)
            run_sql(con, query("set_meta", "meta.sql"), {"key": "schema_version", "value": str(number)})
    return before, LATEST


def check_readable(con, path) -> None:
    """Refuse a newer warehouse; an older one must hold what this code reads, or be migrated first."""
    version = version_of(con)
    if version > LATEST:
        raise _newer(version)
    if version == LATEST:
        return
    missing = _missing(con)
    if missing:
        shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        raise WarehouseError(f"{path} was made by an older modeltrail (schema {version}; this one reads schema "
                             f"{LATEST}, which also has {shown}): run `modeltrail migrate --db {path}` once "
                             "(history is kept)")


@lru_cache(maxsize=1)
def expected() -> tuple[frozenset, frozenset]:
    """(table.column names, view and macro names) of a warehouse at the latest schema."""
    from modeltrail.warehouse.sqlfiles import _split, _sql
    con = duckdb.connect(":memory:")
    try:
        for _, name in MIGRATIONS:
            for stmt in statements(name):
                con.execute(stmt)
        for stmt in _split(_sql("views.sql")):
            con.execute(stmt)
        return _objects(con)
    finally:
        con.close()


def _objects(con) -> tuple[frozenset, frozenset]:
    columns = frozenset(f"{t}.{c}" for t, c in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND database_name = current_database()"
        " AND schema_name = 'main'").fetchall())
    named = frozenset(n for (n,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database() "
        "UNION SELECT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro') "
        "AND NOT internal AND database_name = current_database()").fetchall())
    return columns, named


def _missing(con) -> list[str]:
    want_cols, want_named = expected()
    have_cols, have_named = _objects(con)
    return sorted(want_named - have_named) + sorted(want_cols - have_cols)
