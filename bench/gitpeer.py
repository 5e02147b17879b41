"""The obvious alternative to `backfill-git` for a catalog archive: a hand-written loop over `git log`
and `git show` into a plain SCD2 table in DuckDB (one row per model version: its id, a few columns, the
record's hash; valid_from / valid_to), one transaction a commit. What a data engineer writes first.

    python -m bench.gitpeer REPO PATH DB       # prints a JSON line

It keeps no provenance (no run, url, blob), no verdict (a commit that does not parse fails the loop),
no removal rule (a key missing from one commit is closed at once), no unstated rule, no identity and
no price history of its own (prices are in the record's JSON): the figures say what those cost.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

SCHEMA = """
CREATE TABLE IF NOT EXISTS models (id VARCHAR, name VARCHAR, context_length BIGINT, prompt VARCHAR,
    completion VARCHAR, record VARCHAR, h UBIGINT, valid_from TIMESTAMPTZ, valid_to TIMESTAMPTZ);
"""
MERGE = """
CREATE OR REPLACE TEMP TABLE s AS
    SELECT m.id AS id, m.name AS name, m.context_length AS context_length, m.pricing.prompt AS prompt,
           m.pricing.completion AS completion, to_json(m)::VARCHAR AS record, hash(to_json(m)::VARCHAR) AS h
    FROM (SELECT unnest(data) AS m FROM read_json($file, maximum_object_size = 268435456));
UPDATE models SET valid_to = $t
WHERE valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM s WHERE s.id = models.id AND s.h = models.h);
INSERT INTO models SELECT s.*, $t, NULL FROM s
WHERE NOT EXISTS (SELECT 1 FROM models AS m WHERE m.valid_to IS NULL AND m.id = s.id AND m.h = s.h);
"""


def run(repo: Path, path: str, db: Path) -> dict:
    log = subprocess.run(["git", "-C", str(repo), "log", "--reverse", "--format=%H %cI", "--", path],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    commits = [line.split(" ", 1) for line in log if line]
    t0 = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(SCHEMA)
    with tempfile.TemporaryDirectory() as tmp:
        file = os.path.join(tmp, "snapshot.json")
        for sha, when in commits:
            body = subprocess.run(["git", "-C", str(repo), "show", f"{sha}:{path}"], capture_output=True,
                                  check=True).stdout
            Path(file).write_bytes(body)
            con.execute("BEGIN")
            for stmt in filter(str.strip, MERGE.split(";")):
                con.execute(stmt, {k: v for k, v in {"file": file, "t": when}.items() if f"${k}" in stmt})
            con.execute("COMMIT")
    con.close()
    return {"commits": len(commits), "total_s": round(time.perf_counter() - t0, 1),
            "warehouse_kib": db.stat().st_size // 1024,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))))
