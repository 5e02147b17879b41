"""The README's walk-through, top to bottom as written, in a fresh clone (issue #29): the quick start's
main job, "Then look around", and "History from archives", each block run by bash in the order the
README gives them, from a folder holding only the repository's tracked files with ../shared beside it.

The install (`python3 -m venv .venv && .venv/bin/pip install -e '.[test]'`) and the test command are
what `.ci/run` runs, verbatim (asserted below): this test runs every command after them, with the
installed environment as the clone's `.venv`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, SHARED

pytestmark = pytest.mark.slow

INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"


def sections() -> dict[str, list[str]]:
    """The README's `sh` blocks by the `## ` section they are in, in order."""
    out: dict[str, list[str]] = {}
    title = ""
    for block in re.split(r"^(## .*)$", (REPO / "README.md").read_text("utf-8"), flags=re.M):
        if block.startswith("## "):
            title = block[3:].strip()
            continue
        out.setdefault(title, []).extend(re.findall(r"^```sh\n(.*?)^```", block, flags=re.M | re.S))
    return out


def fresh_clone(tmp_path: Path) -> Path:
    """The repository's tracked files as they are in this checkout (a clone of them), ../shared beside."""
    checkout = tmp_path / "checkout"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for name in filter(None, files.split("\0")):
        src = REPO / name
        if src.is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, checkout / name)
    (tmp_path / "shared").symlink_to(SHARED)
    (checkout / ".venv").symlink_to(Path(sys.prefix))  # the environment the install made
    return checkout


def bash(checkout: Path, script: str, activate: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODELTRAIL_")}
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", (". .venv/bin/activate\n" if activate else "") + script],
                          cwd=checkout, capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, f"{script}\n-> exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def test_the_install_and_test_commands_are_what_ci_runs():
    quick = sections()["Quick start"]
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert quick[0].strip().startswith(INSTALL + " && ") and quick[0].strip() in ci
    first_test_line = quick[1].splitlines()[0].split("#")[0].strip()
    assert first_test_line == ".venv/bin/python -m pytest" and first_test_line in ci.splitlines()


def test_the_walkthrough_runs_top_to_bottom_as_written(tmp_path):
    checkout = fresh_clone(tmp_path)
    quick = sections()["Quick start"]
    main_job = quick[0].strip().removeprefix(INSTALL + " && ")
    done = bash(checkout, main_job, activate=False)
    assert re.search(r"^run 1: complete$", done.stdout, flags=re.M), done.stdout[-2000:]

    look_around = quick[2]
    assert look_around.startswith("modeltrail status")
    out = bash(checkout, look_around).stdout
    from modeltrail.pipelines.sources import SOURCES
    assert all(re.search(rf"^{name}\s+1\s+complete", out, flags=re.M) for name in SOURCES), out[:3000]
    assert "o3-mini" in (checkout / "report" / "report.html").read_text("utf-8")
    assert re.search(r"^openrouter\s+openai/o3-mini\s+200000\s*$", out, flags=re.M), out[-3000:]
    assert {p.name.rsplit("_", 1)[0] for p in (checkout / "out").glob("*.parquet")} >= {"model_cards", "prices", "benchmarks"}

    archives = sections()["History from archives"]
    assert len(archives) == 1 and "backfill-git" in archives[0]
    out = bash(checkout, archives[0]).stdout
    con = duckdb.connect(str(checkout / "openrouter-history.duckdb"), read_only=True)
    try:  # one run per commit that changed the file, all complete
        runs = con.execute("SELECT count(*), count(*) FILTER (WHERE status = 'complete') FROM runs "
                           "WHERE kind = 'backfill'").fetchone()
    finally:
        con.close()
    commits = int(subprocess.run(["git", "-C", str(checkout / "openrouter-archive"), "rev-list", "--count", "HEAD", "--", "openrouter/models.json"],
                                 capture_output=True, text=True, check=True).stdout)
    assert runs[0] == runs[1] == commits > 10, (runs, commits)
    assert "openai/gpt-4o-mini" in out
    assert [p.name for p in (checkout / "out").glob("model_cards_20251201T*.csv")], sorted(os.listdir(checkout / "out"))
