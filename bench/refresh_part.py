"""The warehouse part of one refresh, as flows/refresh.py's refresh_flow makes it, for the benchmarks:
its calls in its order, crawl and Prefect's own work (task runs, logs, the artifact's upload) left out.

    writer lock; connect; check_order (every source, one query); start_run; close   (the run is started)
    -- the crawl runs here --
    connect; last_complete_runs, per source build_load (the verdict); load_sources (all, one transaction)
    summarize; finish_run; remap; the artifact's change table; close; the lock released
"""

from __future__ import annotations

from datetime import datetime

from modeltrail.flows import collector, snapshot, steps
from modeltrail.flows.refresh import _changes_table
from modeltrail.pipelines.handover import CrawlOutput
from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.parsing import PageParser
from modeltrail.pipelines.records import ModelCard
from modeltrail.warehouse import db


def crawl_output(source: str, cards: list[ModelCard], when: datetime, url: str) -> CrawlOutput:
    """What a crawl of one page that gave these cards hands over (as crawl(parse=True) leaves it)."""
    page = PageRecord(url=url, fetched_at=when, status=200, page_kind="card")
    parser = PageParser(source)
    parser.card_pages = 1
    for card in cards:
        parser.seen.setdefault(card.source_model_id, []).append(card)
    if parser.seen:
        parser.carded.add(page.url)
    return CrawlOutput(source, pages=[page], stats={"finish_reason": "finished"}, returncode=0, parsed=parser.parsed())


def refresh_part(where, outputs: dict[str, CrawlOutput], when: datetime, removal_runs: int = 2,
                 kind: str = "replay", replay: str | None = "bench") -> dict:
    """One refresh's warehouse part; returns the run's id, status, verdicts and change table."""
    where = db.locate(where)
    names = list(outputs)
    lock = db.writer_lock(where, names, command="refresh", flow_run_id=None, flow_run_name=None)
    with lock.acquire(3600):
        con = db.connect(where, busy_wait=db.READER_GRACE)
        try:
            snapshot.check_order(con, names, when)
            run_id = db.start_run(con, kind, when, replay=replay, flow_run_id=lock.holder["flow_run_id"])
        finally:
            db.close_for_now(con)
        lock.update(run_id=run_id)
        with collector.paused():  # (as the flow loads: flows/collector.py)
            con = db.connect(where, busy_wait=db.READER_GRACE)
            try:
                last = steps.last_complete_runs(con, list(outputs))
                loads = [steps.build_load(name, out, last.get(name)) for name, out in outputs.items()]
                results = db.load_sources(con, run_id, when, loads, removal_runs=removal_runs)
                verdicts = {r.source: r.status for r in results}
                status = ("failed" if all(v == "failed" for v in verdicts.values())
                          else "complete" if all(v == "complete" for v in verdicts.values()) else "partial")
                summary = steps.summarize(con, run_id)
                db.finish_run(con, run_id, status, summary)
                db.remap(con)
                changes = _changes_table(con, run_id, results)
            finally:
                db.close_writer(con)
    return {"run_id": run_id, "status": status, "verdicts": verdicts, "changes": changes}
