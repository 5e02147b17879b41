"""modeltrail: scrape AI model cards and keep every change in a DuckDB warehouse.

Exit codes: 0 success; 1 an error (bad input, unreadable file, warehouse busy or missing);
2 a usage error; 3 a refresh that ran and was recorded, but with a source not complete.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from modeltrail.output import echo, json_safe
from modeltrail.cliutil import (EXIT_INCOMPLETE, SOURCE_NAMES, check_sources, db_option, fail, format_option, parse_time,
                      future_option, GROUP_DB, observation_time, progress, reader, replay_location, show, source_not_folder,
                      wait_option, writer)
from modeltrail.pipelines.sources import SOURCES

RUN_RESULTS_SQL, STATUS_SQL = "run_results.sql", "status.sql"


class Group(click.Group):
    """Ctrl-C in any command: one line on stderr, exit 130 (what was written is whole: every write is a
    transaction; `refresh` stops its crawls and records its run: modeltrail/stopping.py)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            from modeltrail.flows.stopping import EXIT_INTERRUPTED
            click.echo("interrupted (Ctrl-C): stopped; nothing half-written", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="modeltrail")
@click.option("--db", "db_file", default=None, metavar="PATH", expose_value=True,
              help="Warehouse for the command (before MODELTRAIL_DB); a command's own --db wins.")
@click.option("-q", "--quiet", is_flag=True, help="No progress: only results and errors.")
@click.option("-v", "--verbose", is_flag=True, help="More detail: a line per step, and Prefect's logs.")
@click.pass_context
def main(ctx, db_file, quiet, verbose):
    """Scrape AI model cards, normalize them, and keep every change in a DuckDB warehouse.

    Long work shows its progress on stderr when that is a terminal (nothing when it is not)."""
    from modeltrail.flows import progress as shown
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other")
    shown.level = -1 if quiet else 1 if verbose else 0
    ctx.meta[GROUP_DB] = db_file  # the command's --db option reads it (cliutil.db_option)


# --- crawling ----------------------------------------------------------------------------------------

@main.command()
@click.argument("sources", nargs=-1)
@click.option("--replay", "replay", is_flag=False, flag_value="__bundled__", default=None, metavar="[DIR|URL]",
              help="Crawl captures instead of the live sites: the bundled captures/ (no value), a folder "
                   "laid out as <host>/<path>, or a http://127.0.0.1:PORT server of that layout.")
@click.option("--observed-at", help="Record the snapshot at this ISO 8601 time, with Z or an offset "
                                   "(2026-01-01T06:00:00Z; a bare date is 00:00 UTC) (backfills). Default: now.")
@click.option("--removal-runs", type=click.IntRange(1), default=2, show_default=True,
              help="Consecutive complete runs a model must be missing from to count as removed.")
@click.option("--retries", type=click.IntRange(0), default=None,
              help="Crawl retries on network failure (default 2 live, 0 for replays).")
@future_option
@wait_option
@db_option
def refresh(sources, replay, observed_at, removal_runs, retries, allow_future, wait, warehouse):
    """Crawl SOURCES (default: all) and load what they show into the warehouse."""
    sources, replay = source_not_folder(sources, replay)
    check_sources(sources, "SOURCES")
    replay = replay_location(replay)
    when = observation_time(observed_at, allow_future)
    if retries is None and replay is not None:
        retries = 0
    from modeltrail.warehouse import db
    names = list(sources) or list(SOURCES)
    # Fail fast, before Prefect starts: a busy or unwritable warehouse. The flow takes the writer lock
    # again for the run (and waits again, should another writer slip in between), and refuses a snapshot
    # older than what history holds (flows/snapshot.py: Run.start), said below in one line.
    try:
        with warehouse.writing(wait=wait, on_wait=progress, sources=names, command="refresh (checks)"):
            pass
    except db.WarehouseError as exc:
        fail(str(exc))
    progress(f"refresh: crawling {', '.join(names)}" + (f" from {replay}" if replay else " (live)"))
    # A source that fails is an expected outcome, reported below in one line per source: Prefect's own
    # run loggers would print it again as a traceback. (Set these variables to see Prefect's logs.)
    from modeltrail.flows import progress as shown
    if shown.level < 1:  # (-v shows them)
        os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", "CRITICAL")
    if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
        # a one-off refresh without a server keeps Prefect's records beside its warehouse, not in ~/.prefect
        # (a scheduled one records on the server it runs on); for a DuckLake, in the working directory
        path = warehouse.path.resolve() if warehouse.path is not None else Path.cwd() / "ducklake"
        os.environ["PREFECT_HOME"] = str(path.parent / f".{path.name}.prefect")
    if warehouse.location.password:  # the flow run's parameters (kept in Prefect's records) never hold it
        os.environ["PGPASSWORD"] = warehouse.location.password
    from modeltrail.flows import head_start, stopping
    stopping.enable()  # Ctrl-C / SIGTERM: stop at once, the run recorded as interrupted (stopping.py)
    try:
        # a replay's first crawls run on the other core while this one imports and starts Prefect
        with head_start.crawls(names, replay), shown.crawls(names):
            from modeltrail.flows.local_api import local_api, startup_imports
            with startup_imports():  # Prefect, and its server when it is served here: ~1.2 s of CPU less
                from modeltrail.flows.refresh import refresh_flow
            with local_api():
                state = refresh_flow(sources=names, replay=replay, **warehouse.parameters(),
                                     observed_at=when.isoformat() if when else None, removal_runs=removal_runs,
                                     retries=retries, lock_wait=wait, return_state=True)
    except db.WarehouseError as exc:
        fail(str(exc))
    con = reader(warehouse)
    flow_run_id = str(state.state_details.flow_run_id) if state.state_details.flow_run_id else None
    run = con.execute(db.query("run_of_flow", RUN_RESULTS_SQL), {"flow_run_id": flow_run_id}).fetchone()
    if run is None or run[1] is None:
        refused = state.result(raise_on_failure=False) if state.is_failed() else None
        if isinstance(refused, db.WarehouseError):  # (busy, out of order: the flow's refusal, in its words)
            fail(str(refused))
        fail(f"the refresh did not finish ({state.type.value.lower()}): {state.message}")
    echo(f"run {run[0]}: {run[1]}")
    for line in (run[2] or "").splitlines():
        echo(f"  {line}")
    changed = con.execute(db.query("run_changes", RUN_RESULTS_SQL), {"run_id": run[0], "limit": None}).fetchall()
    if changed:
        echo(f"changes in run {run[0]} ({len(changed)}; all of them: modeltrail changes):")
        for source, model, kind, field, old, new in changed[:25]:
            what = f"{field}: {old or None} -> {new or None}" if kind == "changed" else (field or "")
            echo(f"  {source} {model} {kind} {what}".rstrip())
        if len(changed) > 25:
            echo(f"  … and {len(changed) - 25} more")
    sys.exit(0 if run[1] == "complete" else EXIT_INCOMPLETE)


@main.command()
@click.argument("sources", nargs=-1)
@click.option("--cron", required=True, help='When to run, as a cron expression (e.g. "0 6 * * *": daily 06:00).')
@click.option("--timezone", "tz", default="UTC", show_default=True,
              help="IANA time zone the cron expression is read in (e.g. Europe/Berlin).")
@click.option("--replay", "replay", is_flag=False, flag_value="__bundled__", default=None, metavar="[DIR|URL]",
              help="Schedule replays of captures instead of live crawls (a demo; see refresh --replay).")
@click.option("--name", default="scheduled", show_default=True, help="The Prefect deployment's name.")
@click.option("--removal-runs", type=click.IntRange(1), default=2, show_default=True,
              help="Consecutive complete runs a model must be missing from to count as removed.")
@db_option
def schedule(sources, cron, tz, replay, name, removal_runs, warehouse):
    """Serve a Prefect deployment that refreshes SOURCES (default: all) on a cron schedule.

    Runs until stopped (Ctrl-C), executing each scheduled run in this process. Point it at a Prefect
    server with PREFECT_API_URL (see `prefect server start`) to see runs and their reports in the UI.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from prefect.schedules import Cron

    sources, replay = source_not_folder(sources, replay)
    check_sources(sources, "SOURCES")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{tz!r} is not an IANA time zone (e.g. UTC, Europe/Berlin)",
                                 param_hint="--timezone")
    try:
        when = Cron(cron, timezone=tz)
    except ValueError as exc:
        raise click.BadParameter(f"{cron!r} is not a cron expression (e.g. \"0 6 * * *\"): {exc}",
                                 param_hint="--cron")
    replay = replay_location(replay, absolute=True)  # runs may start in another working directory
    from prefect.settings import get_current_settings
    if not get_current_settings().api.url:  # served on a temporary API, the deployment would never run
        fail("no Prefect server to schedule on: start one (`prefect server start`) and set "
             "PREFECT_API_URL=http://127.0.0.1:4200/api, then run this again")
    from modeltrail.warehouse import db
    # runs may start in another working directory; a DuckLake's password never goes into a deployment's
    # parameters (the runs served here read it from PGPASSWORD, like any libpq client, or ~/.pgpass)
    try:
        if warehouse.location.password:
            os.environ["PGPASSWORD"] = warehouse.location.password
        with warehouse.writing(wait=0, sources=list(sources) or None, command="schedule (checks)"):
            pass  # the warehouse can be created and written here
    except db.WarehouseBusy:
        pass
    except db.WarehouseError as exc:
        fail(str(exc))
    from modeltrail.flows.refresh import refresh_flow
    parameters = {"sources": list(sources) or None, "replay": replay, **warehouse.parameters(),
                  "removal_runs": removal_runs}
    if replay is not None:
        parameters["retries"] = 0
    progress(f"schedule: deployment modeltrail-refresh/{name}, cron {cron!r} in {tz}, warehouse {warehouse.key}"
             + (f", replaying {replay}" if replay else ""))
    try:
        refresh_flow.serve(name=name, schedules=[when], parameters=parameters,
                           limit=1, pause_on_shutdown=True, print_starting_message=True)
    except KeyboardInterrupt:
        progress("schedule: stopped")


@main.command()
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable; default: all).")
@click.option("--since", help="Rebuild only what was learnt at or after this ISO 8601 time.")
@click.option("--removal-runs", type=click.IntRange(1), default=None,
              help="Consecutive complete runs a model must be missing from to count as removed. Default: "
                   "each run's own setting, as it was loaded (2 for runs that recorded none).")
@wait_option
@db_option
def reparse(sources, since, removal_runs, wait, warehouse):
    """Re-parse archived pages with today's parsers and rebuild history, without a request."""
    from modeltrail.flows import reparse as rebuild
    check_sources(sources, "--source")
    when = parse_time(since, "--since")
    from modeltrail.flows import progress as shown
    with writer(warehouse, "reparse", wait) as con:
        for source in sources or SOURCES:  # every source checked before any is rebuilt
            rebuild.check(con, source, when)
        for source in sources or SOURCES:
            with contextlib.ExitStack() as stack:
                bar = []

                def step(done: int, total: int, note: str) -> None:
                    if not bar:
                        bar.append(stack.enter_context(shown.steps(f"reparse {source}", total)))
                    bar[0](note)
                stats = rebuild.reparse(con, source, when, removal_runs=removal_runs, progress=step)
            echo(f"{source}: {stats['runs']} runs re-parsed, {stats['rows_changed']} history rows "
                       f"changed ({stats['versions_before']} -> {stats['versions_after']} versions)")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--source", required=True, help="Which parser: " + ", ".join(SOURCE_NAMES) + ".")
@click.option("--url", help="The page's live url: where the cards say they were published (without it, the "
                             "file's path as a file:// url, which `load` refuses).")
@click.option("--fetched-at", help="ISO 8601 fetch time to stamp on the cards (default: now).")
def parse(file, source, url, fetched_at):
    """Parse one saved page and print its cards, one JSON object per line."""
    check_sources([source], "--source")
    from modeltrail.spiders.crawl import max_page_bytes
    cap = max_page_bytes()
    try:
        if file == "-":
            body = sys.stdin.buffer.read(cap + 1)
        else:
            with open(file, "rb") as fh:
                body = fh.read(cap + 1)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    if len(body) > cap:
        fail(f"{file} is larger than a page may be ({cap:,} bytes, as for a crawl's download; "
             "MODELTRAIL_MAX_PAGE_BYTES): not parsed")
    when = parse_time(fetched_at, "--fetched-at") or datetime.now(timezone.utc)
    if not url:  # parsed as the file (its path may name the page), but never loaded as if published there
        from modeltrail.flows.crawl_run import start_url
        url = Path(file).resolve().as_uri() if file != "-" else "stdin:"
        click.echo(f"note: no --url: the cards' url is {url}, which `modeltrail load` refuses; pass --url with "
                   f"the page's live url (the source's start url is {start_url(source)})", err=True)
    parsed = SOURCES[source].parser.parse(body, url, when)
    for problem in parsed.problems:
        echo(f"warning: {problem}", err=True)
    if not parsed.cards:
        fail(f"no card found in {file} by the {source} parser")
    for card in parsed.cards:
        click.echo(json_safe(card.model_dump_json()))


@main.group(invoke_without_command=True)
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=20, show_default=True, help="How many runs.")
@format_option
@db_option
@click.pass_context
def runs(ctx, limit, fmt, warehouse):
    """Recent runs with each source's verdict (`runs undo RUN_ID` takes one back)."""
    if ctx.invoked_subcommand is not None:
        return
    from modeltrail.warehouse import db
    show(reader(warehouse), db.query("recent_runs", STATUS_SQL), {"n": limit}, fmt)


@runs.command("undo")
@click.argument("run_id", type=click.IntRange(1))
@wait_option
@db_option
def runs_undo(run_id, wait, warehouse):
    """Take back RUN_ID: the versions it added go, what it closed or removed is current again.

    One transaction, recorded as a run of its own; the pages it fetched stay in the archive (so
    `reparse` can rebuild from them). Only the last run of its sources can be undone."""
    from modeltrail.warehouse import db
    with writer(warehouse, "runs undo", wait) as con:
        try:
            undo_id = db.undo_run(con, run_id)
        except db.WarehouseError as exc:
            fail(str(exc))
    echo(f"run {undo_id}: undid run {run_id}")


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory to write into (created if missing).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="File format.")
@click.option("--as-of", help="ISO 8601 instant of the snapshot, or this long ago (30d, 2w) (default: now).")
@click.option("--force", is_flag=True, help="Replace files of the same name in DIR.")
@db_option
def export(out_dir, fmt, as_of, force, warehouse):
    """Write model_cards, prices and benchmarks as of an instant to CSV or Parquet files."""
    from modeltrail import export as exporter
    from modeltrail.warehouse import db
    when = parse_time(as_of, "--as-of") or datetime.now(timezone.utc)
    try:
        with contextlib.closing(warehouse.read(allow_files=True)) as con:
            from modeltrail.flows import progress as shown
            with shown.steps("export", len(exporter.TABLES)) as advance:
                written = exporter.export(con, out_dir, fmt, when, progress=advance, force=force)
    except db.NoWarehouse as exc:
        fail(str(exc), 2)
    except db.WarehouseError as exc:
        fail(str(exc))
    echo(f"exported {len(written)} tables as of {when.isoformat()} to {out_dir}")


from modeltrail.cli_history import backfill_git, load  # noqa: E402 - commands of their own module, on this group
from modeltrail.cli_status import report, sources, status  # noqa: E402
from modeltrail.cli_query import changes, compare, history, lifecycle, sql, unmatched  # noqa: E402
from modeltrail.cli_warehouse import alias, maintain, migrate, remap  # noqa: E402
from modeltrail.cli_identity import identity, models  # noqa: E402
from modeltrail.cli_deprecations import deprecations  # noqa: E402

for command in (load, backfill_git, status, sources, report, migrate, maintain, sql, history, changes, compare, unmatched,
                lifecycle, deprecations, alias, remap, identity, models):
    main.add_command(command)

if __name__ == "__main__":
    main()
