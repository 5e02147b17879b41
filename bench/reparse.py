"""Re-parse rate: archived pages parsed per second on one core, against only building the lxml tree of
the same pages (and, to show the choice of tools, BeautifulSoup and parsel building theirs)."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

import lxml.html

from modeltrail.pipelines import text
from modeltrail.pipelines.sources import get


def _rates(fn, bodies, repeats: int) -> list[float]:
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for b in bodies:
            fn(b)
        rates.append(len(bodies) / (time.perf_counter() - t0))
    return rates


def run(site: Path, pages: int, repeats: int = 5, with_bs4: bool = True) -> dict:
    files = sorted(p for p in (site / "ai.azure.com/catalog/models").iterdir() if p.name != "index.html")[:pages]
    bodies = [p.read_bytes() for p in files]
    parser = get("azure").parser
    now = datetime.now(timezone.utc)
    ctype = "text/html; charset=utf-8"
    cards = sum(len(parser.parse(b, f"https://ai.azure.com/catalog/models/{p.name}", now, ctype).cards)
                for p, b in zip(files, bodies))
    contenders = {
        "lxml tree only (lxml.html.document_fromstring)": lambda b: lxml.html.document_fromstring(b),
        "modeltrail text lines (text.page_lines)": lambda b: text.page_lines(b, ctype),
        "modeltrail parse (azure parser: lines, fields, validated ModelCard)":
            lambda b: parser.parse(b, "https://ai.azure.com/catalog/models/x", now, ctype),
    }
    if with_bs4:
        from bs4 import BeautifulSoup
        from parsel import Selector
        contenders["parsel Selector (lxml underneath)"] = lambda b: Selector(body=b, type="html").css("h1")
        contenders["BeautifulSoup(…, 'lxml') tree only"] = lambda b: BeautifulSoup(b, "lxml")
    out = {"pages": len(bodies), "cards": cards, "kb_mean": round(sum(map(len, bodies)) / len(bodies) / 1024, 1),
           "rates": {}}
    for name, fn in contenders.items():
        r = _rates(fn, bodies if "Beautiful" not in name else bodies[:max(20, len(bodies) // 5)], repeats)
        out["rates"][name] = {"min": min(r), "median": statistics.median(r), "max": max(r)}
    bare = out["rates"]["lxml tree only (lxml.html.document_fromstring)"]["median"]
    ours = out["rates"]["modeltrail parse (azure parser: lines, fields, validated ModelCard)"]["median"]
    out["ratio"] = ours / bare
    return out
