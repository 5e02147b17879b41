"""Run one source's crawl in this process and write what it fetched to a folder.

    python -m modeltrail.crawl SOURCE OUT_DIR [--replay URL] [--start-url URL ...]

Scrapy's reactor cannot restart inside a process, so the refresh flow runs this as a subprocess per
source. OUT_DIR receives pages.jsonl, bodies.bin and, when the crawl finished, stats.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from . import __version__
from .sources import get

CONTACT_URL = "https://github.com/modeltrail/modeltrail"


def _env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def settings(out_dir: str, replay: str | None, max_pages: int) -> dict:
    """Scrapy settings for one source's crawl. MODELTRAIL_* environment variables override the limits
    (documented in docs/reliability.md)."""
    live = replay is None
    mw = "modeltrail.spiders.middleware"
    return {
        "MODELTRAIL_OUT": out_dir,
        "REPLAY_BASE": replay,
        "ITEM_PIPELINES": {"modeltrail.pipelines.archive.ArchivePipeline": 100},
        "DOWNLOADER_MIDDLEWARES": {
            f"{mw}.DomainGuard": 30,
            f"{mw}.ReplayMiddleware": 40,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            f"{mw}.RobotsMiddleware": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            f"{mw}.PoliteRetry": 550,
        },
        "USER_AGENT": f"modeltrail/{__version__} (+{os.environ.get('MODELTRAIL_CONTACT_URL') or CONTACT_URL})",
        "ROBOTSTXT_OBEY": True,
        # politeness: a few requests at a time per site, a delay, and AutoThrottle on live crawls
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2 if live else 16,
        "DOWNLOAD_DELAY": _env("MODELTRAIL_DOWNLOAD_DELAY", 1.0 if live else 0),
        "AUTOTHROTTLE_ENABLED": live,
        "AUTOTHROTTLE_START_DELAY": 2.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": _env("MODELTRAIL_DOWNLOAD_TIMEOUT", 30 if live else 15),
        "DNS_TIMEOUT": 10,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_BACKOFF_BASE": _env("MODELTRAIL_RETRY_BACKOFF", 2.0 if live else 0.2),
        "RETRY_BACKOFF_MAX": 30.0,
        "RETRY_AFTER_MAX": _env("MODELTRAIL_RETRY_AFTER_MAX", 60.0),
        # a cap per response, after decompression (Scrapy checks the decoded size too)
        "DOWNLOAD_MAXSIZE": int(_env("MODELTRAIL_MAX_PAGE_BYTES", 10 * 1024 * 1024)),
        "DOWNLOAD_WARNSIZE": 0,
        # Each page yields one item: Scrapy's default of 100 concurrent items per response starts 100
        # asyncio workers for every page (2x slower crawls, bench/RESULTS.md).
        "CONCURRENT_ITEMS": 4,
        "REDIRECT_MAX_TIMES": 5,
        "CLOSESPIDER_PAGECOUNT": max_pages,
        "DEPTH_LIMIT": 4,
        "TELNETCONSOLE_ENABLED": False,
        # Public pages need no cookies, and the cookie middleware's public-suffix check (tldextract)
        # would fetch its list from the internet on first use.
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, because ru_maxrss survives exec: a child started
    from a big parent would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m modeltrail.crawl")
    ap.add_argument("source")
    ap.add_argument("out_dir")
    ap.add_argument("--replay", help="base url of a server that serves captures laid out by url")
    ap.add_argument("--start-url", action="append", default=None)
    ap.add_argument("--max-pages", type=int, default=5000)
    args = ap.parse_args(argv)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    process = CrawlerProcess(settings(str(out), args.replay, args.max_pages))
    crawler = process.create_crawler(get(args.source).spider_class())
    process.crawl(crawler, start_urls=args.start_url)
    process.start()
    stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
    stats["modeltrail/peak_rss_mb"] = peak_rss_mb()
    (out / "stats.json").write_text(json.dumps(stats, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
