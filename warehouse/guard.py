"""What `modeltrail sql` runs: one query, nothing else (the connection is read-only too)."""

from __future__ import annotations

import json
import re

import duckdb

from modeltrail.warehouse.errors import WarehouseError

#: functions a query may not call: they run SQL given as text, which the checks here never see
#: (`query`, `query_table`), or reach a DuckLake catalog's PostgreSQL directly (`postgres_execute`
#: runs any statement there, read-only transaction or not)
REFUSED_FUNCTIONS = re.compile(r"postgres_\w+|query|query_table")


def check_query(text: str) -> None:
    """Refuse anything but one query (SELECT, FROM, WITH, SHOW, DESCRIBE, SUMMARIZE, PRAGMA listings).

    A read-only connection without external access still lets DuckDB write the warehouse's own files
    (the database, its WAL, its temp folder): `COPY (SELECT 'x') TO '<db>'` would replace the warehouse.
    So `modeltrail sql` parses the text first and runs nothing that is not a query: no COPY, EXPORT,
    EXPLAIN ANALYZE, CALL, SET, ATTACH, LOAD, …"""
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise WarehouseError(str(exc).splitlines()[0]) from None
    if not statements:
        raise WarehouseError("no query given")
    if len(statements) > 1:
        raise WarehouseError(f"one query at a time ({len(statements)} statements given)")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise WarehouseError(f"modeltrail sql is read-only and runs queries only: a {kind.name} statement is refused "
                             "(nothing was run)")
    called = sorted({name for name in _function_names(_tree(text)) if REFUSED_FUNCTIONS.fullmatch(name.lower())})
    if called:
        raise WarehouseError(f"modeltrail sql does not run {', '.join(f'{n}()' for n in called)}: it runs SQL "
                             "the read-only checks cannot see (nothing was run)")


def _tree(text: str) -> dict:
    con = duckdb.connect(":memory:")
    try:
        return json.loads(con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()[0])
    finally:
        con.close()


def _function_names(node):
    """Every function a parsed query calls (scalar, aggregate, table), at any depth."""
    if isinstance(node, dict):
        if isinstance(node.get("function_name"), str):
            yield node["function_name"]
        for value in node.values():
            yield from _function_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _function_names(value)
