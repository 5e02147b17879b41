"""Crawl rate: the full pipeline (Scrapy crawl with modeltrail's middlewares and archive, then parse and
validate, then the warehouse load) against a bare Scrapy spider fetching the same pages and doing nothing.

    python -m bench.crawl bare BASE_URL N       # prints a JSON line
    python -m bench.crawl ours BASE_URL N DB    # prints a JSON line

Each runs in its own process so that its peak memory is its own. BASE_URL serves a site built by
bench/site.py in the replay layout (<host>/<path>)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from modeltrail.crawl import peak_rss_mb


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


def ours(base: str, n: int, db_file: str) -> dict:
    from modeltrail import refresh as steps
    from modeltrail.warehouse import db

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        out = steps.crawl("azure", Path(tmp) / "azure", replay=base, max_pages=n + 10, timeout=3600, parse=True)
        t1 = time.perf_counter()
        cards, problems, card_pages = out.parsed.result()
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
            "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    kind, base, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = bare(base, n) if kind == "bare" else ours(base, n, sys.argv[4])
    print(json.dumps(result))
