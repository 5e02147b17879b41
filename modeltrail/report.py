"""`modeltrail report`: one self-contained, offline HTML file of what the warehouse knows about some
models over a period: price history as step lines (one per source and price kind, change points
marked), context window and benchmark history where they changed, a lifecycle timeline per model, the
change feed of the period (filterable), conflicts between sources, every value with the page and time
it came from, and every stated shutdown per vendor (past and upcoming, the vendor's page first).

Charts are plotly figures; plotly.js is one file beside the page (`plotly.min.js`, written once into
the report's folder, referenced relatively: no CDN, no network), so the folder opens anywhere, offline,
and the page itself stays small. `collect` reads the warehouse (named queries: report_data.py); `render`
is a pure function of what it read (its charts: report_charts.py); `write_asset` puts the shared script
beside the pages.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from modeltrail.report_charts import _series, lifecycle_figure, step_figure
from modeltrail.report_data import ReportData, Version, collect  # noqa: F401 - what `modeltrail report` calls

#: the chart library, one file beside the pages; each page loads it by this relative name
ASSET = "plotly.min.js"


_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{margin-bottom:0}h2{border-top:2px solid #ddd;padding-top:16px}.meta{color:#666}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}td,th{border-bottom:1px solid #eee;padding:3px 6px;
text-align:left;vertical-align:top;font-size:13px}th{background:#f6f6f6}input{padding:4px;width:320px}
.chart{margin:8px 0}nav a{margin-right:10px}"""

_FILTER_JS = """function filterRows(input, id){const q=input.value.toLowerCase();
for(const tr of document.querySelectorAll('#'+id+' tbody tr')){tr.style.display=tr.textContent.toLowerCase().includes(q)?'':'none';}}"""


def _e(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
    return html.escape(str(v))


def _link(url: str | None, text: str | None = None) -> str:
    if not url:
        return ""
    safe = html.escape(url, quote=True)
    if not url.startswith(("http://", "https://")):
        return html.escape(text or url)
    return f'<a href="{safe}" rel="noreferrer">{html.escape(text or url)}</a>'


def _table(cols: list[str], rows: list[list[str]], table_id: str | None = None) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    tid = f' id="{table_id}"' if table_id else ""
    return f"<table{tid}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def conflict_text(values: Any) -> str:
    """A conflict's values as one line of text: `source=value` items become "source value", joined by
    " · " (e.g. "openrouter 2.5 · litellm 2.75")."""
    if values is None:
        return ""
    if isinstance(values, str):
        values = [values]
    return " · ".join(" ".join(str(v).split("=", 1)) for v in values)


def write_asset(out: Path) -> Path:
    """Put the chart library beside the pages in `out`, once: written only when missing or not this
    plotly's, so pages written before keep loading it and a second report rewrites nothing."""
    import os

    from plotly.offline import get_plotlyjs

    from modeltrail.export import replacing
    path = out / ASSET
    body = get_plotlyjs().encode("utf-8")
    try:
        if path.stat().st_size == len(body) and path.read_bytes() == body:
            return path
    except FileNotFoundError:
        pass
    with replacing(path) as (fd, _tmp):
        with os.fdopen(fd, "wb") as f:
            f.write(body)
    return path


def shutdowns_section(data: ReportData) -> str:
    """Per vendor, a timeline table of every stated shutdown (past and upcoming, soonest first; each
    model's vendor page first and the catalogs next to it)."""
    parts = ["<section id='shutdowns'><h2>Shutdowns by vendor</h2>"]
    if not data.shutdowns:
        parts.append("<p>No source states a shutdown date.</p>")
    by_vendor: dict[str, list[dict]] = {}
    for r in data.shutdowns:
        by_vendor.setdefault(r["vendor"] or "(unknown vendor)", []).append(r)
    for vendor in sorted(by_vendor):
        rows = []
        for r in by_vendor[vendor]:
            days = r["days_left"]
            when = ("" if days is None else "today" if days == 0 else f"in {days} days" if days > 0
                    else f"{-days} days ago")
            rows.append([_e(r["shutdown"]), _e(when), _e(r["model_id"]), _e(r["snapshot"]), _e(r["source"]),
                         _e(r["status"]), _e(r["qualifier"]), _e(r["replacement"]), _link(r["url"], "page")])
        parts.append(f"<h3 id='shutdowns-{_slug(vendor)}'>{_e(vendor)}</h3>" + _table(
            ["shutdown", "when", "model", "snapshot", "source", "status", "qualifier", "replacement", "page"], rows))
    parts.append(f"<p class='meta'>Counted from {_e(data.today)}. A date stated to the month or year "
                 "is shown as stated.</p></section>")
    return "".join(parts)


def render(data: ReportData) -> tuple[str, dict[str, int]]:
    """The page, and the number of series in each chart (by the chart's element id). The page loads the
    chart library from `ASSET` beside it (see `write_asset`)."""
    charts: dict[str, int] = {}
    now = data.generated_at

    def chart(fig, cid: str) -> str:
        charts[cid] = len(fig.data)
        return ('<div class="chart">' + fig.to_html(include_plotlyjs=False, full_html=False, div_id=cid,
                                                    config={"displaylogo": False}) + "</div>")

    parts = [f"<h1>modeltrail report</h1><p class='meta'>warehouse {_e(data.warehouse)} · generated "
             f"{_e(now)} UTC · period: {('since ' + _e(data.since)) if data.since else 'all history'} · "
             f"{len(data.models)} model(s)</p>"]
    if data.note:
        parts.append(f"<p class='meta'>{_e(data.note)}</p>")
    if not data.models:
        parts.append("<p>No model changed in this period.</p>")
    parts.append("<nav>" + "".join(f'<a href="#{_slug(m)}">{_e(m)}</a>' for m in data.models) + "</nav>")
    for m in data.models:
        s = _slug(m)
        versions = data.series.get(m, [])
        # where each source (label) stopped listing the model: its removal, else its last sighting
        ends = {r["source"]: ((r["removed_at"], "removed at") if r.get("removed_at") else (r["last_seen"], "last seen at"))
                for r in data.lifecycle.get(m, []) if r.get("removed_at") or r.get("last_seen")}
        parts.append(f'<section id="{s}"><h2>{_e(m)}</h2>')
        prices = _series(versions, lambda f: f.startswith("price."))
        if prices:
            parts.append(chart(step_figure(f"{m}: prices", "USD / 1M tokens", prices, now, ends), f"price-{s}"))
        else:
            parts.append("<p class='meta'>No per-token price stated by any source.</p>")
        specs = {k: v for k, v in _series(versions, lambda f: f in ("context_window", "max_output_tokens")).items()
                 if len({x.value for x in v}) > 1}
        if specs:
            parts.append(chart(step_figure(f"{m}: context window and max output (where they changed)", "tokens",
                                           specs, now, ends), f"context-{s}"))
        benches = {k: v for k, v in _series(versions, lambda f: f.startswith("benchmark.")).items()
                   if len({x.value for x in v}) > 1}
        if benches:
            parts.append(chart(step_figure(f"{m}: benchmarks (where they changed)", "score", benches, now, ends),
                               f"bench-{s}"))
        if rows := data.lifecycle.get(m):
            parts.append(chart(lifecycle_figure(m, rows, now), f"life-{s}"))
            parts.append(_table(["source", "first seen", "last seen", "status", "deprecation date",
                                 "retirement date", "successor", "deprecation seen", "removed"],
                                [[_e(r["source"]), _e(r["first_seen"]), _e(r["last_seen"]), _e(r["status"]),
                                  _e(r["deprecation_date"]), _e(r["retirement_date"]), _e(r["successor"]),
                                  _link(r["deprecation_url"], _e(r["deprecation_seen_at"]) or "page")
                                  if r["deprecation_seen_at"] else "", _e(r["removed_at"])] for r in rows]))
        charted = [v for v in versions if (v.source, v.field) in {**prices, **specs, **benches}]
        if charted:
            parts.append("<details><summary>every charted value, with the page and time it came from"
                         "</summary>" + _table(
                             ["source", "field", "value", "from", "until", "page"],
                             [[_e(v.source), _e(v.field), _e(v.value), _e(v.valid_from), _e(v.valid_to) or "now",
                               _link(v.url)] for v in charted]) + "</details>")
        parts.append("</section>")
    parts.append("<section id='changes'><h2>Changes in the period</h2>"
                 "<input placeholder='filter: a model, source, field…' oninput=\"filterRows(this, 'changes-table')\">"
                 + _table(["when", "source", "model", "change", "field", "old", "new", "page"],
                          [[_e(c[0]), _e(c[1]), _e(c[2]), _e(c[3]), _e(c[4]), _e(c[5]), _e(c[6]), _link(c[7], "page")]
                           for c in data.changes], "changes-table") + "</section>")
    parts.append(shutdowns_section(data))
    parts.append("<section id='conflicts'><h2>Conflicts between sources</h2>"
                 + (_table(["model", "field", "values by source"], [[_e(a), _e(b), _e(conflict_text(c))] for a, b, c in data.conflicts])
                    if data.conflicts else "<p>None: the sources agree (beyond rounding).</p>") + "</section>")
    page = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>modeltrail report · {_e(data.warehouse)}</title><style>{_CSS}</style>"
            f"<script charset='utf-8' src='{ASSET}'></script><script>{_FILTER_JS}</script></head><body>"
            + "".join(parts)
            + f"<script type='application/json' id='modeltrail-charts'>{json.dumps(charts)}</script></body></html>")
    return page, charts
