"""Moves data in and out of the DuckDB warehouse. The logic lives in the SQL files beside this one."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import zlib
import contextlib
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from modeltrail import identity
from modeltrail.handover import LoadResult, PageRecord, SourceLoad  # noqa: F401 - (also their home for readers of db)
from modeltrail.records import ModelCard

from .errors import DEFAULT_DB, WarehouseBusy, WarehouseError, check_parent, db_path  # noqa: F401
from .lock import WriterLock, describe_holder, holder_info, lock_path, staging_dir  # noqa: F401
from .rows import (CARD_FIELDS, HISTORY_FIELDS, LATER_FIELDS, LIST_FIELDS, _hash, as_text,  # noqa: F401
                   benchmark_rows, card_row, empty, fingerprint, judge_unstated, price_rows)

from . import migrate  # noqa: E402

SCHEMA_VERSION = str(migrate.LATEST)



def _sql(name: str) -> str:
    return resources.files("modeltrail.warehouse").joinpath(name).read_text("utf-8")


def sections(name: str) -> dict[str, list[str]]:
    """The statements of a SQL file, grouped by its "-- name:" lines."""
    out: dict[str, list[str]] = {}
    current = None
    for block in re.split(r"^-- name: (\w+)\s*$", _sql(name), flags=re.M)[1:]:
        if current is None:
            current = block
            continue
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


def query(name: str, file: str = "queries.sql") -> str:
    """One named statement of queries.sql (or of another SQL file of the warehouse)."""
    (stmt,) = sections(file)[name]
    return stmt


def run_script(con: duckdb.DuckDBPyConnection, file: str, name: str, params: dict[str, Any]) -> None:
    """Every statement of one named section of a SQL file, in order (the caller holds the transaction)."""
    for stmt in sections(file)[name]:
        run_sql(con, stmt, params)


def run_sql(con: duckdb.DuckDBPyConnection, stmt: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", stmt)}
    return con.execute(stmt, used)


def _translate(exc: Exception, path: Path) -> WarehouseError:
    msg = str(exc)
    if "Conflicting lock" in msg or "Could not set lock" in msg:
        info = holder_info(path)
        pid = re.search(r"PID (\d+)", msg)
        if info is None or info.get("pid") == os.getpid():  # not a writer of ours: a reader, or DuckDB alone
            holder = f"process {pid.group(1)}" if pid else "another process"
            return WarehouseBusy(f"warehouse {path} is open in {holder} (a writer, or a reader such as "
                                 "`modeltrail sql`); try again when it finishes")
        return WarehouseBusy(f"warehouse {path} is being written by {describe_holder(path)}; "
                             "try again when it finishes")
    if "No space left" in msg or "File too large" in msg or "Disk quota" in msg:
        return WarehouseError(f"no space left for {path} (disk full or file size limit): the load was "
                              "rolled back, nothing of it was stored")
    if "Permission denied" in msg or "Read-only file system" in msg:
        return WarehouseError(f"cannot write the warehouse {path}: permission denied")
    if isinstance(exc, OSError) and exc.strerror:
        return WarehouseError(f"cannot use the warehouse {path}: {exc.strerror}")
    return WarehouseError(f"warehouse {path}: {msg.splitlines()[0]}")


def connect(path: str | os.PathLike | None = None, read_only: bool = False,
            allow_files: bool = False, busy_wait: float = 0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Writers create it and bring schema and views up to date; readers get a
    read-only connection that cannot touch files or load extensions (allow_files: our own exports).

    DuckDB refuses to open a file another process has open for writing (and refuses a writer while a
    reader has it open): busy_wait retries for that many seconds before saying who holds it."""
    deadline = time.monotonic() + busy_wait
    while True:
        try:
            return _connect(path, read_only, allow_files)
        except WarehouseBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def _connect(path, read_only: bool, allow_files: bool) -> duckdb.DuckDBPyConnection:
    path = db_path(path)
    try:
        if read_only:
            if not path.exists():
                raise WarehouseError(f"no warehouse at {path}: run `modeltrail refresh` first (or pass --db)")
            con = duckdb.connect(str(path), read_only=True, config={
                "enable_external_access": allow_files,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                # a query a user types must not take the machine: DuckDB spills or fails past this
                "memory_limit": os.environ.get("MODELTRAIL_READ_MEMORY", "2GB"),
            })
            try:
                con.execute("SET TimeZone = 'UTC'")
                con.execute("SET lock_configuration = true")
            except duckdb.InvalidInputException as exc:
                if "locked" not in str(exc):  # a second reader in this process: the instance is set up
                    raise
            try:
                migrate.check_readable(con, path)
            except WarehouseError:
                con.close()
                raise
            return con
        check_parent(path)
        con = duckdb.connect(str(path), config={"autoinstall_known_extensions": False})
        con.execute("SET TimeZone = 'UTC'")
        try:
            migrate.upgrade(con)  # the numbered migrations this file has not had (see warehouse/migrate.py)
        except WarehouseError:
            con.close()
            raise
        for stmt in _split(_sql("views.sql")):
            con.execute(stmt)
        seed_aliases(con)
        # Staging files left by a writer that was killed (writers connect under the writer lock). Only
        # now that the file has opened as a warehouse: a wrong --db must not cost a neighbour its folder.
        shutil.rmtree(staging_dir(path), ignore_errors=True)
        return con
    except WarehouseError:
        raise
    except (duckdb.Error, OSError) as exc:
        raise _translate(exc, path) from exc


def check_query(query: str) -> None:
    """Refuse anything but one query (SELECT, FROM, WITH, SHOW, DESCRIBE, SUMMARIZE, PRAGMA listings).

    A read-only connection without external access still lets DuckDB write the warehouse's own files
    (the database, its WAL, its temp folder): `COPY (SELECT 'x') TO '<db>'` would replace the warehouse.
    So `modeltrail sql` parses the text first and runs nothing that is not a query: no COPY, EXPORT,
    EXPLAIN ANALYZE, CALL, SET, ATTACH, LOAD, …"""
    try:
        statements = duckdb.extract_statements(query)
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


#: pages compressed and inserted into the archive at a time
ARCHIVE_BATCH = 200

#: seconds a writer holding the lock waits for readers (short queries) to close the file
READER_GRACE = 30.0


@contextmanager
def writing(path: str | os.PathLike | None = None, wait: float = 0, on_wait=None, **holder: Any):
    """Take the writer lock, then open the warehouse for writing; both released on exit."""
    with WriterLock(path, **holder).acquire(wait, on_wait):
        con = connect(path, busy_wait=READER_GRACE)
        try:
            yield con
        finally:
            con.close()


# --- identity ----------------------------------------------------------------------------------------

def seed_aliases(con: duckdb.DuckDBPyConnection) -> None:
    rows = [(k, v, "bundled") for k, v in identity.bundled_aliases().items()]
    con.executemany("INSERT OR IGNORE INTO model_aliases VALUES (?, ?, ?)", rows)


def remap(con: duckdb.DuckDBPyConnection, full: bool = False) -> int:
    """Bring model_identity up to date with the alias table, without a crawl. Returns how many source
    ids map to a model.

    Only what moved is written: when the aliases and identity's rules are as they were at the last
    remap (their hash is in `meta`) and not `full`, only source ids not yet in model_identity are resolved; otherwise every id is resolved
    again, and only rows whose mapping changed are replaced. (Rewriting all ~10,000 rows per refresh
    cost seconds and left deleted rows behind.)"""
    aliases = dict(con.execute("SELECT alias, model_id FROM model_aliases").fetchall())
    digest = _hash([identity.RULES_VERSION, sorted(aliases.items())])
    known = con.execute("SELECT value FROM meta WHERE key = 'aliases_hash'").fetchone()
    only_new = not full and known is not None and known[0] == digest
    ids = run_sql(con, query("identity_candidates"), {"only_new": only_new}).fetchall()
    rows = []
    for source, smid, name in ids:
        model_id, version = identity.resolve(smid, name, aliases=aliases)
        rows.append({"source": source, "source_model_id": smid, "model_id": model_id, "version": version})
    con.execute("BEGIN")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE stg_identity AS SELECT * FROM model_identity LIMIT 0")
        _insert_columns(con, "stg_identity", rows)
        for stmt in sections("merge.sql")["identity"]:
            run_sql(con, stmt, {"only_new": only_new})
        con.execute("INSERT OR REPLACE INTO meta VALUES ('aliases_hash', ?)", [digest])
        con.execute("COMMIT")
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    return con.execute("SELECT count(*) FROM model_identity WHERE model_id IS NOT NULL").fetchone()[0]


# --- loading -----------------------------------------------------------------------------------------

def unstated_fields(con: duckdb.DuckDBPyConnection, source: str, cards: list[ModelCard]
                    ) -> dict[str, dict[str, Any]]:
    """{source_model_id: {field: value}} for the fields these cards no longer state but their current
    version does. A parse miss (the template moved, a key vanished) is not a change: history keeps the
    last stated value, and the miss is recorded apart (table `unstated`). A field the page states is
    empty (card.stated_empty: a JSON null) is a real change and is not in here."""
    ids = [c.source_model_id for c in cards]
    if not ids:
        return {}
    cols = ", ".join(HISTORY_FIELDS)
    current = {r[0]: dict(zip(HISTORY_FIELDS, r[1:])) for r in run_sql(con, query("current_versions").format(
        columns=cols), {"source": source, "ids": ids}).fetchall()}
    out: dict[str, dict[str, Any]] = {}
    for card in cards:
        before = current.get(card.source_model_id)
        if before is None:
            continue
        said_empty = set(card.stated_empty)
        lost = {f: v for f, v in before.items()
                if not empty(v) and f not in said_empty and empty(getattr(card, f))}
        if lost:
            out[card.source_model_id] = lost
    return out


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Bulk insert. Rows go through a newline-delimited JSON file that DuckDB reads with the table's own
    column types: binding Python values one by one costs ~20x more (the client checks each value for a
    pandas type). Tables with BLOB columns (the page archive, a few rows a run) bind lists instead."""
    if not rows:
        return
    types = dict(con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall())
    cols = list(rows[0])
    if any(types[c] == "BLOB" for c in cols):
        select = ", ".join(f"unnest(${c}::{types[c]}[]) AS {c}" for c in cols)
        con.execute(f"INSERT INTO {table} BY NAME SELECT {select}", {c: [r[c] for r in rows] for c in cols})
        return
    spec = "{" + ", ".join(f"'{c}': '{types[c]}'" for c in cols) + "}"
    folder = staging_dir(_file_of(con))
    folder.mkdir(exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{table}-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(_STAGE_JSON.encode(rows))  # encode(), not iterencode(): only it takes the C encoder
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_json(?, format = 'array', "
                    f"columns = {spec}, maximum_object_size = 67108864)", [name])
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


def start_run(con: duckdb.DuckDBPyConnection, kind: str, observed_at: datetime, replay: str | None = None,
              flow_run_id: str | None = None) -> int:
    # max + 1 under the writer lock, not a sequence: DuckDB can lose a sequence's state when the process
    # is killed (the committed run row survives, the sequence does not: the next id would collide).
    run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
    con.execute("INSERT INTO runs (run_id, kind, observed_at, started_at, replay, flow_run_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [run_id, kind, observed_at, datetime.now(timezone.utc), replay, flow_run_id])
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str, summary: str) -> None:
    con.execute("UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
                [datetime.now(timezone.utc), status, summary, run_id])


def check_time_order(con: duckdb.DuckDBPyConnection, source: str, observed_at: datetime) -> None:
    (stmt,) = sections("merge.sql")["guard_time_order"]
    later = run_sql(con, stmt, {"source": source, "observed_at": observed_at}).fetchone()[0]
    if later is not None:
        raise WarehouseError(
            f"{source}: history already holds a snapshot from {later.isoformat()}, later than "
            f"--observed-at {observed_at.isoformat()}; load snapshots oldest first, or use `modeltrail reparse`")


def load_source(con: duckdb.DuckDBPyConnection, run_id: int, observed_at: datetime, load: SourceLoad,
                removal_runs: int = 2, archive: bool = True) -> LoadResult:
    """One source run into the warehouse, in one transaction: archive, verdict, history merge."""
    sql = sections("merge.sql")
    params = {"source": load.source, "run_id": run_id, "observed_at": observed_at,
              "complete": load.status == "complete", "removal_runs": removal_runs}
    con.execute("BEGIN TRANSACTION")
    try:
        # (sha256, content type, how to read it): parsed bodies, and the served HTML of rendered pages
        # (archive=False: the pages are archived already, with their fetch rows: a reparse)
        fetched = load.pages if archive else []
        bodies = {p.sha256: (p.content_type, p.read_body) for p in fetched if p.sha256 and p.has_body}
        bodies.update({p.raw_sha256: (p.content_type, p.read_raw) for p in fetched if p.raw_sha256})
        if bodies:
            known = {r[0] for r in con.execute(
                "SELECT sha256 FROM pages WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [list(bodies)]).fetchall()}
            todo = [(s, ct, read) for s, (ct, read) in bodies.items() if s not in known]
            for i in range(0, len(todo), ARCHIVE_BATCH):  # a batch at a time: memory stays flat
                batch = [(s, ct, read()) for s, ct, read in todo[i:i + ARCHIVE_BATCH]]
                _insert_columns(con, "pages", [{"sha256": s, "content_type": ct, "size": len(body),
                                                "body_zlib": zlib.compress(body, 6)} for s, ct, body in batch])
        _insert_columns(con, "fetches", [
            {"run_id": run_id, "source": load.source, "url": p.url, "page_kind": p.page_kind,
             "status": p.status, "fetched_at": p.fetched_at, "sha256": p.sha256, "error": p.error,
             "via": p.via, "raw_sha256": p.raw_sha256}
            for p in fetched])
        _insert_columns(con, "parse_problems", [
            {"run_id": run_id, "source": load.source, "url": u, "field": f, "message": m}
            for u, f, m in load.problems])
        unstated = 0
        if load.status != "failed":
            for stmt in sql["stage"]:
                con.execute(stmt)
            merged = dict(con.execute("SELECT source_model_id, fingerprint FROM card_state "
                                      "WHERE source = ? AND removed_at IS NULL", [load.source]).fetchall())
            prints = {c.source_model_id: fingerprint(c) for c in load.cards}
            moved = [c for c in load.cards if merged.get(c.source_model_id) != prints[c.source_model_id]]
            carried = unstated_fields(con, load.source, moved)
            unstated = sum(len(v) for v in carried.values())
            judge_unstated(load, carried)
            params["complete"] = load.status == "complete"
            by_id = {c.source_model_id: c for c in moved}
            _insert_columns(con, "unstated", [
                {"source": load.source, "source_model_id": smid, "field": f, "value": as_text(v),
                 "run_id": run_id, "observed_at": observed_at, "url": by_id[smid].url,
                 "page_sha256": by_id[smid].page_sha256}
                for smid, fields in carried.items() for f, v in fields.items()])
            _insert_columns(con, "stg_seen", [{"source_model_id": k, "fingerprint": v} for k, v in prints.items()])
            _insert_columns(con, "stg_cards", [card_row(c, carried.get(c.source_model_id)) for c in moved])
            _insert_columns(con, "stg_prices", [r for c in moved for r in price_rows(c)])
            _insert_columns(con, "stg_benchmarks", [r for c in moved for r in benchmark_rows(c)])
            for section in ("cards", "prices", "benchmarks", "sightings", "removals"):
                for stmt in sql[section]:
                    run_sql(con, stmt, params)
            (count,) = sql["count_changes"]
        result = LoadResult(load.source, load.status)
        if load.status != "failed":
            result.versions_added, result.versions_closed, result.removed = run_sql(con, count, params).fetchone()
        con.execute(
            "INSERT INTO source_runs (run_id, source, status, pages_ok, pages_failed, card_pages, cards, "
            "problems, versions_added, versions_closed, removed, reasons, coverage, error, notes, unstated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, load.source, load.status,
             sum(1 for p in load.pages if p.ok), sum(1 for p in load.pages if not p.ok),
             load.card_pages, len(load.cards), len(load.problems), result.versions_added,
             result.versions_closed, result.removed, load.reasons, json.dumps(load.coverage), load.error,
             load.notes, unstated])
        con.execute("COMMIT")
    except Exception as exc:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        if isinstance(exc, (duckdb.IOException, OSError)):
            raise _translate(exc, _file_of(con)) from exc
        raise
    return result


def undo_run(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Take back one run in one transaction (see merge.sql: undo); the undo is recorded as a run of
    its own (kind "undo"). Returns the undo's run id. Refused while a later run of one of its sources
    exists (it built on this one: undo that first)."""
    row = con.execute("SELECT observed_at, status FROM runs WHERE run_id = ?", [run_id]).fetchone()
    if row is None:
        raise WarehouseError(f"there is no run {run_id} (see `modeltrail runs`)")
    observed_at, status = row
    if status == "undone":
        raise WarehouseError(f"run {run_id} was undone already")
    sql = sections("merge.sql")
    (check,) = sql["undo_check"]
    later = run_sql(con, check, {"run_id": run_id}).fetchall()
    if later:
        raise WarehouseError(f"run {run_id} is not the last of its sources: "
                             + ", ".join(f"{s} has run {r}" for s, r in later) + "; undo those first")
    con.execute("BEGIN TRANSACTION")
    try:
        undo_id = start_run(con, "undo", datetime.now(timezone.utc), replay=f"undo:{run_id}")
        for stmt in sql["undo"]:
            run_sql(con, stmt, {"run_id": run_id, "observed_at": observed_at, "undo_id": undo_id})
        finish_run(con, undo_id, "complete", f"undid run {run_id} (observed at {observed_at.isoformat()})")
        con.execute("COMMIT")
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    remap(con, full=True)
    return undo_id


def _file_of(con: duckdb.DuckDBPyConnection) -> Path:
    try:
        return Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0])
    except (duckdb.Error, TypeError):
        return Path("the warehouse")


def body_of(con: duckdb.DuckDBPyConnection, sha256: str) -> bytes:
    row = con.execute("SELECT body_zlib FROM pages WHERE sha256 = ?", [sha256]).fetchone()
    if row is None:
        raise WarehouseError(f"page {sha256} is not in the archive")
    return zlib.decompress(row[0])
