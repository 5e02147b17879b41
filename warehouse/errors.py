"""The warehouse's errors and where its file is: what every part of warehouse/ needs first."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "modeltrail.duckdb"


class WarehouseError(Exception):
    """A warehouse problem a user can act on; the message says what and where."""


class NoWarehouse(WarehouseError):
    """Nothing there yet: no file, or a catalog that holds no lake."""


class WarehouseBusy(WarehouseError):
    """Another process writes the warehouse now; the message names it."""


def db_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or DEFAULT_DB)


def check_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        raise WarehouseError(f"cannot create the warehouse {path}: directory {parent} does not exist")
    if not parent.is_dir():
        raise WarehouseError(f"cannot create the warehouse {path}: {parent} is not a directory")

