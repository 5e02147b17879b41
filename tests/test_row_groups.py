"""A writer's DuckDB file keeps the rows it adds in row groups of connection.ROW_GROUP_SIZE rows (an ATTACH
option, passed by every writer), and `maintain`'s fresh copy is made of such row groups too: a load's
checkpoint rewrites the row group it appended to, whole (bench/RESULTS.md §13, "Fifth pass")."""

from __future__ import annotations

import pytest

from modeltrail.warehouse import compact, db
from modeltrail.warehouse.connection import ROW_GROUP_SIZE
from modeltrail.warehouse.location import locate

ROWS = ROW_GROUP_SIZE + 1000
STORAGE = "SELECT row_group_id, max(count) FROM pragma_storage_info('filler') GROUP BY 1 ORDER BY 1"


def _filled(path, rows=ROWS):
    con = db.connect(path)
    try:
        con.execute(f"CREATE TABLE filler AS SELECT range AS i, 'row ' || range AS label FROM range({rows})")
    finally:
        con.close()


def test_the_rows_a_writer_adds_are_kept_in_row_groups_of_the_warehouse_size(tmp_path):
    assert ROW_GROUP_SIZE < 122_880 and ROW_GROUP_SIZE % 2048 == 0  # (DuckDB's default; a vector's multiple)
    path = tmp_path / "w.duckdb"
    _filled(path)
    con = db.connect(path, read_only=True)
    try:
        assert con.execute(STORAGE).fetchall() == [(0, ROW_GROUP_SIZE), (1, 1000)]
        assert con.execute("SELECT count(*), sum(i) FROM filler").fetchone() == (ROWS, ROWS * (ROWS - 1) // 2)
    finally:
        con.close()
    assert not (tmp_path / "w.duckdb.wal").exists()  # the writer's close checkpointed the file


def test_maintain_copies_a_file_into_row_groups_of_the_warehouse_size(tmp_path):
    path = tmp_path / "w.duckdb"
    _filled(path, 2 * ROW_GROUP_SIZE + 5000)
    con = db.connect(path)
    try:  # deleted rows leave blocks behind: the copy is smaller, so it replaces the file
        con.execute("DELETE FROM filler WHERE i % 10 = 0 AND i < 50000")
    finally:
        con.close()
    before, after = compact.compact(locate(path))
    assert after < before
    con = db.connect(path, read_only=True)
    try:
        assert con.execute(STORAGE).fetchall() == [(0, ROW_GROUP_SIZE), (1, ROW_GROUP_SIZE)]
        assert con.execute("SELECT count(*) FROM filler WHERE i % 10 = 0 AND i < 50000").fetchone() == (0,)
    finally:
        con.close()


def test_a_second_writer_in_the_same_process_is_told_the_file_is_open(tmp_path):
    path = tmp_path / "w.duckdb"
    first = db.connect(path)
    try:
        with pytest.raises(db.WarehouseBusy, match=r"is open already in this process"):
            db.connect(path)
    finally:
        first.close()
    db.connect(path).close()  # closed: a writer opens it again
