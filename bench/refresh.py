"""How long a one-off `modeltrail refresh --replay` takes with no Prefect server configured.

    python -m bench.refresh [--runs 5] [--scope openrouter|all|both|floor]

Each scope (one source, `refresh --replay openrouter`; every source, `refresh --replay`) runs in a new
folder (a new warehouse and, beside it, Prefect's records): first once cold (Prefect creates its
database), then RUNS times warm, alternating Prefect's API served in the refresh's own process (the
default, flows/local_api.py) with Prefect's own ephemeral subprocess server (MODELTRAIL_LOCAL_API=0), so
that a machine whose speed drifts moves both alike. Each run is the whole command, timed from outside:
wall seconds, and the CPU seconds (user + system) of it and its children. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = {"in-process API (default)": "1", "Prefect's ephemeral subprocess server": "0"}
SCOPES = {"openrouter": ["openrouter"], "all": [], "floor": None}


def once(args: list[str] | None, folder: Path, local_api: str) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    env.update(MODELTRAIL_LOCAL_API=local_api, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300")  # a loaded machine: 20 s is not enough
    if args is None:  # Prefect's smallest flow, its records beside where a warehouse would be
        env["PREFECT_HOME"] = str(folder / ".w.duckdb.prefect")
        command = [sys.executable, "-m", "bench.prefect_floor"]
    else:
        command = [sys.executable, "-m", "modeltrail", "refresh", *args, "--replay", "--db", str(folder / "w.duckdb")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def spread(values: list[float]) -> str:
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scope", choices=["openrouter", "all", "both", "floor"], default="both")
    opts = ap.parse_args(argv)
    scopes = ["openrouter", "all"] if opts.scope == "both" else [opts.scope]
    rows = []
    for scope in scopes:
        args = SCOPES[scope]
        with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
            folders = {mode: Path(tmp) / str(i) for i, mode in enumerate(MODES)}
            cold, warm = {}, {mode: [] for mode in MODES}
            for mode, folder in folders.items():
                folder.mkdir()
                cold[mode] = once(args, folder, MODES[mode])
            for mode in MODES:
                print(f"# {scope}, {mode}: first run {cold[mode][0]:.1f} s wall, {cold[mode][1]:.1f} s cpu",
                      file=sys.stderr, flush=True)
            for _ in range(opts.runs):
                for mode, folder in folders.items():
                    warm[mode].append(once(args, folder, MODES[mode]))
                    print(f"# {scope}, {mode}: {warm[mode][-1][0]:.1f} s wall, {warm[mode][-1][1]:.1f} s cpu",
                          file=sys.stderr, flush=True)
            for mode in MODES:
                walls, cpus = [w for w, _ in warm[mode]], [c for _, c in warm[mode]]
                shown = {"all": "every source", "floor": "Prefect's smallest flow (no refresh)"}.get(scope, scope)
                rows.append(f"| {shown} | {mode} | {cold[mode][0]:.1f} | "
                            f"{spread(walls)} | {spread(cpus)} |")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average before the end {os.getloadavg()[0]:.1f}; "
          f"{opts.runs} warm runs each, min / median / max")
    print()
    print("| refresh --replay | Prefect API | first run, s (creates Prefect's database) | wall, s | cpu, s |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
