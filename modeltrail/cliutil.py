"""What every modeltrail command shares: options, time parsing, errors, warehouse access, tables."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click

from modeltrail import output
from modeltrail.flows.local_api import quiet_defaults
from modeltrail.output import echo, terminal_safe
from modeltrail.pipelines.sources import SOURCES
from modeltrail.warehouse.errors import DEFAULT_DB

SOURCE_NAMES = list(SOURCES)
IDENTITY_SQL = "identity.sql"  # a typed model name resolved

quiet_defaults()  # Prefect: offline and quiet unless the user says otherwise

EXIT_ERROR, EXIT_USAGE, EXIT_INCOMPLETE = 1, 2, 3
from modeltrail.flows.stopping import EXIT_INTERRUPTED  # noqa: E402,F401 - stopped by Ctrl-C (128 + SIGINT): one number for all
REPO_CAPTURES = Path(__file__).resolve().parent.parent / "captures"


def bundled_captures() -> Path:
    env = os.environ.get("MODELTRAIL_CAPTURES")
    for candidate in filter(None, (env, "captures", str(REPO_CAPTURES))):
        if Path(candidate).is_dir():
            return Path(candidate)
    raise click.ClickException("no captures folder found: pass --replay DIR or set MODELTRAIL_CAPTURES")


def did_you_mean(name: str, known) -> str:
    """'; did you mean X?' for the closest of the known names (any case; a canonical id's part after its
    vendor counts too), or ''."""
    import difflib
    by_key: dict[str, str] = {}
    for k in sorted(set(known)):
        by_key.setdefault(k.lower(), k)
        by_key.setdefault(k.lower().rsplit("/", 1)[-1], k)
    close = difflib.get_close_matches(name.lower(), list(by_key), n=3, cutoff=0.75)
    shown = list(dict.fromkeys(by_key[c] for c in close))
    return f"; did you mean {' or '.join(shown)}?" if shown else ""


def check_sources(sources, param_hint: str) -> None:
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        hint = did_you_mean(unknown[0], SOURCES) if len(unknown) == 1 else ""
        raise click.BadParameter(f"unknown source(s) {', '.join(unknown)}{hint} (known: {', '.join(SOURCES)})",
                                 param_hint=param_hint)


def source_not_folder(sources: tuple, replay: str | None) -> tuple[tuple, str | None]:
    """`refresh --replay azure` means `refresh azure --replay`: a source's name given as --replay's value
    is that source (a folder of that name, when one exists here, stays a folder)."""
    if replay in SOURCES and not Path(replay).is_dir():
        return (*sources, replay), "__bundled__"
    return sources, replay


def replay_location(replay: str | None, absolute: bool = False) -> str | None:
    """--replay's value: the bundled captures (no value), a folder, or a http(s) url; None for live."""
    if replay == "__bundled__":
        folder = bundled_captures()
    elif replay and "://" not in replay:
        folder = Path(replay)
        if not folder.is_dir():
            raise click.BadParameter(f"{replay} is not a folder or a http://127.0.0.1:PORT url",
                                     param_hint="--replay")
    elif replay:
        from modeltrail.spiders.replay import check_base_url
        try:
            return check_base_url(replay)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--replay") from None
    else:
        return replay
    return str(folder.resolve() if absolute else folder)


def parse_time(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 time (no zone: UTC), or a time that long ago: `7d`, `12h`, `2w`, `30m` (`changes
    --since 7d`: the last week's)."""
    if value is None:
        return None
    if m := _AGO.fullmatch(value.strip()):
        try:
            return datetime.now(timezone.utc) - timedelta(**{_AGO_UNITS[m.group(2)]: int(m.group(1))})
        except OverflowError:  # (999999w: before year 1)
            raise click.BadParameter(f"{value!r} is longer ago than any time", param_hint=option) from None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time (e.g. 2026-01-01T00:00:00Z) nor a time "
                                 "ago (7d, 12h, 2w)", param_hint=option)
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


#: a time that long ago: minutes, hours, days, weeks
_AGO = re.compile(r"(\d{1,6})([mhdw])")
_AGO_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def observation_time(value: str | None, allow_future: bool) -> datetime | None:
    """--observed-at: an ISO time, refused when it lies in the future (a snapshot from 2030 would make
    every later refresh look out of order) unless the user insists."""
    from modeltrail.flows.snapshot import in_future
    when = parse_time(value, "--observed-at")
    # a time of day with no zone would be read in some zone silently; a bare date is that day, 00:00 UTC
    if when is not None and len(value.strip()) > 10 and datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is None:
        raise click.BadParameter(f"{value!r} has no time zone: add Z (UTC) or an offset, e.g. "
                                 f"{when.strftime('%Y-%m-%dT%H:%M:%S')}Z or …+02:00 (a snapshot's time is an "
                                 "instant)", param_hint="--observed-at")
    if when is not None and not allow_future and in_future(when):
        raise click.BadParameter(f"{value} is in the future; a snapshot is recorded when it was observed "
                                 "(pass --allow-future if you mean it)", param_hint="--observed-at")
    return when


future_option = click.option("--allow-future", is_flag=True,
                             help="Accept an --observed-at (and in `load`, a card's fetched_at) later than now (a test, or a clock you trust more).")


def fail(message: str, code: int = EXIT_ERROR):
    echo(f"Error: {message}", err=True)
    sys.exit(code)


def progress(message: str) -> None:
    from modeltrail.flows import progress as shown
    shown.say(message)


#: where the group's own --db (`modeltrail --db X COMMAND`) waits for the command's options
GROUP_DB = "modeltrail.group_db"


def _remember_data_path(ctx, param, value):
    ctx.meta["modeltrail.data_path"] = value
    return value


def _warehouse(ctx, param, value):
    """--db and --data-path as one Warehouse, worked out here once for the whole command: the command's
    own --db, else the group's, else MODELTRAIL_DB, else the default file."""
    given = ctx.get_parameter_source(param.name)
    if given is not click.core.ParameterSource.COMMANDLINE and ctx.meta.get(GROUP_DB):
        value = ctx.meta[GROUP_DB]
    return named_warehouse(value)


def db_option(f):
    """--db (a DuckDB file, or a DuckLake) and --data-path (a DuckLake's data folder), given to the command
    as one `warehouse` (a db.Warehouse)."""
    f = click.option("--db", "warehouse", envvar="MODELTRAIL_DB", default=DEFAULT_DB, show_default=True,
                     callback=_warehouse, metavar="TEXT",
                     help="Warehouse: a DuckDB file, or ducklake:postgres://USER@HOST:PORT/DBNAME "
                          "(or MODELTRAIL_DB).")(f)
    return click.option("--data-path", envvar="MODELTRAIL_DATA_PATH", expose_value=False, is_eager=True,
                        callback=_remember_data_path, metavar="DIR",
                        help="A DuckLake warehouse's data folder (or MODELTRAIL_DATA_PATH); needed to "
                             "create one, read from its catalog after that.")(f)


def named_warehouse(name: str):
    """The warehouse `name` names (the command's --db, or another: `migrate --to`), with the command's
    --data-path; a name that cannot be one is a one-line error."""
    from modeltrail.warehouse import db
    try:
        return db.Warehouse.at(name, click.get_current_context().meta.get("modeltrail.data_path"))
    except db.WarehouseError as exc:
        fail(str(exc))


def reader_if_any(warehouse):
    """A reader, or None when there is no warehouse yet (one open, also for a DuckLake's catalog)."""
    from modeltrail.warehouse import db
    try:
        return warehouse.read(busy_wait=3)
    except db.NoWarehouse:
        return None
    except db.WarehouseError as exc:
        fail(str(exc))


def _finite(ctx, param, value):
    if value is not None and value != value:  # NaN passes every range check
        raise click.BadParameter("not a number", param_hint=param.opts[0])
    return value


#: a week: longer than any run, short of what a clock can count
MAX_WAIT = 7 * 24 * 3600
wait_option = click.option("--wait", "wait", type=click.FloatRange(0, MAX_WAIT), default=900, show_default=True,
                           metavar="SECONDS", callback=_finite,
                           help="How long to wait for another writer (a running refresh) to finish.")
format_option = click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table",
                             show_default=True, help="Output format.")


def reader(warehouse):
    from modeltrail.warehouse import db
    try:  # a refresh's load is short: wait a moment for it before saying who holds the warehouse
        return warehouse.read(busy_wait=3)
    except db.NoWarehouse as exc:  # a mistyped --db: said, nothing created (a usage error)
        fail(str(exc), EXIT_USAGE)
    except db.WarehouseError as exc:
        fail(str(exc))


@contextlib.contextmanager
def writer(warehouse, command: str, wait: float = 0):
    """The warehouse open for writing, under its writer lock (waiting up to `wait` seconds for it)."""
    from modeltrail.warehouse import db
    try:
        with warehouse.writing(wait=wait, on_wait=progress, command=command) as con:
            yield con
    except db.WarehouseError as exc:
        fail(str(exc))


#: rows fetched from DuckDB at a time when output streams
CHUNK = 5_000


def show(con, query: str, params=None, fmt: str = "table", limit: int = 0) -> int:
    """Run a query and print its rows. limit > 0: at most that many (said on stderr when cut). A table
    needs every row to size its columns; csv and json stream in chunks, so memory stays flat."""
    import duckdb
    try:
        cur = con.execute(query, params or [])
        cols = [d[0] for d in cur.description] if cur.description else []
        if fmt == "table" or not cols:
            rows = (cur.fetchmany(limit + 1) if limit else cur.fetchall()) if cols else []
            cut = bool(limit) and len(rows) > limit
            output.render(cols, rows[:limit] if cut else rows, fmt)
            n = min(len(rows), limit) if limit else len(rows)
        else:
            output.render(cols, [], fmt)  # the header
            n, cut = 0, False
            while rows := cur.fetchmany(CHUNK if not limit else min(CHUNK, limit + 1 - n)):
                if limit and n + len(rows) > limit:
                    rows, cut = rows[: limit - n], True
                output.render(cols, rows, fmt, header=False)
                n += len(rows)
                if cut:
                    break
    except duckdb.Error as exc:
        fail(str(exc).splitlines()[0])
    if cut:
        progress(f"(the first {limit:,} rows; --limit 0 for all)")
    return n


def resolve_model(con, name: str) -> str:
    """One lookup for every command: a canonical id, with or without its vendor, a source's id or any alias,
    in any case, or as any catalog writes it ("o3 Mini", "openai/O3-MINI", "o3-mini-2025-01-31",
    "claude-sonnet-4.5", "claude-sonnet-4-5") -> the canonical id (or the source id of an unmatched
    model). Several meanings are listed, not guessed; a name nothing here is known by is a usage error
    naming the closest known names."""
    from modeltrail.pipelines.identity import alias_key, resolve_offering
    from modeltrail.warehouse import db
    found = [r[0] for r in db.run_sql(con, db.query("model_candidates", IDENTITY_SQL),
                                       {"name": name, "key": alias_key(name)[0],
                                        "read": resolve_offering(name)[0]}).fetchall() if r[0]]
    if len(found) > 1:
        raise click.BadParameter(f"{name!r} could mean {terminal_safe(', '.join(sorted(found)))}: say which",
                                 param_hint="MODEL")
    if not found:
        known = [r[0] for r in con.execute(db.query("known_names", IDENTITY_SQL)).fetchall() if r[0]]
        fail(f"no model {name}{did_you_mean(name, known)}", EXIT_USAGE)
    return found[0]
