"""Running one source's crawl: its spider in a subprocess (Scrapy's reactor cannot restart in one
process; see modeltrail/crawl.py), its folder read back as pages while it grows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from modeltrail.flows import collector
from modeltrail.flows import progress

from modeltrail.spiders import reach

from modeltrail.flows import stopping
from modeltrail.pipelines.handover import CrawlOutput
from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.parsing import PageParser
from modeltrail.pipelines.sources import get

#: seconds one source's crawl may take before it is stopped and counted as failed
CRAWL_TIMEOUT = float(os.environ.get("MODELTRAIL_CRAWL_TIMEOUT", 1800))


@dataclass
class Started:
    """A crawl subprocess under way: its folder, its log, and when it began (its timeout counts from
    then)."""
    source: str
    out: Path
    replay: str | None
    proc: subprocess.Popen
    log: IO
    began: float


def start(source: str, out_dir: str | Path, replay: str | None = None, start_urls: list[str] | None = None,
          max_pages: int | None = None, fetch: str | None = None) -> Started:
    """Start the source's spider in a subprocess writing to out_dir (`crawl` reads it)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # -P: the working directory is not put on the crawl's import path (a folder named `modeltrail` there
    # would be imported instead of this package)
    cmd = [sys.executable, "-P", "-m", "modeltrail.spiders.crawl", source, str(out)]
    if replay:
        cmd += ["--replay", replay]
    for url in start_urls or []:
        cmd += ["--start-url", url]
    if max_pages:
        cmd += ["--max-pages", str(max_pages)]
    if fetch:
        cmd += ["--fetch", fetch]
    log = open(out / "crawl.log", "w")
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    except BaseException:
        log.close()
        raise
    stopping.track(proc)
    return Started(source, out, replay, proc, log, time.monotonic())


def stop(started: Started) -> None:
    """End a crawl nobody will read (a refresh that ended before its flow took the crawl)."""
    try:
        if started.proc.poll() is None:
            started.proc.kill()
            started.proc.wait()
    finally:
        stopping.untrack(started.proc)
        started.log.close()


def crawl(source: str, out_dir: str | Path, replay: str | None = None,
          start_urls: list[str] | None = None, timeout: float = CRAWL_TIMEOUT,
          max_pages: int | None = None, parse: bool = False, poll: float = 0.05,
          fetch: str | None = None, started: Started | None = None) -> CrawlOutput:
    """Run the source's spider in a subprocess (Scrapy's reactor cannot restart in one process).

    With parse=True, pages are parsed here as the crawl archives them, so parsing uses the second core
    while the first one crawls: the crawl's output then carries the parse results. With `started`, the
    crawl is one `start` began earlier (flows/head_start.py): its folder is read from the beginning, the
    timeout counted from its start."""
    if started is None:
        if replay is None and (why := reach.unresolved(start_urls or live_urls(source))):
            return CrawlOutput(source, stats={"modeltrail/setup_error": why})
        started = start(source, out_dir, replay=replay, start_urls=start_urls, max_pages=max_pages,
                        fetch=fetch)
    out, proc, log = started.out, started.proc, started.log
    reader = CrawlReader(out)
    parser = PageParser(source) if parse else None
    pages: list[PageRecord] = []
    log_file = out / "crawl.log"
    deadline = started.began + timeout
    with log:
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                new = reader.poll()
                pages += new
                for page in new:
                    progress.page_seen(source, page.ok)
                    if parser:
                        _feed(parser, page)
                if not new:
                    time.sleep(poll)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
                log.write(f"\ncrawl stopped after {timeout:.0f} s\n")
            stopping.untrack(proc)
    returncode = proc.returncode if time.monotonic() < deadline else None
    rest = reader.poll()
    pages += rest
    if parser:
        for page in rest:
            _feed(parser, page)
    stats_file = out / "stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else None
    tail = "\n".join(log_file.read_text("utf-8", errors="replace").strip().splitlines()[-5:])
    return CrawlOutput(source, pages, stats, returncode, tail, parsed=parser.parsed() if parser else None)


def _feed(parser: PageParser, page: PageRecord) -> None:
    """One page parsed; a catalog's cards (thousands at once, no cycles) built with the collector paused,
    then kept out of its later passes (flows/collector.py)."""
    with collector.kept(parser.is_catalog):
        parser.feed(page)


def live_urls(source: str) -> list[str]:
    """Where a live crawl of the source starts: its API, then its spider's start urls."""
    src = get(source)
    return [u for u in (src.api, *src.spider_class().start_urls) if u]


def start_url(source: str) -> str:
    """The page a card of the source is said to come from when nothing names one (`parse` without
    --url): its spider's first start url (for a source read through its API, the page the API serves)."""
    return live_urls(source)[-1 if get(source).api else 0]


class CrawlReader:
    """Reads a crawl folder's pages.jsonl as it grows: only whole lines, each once."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.offset = 0
        self.partial = b""

    def poll(self) -> list[PageRecord]:
        index = self.out / "pages.jsonl"
        try:
            with open(index, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except FileNotFoundError:
            return []
        self.offset += len(data)
        *lines, self.partial = (self.partial + data).split(b"\n")
        return [page for line in lines if (page := self._record(line)) is not None]

    def _record(self, line: bytes) -> PageRecord | None:
        try:
            rec = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None  # a line cut short by a killed crawl
        body_file = None
        if rec.get("sha256") or rec.get("raw_sha256"):
            body_file = str(self.out / "bodies.bin")
            end = max(rec.get("body_offset", 0) + rec.get("body_length", 0),
                      rec.get("raw_offset", 0) + rec.get("raw_length", 0))
            if end > os.path.getsize(body_file):
                return None  # cannot happen with the pipeline's write order; never trust it blindly
        return PageRecord(url=rec["url"], fetched_at=datetime.fromisoformat(rec["fetched_at"]),
                          status=rec.get("status"), page_kind=rec.get("page_kind"), sha256=rec.get("sha256"),
                          content_type=rec.get("content_type"), body_file=body_file,
                          body_offset=rec.get("body_offset", 0), body_length=rec.get("body_length", 0),
                          error=rec.get("error"), via=rec.get("via"), raw_sha256=rec.get("raw_sha256"),
                          raw_offset=rec.get("raw_offset", 0), raw_length=rec.get("raw_length", 0))


def read_crawl(source: str, out: Path, returncode: int | None = None, log: str = "") -> CrawlOutput:
    """A finished crawl's folder as a CrawlOutput."""
    pages = CrawlReader(out).poll()
    stats_file = Path(out) / "stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else None
    tail = "\n".join(log.strip().splitlines()[-5:])
    return CrawlOutput(source, pages, stats, returncode, tail)
