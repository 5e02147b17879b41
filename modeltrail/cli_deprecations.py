"""`modeltrail deprecations`: upcoming model shutdowns (the vendor's word first, every catalog's next to
it), as a table, csv, json, an iCalendar or an RSS feed of lifecycle changes; and `--check PATH...`, a
CI guard that finds the model ids a code base names. Registered on the `modeltrail` group by cli.py."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from modeltrail import output
from modeltrail.cliutil import db_option, fail, progress, reader

FORMATS = (*output.FORMATS, "ics", "rss")
#: lifecycle changes an RSS feed holds
RSS_ITEMS = 500
EXIT_FLAGGED = 1
SQL = "lifecycle.sql"


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--within", metavar="DAYS", help="Only shutdowns within this many days from today (90d, 12w, 90); "
                                               "with --check, what fails the check [default: 90d].")
@click.option("--vendor", help="Only this vendor's models (openai, anthropic, google, …; any case).")
@click.option("--past", is_flag=True, help="Shutdowns before today too (models already retired).")
@click.option("--check", is_flag=True, help="Scan PATH... (files, folders) for model ids the warehouse knows and "
                                            "list each reference; exit 1 if one is retired or retires within "
                                            "--within.")
@click.option("--today", "today_", metavar="DATE", help="The day to count from (YYYY-MM-DD; or MODELTRAIL_TODAY). "
                                                        "Default: today (UTC).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format: a table, csv, json; ics (an iCalendar of the shutdowns); rss (an RSS 2.0 "
                   "feed of lifecycle changes).")
@db_option
def deprecations(paths, within, vendor, past, check, today_, fmt, warehouse):
    """Upcoming model shutdowns, soonest first: per model (and dated snapshot) the shutdown date, status
    and replacement its vendor's lifecycle page states, and next to it what each catalog states.

    A date stated to the month ("2026-08") counts from its first to its last day. `--format ics` writes
    an iCalendar (an all-day event per shutdown); `--format rss` an RSS feed of lifecycle changes (a
    date set or moved, a status changed).

    `--check PATH...` is a CI guard: it lists every model id the files name (file:line, id, status,
    shutdown, replacement) and exits 1 when one is retired or retires within --within (default 90
    days), 0 otherwise."""
    from modeltrail import shutdowns
    try:
        days = shutdowns.parse_within(within) if within is not None else None
    except shutdowns.WindowError as exc:
        raise click.BadParameter(str(exc), param_hint="--within")
    try:
        today = shutdowns.today(today_)
    except shutdowns.WindowError as exc:
        raise click.BadParameter(str(exc), param_hint="--today")
    if check:
        if not paths:
            raise click.UsageError("--check needs the files or folders to scan: modeltrail deprecations --check src/")
        if fmt in ("ics", "rss"):
            raise click.BadParameter("--check lists references: table, csv or json", param_hint="--format")
        sys.exit(_check(warehouse, list(paths), 90 if days is None else days, today, fmt))
    if paths:
        raise click.UsageError(f"got PATH {paths[0]} without --check (scan files with --check PATH...)")
    con = reader(warehouse)
    now = datetime.now(timezone.utc)
    if fmt == "rss":
        from modeltrail import feeds
        changes = shutdowns.lifecycle_changes(con, vendor, RSS_ITEMS)
        title = "Model lifecycle changes" + (f": {vendor}" if vendor else "")
        link = next((c["url"] for c in changes if str(c.get("url") or "").startswith(("http://", "https://"))),
                    None) or _warehouse_link(warehouse)
        _write(feeds.rss(changes, title, link, now))
        return
    window = shutdowns.Window(today, days, past)
    cols, rows = shutdowns.listing(con, window, vendor)
    if fmt == "ics":
        from modeltrail import feeds
        _write(feeds.ics(shutdowns.as_dicts(cols, rows), now))
        return
    output.render(cols, rows, fmt)
    if not rows and fmt == "table":
        progress("no stated shutdown" + (f" of {vendor}" if vendor else "")
                 + (f" within {days} days" if days is not None else " from today on"))


def _warehouse_link(warehouse) -> str:
    return warehouse.path.resolve().as_uri() if warehouse.path is not None else "urn:modeltrail:warehouse"


def _write(text: str) -> None:
    """A document on stdout, byte for byte (an iCalendar's CRLF line ends are kept on every platform)."""
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        sys.exit(0)


def _check(warehouse, paths: list[Path], within: int, today, fmt: str) -> int:
    from modeltrail import refcheck
    from modeltrail.warehouse import db
    con = reader(warehouse)
    cur = db.run_sql(con, db.query("known_ids", SQL), {})
    cols = [d[0] for d in cur.description]
    index = refcheck.Index([dict(zip(cols, r)) for r in cur.fetchall()])
    if not index.ids:
        fail("the warehouse knows no model ids yet: run `modeltrail refresh` first")
    notes: list[str] = []
    hits = refcheck.scan(index, paths, notes)
    rows, flagged = [], 0
    for h in hits:
        stated, said_by = h.facts.shutdown
        verdict = h.facts.verdict(today, within)
        flagged += verdict.startswith(("retired", "retires"))
        rows.append([f"{h.path}:{h.line}", h.text, h.facts.model_id, h.facts.snapshot, h.facts.status, stated,
                     said_by, h.facts.replacement, verdict])
    output.render(["where", "id", "model_id", "snapshot", "status", "shutdown", "shutdown_source", "replacement",
                   "verdict"], rows, fmt)
    for note in notes:
        progress(f"deprecations --check: {note}")
    click.echo(f"{len(hits)} reference(s) to known models; {flagged} retired or retiring within {within} days "
               f"of {today.isoformat()}", err=True)
    return EXIT_FLAGGED if flagged else 0
