"""The verdict on one source run, from facts (never from Scrapy's exit code): complete, partial or
failed, with the reasons. Only a complete run may record that a model is gone."""

from __future__ import annotations

from collections import Counter

from modeltrail.pipelines.handover import ArchivedPages

from modeltrail.pipelines.handover import CrawlOutput

from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.parsing import has_value
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.sources import get

#: a complete run's card count may not fall below this share of the last complete run's
MIN_CARD_SHARE = 0.5
MAX_NAMED_FAILURES = 10  # a partial run names each failed page (url: error), up to this many


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
        named = "; ".join(f"{p.url}: {p.error or 'HTTP %s' % p.status}" for p in bad[:MAX_NAMED_FAILURES])
        more = f"; and {len(bad) - MAX_NAMED_FAILURES} more" if len(bad) > MAX_NAMED_FAILURES else ""
        reasons.append(f"{len(bad)} of {len(crawl_out.pages)} page(s) failed: {named}{more}")
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
    from modeltrail.pipelines.text import page_lines
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
