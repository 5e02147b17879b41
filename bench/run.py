"""Run every benchmark side by side and write bench/RESULTS.md.

    python -m bench [--quick] [--out bench/RESULTS.md]

--quick (under 3 minutes): 1,000 pages (100 rendered in Chromium), 200 re-parsed pages, 10,000 models x
10 days. Full: 10,000 pages (500 rendered), 1,000 re-parsed pages, 10,000 models x 365 days (about half
an hour here).
Every server binds 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from bench import reparse, site

HERE = Path(__file__).resolve().parent


def progress(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _json_run(args: list[str], timeout: float) -> dict:
    proc = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=HERE.parent, env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def crawl_bench(root: Path, pages: int, repeats: int, workdir: Path, rendered: int) -> dict:
    srv = subprocess.Popen([sys.executable, "-m", "bench.server", str(root)], stdout=subprocess.PIPE, text=True,
                           cwd=HERE.parent, env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    base = f"http://127.0.0.1:{srv.stdout.readline().strip()}"
    results: dict[str, list[dict]] = {"bare": [], "ours": [], "rendered": []}
    try:
        for r in range(repeats):
            for kind in ("bare", "ours"):
                progress(f"crawl {kind} {pages} pages ({r + 1}/{repeats})")
                results[kind].append(_json_run(["bench.crawl", kind, base, str(pages),
                                                str(workdir / f"crawl-{kind}-{r}.duckdb")], timeout=3600))
        progress(f"crawl rendered in Chromium, {rendered} pages")
        results["rendered"].append(_json_run(["bench.crawl", "rendered", base, str(rendered),
                                              str(workdir / "crawl-rendered.duckdb")], timeout=3600))
    finally:
        srv.kill()
    return results


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    libs = ", ".join(f"{p} {version(p)}" for p in ("scrapy", "lxml", "duckdb", "pydantic", "prefect"))
    return f"{os.cpu_count()} cores ({cpu}){mem}; {platform.system()} {platform.release()}; Python {platform.python_version()}; {libs}"


def stats(values: list[float]) -> str:
    return f"{min(values):,.0f} / {statistics.median(values):,.0f} / {max(values):,.0f}"


def ms(d: dict) -> str:
    return f"{d['min_ms']:.1f} / {d['median_ms']:.1f} / {d['max_ms']:.1f}"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def render(mode: str, cmd: str, crawl: dict, rp: dict, wh: dict, seconds: float) -> str:
    bare = [r["pages_per_s"] for r in crawl["bare"]]
    ours = [r["pages_per_s"] for r in crawl["ours"]]
    ratio = statistics.median(ours) / statistics.median(bare)
    o = crawl["ours"][-1]
    rates = rp["rates"]
    lxml_rate = rates["lxml tree only (lxml.html.document_fromstring)"]["median"]
    load = wh["load_seconds"]
    size_share = wh["size_share_of_naive"]
    lines = [
        "# Benchmarks",
        "",
        f"Made by `{cmd}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC ({mode} mode, {seconds / 60:.1f} min).",
        f"Machine: {machine()}.",
        "Figures are min / median / max over the repeats where there are repeats. The machine is a shared VM:",
        "expect ±20% between runs.",
        "",
        "## 1. Crawl: full pipeline against a bare Scrapy spider",
        "",
        f"{crawl['ours'][0]['pages']:,} generated Azure catalog pages ({rp['kb_mean']:.0f} KB on average, 50–150 KB,"
        " `bench/site.py`) served from memory by a lean asyncio server on 127.0.0.1 (`bench/server.py`, its own"
        " process). *Bare*: a Scrapy spider that fetches the listing and every page and does nothing, same"
        " concurrency. *Ours*: `modeltrail.spiders.crawl` (robots.txt, domain guard, replay rewriting, retries, archive"
        " to disk) with the pages parsed into validated ModelCards while the crawl runs, then merged and judged."
        " Both timed from process start.",
        "",
        "| | pages/s (min / median / max) |",
        "|---|---|",
        f"| bare Scrapy | {stats(bare)} |",
        f"| modeltrail crawl + archive + parse + validate | {stats(ours)} |",
        f"| ratio of medians | {ratio:.0%} (target ≥ 70%: {verdict(ratio >= 0.7)}) |",
        "",
        f"The same pipeline with every page rendered in Chromium (scrapy-playwright, 1 context, 4 pages at a"
        f" time, waiting for `body`; the path `tokenhub` takes): {crawl['rendered'][0]['pages_per_s']:.1f} pages/s"
        f" over {crawl['rendered'][0]['pages']:,} pages, peak memory of the whole process tree (pipeline, crawl"
        f" and Chromium's processes, RSS summed, so shared pages count once per process)"
        f" {crawl['rendered'][0]['tree_peak_rss_mb']:,.0f} MB against {o['tree_peak_rss_mb']:,.0f} MB without the browser.",
        "",
        f"Then the load of those {o['pages']:,} cards into a fresh warehouse: {o['load_seconds']:.1f} s."
        f" Peak memory: crawl process {o['crawl_peak_rss_mb']:.0f} MB, pipeline process {o['peak_rss_mb']:.0f} MB"
        f" (bare spider {crawl['bare'][-1]['peak_rss_mb']:.0f} MB).",
        "",
        "## 2. Re-parse: archived pages per second on one core",
        "",
        f"{rp['pages']} of the same pages, {rp['cards']} cards found; each contender run 5 times over all pages.",
        "",
        "| | pages/s (min / median / max) | share of bare lxml |",
        "|---|---|---|",
    ]
    for name, r in rates.items():
        lines.append(f"| {name} | {r['min']:,.0f} / {r['median']:,.0f} / {r['max']:,.0f} | {r['median'] / lxml_rate:.0%} |")
    lines += [
        "",
        f"Target: our parse ≥ 50% of the bare lxml rate: {verdict(rp['ratio'] >= 0.5)} ({rp['ratio']:.0%}).",
        "",
        "## 3. Warehouse: a year of daily snapshots",
        "",
        f"{wh['models']:,} models, each with 2 prices and 10 benchmarks, {wh['days']} daily snapshots, "
        f"{wh['change_share']:.0%} of the models changing one field a day (context, price or a score, in turn),"
        " loaded through the real path (`warehouse/db.py`, `warehouse/merge.sql`). `bench/warehouse.py`.",
        "",
        "| | figure | target |",
        "|---|---|---|",
        f"| load of the first snapshot (all new) | {load['first']:.2f} s | |",
        f"| load per later snapshot, median / max | {load['median_after_first']:.2f} s / {load['max_after_first']:.2f} s"
        f" | ≤ 2 s: {verdict(load['max_after_first'] <= 2)} |",
        f"| warehouse size | {wh['size_bytes'] / 2**20:,.1f} MiB ({sum(wh['history_rows'].values()):,} history rows) | |",
        f"| naive table appending every snapshot in full | {wh['naive_bytes'] / 2**20:,.1f} MiB ({wh['naive_rows']:,} rows) | |",
        f"| size against naive | {size_share:.1%} | ≤ 5%: {verdict(size_share <= 0.05)} |",
        f"| an unchanged snapshot adds rows | "
        + ", ".join(f"{t} {n}" for t, n in wh["unchanged_snapshot"]["rows_added"].items() if n)
        + f" (the file grew {wh['unchanged_snapshot']['bytes_added'] / 2**20:.2f} MiB: the checkpoint rewrites the"
        " row groups a load touched into blocks DuckDB may have to add) | only the run rows: "
        + verdict(all(n == 0 for t, n in wh["unchanged_snapshot"]["rows_added"].items()
                      if t.endswith("_history"))) + " |",
        f"| as-of query, all {wh['models']:,} models (ms, min / median / max) | {ms(wh['as_of_all_models'])} | ≤ 100 ms: "
        f"{verdict(wh['as_of_all_models']['median_ms'] <= 100)} |",
        f"| as-of query, one model | {ms(wh['as_of_one_model'])} | |",
        f"| one model's full history ({wh['model_history']['rows']} field versions) | {ms(wh['model_history'])} | ≤ 100 ms: "
        f"{verdict(wh['model_history']['median_ms'] <= 100)} |",
        f"| peak memory of the whole simulation | {wh['peak_rss_mb']:,.0f} MB (the process also writes the naive"
        " table and builds each day's 10,000 cards; DuckDB keeps both files' pages in its buffer pool, up to its"
        " default memory limit of 80% of RAM) | |",
        "",
        "Load time against history length (seconds, min / median / max):",
        "",
        "| snapshots | load |",
        "|---|---|",
    ]
    for name, b in load["by_history_length"].items():
        lines.append(f"| {name} | {b['min']:.2f} / {b['median']:.2f} / {b['max']:.2f} |")
    lines += [
        "",
        "## 4. Memory",
        "",
        f"- refresh of {o['pages']:,} pages: crawl process {o['crawl_peak_rss_mb']:.0f} MB, pipeline process "
        f"(parse, judge, load) {o['peak_rss_mb']:.0f} MB (target ≤ 1 GB: {verdict(max(o['peak_rss_mb'], o['crawl_peak_rss_mb']) <= 1024)}).",
        f"- the {wh['days']}-day load of {wh['models']:,} models: {wh['peak_rss_mb']:,.0f} MB.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a run under 3 minutes, smaller sizes")
    ap.add_argument("--out", default=None, help="write the markdown here (default: print it)")
    args = ap.parse_args(argv)
    sizes = ({"pages": 1000, "repeats": 2, "reparse": 200, "models": 10000, "days": 10, "rendered": 100}
             if args.quick else
             {"pages": 10000, "repeats": 2, "reparse": 1000, "models": 10000, "days": 365, "rendered": 500})
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="modeltrail-bench-") as tmp:
        tmp = Path(tmp)
        progress(f"building {sizes['pages']} pages")
        root = site.build(tmp / "site", sizes["pages"])
        crawl = crawl_bench(root, sizes["pages"], sizes["repeats"], tmp, sizes["rendered"])
        progress(f"re-parse {sizes['reparse']} pages")
        rp = reparse.run(root, sizes["reparse"], repeats=5)
        progress(f"warehouse: {sizes['models']} models x {sizes['days']} days")
        wh = _json_run(["bench.warehouse", str(sizes["models"]), str(sizes["days"]), "0.01", str(tmp / "wh")],
                       timeout=7200)
    cmd = "python -m bench" + (" --quick" if args.quick else "") + (f" --out {args.out}" if args.out else "")
    md = render("quick" if args.quick else "full", cmd, crawl, rp, wh, time.perf_counter() - t0)
    if args.out:
        Path(args.out).write_text(md + "\n", encoding="utf-8")
        progress(f"wrote {args.out}")
    else:
        print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
