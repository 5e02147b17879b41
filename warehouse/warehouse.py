"""One warehouse, opened from what a command was told: `Warehouse.at(db, data_path)`.

The CLI works out where the warehouse is once per command (its `--db` / `--data-path` options, or
MODELTRAIL_DB / MODELTRAIL_DATA_PATH read as those options' values) and hands the `Warehouse` down;
nothing below reads the environment for it. A `Warehouse` owns what touches the warehouse itself: its
readers, its writer (connection, schema migrations and views: connection.py), its writer lock (a file
lock beside a DuckDB file, advisory locks per source on a DuckLake) and the staging folder of its loads.
A Prefect flow receives it as plain parameters (`parameters()`: a flow run's parameters are kept in
Prefect's records and shown in its UI, so they never hold a password) and opens it again with `at`."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import duckdb

from modeltrail.warehouse import connection
from modeltrail.warehouse.errors import DEFAULT_DB
from modeltrail.warehouse.location import Location, locate


@dataclass(frozen=True)
class Warehouse:
    location: Location

    @classmethod
    def at(cls, db: "str | os.PathLike | Location | Warehouse | None" = None, data_path: str | None = None) -> "Warehouse":
        """The warehouse `db` names (a DuckDB file, or `ducklake:postgres://…` with its data folder); the
        default file when nothing is named. Raises WarehouseError for a name that cannot be one."""
        if isinstance(db, Warehouse):
            return db
        return cls(locate(db if db else DEFAULT_DB, data_path))

    # --- what it is ---------------------------------------------------------------------------------
    @property
    def is_lake(self) -> bool:
        return self.location.is_lake

    @property
    def path(self) -> Path | None:
        """The DuckDB file (None for a DuckLake)."""
        return self.location.path

    @property
    def key(self) -> str:
        """The same string for the same warehouse from any working directory, without a password."""
        return self.location.key

    def parameters(self) -> dict[str, str]:
        """How a flow run is told which warehouse it writes: `db_file` (and a DuckLake's `data_path`)."""
        out = {"db_file": self.key}
        if self.is_lake and self.location.data_path:
            out["data_path"] = self.location.data_path
        return out

    def __str__(self) -> str:
        return str(self.location)

    # --- opening it ---------------------------------------------------------------------------------
    def exists(self) -> bool:
        return connection.exists(self.location)

    def schema_version(self) -> int:
        return connection.schema_version(self.location)

    def read(self, busy_wait: float = 0, allow_files: bool = False) -> duckdb.DuckDBPyConnection:
        """A read-only connection (NoWarehouse when there is none yet)."""
        return connection.connect(self.location, read_only=True, allow_files=allow_files, busy_wait=busy_wait)

    def open(self, busy_wait: float = 0) -> duckdb.DuckDBPyConnection:
        """The writer's connection, schema brought up to date (the caller holds the writer lock)."""
        return connection.connect(self.location, busy_wait=busy_wait)

    def lock(self, sources: list[str] | None = None, **holder: Any):
        """The writer lock (not yet taken): on a DuckLake, the locks of these sources only."""
        return connection.writer_lock(self.location, sources, **holder)

    @contextmanager
    def writing(self, wait: float = 0, on_wait=None, sources: list[str] | None = None,
                **holder: Any) -> Iterator[duckdb.DuckDBPyConnection]:
        """The writer lock taken (waiting up to `wait` seconds), then the warehouse open for writing."""
        with connection.writing(self.location, wait=wait, on_wait=on_wait, sources=sources, **holder) as con:
            yield con
