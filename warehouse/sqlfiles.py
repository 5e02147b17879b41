"""The warehouse's SQL files (beside this module): whole scripts, and statements by name ("-- name:"
lines), run with named parameters."""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import duckdb


@lru_cache(maxsize=None)  # (the files ship with the package: read once per process, not per statement)
def _sql(name: str) -> str:
    return resources.files("modeltrail.warehouse").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=None)
def sections(name: str) -> dict[str, list[str]]:
    """The statements of a SQL file, grouped by its "-- name:" lines (parsed once; not to be changed)."""
    out: dict[str, list[str]] = {}
    current = None
    for block in re.split(r"^-- name: (\w+)\s*$", _sql(name), flags=re.M)[1:]:
        if current is None:
            current = block
            continue
        if current in out:  # a second section of the same name would silently replace the first
            raise ValueError(f"{name}: two sections are named {current!r}")
        out[current] = [s.strip() for s in _split(block) if s.strip()]
        current = None
    return out


def _split(script: str) -> list[str]:
    stmts = []
    for stmt in script.split(";\n"):
        body = "\n".join(ln for ln in stmt.splitlines() if not ln.strip().startswith("--")).strip()
        if body:
            stmts.append(body.rstrip(";"))
    return stmts


def query(name: str, file: str) -> str:
    """One named statement of one of the warehouse's SQL files (each caller names its file)."""
    (stmt,) = sections(file)[name]
    return stmt


def run_script(con: duckdb.DuckDBPyConnection, file: str, name: str, params: dict[str, Any]) -> None:
    """Every statement of one named section of a SQL file, in order (the caller holds the transaction)."""
    for stmt in sections(file)[name]:
        run_sql(con, stmt, params)


def run_sql(con: duckdb.DuckDBPyConnection, stmt: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    names = _parameters(stmt)
    used = {k: v for k, v in params.items() if k in names}
    return con.execute(stmt, used)


#: connections (by id) inside `transaction`: a block within another is part of the outer one
_open: set[int] = set()
@lru_cache(maxsize=1024)
def _parameters(stmt: str) -> frozenset[str]:
    """The $names a statement uses (statements come from the SQL files: a few hundred)."""
    return frozenset(re.findall(r"\$(\w+)", stmt))


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """One transaction around the block: committed when it ends, rolled back when it or the commit
    raises (a DuckLake commit that loses a race raises at COMMIT). Inside another: part of that one
    (`reparse` rebuilds a source whole or not at all, its runs' loads within)."""
    if id(con) in _open:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _open.add(id(con))
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        _open.discard(id(con))
