"""The peer: what a data engineer writes first for the same job - a plain SQL SCD2 merge of each daily
snapshot into three history tables, one transaction a day - run in the same process, on the same
synthetic snapshots, as modeltrail's warehouse part of a refresh (bench/refresh_part.py: the refresh
flow's calls in its order, from the writer lock to the artifact's change table). The as-of state of both is compared row by row on the last day.

    python -m bench.peer MODELS DAYS CHANGE_SHARE WORKDIR     # prints a JSON line

It runs twice: in one connection kept open for all days (DuckDB checkpoints only when its WAL fills:
the file is written about once), and as a daily job opens it (connect, merge, close: a checkpoint a
day, as modeltrail's writer does). Both must end with the same rows.

The peer keeps no provenance (no url, page hash, run), no archive, no identity, no removal or unstated
rules: the figures say what those cost.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.refresh_part import crawl_output, refresh_part
from bench.synth import snapshot
from bench.warehouse import _latency, _size
from modeltrail.warehouse import db

PEER_SQL = """
CREATE TABLE IF NOT EXISTS cards (id VARCHAR, name VARCHAR, organization VARCHAR, release_date VARCHAR,
    status VARCHAR, context_window BIGINT, max_output_tokens BIGINT, input_modalities VARCHAR[],
    output_modalities VARCHAR[], capabilities VARCHAR[], training_cutoff VARCHAR, h UBIGINT,
    valid_from TIMESTAMPTZ, valid_to TIMESTAMPTZ);
CREATE TABLE IF NOT EXISTS prices (id VARCHAR, kind VARCHAR, usd DOUBLE, valid_from TIMESTAMPTZ, valid_to TIMESTAMPTZ);
CREATE TABLE IF NOT EXISTS benchmarks (id VARCHAR, benchmark VARCHAR, value DOUBLE, valid_from TIMESTAMPTZ,
    valid_to TIMESTAMPTZ);
"""

# one day: stage the snapshot, close what changed or vanished, insert what is new or changed
MERGE_SQL = """
CREATE OR REPLACE TEMP TABLE s_cards AS
    SELECT id, name, organization, release_date, status, context_window, max_output_tokens, input_modalities,
           output_modalities, capabilities, training_cutoff,
           hash(name, organization, release_date, status, context_window, max_output_tokens, input_modalities,
                output_modalities, capabilities, training_cutoff) AS h
    FROM read_json($file, columns={id: 'VARCHAR', name: 'VARCHAR', organization: 'VARCHAR',
        release_date: 'VARCHAR', status: 'VARCHAR', context_window: 'BIGINT', max_output_tokens: 'BIGINT',
        input_modalities: 'VARCHAR[]', output_modalities: 'VARCHAR[]', capabilities: 'VARCHAR[]',
        training_cutoff: 'VARCHAR', prices: 'STRUCT(kind VARCHAR, usd DOUBLE)[]',
        benchmarks: 'STRUCT(benchmark VARCHAR, value DOUBLE)[]'});
CREATE OR REPLACE TEMP TABLE s_prices AS
    SELECT id, p.kind, p.usd FROM (SELECT id, unnest(prices) AS p FROM read_json($file, columns={id: 'VARCHAR',
        prices: 'STRUCT(kind VARCHAR, usd DOUBLE)[]'}));
CREATE OR REPLACE TEMP TABLE s_benchmarks AS
    SELECT id, b.benchmark, b.value FROM (SELECT id, unnest(benchmarks) AS b FROM read_json($file,
        columns={id: 'VARCHAR', benchmarks: 'STRUCT(benchmark VARCHAR, value DOUBLE)[]'}));
UPDATE cards SET valid_to = $t WHERE valid_to IS NULL AND NOT EXISTS (
    SELECT 1 FROM s_cards AS s WHERE s.id = cards.id AND s.h = cards.h);
INSERT INTO cards SELECT s.*, $t, NULL FROM s_cards AS s WHERE NOT EXISTS (
    SELECT 1 FROM cards AS c WHERE c.id = s.id AND c.valid_to IS NULL);
UPDATE prices SET valid_to = $t WHERE valid_to IS NULL AND NOT EXISTS (
    SELECT 1 FROM s_prices AS s WHERE s.id = prices.id AND s.kind = prices.kind AND s.usd = prices.usd);
INSERT INTO prices SELECT s.*, $t, NULL FROM s_prices AS s WHERE NOT EXISTS (
    SELECT 1 FROM prices AS p WHERE p.id = s.id AND p.kind = s.kind AND p.valid_to IS NULL);
UPDATE benchmarks SET valid_to = $t WHERE valid_to IS NULL AND NOT EXISTS (
    SELECT 1 FROM s_benchmarks AS s WHERE s.id = benchmarks.id AND s.benchmark = benchmarks.benchmark
    AND s.value = benchmarks.value);
INSERT INTO benchmarks SELECT s.*, $t, NULL FROM s_benchmarks AS s WHERE NOT EXISTS (
    SELECT 1 FROM benchmarks AS b WHERE b.id = s.id AND b.benchmark = s.benchmark AND b.valid_to IS NULL);
"""

AS_OF_PEER = """SELECT organization, count(*), sum(context_window) FROM cards
    WHERE valid_from <= $t AND (valid_to IS NULL OR valid_to > $t) GROUP BY ALL ORDER BY ALL"""
AS_OF_OURS = """SELECT organization, count(*), sum(context_window) FROM model_cards_as_of($t)
    GROUP BY ALL ORDER BY ALL"""
# one model's whole history: its card versions, and its prices' and scores' (what model_history gives,
# which also unpivots the card's fields and names each version's page)
HISTORY_PEER = """SELECT 'card' AS what, valid_from, valid_to, to_json(c)::VARCHAR AS value FROM cards AS c WHERE id = $id
    UNION ALL SELECT 'price.' || kind, valid_from, valid_to, CAST(usd AS VARCHAR) FROM prices WHERE id = $id
    UNION ALL SELECT 'benchmark.' || benchmark, valid_from, valid_to, CAST(value AS VARCHAR) FROM benchmarks
    WHERE id = $id ORDER BY 1, 2"""
HISTORY_OURS = "SELECT * FROM model_history($id, NULL)"
# the peer's own query on modeltrail's history tables: what the storage costs, without model_history's
# field-by-field shape (each card version unpivoted into its 21 fields)
HISTORY_PEER_ON_OURS = """SELECT 'card' AS what, valid_from, valid_to, to_json(c)::VARCHAR AS value
    FROM model_cards_history AS c WHERE source_model_id = $id
    UNION ALL SELECT 'price.' || kind, valid_from, valid_to, CAST(usd_per_million_tokens AS VARCHAR)
    FROM prices_history WHERE source_model_id = $id
    UNION ALL SELECT 'benchmark.' || benchmark, valid_from, valid_to, CAST(value AS VARCHAR) FROM benchmarks_history
    WHERE source_model_id = $id ORDER BY 1, 2"""


def _ndjson(cards, path: Path) -> None:
    with open(path, "w") as f:
        for c in cards:
            f.write(json.dumps({
                "id": c.source_model_id, "name": c.name, "organization": c.organization,
                "release_date": c.release_date, "status": c.status, "context_window": c.context_window,
                "max_output_tokens": c.max_output_tokens, "input_modalities": c.input_modalities,
                "output_modalities": c.output_modalities, "capabilities": c.capabilities,
                "training_cutoff": c.training_cutoff,
                "prices": [{"kind": p.kind, "usd": p.usd_per_million_tokens} for p in c.prices],
                "benchmarks": [{"benchmark": b.benchmark, "value": b.value} for b in c.benchmarks]}) + "\n")


def _peer_day(con, cards, when, tmp: Path) -> float:
    t0 = time.perf_counter()
    path = tmp / "day.ndjson"
    _ndjson(cards, path)
    con.execute("BEGIN")
    for stmt in db._split(MERGE_SQL):
        db.run_sql(con, stmt, {"file": str(path), "t": when})
    con.execute("COMMIT")
    return time.perf_counter() - t0


def _peer_job_day(path: Path, cards, when, tmp: Path) -> float:
    """The same merge as a daily job runs it: its own process opens the file, merges, closes (DuckDB
    checkpoints on close, as it does for modeltrail's writer)."""
    t0 = time.perf_counter()
    con = duckdb.connect(str(path))
    try:
        for stmt in db._split(PEER_SQL):
            con.execute(stmt)
        _peer_day(con, cards, when, tmp)
    finally:
        con.close()
    return time.perf_counter() - t0


#: the registered source the synthetic cards are judged as (a JSON catalog: one page, every model)
SOURCE = "openrouter"


def _ours_day(path: Path, cards, when) -> float:
    """The warehouse part of one refresh, as the refresh flow makes it (bench/refresh_part.py): writer
    lock, connect, time-order guard, start_run, close, connect, verdict, load, summary, finish, identity,
    the artifact's change table, close."""
    t0 = time.perf_counter()
    out = crawl_output(SOURCE, cards, when, "https://example.org/api/models")
    done = refresh_part(path, {SOURCE: out}, when)
    if done["status"] != "complete":
        raise RuntimeError(f"the synthetic run's verdict is {done['status']}: {done['verdicts']}")
    return time.perf_counter() - t0


def run(models: int, days: int, change_share: float, workdir: Path) -> dict:
    ours_path, peer_path = workdir / "ours.duckdb", workdir / "peer.duckdb"
    job_path = workdir / "peer_job.duckdb"
    peer = duckdb.connect(str(peer_path))
    for stmt in db._split(PEER_SQL):
        peer.execute(stmt)
    rng = random.Random(7)
    versions = [0] * models
    ours_t, peer_t, job_t = [], [], []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for day in range(days):
            if day:
                for i in rng.sample(range(models), int(models * change_share)):
                    versions[i] += 1
            when, cards = snapshot(models, day, versions, source=SOURCE)
            ours_t.append(_ours_day(ours_path, cards, when))
            peer_t.append(_peer_day(peer, cards, when, Path(tmp)))
            job_t.append(_peer_job_day(job_path, cards, when, Path(tmp)))
    ours = db.connect(ours_path, read_only=True)
    t_mid = snapshot(1, days // 2)[0]
    t_end = snapshot(1, days - 1)[0]
    # the same as-of state, row by row: every model's context window, prices and scores on two days
    same = {}
    for label, t in (("middle", t_mid), ("last", t_end)):
        a = ours.execute("SELECT source_model_id, context_window FROM model_cards_as_of($t) ORDER BY 1",
                         {"t": t}).fetchall()
        b = peer.execute("SELECT id, context_window FROM cards WHERE valid_from <= $t AND "
                         "(valid_to IS NULL OR valid_to > $t) ORDER BY 1", {"t": t}).fetchall()
        pa = ours.execute("SELECT source_model_id, kind, usd_per_million_tokens FROM prices_as_of($t) ORDER BY ALL",
                          {"t": t}).fetchall()
        pb = peer.execute("SELECT id, kind, usd FROM prices WHERE valid_from <= $t AND "
                          "(valid_to IS NULL OR valid_to > $t) ORDER BY ALL", {"t": t}).fetchall()
        ba = ours.execute("SELECT source_model_id, benchmark, value FROM benchmarks_as_of($t) ORDER BY ALL",
                          {"t": t}).fetchall()
        bb = peer.execute("SELECT id, benchmark, value FROM benchmarks WHERE valid_from <= $t AND "
                          "(valid_to IS NULL OR valid_to > $t) ORDER BY ALL", {"t": t}).fetchall()
        same[label] = a == b and pa == pb and ba == bb and len(a) == models
    job = duckdb.connect(str(job_path), read_only=True)
    same["peer_job_rows_equal"] = all(
        peer.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() == job.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("cards", "prices", "benchmarks"))
    job.close()
    changed = ours.execute("SELECT source_model_id FROM model_cards_history GROUP BY 1 ORDER BY count(*) DESC, 1 "
                           "LIMIT 1").fetchone()[0]
    out = {
        "models": models, "days": days, "change_share": change_share, "same_as_of": same,
        "load_ms": {"ours_median_after_first": statistics.median(ours_t[1:]) * 1000,
                    "peer_median_after_first": statistics.median(peer_t[1:]) * 1000,
                    "ours_first": ours_t[0] * 1000, "peer_first": peer_t[0] * 1000,
                    "ours_last_10": statistics.median(ours_t[-10:]) * 1000,
                    "peer_last_10": statistics.median(peer_t[-10:]) * 1000,
                    "peer_job_median_after_first": statistics.median(job_t[1:]) * 1000,
                    "peer_job_first": job_t[0] * 1000},
        "as_of_ms": {"ours": _latency(ours, AS_OF_OURS, {"t": t_mid}),
                     "peer": _latency(peer, AS_OF_PEER, {"t": t_mid})},
        "history_ms": {"ours": _latency(ours, HISTORY_OURS, {"id": changed}),
                       "peer_query_on_ours": _latency(ours, HISTORY_PEER_ON_OURS, {"id": changed}),
                       "peer": _latency(peer, HISTORY_PEER, {"id": changed})},
    }
    ours.close()
    out["size_bytes"] = {"ours": _size(duckdb.connect(str(ours_path)), ours_path), "peer": _size(peer, peer_path),
                         "peer_job": _size(duckdb.connect(str(job_path)), job_path)}
    peer.close()
    # compacted: ours by `modeltrail maintain`, the daily job's by the same copy into a fresh file
    out["size_bytes"]["ours_maintained"] = db.compact(db.locate(ours_path))[1]
    fresh = workdir / "peer_job_copy.duckdb"
    fresh.unlink(missing_ok=True)
    con = duckdb.connect(str(job_path))
    con.execute(f"ATTACH '{fresh}' AS fresh")
    con.execute(f"COPY FROM DATABASE {job_path.stem} TO fresh")
    con.execute("DETACH fresh")
    con.close()
    out["size_bytes"]["peer_job_copied"] = fresh.stat().st_size
    return out


if __name__ == "__main__":
    models, days, share, workdir = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MODELTRAIL_DB", str(workdir / "ours.duckdb"))
    print(json.dumps(run(models, days, share, workdir)))
