"""Commands that bring history in from elsewhere: `load` (a file of cards) and `backfill-git` (the git
history of a file). Registered on the `modeltrail` group by cli.py."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from .output import echo

from .cliutil import (CLOCK_SKEW, EXIT_INCOMPLETE, SOURCE_NAMES, check_sources, db_option, fail, future_option,
                      observation_time, parse_time, progress, wait_option, writer)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--source", help="The source the cards are of (default: the cards' own `source`): "
                               + ", ".join(SOURCE_NAMES) + ".")
@click.option("--observed-at", required=True, help="ISO 8601 time the snapshot stands for, with Z or an offset "
                                                   "(2026-01-01T06:00:00Z; a bare date is 00:00 UTC).")
@click.option("--removal-runs", type=click.IntRange(1), default=2, show_default=True,
              help="Consecutive complete runs a model must be missing from to count as removed.")
@future_option
@wait_option
@db_option
def load(file, source, observed_at, removal_runs, allow_future, wait, db_file):
    """Load cards from a JSON-lines FILE (`-`: stdin) as one snapshot of one source.

    Each line is a card as `modeltrail parse` prints it. Every line is checked first: a bad line is
    named (file:line and field) and nothing is loaded. The snapshot goes through the same verdict and
    merge as a crawl, in one transaction."""
    from . import load as loader
    from . import snapshot
    from .warehouse import db
    if source is not None:
        check_sources([source], "--source")
    when = observation_time(observed_at, allow_future)
    name = "stdin" if file == "-" else file
    latest = None if allow_future else datetime.now(timezone.utc) + CLOCK_SKEW
    try:
        if file == "-":
            src, cards = loader.read_cards(sys.stdin, name, source, latest)
        else:
            with open(file, encoding="utf-8") as fh:
                src, cards = loader.read_cards(fh, name, source, latest)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    except UnicodeDecodeError as exc:
        fail(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start}); nothing was loaded")
    except loader.LoadError as exc:
        fail(str(exc))
    from . import refresh as steps
    with writer(db_file, "load", wait) as con:
        try:
            snap = loader.source_load(src, cards, steps.last_complete_run(con, src))
            run_id, result = snapshot.record(con, snap, when, "load", f"load:{name}", removal_runs)
            db.remap(con)
        except db.WarehouseError as exc:
            fail(str(exc))
    echo(f"run {run_id}: {src} {result.status}, {len(snap.cards)} cards, {result.versions_added} new "
               f"versions, {result.versions_closed} closed, {result.removed} removed"
               + (f" ({'; '.join(snap.reasons)})" if snap.reasons else ""))
    sys.exit(0 if result.status == "complete" else EXIT_INCOMPLETE)


@click.command("backfill-git")
@click.argument("repo", type=click.Path(file_okay=False))
@click.argument("path")
@click.option("--source", required=True, help="Whose parser reads the file: " + ", ".join(SOURCE_NAMES) + ".")
@click.option("--url", help="The live url the file is a copy of (default: the source's start url).")
@click.option("--since", help="Only commits at or after this ISO 8601 time.")
@click.option("--removal-runs", type=click.IntRange(1), default=2, show_default=True,
              help="Consecutive complete runs a model must be missing from to count as removed.")
@wait_option
@db_option
def backfill_git(repo, path, source, url, since, removal_runs, wait, db_file):
    """Replay the git history of PATH in REPO as dated snapshots of a source.

    Every commit that changed PATH, oldest first, becomes one snapshot observed at the commit's
    committer time, read by the source's own parser (e.g. a repository that commits OpenRouter's
    model list every day). Running it again adds nothing; a commit whose file does not parse is
    recorded as a failed run of its date."""
    from . import backfill as bf
    from . import progress as shown
    from .warehouse import db
    check_sources([source], "--source")
    when = parse_time(since, "--since")
    counts: dict[str, int] = {}
    with writer(db_file, "backfill-git", wait) as con, contextlib.ExitStack() as stack:
        bars = []

        def started(total: int, done: int) -> None:
            progress(f"backfill-git: {total} commits change {path}" + (f", {done} already loaded" if done else ""))
            bars.append(stack.enter_context(shown.steps("snapshots", total)))
        try:
            for step in bf.backfill(con, Path(repo), path, source, url=url, since=when,
                                    removal_runs=removal_runs, on_start=started):
                counts[step.status] = counts.get(step.status, 0) + 1
                bars[0](f"{step.commit.committed_at:%Y-%m-%d} {step.status}")
        except (bf.BackfillError, db.WarehouseError) as exc:
            fail(str(exc))
    loaded = sum(n for k, n in counts.items() if k != "skipped")
    echo(f"{source}: {loaded} snapshots loaded from {path}"
               + "".join(f", {n} {k}" for k, n in sorted(counts.items())))
    sys.exit(EXIT_INCOMPLETE if counts.get("failed") or counts.get("partial") else 0)
