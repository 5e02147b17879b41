"""The same year-long warehouse workload loaded into a DuckDB file and into DuckLake (catalog in a local
PostgreSQL, data in a local folder), side by side in one run: load per snapshot, size, as-of over all
models, one model's history. Each day is the whole warehouse part of a refresh on each backend, as the
refresh flow makes it (bench/refresh_part.py; since 2026-12-07, third session: before, one connection
a day and no verdict, summary or change table); the as-of state of both is compared row by row at the end.

    python -m bench.lake MODELS DAYS CHANGE_SHARE WORKDIR [--maintain-every N] [--url ducklake:postgres://…]

Without a url, a PostgreSQL is started for the run (tests/postgres.py: initdb in a temp folder,
127.0.0.1 only) and stopped at the end. --maintain-every N runs `modeltrail maintain`'s statements on
the lake every N days (its time reported apart, not in the loads). Prints a JSON line.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

import duckdb

from bench.refresh_part import crawl_output, refresh_part
from bench.synth import snapshot
from bench.warehouse import _latency, _size
from modeltrail.warehouse import db
from modeltrail.warehouse.location import Location, locate

AS_OF_ALL = "SELECT * FROM model_cards_as_of($t)"
AS_OF_AGG = "SELECT organization, count(*), sum(context_window) FROM model_cards_as_of($t) GROUP BY ALL ORDER BY ALL"
HISTORY = "SELECT * FROM model_history($id, NULL)"


#: the registered source the synthetic cards are judged as (bench/peer.py's)
SOURCE = "openrouter"


def _day(where: Location, cards, when) -> float:
    """The warehouse part of one refresh, as the refresh flow makes it (bench/refresh_part.py: writer lock,
    connect, time-order guard, start_run, close for now, connect, verdict, load, summary, finish,
    identity, the artifact's change table, close), seconds."""
    t0 = time.perf_counter()
    done = refresh_part(where, {SOURCE: crawl_output(SOURCE, cards, when, "https://example.org/api/models")}, when)
    if done["status"] != "complete":
        raise RuntimeError(f"the synthetic run's verdict is {done['status']}: {done['verdicts']}")
    return time.perf_counter() - t0


def _lake_bytes(where: Location, data_path: Path) -> dict:
    import psycopg
    files = sum(p.stat().st_size for p in data_path.rglob("*") if p.is_file())
    with psycopg.connect(where.conninfo) as pg:
        catalog = pg.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {"parquet_files": files, "catalog_database": catalog, "total": files + catalog}


def _maintain(where: Location) -> float:
    t0 = time.perf_counter()
    with db.writing(where, command="bench maintain") as con:
        for stmt in db.sections("maintain.sql")["lake_maintenance"]:
            con.execute(stmt)
    return time.perf_counter() - t0


def run(models: int, days: int, change_share: float, workdir: Path, url: str | None = None,
        maintain_every: int = 0) -> dict:
    server = None
    if url is None:
        from tests.postgres import Server
        server = Server().start()
        url = server.url(server.new_database())
    try:
        return _run(models, days, change_share, workdir, url, maintain_every)
    finally:
        if server is not None:
            server.stop()


def _run(models: int, days: int, change_share: float, workdir: Path, url: str, maintain_every: int) -> dict:
    data_path = workdir / "lake-data"
    file, lake = locate(workdir / "year.duckdb"), locate(url, str(data_path))
    rng = random.Random(7)
    versions = [0] * models
    times = {"file": [], "lake": []}
    maintenance = []
    for day in range(days):
        if day:
            for i in rng.sample(range(models), int(models * change_share)):
                versions[i] += 1
        when, cards = snapshot(models, day, versions, source=SOURCE)
        times["file"].append(_day(file, cards, when))
        times["lake"].append(_day(lake, cards, when))
        if maintain_every and day and day % maintain_every == 0:
            maintenance.append(_maintain(lake))
        if day % 30 == 0:
            print(f"day {day + 1}/{days}: file {times['file'][-1]:.2f} s, lake {times['lake'][-1]:.2f} s",
                  file=sys.stderr)
    t_mid, t_end = snapshot(1, days // 2)[0], snapshot(1, days - 1)[0]
    f, k = db.connect(file, read_only=True), db.connect(lake, read_only=True)
    same = all(
        f.execute(q, {"t": t}).fetchall() == k.execute(q, {"t": t}).fetchall()
        for t in (t_mid, t_end)
        for q in ("SELECT source_model_id, context_window, max_output_tokens, status FROM model_cards_as_of($t) ORDER BY ALL",
                  "SELECT source_model_id, kind, usd_per_million_tokens FROM prices_as_of($t) ORDER BY ALL",
                  "SELECT source_model_id, benchmark, value FROM benchmarks_as_of($t) ORDER BY ALL"))
    changed = f.execute("SELECT source_model_id FROM model_cards_history GROUP BY 1 ORDER BY count(*) DESC, 1 "
                        "LIMIT 1").fetchone()[0]
    out = {"models": models, "days": days, "change_share": change_share, "same_as_of": same, "load": {},
           "maintain_every": maintain_every,
           "maintain_s": {"runs": len(maintenance), "median": statistics.median(maintenance),
                          "max": max(maintenance)} if maintenance else None,
           "lake_files": k.execute(db.query("lake_files", "maintain.sql")).fetchone()}
    for name, con in (("file", f), ("lake", k)):
        whole = times[name]
        out["load"][name] = {
            "first_s": whole[0], "median_after_first_s": statistics.median(whole[1:]),
            "max_after_first_s": max(whole[1:]), "last_30_median_s": statistics.median(whole[-30:]),
            "by_quarter_median_s": [statistics.median(whole[max(1, q * days // 4):(q + 1) * days // 4] or [0])
                                    for q in range(4)]}
        out.setdefault("as_of_all_models_ms", {})[name] = _latency(con, AS_OF_ALL, {"t": t_mid})
        out.setdefault("as_of_aggregate_ms", {})[name] = _latency(con, AS_OF_AGG, {"t": t_mid})
        out.setdefault("model_history_ms", {})[name] = _latency(con, HISTORY, {"id": changed})
        out.setdefault("history_rows", {})[name] = con.execute(
            "SELECT (SELECT count(*) FROM model_cards_history) + (SELECT count(*) FROM prices_history) "
            "+ (SELECT count(*) FROM benchmarks_history)").fetchone()[0]
    f.close()
    k.close()
    out["size_bytes"] = {"file": _size(duckdb.connect(str(file.path)), file.path), "lake": _lake_bytes(lake, data_path)}
    return out


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(prog="python -m bench.lake")
    ap.add_argument("models", type=int)
    ap.add_argument("days", type=int)
    ap.add_argument("change_share", type=float)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--maintain-every", type=int, default=0)
    ap.add_argument("--url")
    a = ap.parse_args()
    a.workdir.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(a.models, a.days, a.change_share, a.workdir, a.url, a.maintain_every)))
