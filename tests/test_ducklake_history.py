"""The same history on a DuckDB file and on a DuckLake (its catalog in a real PostgreSQL, tests/postgres.py):
three real OpenRouter days and a replay of every source loaded into both, then compared table by table,
command by command and export by export; `migrate --to`, reparse, undo and backfill-git do the same on
both. (Writers, locks, maintenance and wrong urls: tests/test_ducklake.py.)"""

from __future__ import annotations

import duckdb
import pytest

from tests.test_ducklake import DAYS, here, lake_args, lake_reader, load_days, rows_of, tables

#: every test here runs real refreshes (or PostgreSQL, or a Prefect server): `pytest -m 'not slow'` skips them
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def both(postgres, tmp_path_factory):
    """The same history in a DuckDB file and in a DuckLake: three real OpenRouter days, then a replay of
    every bundled source, then an alias added."""
    tmp = tmp_path_factory.mktemp("both")
    file_args = ["--db", str(tmp / "w.duckdb")]
    lake = (postgres.url(postgres.new_database()), str(tmp / "lake-data"))
    for args in (file_args, lake_args(lake)):
        load_days(args, tmp)
        here("refresh", "--replay", "--observed-at", "2026-03-20T06:00:00Z", *args, check=False)
        here("alias", "add", "GPT-4o (2024-11-20)", "openai/gpt-4o", *args)
    return tmp / "w.duckdb", lake


def test_the_same_runs_give_the_same_tables_in_a_file_and_in_ducklake(both):
    file, lake = both
    f = duckdb.connect(str(file), read_only=True)
    k = lake_reader(lake)
    try:
        for table in tables():
            a, b = rows_of(f, table), rows_of(k, table)
            assert len(a) == len(b), table
            assert [r for r in a if r not in b] == [r for r in b if r not in a] == [], table
        assert f.execute("SELECT count(*) FROM prices_history").fetchone()[0] > 1000  # real history, not a toy
    finally:
        f.close()
        k.close()


@pytest.mark.parametrize("command", [
    ["history", "openai/gpt-4o", "--format", "csv"],
    ["changes", "--format", "csv"],
    ["compare", "openai/gpt-4o", "--format", "csv"],
    ["sql", "SELECT * FROM prices_as_of(TIMESTAMPTZ '2026-03-04') ORDER BY ALL", "--format", "csv"],
    ["sql", "SELECT source, count(*) FROM prices GROUP BY ALL ORDER BY ALL", "--format", "json"],
    ["unmatched", "--format", "csv"],
    ["alias", "list", "--format", "csv"],
    ["runs", "--format", "csv"],
    ["lifecycle", "--format", "csv"],
    ["deprecations", "--past", "--today", "2026-03-04", "--format", "csv"],
])
def test_reading_commands_print_the_same_on_both(both, command):
    file, lake = both
    on_file = here(*command, "--db", str(file)).stdout
    on_lake = here(*command, *lake_args(lake)).stdout
    assert on_file == on_lake
    assert on_file.strip()


def test_exports_are_the_same_on_both(both, tmp_path):
    file, lake = both
    here("export", "--out", str(tmp_path / "f"), "--as-of", "2026-03-04T00:00:00Z", "--db", str(file))
    here("export", "--out", str(tmp_path / "k"), "--as-of", "2026-03-04T00:00:00Z", *lake_args(lake))
    names = sorted(p.name for p in (tmp_path / "f").iterdir())
    assert names and names == sorted(p.name for p in (tmp_path / "k").iterdir())
    for name in names:
        assert (tmp_path / "f" / name).read_bytes() == (tmp_path / "k" / name).read_bytes(), name


def test_sql_stays_read_only_on_ducklake(both):
    _, lake = both
    catalog = "__ducklake_metadata_lake"
    for stmt, said in [("DELETE FROM runs", "read-only"), ("ATTACH 'x.duckdb'", "read-only"),
                       ("SELECT * FROM read_csv('/etc/hostname')", "disabled by configuration"),
                       ("SELECT * FROM ducklake_expire_snapshots('lake', older_than => now())", "read-only mode"),
                       # the postgres extension's own functions reach the catalog database directly
                       (f"SELECT * FROM postgres_execute('{catalog}', 'COMMIT; CREATE TABLE pwned (a int)')",
                        "does not run postgres_execute()"),
                       (f"SELECT * FROM query('SELECT * FROM postgres_execute(''{catalog}'', ''COMMIT'')')",
                        "does not run query()")]:
        proc = here("sql", stmt, *lake_args(lake), check=False)
        assert proc.returncode != 0 and said in proc.stderr, (stmt, proc.stderr)
        assert "Traceback" not in proc.stderr
    import psycopg

    from modeltrail.warehouse import db
    with psycopg.connect(db.locate(lake[0]).conninfo) as pg:
        assert pg.execute("SELECT to_regclass('pwned')").fetchone() == (None,)
    assert lake_reader(lake).execute("SELECT count(*) FROM runs").fetchone()[0] > 0
    # what it may read: the lake's snapshots (time travel)
    assert here("sql", "SELECT count(*) > 0 AS some FROM ducklake_snapshots('lake')", *lake_args(lake),
              "--format", "csv").stdout.splitlines() == ["some", "True"]



def test_migrate_to_copies_a_file_warehouse_without_changing_history(both, postgres, tmp_path):
    file, _ = both
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(file.read_bytes())
    target = (postgres.url(postgres.new_database()), str(tmp_path / "lake-data"))
    proc = here("migrate", "--db", str(copy), "--to", target[0], "--data-path", target[1])
    assert "prices_history" in proc.stdout
    f = duckdb.connect(str(copy), read_only=True)
    k = lake_reader(target)
    try:
        for table in tables():  # every column, wall clock included: nothing is recomputed
            cols = ", ".join(c for (c,) in f.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]).fetchall())
            assert f.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall() == \
                k.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall(), table
    finally:
        f.close()
        k.close()
    assert here("history", "openai/gpt-4o", "--format", "csv", "--db", str(copy)).stdout == \
        here("history", "openai/gpt-4o", "--format", "csv", *lake_args(target)).stdout
    again = here("migrate", "--db", str(copy), "--to", target[0], check=False)
    assert again.returncode != 0 and "already holds a warehouse" in again.stderr
    # the copied lake goes on: a refresh on it is judged against the copied runs (the bundled capture
    # holds 13 of the 342 models the real days had: partial, exit code 3, nothing removed)
    proc = here("refresh", "openrouter", "--replay", *lake_args(target), check=False)
    assert proc.returncode == 3 and "card count fell from 342 to 13" in proc.stdout, proc.stdout + proc.stderr



def test_reparse_and_undo_do_the_same_on_both(both, postgres, tmp_path):
    """The writing commands beyond refresh and load: the file's history copied into a lake (migrate --to),
    then the same reparse and undo on the file and on the lake end with the same tables."""
    file, _ = both
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(file.read_bytes())
    target = (postgres.url(postgres.new_database()), str(tmp_path / "lake-data"))
    here("migrate", "--db", str(copy), "--to", target[0], "--data-path", target[1])
    for args in (["--db", str(copy)], lake_args(target)):
        refused = here("reparse", "--source", "openrouter", *args, check=False)  # its loads have no pages
        assert refused.returncode == 1 and "run(s) 1, 2, 3 loaded cards without fetching" in refused.stderr
        out = here("reparse", "--source", "azure", "--source", "openai", *args).stdout
        assert out.startswith("azure: 1 runs re-parsed, 0 history rows changed"), out
        last = here("sql", "SELECT max(run_id) AS r FROM runs", *args, "--format", "csv").stdout.split()[1]
        assert here("runs", "undo", last, *args).stdout.startswith(f"run {int(last) + 1}: undid run {last}")
        here("remap", *args)
    f = duckdb.connect(str(copy), read_only=True)
    k = lake_reader(target)

    def rows(con, table):  # (an undo is observed when it runs: its time is the wall clock too)
        found = rows_of(con, table)
        return [r[:2] + (None,) + r[3:] if table == "runs" and r[1] == "undo" else r for r in found]
    try:
        for table in tables():
            a, b = rows(f, table), rows(k, table)
            assert [r for r in a if r not in b] == [r for r in b if r not in a] == [], table
        assert f.execute("SELECT status FROM runs WHERE run_id = ?", [int(last)]).fetchone() == ("undone",)
    finally:
        f.close()
        k.close()


def test_backfill_from_git_gives_the_same_history_on_both(postgres, tmp_path):
    """backfill-git of five real days of OpenRouter's model list (a git repository built from
    ../shared/data) into a file and into a lake: the same tables."""
    from bench.gitrepo import build
    repo = build(DAYS, tmp_path / "archive", "openrouter/models.json", days=5)
    target = (postgres.url(postgres.new_database()), str(tmp_path / "lake-data"))
    file_args = ["--db", str(tmp_path / "w.duckdb")]
    for args in (file_args, lake_args(target)):
        here("backfill-git", str(repo), "openrouter/models.json", "--source", "openrouter", *args)
    f = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    k = lake_reader(target)
    try:
        assert f.execute("SELECT count(*) FROM prices_history").fetchone()[0] > 1000  # real history
        for table in tables():
            a, b = rows_of(f, table), rows_of(k, table)
            assert [r for r in a if r not in b] == [r for r in b if r not in a] == [], table
    finally:
        f.close()
        k.close()
