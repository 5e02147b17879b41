"""Run one source's crawl in this process and write what it fetched to a folder.

    python -m modeltrail.spiders.crawl SOURCE OUT_DIR [--replay URL] [--start-url URL ...]

Scrapy's reactor cannot restart inside a process, so the refresh flow runs this as a subprocess per
source. OUT_DIR receives pages.jsonl, bodies.bin and, when the crawl finished, stats.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import resource
import sys
from pathlib import Path

#: as the crawl subprocess: the cyclic GC paused while Scrapy, Twisted and the spider are imported and set
#: up, and what they built frozen before the crawl starts (~0.15 s of each crawl's CPU, bench/RESULTS.md
#: section 11); the crawl's own objects are collected as usual
_GC_PAUSED = __name__ == "__main__" and gc.isenabled()
if _GC_PAUSED:
    gc.disable()

from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.settings import default_settings  # noqa: E402

from modeltrail import __version__  # noqa: E402
from modeltrail.pipelines.sources import FETCH_MODES  # noqa: E402
from modeltrail.pipelines.sources import get  # noqa: E402

CONTACT_URL = "https://github.com/modeltrail/modeltrail"


def _env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def max_page_bytes() -> int:
    """The most a page may weigh, decompressed: a crawl's download cap, and `parse`'s input cap."""
    return int(_env("MODELTRAIL_MAX_PAGE_BYTES", 10 * 1024 * 1024))


#: Scrapy components a crawl here never enables, left out of Scrapy's base lists: Scrapy imports every
#: component a list names (even one set to None) to normalize its key, and these two import aiohttp and
#: tldextract (~0.2 s of every crawl subprocess, bench/RESULTS.md section 11)
REMOTE_CONTROL = "scrapy.extensions.remote_control.RemoteControl"
COOKIES = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"


def _without(base: dict, name: str) -> dict:
    return {k: v for k, v in base.items() if k != name}


def settings(out_dir: str, replay: str | None, max_pages: int) -> dict:
    """Scrapy settings for one source's crawl. MODELTRAIL_* environment variables override the limits
    (documented in docs/reliability.md)."""
    live = replay is None
    mw = "modeltrail.spiders.middleware"
    return {
        "MODELTRAIL_OUT": out_dir,
        "REPLAY_BASE": replay,
        "ITEM_PIPELINES": {"modeltrail.spiders.archive.ArchivePipeline": 100},
        "DOWNLOADER_MIDDLEWARES_BASE": _without(default_settings.DOWNLOADER_MIDDLEWARES_BASE, COOKIES),
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
        "DOWNLOAD_MAXSIZE": max_page_bytes(),
        "DOWNLOAD_WARNSIZE": 0,
        # Each page yields one item: Scrapy's default of 100 concurrent items per response starts 100
        # asyncio workers for every page (2x slower crawls, bench/RESULTS.md).
        "CONCURRENT_ITEMS": 4,
        "REDIRECT_MAX_TIMES": 5,
        "CLOSESPIDER_PAGECOUNT": max_pages,
        "DEPTH_LIMIT": 4,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy's remote control (on by default in Scrapy 2.19) serves an HTTP endpoint that runs the Python
        # code it is sent, and writes its token to a file in the home folder: nothing a crawl here needs.
        "REMOTE_CONTROL_ENABLED": False,
        "EXTENSIONS_BASE": _without(default_settings.EXTENSIONS_BASE, REMOTE_CONTROL),
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


#: Debian's Chromium (apt-get install chromium); MODELTRAIL_CHROMIUM names another build
CHROMIUM = os.environ.get("MODELTRAIL_CHROMIUM", "/usr/bin/chromium")
NO_BROWSER = ("rendering needs Chromium: install Debian's package (`apt-get install chromium`) or set "
              "MODELTRAIL_CHROMIUM to a Chromium binary")


def _sandbox_args() -> list[str]:
    """Chromium's own sandbox cannot start as root: there (and only there, or when
    MODELTRAIL_CHROMIUM_NO_SANDBOX=1 says the machine cannot give it one) it runs without."""
    if os.geteuid() == 0 or os.environ.get("MODELTRAIL_CHROMIUM_NO_SANDBOX") == "1":
        return ["--no-sandbox"]
    return []


def render_settings(allowed_domains: list[str], replay: str | None, proxy_port: int) -> dict:
    """scrapy-playwright driving Debian's Chromium, bounded: one context, a few pages, no background
    traffic, and no request the page makes to anything but the source's own hosts (or the replay).

    Every connection the browser opens goes through the guard proxy on proxy_port (see
    spiders/browserproxy.py), loopback included; WebRTC may use no UDP that bypasses it; service
    workers are blocked."""
    from modeltrail.spiders.middleware import BrowserGuard
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": CHROMIUM, "headless": True,
            "proxy": {"server": f"http://127.0.0.1:{proxy_port}", "bypass": "<-loopback>"},
            "args": [*_sandbox_args(), "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                     "--disable-dev-shm-usage", "--renderer-process-limit=2",
                     "--js-flags=--max-old-space-size=256",
                     "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                     "--webrtc-ip-handling-policy=disable_non_proxied_udp"],
        },
        "PLAYWRIGHT_CONTEXTS": {"default": {"service_workers": "block"}},
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(_env("MODELTRAIL_RENDER_WAIT", 15) * 1000),
        "PLAYWRIGHT_ABORT_REQUEST": BrowserGuard(allowed_domains, replay),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m modeltrail.spiders.crawl")
    ap.add_argument("source")
    ap.add_argument("out_dir")
    ap.add_argument("--replay", help="base url of a server that serves captures laid out by url")
    ap.add_argument("--start-url", action="append", default=None)
    ap.add_argument("--max-pages", type=int, default=5000)
    ap.add_argument("--fetch", choices=FETCH_MODES, help="fetch this way instead of the source's own way")
    args = ap.parse_args(argv)
    if args.replay:
        from modeltrail.spiders.replay import check_base_url
        try:
            args.replay = check_base_url(args.replay)
        except ValueError as exc:
            ap.error(str(exc))
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    source = get(args.source)
    if args.fetch:
        source = dataclasses.replace(source, fetch=args.fetch, fallback="plain")
    spider_class = source.spider_class()
    config = settings(str(out), args.replay, args.max_pages)
    if source.renders:
        if not Path(CHROMIUM).exists():
            # nothing can be fetched the way this source needs: say how to fix it, and let the others run
            (out / "pages.jsonl").touch()
            (out / "stats.json").write_text(json.dumps({"finish_reason": "no_browser",
                                                        "modeltrail/setup_error": NO_BROWSER}))
            print(NO_BROWSER, file=sys.stderr)
            return 0
        from modeltrail.spiders.browserproxy import GuardProxy, rules
        proxy = GuardProxy(rules(list(spider_class.allowed_domains), args.replay), max_bytes=max_page_bytes())
        config.update(render_settings(list(spider_class.allowed_domains), args.replay, proxy.start()))
    else:
        proxy = None
    process = CrawlerProcess(config)
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, start_urls=args.start_url, source=source)
    if _GC_PAUSED:
        gc.freeze()
        gc.enable()
    process.start()
    stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
    if proxy is not None:
        proxy.stop()
        if proxy.refused:
            stats["modeltrail/browser_refused"] = sorted(set(proxy.refused))
        if proxy.background:
            stats["modeltrail/browser_background_refused"] = sorted(set(proxy.background))
    stats["modeltrail/peak_rss_mb"] = peak_rss_mb()
    (out / "stats.json").write_text(json.dumps(stats, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
