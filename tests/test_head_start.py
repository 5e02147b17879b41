"""A replay's first crawls start while Prefect starts (flows/head_start.py): the flow's crawl tasks take
them over, Prefect still runs and records every task, and nothing started early outlives the refresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CAPTURES

pytestmark = pytest.mark.slow


def seen(out):
    """What a crawl saw: its pages, and the cards parsed from them."""
    return [(p.url, p.status, p.sha256) for p in out.pages], sorted(c.source_model_id for c in out.parsed.cards)


def test_an_early_crawl_is_taken_once_and_reads_as_a_crawl_started_by_its_task(tmp_path):
    from modeltrail.flows import crawl_run, head_start
    from modeltrail.spiders.replay import serve

    with head_start.crawls(["openrouter", "litellm"], str(CAPTURES)):
        workdir = head_start.workdir()
        assert workdir is not None and Path(workdir).is_dir()
        with head_start.serving(str(CAPTURES)) as base:  # the flow serves the folder at the same address
            pass
        early = head_start.take("openrouter", base)
        assert early is not None and early.source == "openrouter" and early.out.parent == Path(workdir)
        assert head_start.take("openrouter", base) is None  # once: a retry starts its own crawl
        assert head_start.take("openrouter", "http://127.0.0.1:1") is None  # another replay: not this one
        taken = crawl_run.crawl("openrouter", early.out, replay=base, parse=True, started=early, timeout=120)
        untaken = head_start._early["crawls"][("litellm", base)].proc
    # what nobody took is stopped, the folder and the replay server are gone
    assert untaken.poll() is not None
    assert not Path(workdir).exists()
    with pytest.raises(OSError):
        urllib.request.urlopen(base, timeout=5)
    assert head_start.workdir() is None
    with serve(str(CAPTURES)) as own:
        fresh = crawl_run.crawl("openrouter", tmp_path / "fresh", replay=own, parse=True, timeout=120)
    assert taken.returncode == fresh.returncode == 0, taken.log_tail
    assert seen(taken) == seen(fresh)
    assert len(taken.parsed.cards) == 13


def test_nothing_starts_early_for_a_live_crawl():
    from modeltrail.flows import head_start
    with head_start.crawls(["openrouter"], None):
        assert head_start.workdir() is None
        assert head_start.take("openrouter", None) is None


def test_a_one_off_refresh_records_its_flow_and_crawl_task_in_prefect(tmp_path):
    """Run as a user does (no Prefect server configured): afterwards Prefect's records beside the
    warehouse hold the flow run and its crawl task, completed."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    db_file = tmp_path / "w.duckdb"
    proc = subprocess.run([sys.executable, "-m", "modeltrail", "refresh", "openrouter", "--replay", "--db",
                           str(db_file)], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "openrouter: complete, 13 cards" in proc.stdout
    # Prefect's records beside the warehouse, read in a process of their own (this one's Prefect settings,
    # its PREFECT_HOME among them, were fixed when it imported Prefect)
    reader = subprocess.run([sys.executable, "-c", READ_RECORDS], capture_output=True, text=True, timeout=300,
                            env={**env, "PREFECT_HOME": str(tmp_path / ".w.duckdb.prefect")})
    assert reader.returncode == 0, reader.stderr[-3000:]
    flows, tasks = json.loads(reader.stdout)
    (flow_run,) = flows
    assert flow_run["state"] == "COMPLETED" and flow_run["sources"] == ["openrouter"]
    (crawl,) = [t for t in tasks if t["name"] == "crawl-openrouter"]
    assert crawl["state"] == "COMPLETED" and crawl["flow_run_id"] == flow_run["id"]


#: prints [flow runs, task runs] of the Prefect records PREFECT_HOME names, read through the local API
READ_RECORDS = """
import json
from prefect import get_client
from modeltrail.flows.local_api import local_api
with local_api() as url:
    assert url is not None
    with get_client(sync_client=True) as client:
        flows = [{"id": str(f.id), "state": f.state.type.value, "sources": f.parameters.get("sources")}
                 for f in client.read_flow_runs()]
        tasks = [{"name": t.name, "state": t.state.type.value, "flow_run_id": str(t.flow_run_id)}
                 for t in client.read_task_runs()]
print(json.dumps([flows, tasks]))
"""
