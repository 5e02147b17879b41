"""The warehouse on DuckLake with its catalog in a real PostgreSQL (tests/postgres.py): migrations, many
writers at once, a killed writer, a lost commit race, maintenance, and what a user can get wrong. (The
same history on a DuckDB file and on a DuckLake, compared table by table and command by command:
tests/test_ducklake_history.py, a file of its own so that two test workers share the DuckLake tests.)"""

from __future__ import annotations

import functools
import gzip
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from tests import cli
from tests.conftest import CAPTURES, SHARED

#: every test here runs real refreshes (or PostgreSQL, or a Prefect server): `pytest -m 'not slow'` skips them
pytestmark = pytest.mark.slow

DAYS = SHARED / "data" / "openrouter"
#: real days of OpenRouter's model list loaded into both backends (parse + load: fixed fetch times)
LOADED = ["2025-11-07", "2025-11-18", "2026-03-03"]
#: columns that hold the wall clock of the machine that ran the load (a crawl's fetch time, a run's
#: start and end) or Prefect's id for the run, not anything the pages said: they differ between any two
#: runs of the same replay
WALL_CLOCK = {"started_at", "finished_at", "fetched_at", "flow_run_id"}


#: where the refreshes below keep Prefect's records when the caller set no PREFECT_HOME (CI sets one):
#: a refresh of a lake keeps them in the working directory, which is the checkout here
PREFECT_RECORDS = Path(tempfile.mkdtemp(prefix="modeltrail-test-prefect-"))


def records_env(env=None):
    """PREFECT_RECORDS as PREFECT_HOME unless the caller set one, then env over it."""
    return {**({} if "PREFECT_HOME" in os.environ else {"PREFECT_HOME": str(PREFECT_RECORDS)}), **(env or {})}


def mt(*args, input=None, check=True, timeout=300, env=None):
    return cli.run(*args, input=input, timeout=timeout, env=records_env(env), check=check)


def here(*args, input=None, check=True):
    """`modeltrail ARGS` in this process (tests/cli.py `run_here`): for the commands whose exit code and
    output are what a test reads (loads, reading commands, maintain). Writers racing each other, a killed
    writer and what a process leaves in its working directory stay separate processes (`mt`)."""
    return cli.run_here(*args, input=input, check=check)


def lake_args(lake):
    url, data = lake
    return ["--db", url, "--data-path", data]


def tables():
    from modeltrail.warehouse import transfer
    return [t for t in transfer.tables() if t != "meta"]


def every_row(con) -> dict[str, list[tuple]]:
    """Every table's rows (but meta), as rows_of reads them."""
    return {t: rows_of(con, t) for t in tables()}


def rows_of(con, table: str) -> list[tuple]:
    cols = [c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database() "
        "ORDER BY column_index", [table]).fetchall() if c not in WALL_CLOCK]
    return con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").fetchall()


def lake_reader(lake):
    from modeltrail.warehouse import db
    return db.connect(db.locate(lake[0], lake[1]), read_only=True)


@functools.lru_cache(maxsize=None)
def day_cards(day: str) -> tuple[str, str]:
    """(when it was fetched, the cards `modeltrail parse` prints for it) of one real day, parsed once a
    session: the same for every warehouse it is loaded into."""
    stamps = dict(line.split("\t") for line in (DAYS / "index.tsv").read_text().splitlines()[1:])
    body = Path(tempfile.mkdtemp(prefix="modeltrail-test-day-")) / f"{day}.json"
    body.write_bytes(gzip.decompress((DAYS / f"{day}.json.gz").read_bytes()))
    when = stamps[f"{day}.json.gz"].strip()
    cards = cli.run_here("parse", "--source", "openrouter", "--url", "https://openrouter.ai/api/v1/models",
                         "--fetched-at", when, str(body), check=True).stdout
    return when, cards


def load_days(args: list[str], tmp: Path) -> None:
    for day in LOADED:
        when, cards = day_cards(day)
        here("load", "-", "--source", "openrouter", "--observed-at", when, *args, input=cards)


def test_every_migration_runs_on_ducklake_and_ends_with_the_files_schema(lake):
    from modeltrail.warehouse import db, migrate
    con = db.connect(db.locate(*lake))
    try:
        assert migrate.version_of(con) == migrate.LATEST
        assert migrate._objects(con) == migrate.expected()  # every table, column, view and macro
        assert con.execute("SELECT * FROM vendors").fetchall() == [("openai", "openai")]
        aliases = con.execute("SELECT count(*) FROM model_aliases").fetchone()[0]
    finally:
        con.close()
    con = db.connect(db.locate(*lake))  # a second writer changes nothing: no new snapshot, no second seed
    try:
        snapshots = con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone()[0]
        assert con.execute("SELECT count(*) FROM model_aliases").fetchone()[0] == aliases
        assert con.execute("SELECT count(*) FROM vendors").fetchone()[0] == 1
    finally:
        con.close()
    con = db.connect(db.locate(*lake))
    assert con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone()[0] == snapshots
    con.close()


def current_duplicates(con) -> int:
    return con.execute("""
        SELECT (SELECT count(*) FROM (SELECT source, source_model_id FROM model_cards_history WHERE valid_to IS NULL
                                      GROUP BY ALL HAVING count(*) > 1))
             + (SELECT count(*) FROM (SELECT source, source_model_id, kind, tier FROM prices_history
                                      WHERE valid_to IS NULL GROUP BY ALL HAVING count(*) > 1))
             + (SELECT count(*) FROM (SELECT source, source_model_id, reported_name, setting FROM benchmarks_history
                                      WHERE valid_to IS NULL GROUP BY ALL HAVING count(*) > 1))""").fetchone()[0]


def refresh_proc(lake, *args):
    return cli.popen("refresh", *args, "--replay", *lake_args(lake), env=records_env())


@pytest.fixture
def prefect_database():
    """Prefect's database in this session's PREFECT_HOME, made before two refreshes start at once: the
    first refresh in a new PREFECT_HOME creates it, and two doing so at the same moment race on SQLite
    (`local API could not start`). (In the whole suite an earlier refresh has made it; run alone, this
    file's first refresh may be one of the two.)"""
    from modeltrail.flows.local_api import local_api
    with local_api():
        pass


def test_two_refreshes_of_different_sources_at_once_both_complete(lake, prefect_database):
    procs = [refresh_proc(lake, "azure", "openai"), refresh_proc(lake, "openrouter", "leaderboard")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
    con = lake_reader(lake)
    try:
        runs = con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall()
        assert runs == [(1, "complete"), (2, "complete")]
        per_run = dict(con.execute("SELECT run_id, list(source ORDER BY source) FROM source_runs GROUP BY ALL").fetchall())
        assert sorted(per_run.values()) == [["azure", "openai"], ["leaderboard", "openrouter"]]
        assert current_duplicates(con) == 0
        versions = con.execute("SELECT count(*) FROM model_cards_history").fetchone()[0] + \
            con.execute("SELECT count(*) FROM prices_history").fetchone()[0] + \
            con.execute("SELECT count(*) FROM benchmarks_history").fetchone()[0]
        added = con.execute("SELECT sum(versions_added) FROM source_runs").fetchone()[0]
        assert versions == added > 0
        # every version both runs opened is in the change feed, identity included
        assert con.execute("SELECT count(*) FROM model_identity").fetchone()[0] == \
            con.execute("SELECT count(DISTINCT (source, source_model_id)) FROM card_state").fetchone()[0]
    finally:
        con.close()
    changes = here("changes", "--format", "csv", *lake_args(lake)).stdout.splitlines()[1:]
    assert {line.split(",")[1] for line in changes} >= {"azure", "openai", "openrouter", "leaderboard"}


#: `modeltrail refresh ARGS` whose load stops inside its transaction (holding the source's lock) until the
#: file argv[1] exists: a test decides when the first writer lets go, instead of racing a quick replay
HELD_REFRESH = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from modeltrail.warehouse import load
    real, release = load.judge_unstated, Path(sys.argv[1])
    def hold(*args):
        real(*args)
        print("in the transaction", flush=True)
        deadline = time.monotonic() + 240
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    load.judge_unstated = hold
    from modeltrail.cli import main
    main(sys.argv[2:], prog_name="modeltrail")
""")


def test_two_refreshes_of_the_same_source_wait_for_each_other(lake, tmp_path):
    script, release = tmp_path / "held.py", tmp_path / "release"
    script.write_text(HELD_REFRESH)
    first = subprocess.Popen([sys.executable, str(script), str(release), "refresh", "azure", "--replay", *lake_args(lake)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.environment(records_env()))
    second = None
    try:
        line = first.stdout.readline()
        assert line.strip() == "in the transaction", (line, first.stderr.read()[-2000:] if first.poll() is not None else "")
        holder = wait_for_lock(lake, "azure")
        assert holder.startswith("modeltrail ")
        refused = mt("refresh", "azure", "--replay", "--wait", "0", *lake_args(lake), check=False)
        assert refused.returncode != 0 and "is being written by modeltrail" in refused.stderr, refused.stderr
        second = refresh_proc(lake, "azure")  # waits (default --wait), then runs
        told = second.stderr.readline()
        while told and "waiting for azure" not in told:
            told = second.stderr.readline()
        assert "waiting for azure" in told and "held by modeltrail" in told, told
    finally:
        release.touch()
    out1, out2 = first.communicate(timeout=300), second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), (out1[1][-2000:], out2[1][-2000:])
    assert "waiting for azure" not in out1[1]
    con = lake_reader(lake)
    try:
        assert current_duplicates(con) == 0
        assert con.execute("SELECT run_id, versions_added FROM source_runs ORDER BY run_id").fetchall()[1][1] == 0
    finally:
        con.close()


def wait_for_lock(lake, name: str, timeout: float = 60) -> str:
    """The application_name of the connection holding the advisory lock `name` (bounded poll)."""
    import psycopg

    from modeltrail.warehouse import db, lake as dl
    where = db.locate(lake[0])
    deadline = time.monotonic() + timeout
    with psycopg.connect(where.conninfo, autocommit=True) as pg:
        while time.monotonic() < deadline:
            row = pg.execute("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                             "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s",
                             (dl.NAMESPACE, dl.lock_key(name))).fetchone()
            if row:
                return row[0]
            time.sleep(0.1)
    raise AssertionError(f"nobody took the lock of {name} in {timeout} s")


KILLED_LOADER = textwrap.dedent("""
    import os, sys, time
    from modeltrail.warehouse import db, load
    from modeltrail.pipelines.handover import SourceLoad
    from modeltrail.pipelines.records import ModelCard
    from datetime import datetime, timezone
    real = load.judge_unstated
    def stall(*args):  # inside the load's transaction, after its archive and before its merge
        real(*args)
        print("in the transaction", flush=True)
        time.sleep(120)
    load.judge_unstated = stall
    where = db.locate(sys.argv[1], sys.argv[2])
    with db.writing(where, sources=["openrouter"], command="doomed") as con:
        when = datetime(2026, 3, 30, tzinfo=timezone.utc)
        run_id = db.start_run(con, "load", when)
        cards = [ModelCard(source="openrouter", source_model_id=f"doomed/m{i}", model_id=None, name=f"m{i}",
                           url="https://openrouter.ai/api/v1/models", fetched_at=when, page_sha256="0" * 64,
                           parser_version="t", context_window=1000 + i) for i in range(500)]
        db.load_source(con, run_id, when, SourceLoad("openrouter", "complete", cards=cards))
""")


def test_a_writer_killed_mid_load_leaves_no_half_snapshot(lake, tmp_path):
    here("refresh", "openrouter", "--replay", "--observed-at", "2026-03-20T00:00:00Z", *lake_args(lake))
    con = lake_reader(lake)
    before = every_row(con)
    con.close()
    script = tmp_path / "doomed.py"
    script.write_text(KILLED_LOADER)
    proc = subprocess.Popen([sys.executable, str(script), *lake], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "in the transaction", proc.stderr.read()[-2000:]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    con = lake_reader(lake)
    try:
        after = every_row(con)
        # the run was started (its row committed before the load); nothing of its load is visible
        assert [r for r in after["runs"] if r not in before["runs"]] == \
            [r for r in after["runs"] if r[0] == max(x[0] for x in after["runs"])]
        assert {t: v for t, v in after.items() if t != "runs"} == {t: v for t, v in before.items() if t != "runs"}
    finally:
        con.close()
    # the next run takes the lock the dead writer held (the server dropped it) and completes
    proc = here("refresh", "openrouter", "--replay", "--wait", "30", *lake_args(lake))
    assert proc.stdout.startswith("run ")
    con = lake_reader(lake)
    try:
        assert current_duplicates(con) == 0
        assert con.execute("SELECT count(*) FROM card_state WHERE source_model_id LIKE 'doomed/%'").fetchone()[0] == 0
    finally:
        con.close()


def test_a_load_that_loses_a_commit_race_runs_again_whole(lake, monkeypatch):
    """Two writers of different sources: B commits a change to card_state while A's load is inside its
    transaction; A's commit conflicts, A runs again from the load as handed over, and both are kept."""
    from datetime import datetime, timezone

    from modeltrail.pipelines.handover import SourceLoad
    from modeltrail.pipelines.records import ModelCard
    from modeltrail.warehouse import db, load
    where = db.locate(*lake)
    a, b = db.connect(where), db.connect(where)
    when = datetime(2026, 4, 1, tzinfo=timezone.utc)

    def cards(source, n):
        return [ModelCard(source=source, source_model_id=f"{source}/m{i}", model_id=None, name=f"m{i}", url="https://x.test/",
                          fetched_at=when, page_sha256="0" * 64, parser_version="t", context_window=8000)
                for i in range(n)]
    rb = db.start_run(b, "load", when)
    db.load_source(b, rb, when, SourceLoad("azure", "complete", cards=cards("azure", 3)))
    ra = db.start_run(a, "load", when)
    calls = []
    real = load.judge_unstated

    def race(trial, carried):
        real(trial, carried)
        if trial.source != "openrouter":
            return
        trial.notes.append("noted once per attempt")
        calls.append(1)
        if len(calls) == 1:  # B writes card_state (its source's rows) while A is inside its transaction
            db.load_source(b, rb + 100, datetime(2026, 4, 2, tzinfo=timezone.utc),
                           SourceLoad("azure", "complete", cards=cards("azure", 2)))
    monkeypatch.setattr(load, "judge_unstated", race)
    handed = SourceLoad("openrouter", "complete", cards=cards("openrouter", 4), notes=["from the crawl"])
    result = db.load_source(a, ra, when, handed)
    assert len(calls) == 2  # lost the race once, then committed
    assert result.versions_added == 4
    assert handed.notes == ["from the crawl", "noted once per attempt"]
    assert a.execute("SELECT source, count(*) FROM card_state GROUP BY ALL ORDER BY ALL").fetchall() == \
        [("azure", 3), ("openrouter", 4)]
    assert a.execute("SELECT notes FROM source_runs WHERE run_id = ?", [ra]).fetchone()[0] == \
        ["from the crawl", "noted once per attempt"]
    a.close()
    b.close()


@pytest.mark.parametrize("db, data_path, said", [
    ("ducklake:mysql://u@h/db", None, "ducklake:postgres://USER@HOST:PORT/DBNAME"),
    ("ducklake:postgres://u:secret@127.0.0.1:1/db", "/tmp/x", "cannot reach the catalog"),
    ("ducklake:postgres://127.0.0.1/", None, "needs a host and a database name"),
])
def test_a_wrong_ducklake_url_is_one_line_without_its_password(db, data_path, said):
    proc = mt("status", "--db", db, *(["--data-path", data_path] if data_path else []), check=False)
    assert proc.returncode != 0
    assert said in proc.stderr and "Traceback" not in proc.stderr and "secret" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_new_lake_needs_a_data_path_and_an_empty_one_is_no_warehouse(postgres):
    url = postgres.url(postgres.new_database())
    proc = mt("refresh", "openrouter", "--replay", "--db", url, check=False,
              env={"MODELTRAIL_DATA_PATH": ""})
    assert proc.returncode != 0 and "give --data-path DIR" in proc.stderr, proc.stderr
    proc = mt("history", "openai/gpt-4o", "--db", url, check=False)
    assert proc.returncode != 0 and f"no warehouse at {url}" in proc.stderr, proc.stderr
    proc = mt("status", "--format", "csv", "--db", url, check=False)
    assert proc.returncode == 2 and f"no warehouse at {url}" in proc.stderr, proc.stderr


def test_the_ducklake_extensions_load_from_their_wheels_only():
    from modeltrail.warehouse import lake
    files = lake.extension_files()
    assert [f.name for f in files] == ["postgres_scanner.duckdb_extension", "ducklake.duckdb_extension"]
    assert all("site-packages" in str(f) and f"v{duckdb.__version__}" in str(f) for f in files)


def test_a_writer_loads_the_extensions_signature_checked_once_per_process_and_readers_always(lake):
    """DuckDB checks an extension file's signature at each LOAD (~0.25 s a connect for the two files):
    the first writer of a process loads them checked; later writers skip the check only while each file
    is the one checked (same inode, size and modification time); readers always check."""
    from modeltrail.warehouse import db, lake as lakemod
    from modeltrail.warehouse.location import locate
    where = locate(*lake)
    unchecked = "SELECT current_setting('allow_unsigned_extensions')"
    lakemod._VERIFIED.clear()
    for expected in (False, True, True):
        con = db.connect(where)
        try:
            assert con.execute(unchecked).fetchone()[0] is expected
        finally:
            con.close()
    assert set(lakemod._VERIFIED) == {str(f) for f in lakemod.extension_files()}
    reader = db.connect(where, read_only=True)
    assert reader.execute(unchecked).fetchone()[0] is False
    reader.close()
    # a file that is not the one checked (here: its recorded modification time differs): checked again
    first = str(lakemod.extension_files()[0])
    dev, ino, size, mtime = lakemod._VERIFIED[first]
    lakemod._VERIFIED[first] = (dev, ino, size, mtime + 1)
    con = db.connect(where)
    assert con.execute(unchecked).fetchone()[0] is False
    con.close()
    con = db.connect(where)
    assert con.execute(unchecked).fetchone()[0] is True
    con.close()


def test_a_password_in_the_url_reaches_no_record(lake, tmp_path):
    """(The test cluster trusts 127.0.0.1, so any password connects.) The refresh works, and neither its
    output nor Prefect's records of the run (kept in the working directory) hold the password."""
    url = lake[0].replace("postgres@", "postgres:s3cret-pw@")
    proc = cli.run("refresh", "openrouter", "--replay", "--db", url, "--data-path", lake[1], cwd=tmp_path,
                   env={"PREFECT_API_URL": None, "PREFECT_HOME": None})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "s3cret" not in proc.stdout + proc.stderr
    records = [p for p in (tmp_path / ".ducklake.prefect").rglob("*") if p.is_file()]
    assert records and not any(b"s3cret" in p.read_bytes() for p in records)
    assert mt("sql", "SELECT count(*) AS n FROM runs", "--db", url, "--format", "csv").stdout == "n\n1\n"


def test_maintain_compacts_a_lake_and_changes_no_row(lake, tmp_path):
    load_days(lake_args(lake), tmp_path)
    con = lake_reader(lake)
    before = every_row(con)
    files = con.execute("SELECT sum(file_count) FROM ducklake_table_info('lake')").fetchone()[0]
    con.close()
    out = here("maintain", *lake_args(lake)).stdout
    assert out.startswith(f"{lake[0]}: {files} data files")
    con = lake_reader(lake)
    try:
        assert every_row(con) == before
        assert con.execute("SELECT sum(file_count) FROM ducklake_table_info('lake')").fetchone()[0] < files
    finally:
        con.close()
    # a DuckDB file is copied into a fresh one (tests/test_compact.py); there must be one
    missing = here("maintain", "--db", str(tmp_path / "w.duckdb"), check=False)
    assert missing.returncode == 1 and missing.stderr == f"Error: no warehouse at {tmp_path / 'w.duckdb'} (nothing to maintain)\n"
    here("remap", "--db", str(tmp_path / "w.duckdb"))
    out = here("maintain", "--db", str(tmp_path / "w.duckdb")).stdout
    assert re.fullmatch(rf"{re.escape(str(tmp_path / 'w.duckdb'))}: [\d.]+ MiB -> [\d.]+ MiB"
                        r"( \(already compact: the file was kept\))?\n", out), out


def test_maintain_can_expire_old_snapshots_without_changing_history(lake, tmp_path):
    """`maintain --keep-snapshots DAYS` gives back what DuckLake's time travel keeps (old snapshots and
    the files only they read); every row of every table stays. A DuckDB file has no snapshots: the option
    is refused there in one line, and the file is not touched."""
    load_days(lake_args(lake), tmp_path)
    data = Path(lake[1])

    def on_disk():
        return sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    con = lake_reader(lake)
    before = every_row(con)
    snapshots = con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone()[0]
    con.close()
    here("maintain", *lake_args(lake))  # compacted first: what is left on disk beyond it is time travel
    compacted = on_disk()
    out = here("maintain", "--keep-snapshots", "0", *lake_args(lake)).stdout
    assert "snapshots expired" in out and "files deleted" in out, out
    con = lake_reader(lake)
    try:
        assert every_row(con) == before
        assert con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone()[0] < snapshots
    finally:
        con.close()
    assert on_disk() < compacted
    file = tmp_path / "w.duckdb"
    here("remap", "--db", str(file))
    size = file.stat().st_size
    refused = here("maintain", "--keep-snapshots", "1", "--db", str(file), check=False)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert "--keep-snapshots is for a DuckLake" in refused.stderr and file.stat().st_size == size




def test_a_lake_writer_closed_for_now_stays_attached_for_the_next_one_unless_it_cannot_be_used(lake):
    """A refresh closes its writer while it crawls (close_for_now): on a lake, it stays attached and the
    load's connect takes it (no new instance, no ATTACH: ~110 ms); one that cannot be used any more is
    closed and a new writer opens as usual (tests/test_kept_writer.py: the file's side)."""
    from datetime import datetime, timezone

    from modeltrail.pipelines.handover import SourceLoad
    from modeltrail.pipelines.records import ModelCard
    from modeltrail.warehouse import connection, db
    where = db.locate(*lake)
    when = datetime(2026, 4, 1, tzinfo=timezone.utc)
    con = db.connect(where)
    run_id = db.start_run(con, "load", when)
    db.close_for_now(con)
    again = db.connect(where)
    assert again is con
    card = ModelCard(source="azure", source_model_id="m0", model_id=None, name="m0", url="https://x.test/",
                     fetched_at=when, page_sha256="0" * 64, parser_version="t")
    assert db.load_source(again, run_id, when, SourceLoad("azure", "complete", cards=[card])).versions_added == 1
    db.close_for_now(again)
    again.execute("USE memory")  # (as if its catalog went away: its tables cannot be read)
    again.execute(f"DETACH {connection.lake.ALIAS}")
    fresh = db.connect(where)
    assert fresh is not again
    with pytest.raises(duckdb.ConnectionException):
        again.execute("SELECT 1")
    assert fresh.execute("SELECT count(*) FROM model_cards_history WHERE run_id = ?", [run_id]).fetchone() == (1,)
    fresh.close()
    assert connection._KEPT == {}
