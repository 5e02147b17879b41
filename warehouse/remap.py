"""Identity in the warehouse: the alias table seeded from the bundled aliases, and `remap`, which maps
each source id to its canonical model (modeltrail/identity.py computes the keys)."""

from __future__ import annotations

import contextlib

import duckdb

from modeltrail.pipelines import identity

from modeltrail.pipelines import idgrammar

from modeltrail.warehouse import lake
from modeltrail.warehouse.rows import _hash
from modeltrail.warehouse.sqlfiles import query, run_sql, sections, transaction
from modeltrail.warehouse.stage import _insert_columns

SQL, META = "remap.sql", "meta.sql"


def seed_aliases(con: duckdb.DuckDBPyConnection) -> None:
    bundled = identity.bundled_aliases()
    run_sql(con, query("seed_aliases", SQL), {"aliases": list(bundled), "models": list(bundled.values())})


def remap(con: duckdb.DuckDBPyConnection, full: bool = False) -> None:
    """Bring model_identity up to date with the alias table, without a crawl (`mapped_ids` then counts
    the source ids that map to a model: the commands print it; a refresh's remap does not ask).

    Only what moved is written: when the aliases and identity's rules are as they were at the last
    remap (their hash is in `meta`) and not `full`, only source ids not yet in model_identity are resolved; otherwise every id is resolved
    again, and only rows whose mapping changed are replaced. (Rewriting all ~10,000 rows per refresh
    cost seconds and left deleted rows behind.)"""
    where = lake.location_of(con)
    # on a DuckLake, one remap at a time (each worker remaps after its run)
    with lake.held(where, "identity", command="remap") if where else contextlib.nullcontext():
        _remap(con, full)


def mapped_ids(con: duckdb.DuckDBPyConnection) -> int:
    """How many source ids map to a canonical model."""
    return con.execute(query("mapped_ids", SQL)).fetchone()[0]


def map_new(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a load's transaction, before its merge: the staged cards' source ids that model_identity does not
    hold yet, mapped as `remap` would map them (its aliases as they are now), so that the versions the merge
    writes carry their model's id at once and the remap after the run has nothing to write (before: it
    mapped them after the run and set the id on their versions with three history UPDATEs, in a transaction
    of its own: 31–36 ms of remap a refresh on the peers' workload, now 7–9, of which the load pays ~10 ms
    here; bench/RESULTS.md §13 "Tenth pass"). When the aliases have changed since the last remap, that
    remap maps every id again anyway (a new id keeps the mapping given here: the same aliases). A DuckDB
    file only: on a DuckLake identity is written under the catalog's "identity" lock, by remap."""
    ids = con.execute(query("new_of_load", SQL)).fetchall()
    if ids:
        _insert_columns(con, "model_identity", _resolved(ids, con.execute(query("alias_map", SQL)).fetchall()))


def _resolved(ids: list[tuple], table: list[tuple]) -> list[dict]:
    """The model_identity rows of source ids ((source, source_model_id, name, provider) each), with the alias
    table's rows ((alias, model_id, origin) each)."""
    aliases = {alias: model_id for alias, model_id, _ in table}
    user_targets = {model_id for _, model_id, origin in table if origin == "user"}
    rows = []
    for source, smid, name, provider in ids:
        model_id, version, how = identity.resolve_offering(smid, name, provider, aliases=aliases, source=source)
        if how == "alias" and model_id in user_targets:
            how = "user alias"
        offer = idgrammar.read(smid, provider, source)
        rows.append({"source": source, "source_model_id": smid, "model_id": model_id, "version": version,
                     "resolved_by": how, "route": offer.route, "region": offer.region, "variant": offer.variant})
    return rows


def _remap(con: duckdb.DuckDBPyConnection, full: bool) -> None:
    # (the reads in one transaction: on a DuckLake each transaction is a round of catalog queries)
    with transaction(con):
        table = con.execute(query("alias_map", SQL)).fetchall()
        # (the aliases' (alias, model_id) pairs, sorted: an alias is the table's key, so each is there once)
        digest = _hash([identity.RULES_VERSION, sorted((alias, model_id) for alias, model_id, _ in table)])
        known = run_sql(con, query("meta_value", META), {"key": "aliases_hash"}).fetchone()
        only_new = not full and known is not None and known[0] == digest
        ids = run_sql(con, query("identity_candidates", SQL), {"only_new": only_new}).fetchall()
        if only_new and not ids:  # (nothing new to map: the statements below would change nothing)
            return
    rows = _resolved(ids, table)

    def attempt() -> None:
        with transaction(con):
            con.execute(query("identity_staging", SQL))
            _insert_columns(con, "stg_identity", rows)
            for stmt in sections("merge.sql")["identity"]:
                run_sql(con, stmt, {"only_new": only_new})
            if not only_new:  # (only_new: the hash recorded is this one already; `meta` not written again)
                run_sql(con, query("set_meta", META), {"key": "aliases_hash", "value": digest})
    lake.retrying("remap", attempt)  # on a DuckLake: again when it lost a commit race to a load
