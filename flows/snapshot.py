"""Record one snapshot of one source that did not come from a crawl (a file of cards, a commit of an
archive) through the same verdict and merge as a crawl: time order checked, one run, one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from modeltrail.flows import steps
from modeltrail.warehouse import db
from modeltrail.pipelines.handover import LoadResult


#: how far ahead of this machine's clock an observation may be (clock skew between machines)
from modeltrail.pipelines.handover import SourceLoad
CLOCK_SKEW = timedelta(minutes=5)


def in_future(when: datetime) -> bool:
    """An observation time later than now (beyond clock skew): refused unless the user insists (a
    snapshot from 2030 would make every later refresh look out of order)."""
    return when > datetime.now(timezone.utc) + CLOCK_SKEW


def record(con, load: SourceLoad, observed_at: datetime, kind: str, tag: str | None,
           removal_runs: int = 2) -> tuple[int, LoadResult]:
    """Start a run, load the source's snapshot into history, finish the run. Returns (run id, result).
    Raises db.WarehouseError when the snapshot is older than what the source's history holds."""
    db.check_time_order(con, load.source, observed_at)
    run_id = db.start_run(con, kind, observed_at, replay=tag)
    result = db.load_source(con, run_id, observed_at, load, removal_runs=removal_runs)
    db.finish_run(con, run_id, result.status, steps.summarize(con, run_id))
    return run_id, result
