"""The steps of a refresh as plain functions: crawl (in a subprocess: crawl_run.py), parse (parsing.py),
judge (verdict.py), load (build_load, then the warehouse's load_source).

flows/refresh.py strings them together as a Prefect flow; tests call them directly (as `steps.<name>`).
"""

from __future__ import annotations

import json

from .crawl_run import CRAWL_TIMEOUT, CrawlReader, crawl, live_urls, read_crawl
from .handover import ArchivedPages, CrawlOutput, PageRecord, SourceLoad
from .parsing import PageParser, has_value, merge_by_model, merge_cards, parse_pages
from .verdict import MIN_CARD_SHARE, coverage, detail_notes, judge, judge_cards, looks_script_built

__all__ = [  # the steps, where they live; and what this module adds: the load of one source run
    "CRAWL_TIMEOUT", "CrawlReader", "crawl", "live_urls", "read_crawl",
    "ArchivedPages", "CrawlOutput", "PageRecord", "SourceLoad",
    "PageParser", "has_value", "merge_by_model", "merge_cards", "parse_pages",
    "MIN_CARD_SHARE", "coverage", "detail_notes", "judge", "judge_cards", "looks_script_built",
    "last_complete_run", "build_load", "summarize",
]


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
