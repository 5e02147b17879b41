"""Scheduling on a real Prefect server (started here, on 127.0.0.1, with its own PREFECT_HOME)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, time as clock, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import httpx
import pytest

from tests.conftest import CAPTURES, REPO

#: every test here runs real refreshes (or PostgreSQL, or a Prefect server): `pytest -m 'not slow'` skips them
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check, timeout: float, every: float = 0.5):
    """Poll check() until it returns something truthy; a bounded loop."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"

    def healthy():
        if proc.poll() is not None:
            raise AssertionError(f"prefect server exited: {(home / 'server.log').read_text()[-2000:]}")
        try:
            return httpx.get(f"{api}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
    try:
        wait_for("prefect server", healthy, 120)
        yield {"api": api, "env": {**env, "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "1",
                                   "PREFECT_WORKER_QUERY_SECONDS": "1"}, "home": home}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def call_api(method: str, server, path: str, body: dict | None = None):
    """One call to the server's REST API, retried as Prefect's own client retries it: a 503 is the server
    saying its SQLite database was busy and the request was rolled back (seen in CI on 2 cores)."""
    for attempt in range(6):
        r = httpx.request(method, server["api"] + path, json=body, timeout=10)
        if r.status_code not in (429, 502, 503) or attempt == 5:
            break
        time.sleep(0.5 * 2 ** attempt)
    r.raise_for_status()
    return r.json()


def api_post(server, path: str, body: dict | None = None):
    return call_api("POST", server, path, body or {})


def api_get(server, path: str):
    return call_api("GET", server, path)


def deployment(server, name: str):
    found = api_post(server, "/deployments/filter", {"deployments": {"name": {"any_": [name]}}})
    return found[0] if found else None


def finished_run(server, flow_run_id: str, timeout: float = 240) -> dict:
    def done():
        run = api_get(server, f"/flow_runs/{flow_run_id}")
        return run if run["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None
    return wait_for(f"flow run {flow_run_id}", done, timeout, every=1)


def artifact_of(server, flow_run_id: str) -> dict:
    arts = api_post(server, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})
    assert arts, "the run published no artifact"
    return arts[0]


def berlin_six_oclocks(after: datetime, n: int) -> list[datetime]:
    tz = ZoneInfo("Europe/Berlin")
    day = after.astimezone(tz).date()
    out = []
    while len(out) < n:
        t = datetime.combine(day, clock(6), tzinfo=tz)
        if t > after:
            out.append(t)
        day += timedelta(days=1)
    return out


def test_schedule_serves_a_cron_deployment_whose_runs_land_in_the_warehouse(server, tmp_path):
    db_file = tmp_path / "w.duckdb"
    started = datetime.now(timezone.utc)
    log = open(tmp_path / "schedule.log", "w")
    proc = subprocess.Popen([str(BIN / "modeltrail"), "schedule", "--cron", "0 6 * * *", "--timezone",
                             "Europe/Berlin", "--replay", str(CAPTURES), "--name", "berlin-morning",
                             "--db", str(db_file), "azure", "openai"],
                            env=server["env"], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        dep = wait_for("the deployment", lambda: proc.poll() is None and deployment(server, "berlin-morning"), 90)
        assert dep["parameters"] == {"sources": ["azure", "openai"], "replay": str(CAPTURES),
                                     "db_file": str(db_file), "removal_runs": 2, "retries": 0}
        (sched,) = dep["schedules"]
        assert sched["schedule"]["cron"] == "0 6 * * *"
        assert sched["schedule"]["timezone"] == "Europe/Berlin"
        assert sched["active"]

        # Prefect's scheduler fills in the next runs: 06:00 in Berlin, whatever the UTC offset that day
        def scheduled():
            runs = api_post(server, "/flow_runs/filter", {
                "flow_runs": {"deployment_id": {"any_": [dep["id"]]}, "state": {"type": {"any_": ["SCHEDULED"]}}},
                "sort": "EXPECTED_START_TIME_ASC"})
            return runs if len(runs) >= 3 else None
        runs = wait_for("scheduled runs", scheduled, 60)
        times = [datetime.fromisoformat(r["expected_start_time"].replace("Z", "+00:00")) for r in runs[:3]]
        assert times == berlin_six_oclocks(started, 3)

        # a run triggered now executes in the serving process and loads the warehouse
        run = api_post(server, f"/deployments/{dep['id']}/create_flow_run", {})
        done = finished_run(server, run["id"])
        assert done["state_type"] == "COMPLETED", done["state"]
        con = duckdb.connect(str(db_file), read_only=True)
        status, kind = con.execute("SELECT status, kind FROM runs WHERE flow_run_id = ?", [run["id"]]).fetchone()
        sources = con.execute("SELECT source, status FROM source_runs ORDER BY 1").fetchall()
        con.close()
        assert (status, kind) == ("complete", "replay")
        assert sources == [("azure", "complete"), ("openai", "complete")]
        art = artifact_of(server, run["id"])
        assert art["key"] == "modeltrail-refresh" and art["type"] == "markdown"
        assert "azure: complete" in art["data"] and "| source | model | change |" in art["data"]

        # `status` names each source's next scheduled run of this warehouse (none for the others)
        out = subprocess.run([str(BIN / "modeltrail"), "status", "--format", "json", "--db", str(db_file)],
                             env=server["env"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        rows = {r["source"]: r for r in map(json.loads, out.stdout.splitlines())}
        first = f"{times[0].astimezone(timezone.utc):%Y-%m-%d %H:%M} (berlin-morning)"
        assert (rows["azure"]["next_run"], rows["openai"]["next_run"], rows["leaderboard"]["next_run"]) == (
            first, first, None)
        assert rows["azure"]["verdict"] == "complete" and rows["leaderboard"]["verdict"] == "never run"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            rc = None
        log.close()
    assert rc == 0, (tmp_path / "schedule.log").read_text()[-3000:]
    said = (tmp_path / "schedule.log").read_text()
    assert "Traceback" not in said and "Warning" not in said and "WARNING" not in said, said[-3000:]
    # stopping the server pauses its schedule: no run is left waiting for a process that is gone
    assert deployment(server, "berlin-morning")["paused"]


def test_prefect_yaml_deploys_to_a_work_pool_and_a_worker_runs_it(server, tmp_path):
    env = {**server["env"], "PWD": str(REPO)}
    prefect = [sys.executable, "-m", "prefect"]
    subprocess.run([*prefect, "work-pool", "create", "modeltrail", "--type", "process"], env=env, cwd=REPO,
                   check=True, capture_output=True, timeout=60)
    deploy = subprocess.run([*prefect, "--no-prompt", "deploy", "--all"], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
    dep = deployment(server, "daily")
    assert dep["entrypoint"] == "flows/refresh.py:refresh_flow"
    assert dep["work_pool_name"] == "modeltrail"
    assert dep["schedules"][0]["schedule"] == {"cron": "0 6 * * *", "timezone": "UTC", "day_or": True}
    assert dep["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}]

    db_file = tmp_path / "w.duckdb"
    run = api_post(server, f"/deployments/{dep['id']}/create_flow_run", {"parameters": {
        "sources": ["azure"], "replay": str(CAPTURES), "db_file": str(db_file), "retries": 0}})
    worker = subprocess.run([*prefect, "worker", "start", "--pool", "modeltrail", "--run-once"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=240)
    done = finished_run(server, run["id"], timeout=30)
    assert done["state_type"] == "COMPLETED", worker.stdout[-2000:] + worker.stderr[-2000:]
    con = duckdb.connect(str(db_file), read_only=True)
    assert con.execute("SELECT status FROM runs WHERE flow_run_id = ?", [run["id"]]).fetchone() == ("complete",)
    rows = con.execute("SELECT * FROM model_cards_history ORDER BY ALL").fetchall()
    con.close()

    # the weekly maintenance, deployed beside it, runs on the same pool and changes no row
    dep = deployment(server, "weekly-maintain")
    assert dep["entrypoint"] == "flows/maintain.py:maintain_flow" and dep["work_pool_name"] == "modeltrail"
    assert dep["schedules"][0]["schedule"] == {"cron": "0 5 * * 0", "timezone": "UTC", "day_or": True}
    run = api_post(server, f"/deployments/{dep['id']}/create_flow_run", {"parameters": {"db_file": str(db_file)}})
    worker = subprocess.run([*prefect, "worker", "start", "--pool", "modeltrail", "--run-once"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=240)
    done = finished_run(server, run["id"], timeout=30)
    assert done["state_type"] == "COMPLETED", worker.stdout[-2000:] + worker.stderr[-2000:]
    con = duckdb.connect(str(db_file), read_only=True)
    assert con.execute("SELECT * FROM model_cards_history ORDER BY ALL").fetchall() == rows
    con.close()


def test_two_workers_on_one_pool_refresh_their_sources_into_one_ducklake(server, lake, tmp_path):
    """prefect.yaml's scale-out: the deployments `vendors` and `aggregators` on two work queues of one
    pool, a process worker per queue, both running at once into the same DuckLake (README: Scale out)."""
    env = {**server["env"], "PWD": str(REPO), "MODELTRAIL_DB": lake[0], "MODELTRAIL_DATA_PATH": lake[1]}
    prefect = [sys.executable, "-m", "prefect"]
    subprocess.run([*prefect, "work-pool", "create", "modeltrail", "--type", "process"], env=env, cwd=REPO,
                   capture_output=True, timeout=60)  # (may exist already: another test made it)
    deploy = subprocess.run([*prefect, "--no-prompt", "deploy", "-n", "vendors", "-n", "aggregators"], env=env,
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
    runs = {}
    for name in ("vendors", "aggregators"):
        dep = deployment(server, name)
        assert dep["work_queue_name"] == name
        runs[name] = api_post(server, f"/deployments/{dep['id']}/create_flow_run",
                              {"parameters": {"replay": str(CAPTURES), "retries": 0}})["id"]
    workers = [subprocess.Popen([*prefect, "worker", "start", "--pool", "modeltrail", "--work-queue", name,
                                 "--run-once"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for name in runs]
    logs = [w.communicate(timeout=300)[0] for w in workers]
    for name, flow_run_id in runs.items():
        done = finished_run(server, flow_run_id, timeout=30)
        assert done["state_type"] == "COMPLETED", (name, done["state"], "\n".join(log[-2000:] for log in logs))
    from modeltrail.warehouse import db
    con = db.connect(db.locate(*lake), read_only=True)
    try:
        by_flow = dict(con.execute("SELECT flow_run_id, list(s.source ORDER BY s.source) FROM runs JOIN source_runs AS s "
                                   "USING (run_id) GROUP BY ALL").fetchall())
        assert by_flow == {runs["vendors"]: ["azure", "openai"],
                           runs["aggregators"]: ["302ai", "leaderboard", "openrouter", "tokenhub"]}
        assert con.execute("SELECT count(*) FROM (SELECT source, source_model_id FROM model_cards_history "
                           "WHERE valid_to IS NULL GROUP BY ALL HAVING count(*) > 1)").fetchone()[0] == 0
    finally:
        con.close()
