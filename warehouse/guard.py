"""What `modeltrail sql` runs: one query, nothing else (the connection is read-only too)."""

from __future__ import annotations

import json
import re

import duckdb

from modeltrail.warehouse.errors import WarehouseError

#: functions a query may not call: they run SQL given as text, which the checks here never see
#: (`query`, `query_table`), reach a DuckLake catalog's PostgreSQL directly (`postgres_execute`
#: runs any statement there, read-only transaction or not), or list what the connection attached and how
#: (a DuckLake's catalog connection string) and its settings (paths naming it)
REFUSED_FUNCTIONS = re.compile(r"postgres_\w+|query|query_table|duckdb_databases|duckdb_settings|duckdb_secrets|"
                               r"current_setting|pragma_database_list|which_secret")
#: a DuckLake's catalog database, attached beside the lake: PostgreSQL's own tables (pg_stat_activity,
#: its roles) and the lake's metadata. `sql` reads the warehouse's tables and views only.
CATALOG_DATABASE = re.compile(r"__ducklake_metadata.*", re.IGNORECASE)
#: PRAGMA listings `sql` runs (they cannot be parsed into a tree to check): the warehouse's tables and
#: their columns, never its databases
PRAGMAS = {"show_tables", "show_tables_expanded", "table_info", "show", "version", "platform",
           "functions", "database_size", "storage_info", "collations", "user_agent", "metadata_info"}
#: a PIVOT without an IN list: DuckDB runs it as two statements, a CREATE TYPE of the pivoted values
#: (which it writes itself: no text) and the query
_PIVOT = re.compile(r"\bpivot\b", re.IGNORECASE)
_PRAGMA = re.compile(r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*pragma\s+(\w+)", re.IGNORECASE | re.DOTALL)


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
    if _PIVOT.search(text):
        statements = [s for s in statements
                      if not (s.type == duckdb.StatementType.CREATE and not s.query.strip())]
    if not statements:
        raise WarehouseError("no query given")
    if len(statements) > 1:
        raise WarehouseError(f"one query at a time ({len(statements)} statements given)")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise WarehouseError(f"modeltrail sql is read-only and runs queries only: a {kind.name} statement is refused "
                             "(nothing was run)")
    tree = _tree(text)
    if tree.get("error") and _PIVOT.search(text) and not _PRAGMA.match(text):
        _check_words(text)  # (DuckDB does not serialize a dynamic PIVOT: its words are checked instead)
        return
    if tree.get("error"):  # a PRAGMA (the only other query DuckDB does not serialize)
        pragma = _PRAGMA.match(text)
        if not pragma or pragma.group(1).lower() not in PRAGMAS:
            raise WarehouseError(f"modeltrail sql runs the PRAGMA listings {', '.join(sorted(PRAGMAS))} only; "
                                 f"{pragma.group(1) if pragma else 'this statement'} is refused (nothing was run)")
        return
    called = sorted({name for name in _function_names(tree) if REFUSED_FUNCTIONS.fullmatch(name.lower())})
    if called:
        raise WarehouseError(f"modeltrail sql does not run {', '.join(f'{n}()' for n in called)}: it runs SQL "
                             "the read-only checks cannot see, or shows how the warehouse is reached "
                             "(nothing was run)")
    elsewhere = sorted({name for name in _catalogs(tree) if CATALOG_DATABASE.fullmatch(name)})
    if elsewhere:
        raise WarehouseError(f"modeltrail sql reads the warehouse's tables and views only, not "
                             f"{', '.join(elsewhere)} (the DuckLake's catalog database; nothing was run)")


def _tree(text: str) -> dict:
    con = duckdb.connect(":memory:")
    try:
        return json.loads(con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()[0])
    finally:
        con.close()


def _check_words(text: str) -> None:
    """For a query DuckDB cannot parse into a tree to check: no refused function and no catalog database
    named anywhere in its text (strict: a string that merely holds such a word is refused too)."""
    called = sorted({m.group(1) for m in re.finditer(r"([A-Za-z_][\w]*)\s*\(", text)
                     if REFUSED_FUNCTIONS.fullmatch(m.group(1).lower())})
    if called:
        raise WarehouseError(f"modeltrail sql does not run {', '.join(f'{n}()' for n in called)}: it runs SQL "
                             "the read-only checks cannot see, or shows how the warehouse is reached "
                             "(nothing was run)")
    if re.search(r"__ducklake_metadata", text, re.IGNORECASE):
        raise WarehouseError("modeltrail sql reads the warehouse's tables and views only, not the DuckLake's "
                             "catalog database (nothing was run)")


def _catalogs(node):
    """Every catalog and schema a parsed query names a table in, at any depth."""
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            yield from (n for n in (node.get("catalog_name"), node.get("schema_name")) if n)
        for value in node.values():
            yield from _catalogs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _catalogs(value)


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
