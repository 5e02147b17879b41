"""Untrusted input: exported CSV cells, a second writer, and what `sql` may touch."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from modeltrail.export import safe_cell
from modeltrail.warehouse import db


@pytest.mark.parametrize("raw,shown", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("o3-mini", "o3-mini"), (1.5, 1.5),
])
def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(raw, shown):
    assert safe_cell(raw) == shown


def test_second_writer_gets_a_clear_error_naming_the_holder(tmp_path):
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from modeltrail.warehouse import db
        con = db.connect({str(path)!r})
        print("ready", flush=True)
        sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(db.WarehouseError, match=rf"is open in process {holder.pid} \(a writer, or a reader"):
            db.connect(path)
    finally:
        holder.communicate("\n", timeout=30)


def test_read_only_connection_cannot_write_or_read_files(tmp_path):
    path = tmp_path / "w.duckdb"
    db.connect(path).close()
    (tmp_path / "secret.csv").write_text("a\n1\n")
    con = db.connect(path, read_only=True)
    import duckdb
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM runs")
    with pytest.raises(duckdb.Error):
        con.execute(f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')")
    with pytest.raises(duckdb.Error):
        con.execute("SET enable_external_access = true")
