"""The refresh flow under Prefect: retries, final states, artifacts, and one writer at a time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from modeltrail.warehouse import db
from tests.cli import popen, run
from tests.conftest import CAPTURES
from tests.faultserver import FaultServer, drop, sequence, status

#: every test here runs real refreshes (or PostgreSQL, or a Prefect server): `pytest -m 'not slow'` skips them
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield


def flow_runs_tasks(flow_run_id):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    with get_client(sync_client=True) as client:
        return client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))


def artifacts_of(flow_run_id):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))


def test_a_crawl_that_fails_on_the_network_once_is_retried_and_completes(harness, tmp_path):
    from modeltrail.flows.refresh import refresh_flow as flow
    api = "/ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion$"
    with FaultServer(CAPTURES) as srv:
        # the first crawl's search request and Scrapy's two retries are dropped, and so is its fallback
        # (the listing page, three times): every request failed on the wire. The next crawl is served.
        srv.fault(api, sequence(drop, drop, drop, None))
        srv.fault("/ai.azure.com/catalog/models$", sequence(drop, drop, drop, None))
        state = flow(sources=["azure"], replay=srv.url, db_file=str(tmp_path / "w.duckdb"), retries=2,
                     retry_delays=[0.5], return_state=True)
        api_hits, listing_hits = srv.hits(api), srv.hits("/ai.azure.com/catalog/models$")
    assert state.is_completed(), state.message
    assert state.result()["verdicts"] == {"azure": "complete"}
    assert len(api_hits) == 4 + 2  # 3 dropped in the first crawl; the second crawl's 3 pages served
    assert len(listing_hits) == 3  # the first crawl's fallback, dropped; the second needed none
    (crawl,) = [t for t in flow_runs_tasks(state.state_details.flow_run_id) if t.name.startswith("crawl")]
    assert crawl.run_count == 2 and crawl.state.is_completed()
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT status, cards FROM source_runs").fetchall() == [("complete", 19)]
    con.close()


def test_a_failing_source_fails_the_flow_by_name_and_the_others_still_load(harness, tmp_path):
    from modeltrail.flows.refresh import refresh_flow as flow
    with FaultServer(CAPTURES) as srv:
        srv.fault("/cdn.openai.com/", status(500))
        srv.fault("/openai.com/", status(500))
        state = flow(sources=["azure", "openai"], replay=srv.url, db_file=str(tmp_path / "w.duckdb"),
                     retries=0, return_state=True)
    assert state.is_failed()
    assert "openai=failed" in state.message and "azure" not in state.message
    assert state.result(raise_on_failure=False)["verdicts"] == {"azure": "complete", "openai": "failed"}
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("partial",)]
    assert con.execute("SELECT source, status, cards FROM source_runs ORDER BY 1").fetchall() == [
        ("azure", "complete", 19), ("openai", "failed", 0)]
    assert con.execute("SELECT count(*) FROM model_cards WHERE source = 'azure'").fetchone() == (19,)
    con.close()
    (art,) = artifacts_of(state.state_details.flow_run_id)
    assert art.key == "modeltrail-refresh"
    assert "openai: failed" in art.data and "azure: complete" in art.data
    where = str((tmp_path / "w.duckdb").resolve())  # two warehouses' runs are told apart
    assert f"warehouse `{where}`" in art.data and art.description.endswith(f"of {where}")


def test_results_are_json_and_nothing_is_cached_across_runs():
    from prefect.serializers import JSONSerializer

    from modeltrail.flows.refresh import crawl_source, refresh_flow
    assert isinstance(refresh_flow.result_serializer, JSONSerializer) or refresh_flow.result_serializer == "json"
    assert crawl_source.result_serializer == "json" and crawl_source.persist_result is False
    assert refresh_flow.persist_result is False
    assert type(crawl_source.cache_policy).__name__ == "_None"  # NO_CACHE: a fetch is never reused


# --- one writer ----------------------------------------------------------------------------------------

HOLD = """
import sys, time
from modeltrail.warehouse import db
with db.writing(sys.argv[1], command="holder-for-test", run_id=41, flow_run_name="brave-test"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_warehouse(path, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def cli(*args, timeout=240, **kw):
    return run(*args, timeout=timeout, env={"PREFECT_LOGGING_LEVEL": "WARNING"}, script=True, **kw)


def test_a_second_writer_that_will_not_wait_names_the_run_holding_the_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    holder = hold_warehouse(path, 60)
    try:
        r = cli("refresh", "azure", "--replay", str(CAPTURES), "--db", str(path), "--wait", "0")
        assert r.returncode == 1
        assert "is being written by modeltrail run 41 (holder-for-test)" in r.stderr
        assert "flow run brave-test" in r.stderr and f"pid {holder.pid}" in r.stderr
        assert "Traceback" not in r.stderr
        # reading while another process writes: DuckDB refuses, and the error names the writer
        r = cli("sql", "SELECT count(*) FROM runs", "--db", str(path))
        assert r.returncode == 1 and "modeltrail run 41" in r.stderr and "Traceback" not in r.stderr
        r = cli("reparse", "--db", str(path), "--wait", "1")
        assert r.returncode == 1 and "(waited 1 s)" in r.stderr
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed: its lock went with it; nothing is left to clean up by hand
    assert db.describe_holder(path) is None
    assert cli("sql", "SELECT count(*) AS n FROM runs", "--db", str(path), "--format", "csv").stdout == "n\n0\n"


def test_sql_works_while_a_refresh_is_crawling(tmp_path):
    """The flow opens the warehouse only to start the run and to load; between, readers read."""
    path = tmp_path / "w.duckdb"
    assert cli("refresh", "azure", "--replay", str(CAPTURES), "--db", str(path)).returncode == 0
    lock = db.WriterLock(path, command="refresh", run_id=2).acquire()  # as a flow does while it crawls
    try:
        r = cli("sql", "SELECT status FROM runs", "--db", str(path), "--format", "csv")
        assert r.returncode == 0 and r.stdout == "status\ncomplete\n"
    finally:
        lock.release()


def test_a_waiting_writer_runs_when_the_holder_finishes(tmp_path):
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    holder = hold_warehouse(path, 4)
    t0 = time.monotonic()
    r = cli("refresh", "azure", "--replay", str(CAPTURES), "--db", str(path), "--wait", "120")
    holder.wait()
    assert r.returncode == 0, r.stderr
    assert "waiting for the warehouse" in r.stderr and "modeltrail run 41" in r.stderr
    assert time.monotonic() - t0 >= 4


def test_two_refreshes_at_once_both_finish_one_after_the_other_without_duplicates(tmp_path):
    path = tmp_path / "w.duckdb"
    args = ["refresh", "azure", "leaderboard", "--replay", str(CAPTURES), "--db", str(path)]
    procs = [popen(*args, env={"PREFECT_LOGGING_LEVEL": "WARNING"}, script=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
    con = duckdb.connect(str(path), read_only=True)
    runs = con.execute("SELECT run_id, status, started_at, finished_at FROM runs ORDER BY run_id").fetchall()
    assert [r[1] for r in runs] == ["complete", "complete"]
    assert runs[1][2] >= runs[0][3]  # the second started after the first finished: they never overlapped
    dupes = con.execute("""
        SELECT count(*) FROM (
          SELECT source, source_model_id, count(*) FILTER (WHERE valid_to IS NULL) AS open_versions,
                 count(*) - count(DISTINCT valid_from) AS same_start
          FROM model_cards_history GROUP BY ALL HAVING open_versions > 1 OR same_start > 0)""").fetchone()[0]
    assert dupes == 0
    # the second run saw the same pages: it added no versions
    assert con.execute("SELECT sum(versions_added) FROM source_runs WHERE run_id = ?", [runs[1][0]]).fetchone() == (0,)
    con.close()
