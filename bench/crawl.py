"""Crawl rate: the full pipeline (Scrapy crawl with modeltrail's middlewares and archive, then parse and
validate, then the warehouse load) against a bare Scrapy spider fetching the same pages and doing nothing.

    python -m bench.crawl bare BASE_URL N       # prints a JSON line
    python -m bench.crawl ours BASE_URL N DB    # prints a JSON line
    python -m bench.crawl rendered BASE_URL N DB   # the same pages rendered in Chromium

Each runs in its own process so that its peak memory is its own. BASE_URL serves a site built by
bench/site.py in the replay layout (<host>/<path>)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from modeltrail.spiders.crawl import peak_rss_mb


def bare(base: str, n: int) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Bare(scrapy.Spider):
        name = "bare"
        count = 0

        async def start(self):
            yield scrapy.Request(f"{base}/ai.azure.com/catalog/models/index.html", callback=self.listing)

        def listing(self, response):
            for href in response.css("a::attr(href)").getall():
                yield scrapy.Request(f"{base}/ai.azure.com{href}", callback=self.page)

        def page(self, response):
            Bare.count += 1

    process = CrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                              "TELNETCONSOLE_ENABLED": False, "COOKIES_ENABLED": False, "ROBOTSTXT_OBEY": False})
    t0 = time.perf_counter()
    process.crawl(Bare)
    process.start()
    seconds = time.perf_counter() - t0
    return {"pages": Bare.count, "seconds": seconds, "pages_per_s": Bare.count / seconds, "peak_rss_mb": peak_rss_mb()}


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the crawl subprocess, Chromium's)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


class TreeMemory:
    """Samples the process tree's memory every 0.2 s while a crawl runs; keeps the peak."""

    def __init__(self):
        import os
        import threading
        self.peak, self.pid, self.stop = 0.0, os.getpid(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.wait(0.2):
            self.peak = max(self.peak, _tree_rss_mb(self.pid))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def ours(base: str, n: int, db_file: str, fetch: str | None = None) -> dict:
    from modeltrail.flows import steps
    from modeltrail.warehouse import db

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp, TreeMemory() as memory:
        out = steps.crawl("azure", Path(tmp) / "azure", replay=base, max_pages=n + 10, timeout=3600, parse=True,
                          fetch=fetch)
        t1 = time.perf_counter()
        cards, problems, card_pages = out.parsed.cards, out.parsed.problems, out.parsed.card_pages
        status, reasons, cov = steps.judge("azure", out, cards, problems, card_pages)
        t2 = time.perf_counter()
        load = steps.build_load("azure", out, None)
        con = db.connect(db_file)
        from datetime import datetime, timezone
        run_id = db.start_run(con, "replay", datetime.now(timezone.utc))
        db.load_source(con, run_id, datetime.now(timezone.utc), load)
        con.close()
        t3 = time.perf_counter()
    pages = sum(1 for p in out.pages if p.page_kind == "card" and p.ok)
    return {"pages": pages, "cards": len(cards), "status": status, "reasons": reasons[:3],
            "crawl_and_parse_seconds": t1 - t0, "merge_and_judge_seconds": t2 - t1, "load_seconds": t3 - t2,
            "seconds": t2 - t0, "pages_per_s": pages / (t2 - t0),
            "crawl_peak_rss_mb": out.stats.get("modeltrail/peak_rss_mb") if out.stats else None,
            "peak_rss_mb": peak_rss_mb(), "tree_peak_rss_mb": memory.peak}


if __name__ == "__main__":
    kind, base, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = bare(base, n) if kind == "bare" else ours(base, n, sys.argv[4],
                                                       fetch="render" if kind == "rendered" else "plain")
    print(json.dumps(result))
