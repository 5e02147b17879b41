"""`modeltrail maintain` on a DuckDB file: the warehouse is copied into a fresh file, checked table by
table, and put in its place. Loaded here from real OpenRouter days (../shared/data/openrouter), one
writer session a day as refreshes do, so the file holds the blocks daily checkpoints leave."""

from __future__ import annotations

import gzip
import os
from types import SimpleNamespace

import pytest

from bench.gitrepo import snapshots
from modeltrail.warehouse import compact, db
from tests.cli import invoke
from tests.conftest import OPENROUTER_DAYS, parse_cards

URL = "https://openrouter.ai/api/v1/models"


def mt(*args, input=None):
    return invoke(*args, input=input)


def load_day(path, file, when):
    cards = parse_cards("openrouter", gzip.decompress(file.read_bytes()), URL, when.isoformat())
    res = mt("load", "-", "--source", "openrouter", "--observed-at", when.isoformat(), "--db", str(path),
             input=cards)
    assert res.exit_code == 0, res.output


@pytest.fixture
def loaded(tmp_path):
    path = tmp_path / "w.duckdb"
    days = snapshots(OPENROUTER_DAYS)
    for file, when in days[:6]:
        load_day(path, file, when)
    return path, days


def everything(path):
    """Every row of every table, every view, macro and sequence, and one model's history."""
    con = db.connect(path, read_only=True)
    try:
        tables = [t for (t,) in con.execute(db.query("compact_tables", "compact.sql")).fetchall()]
        rows = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}
        catalog = con.execute(db.query("current_database", "compact.sql")).fetchone()[0]
        schema = db.run_sql(con, db.query("compact_schema", "compact.sql"), {"catalog": catalog}).fetchall()
        model = con.execute("SELECT source_model_id FROM model_cards_history GROUP BY 1 "
                            "ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
        history = con.execute("SELECT * FROM model_history(?, NULL) ORDER BY ALL", [model]).fetchall()
        return rows, schema, history
    finally:
        con.close()


@pytest.mark.slow
def test_maintain_copies_a_file_into_a_smaller_one_with_every_row_view_and_sequence(loaded):
    path, days = loaded
    rows, schema, history = everything(path)
    assert len(rows) >= 15 and len(rows["runs"]) == 6 and len(history) > 1
    assert any(kind == "sequence" and name == "run_ids" for kind, name, _ in schema)
    size = path.stat().st_size
    # a warehouse shared with a group, owned by the user who refreshes it: the copy keeps both
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, 4321, 4321)

    res = mt("maintain", "--db", str(path))
    assert res.exit_code == 0, res.output
    after = path.stat().st_size
    assert path.stat().st_mode & 0o777 == 0o640
    if os.geteuid() == 0:
        assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4321)
    assert after < size and res.output.endswith(f"{path}: {size / 2**20:.1f} MiB -> {after / 2**20:.1f} MiB\n")
    assert everything(path) == (rows, schema, history)
    assert not compact.scratch_path(path).exists() and not path.with_name(path.name + ".wal").exists()

    # the sequence stood where it was: the next load is run 7, and history goes on from the copy
    load_day(path, *days[6])
    con = db.connect(path, read_only=True)
    try:
        assert con.execute("SELECT max(run_id), count(*) FROM runs").fetchone() == (7, 7)
    finally:
        con.close()

    # a file copied already is kept as it is
    size = path.stat().st_size
    mt("maintain", "--db", str(path))
    res = mt("maintain", "--db", str(path))
    assert res.exit_code == 0 and "already compact: the file was kept" in res.output, res.output


@pytest.mark.slow
def test_a_copy_that_differs_never_replaces_the_warehouse(loaded, monkeypatch):
    """The copy is checked before it replaces the file: here it is made without its rows (the schema
    alone), as a copy cut short would be. The warehouse keeps every row; no copy is left beside it."""
    path, _ = loaded
    before = everything(path)
    real = compact.query
    monkeypatch.setattr(compact, "query",
                        lambda name, file: real(name, file) + " (SCHEMA)" if name == "compact_copy" else real(name, file))
    res = mt("maintain", "--db", str(path))
    assert res.exit_code == 1
    assert "compacting: the copy of table" in res.output and "left as it was" in res.output
    assert res.output.count("\n") <= 2 and "Traceback" not in res.output  # the progress line, the error
    assert everything(path) == before and not compact.scratch_path(path).exists()


@pytest.mark.slow
def test_a_copy_left_by_a_killed_maintain_is_discarded(loaded):
    path, _ = loaded
    before = everything(path)
    compact.scratch_path(path).write_bytes(b"half a copy")
    res = mt("maintain", "--db", str(path))
    assert res.exit_code == 0, res.output
    assert everything(path) == before and not compact.scratch_path(path).exists()


@pytest.mark.slow
def test_maintain_waits_for_the_writer_and_says_who_holds_it(loaded):
    path, _ = loaded
    size = path.stat().st_size
    with db.writing(path, command="refresh"):
        res = mt("maintain", "--wait", "1", "--db", str(path))
    assert res.exit_code != 0 and "Traceback" not in res.output, res.output
    assert "is being written by" in res.output and "refresh" in res.output and "(waited 1 s)" in res.output
    assert path.stat().st_size == size and not compact.scratch_path(path).exists()


@pytest.mark.slow
def test_maintain_of_no_warehouse_says_so_and_makes_none(tmp_path):
    res = mt("maintain", "--db", str(tmp_path / "typo.duckdb"))
    assert res.exit_code == 1 and res.output == f"Error: no warehouse at {tmp_path / 'typo.duckdb'} (nothing to maintain)\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_maintain_without_room_for_the_copy_says_so_and_changes_nothing(loaded, monkeypatch):
    path, _ = loaded
    before = everything(path)
    size = path.stat().st_size
    room = SimpleNamespace(total=10 * size, used=9 * size, free=size // 2)  # (shutil.disk_usage's fields)
    monkeypatch.setattr(compact.shutil, "disk_usage", lambda folder: room)
    res = mt("maintain", "--db", str(path))
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"compacting {path} needs up to {size / 2**20:.1f} MiB free beside it; " in res.output
    assert everything(path) == before and not compact.scratch_path(path).exists()


@pytest.mark.slow
def test_the_maintain_flow_compacts_like_the_command(loaded, tmp_path):
    """flows/maintain.py (prefect.yaml's weekly-maintain) does what `modeltrail maintain` does; on a path
    with no warehouse it fails, and makes none."""
    from prefect.testing.utilities import prefect_test_harness
    from modeltrail.flows.maintain import maintain_flow
    path, _ = loaded
    before, size = everything(path), path.stat().st_size
    with prefect_test_harness(server_startup_timeout=120):
        summary = maintain_flow(db_file=str(path))
        with pytest.raises(db.NoWarehouse, match="no warehouse at .* \\(nothing to maintain\\)"):
            maintain_flow(db_file=str(tmp_path / "typo.duckdb"))
    assert summary == f"{path}: {size / 2**20:.1f} MiB -> {path.stat().st_size / 2**20:.1f} MiB"
    assert path.stat().st_size < size and everything(path) == before
    assert not (tmp_path / "typo.duckdb").exists()
