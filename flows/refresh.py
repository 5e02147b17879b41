"""The refresh flow: crawl each source (subprocess, concurrently), then parse and judge each one, and load them.

extract (crawl_source) -> transform (parse + verdict) -> load (every source in one transaction, one merge
for them all; each source alone should that fail: snapshot.Run.record_all).
Only the crawl touches the network, so only it retries, and only on network failure.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from modeltrail.flows import progress as shown
from modeltrail.flows import stopping
from modeltrail.flows import collector, head_start, snapshot, steps
from modeltrail.flows.deployed import warehouse_of
from modeltrail.spiders import replay as replay_server
from modeltrail.pipelines.sources import SOURCES
from modeltrail.warehouse import db

SQL = "run_results.sql"

MAX_PARALLEL_CRAWLS = head_start.MAX_PARALLEL_CRAWLS


class NetworkFailure(Exception):
    """Every page of a crawl failed on the wire: worth another try later. Carries the crawl's output,
    so that a crawl that fails for good is judged on what it saw."""

    def __init__(self, message: str, output: steps.CrawlOutput):
        super().__init__(message)
        self.output = output


def _network_only(task, task_run, state) -> bool:
    try:
        state.result()
    except NetworkFailure:
        return True
    except Exception:
        return False
    return False


@task(name="crawl", retries=2, retry_delay_seconds=[10, 60], retry_condition_fn=_network_only,
      cache_policy=NO_CACHE, persist_result=False, result_serializer="json", task_run_name="crawl-{source}")
def crawl_source(source: str, workdir: str, replay: str | None) -> steps.CrawlOutput:
    """Fetch one source's pages in a Scrapy subprocess, parsing them here as they arrive."""
    early = head_start.take(source, replay)  # the CLI's replay may have started it while Prefect started
    out = early.out if early else Path(tempfile.mkdtemp(prefix=f"{source}-", dir=workdir))
    result = steps.crawl(source, out, replay=replay, parse=True, started=early)  # parses while it crawls
    if result.stats is not None and result.pages and all(_on_the_wire(p) for p in result.pages):
        raise NetworkFailure(f"{source}: every request failed: {result.pages[0].error}", result)
    return result


def _on_the_wire(page) -> bool:
    """A fetch that failed on the network (no response), not one we refused (robots.txt, domains)."""
    error = page.error or ""
    return page.status is None and (not error.startswith("IgnoreRequest") or error.startswith("RobotsUnreachable"))


def _changes_table(con, run_id: int, results: list | None = None) -> str:
    """The run artifact's table of this run's changes (run_results.sql: run_changes). `results`: the
    sources' LoadResults; when none opened, closed or removed anything, there is nothing to read."""
    if results is not None and not any(r.versions_added or r.versions_closed or r.removed for r in results):
        return "No changes in this run.\n"
    rows = con.execute(db.query("run_changes", SQL), {"run_id": run_id, "limit": 200}).fetchall()
    if not rows:
        return "No changes in this run.\n"
    lines = ["| source | model | change | field | old | new |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


@flow(name="modeltrail-refresh", task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_CRAWLS),
      persist_result=False, result_serializer="json", log_prints=False)
def refresh_flow(sources: list[str] | None = None, replay: str | None = None, db_file: str | None = None,
                 observed_at: str | None = None, removal_runs: int = 2, retries: int | None = None,
                 lock_wait: float = 3600, retry_delays: list[float] | None = None, data_path: str | None = None):
    """Crawl the sources, judge each run, and load what they saw into the warehouse.

    The run takes the warehouse's writer lock first (waiting up to lock_wait seconds for a run that
    holds it), and opens the warehouse only to start the run and to load, so `modeltrail sql` works
    while the crawls are out. A DuckDB file has one writer at a time; on a DuckLake (db_file
    `ducklake:postgres://…`, data_path its data folder) the lock is its sources' only, so workers
    refreshing other sources write beside this run.
    """
    logger = get_run_logger()
    names = sources or list(SOURCES)
    if replay is not None and "://" in replay:  # a parameter anyone who can trigger a run may set
        replay = replay_server.check_base_url(replay)
    ctx = get_run_context()
    flow_run = getattr(ctx, "flow_run", None)
    where = warehouse_of(db_file, data_path)
    lock = where.lock(names, command="refresh", flow_run_id=str(flow_run.id) if flow_run else None,
                         flow_run_name=flow_run.name if flow_run else None)
    def waiting(message: str) -> None:  # in the run's log, and to whoever started it from a terminal
        logger.warning(message)
        shown.say(message)
    with lock.acquire(lock_wait, on_wait=waiting):
        when = datetime.fromisoformat(observed_at.replace("Z", "+00:00")) if observed_at else datetime.now(timezone.utc)
        if when.tzinfo is None and len(observed_at.strip()) > 10:
            raise ValueError(f"observed_at {observed_at!r} has no time zone: add Z (UTC) or an offset")
        when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        kind = "live" if replay is None else "replay"
        con = where.open(busy_wait=db.READER_GRACE)
        try:
            run = snapshot.Run.start(con, kind, when, names, tag=replay, flow_run_id=lock.holder["flow_run_id"])
        finally:
            db.close_for_now(con)  # (opened again to load: its checkpoint is left to that close)
        run_id = run.run_id
        lock.update(run_id=run_id)
        stopping.running(where, run_id, sources=names)
        logger.info("run %d: crawling %s", run_id, ", ".join(names))
        for folder in stopping.clean_stale_crawl_dirs():
            logger.info("removed %s, a killed crawl's folder", folder)

        with contextlib.ExitStack() as stack:
            base = replay
            if replay is not None and "://" not in replay:
                base = stack.enter_context(head_start.serving(replay))
            workdir = head_start.workdir() or stopping.crawl_dir()
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            stopping.running(workdir=workdir)
            crawl = crawl_source
            if retries is not None or retry_delays is not None:
                crawl = crawl_source.with_options(
                    retries=crawl_source.retries if retries is None else retries,
                    retry_delay_seconds=retry_delays or crawl_source.retry_delay_seconds)
            futures = {name: crawl.submit(name, workdir, base) for name in names}
            outputs = {name: _crawl_output(name, future) for name, future in futures.items()}
            for name, out in outputs.items():  # -v: a line per step
                failed = sum(1 for p in out.pages if not p.ok)
                shown.detail(f"fetch {name}: {len(out.pages)} page{'' if len(out.pages) == 1 else 's'}"
                             + (f", {failed} failed" if failed else "")
                             + (f" ({out.stats['modeltrail/setup_error']})" if out.stats and
                                out.stats.get("modeltrail/setup_error") else ""))
            stack.enter_context(collector.paused())  # (the load makes no cycles: flows/collector.py)
            con = where.open(busy_wait=db.READER_GRACE)
            try:
                loads = []
                last_complete = steps.last_complete_runs(con, list(outputs))
                for name, out in outputs.items():
                    load = steps.build_load(name, out, last_complete.get(name))
                    shown.detail(f"parse {name}: {len(load.cards)} cards, {len(load.problems)} problems, "
                                 f"verdict {load.status}")
                    loads.append(load)
                # (every source in one transaction and one merge; each alone should that fail)
                results = run.record_all(con, loads, removal_runs=removal_runs)
                for load, result in zip(loads, results):
                    shown.detail(f"load {load.source}: {result.status}, {result.versions_added} new versions, "
                                 f"{result.versions_closed} closed, {result.removed} removed")
                    stopping.loaded(load.source)
                    logger.info("%s: %s, %d cards, %d new versions", load.source, result.status, len(load.cards),
                                result.versions_added)
                summary = run.finish(con)
                stopping.finished()
                status, verdicts = run.status, run.verdicts
                where_key = where.key
                create_markdown_artifact(
                    key="modeltrail-refresh",
                    markdown=f"# modeltrail run {run_id} ({kind}): {status}\n\nwarehouse `{where_key}`\n\n"
                             + "\n".join(f"- {line}" for line in summary.splitlines())
                             + "\n\n## Changes\n\n" + _changes_table(con, run_id, results),
                    description=f"modeltrail run {run_id} of {where_key}")
            finally:
                db.close_writer(con)

    bad = sorted(n for n, v in verdicts.items() if v != "complete")
    result = {"run_id": run_id, "status": status, "verdicts": verdicts}
    if any(verdicts[n] == "failed" for n in bad):
        return Failed(message=f"run {run_id}: sources not complete: {', '.join(f'{n}={verdicts[n]}' for n in bad)}",
                      data=result)
    if bad:
        return Completed(name="Partial", message=f"run {run_id}: partial sources: {', '.join(bad)}", data=result)
    return Completed(message=f"run {run_id}: all sources complete", data=result)


def _crawl_output(name: str, future) -> steps.CrawlOutput:
    """The crawl's pages; a crawl task that failed for good becomes a failed source run, recorded."""
    future.wait()
    try:
        return future.result()
    except NetworkFailure as exc:  # retried and still down: judged on what the last attempt saw
        return exc.output
    except Exception as exc:  # noqa: BLE001 - the reason goes into the record
        return steps.CrawlOutput(name, stats=None, log_tail=f"{type(exc).__name__}: {exc}")
