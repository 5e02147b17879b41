"""Where the warehouse is. `--db` (or MODELTRAIL_DB, read by the CLI's options) names it:

- a path: one DuckDB file (the default, `modeltrail.duckdb`), one writer at a time under a file lock;
- `ducklake:postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME`: a DuckLake, its catalog in that PostgreSQL
  database and its data as Parquet files under `--data-path` (or MODELTRAIL_DATA_PATH) (a folder every
  worker reaches, or `s3://…` with DuckDB's own credentials), many writers at once (see lake.py).

The password may also come from PGPASSWORD or ~/.pgpass, as for any libpq client; it is never shown."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from modeltrail.warehouse.errors import DEFAULT_DB, WarehouseError

LAKE_SCHEME = "ducklake:"


@dataclass(frozen=True)
class Location:
    path: Path | None = None          # a DuckDB file
    conninfo: str | None = None       # a DuckLake: libpq "key=value" string of its catalog database
    shown: str = ""                   # how messages name it (no password)
    data_path: str | None = None      # a DuckLake's data folder (None: the one its catalog recorded)
    password: str | None = field(default=None, repr=False)  # a DuckLake url's password (also in conninfo)

    @property
    def is_lake(self) -> bool:
        return self.conninfo is not None

    @property
    def key(self) -> str:
        """The same string for the same warehouse, from any working directory (deployments, records)."""
        return str(self.path.resolve()) if self.path is not None else self.shown

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else self.shown


def locate(where: "str | os.PathLike | Location | None" = None, data_path: str | None = None) -> Location:
    """The warehouse named by `where` (else the default file). The environment is the CLI's to read."""
    if isinstance(where, Location):
        return where
    text = os.fspath(where) if where else DEFAULT_DB
    if not text.startswith(LAKE_SCHEME):
        return Location(path=Path(text))
    data_path = data_path or None
    if data_path and "://" not in data_path:
        data_path = str(Path(data_path).resolve())
    return _lake(text, data_path)


def _lake(text: str, data_path: str | None) -> Location:
    rest = text[len(LAKE_SCHEME):]
    example = "ducklake:postgres://USER@HOST:PORT/DBNAME"
    if not rest.startswith("postgres://") and not rest.startswith("postgresql://"):
        raise WarehouseError(f"--db {text!r}: a DuckLake warehouse is named {example} (its catalog in PostgreSQL)")
    try:
        url = urlsplit(rest)
        port = url.port
    except ValueError as exc:
        raise WarehouseError(f"--db {_hide(text)!r} is not {example}: {exc}") from None
    dbname = unquote(url.path.lstrip("/"))
    if not url.hostname or not dbname or "/" in dbname:
        raise WarehouseError(f"--db {_hide(text)!r} is not {example}: it needs a host and a database name")
    parts = {"dbname": dbname, "host": url.hostname, "port": str(port) if port else None,
             "user": unquote(url.username) if url.username else None,
             "password": unquote(url.password) if url.password else None}
    conninfo = " ".join(f"{k}={_quote(v)}" for k, v in parts.items() if v)
    user = f"{unquote(url.username)}@" if url.username else ""
    shown = f"{LAKE_SCHEME}postgres://{user}{url.hostname}{f':{port}' if port else ''}/{dbname}"
    return Location(conninfo=conninfo, shown=shown, data_path=data_path, password=parts["password"])


def _quote(value: str) -> str:
    """A libpq conninfo value: quoted when it holds spaces, quotes or backslashes."""
    if value and not any(c in value for c in " '\\"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _hide(text: str) -> str:
    """The text as given, its password (if any) replaced."""
    try:
        url = urlsplit(text[len(LAKE_SCHEME):])
        if url.password:
            return text.replace(f":{url.password}@", ":***@", 1)
    except ValueError:
        pass
    return text
