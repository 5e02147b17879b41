"""A writer's DuckDB file keeps the rows it adds in row groups of connection.ROW_GROUP_SIZE rows (an ATTACH
option, passed by every writer), and `maintain`'s fresh copy is made of such row groups too: a load's
checkpoint rewrites the row group it appended to, whole (bench/RESULTS.md §13, "Fifth pass")."""

from __future__ import annotations

import pytest

from modeltrail.warehouse import compact, connection, db
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


#: distinct urls alike but for a number: FSST is DuckDB's pick for them every time (its analysis samples at
#: random: for urls ending in an md5, FSST or none, run by run)
URLS = ("SELECT 'https://catalog.example.org/models/vendor-' || (range % 37) || '/model-' "
        "|| lpad(range::VARCHAR, 6, '0') || '/card.json' AS url FROM range({n})")


def _compressions(path, table: str) -> set[str]:
    con = db.connect(path, read_only=True)
    try:
        return {c for (c,) in con.execute("SELECT DISTINCT compression FROM pragma_storage_info(?) "
                                          "WHERE column_name = 'url' AND segment_type = 'VARCHAR'", [table]).fetchall()}
    finally:
        con.close()


def test_a_writers_small_closing_checkpoint_leaves_fsst_out_and_a_large_one_keeps_it(tmp_path):
    """close_writer: FSST is not tried on the strings of a checkpoint of a WAL under SMALL_CHECKPOINT (a
    refresh's day); a larger one is compressed with it, as is every checkpoint DuckDB makes itself."""
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    con.execute("CREATE TABLE urls (url VARCHAR)")
    con.execute("CREATE TABLE more_urls (url VARCHAR)")
    con.execute("CREATE TABLE same_urls (url VARCHAR)")
    db.close_writer(con)
    con = db.connect(path)
    con.execute("INSERT INTO urls " + URLS.format(n=2000))  # (~140 KB of WAL)
    assert (tmp_path / "w.duckdb.wal").stat().st_size < connection.SMALL_CHECKPOINT
    db.close_writer(con)
    assert not (tmp_path / "w.duckdb.wal").exists()
    assert _compressions(path, "urls") == {"Uncompressed"}
    con = db.connect(path)
    con.execute("INSERT INTO more_urls " + URLS.format(n=20_000))
    assert (tmp_path / "w.duckdb.wal").stat().st_size >= connection.SMALL_CHECKPOINT
    db.close_writer(con)
    assert _compressions(path, "more_urls") == {"FSST"}
    # the same small write closed as DuckDB closes it: FSST (what close_writer changes is its own close)
    con = db.connect(path)
    con.execute("INSERT INTO same_urls " + URLS.format(n=2000))
    con.close()
    assert _compressions(path, "same_urls") == {"FSST"}
