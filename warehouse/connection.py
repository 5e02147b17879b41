"""Opening the warehouse: readers, and the one writer under its lock (a DuckDB file or a DuckLake), with
its schema brought up to date and its views in place; a page read back from the archive. (warehouse/db.py
is the one way in that the other layers use: it re-exports this and the warehouse's other modules.)"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
import weakref
import zlib
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import duckdb

from modeltrail.warehouse import lake, migrate
from modeltrail.warehouse.errors import NoWarehouse, WarehouseBusy, WarehouseError, check_parent, db_path  # noqa: F401
from modeltrail.warehouse.location import Location, locate
from modeltrail.warehouse.lock import WriterLock, staging_dir  # noqa: F401
from modeltrail.warehouse.lock import translate as _translate
from modeltrail.warehouse.remap import seed_aliases
from modeltrail.warehouse.rows import _hash
from modeltrail.warehouse.sqlfiles import _split, _sql, query, run_script, run_sql, sections, transaction  # noqa: F401
from modeltrail.warehouse.stage import _insert_columns, file_of as _file_of  # noqa: F401

META = "meta.sql"

SCHEMA_VERSION = str(migrate.LATEST)



def connect(path: str | os.PathLike | Location | None = None, read_only: bool = False,
            allow_files: bool = False, busy_wait: float = 0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (a DuckDB file, or a DuckLake: see location.py). Writers create it and bring
    schema and views up to date; readers get a read-only connection that cannot touch files or load
    extensions (allow_files: our own exports).

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
    where = locate(path)
    if where.is_lake:
        return _connect_lake(where, read_only, allow_files)
    path = where.path
    try:
        if read_only:
            if not path.exists():
                raise NoWarehouse(f"no warehouse at {path}: run `modeltrail refresh` first (or pass --db)")
            con = duckdb.connect(str(path), read_only=True, config={
                "enable_external_access": allow_files, **reader_config()})
            _lock_down(con)
            try:
                migrate.check_readable(con, path)
            except WarehouseError:
                con.close()
                raise
            return con
        check_parent(path)
        con = _kept_writer(where) or _open_writer(path)
        _OPENED_AT[con] = where
        con.execute("SET TimeZone = 'UTC'")
        try:
            migrate.upgrade(con)  # the numbered migrations this file has not had (see warehouse/migrate.py)
        except Exception:
            con.close()
            raise
        if not _schema_current(con):  # (re-creating views and macros at every open rewrote the catalog)
            with transaction(con):
                _set_up(con)
        # Staging files left by a writer that was killed (writers connect under the writer lock). Only
        # now that the file has opened as a warehouse: a wrong --db must not cost a neighbour its folder.
        shutil.rmtree(staging_dir(path), ignore_errors=True)
        return con
    except WarehouseError:
        raise
    except (duckdb.Error, OSError) as exc:
        raise _translate(exc, path) from exc


#: rows in a row group of the warehouse's tables, for the rows its writers add (DuckDB's default: 122,880).
#: A refresh appends a few hundred versions to each history table, and its checkpoint rewrites, whole,
#: the row group they were appended to: with the default, up to 122,880 rows of every column of
#: `benchmarks_history` a day for a few hundred new ones (bench/RESULTS.md §13, "Fifth pass").
ROW_GROUP_SIZE = 32_768

#: the name a writer gives the warehouse file it attaches
WRITER_ALIAS = "warehouse"


#: writers closed for now (close_for_now), kept for the next writer of the same warehouse in this process
#: ({location: (the writer's settings, connection)}): a new DuckDB instance costs ~13 ms (its catalog of
#: built-in functions), a DuckLake's ATTACH and USE ~110 ms more. A file is detached (its lock released:
#: readers and other processes open it as if it were closed; its WAL left for the next close); a lake
#: stays attached (nothing of it is locked).
_KEPT: dict[Location, tuple[dict, duckdb.DuckDBPyConnection]] = {}
_KEEPING = threading.Lock()  # (a flow's tasks run in threads)
#: where each writer was opened to write
_OPENED_AT: "weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Location]" = weakref.WeakKeyDictionary()


def _kept_settings(is_lake: bool) -> dict:
    """The settings a kept writer must have been opened with to be used again: a file's memory (a
    lake's instance has its extensions loaded already, and nothing else of it depends on when it opened)."""
    return {} if is_lake else writer_config()


def _kept_writer(where: Location) -> duckdb.DuckDBPyConnection | None:
    """The writer close_for_now kept for this warehouse, attached again (a file) and checked alive (a lake);
    None: there is none, its settings are not the ones a writer would open with now, or it cannot be used
    (the file is busy, the lake's catalog went away): a new writer opens as usual."""
    with _KEEPING:
        config, con = _KEPT.pop(where, (None, None))
    if con is None:
        return None
    try:
        if config != _kept_settings(where.is_lake):
            raise duckdb.InvalidInputException("settings changed")
        if where.is_lake:  # (its schema checked as at any open: a round trip to a catalog that may be gone)
            if not _schema_current(con):
                raise duckdb.InvalidInputException("schema changed")
        else:
            _attach_file(con, where.path)
            con.execute("PRAGMA enable_checkpoint_on_shutdown")  # (close_for_now turned it off)
    except duckdb.Error:
        con.close()
        return None
    return con


def close_for_now(con: duckdb.DuckDBPyConnection) -> None:
    """Close a writer's connection that the same writer opens again soon (a refresh starts its run, then
    crawls, then loads): a DuckDB file's checkpoint is left to that next close (its WAL, a few rows, stays
    beside the file until then; readers and the next writer read it), ~20 ms less a refresh. The writer's
    DuckDB is kept for that next open (_KEPT), with the file detached; a DuckLake has no checkpoint at
    close and stays attached."""
    where = _OPENED_AT.pop(con, None)
    is_lake = lake.location_of(con) is not None
    try:
        if not is_lake:
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
            if where is not None:
                for stmt in sections(META)["detach_writer"]:
                    con.execute(stmt.format(alias=WRITER_ALIAS))
    except duckdb.Error:
        where = None
    if where is None:
        con.close()
        return
    config = _kept_settings(is_lake)
    with _KEEPING:
        _, replaced = _KEPT.pop(where, (None, None))
        _KEPT[where] = (config, con)
    if replaced is not None:
        replaced.close()


#: a writer's closing checkpoint of a WAL smaller than this leaves FSST out of DuckDB's compression
#: analysis (close_writer)
SMALL_CHECKPOINT = 1 << 20


def close_writer(con: duckdb.DuckDBPyConnection) -> None:
    """Close a writer, its checkpoint writing what it wrote into the file. When that is little (a WAL
    under SMALL_CHECKPOINT: a refresh's day of 10,000 models is ~90 KB, their first load 16 MB), FSST is
    left out of the compression DuckDB tries on each string column it writes: trying it is most of the
    analysis, ~25 ms of a refresh's ~95 ms close (bench/RESULTS.md §13, "Sixth pass"), for strings a few
    KB smaller. Large checkpoints (DuckDB's own, at 16 MB of WAL, and a bulk load's close) keep it, and
    `maintain`'s copy recompresses everything with it."""
    where = _OPENED_AT.get(con)
    path = (None if where.is_lake else where.path) if where is not None else _file_of(con)
    if path is not None:
        try:
            small = os.stat(f"{path}.wal").st_size < SMALL_CHECKPOINT
        except OSError:  # (no WAL: nothing to write)
            small = False
        if small:
            con.execute(query("small_checkpoint", META))
    con.close()


@atexit.register
def _close_kept() -> None:
    with _KEEPING:
        kept = [con for _, con in _KEPT.values()]
        _KEPT.clear()
    for con in kept:
        con.close()


def _open_writer(path) -> duckdb.DuckDBPyConnection:
    """The writer's DuckDB: the file attached with the warehouse's row group size (an ATTACH option:
    `duckdb.connect(path)` has no way to pass it; it is the writer's, not the file's, so every writer
    passes it), and used as the current database. Spilled rows go beside the file, as DuckDB puts them
    for a file it opens itself (`<file>.tmp`)."""
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, **writer_config(),
                                             "temp_directory": str(path) + ".tmp"})
    try:
        _attach_file(con, path)
    except BaseException:
        con.close()
        raise
    return con


def _attach_file(con: duckdb.DuckDBPyConnection, path) -> None:
    """The warehouse file attached to a writer's DuckDB with the warehouse's row groups, and used."""
    con.execute(query("attach_writer", META).format(path=lake.literal(str(path)), alias=WRITER_ALIAS,
                                                    rows=ROW_GROUP_SIZE))
    con.execute(query("use_writer", META).format(alias=WRITER_ALIAS))


def reader_config() -> dict:
    """A reader's settings: a query a user types must not take the machine (DuckDB spills or fails past
    the memory limit, MODELTRAIL_READ_MEMORY as it is when the reader opens) nor load anything, and what
    it spills goes to a temporary folder of this process (removed at exit), never beside the warehouse
    (DuckDB's default: `<db>.tmp`, or `.tmp` in the working directory for a DuckLake)."""
    return {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
            "memory_limit": os.environ.get("MODELTRAIL_READ_MEMORY", "2GB"), "temp_directory": _spill_folder()}


_SPILL: list[str] = []


def _spill_folder() -> str:
    """One per process (DuckDB opens a file once per process: every reader of it has one configuration)."""
    if not _SPILL:
        _SPILL.append(tempfile.mkdtemp(prefix="modeltrail-spill-"))
        atexit.register(shutil.rmtree, _SPILL[0], True)
    return _SPILL[0]


def writer_config() -> dict:
    """A writer's memory: DuckDB spills past it to the warehouse's temp folder (a load of a million cards
    merges in a bounded memory), MODELTRAIL_WRITE_MEMORY as it is when the writer opens."""
    return {"memory_limit": os.environ.get("MODELTRAIL_WRITE_MEMORY", "2GB")}


def _lock_down(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET lock_configuration = true")
    except duckdb.InvalidInputException as exc:
        if "locked" not in str(exc):  # a second reader in this process: the instance is set up
            raise


def _connect_lake(where: Location, read_only: bool, allow_files: bool) -> duckdb.DuckDBPyConnection:
    """A DuckLake: an in-memory DuckDB with the lake attached as its current database. Readers attach it
    read-only, then lose file access (the lake's own Parquet files stay readable to it); writers bring
    the schema up to date under the catalog's "schema" lock, once per version of the SQL files."""
    if not read_only:
        con = _kept_writer(where)
        if con is not None:
            _OPENED_AT[con] = where
            return con
    con = duckdb.connect(":memory:", config=reader_config() if read_only else {
        "autoinstall_known_extensions": False, "autoload_known_extensions": False, **lake.writer_config()})
    try:
        if read_only:
            lake.attach(con, where, read_only=True)
            con.execute("SET TimeZone = 'UTC'")
            if not allow_files:  # its own Parquet files only
                con.execute(f"SET allowed_directories = [{lake.literal(lake.data_path_of(con))}]")
                con.execute("SET enable_external_access = false")
            _lock_down(con)
            migrate.check_readable(con, where)
            return con
        # (two workers creating one lake at once would both create its catalog tables: one at a time)
        with lake.held(where, "schema", command="open for writing"):
            lake.attach(con, where, read_only=False)
            con.execute("SET TimeZone = 'UTC'")
            if not _schema_current(con):
                with transaction(con):
                    migrate.upgrade(con, lake=True)
                    _set_up(con)
        _OPENED_AT[con] = where
        return con
    except WarehouseError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        raise lake.explain(exc, where) from exc


def _set_up(con) -> None:
    """Views and macros as this code's views.sql has them, and the bundled aliases, recorded as done (the
    caller holds the transaction): a writer whose warehouse has them already changes nothing."""
    _views(con)
    seed_aliases(con)
    run_sql(con, query("set_meta", META), {"key": "views_hash", "value": _views_hash()})


def _views(con) -> None:
    for stmt in _split(_sql("views.sql")):
        con.execute(stmt)


@lru_cache(maxsize=1)  # (views.sql, the migrations and the bundled aliases ship with the package)
def _views_hash() -> str:
    from modeltrail.pipelines import identity
    return _hash([migrate.LATEST, _sql("views.sql"), sorted(identity.bundled_aliases().items())])


def _schema_current(con) -> bool:
    """A warehouse at this code's schema, views and bundled aliases: a writer changes nothing (on a file,
    re-created views rewrite the catalog's blocks at each checkpoint; on a lake, each change would be a
    snapshot, and a conflict for the workers writing beside it)."""
    try:
        with transaction(con):  # (both read `meta`: on a DuckLake, one catalog transaction, not two)
            row = run_sql(con, query("meta_value", META), {"key": "views_hash"}).fetchone()
            version = migrate.version_of(con)
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] == _views_hash() and version == migrate.LATEST


def exists(path: str | os.PathLike | Location | None = None) -> bool:
    """Is there a warehouse there yet (a file; a lake whose catalog holds one)?"""
    where = locate(path)
    if not where.is_lake:
        return where.path.exists()
    try:
        connect(where, read_only=True).close()
    except NoWarehouse:
        return False
    return True


def schema_version(path: str | os.PathLike | Location | None = None) -> int:
    """The schema version a warehouse records, read without the checks a reader makes."""
    where = locate(path)
    try:
        if where.is_lake:
            con = duckdb.connect(":memory:", config=reader_config())
            lake.attach(con, where, read_only=True)
        else:
            con = duckdb.connect(str(where.path), read_only=True)
        try:
            return migrate.version_of(con)
        finally:
            con.close()
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot read {where}: {str(exc).splitlines()[0]}") from None


#: seconds a writer holding the lock waits for readers (short queries) to close the file
READER_GRACE = 30.0


def writer_lock(path: str | os.PathLike | Location | None = None, sources: list[str] | None = None,
                **holder: Any):
    """The lock a writer holds: the file's writer lock; on a DuckLake, the advisory locks of the sources
    it writes (all of them when not said), so runs of other sources write beside it."""
    where = locate(path)
    if where.is_lake:
        from modeltrail.pipelines.sources import SOURCES
        return lake.AdvisoryLocks(where, list(sources or SOURCES), **holder)
    return WriterLock(where.path, **holder)


@contextmanager
def writing(path: str | os.PathLike | Location | None = None, wait: float = 0, on_wait=None,
            sources: list[str] | None = None, **holder: Any):
    """Take the writer lock, then open the warehouse for writing; both released on exit."""
    with writer_lock(path, sources, **holder).acquire(wait, on_wait):
        con = connect(path, busy_wait=READER_GRACE)
        try:
            yield con
        finally:
            close_writer(con)


def body_of(con: duckdb.DuckDBPyConnection, sha256: str) -> bytes:
    row = run_sql(con, query("page_body", META), {"sha256": sha256}).fetchone()
    if row is None:
        raise WarehouseError(f"page {sha256} is not in the archive")
    return zlib.decompress(row[0])
