"""Faults in the machine: a load killed with -9, a full disk, an unwritable path, exports kept inside
the folder the user named."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from bench.synth import load_of, snapshot
from modeltrail.warehouse import db
from tests.conftest import REPO

PRELUDE = f"""
import os, resource, signal, sys
sys.path.insert(0, {str(REPO)!r})
from bench.synth import load_of, snapshot
from modeltrail.warehouse import db
"""


def child(code: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def first_load(path: Path, n: int = 200) -> None:
    con = db.connect(path)
    when, cards = snapshot(n, 0)
    db.load_source(con, db.start_run(con, "replay", when), when, load_of(cards, when))
    con.close()


def history(path: Path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        cards = dict(con.execute("SELECT run_id, count(*) FROM model_cards_history GROUP BY 1").fetchall())
        bench = dict(con.execute("SELECT run_id, count(*) FROM benchmarks_history GROUP BY 1").fetchall())
        source_runs = dict(con.execute("SELECT run_id, status FROM source_runs").fetchall())
        return cards, bench, source_runs
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_load_keeps_the_whole_source_run_or_none_of_it(tmp_path):
    path = tmp_path / "w.duckdb"
    first_load(path)
    proc = child(f"""
        con = db.connect({str(path)!r})
        when, cards = snapshot(20000, 1)
        run_id = db.start_run(con, "replay", when)
        load = load_of(cards, when)
        print("loading", run_id, flush=True)
        db.load_source(con, run_id, when, load)
        print("loaded", flush=True)
        import time; time.sleep(60)
    """)
    line = proc.stdout.readline().split()
    assert line[0] == "loading", proc.stderr.read()
    run_id = int(line[1])
    time.sleep(1.0)  # the load of 20,000 cards takes several seconds: this lands inside it
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert "loaded" not in proc.stdout.read()  # killed inside load_source, not after it
    cards, bench, source_runs = history(path)
    # run 1 untouched; run 2 all (20,000 cards, 200,000 benchmark rows) or nothing, and its verdict with it
    assert cards[1] == 200 and bench[1] == 2000 and source_runs[1] == "complete"
    # (the first 200 models are unchanged since run 1: they add no version)
    assert (cards.get(run_id), bench.get(run_id), source_runs.get(run_id)) in [
        (None, None, None), (19800, 198000, "complete")]
    # the warehouse opens for writing (the next writer clears what the killed load staged) and the next
    # run completes
    with db.writing(path, command="test") as con:
        assert not db.staging_dir(path).exists()
        when, cards_ = snapshot(300, 2)
        result = db.load_source(con, db.start_run(con, "replay", when), when, load_of(cards_, when))
    assert result.status == "complete"


@pytest.mark.slow
def test_a_full_disk_during_a_load_is_a_clear_error_and_nothing_is_half_written(tmp_path):
    path = tmp_path / "w.duckdb"
    first_load(path)
    proc = child(f"""
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # write() returns EFBIG instead of killing us
        con = db.connect({str(path)!r})
        when, cards = snapshot(5000, 1)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))   # "the disk is full"
        try:
            db.load_source(con, db.start_run(con, "replay", when), when, load_of(cards, when))
        except db.WarehouseError as exc:
            print("error:", exc, flush=True)
    """)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.startswith("error: could not stage the rows for ")
    assert "disk full or file size limit?" in out and "nothing of it was stored" in out
    cards, bench, source_runs = history(path)
    assert cards == {1: 200} and bench == {1: 2000} and source_runs == {1: "complete"}
    assert not list(db.staging_dir(path).iterdir())  # the staging files were removed


@pytest.mark.parametrize("where, says", [
    ("{tmp}/missing/dir/w.duckdb", "directory {tmp}/missing/dir does not exist"),
    ("{tmp}/a-file/w.duckdb", "cannot create the warehouse"),
    ("/proc/modeltrail-test.duckdb", "/proc/modeltrail-test.duckdb"),
])
def test_an_unwritable_warehouse_path_is_a_clear_error(tmp_path, where, says):
    (tmp_path / "a-file").write_text("not a folder")
    path = where.format(tmp=tmp_path)
    bin_ = Path(sys.executable).parent / "modeltrail"
    r = subprocess.run([str(bin_), "remap", "--db", path, "--wait", "0"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    assert r.stderr.startswith("Error: ") and says.format(tmp=tmp_path) in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_export_files_stay_in_the_folder_named_and_never_take_names_from_data(tmp_path):
    from datetime import datetime, timezone

    from modeltrail import export
    hostile = ["../../etc/passwd", "/abs/olute\x00nul", "=cmd|' /C calc'!A0"]
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    when, cards = snapshot(3, 0)
    cards = [c.model_copy(update={"source_model_id": name, "name": name}) for c, name in zip(cards, hostile)]
    db.load_source(con, db.start_run(con, "replay", when), when, load_of(cards, when))
    con.close()
    out = tmp_path / "out"
    ro = db.connect(path, read_only=True, allow_files=True)
    files = export.export(ro, out, "csv", datetime.now(timezone.utc))
    ro.close()
    assert {f.parent for f in files} == {out}
    assert sorted(f.name.split("_2")[0] for f in files) == ["benchmarks", "model_cards", "prices"]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".csv") == \
        sorted(f.name for f in files)
    text = (out / [f.name for f in files if f.name.startswith("model_cards")][0]).read_text()
    assert "../../etc/passwd" in text  # stored and exported as data, not used as a path
