"""The warehouse on DuckLake: the same schema, merge, views and macros as the DuckDB file, its catalog in
PostgreSQL and its data as Parquet files, written by many workers at once.

- Extensions load from their PyPI wheels (`pip install 'modeltrail[ducklake]'`, pinned to duckdb 1.5.5):
  never downloaded at run time.
- Migrations run as written, less what DuckLake has no use for (`dialect`): PRIMARY KEY constraints (the
  merge statements keep keys unique themselves: MERGE, NOT EXISTS) and sequences (run ids are max + 1
  under the `run ids` lock).
- Concurrency: DuckLake commits snapshots; a transaction that loses a race and touched what the winner
  touched fails with a conflict and is run again whole (`retrying`). Two runs of the same source never
  race: each run holds its sources' PostgreSQL advisory locks (`AdvisoryLocks`), which every worker sees
  and the server drops when a worker dies; a second run waits for them and names the holder.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import socket
import time
import weakref
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

import duckdb

from modeltrail.warehouse.errors import NoWarehouse, WarehouseBusy, WarehouseError
from modeltrail.warehouse.location import Location
from modeltrail.warehouse.sqlfiles import sections

#: (module of the wheel, extension name) in load order; the postgres scanner ships under two names
EXTENSIONS = ((("duckdb_extension_postgres_scanner", "postgres_scanner"), ("duckdb_extension_postgres", "postgres")),
              (("duckdb_extension_ducklake", "ducklake"),))
#: the catalog's name in DuckDB (`USE lake`: queries name tables as in the DuckDB file)
ALIAS = "lake"


def extension_files() -> list[Path]:
    files = []
    for choices in EXTENSIONS:
        for module, name in choices:
            try:
                mod = importlib.import_module(module)
            except ImportError:
                continue
            file = Path(mod.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
            if not file.exists():
                raise WarehouseError(f"{module} is not built for duckdb {duckdb.__version__} (no {file}): "
                                     f"install {module.replace('_', '-')}=={duckdb.__version__}")
            files.append(file)
            break
        else:
            raise WarehouseError(f"a DuckLake warehouse needs the {choices[0][1]} extension: install modeltrail "
                                 "with `pip install -e '.[ducklake]'` (wheels pinned to duckdb "
                                 f"{duckdb.__version__}; nothing is downloaded at run time)")
    return files


#: the extension files DuckDB checked the signature of in this process: {path: the file's identity then}
_VERIFIED: dict[str, tuple[int, int, int, int]] = {}


def _identity(file: Path) -> tuple[int, int, int, int]:
    st = file.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def writer_config() -> dict:
    """A writer's instance settings. DuckDB checks an extension's signature at each LOAD, in each new
    instance: ~0.25 s for the two wheels' files (~78 MB hashed), paid at every connect. The first writer
    of a process loads them checked; later ones load the same files unchecked while each is the very file
    checked (same device, inode, size and modification time), in instances that run only this code's SQL
    (readers, which run what a user types, always check)."""
    try:
        same = all(_VERIFIED.get(str(f)) == _identity(f) for f in extension_files())
    except (OSError, WarehouseError):
        same = False
    return {"allow_unsigned_extensions": True} if same else {}


def attach(con: duckdb.DuckDBPyConnection, where: Location, read_only: bool) -> None:
    """Load the extensions from their wheels and attach the lake as the current database."""
    checked = not con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()[0]
    for file in extension_files():
        before = _identity(file)
        con.execute(f"LOAD {literal(str(file))}")
        if checked:
            _VERIFIED[str(file)] = before
    options = ["READ_ONLY"] if read_only else []
    if where.data_path and not read_only:
        options.append(f"DATA_PATH {literal(where.data_path.rstrip('/') + '/')}")
    if where.password:
        # libpq reads it from the environment: the password stays out of the connection string DuckDB
        # keeps and shows (duckdb_databases(), PRAGMA database_list, its settings' allowed paths)
        os.environ["PGPASSWORD"] = where.password
    target = literal(f"ducklake:postgres:{without_password(where.conninfo)}")
    try:
        con.execute(f"ATTACH {target} AS {ALIAS}" + (f" ({', '.join(options)})" if options else ""))
    except duckdb.Error as exc:
        raise explain(exc, where) from None
    con.execute(f"USE {ALIAS}")
    # a loser of a commit race retries at the catalog first (no logical conflict: nothing to redo)
    con.execute("SET ducklake_max_retry_count = 30")


def without_password(conninfo: str) -> str:
    return re.sub(r"\s*\bpassword=('(?:[^'\\]|\\.)*'|\S+)", "", conninfo).strip()


#: what location_of found, by connection (asked at every run start and remap: a backfill makes thousands)
_LOCATIONS: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, tuple[Location | None]]" = weakref.WeakKeyDictionary()


def location_of(con: duckdb.DuckDBPyConnection) -> Location | None:
    """The DuckLake a connection writes (None: a DuckDB file). A connection writes where it was opened
    to write (connection.py attaches a lake and uses it at connect): asked once per connection."""
    found = _LOCATIONS.get(con)
    if found is None:
        found = (_location_of(con),)
        with contextlib.suppress(TypeError):  # (an object that cannot be weakly referenced: asked each time)
            _LOCATIONS[con] = found
    return found[0]


def _location_of(con: duckdb.DuckDBPyConnection) -> Location | None:
    row = con.execute("SELECT path, type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if row is None or row[1] != "ducklake" or not str(row[0]).startswith("postgres:"):
        return None
    conninfo = row[0][len("postgres:"):]
    parts = dict(re.findall(r"(\w+)=('(?:[^'\\]|\\.)*'|\S+)", conninfo))
    shown = (f"ducklake:postgres://{parts['user'] + '@' if 'user' in parts else ''}{parts.get('host', '')}"
             f"{':' + parts['port'] if 'port' in parts else ''}/{parts.get('dbname', '')}")
    return Location(conninfo=conninfo, shown=shown)


def data_path_of(con: duckdb.DuckDBPyConnection) -> str:
    """The data folder the lake's catalog recorded when it was created."""
    return con.execute(f"SELECT value FROM __ducklake_metadata_{ALIAS}.ducklake_metadata "
                       "WHERE key = 'data_path'").fetchone()[0]


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def explain(exc: Exception, where: Location) -> WarehouseError:
    """A DuckLake or PostgreSQL error as one line that names the warehouse (never its password)."""
    msg = " ".join(str(exc).split())
    if where.conninfo:
        msg = msg.replace(where.conninfo, where.shown)
    msg = re.sub(r"password=\S+", "password=***", msg)
    if "creating a new DuckLake is explicitly disabled" in msg:
        return NoWarehouse(f"no warehouse at {where}: run `modeltrail refresh --db {where} --data-path DIR` "
                              "first")
    if "data_path is not set" in msg:
        return WarehouseError(f"{where} holds no warehouse yet: give --data-path DIR (or MODELTRAIL_DATA_PATH), "
                              "the folder for its Parquet files")
    if "Unable to connect to Postgres" in msg or "Connection refused" in msg:
        why = msg.split("failed:", 1)[-1].strip() if "failed:" in msg else msg
        return WarehouseError(f"cannot reach the catalog of {where}: {why[:200]}")
    return WarehouseError(f"{where}: {msg[:300]}")


# --- migrations -------------------------------------------------------------------------------------

_PK_COLUMN = re.compile(r"\s+PRIMARY KEY(?=\s*(,|\n|\)|$))")
_PK_TABLE = re.compile(r",\s*PRIMARY KEY\s*\([^)]*\)")
_OR_IGNORE = re.compile(r"^INSERT OR IGNORE INTO (\w+) VALUES (.*)$", re.S)


def dialect(stmt: str) -> str | None:
    """A migration statement as DuckLake runs it; None when it has no meaning there. (Tested: every
    migration runs on a real DuckLake, and both backends end with the same columns.)"""
    if re.match(r"CREATE SEQUENCE", stmt):
        return None
    stmt = re.sub(r"--[^\n]*", "", stmt)  # (the migrations hold no "--" in a string)
    stmt = _PK_TABLE.sub("", _PK_COLUMN.sub("", stmt))
    stmt = re.sub(r"DEFAULT (true|false)\b", r"DEFAULT '\1'", stmt)  # a default DuckLake takes as a literal
    if m := _OR_IGNORE.match(stmt):  # seed rows: inserted once (without a key, "the same row" is the key)
        table, values = m.groups()
        return f"INSERT INTO {table} SELECT * FROM (VALUES {values}) EXCEPT SELECT * FROM {table}"
    return stmt


# --- conflicts --------------------------------------------------------------------------------------

T = TypeVar("T")

#: how long a transaction that keeps losing commit races is run again before giving up
CONFLICT_PATIENCE = 120.0


def is_conflict(exc: Exception) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def retrying(where: str, attempt: Callable[[], T], patience: float = CONFLICT_PATIENCE) -> T:
    """Run a transaction (attempt: begins, rolls back on error) again while it loses to another writer."""
    deadline = time.monotonic() + patience
    wait = 0.05
    while True:
        try:
            return attempt()
        except duckdb.TransactionException as exc:
            if not is_conflict(exc) or time.monotonic() >= deadline:
                if is_conflict(exc):
                    raise WarehouseBusy(f"{where}: other writers kept committing conflicting changes for "
                                        f"{patience:.0f} s; nothing of this was stored, try again") from exc
                raise
        time.sleep(wait)
        wait = min(wait * 2, 2.0)


# --- locks every worker sees ------------------------------------------------------------------------

#: first key of every modeltrail advisory lock (pg_locks.classid): "mt"
NAMESPACE = 0x6D74


def lock_key(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


class AdvisoryLocks:
    """Session advisory locks on the catalog's PostgreSQL, one per name (a source, "run ids"). Held by
    one connection of this process; the server releases them when it closes, or the process dies. The
    connection's application_name says who holds them (`describe`)."""

    def __init__(self, where: Location, names: list[str], **holder: Any):
        self.where = where
        self.names = sorted(set(names))  # one order everywhere: no two runs wait on each other
        self.holder = {"pid": os.getpid(), "host": socket.gethostname(),
                       "since": datetime.now(timezone.utc).isoformat(timespec="seconds"), **holder}
        self.pg = None

    def _connect(self):
        try:
            import psycopg
        except ImportError:
            raise WarehouseError("a DuckLake warehouse needs psycopg: install modeltrail with "
                                 "`pip install -e '.[ducklake]'`") from None
        try:
            return psycopg.connect(self.where.conninfo, autocommit=True, application_name=self._name(),
                                   connect_timeout=10)
        except psycopg.Error as exc:
            raise explain(exc, self.where) from None

    def _name(self) -> str:
        h = self.holder
        who = f"run {h['run_id']} " if h.get("run_id") is not None else ""
        return f"modeltrail {who}{h.get('command', 'writer')} pid {h['pid']}@{h['host']}"[:63]

    def acquire(self, wait: float = 0, on_wait=None, poll: float = 0.5) -> "AdvisoryLocks":
        self.pg = self._connect()
        sql = sections("locks.sql")
        deadline = time.monotonic() + wait
        told = False
        try:
            for name in self.names:
                while not self.pg.execute(sql["try_lock"][0], (NAMESPACE, lock_key(name))).fetchone()[0]:
                    holder = describe(self.pg, name)
                    if time.monotonic() >= deadline:
                        waited = f" (waited {wait:.0f} s)" if wait else ""
                        raise WarehouseBusy(f"{name} in {self.where} is being written by {holder}{waited}; "
                                            "try again when it finishes")
                    if on_wait and not told:
                        on_wait(f"waiting for {name} in {self.where}: held by {holder}")
                        told = True
                    time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        except BaseException:
            self.release()
            raise
        return self

    def update(self, **info: Any) -> None:
        self.holder.update(info)
        if self.pg is not None:
            with contextlib.suppress(Exception):
                self.pg.execute(sections("locks.sql")["name_holder"][0], (self._name(),))

    def release(self) -> None:
        if self.pg is not None:
            with contextlib.suppress(Exception):
                self.pg.close()  # the server drops the session's locks with it
            self.pg = None

    def __enter__(self) -> "AdvisoryLocks":
        return self if self.pg is not None else self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def describe(pg, name: str) -> str:
    row = pg.execute(sections("locks.sql")["holder"][0], (NAMESPACE, lock_key(name))).fetchone()
    if row is None:
        return "another writer"
    app, addr, since = row
    where = f" from {addr}" if addr else ""
    return f"{app or 'another client'}{where} (since {since:%Y-%m-%d %H:%M:%S} UTC)"


@contextlib.contextmanager
def held(where: Location, name: str, wait: float = 60, **holder: Any):
    """One short lock (e.g. "run ids" while a run takes its number)."""
    locks = AdvisoryLocks(where, [name], **holder).acquire(wait)
    try:
        yield
    finally:
        locks.release()
