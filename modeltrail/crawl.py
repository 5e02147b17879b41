"""Run one source's crawl in this process and write what it fetched to a folder.

    python -m modeltrail.crawl SOURCE OUT_DIR [--replay URL] [--start-url URL ...]

Scrapy's reactor cannot restart inside a process, so the refresh flow runs this as a subprocess per
source. OUT_DIR receives pages.jsonl, bodies/<sha256> and, when the crawl finished, stats.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from . import __version__
from .sources import get

CONTACT_URL = "https://github.com/modeltrail/modeltrail"


def settings(out_dir: str, replay: str | None, max_pages: int) -> dict:
    live = replay is None
    return {
        "MODELTRAIL_OUT": out_dir,
        "REPLAY_BASE": replay,
        "ITEM_PIPELINES": {"modeltrail.pipelines.archive.ArchivePipeline": 100},
        "DOWNLOADER_MIDDLEWARES": {"modeltrail.spiders.middleware.ReplayMiddleware": 40},
        "USER_AGENT": f"modeltrail/{__version__} (+{CONTACT_URL})",
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4 if live else 16,
        "DOWNLOAD_DELAY": 1.0 if live else 0,
        "AUTOTHROTTLE_ENABLED": live,
        "DOWNLOAD_TIMEOUT": 30 if live else 15,
        "DNS_TIMEOUT": 10,
        "RETRY_TIMES": 2,
        "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 0,
        "CLOSESPIDER_PAGECOUNT": max_pages,
        "DEPTH_LIMIT": 4,
        "TELNETCONSOLE_ENABLED": False,
        # Public pages need no cookies, and the cookie middleware's public-suffix check (tldextract)
        # would fetch its list from the internet on first use.
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }


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
    (out / "stats.json").write_text(json.dumps(stats, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
