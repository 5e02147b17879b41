"""The steps of a refresh as plain functions: crawl (in a subprocess), parse, judge, load.

flows/refresh.py strings them together as a Prefect flow; tests call them directly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import progress, reach
from .parsers.base import Parsed
from .records import InvalidValue, ModelCard
from .sources import get
from .handover import PageRecord, SourceLoad

#: a complete run's card count may not fall below this share of the last complete run's
MIN_CARD_SHARE = 0.5
#: seconds one source's crawl may take before it is stopped and counted as failed
CRAWL_TIMEOUT = float(os.environ.get("MODELTRAIL_CRAWL_TIMEOUT", 1800))


@dataclass
class CrawlOutput:
    source: str
    pages: list[PageRecord] = field(default_factory=list)
    stats: dict | None = None       # Scrapy's stats; None when the crawl died before writing them
    returncode: int | None = None
    log_tail: str = ""
    parsed: "PageParser | None" = None  # the pages parsed while the crawl ran (see crawl(parse=True))


@dataclass
class ArchivedPages:
    """Pages read back, not crawled: from the archive (reparse) or a file in git (backfill-git). They are
    judged as pages (failed, card-less, cards against the last complete run); there is no crawl to judge
    (no stats, no log, no early stop)."""
    source: str
    pages: list[PageRecord] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    log_tail: str = ""
    parsed: None = None


def crawl(source: str, out_dir: str | Path, replay: str | None = None,
          start_urls: list[str] | None = None, timeout: float = CRAWL_TIMEOUT,
          max_pages: int | None = None, parse: bool = False, poll: float = 0.05,
          fetch: str | None = None) -> CrawlOutput:
    """Run the source's spider in a subprocess (Scrapy's reactor cannot restart in one process).

    With parse=True, pages are parsed here as the crawl archives them, so parsing uses the second core
    while the first one crawls: the crawl's output then carries the parse results."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if replay is None and (why := reach.unresolved(start_urls or live_urls(source))):
        return CrawlOutput(source, stats={"modeltrail/setup_error": why})
    cmd = [sys.executable, "-m", "modeltrail.crawl", source, str(out)]
    if replay:
        cmd += ["--replay", replay]
    for url in start_urls or []:
        cmd += ["--start-url", url]
    if max_pages:
        cmd += ["--max-pages", str(max_pages)]
    if fetch:
        cmd += ["--fetch", fetch]
    reader = CrawlReader(out)
    parser = PageParser(source) if parse else None
    pages: list[PageRecord] = []
    log_file = out / "crawl.log"
    deadline = time.monotonic() + timeout
    with open(log_file, "w") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                new = reader.poll()
                pages += new
                for page in new:
                    progress.page_seen(source, page.ok)
                    if parser:
                        parser.feed(page)
                if not new:
                    time.sleep(poll)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
                log.write(f"\ncrawl stopped after {timeout:.0f} s\n")
    returncode = proc.returncode if time.monotonic() < deadline else None
    rest = reader.poll()
    pages += rest
    if parser:
        for page in rest:
            parser.feed(page)
    stats_file = out / "stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else None
    tail = "\n".join(log_file.read_text("utf-8", errors="replace").strip().splitlines()[-5:])
    return CrawlOutput(source, pages, stats, returncode, tail, parsed=parser)


def live_urls(source: str) -> list[str]:
    """Where a live crawl of the source starts: its API, then its spider's start urls."""
    src = get(source)
    return [u for u in (src.api, *src.spider_class().start_urls) if u]


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


class PageParser:
    """Parses one source's card pages one at a time, then merges the cards per model."""

    def __init__(self, source: str):
        self.source = source
        self.parser = get(source).parser
        self.problems: list[InvalidValue] = []
        self.notes: list[str] = []
        self.card_pages = 0
        self.seen: dict[str, list[ModelCard]] = {}
        self.carded: set[str] = set()  # urls of the pages that gave a card

    def feed(self, page: PageRecord) -> None:
        # "detail": a model's own page beside the API that listed it (see spiders/azure.py)
        if not page.has_body or page.page_kind not in ("card", "detail") or not page.ok:
            return
        self.card_pages += page.page_kind == "card"
        try:
            parsed: Parsed = self.parser.parse(page.read_body(), page.url, page.fetched_at, page.content_type)
        except Exception as exc:  # a parser bug must not sink the other pages; it is reported per page
            self.problems.append(InvalidValue(self.source, page.url, "page", f"parser crashed: {exc!r}"))
            return
        self.problems.extend(parsed.problems)
        self.notes.extend(parsed.notes)
        if parsed.cards:
            self.carded.add(page.url)
        for card in parsed.cards:
            self.seen.setdefault(card.source_model_id, []).append(card)

    def result(self) -> tuple[list[ModelCard], list[InvalidValue], int]:
        return merge_by_model([c for group in self.seen.values() for c in group]), self.problems, self.card_pages


def parse_pages(source: str, pages: list[PageRecord]) -> tuple[list[ModelCard], list[InvalidValue], int]:
    """Parse every card page that came back with a body. Returns (cards, problems, card pages read)."""
    parser = PageParser(source)
    for page in pages:
        parser.feed(page)
    return parser.result()


def merge_by_model(cards: list[ModelCard]) -> list[ModelCard]:
    """One card per model: the cards several pages gave of one model, merged (first seen order)."""
    groups: dict[str, list[ModelCard]] = {}
    for card in cards:
        groups.setdefault(card.source_model_id, []).append(card)
    return [merge_cards(group) if len(group) > 1 else group[0] for group in groups.values()]


def merge_cards(cards: list[ModelCard]) -> ModelCard:
    """One card from several pages of one source that describe the same model (OpenAI's docs page and
    an announcement post). The fullest card leads; the others fill its empty fields, and their prices
    and benchmarks keep the page that stated them."""
    def filled(c: ModelCard) -> int:
        return sum(1 for v in c.model_dump().values() if has_value(v))
    lead, *rest = sorted(cards, key=filled, reverse=True)
    data = lead.model_dump()
    prices = {(p.kind, p.tier): _stated(p, lead) for p in lead.prices}
    benches = {(b.benchmark or b.reported_name, b.setting): _stated(b, lead) for b in lead.benchmarks}
    for other in rest:
        for name, value in other.model_dump().items():
            if isinstance(value, list) and name in ModelCard.model_fields and name not in ("prices", "benchmarks"):
                data[name] = sorted(set(data[name]) | set(value))
            elif data.get(name) in (None, "") and value not in (None, ""):
                data[name] = value
        for p in other.prices:
            prices.setdefault((p.kind, p.tier), _stated(p, other))
        for b in other.benchmarks:
            benches.setdefault((b.benchmark or b.reported_name, b.setting), _stated(b, other))
    data["prices"], data["benchmarks"] = [], []
    merged = ModelCard(**data)
    merged.prices, merged.benchmarks = list(prices.values()), list(benches.values())
    return merged


def _stated(value, card: ModelCard):
    if value._url is None:
        value._url, value._page_sha256 = card.url, card.page_sha256
    return value


def has_value(v) -> bool:
    """None, "" and [] count as missing."""
    return v not in (None, "", [])


def coverage(cards: list[ModelCard], fields: tuple[str, ...]) -> dict[str, float]:
    """Share of cards with a value in each field (None, "" and [] count as missing)."""
    if not cards:
        return {f: 0.0 for f in fields}
    out = {}
    for f in fields:
        have = sum(1 for c in cards if has_value(getattr(c, f)))
        out[f] = round(have / len(cards), 3)
    return out


def judge(source: str, crawl_out: "CrawlOutput | ArchivedPages", cards: list[ModelCard],
          problems: list[InvalidValue], card_pages: int, last_complete: dict | None = None,
          carded: set[str] | None = None) -> tuple[str, list[str], dict[str, float]]:
    """The verdict on one source run, from facts: complete, partial or failed, with the reasons.

    Scrapy exits 0 even when every request failed, so the exit code is never the verdict."""
    src = get(source)
    reasons: list[str] = []
    cov = coverage(cards, src.key_fields)
    ok = [p for p in crawl_out.pages if p.ok]
    # a detail page that failed leaves the API's card whole: a note (detail_notes), not a reason
    bad = [p for p in crawl_out.pages if not p.ok and p.page_kind != "detail"]
    if crawl_out.stats and crawl_out.stats.get("modeltrail/setup_error"):
        reasons.append(crawl_out.stats["modeltrail/setup_error"])
        return "failed", reasons, cov
    if isinstance(crawl_out, CrawlOutput) and crawl_out.stats is None:
        reasons.append("crawl died before finishing (no stats)"
                       + (f": {crawl_out.log_tail.splitlines()[-1]}" if crawl_out.log_tail else ""))
        return "failed", reasons, cov
    for key, why in sorted(crawl_out.stats.items()):
        if key.startswith("robotstxt/fail_closed/"):
            reasons.append(f"robots.txt of {key.split('/', 2)[2]} failed ({why}): its pages were not "
                           "fetched this run (fail closed)")
    if stopped := crawl_out.stats.get("modeltrail/api_stopped"):
        reasons.append(f"{stopped}: the listing may be incomplete")
    if browser := crawl_out.stats.get("modeltrail/browser_refused"):
        reasons.append(f"the rendered page(s) tried to reach {len(browser)} address(es) outside the source, "
                       f"refused by the browser's guard: {'; '.join(browser[:3])}"
                       + (f" and {len(browser) - 3} more" if len(browser) > 3 else ""))
    refused = crawl_out.stats.get("modeltrail/refused_requests")
    if refused:
        reasons.append(f"{refused} request(s) refused for leaving the source's domains (see the page errors)")
    if not ok:
        errors = Counter(p.error or f"HTTP {p.status}" for p in bad)
        robots = reasons and all("robots.txt of" in e for e in errors)
        if not robots:  # (when robots.txt failed, the reason above already says why nothing came)
            what = "; ".join(f"{e} ({n}x)" for e, n in errors.most_common(2)) or "no page was fetched"
            reasons.append(f"every page failed: {what}" if bad else "no page was fetched")
        return "failed", reasons, cov
    if not cards:
        why = problems[0] if problems else None
        shells = [p for p in ok if p.page_kind == "card" and p.via != "rendered" and looks_script_built(p)]
        failed_cards = [p for p in bad if p.page_kind == "card"]
        if not card_pages and failed_cards:
            first = failed_cards[0]
            reasons.append(f"no model page could be fetched ({len(failed_cards)} failed; first: {first.url}: "
                           f"{first.error or 'HTTP %s' % first.status})")
        elif not card_pages:
            listings = [p for p in ok if p.page_kind == "listing"]
            shell = listings and all(looks_script_built(p) for p in listings if p.via != "rendered")
            reasons.append("no model page found on the listing"
                           + (": it is built by script (the served HTML has scripts and almost no text); the "
                              "source needs rendering (fetch=\"render\")" if shell else ": layout changed?"))
        elif len(shells) == card_pages:
            reasons.append(f"no card found on {card_pages} card page(s): the pages are built by script (the served "
                           "HTML has scripts and almost no text); the source needs rendering (fetch=\"render\")")
        else:
            reasons.append(f"no card found on {card_pages} card page(s)"
                           + (f" ({why})" if why else "") + ": layout changed?")
        return "failed", reasons, cov
    finish = crawl_out.stats.get("finish_reason")
    if finish not in (None, "finished"):
        reasons.append(f"crawl ended early: {finish}")
    if bad:
        reasons.append(f"{len(bad)} of {len(crawl_out.pages)} page(s) failed"
                       f" (first: {bad[0].url}: {bad[0].error or 'HTTP %s' % bad[0].status})")
    if carded is None:
        carded = _card_urls(cards)
    no_card = card_pages - len({p.url for p in crawl_out.pages if p.page_kind == "card" and p.ok} & carded)
    if no_card > 0:
        reasons.append(f"{no_card} card page(s) gave no card")
    reasons += judge_cards(source, cards, cov, last_complete)
    return ("partial" if reasons else "complete"), reasons, cov


def judge_cards(source: str, cards: list[ModelCard], cov: dict[str, float],
                last_complete: dict | None) -> list[str]:
    """What the cards alone say against a complete run: too few of them, or a key field gone from all.
    (Cards loaded from a file have no crawl to judge: this is their whole verdict.)"""
    src = get(source)
    reasons = []
    if len(cards) < src.min_cards:
        reasons.append(f"{len(cards)} card(s), fewer than the {src.min_cards} expected")
    if last_complete:
        if last_complete.get("cards") and len(cards) < MIN_CARD_SHARE * last_complete["cards"]:
            reasons.append(f"card count fell from {last_complete['cards']} to {len(cards)}")
        before = last_complete.get("coverage") or {}
        for f, share in cov.items():
            if share == 0 and before.get(f, 0) > 0:
                reasons.append(f"field {f} is missing on every card (was on {before[f]:.0%})")
    return reasons


def looks_script_built(page: PageRecord) -> bool:
    """A page whose served HTML is a script shell: scripts, and next to no text a person would read."""
    from .text import page_lines
    body = page.read_body() or b""
    if b"<script" not in body.lower():
        return False
    return sum(len(line) for line in page_lines(body, page.content_type)) < 200


def detail_notes(pages: list[PageRecord]) -> list[str]:
    """A note on the models' own pages that did not come (the API already stated their cards)."""
    details = [p for p in pages if p.page_kind == "detail"]
    failed = [p for p in details if not p.ok]
    if not failed:
        return []
    first = min(failed, key=lambda p: p.url)  # (by url: the order pages arrive in is left to chance)
    return [f"model pages: {len(failed)} of {len(details)} not fetched (first: {first.url}: "
            f"{first.error or 'HTTP %s' % first.status}); their cards hold what the API states"]


def _card_urls(cards: list[ModelCard]) -> set[str]:
    urls = {c.url for c in cards}
    for c in cards:
        urls |= {x._url for x in (*c.prices, *c.benchmarks) if x._url}
    return urls


def last_complete_run(con, source: str) -> dict | None:
    from .warehouse import db
    row = con.execute(db.query("last_complete"), {"source": source}).fetchone()
    if row is None:
        return None
    return {"cards": row[0], "coverage": json.loads(row[1]) if row[1] else {}}


def build_load(source: str, crawl_out: "CrawlOutput | ArchivedPages", last_complete: dict | None) -> SourceLoad:
    parser = crawl_out.parsed
    if parser is None:
        parser = PageParser(source)
        for page in crawl_out.pages:
            parser.feed(page)
    cards, problems, card_pages = parser.result()
    status, reasons, cov = judge(source, crawl_out, cards, problems, card_pages, last_complete,
                                 carded=parser.carded)
    return SourceLoad(source=source, status=status, pages=crawl_out.pages, cards=cards,
                      problems=[(p.url, p.field, str(p)) for p in problems], reasons=reasons,
                      notes=list(dict.fromkeys(parser.notes + detail_notes(crawl_out.pages))),
                      coverage=cov, card_pages=card_pages, error=reasons[0] if status == "failed" else None)


def summarize(con, run_id: int) -> str:
    """One paragraph naming each source's verdict and what changed in the run."""
    parts = []
    from .warehouse import db
    for source, status, cards, added, closed, removed, reasons, notes in con.execute(
            db.query("run_verdicts"), {"run_id": run_id}).fetchall():
        line = f"{source}: {status}, {cards} cards, {added} new versions, {closed} closed, {removed} removed"
        if reasons:
            line += " (" + "; ".join(reasons) + ")"
        if notes:
            line += " [" + "; ".join(notes) + "]"
        parts.append(line)
    return "\n".join(parts)
