"""Schema versions (warehouse/migrate.py): a warehouse made by an earlier modeltrail - the first commit's
schema and views (migration 0001 and tests/fixtures/warehouse/views_dc9fd43.sql), with history in it -
is read or told to migrate, migrates without losing a row, and a warehouse from a newer modeltrail is
refused, unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from modeltrail.warehouse import migrate, sqlfiles
from modeltrail.warehouse.errors import WarehouseError
from modeltrail.warehouse.db import _split
from tests.cli import run_here

OLD_VIEWS = Path(__file__).parent / "fixtures" / "warehouse" / "views_dc9fd43.sql"


def mt(*args):
    """`modeltrail ARGS` in this process (tests/cli.py `run_here`): its exit code and what it printed are
    what these tests read, and no interpreter (and Prefect) is started for each of them."""
    return run_here(*args)


@pytest.fixture
def old_warehouse(tmp_path):
    """A warehouse as the first commit's code made it, holding one run and one card version."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for stmt in migrate.statements(migrate.MIGRATIONS[0][1]):
        con.execute(stmt)
    for stmt in _split(OLD_VIEWS.read_text()):
        con.execute(stmt)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO runs (run_id, kind, observed_at, started_at, finished_at, status) VALUES "
                "(1, 'replay', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 'complete')")
    con.execute("""INSERT INTO model_cards_history (source, source_model_id, name, organization, context_window,
                   input_modalities, output_modalities, capabilities, reasoning_efforts, row_hash, valid_from,
                   run_id, url, fetched_at, page_sha256, parser_version)
                   VALUES ('azure', 'o3-mini', 'o3-mini', 'OpenAI', 200000, [], [], [], [], 'h1',
                   '2025-01-01T00:00:00Z', 1, 'https://ai.azure.com/catalog/models/o3-mini', '2025-01-01T00:00:00Z',
                   'abc', 'azure/1')""")
    con.close()
    return path


def digest(path: Path, table: str) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_every_schema_1_warehouse_ends_up_with_the_same_tables():
    """Schema-1 warehouses were made from the first commit's schema (0001) or from a later schema.sql
    (what 0002 is); either way the migrations give the same tables, columns and types."""
    def tables(con):
        return set(con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                               "WHERE table_name IN (SELECT table_name FROM duckdb_tables())").fetchall())
    from_baseline, from_later = duckdb.connect(":memory:"), duckdb.connect(":memory:")
    for con, migrations in ((from_baseline, migrate.MIGRATIONS), (from_later, migrate.MIGRATIONS[1:])):
        for _, name in migrations:
            for stmt in migrate.statements(name):
                con.execute(stmt)
    assert tables(from_baseline) == tables(from_later) and len(tables(from_later)) > 100
    assert ("model_cards_history", "model_id", "VARCHAR") in tables(from_baseline)


@pytest.mark.slow
def test_an_old_warehouse_says_migrate_then_migrates_without_losing_history(old_warehouse):
    before = digest(old_warehouse, "model_cards_history")
    r = mt("history", "o3-mini", "--db", str(old_warehouse))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "made by an older modeltrail (schema 1" in r.stderr
    assert f"run `modeltrail migrate --db {old_warehouse}`" in r.stderr and "model_history" in r.stderr
    r = mt("migrate", "--db", str(old_warehouse))
    assert r.returncode == 0 and r.stdout.strip() == f"{old_warehouse}: schema 1 -> {migrate.LATEST}"
    with duckdb.connect(str(old_warehouse), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(migrate.LATEST),)
        cols = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() "
                                          "WHERE table_name = 'model_cards_history'").fetchall()}
    assert {"listed_date", "hugging_face_id"} <= cols
    # every row is still there (the new columns are empty)
    with duckdb.connect(str(old_warehouse), read_only=True) as con:
        assert con.execute("SELECT source_model_id, context_window, listed_date FROM model_cards_history"
                           ).fetchall() == [("o3-mini", 200000, None)]
    r = mt("history", "o3-mini", "--field", "context_window", "--format", "csv", "--db", str(old_warehouse))
    assert r.returncode == 0, r.stderr
    assert "200000" in r.stdout
    assert mt("migrate", "--db", str(old_warehouse)).stdout.strip().endswith("up to date")
    assert digest(old_warehouse, "runs") and before  # (read back fine)


@pytest.mark.slow
def test_an_older_number_with_everything_present_reads_without_migrating(tmp_path):
    """A warehouse whose number lags but which holds every table, column, view and macro is read."""
    path = tmp_path / "w.duckdb"
    assert mt("refresh", "openrouter", "--replay", "--db", str(path)).returncode == 0
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    r = mt("changes", "--format", "csv", "--db", str(path))
    assert r.returncode == 0 and "added" in r.stdout


@pytest.mark.slow
def test_a_newer_warehouse_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "w.duckdb"
    assert mt("refresh", "openrouter", "--replay", "--db", str(path)).returncode == 0
    newer = migrate.LATEST + 1
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(newer)])
    before = digest(path, "model_cards_history")
    for args in (["history", "gpt-4o-mini"], ["status"], ["refresh", "openrouter", "--replay"], ["migrate"]):
        r = mt(*args, "--db", str(path))
        assert r.returncode != 0 and "Traceback" not in r.stderr, args
        assert f"written by a newer modeltrail (schema {newer}" in r.stderr, (args, r.stderr)
    assert digest(path, "model_cards_history") == before
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(newer),)


SCHEMA3 = Path(__file__).parent / "fixtures" / "warehouse" / "schema3"
SCHEMA3_SOURCES = ("azure", "leaderboard", "openai", "tokenhub", "302ai", "openrouter")


def schema3_warehouse(path: Path) -> None:
    """The warehouse commit 5fdfa90 wrote (schema 3, text hashes; see fixtures/warehouse/schema3)."""
    con = duckdb.connect(str(path))
    for number, name in migrate.MIGRATIONS:
        if number <= 3:
            for stmt in migrate.statements(name):
                con.execute(stmt)
    for table in sorted(p.stem for p in SCHEMA3.glob("*.parquet")):
        con.execute(f"DELETE FROM {table}")  # (the seed rows the migrations insert come back from the file)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)", [str(SCHEMA3 / f"{table}.parquet")])
    con.close()


@pytest.mark.slow
def test_schema_4_keeps_every_version_and_the_next_load_of_the_same_pages_changes_nothing(tmp_path):
    """Migration 0004 turns the text hashes into integers: what a card's hash was is kept (its first 64
    bits), so the same pages loaded again by this code match every stored version; prices and scores,
    compared by value now, match too."""
    path = tmp_path / "w.duckdb"
    schema3_warehouse(path)
    tables = ("model_cards_history", "prices_history", "benchmarks_history", "card_state", "model_identity")

    def content(con, table):
        # the columns schema 3 had (later migrations may add columns: NULL on every old row)
        cols = ", ".join(columns[table])
        return sorted(map(repr, con.execute(f"SELECT {cols} FROM {table}").fetchall()))
    with duckdb.connect(str(path), read_only=True) as con:
        columns = {t: [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [t]).fetchall()
            if c not in ("row_hash", "fingerprint", "model_id", "version")] for t in tables}
        # (model_id and version are identity, derived and re-resolved whenever identity's rules change:
        # compared apart below, by the keys they map)
        before = {t: content(con, t) for t in tables}
        hashes = dict(con.execute("SELECT source || '/' || source_model_id, row_hash FROM model_cards_history").fetchall())
        prints = dict(con.execute("SELECT source || '/' || source_model_id, fingerprint FROM card_state").fetchall())
        before = {**before, "prices_history": sorted(map(repr, con.execute(
                      "SELECT * EXCLUDE (row_hash, model_id) FROM prices_history").fetchall())),
                  "benchmarks_history": sorted(map(repr, con.execute(
                      "SELECT * EXCLUDE (row_hash, model_id) FROM benchmarks_history").fetchall()))}
    assert len(hashes) == 48 and all(len(h) == 32 for h in hashes.values())
    r = mt("migrate", "--db", str(path))
    assert r.returncode == 0 and r.stdout.strip() == f"{path}: schema 3 -> {migrate.LATEST}", r.stderr
    with duckdb.connect(str(path), read_only=True) as con:
        assert {t: content(con, t) for t in tables} == before  # not a row lost or changed
        types = dict(con.execute("SELECT table_name || '.' || column_name, data_type FROM duckdb_columns() "
                                 "WHERE column_name IN ('row_hash', 'fingerprint')").fetchall())
        assert types == {"model_cards_history.row_hash": "UBIGINT", "card_state.fingerprint": "UBIGINT",
                         "sightings.fingerprint": "UBIGINT"}  # (card_state: a view of sightings, migration 5)
        assert dict(con.execute("SELECT source || '/' || source_model_id, row_hash FROM model_cards_history"
                                ).fetchall()) == {k: int(h[:16], 16) for k, h in hashes.items()}
        assert dict(con.execute("SELECT source || '/' || source_model_id, fingerprint FROM card_state"
                                ).fetchall()) == {k: int(h[:16], 16) for k, h in prints.items()}
        # (migration 5: every model seen by its source's latest run - here the only one - follows that run)
        assert con.execute("SELECT count(*), count(last_seen) FROM sightings").fetchone() == (len(prints), 0)
    # the same captures a month later: every card, price and score matches its stored version, but two
    # names: azure's model pages are now read as the catalog API spells a name ("o3-mini", not "OpenAI
    # o3-mini": the two paths agree), so those two move, and nothing else does (no field a later schema
    # added reads as a change: a NULL there and an empty list are the same nothing)
    r = mt("refresh", *SCHEMA3_SOURCES, "--replay", "--observed-at", "2026-12-01T06:00:00Z", "--db", str(path))
    assert r.returncode == 0, r.stderr
    renamed = {"azure/gpt-4o", "azure/o3-mini"}
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT sum(versions_added), sum(versions_closed), count(*) FROM source_runs "
                           "WHERE run_id = 2").fetchone() == (2, 2, 6)
        assert sorted(con.execute("SELECT source || '/' || source_model_id, change_type, field FROM changes "
                                  "WHERE run_id = 2").fetchall()) == [(k, "changed", "name") for k in sorted(renamed)]
        after = {t: content(con, t) for t in tables if t != "card_state"}
    unchanged = [r for r in before["model_cards_history"]
                 if not any(r.startswith(f"('azure', '{k.split('/')[1]}'") for k in renamed)]
    assert [r for r in after["model_cards_history"] if r in unchanged] == unchanged
    assert {t: v for t, v in after.items() if t != "model_cards_history"} == \
        {t: v for t, v in before.items() if t not in ("card_state", "model_cards_history")}
    # and a fresh load of the same pages gives the same hashes as the converted ones (the two renamed aside)
    fresh = tmp_path / "fresh.duckdb"
    assert mt("refresh", *SCHEMA3_SOURCES, "--replay", "--observed-at", "2026-11-01T06:00:00Z",
              "--db", str(fresh)).returncode == 0
    with duckdb.connect(str(fresh), read_only=True) as con:
        got = dict(con.execute("SELECT source || '/' || source_model_id, row_hash FROM model_cards_history").fetchall())
    assert {k: v for k, v in got.items() if k not in renamed} == \
        {k: int(h[:16], 16) for k, h in hashes.items() if k not in renamed}


def test_a_migration_that_fails_half_way_leaves_the_schema_it_found(tmp_path, monkeypatch):
    """Migration 4 drops and remakes tables: stopped after it dropped some (here by a statement that
    fails, as a kill would stop it), nothing of it stays; the next writer migrates from schema 3."""
    from modeltrail.warehouse import db
    path = tmp_path / "w.duckdb"
    schema3_warehouse(path)
    tables = ("model_cards_history", "prices_history", "benchmarks_history", "card_state", "runs", "source_runs")
    with duckdb.connect(str(path), read_only=True) as con:
        before = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    real = migrate.statements

    def broken(name):
        stmts = real(name)
        if name.startswith("0004"):
            cut = next(i for i, s in enumerate(stmts) if s.startswith("DROP TABLE source_runs")) + 1
            return stmts[:cut] + ["SELECT error('stopped half-way')"] + stmts[cut:]
        return stmts
    monkeypatch.setattr(migrate, "statements", broken)
    with pytest.raises(WarehouseError, match="stopped half-way"):
        db.connect(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert migrate.version_of(con) == 3
        assert {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables} == before
    monkeypatch.setattr(migrate, "statements", real)
    con = db.connect(path)
    try:
        assert migrate.version_of(con) == migrate.LATEST
        assert con.execute("SELECT count(*) FROM model_cards_history").fetchone() == (48,)
    finally:
        con.close()


def test_schema_5_keeps_every_sighting_and_stores_only_those_behind_their_source(tmp_path):
    """Migration 0005 moves card_state's rows into `sightings`: a model last seen by its source's latest
    run (not a failed one, not one undone) follows that run; any other keeps its own time. The view
    card_state shows every row as the table held it."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for number, name in migrate.MIGRATIONS:
        if number <= 4:
            for stmt in migrate.statements(name):
                con.execute(stmt)
    t = [f"2026-0{m}-01T06:00:00Z" for m in range(1, 6)]
    con.executemany("INSERT INTO runs (run_id, kind, observed_at, started_at, status) VALUES (?, 'live', ?, ?, ?)",
                    [(1, t[0], t[0], "complete"), (2, t[1], t[1], "complete"), (3, t[2], t[2], "complete"),
                     (4, t[3], t[3], "undone"), (5, t[4], t[4], "complete")])
    con.executemany("INSERT INTO source_runs (run_id, source, status) VALUES (?, ?, ?)",
                    [(1, "azure", "complete"), (2, "azure", "partial"), (4, "azure", "undone"),
                     (1, "openrouter", "complete"), (3, "openrouter", "complete"), (5, "openrouter", "failed")])
    rows = [("azure", "seen-by-2", t[0], t[1], 2, 0, None, 11), ("azure", "missed-by-2", t[0], t[0], 1, 0, None, 12),
            ("openrouter", "seen-by-3", t[0], t[2], 3, 0, None, None), ("openrouter", "gone", t[0], t[0], 1, 2, t[2], 14)]
    con.executemany("INSERT INTO card_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for number, name in migrate.MIGRATIONS:  # 0005, then the later ones (new columns the views read)
        if number >= 5:
            for stmt in migrate.statements(name):
                con.execute(stmt)
    for stmt in _split(sqlfiles._sql("views.sql")):
        con.execute(stmt)
    con.execute("SET TimeZone = 'UTC'")
    shown = sorted(con.execute("SELECT source, source_model_id, strftime(first_seen, '%Y-%m-%dT%H:%M:%SZ'), "
                               "strftime(last_seen, '%Y-%m-%dT%H:%M:%SZ'), last_seen_run, missed_runs, "
                               "strftime(removed_at, '%Y-%m-%dT%H:%M:%SZ'), fingerprint FROM card_state").fetchall())
    assert shown == sorted(rows)
    assert sorted(con.execute("SELECT source_model_id FROM sightings WHERE last_seen IS NULL").fetchall()) == \
        [("seen-by-2",), ("seen-by-3",)]
    con.close()
