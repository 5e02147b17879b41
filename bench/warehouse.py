"""Warehouse growth: a year of daily snapshots of N models (prices and 10 benchmarks each), a share of
them changing one field a day, loaded through the real load path (warehouse/db.py + merge.sql).

    python -m bench.warehouse MODELS DAYS CHANGE_SHARE WORKDIR     # prints a JSON line

Beside the warehouse, a naive table appends every snapshot in full (what a scraper that keeps every
snapshot would store), to compare sizes."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.synth import load_of, snapshot, versions_on
from modeltrail.spiders.crawl import peak_rss_mb
from modeltrail.warehouse import db


def _size(con, path: Path) -> int:
    con.execute("CHECKPOINT")
    return path.stat().st_size + (path.with_name(path.name + ".wal").stat().st_size
                                  if path.with_name(path.name + ".wal").exists() else 0)


def _latency(con, sql: str, params, repeats: int = 15) -> dict:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        con.execute(sql, params).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    return {"min_ms": min(times), "median_ms": statistics.median(times), "max_ms": max(times)}


def run(models: int, days: int, change_share: float, workdir: Path) -> dict:
    path, naive_path = workdir / "year.duckdb", workdir / "naive.duckdb"
    con = db.connect(path)
    con.execute(f"ATTACH '{naive_path}' AS naive")
    for t in ("cards", "prices", "benchmarks"):
        con.execute(f"CREATE TABLE naive.{t} AS SELECT *, 0 AS snapshot FROM model_{t}_history LIMIT 0"
                    if t == "cards" else
                    f"CREATE TABLE naive.{t} AS SELECT *, 0 AS snapshot FROM {t}_history LIMIT 0")
    loads, versions = [], [0] * models
    import random
    rng = random.Random(7)
    for day in range(days):
        if day:
            for i in rng.sample(range(models), int(models * change_share)):
                versions[i] += 1
        when, cards = snapshot(models, day, versions)
        load = load_of(cards, when)
        t0 = time.perf_counter()
        run_id = db.start_run(con, "replay", when)
        db.load_source(con, run_id, when, load)
        loads.append(time.perf_counter() - t0)
        # the naive store: the whole snapshot, every day (the load itself stages only what moved)
        for t, rows in (("cards", [db.card_row(c) for c in cards]),
                        ("prices", [r for c in cards for r in db.price_rows(c)]),
                        ("benchmarks", [r for c in cards for r in db.benchmark_rows(c)])):
            con.execute(f"CREATE OR REPLACE TEMP TABLE full_{t} AS SELECT * FROM stg_{t} LIMIT 0")
            db._insert_columns(con, f"full_{t}", rows)
            con.execute(f"INSERT INTO naive.{t} BY NAME SELECT *, {day} AS snapshot, NULL AS valid_from, "
                        f"NULL AS valid_to, {run_id} AS run_id FROM full_{t}")
    db.remap(con)
    size = _size(con, path)
    con.execute("CHECKPOINT naive")
    naive_size = naive_path.stat().st_size

    # an unchanged snapshot: the same pages again the next day
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("runs", "source_runs", "fetches", "model_cards_history", "prices_history",
                        "benchmarks_history", "card_state")}
    when, cards = snapshot(models, days, versions)
    t0 = time.perf_counter()
    db.load_source(con, db.start_run(con, "replay", when), when, load_of(cards, when))
    unchanged_load = time.perf_counter() - t0
    size_after = _size(con, path)
    added = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] - n for t, n in counts.items()}

    mid = snapshot(1, days // 2)[0]
    as_of = _latency(con, "SELECT * FROM model_cards_as_of(?)", [mid])
    as_of_one = _latency(con, "SELECT * FROM model_cards_as_of(?) WHERE source_model_id = 'model-000042'", [mid])
    changed = con.execute("SELECT source_model_id FROM model_cards_history GROUP BY 1 ORDER BY count(*) DESC "
                          "LIMIT 1").fetchone()[0]
    history = _latency(con, "SELECT * FROM model_history(?, NULL)", [changed])
    history_rows = len(con.execute("SELECT * FROM model_history(?, NULL)", [changed]).fetchall())
    rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("model_cards_history", "prices_history", "benchmarks_history")}
    naive_rows = sum(con.execute(f"SELECT count(*) FROM naive.{t}").fetchone()[0]
                     for t in ("cards", "prices", "benchmarks"))
    con.close()
    buckets = {}
    for lo, hi in ((0, 1), (1, 30), (30, 90), (90, 180), (180, 270), (270, days)):
        window = loads[lo:hi]
        if window:
            buckets[f"days {lo + 1}-{min(hi, days)}"] = {"min": min(window), "median": statistics.median(window),
                                                        "max": max(window)}
    return {
        "models": models, "days": days, "change_share": change_share,
        "load_seconds": {"first": loads[0], "median_after_first": statistics.median(loads[1:]) if days > 1 else None,
                         "max_after_first": max(loads[1:]) if days > 1 else None, "by_history_length": buckets},
        "size_bytes": size, "naive_bytes": naive_size, "size_share_of_naive": size / naive_size,
        "history_rows": rows, "naive_rows": naive_rows,
        "unchanged_snapshot": {"bytes_added": size_after - size, "rows_added": added, "load_seconds": unchanged_load},
        "as_of_all_models": as_of, "as_of_one_model": as_of_one,
        "model_history": {**history, "rows": history_rows, "model": changed},
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    models, days, share, workdir = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])
    workdir.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(models, days, share, workdir)))
