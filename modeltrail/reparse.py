"""Re-parse archived pages with today's parsers and rebuild a source's history, without a request.

Runs are replayed in time order with their original run ids and observed_at, so a version that the
parser change does not touch comes back identical (same values, same valid_from/valid_to), and running
it twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from . import refresh as steps
from .warehouse import db
from .handover import PageRecord

HISTORY = ("model_cards_history", "prices_history", "benchmarks_history")


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
    return [PageRecord(url=u, fetched_at=t, status=s, page_kind=k, sha256=h, content_type=ct,
                       body=db.body_of(con, h) if h else None, error=e, via=via)
            for u, t, s, k, h, ct, e, via in rows]


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


def reparse(con, source: str, since: datetime | None = None, removal_runs: int | None = None,
            progress=None) -> dict:
    """Rebuild one source's history from the archive, in one transaction (an interrupted reparse leaves
    the source as it was). Each run is loaded with the removal setting it was loaded with (removal_runs
    given: that one instead; a run that recorded none: DEFAULT_REMOVAL_RUNS). Returns counts of what
    changed. (See `check`.)"""
    check(con, source, since)
    before = _snapshot(con, source)
    runs = runs_to_replay(con, source, since)
    with db.transaction(con):
        truncate(con, source, since)
        db.run_script(con, SQL, "forget_run_verdicts", {"source": source, "runs": [r for r, _, _ in runs]})
        for n, (run_id, observed_at, recorded) in enumerate(runs, 1):
            pages = archived_pages(con, run_id, source)
            out = steps.ArchivedPages(source, pages)
            load = steps.build_load(source, out, steps.last_complete_run(con, source))
            setting = removal_runs or recorded or DEFAULT_REMOVAL_RUNS
            db.load_source(con, run_id, observed_at, load, removal_runs=setting, archive=False)
            if progress:  # progress(done, total, note)
                progress(n, len(runs), f"run {run_id}: {load.status}, {len(load.cards)} cards")
    db.remap(con)
    after = _snapshot(con, source)
    return {"runs": len(runs), "versions_before": len(before), "versions_after": len(after),
            "rows_changed": len(before ^ after)}


def _snapshot(con, source: str) -> set:
    return set(con.execute(db.query("history_of_source", SQL), {"source": source}).fetchall())
