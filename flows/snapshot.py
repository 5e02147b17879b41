"""The one way a snapshot goes into the warehouse, whatever brought it: a crawl (`refresh`), a file of
cards (`load`), a commit of a git archive (`backfill-git`).

    run = Run.start(con, "replay", observed_at, ["openrouter"])   # time order checked, once, here
    run.record(con, load)                                          # the source's snapshot, one transaction
    run.record_all(con, [load, other])                             # several sources', one transaction
    run.finish(con)                                                # verdicts summed up, identity resolved

A run may span several sources (a refresh of every source) and its connection may close between the
steps (a refresh does not hold the warehouse open while it crawls). `reparse` records its rebuilt
snapshots through `Run.again` (the runs exist; their time order is the one they had). `runs undo` is the
inverse of recording and lives beside the merge (warehouse/load.py: undo_run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from modeltrail.flows import steps
from modeltrail.pipelines.handover import LoadResult, SourceLoad
from modeltrail.warehouse import db

#: how far ahead of this machine's clock an observation may be (clock skew between machines)
CLOCK_SKEW = timedelta(minutes=5)


def in_future(when: datetime) -> bool:
    """An observation time later than now (beyond clock skew): refused unless the user insists (a
    snapshot from 2030 would make every later refresh look out of order)."""
    return when > datetime.now(timezone.utc) + CLOCK_SKEW


def check_order(con, sources: list[str], observed_at: datetime) -> None:
    """Refuse (db.WarehouseError) a snapshot older than what a source's history holds (one query for
    all the sources; the first of them that holds a later snapshot is named)."""
    db.check_time_order(con, sources, observed_at)


@dataclass
class Run:
    run_id: int
    observed_at: datetime
    verdicts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, con, kind: str, observed_at: datetime, sources: list[str], tag: str | None = None,
              flow_run_id: str | None = None) -> "Run":
        """Check the sources' time order, then record the run as started (its own transaction: `status`
        shows it while it works)."""
        check_order(con, sources, observed_at)
        return cls(db.start_run(con, kind, observed_at, replay=tag, flow_run_id=flow_run_id), observed_at)

    @classmethod
    def again(cls, run_id: int, observed_at: datetime) -> "Run":
        """A run already recorded, whose snapshots `reparse` records anew."""
        return cls(run_id, observed_at)

    def record(self, con, load: SourceLoad, removal_runs: int = 2, archive: bool = True) -> LoadResult:
        """One source's snapshot into history (warehouse/load.py: archive, verdict, merge; one transaction)."""
        result = db.load_source(con, self.run_id, self.observed_at, load, removal_runs=removal_runs, archive=archive)
        self.verdicts[load.source] = result.status
        return result

    def record_all(self, con, loads: list[SourceLoad], removal_runs: int = 2) -> list[LoadResult]:
        """Several sources' snapshots in one transaction, merged by one set of statements for them all
        (warehouse/load.py: load_sources). Should that fail, each is recorded alone, in order, as
        `record` does: a source whose load fails rolls back alone and those before it are kept."""
        try:
            results = db.load_sources(con, self.run_id, self.observed_at, loads, removal_runs=removal_runs)
        except db.WarehouseError:
            if len(loads) < 2:
                raise
            return [self.record(con, load, removal_runs) for load in loads]
        self.verdicts.update((r.source, r.status) for r in results)
        return results

    @property
    def status(self) -> str:
        verdicts = self.verdicts.values()
        return ("failed" if all(v == "failed" for v in verdicts)
                else "complete" if all(v == "complete" for v in verdicts) else "partial")

    def finish(self, con) -> str:
        """Record the run's status and summary, then give new source ids their identity. Returns the summary."""
        summary = steps.summarize(con, self.run_id)
        db.finish_run(con, self.run_id, self.status, summary)
        db.remap(con)
        return summary


def record(con, load: SourceLoad, observed_at: datetime, kind: str, tag: str | None,
           removal_runs: int = 2) -> tuple[int, LoadResult]:
    """A run of one snapshot: started, recorded, finished. Returns (run id, result)."""
    run = Run.start(con, kind, observed_at, [load.source], tag)
    result = run.record(con, load, removal_runs)
    run.finish(con)
    return run.run_id, result
