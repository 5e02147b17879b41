"""A refresh opens the warehouse to start its run, closes it while it crawls (close_for_now), and opens it
again to load: the writer's DuckDB is kept in between (a new instance costs ~13 ms; a DuckLake's ATTACH and
USE ~110 ms more), with a file detached so that the file is free while the crawl runs (bench/RESULTS.md
§13, "Sixth pass"). The lake's side: tests/test_ducklake.py."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import duckdb
import pytest

from modeltrail.flows import snapshot
from modeltrail.pipelines.handover import SourceLoad
from modeltrail.pipelines.records import ModelCard
from modeltrail.warehouse import connection, db

WHEN = datetime(2026, 4, 1, tzinfo=timezone.utc)


def _cards(n: int) -> list[ModelCard]:
    return [ModelCard(source="azure", source_model_id=f"m{i}", model_id=None, name=f"m{i}", url="https://x.test/",
                      fetched_at=WHEN, page_sha256="0" * 64, parser_version="t", context_window=8000)
            for i in range(n)]


def _other_process_writes(path) -> str:
    """Open the file for writing in another process, add a row, close: its last line of output."""
    code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "c.execute(\"INSERT INTO meta VALUES ('kept-writer-test', 'x')\"); c.close(); print('wrote')")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    return (done.stdout + done.stderr).strip().splitlines()[-1]


@pytest.fixture(autouse=True)
def _nothing_kept():
    connection._close_kept()
    yield
    connection._close_kept()


def test_a_writer_closed_for_now_is_opened_again_from_the_same_duckdb_and_the_file_is_free_between(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    run = snapshot.Run.start(con, "replay", WHEN, ["azure"])
    db.close_for_now(con)
    assert (tmp_path / "w.duckdb.wal").exists()  # (the run's row, left for the load's close)
    # while the crawl would run, the file is not held: another process writes it
    assert _other_process_writes(path) == "wrote"
    again = db.connect(path)
    assert again is con
    assert again.execute("SELECT value FROM meta WHERE key = 'kept-writer-test'").fetchone() == ("x",)
    run.record_all(again, [SourceLoad("azure", "complete", cards=_cards(3))])
    run.finish(again)
    again.close()
    assert not (tmp_path / "w.duckdb.wal").exists()  # the load's close checkpointed, as before
    reader = db.connect(path, read_only=True)
    assert reader.execute("SELECT count(*) FROM model_cards_history").fetchone() == (3,)
    assert reader.execute("SELECT status FROM runs WHERE run_id = ?", [run.run_id]).fetchone() == ("complete",)
    reader.close()


def test_a_kept_writer_is_not_used_for_another_file_nor_with_other_settings(tmp_path, monkeypatch):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    con = db.connect(first)
    db.close_for_now(con)
    other = db.connect(second)  # another warehouse: a new writer, the kept one stays kept
    assert other is not con
    other.close()
    monkeypatch.setenv("MODELTRAIL_WRITE_MEMORY", "1GB")  # settings a writer opens with now: not the kept one's
    again = db.connect(first)
    assert again is not con
    assert again.execute("SELECT current_setting('memory_limit')").fetchone()[0].startswith("953")  # 1 GB in MiB
    with pytest.raises(duckdb.ConnectionException):  # the kept one was closed, not left open
        con.execute("SELECT 1")
    again.close()


def test_a_kept_writer_whose_file_is_busy_is_dropped_and_the_writer_told_in_one_line(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    db.close_for_now(con)
    holder = duckdb.connect(str(path))  # another DuckDB of this process has the file open now
    try:
        with pytest.raises(db.WarehouseBusy, match=r"is open already in this process"):
            db.connect(path)
    finally:
        holder.close()
    with pytest.raises(duckdb.ConnectionException):
        con.execute("SELECT 1")
    again = db.connect(path)
    assert again.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    again.close()


def test_a_writer_closed_at_once_is_not_kept(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    con.close()
    assert connection._KEPT == {}
    again = db.connect(path)
    assert again is not con
    again.close()
