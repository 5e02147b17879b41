"""Commands that bring history in from elsewhere: `load` (a file of cards) and `backfill-git` (the git
history of a file). Registered on the `modeltrail` group by cli.py."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from modeltrail import interrupts
from modeltrail.output import echo
from modeltrail.cliutil import (EXIT_INCOMPLETE, EXIT_INTERRUPTED, SOURCE_NAMES, check_sources, db_option, fail, future_option,
                      observation_time, parse_time, progress, wait_option, writer)
from modeltrail.flows.progress import rates


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
def load(file, source, observed_at, removal_runs, allow_future, wait, warehouse):
    """Load cards from a JSON-lines FILE (`-`: stdin) as one snapshot of one source.

    Each line is a card as `modeltrail parse` prints it. Every line is checked first: a bad line is
    named (file:line and field) and nothing is loaded. The snapshot goes through the same verdict and
    merge as a crawl, in one transaction."""
    from modeltrail.flows import load as loader
    from modeltrail.flows import snapshot
    from modeltrail.warehouse import db
    if source is not None:
        check_sources([source], "--source")
    when = observation_time(observed_at, allow_future)
    name = "stdin" if file == "-" else file
    latest = None if allow_future else datetime.now(timezone.utc) + snapshot.CLOCK_SKEW
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
    from modeltrail.flows import steps
    with writer(warehouse, "load", wait) as con:
        try:
            snap = loader.source_load(src, cards, steps.last_complete_run(con, src))
            run_id, result = snapshot.record(con, snap, when, "load", f"load:{name}", removal_runs)
        except db.WarehouseError as exc:
            fail(str(exc))
    echo(f"run {run_id}: {src} {result.status}, {len(snap.cards)} cards, {result.versions_added} new "
               f"versions, {result.versions_closed} closed, {result.removed} removed"
               + (f" ({'; '.join(snap.reasons)})" if snap.reasons else ""))
    sys.exit(0 if result.status == "complete" else EXIT_INCOMPLETE)


@click.command("backfill-git")
@click.argument("repo", type=click.Path(file_okay=False))
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--source", required=True, help="Whose parser reads the file: " + ", ".join(SOURCE_NAMES) + ".")
@click.option("--url", help="The live url the file is a copy of (default: the source's start url).")
@click.option("--since", help="Only commits at or after this ISO 8601 time.")
@click.option("--removal-runs", type=click.IntRange(1), default=3, show_default=True,
              help="Consecutive complete runs (commits) a model must be missing from to count as removed. "
                   "3 for a catalog archive, whose keys vanish for a commit or two and come back.")
@click.option("--allow-future", is_flag=True,
              help="Load commits dated later than now (a test, or a clock you trust more).")
@wait_option
@db_option
def backfill_git(repo, paths, source, url, since, removal_runs, allow_future, wait, warehouse):
    """Replay the git history of a catalog file in REPO as dated snapshots of a source.

    PATH is the file in the repository; several PATHs, or a quoted git pathspec glob
    ('priv/upstream/models-dev-*.json'; `*` matches across `/`), make one history of a file that moved
    or was renamed: each commit of the branch's first-parent line that changed a matching file is one
    snapshot of the matching file it changed, observed at its committer time, oldest first, read by
    the source's own parser.

    A commit whose blob equals the one before is skipped unread; a blob this clone lacks (partial
    clone, LFS pointer) is skipped and listed; one larger than MODELTRAIL_MAX_PAGE_BYTES is a failed
    run, unread. A commit dated in the future is refused (--allow-future). Bodies stay in git: each
    run records the repository, commit, path and blob (table git_fetches). Ctrl-C stops after the
    commit being loaded (exit 130); running the same command again continues after the last commit
    loaded, and adds nothing once all are."""
    from modeltrail.flows import backfill as bf
    from modeltrail.warehouse import db
    check_sources([source], "--source")
    when = parse_time(since, "--since")
    counts: dict[str, int] = {}
    skipped: list[str] = []
    stopping = interrupts.Deferred()
    with writer(warehouse, "backfill-git", wait) as con, contextlib.ExitStack() as stack:
        advance = []

        def started(total: int, done: int) -> None:
            progress(f"backfill-git: {total} commits change {' '.join(paths)}"
                     + (f", {done} loaded already (continuing after them)" if done else ""))
            advance.append(stack.enter_context(rates("commits", total)))
        try:
            with stopping:
                for step in bf.backfill(con, Path(repo), list(paths), source, url=url, since=when,
                                        removal_runs=removal_runs, allow_future=allow_future, on_start=started,
                                        stop=stopping.requested):
                    counts[step.status] = counts.get(step.status, 0) + 1
                    if step.status in ("unreadable", "deleted"):
                        skipped.append(f"{step.commit.sha[:12]} {step.commit.committed_at:%Y-%m-%d} {step.reason}")
                    advance[0](step.commit.committed_at, step.status, counted=step.status != "already loaded")
        except (bf.BackfillError, db.WarehouseError) as exc:
            if not stopping.hit:  # (Ctrl-C also stops a git command under way: that is no error)
                fail(str(exc))
        except KeyboardInterrupt:  # outside a load (reading git): nothing half-written
            stopping.hit = True
    loaded = sum(n for k, n in counts.items() if k in ("complete", "partial", "failed"))
    for line in skipped[:SKIPPED_SHOWN]:
        echo(f"skipped {line}")
    if len(skipped) > SKIPPED_SHOWN:
        echo(f"skipped {len(skipped) - SKIPPED_SHOWN} more commits")
    summary = (f"{source}: {loaded} snapshots loaded from {' '.join(paths)}"
               + "".join(f", {n} {k}" for k, n in sorted(counts.items())))
    if stopping.hit:
        echo(f"backfill-git: interrupted; {summary} (every loaded snapshot is kept: run the same command "
             "again to continue)", err=True)
        sys.exit(EXIT_INTERRUPTED)
    echo(summary)
    sys.exit(EXIT_INCOMPLETE if counts.get("failed") or counts.get("partial") else 0)


#: skipped commits listed one a line
SKIPPED_SHOWN = 20
