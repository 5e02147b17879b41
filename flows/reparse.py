"""Re-parse archived pages with today's parsers and rebuild a source's history, without a request.

Runs are replayed in time order with their original run ids and observed_at, so a version that the
parser change does not touch comes back identical (same values, same valid_from/valid_to), and running
it twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from modeltrail.spiders import gitarchive
from modeltrail.flows import collector, snapshot, steps
from modeltrail.pipelines.handover import GitSource
from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.parsers.base import sha256
from modeltrail.pipelines.parsing import is_catalog
from modeltrail.warehouse import db

HISTORY = ("model_cards_history", "prices_history", "benchmarks_history", "providers_history")


SQL = "reparse.sql"
#: the removal setting of a run that recorded none (as `refresh --removal-runs`' default)
DEFAULT_REMOVAL_RUNS = 2


def truncate(con, source: str, since: datetime | None) -> None:
    """Forget what a source's history learnt at or after `since` (everything, when None)."""
    if since is None:
        db.run_script(con, SQL, "forget_all", {"source": source})
    else:
        db.run_script(con, SQL, "forget_since", {"source": source, "since": since})


def runs_to_replay(con, source: str, since: datetime | None) -> list[tuple[int, datetime, int | None]]:
    return con.execute(db.query("runs_to_replay", SQL), {"source": source, "since": since}).fetchall()


def archived_pages(con, run_id: int, source: str) -> list[PageRecord]:
    rows = con.execute(db.query("archived_pages", SQL), {"run_id": run_id, "source": source}).fetchall()
    pages = []
    for u, t, s, k, h, ct, e, via, repo, commit, path, blob in rows:
        where = GitSource(repo, commit, path, blob) if repo else None
        if h is None:
            body = None
        elif ct is None and where is not None:  # not in the archive: backfill-git left it in git
            body = _from_git(where, h, run_id)
            ct = _content_type(path)
        else:
            body = db.body_of(con, h)
        pages.append(PageRecord(url=u, fetched_at=t, status=s, page_kind=k, sha256=h, content_type=ct, body=body,
                                error=e, via=via, git=where))
    return pages


def _from_git(where: GitSource, digest: str, run_id: int) -> bytes:
    try:
        body = gitarchive.read_blob(Path(where.repo), where.blob)
    except gitarchive.BackfillError as exc:
        raise db.WarehouseError(f"run {run_id} was read from git ({where.repo}, commit {where.commit[:12]}, "
                                f"{where.path}) and that blob cannot be read any more ({exc})") from None
    if sha256(body) != digest:
        raise db.WarehouseError(f"blob {where.blob[:12]} in {where.repo} does not hash to what run {run_id} read")
    return body


def _content_type(path: str) -> str | None:
    from modeltrail.flows.backfill import _CONTENT_TYPES
    return _CONTENT_TYPES.get(Path(path).suffix.lower())


def check_git(con, source: str, since: datetime | None = None) -> None:
    """Refuse (nothing changed) when pages to re-parse were left in git repositories (backfill-git) that
    are gone or lack the blobs: forgetting the history first would lose what they gave."""
    for repo, blobs, run_id, commit, path in con.execute(
            db.query("git_blobs_to_read", SQL), {"source": source, "since": since}).fetchall():
        why = None
        if not Path(repo).is_dir():
            why = "that repository is not there any more"
        else:
            try:
                missing = [b for b, size in gitarchive.blob_sizes(Path(repo), set(blobs)).items() if size is None]
            except gitarchive.BackfillError as exc:
                missing, why = [], str(exc)
            if missing:
                why = f"{len(missing)} of its {len(blobs)} blobs are not in it"
        if why:
            raise db.WarehouseError(
                f"{source}: run {run_id} and later were backfilled from git ({repo}, commit {commit[:12]}, {path}) and "
                f"re-parse reads their files from there: {why}; clone it back to {repo} (or re-parse with --since "
                "after those runs); nothing was changed")


def check(con, source: str, since: datetime | None = None) -> None:
    """Refuse (nothing changed) when a run in the window brought a source's cards without archived pages
    (`modeltrail load`): forgetting the history and replaying the archive would lose what they loaded."""
    lost = con.execute(db.query("runs_not_replayable", SQL), {"source": source, "since": since}).fetchall()
    if lost:
        last = lost[-1][2]
        shown = ", ".join(str(r) for r, _, _ in lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
        raise db.WarehouseError(
            f"{source}: run(s) {shown} loaded cards without fetching pages ({lost[0][1]}): the archive cannot "
            f"rebuild them, so reparse would lose them; nothing was changed. Re-parse what came after them "
            f"with --since (later than {last.isoformat()})")
    check_git(con, source, since)


def reparse(con, source: str, since: datetime | None = None, removal_runs: int | None = None,
            progress=None) -> dict:
    """Rebuild one source's history from the archive, in one transaction (an interrupted reparse leaves
    the source as it was). Each run is loaded with the removal setting it was loaded with (removal_runs
    given: that one instead; a run that recorded none: DEFAULT_REMOVAL_RUNS). Returns counts of what
    changed. (See `check`.)"""
    check(con, source, since)
    before = _snapshot(con, source)
    runs = runs_to_replay(con, source, since)
    catalog = is_catalog(source)
    with db.transaction(con):
        truncate(con, source, since)
        db.run_script(con, SQL, "forget_run_verdicts", {"source": source, "runs": [r for r, _, _ in runs]})
        for n, (run_id, observed_at, recorded) in enumerate(runs, 1):
            pages = archived_pages(con, run_id, source)
            out = steps.ArchivedPages(source, pages)
            with collector.kept(catalog):  # (flows/collector.py)
                load = steps.build_load(source, out, steps.last_complete_run(con, source))
            setting = removal_runs or recorded or DEFAULT_REMOVAL_RUNS
            snapshot.Run.again(run_id, observed_at).record(con, load, removal_runs=setting, archive=False)
            if progress:  # progress(done, total, note)
                progress(n, len(runs), f"run {run_id}: {load.status}, {len(load.cards)} cards")
    db.remap(con)
    after = _snapshot(con, source)
    return {"runs": len(runs), "versions_before": len(before), "versions_after": len(after),
            "rows_changed": len(before ^ after)}


def _snapshot(con, source: str) -> set:
    return set(con.execute(db.query("history_of_source", SQL), {"source": source}).fetchall())
