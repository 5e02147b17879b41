"""The steps of a refresh as plain functions: crawl (in a subprocess: crawl_run.py), parse (parsing.py),
judge (verdict.py), load (build_load, then the warehouse's load_source).

flows/refresh.py strings them together as a Prefect flow; tests call them directly (as `steps.<name>`).
"""

from __future__ import annotations

import json

from modeltrail.flows.crawl_run import CRAWL_TIMEOUT

from modeltrail.flows.crawl_run import CrawlReader

from modeltrail.flows.crawl_run import crawl

from modeltrail.flows.crawl_run import live_urls

from modeltrail.flows.crawl_run import read_crawl
from modeltrail.pipelines.handover import ArchivedPages
from modeltrail.pipelines.handover import CrawlOutput
from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.handover import SourceLoad
from modeltrail.pipelines.parsing import PageParser
from modeltrail.pipelines.parsing import has_value
from modeltrail.pipelines.parsing import merge_by_model
from modeltrail.pipelines.parsing import merge_cards
from modeltrail.pipelines.parsing import parse_all
from modeltrail.pipelines.parsing import parse_pages
from modeltrail.pipelines.verdict import MIN_CARD_SHARE
from modeltrail.pipelines.verdict import coverage
from modeltrail.pipelines.verdict import detail_notes
from modeltrail.pipelines.verdict import judge
from modeltrail.pipelines.verdict import judge_cards
from modeltrail.pipelines.verdict import looks_script_built

SQL = "run_results.sql"

__all__ = [  # the steps, where they live; and what this module adds: the load of one source run
    "CRAWL_TIMEOUT", "CrawlReader", "crawl", "live_urls", "read_crawl",
    "ArchivedPages", "CrawlOutput", "PageRecord", "SourceLoad",
    "PageParser", "has_value", "merge_by_model", "merge_cards", "parse_pages",
    "MIN_CARD_SHARE", "coverage", "detail_notes", "judge", "judge_cards", "looks_script_built",
    "last_complete_run", "last_complete_runs", "build_load", "summarize",
]


def last_complete_runs(con, sources: list[str]) -> dict[str, dict]:
    """Each source's last complete run (a source with none is not in it), read at once."""
    from modeltrail.warehouse import db
    return {source: {"cards": cards, "coverage": json.loads(coverage) if coverage else {}}
            for source, cards, coverage in con.execute(db.query("last_complete", SQL),
                                                       {"sources": list(sources)}).fetchall()}


def last_complete_run(con, source: str) -> dict | None:
    return last_complete_runs(con, [source]).get(source)


def build_load(source: str, crawl_out: "CrawlOutput | ArchivedPages", last_complete: dict | None) -> SourceLoad:
    parsed = crawl_out.parsed or parse_all(source, crawl_out.pages)
    cards, problems, card_pages = parsed.cards, parsed.problems, parsed.card_pages
    status, reasons, cov = judge(source, crawl_out, cards, problems, card_pages, last_complete,
                                 carded=parsed.carded)
    return SourceLoad(source=source, status=status, pages=crawl_out.pages, cards=cards,
                      problems=[(p.url, p.field, str(p)) for p in problems], reasons=reasons,
                      notes=list(dict.fromkeys(parsed.notes + detail_notes(crawl_out.pages))),
                      coverage=cov, card_pages=card_pages, error=reasons[0] if status == "failed" else None,
                      providers=parsed.providers, fingerprints=parsed.fingerprints)


def summarize(con, run_id: int) -> str:
    """One paragraph naming each source's verdict and what changed in the run."""
    parts = []
    from modeltrail.warehouse import db
    for source, status, cards, added, closed, removed, reasons, notes in con.execute(
            db.query("run_verdicts", SQL), {"run_id": run_id}).fetchall():
        line = f"{source}: {status}, {cards} cards, {added} new versions, {closed} closed, {removed} removed"
        if reasons:
            line += " (" + "; ".join(reasons) + ")"
        if notes:
            line += " [" + "; ".join(notes) + "]"
        parts.append(line)
    return "\n".join(parts)
