"""Moves data in and out of the DuckDB warehouse. The logic lives in the SQL files beside this one."""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import re
import shutil
import socket
import tempfile
import time
import zlib
import contextlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from modeltrail import identity
from modeltrail.records import ModelCard, Stated

DEFAULT_DB = "modeltrail.duckdb"
SCHEMA_VERSION = "1"

CARD_FIELDS = (
    "name", "organization", "version", "release_date", "status", "deprecation_date", "retirement_date",
    "successor", "context_window", "max_output_tokens", "input_modalities", "output_modalities",
    "capabilities", "reasoning_efforts", "training_cutoff", "parameters", "training_tokens",
    "architecture", "license",
)
#: fields added after the first warehouses: in a version's hash only when they hold a value, so the
#: versions stored before them keep their hashes (and an upgrade records no change)
LATER_FIELDS = ("listed_date", "hugging_face_id")
LIST_FIELDS = {"input_modalities", "output_modalities", "capabilities", "reasoning_efforts"}


class WarehouseError(Exception):
    """A warehouse problem a user can act on; the message says what and where."""


class WarehouseBusy(WarehouseError):
    """Another process writes the warehouse now; the message names it."""


def db_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("MODELTRAIL_DB") or DEFAULT_DB)


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


def query(name: str) -> str:
    """One named statement of queries.sql."""
    (stmt,) = sections("queries.sql")[name]
    return stmt


def run_sql(con: duckdb.DuckDBPyConnection, stmt: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", stmt)}
    return con.execute(stmt, used)


def _check_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        raise WarehouseError(f"cannot create the warehouse {path}: directory {parent} does not exist")
    if not parent.is_dir():
        raise WarehouseError(f"cannot create the warehouse {path}: {parent} is not a directory")


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
            })
            con.execute("SET TimeZone = 'UTC'")
            # a query a user types must not take the machine: DuckDB spills or fails past this
            con.execute("SET memory_limit = ?", [os.environ.get("MODELTRAIL_READ_MEMORY", "2GB")])
            con.execute("SET lock_configuration = true")
            return con
        _check_parent(path)
        con = duckdb.connect(str(path), config={"autoinstall_known_extensions": False})
        con.execute("SET TimeZone = 'UTC'")
        for stmt in _split(_sql("schema.sql")):
            con.execute(stmt)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
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


# --- one writer ----------------------------------------------------------------------------------------
# DuckDB lets one process write a file. Every writer (refresh flow, reparse, remap, alias) first takes an
# exclusive flock on <db>.lock and writes who it is into it, so a second writer can wait for it or name
# it, and a reader that meets DuckDB's own lock can say which run holds the warehouse. The kernel drops
# the flock when the process dies (even kill -9): a stale lock file is never a held lock.

def staging_dir(path: str | os.PathLike | None) -> Path:
    """Where a load stages its rows (beside the warehouse). A load killed mid-way leaves files here; the
    next writer, holding the lock, removes them."""
    p = db_path(path)
    return p.with_name(p.name + ".staging")


def lock_path(path: str | os.PathLike | None) -> Path:
    p = db_path(path)
    return p.with_name(p.name + ".lock")


def holder_info(path: str | os.PathLike | None) -> dict | None:
    """What the holder of the writer lock wrote about itself; None when nobody holds the lock."""
    lp = lock_path(path)
    try:
        fd = os.open(lp, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # held: the file says by whom
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None  # nobody holds it; what the file says is history
        raw = os.read(fd, 4096)
    finally:
        os.close(fd)
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}


def describe_holder(path: str | os.PathLike | None) -> str | None:
    """Who holds the writer lock now, in words; None when nobody does."""
    info = holder_info(path)
    if info is None:
        return None
    who = info.get("command", "another writer")
    if info.get("run_id") is not None:
        who = f"modeltrail run {info['run_id']} ({who})"
    details = []
    if info.get("flow_run_name") or info.get("flow_run_id"):
        details.append(f"flow run {info.get('flow_run_name') or ''} {info.get('flow_run_id') or ''}".strip())
    if info.get("pid"):
        details.append(f"pid {info.get('pid')} on {info.get('host')}")
    if info.get("since"):
        details.append(f"since {info['since']}")
    return ", ".join([who, *details])


#: pages compressed and inserted into the archive at a time
ARCHIVE_BATCH = 200

#: seconds a writer holding the lock waits for readers (short queries) to close the file
READER_GRACE = 30.0


class WriterLock:
    """The exclusive writer lock of one warehouse file (see above)."""

    def __init__(self, path: str | os.PathLike | None, **holder: Any):
        self.path = db_path(path)
        self.holder = {"pid": os.getpid(), "host": socket.gethostname(),
                       "since": datetime.now(timezone.utc).isoformat(timespec="seconds"), **holder}
        self.fd: int | None = None

    def acquire(self, wait: float = 0, on_wait=None, poll: float = 0.5) -> "WriterLock":
        _check_parent(self.path)
        lp = lock_path(self.path)
        try:
            fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _translate(exc, self.path) from exc
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = describe_holder(self.path) or "another writer"
                if time.monotonic() >= deadline:
                    os.close(fd)
                    waited = f" (waited {wait:.0f} s)" if wait else ""
                    raise WarehouseBusy(f"warehouse {self.path} is being written by {holder}{waited}; "
                                         "try again when it finishes") from None
                if on_wait and not told:
                    on_wait(f"waiting for the warehouse {self.path}: held by {holder}")
                    told = True
                time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        self.fd = fd
        self._write()
        return self

    def update(self, **info: Any) -> None:
        self.holder.update(info)
        if self.fd is not None:
            self._write()

    def _write(self) -> None:
        data = json.dumps(self.holder, default=str).encode()
        try:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, data, 0)
        except OSError:
            pass  # a full disk must not stop the lock from working; the holder is then unnamed

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "WriterLock":
        return self if self.fd is not None else self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


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

_HASH_JSON = json.JSONEncoder(sort_keys=True, default=str)
_json_str = json.encoder.encode_basestring_ascii  # what json.dumps uses for str (ensure_ascii)  # one encoder: json.dumps(**kw) builds one per call


def _hash(obj: Any) -> str:
    return hashlib.sha256(_HASH_JSON.encode(obj).encode()).hexdigest()[:32]


#: what a card's history versions do not cover (provenance, the identity computed apart)
_NOT_VALUES = {"fetched_at", "page_sha256", "parser_version", "url", "model_id"}


def fingerprint(card: ModelCard) -> str:
    """A hash of everything in a card that history versions: equal fingerprints, no new version."""
    return hashlib.sha256(card.model_dump_json(exclude=_NOT_VALUES).encode()).hexdigest()[:32]


def card_row(card: ModelCard, carried: dict[str, Any] | None = None) -> dict[str, Any]:
    """The history row of a card; `carried`: values kept from its current version for fields the
    card does not state (see unstated_fields)."""
    d = card.model_dump()
    d.update(carried or {})
    canon = {f: (sorted(d[f]) if f in LIST_FIELDS else d[f]) for f in CARD_FIELDS}
    later = {f: d[f] for f in LATER_FIELDS}
    hashed = {**canon, **{f: v for f, v in later.items() if v is not None}}
    row = {"source": card.source, "source_model_id": card.source_model_id, **canon, **later,
           "row_hash": _hash(hashed), "url": card.url, "fetched_at": card.fetched_at,
           "page_sha256": card.page_sha256, "parser_version": card.parser_version}
    return row


def _scalar_json(v: Any) -> str | None:
    """json.dumps(v) for the scalars a history hash covers, without building an encoder; None when
    json.dumps must decide (the hashes must stay byte-identical to those already stored)."""
    if v is None:
        return "null"
    if isinstance(v, str):
        return _json_str(v)
    if type(v) is float and math.isfinite(v):
        return float.__repr__(v)
    if type(v) is int:
        return int.__repr__(v)
    return None


def _hash_values(values: list[Any]) -> str:
    """_hash(values) for a list of scalars, fast."""
    parts = [_scalar_json(v) for v in values]
    if any(p is None for p in parts):
        return _hash(values)
    return hashlib.sha256(("[" + ", ".join(parts) + "]").encode()).hexdigest()[:32]


def _hash_scalar(value: Any) -> str:
    text = _scalar_json(value)
    return _hash(value) if text is None else hashlib.sha256(text.encode()).hexdigest()[:32]


def _private(obj: Stated) -> dict:
    return obj.__pydantic_private__ or {}


def price_rows(card: ModelCard) -> list[dict[str, Any]]:
    rows = []
    for p in card.prices:
        own = _private(p)
        per_token = p.unit == "1M tokens" and not p.variable
        # a per-token amount hashes as it always did; other prices hash their unit and variability too
        row_hash = (_hash_scalar(p.usd_per_million_tokens) if per_token
                    else _hash_values([p.unit, p.usd_per_million_tokens, p.usd_per_unit, p.variable]))
        rows.append({"source": card.source, "source_model_id": card.source_model_id, "kind": p.kind,
                     "tier": p.tier, "usd_per_million_tokens": p.usd_per_million_tokens,
                     "unit": p.unit, "usd_per_unit": p.usd_per_unit, "variable": p.variable,
                     "row_hash": row_hash, "url": own.get("_url") or card.url,
                     "fetched_at": card.fetched_at, "page_sha256": own.get("_page_sha256") or card.page_sha256})
    return rows


def benchmark_rows(card: ModelCard) -> list[dict[str, Any]]:
    rows = []
    for b in card.benchmarks:
        own = _private(b)
        rows.append({"source": card.source, "source_model_id": card.source_model_id, "benchmark": b.benchmark,
                     "reported_name": b.reported_name, "setting": b.setting, "value": b.value, "unit": b.unit,
                     "row_hash": _hash_values([b.benchmark, b.value, b.unit]), "url": own.get("_url") or card.url,
                     "fetched_at": card.fetched_at, "page_sha256": own.get("_page_sha256") or card.page_sha256})
    return rows


#: the fields whose absence from a card is checked against what it stated before (name is always there)
HISTORY_FIELDS = tuple(f for f in (*CARD_FIELDS, *LATER_FIELDS) if f != "name")
#: a run that finds a field unstated on more cards than this (and this share of them) is partial
UNSTATED_MAX, UNSTATED_SHARE = 3, 0.02


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == []


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
                if not _empty(v) and f not in said_empty and _empty(getattr(card, f))}
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


@dataclass
class PageRecord:
    """One fetch of one url in a crawl (what spiders/ hand over through pipelines/archive.py)."""
    url: str
    fetched_at: datetime
    status: int | None
    page_kind: str | None = None
    sha256: str | None = None
    content_type: str | None = None
    body: bytes | None = None
    error: str | None = None
    # The body on disk (a crawl's bodies.bin, at body_offset), read when needed: 10,000 pages of 100 KB
    # are not held in memory at once.
    body_file: str | None = None
    body_offset: int = 0
    body_length: int = 0
    via: str | None = None          # html | rendered | api | "html (api: HTTP 500)" (a fallback)
    raw_sha256: str | None = None   # a rendered page: the HTML as served, archived beside what was parsed
    raw_offset: int = 0
    raw_length: int = 0

    def read_raw(self) -> bytes | None:
        if self.raw_sha256 is None or self.body_file is None:
            return None
        with open(self.body_file, "rb") as fh:
            fh.seek(self.raw_offset)
            return fh.read(self.raw_length)

    def read_body(self) -> bytes | None:
        if self.body is not None or self.body_file is None:
            return self.body
        with open(self.body_file, "rb") as fh:
            fh.seek(self.body_offset)
            return fh.read(self.body_length)

    @property
    def has_body(self) -> bool:
        return self.body is not None or (self.body_file is not None and self.sha256 is not None)

    @property
    def ok(self) -> bool:
        """The fetch got a response below 400 and no error."""
        return self.error is None and bool(self.status) and self.status < 400


@dataclass
class SourceLoad:
    """Everything one source run hands to the warehouse."""
    source: str
    status: str                                   # complete | partial | failed
    pages: list[PageRecord] = field(default_factory=list)
    cards: list[ModelCard] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)   # (url, field, message)
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # noticed, no reason to doubt the run
    coverage: dict[str, float] = field(default_factory=dict)
    card_pages: int = 0
    error: str | None = None


@dataclass
class LoadResult:
    source: str
    status: str
    versions_added: int = 0
    versions_closed: int = 0
    removed: int = 0


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
                removal_runs: int = 2) -> LoadResult:
    """One source run into the warehouse, in one transaction: archive, verdict, history merge."""
    sql = sections("merge.sql")
    params = {"source": load.source, "run_id": run_id, "observed_at": observed_at,
              "complete": load.status == "complete", "removal_runs": removal_runs}
    con.execute("BEGIN TRANSACTION")
    try:
        # (sha256, content type, how to read it): parsed bodies, and the served HTML of rendered pages
        bodies = {p.sha256: (p.content_type, p.read_body) for p in load.pages if p.sha256 and p.has_body}
        bodies.update({p.raw_sha256: (p.content_type, p.read_raw) for p in load.pages if p.raw_sha256})
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
            for p in load.pages])
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
            _judge_unstated(load, carried)
            params["complete"] = load.status == "complete"
            by_id = {c.source_model_id: c for c in moved}
            _insert_columns(con, "unstated", [
                {"source": load.source, "source_model_id": smid, "field": f, "value": _text(v),
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


def _judge_unstated(load: SourceLoad, carried: dict[str, dict[str, Any]]) -> None:
    """Count the fields the cards stopped stating: a few are noted; a field lost on many cards at once
    (template drift) makes the run partial, so that it closes and removes nothing."""
    per_field: dict[str, int] = {}
    for fields in carried.values():
        for f in fields:
            per_field[f] = per_field.get(f, 0) + 1
    limit = max(UNSTATED_MAX, UNSTATED_SHARE * len(load.cards))
    for f, n in sorted(per_field.items()):
        text = (f"field {f} unstated on {n} card(s) that stated it before (last stated value kept; "
                "see `modeltrail changes`)")
        if n > limit:
            load.reasons.append(text + ": template drift?")
            if load.status == "complete":
                load.status = "partial"
        else:
            load.notes.append(text)


def _text(v: Any) -> str:
    return ",".join(map(str, v)) if isinstance(v, list) else str(v)


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
