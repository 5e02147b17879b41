"""Loading a source's cards into history: runs, the archive, staging, the SCD2 merge (merge.sql), the
unstated rule, and taking a run back out (undo)."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import duckdb

from modeltrail.pipelines.handover import LoadResult

from modeltrail.pipelines.fingerprints import fingerprint
from modeltrail.pipelines.handover import SourceLoad
from modeltrail.pipelines.records import ModelCard

from modeltrail.warehouse import lake
from modeltrail.warehouse.errors import WarehouseError
from modeltrail.warehouse.lock import translate
from modeltrail.warehouse.providers import merge_providers
from modeltrail.warehouse.remap import map_new, remap
from modeltrail.warehouse.rows import (HISTORY_FIELDS, as_text, benchmark_rows, card_row, empty, judge_unstated,
                   price_rows)
from modeltrail.warehouse.sqlfiles import query, run_script, run_sql, sections, transaction
from modeltrail.warehouse.stage import _insert_columns, file_of

#: pages compressed and inserted into the archive at a time
ARCHIVE_BATCH = 200
#: cards fingerprinted and staged at a time
CARD_BATCH = 5000
MERGE, RUNS = "merge.sql", "runs.sql"


def unstated_of(card: ModelCard, current: dict[str, Any] | None) -> dict[str, Any]:
    """{field: value} for the fields this card no longer states but its current version (`current`:
    {field: value}, as moved_of_batch reads it; None: no current version) does. A parse miss (the
    template moved, a key vanished) is not a change: history keeps the last stated value, and the miss
    is recorded apart (table `unstated`). A field the page states is empty (card.stated_empty: a JSON
    null) is a real change and is not in here."""
    if current is None:
        return {}
    said_empty = set(card.stated_empty)
    return {f: v for f, v in current.items() if not empty(v) and f not in said_empty and empty(getattr(card, f))}


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _stage_keys(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """The temp table stg_keys holds these keys (see merge.sql: keys)."""
    con.execute(query("keys", MERGE))
    _insert_columns(con, "stg_keys", [{"key": k} for k in keys])


def start_run(con: duckdb.DuckDBPyConnection, kind: str, observed_at: datetime, replay: str | None = None,
              flow_run_id: str | None = None) -> int:
    # max + 1 under the writer lock, not a sequence: DuckDB can lose a sequence's state when the process
    # is killed (the committed run row survives, the sequence does not: the next id would collide). On a
    # DuckLake, writers of other sources write beside this one: the number is taken under the catalog's
    # "run ids" lock.
    where = lake.location_of(con)
    # (one transaction: on a DuckLake, one round of catalog queries and one commit, not two)
    with lake.held(where, "run ids", command="start run") if where else contextlib.nullcontext(), transaction(con):
        run_id = con.execute(query("next_run_id", RUNS)).fetchone()[0]
        if where is None:  # a file's writer lock is the only one: a run left without a status is dead
            run_sql(con, query("mark_interrupted", RUNS), {"run_id": run_id,
                                                           "noticed_at": datetime.now(timezone.utc)})
        run_sql(con, query("start_run", RUNS), {"run_id": run_id, "kind": kind, "observed_at": observed_at,
                                                "started_at": datetime.now(timezone.utc), "replay": replay,
                                                "flow_run_id": flow_run_id})
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str, summary: str) -> None:
    lake.retrying(f"run {run_id}", lambda: run_sql(con, query("finish_run", RUNS), {
        "finished_at": datetime.now(timezone.utc), "status": status, "summary": summary, "run_id": run_id}))


def interrupt_run(con: duckdb.DuckDBPyConnection, run_id: int, sources: list[str], why: str) -> None:
    """Record a run stopped by a signal: the sources it had not loaded, and the run, as interrupted."""
    with transaction(con):
        run_script(con, RUNS, "interrupt_run", {"run_id": run_id, "sources": sources, "why": why,
                                                "noticed_at": datetime.now(timezone.utc)})


#: the unstated check's columns of a current version, as moved_of_batch reads them
_CURRENT_COLUMNS = ", ".join(f"h.{f}" for f in HISTORY_FIELDS)


def check_time_order(con: duckdb.DuckDBPyConnection, source: str | list[str], observed_at: datetime) -> None:
    """Refuse a snapshot older than what a source's history holds (several sources: one query; the first
    of them, in their order, that holds a later one is named)."""
    sources = [source] if isinstance(source, str) else list(source)
    if not sources:
        return
    held = dict(run_sql(con, query("guard_time_order", MERGE), {"sources": sources, "observed_at": observed_at}
                        ).fetchall())
    for source in sources:
        later = held.get(source)
        if later is None:
            continue
        raise WarehouseError(
            f"{source}: history already holds a snapshot from {later.isoformat()}, later than "
            f"--observed-at {observed_at.isoformat()}; load snapshots oldest first, or use `modeltrail reparse`")


def removes(source: str) -> bool:
    """Whether the source's absence may record removals (modeltrail.pipelines.sources.Source.removes); a source
    not declared there (cards loaded under any name) does."""
    from modeltrail.pipelines.sources import SOURCES
    declared = SOURCES.get(source)
    return declared.removes if declared is not None else True


def load_source(con: duckdb.DuckDBPyConnection, run_id: int, observed_at: datetime, load: SourceLoad,
                removal_runs: int = 2, archive: bool = True) -> LoadResult:
    """One source run into the warehouse, in one transaction: archive, verdict, history merge."""
    (result,) = load_sources(con, run_id, observed_at, [load], removal_runs, archive)
    return result


def load_sources(con: duckdb.DuckDBPyConnection, run_id: int, observed_at: datetime, loads: list[SourceLoad],
                 removal_runs: int = 2, archive: bool = True) -> list[LoadResult]:
    """Several source runs of one run into the warehouse, in one transaction: each one's archive and
    verdict, then one history merge for them all (merge.sql's statements take every source at once,
    each with its own verdict: stg_runs). A refresh of every source makes one set of statements, not
    one a source. On a DuckLake, a transaction that loses a commit race to a writer of other sources
    is run again whole (lake.retrying), from the loads as they were handed over."""
    names = [load.source for load in loads]
    if len(set(names)) != len(names):
        raise ValueError(f"one load a source in a run: {', '.join(sorted(n for n in set(names) if names.count(n) > 1))} "
                         "twice")
    def attempt() -> list[LoadResult]:
        trials = [dataclasses.replace(load, reasons=list(load.reasons), notes=list(load.notes)) for load in loads]
        results = _load_once(con, run_id, observed_at, trials, removal_runs, archive)
        for load, trial in zip(loads, trials):
            load.status, load.reasons, load.notes = trial.status, trial.reasons, trial.notes
        return results
    return lake.retrying(f"{', '.join(names)} (run {run_id})", attempt)


def _archive(con: duckdb.DuckDBPyConnection, run_id: int, loads: list[SourceLoad], archive: bool) -> None:
    """The pages the loads fetched (bodies not archived yet, compressed), their fetch rows, where in
    git a page read from git is, and the parse problems."""
    # (sha256, content type, how to read it): parsed bodies, and the served HTML of rendered pages
    # (archive=False: the pages are archived already, with their fetch rows: a reparse)
    # (a page read from git is not copied: git_fetches says where its blob is)
    fetched = [(load.source, p) for load in loads for p in (load.pages if archive else [])]
    bodies = {p.sha256: (p.content_type, p.read_body) for _, p in fetched
              if p.sha256 and p.has_body and p.git is None}
    bodies.update({p.raw_sha256: (p.content_type, p.read_raw) for _, p in fetched if p.raw_sha256})
    if bodies:
        _stage_keys(con, list(bodies))
        known = {r[0] for r in con.execute(query("archived_already", MERGE)).fetchall()}
        todo = [(s, ct, read) for s, (ct, read) in bodies.items() if s not in known]
        for i in range(0, len(todo), ARCHIVE_BATCH):  # a batch at a time: memory stays flat
            batch = [(s, ct, read()) for s, ct, read in todo[i:i + ARCHIVE_BATCH]]
            _insert_columns(con, "pages", [{"sha256": s, "content_type": ct, "size": len(body),
                                            "body_zlib": zlib.compress(body, 6)} for s, ct, body in batch])
    _insert_columns(con, "fetches", [
        {"run_id": run_id, "source": source, "url": p.url, "page_kind": p.page_kind,
         "status": p.status, "fetched_at": p.fetched_at, "sha256": p.sha256, "error": p.error,
         "via": p.via, "raw_sha256": p.raw_sha256}
        for source, p in fetched])
    _insert_columns(con, "git_fetches", [
        {"run_id": run_id, "source": source, "url": p.url, "repo": p.git.repo, "commit_id": p.git.commit,
         "path": p.git.path, "blob": p.git.blob}
        for source, p in fetched if p.git is not None])
    _insert_columns(con, "parse_problems", [
        {"run_id": run_id, "source": load.source, "url": u, "field": f, "message": m}
        for load in loads for u, f, m in load.problems])


def _cards_of(loads: list[SourceLoad]) -> Iterator[tuple[SourceLoad, ModelCard]]:
    for load in loads:
        for card in load.cards:
            yield load, card


def _stage(con: duckdb.DuckDBPyConnection, run_id: int, observed_at: datetime,
           loads: list[SourceLoad]) -> tuple[bool, bool, dict[str, int]]:
    """Stage every card the loads saw, and the records of those that moved (merge.sql: stage); carry
    what went unstated and judge each load on it. A batch of cards at a time, across the loads (a file
    of a million cards is read from its spool, never held whole; a refresh's few thousand cards of
    every source are one batch). Returns (any card moved, any moved card without a current version: new,
    or back after a removal; unstated fields by source)."""
    sql = sections(MERGE)
    for stmt in sql["stage"]:
        con.execute(stmt)
    any_moved = any_bare = False
    lost: dict[str, dict[str, dict[str, Any]]] = {load.source: {} for load in loads}
    for n, batch in enumerate(_batches(_cards_of(loads), CARD_BATCH)):
        seen: dict[tuple[str, str], int] = {}
        for load, c in batch:  # (fingerprints of cards reused unchanged are known: not computed again)
            known = load.fingerprints.get(c.source_model_id)
            seen[load.source, c.source_model_id] = known if known is not None else fingerprint(c)
        _insert_columns(con, "stg_seen", [{"source": s, "source_model_id": k, "fingerprint": v, "batch": n}
                                          for (s, k), v in seen.items()])
        # (the moved cards, with their current versions' values for the unstated check)
        current: dict[tuple[str, str], dict[str, Any] | None] = {
            (r[0], r[1]): dict(zip(HISTORY_FIELDS, r[3:])) if r[2] else None
            for r in run_sql(con, query("moved_of_batch", MERGE).format(columns=_CURRENT_COLUMNS),
                             {"batch": n}).fetchall()}
        moved = [(load, c) for load, c in batch if (load.source, c.source_model_id) in current]
        any_moved = any_moved or bool(moved)
        any_bare = any_bare or any(current[load.source, c.source_model_id] is None for load, c in moved)
        carried: dict[tuple[str, str], dict[str, Any]] = {}
        for load, c in moved:
            key = (load.source, c.source_model_id)
            found = unstated_of(c, current[key])
            if found:
                carried[key] = found
                lost[load.source][c.source_model_id] = dict.fromkeys(found)
        _insert_columns(con, "unstated", [
            {"source": load.source, "source_model_id": c.source_model_id, "field": f, "value": as_text(v),
             "run_id": run_id, "observed_at": observed_at, "url": c.url, "page_sha256": c.page_sha256}
            for load, c in moved for f, v in carried.get((load.source, c.source_model_id), {}).items()])
        _insert_columns(con, "stg_cards", [card_row(c, carried.get((load.source, c.source_model_id)))
                                           for load, c in moved])
        _insert_columns(con, "stg_prices", [r for _, c in moved for r in price_rows(c)])
        _insert_columns(con, "stg_benchmarks", [r for _, c in moved for r in benchmark_rows(c)])
    for load in loads:
        judge_unstated(load, lost[load.source])
    return any_moved, any_bare, {source: sum(len(v) for v in fields.values()) for source, fields in lost.items()}


def _load_once(con: duckdb.DuckDBPyConnection, run_id: int, observed_at: datetime, loads: list[SourceLoad],
               removal_runs: int, archive: bool) -> list[LoadResult]:
    sql = sections(MERGE)
    params = {"run_id": run_id, "observed_at": observed_at, "removal_runs": removal_runs}
    merged = [load for load in loads if load.status != "failed"]
    results = {load.source: LoadResult(load.source, load.status) for load in loads}
    unstated: dict[str, int] = {}
    try:
        with transaction(con):
            _archive(con, run_id, loads, archive)
            if merged:
                any_moved, any_bare, unstated = _stage(con, run_id, observed_at, merged)
                # each source's verdict, after the unstated check (stg_runs: the sources this merge takes)
                verdicts = [{"source": load.source, "complete": load.status == "complete",
                             "removes": removes(load.source)} for load in merged]
                _insert_columns(con, "stg_runs", verdicts)
                # (new source ids, among the cards with no current version, mapped first: their versions are
                # written with their model's id. Not on a DuckLake: there identity is written only under the
                # catalog's "identity" lock, by remap after the run, one writer at a time; a load writing it
                # beside another worker's remap loses its commit to DuckLake's conflict check)
                if any_bare and lake.location_of(con) is None:
                    map_new(con)
                # (no moved card in any batch: the staged cards, prices and benchmarks are empty, and their
                # statements would close and open nothing)
                for section in ("cards", "prices", "benchmarks") if any_moved else ():
                    for stmt in sql[section]:
                        run_sql(con, stmt, params)
                for stmt in sql["sightings"]:
                    run_sql(con, stmt, params)
                # (the first statement records the models removed now; none: the others change nothing)
                remove, *close = sql["removals"]
                removed = run_sql(con, remove, params).fetchone()
                for stmt in close if removed is None or removed[0] else ():
                    run_sql(con, stmt, params)
                for load, verdict in zip(merged, verdicts):  # (a catalog's facts about its providers)
                    merge_providers(con, load, {**params, **verdict})
                (count,) = sql["count_changes"]
                for source, added, closed, gone in run_sql(con, count, params).fetchall():
                    result = results[source]
                    result.versions_added, result.versions_closed, result.removed = added, closed, gone
            for load in loads:
                results[load.source].status = load.status
            # (one row a source: what it loaded, its verdict and why)
            _insert_columns(con, "source_runs", [
                {"run_id": run_id, "source": load.source, "status": load.status,
                 "pages_ok": sum(1 for p in load.pages if p.ok), "pages_failed": sum(1 for p in load.pages if not p.ok),
                 "card_pages": load.card_pages, "cards": len(load.cards), "problems": len(load.problems),
                 "versions_added": results[load.source].versions_added,
                 "versions_closed": results[load.source].versions_closed, "removed": results[load.source].removed,
                 "reasons": load.reasons, "coverage": load.coverage, "error": load.error, "notes": load.notes,
                 "unstated": unstated.get(load.source, 0), "removal_runs": removal_runs}
                for load in loads])
    except duckdb.OutOfMemoryException as exc:  # (rolled back)
        raise WarehouseError(f"{', '.join(results)}: the load ran out of the writer's memory "
                             f"({str(exc).splitlines()[0]}; MODELTRAIL_WRITE_MEMORY raises it): rolled back, "
                             "nothing of it was stored") from exc
    except (duckdb.IOException, OSError) as exc:  # (rolled back)
        raise translate(exc, file_of(con) or Path("the warehouse")) from exc
    return [results[load.source] for load in loads]


def undo_run(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Take back one run in one transaction (see merge.sql: undo); the undo is recorded as a run of
    its own (kind "undo"). Returns the undo's run id. Refused while a later run of one of its sources
    exists (it built on this one: undo that first)."""
    row = run_sql(con, query("run_of", RUNS), {"run_id": run_id}).fetchone()
    if row is None:
        raise WarehouseError(f"there is no run {run_id} (see `modeltrail runs`)")
    observed_at, status = row
    if status == "undone":
        raise WarehouseError(f"run {run_id} was undone already")
    sql = sections(MERGE)
    (check,) = sql["undo_check"]
    later = run_sql(con, check, {"run_id": run_id}).fetchall()
    if later:
        raise WarehouseError(f"run {run_id} is not the last of its sources: "
                             + ", ".join(f"{s} has run {r}" for s, r in later) + "; undo those first")
    def attempt() -> int:
        with transaction(con):
            undo_id = start_run(con, "undo", datetime.now(timezone.utc), replay=f"undo:{run_id}")
            for stmt in sql["undo"]:
                run_sql(con, stmt, {"run_id": run_id, "observed_at": observed_at, "undo_id": undo_id})
            run_sql(con, query("finish_run", RUNS), {
                "finished_at": datetime.now(timezone.utc), "status": "complete", "run_id": undo_id,
                "summary": f"undid run {run_id} (observed at {observed_at.isoformat()})"})
        return undo_id
    undo_id = lake.retrying(f"undo of run {run_id}", attempt)
    remap(con, full=True)
    return undo_id
