"""Backfill benchmark: `backfill-git` over N daily snapshots of OpenRouter's real model list.

    python -m bench.backfill [--days 100] [--shared ../shared/data/openrouter]
    python -m bench.backfill --catalog [--commits 1000] [--keys 3000] [--budget SECONDS]

--catalog: a catalog archive (bench.gitrepo.catalog_repo: 1,000 commits of a ~1.5 MB file of ~3,000
keys, built from real OpenRouter models), backfilled by `modeltrail backfill-git` and by the obvious
alternative (bench.gitpeer: a loop over `git show` into a plain SCD2 table), each in a process of its
own (time, peak memory of the process and its git children, warehouse size against the pack's
size-pack). --budget stops a contender after that many seconds (backfill-git: Ctrl-C's clean stop) and
reports the commits it did, so a run that cannot finish still measures its rate.

Builds a git repository of N commits from the distinct ones of the 36 real responses in shared/ (16;
reused in order, dated a day apart, past the 16th: each commit changes the file), then replays it into a fresh warehouse exactly as `modeltrail backfill-git`
does, in this process. Prints one JSON line: total seconds, seconds per snapshot (median, max), cards
per snapshot, and peak memory. Target (issue: months of real history): 100 snapshots in under 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from bench.gitrepo import build, catalog_repo
from modeltrail.flows import backfill
from modeltrail.warehouse import db

HERE = Path(__file__).resolve().parent


def run(days: int, shared: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        t0 = time.perf_counter()
        repo = build(shared, Path(tmp) / "repo", "openrouter/models.json", days, distinct=True)
        built = time.perf_counter() - t0
        steps, cards = [], []
        t0 = time.perf_counter()
        last = t0
        with db.writing(Path(tmp) / "w.duckdb") as con:
            for step in backfill.backfill(con, repo, ["openrouter/models.json"], "openrouter", removal_runs=1):
                now = time.perf_counter()
                steps.append(now - last)
                cards.append(step.cards)
                last = now
        total = time.perf_counter() - t0
        size = (Path(tmp) / "w.duckdb").stat().st_size
    return {"snapshots": len(steps), "repo_build_s": round(built, 1), "total_s": round(total, 1),
            "per_snapshot_median_s": round(statistics.median(steps), 3), "per_snapshot_max_s": round(max(steps), 3),
            "cards_per_snapshot": round(statistics.mean(cards)), "warehouse_mib": round(size / 2**20, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _timed(cmd: list[str], budget: float | None) -> tuple[float, int, int, str]:
    """Run cmd; after `budget` seconds send it SIGINT. (seconds, exit code, peak RSS in MB of it and the
    children it waited for, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    timer = threading.Timer(budget, proc.send_signal, [signal.SIGINT]) if budget else None
    if timer:
        timer.start()
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if timer:
        timer.cancel()
    return time.perf_counter() - t0, os.waitstatus_to_exitcode(status), round(usage.ru_maxrss / 1024), out


def catalog(commits: int, keys: int, shared: Path, budget: float | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as tmp:
        t0 = time.perf_counter()
        repo = Path(tmp) / "repo"
        figures = catalog_repo(shared / "2026-03-31.json.gz", repo, commits, keys)
        figures["repo_build_s"] = round(time.perf_counter() - t0, 1)
        db = Path(tmp) / "w.duckdb"
        secs, code, rss, _ = _timed([sys.executable, "-m", "modeltrail", "-q", "backfill-git", str(repo),
                                     "catalog/models.json", "--source", "openrouter", "--db", str(db)], budget)
        with duckdb.connect(str(db), read_only=True) as con:
            done = con.execute("SELECT count(*) FROM runs").fetchone()[0]
            rows = con.execute("SELECT (SELECT count(*) FROM model_cards_history), "
                               "(SELECT count(*) FROM prices_history)").fetchone()
        figures["modeltrail"] = {"commits_done": done, "exit": code, "total_s": round(secs, 1),
                                 "commits_per_s": round(done / secs, 2),
                                 "projected_s": round(secs * commits / max(done, 1)),
                                 "peak_rss_mb": rss, "warehouse_kib": db.stat().st_size // 1024,
                                 "card_versions": rows[0], "price_versions": rows[1]}
        peer_db = Path(tmp) / "peer.duckdb"
        secs, code, rss, out = _timed([sys.executable, "-m", "bench.gitpeer", str(repo), "catalog/models.json",
                                       str(peer_db)], None)
        with duckdb.connect(str(peer_db), read_only=True) as con:
            versions = con.execute("SELECT count(*) FROM models").fetchone()[0]
        figures["peer"] = {"exit": code, "total_s": round(secs, 1), "commits_per_s": round(commits / secs, 2),
                           "peak_rss_mb": rss, "warehouse_kib": peer_db.stat().st_size // 1024,
                           "versions": versions}
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data" / "openrouter")
    ap.add_argument("--catalog", action="store_true")
    ap.add_argument("--commits", type=int, default=1000)
    ap.add_argument("--keys", type=int, default=3000)
    ap.add_argument("--budget", type=float)
    args = ap.parse_args()
    if args.catalog:
        print(json.dumps(catalog(args.commits, args.keys, args.shared, args.budget)))
    else:
        print(json.dumps(run(args.days, args.shared)))


if __name__ == "__main__":
    main()
