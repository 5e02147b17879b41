"""Backfill benchmark: `backfill-git` over N daily snapshots of OpenRouter's real model list.

    python -m bench.backfill [--days 100] [--shared ../shared/data/openrouter]

Builds a git repository of N commits from the distinct ones of the 36 real responses in shared/ (16;
reused in order, dated a day apart, past the 16th: each commit changes the file), then replays it into a fresh warehouse exactly as `modeltrail backfill-git`
does, in this process. Prints one JSON line: total seconds, seconds per snapshot (median, max), cards
per snapshot, and peak memory. Target (issue: months of real history): 100 snapshots in under 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench.gitrepo import build
from modeltrail import backfill
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
            for step in backfill.backfill(con, repo, "openrouter/models.json", "openrouter", removal_runs=1):
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data" / "openrouter")
    args = ap.parse_args()
    print(json.dumps(run(args.days, args.shared)))


if __name__ == "__main__":
    main()
