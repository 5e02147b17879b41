"""Staging rows for a merge: many rows into a table at once, through a file DuckDB reads."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import weakref
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from modeltrail.warehouse.errors import WarehouseError
from modeltrail.warehouse.lock import staging_dir


def file_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The DuckDB file the connection writes; None for a DuckLake."""
    try:
        path, kind = con.execute("SELECT path, type FROM duckdb_databases() "
                                 "WHERE database_name = current_database()").fetchone()
    except (duckdb.Error, TypeError):
        return None
    return Path(path) if kind == "duckdb" and path else None


class _Catalog:
    """Where a connection stages its rows, asked once per connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        db_file = file_of(con)
        self.folder = staging_dir(db_file) if db_file is not None else Path(tempfile.gettempdir())
        self.lake = db_file is None


#: the column types of each table staging inserts into, by kind of warehouse (a DuckLake's, a file's) and
#: table, asked once per process: every writer's schema is this code's (brought up to date when it opens;
#: the staging tables are made by merge.sql, remap.sql and providers.sql), so a table's types are the same
#: in every warehouse a writer of this process opens. A load inserts into ~12 tables (~0.5 ms each).
_TYPES: dict[tuple[bool, str], dict[str, str]] = {}


def _types_of(con: duckdb.DuckDBPyConnection, table: str, again: bool = False) -> dict[str, str]:
    # (the table the name resolves to, as the INSERT will; ~0.3 ms, where duckdb_columns() filtered by
    # name costs ~2 ms and binds every view when unfiltered)
    key = (_catalog(con).lake, table)
    if again or key not in _TYPES:
        _TYPES[key] = dict(con.execute("SELECT name, type FROM pragma_table_info(?)", [table]).fetchall())
    return _TYPES[key]


_CATALOGS: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Catalog]" = weakref.WeakKeyDictionary()


def _catalog(con: duckdb.DuckDBPyConnection) -> _Catalog:
    found = _CATALOGS.get(con)
    if found is None:
        found = _CATALOGS[con] = _Catalog(con)
    return found


def _folder(con: duckdb.DuckDBPyConnection) -> Path:
    """Beside a DuckDB file; a DuckLake's writer stages in this machine's temp folder."""
    return _catalog(con).folder


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Bulk insert. The rows go through a JSON file that DuckDB reads with the table's own column types:
    binding Python values one by one costs ~20x more (the client checks each value for a pandas type).
    The file holds one list a column ({"col": [v1, v2, ...], ...}), unnested side by side: a third of
    the encoding of one object a row, whose keys are written again for every row (10,000 rows of 4
    columns: 5 against 17 ms, and ~16 against ~28 ms to the table). Tables with BLOB columns (the page
    archive, a few rows a run) bind lists instead."""
    if not rows:
        return
    types = _types_of(con, table)
    cols = list(rows[0])
    if any(c not in types for c in cols):  # (not a column the table had: ask again; a wrong name fails below)
        types = _types_of(con, table, again=True)
    columns = {c: [r[c] for r in rows] for c in cols}
    if any(types[c] == "BLOB" for c in cols):
        select = ", ".join(f"unnest(${c}::{types[c]}[]) AS {c}" for c in cols)
        con.execute(f"INSERT INTO {table} BY NAME SELECT {select}", columns)
        return
    spec = "{" + ", ".join(f"'{c}': '{types[c]}[]'" for c in cols) + "}"
    select = ", ".join(f"unnest({c}) AS {c}" for c in cols)
    data = _STAGE_JSON.encode(columns).encode("utf-8")  # (encode(), not iterencode(): only it takes the C encoder)
    folder = _folder(con)
    folder.mkdir(exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"modeltrail-{table}-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        con.execute(f"INSERT INTO {table} BY NAME SELECT {select} FROM read_json(?, format = 'unstructured', "
                    f"columns = {spec}, maximum_object_size = {max(len(data) + 1, 1 << 24)})", [name])
    except OSError as exc:
        raise WarehouseError(f"could not stage the rows for {table} in {name} ({exc.strerror}; disk full or "
                             "file size limit?): the load was rolled back, nothing of it was stored") from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _json_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    raise TypeError(f"cannot store {type(v).__name__} {v!r}")


_STAGE_JSON = json.JSONEncoder(default=_json_value, ensure_ascii=False)
