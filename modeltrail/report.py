"""`modeltrail report`: one self-contained, offline HTML file of what the warehouse knows about some
models over a period: price history as step lines (one per source and price kind, change points
marked), context window and benchmark history where they changed, a lifecycle timeline per model, the
change feed of the period (filterable), conflicts between sources, and every value with the page and
time it came from.

Charts are plotly figures; plotly.js is inlined once in the page (no CDN, no network): the file opens
anywhere, offline. `collect` reads the warehouse (named queries); `render` is a pure function of
what it read.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

#: models a report shows when none is named
DEFAULT_MODELS = 20


@dataclass
class Version:
    source: str
    field: str
    value: str
    valid_from: datetime
    valid_to: datetime | None
    url: str


@dataclass
class ReportData:
    warehouse: str
    generated_at: datetime
    since: datetime | None
    models: list[str]
    series: dict[str, list[Version]] = field(default_factory=dict)       # model -> versions
    changes: list[tuple] = field(default_factory=list)
    conflicts: list[tuple] = field(default_factory=list)
    lifecycle: dict[str, list[dict]] = field(default_factory=dict)
    note: str | None = None


def collect(con, warehouse: str, models: list[str], since: datetime | None, now: datetime) -> ReportData:
    from .warehouse import db
    floor = since or datetime(1970, 1, 1, tzinfo=timezone.utc)
    note = None
    if not models:
        rows = con.execute(db.query("report_models"), {"since": floor, "limit": DEFAULT_MODELS + 1}).fetchall()
        models = [m for m, _ in rows[:DEFAULT_MODELS]]
        if len(rows) > DEFAULT_MODELS:
            note = (f"the {DEFAULT_MODELS} models with the most changes in the period; name others with "
                    "--model")
    data = ReportData(warehouse, now, since, models, note=note)
    for m, source, fld, value, vfrom, vto, url in con.execute(db.query("report_series"), {"models": models}).fetchall():
        data.series.setdefault(m, []).append(Version(source, fld, value, vfrom, vto, url))
    data.changes = con.execute(db.query("report_changes"), {"since": floor, "models": models}).fetchall()
    data.conflicts = con.execute(db.query("report_conflicts"), {"models": models}).fetchall()
    cur = con.execute(db.query("report_lifecycle"), {"models": models})
    cols = [d[0] for d in cur.description]
    for row in cur.fetchall():
        rec = dict(zip(cols, row))
        data.lifecycle.setdefault(rec["model_id"], []).append(rec)
    return data


# --- charts ----------------------------------------------------------------------------------------------

def _number(value: str) -> float | None:
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)(?:%| Elo)?", value.strip())
    return float(m.group(1)) if m else None


def _series(versions: list[Version], want) -> dict[tuple[str, str], list[Version]]:
    out: dict[tuple[str, str], list[Version]] = {}
    for v in versions:
        if want(v.field) and _number(v.value) is not None:
            out.setdefault((v.source, v.field), []).append(v)
    return out


def _t(text: Any) -> str:
    """Text for plotly: it reads a subset of HTML in titles, legends, hover labels and tick labels
    (`<a href=…>` becomes a live link, `<br>`, `<b>`, …), so a name from a page has its `&`, `<` and `>`
    written as entities: shown as the characters, never as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def step_figure(title: str, unit: str, series: dict[tuple[str, str], list[Version]], now: datetime):
    """One step line per (source, field): a point at each version's start (marked), held until the
    next version or now."""
    import plotly.graph_objects as go
    fig = go.Figure()
    for (source, fld), versions in sorted(series.items()):
        xs, ys, urls, sizes = [], [], [], []
        for v in sorted(versions, key=lambda v: v.valid_from):
            xs.append(v.valid_from)
            ys.append(_number(v.value))
            urls.append(_t(v.url))
            sizes.append(9)
        last = max(versions, key=lambda v: v.valid_from)
        xs.append(last.valid_to or now)
        ys.append(_number(last.value))
        urls.append(_t(last.url))
        sizes.append(0)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, name=_t(f"{source} · {fld}"), mode="lines+markers", line_shape="hv",
            marker={"size": sizes}, customdata=urls,
            hovertemplate="%{y} " + unit + "<br>from %{x|%Y-%m-%d %H:%M} UTC<br>%{customdata}<extra></extra>"))
    fig.update_layout(title=_t(title), height=340, margin={"l": 50, "r": 20, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.2}, template="plotly_white")
    fig.update_yaxes(title_text=unit)
    return fig


def lifecycle_figure(model: str, rows: list[dict], now: datetime):
    """Per source, a line from first seen to last seen, with its lifecycle events marked."""
    import plotly.graph_objects as go
    fig = go.Figure()
    events = {"first seen": "first_seen", "deprecation seen": "deprecation_seen_at", "removed": "removed_at"}
    for r in rows:
        source = _t(r["source"])
        fig.add_trace(go.Scatter(x=[r["first_seen"], r["removed_at"] or now], y=[source] * 2, mode="lines",
                                 line={"width": 6}, name=f"{source} listed", hoverinfo="x+name"))
        for label, key in events.items():
            if r.get(key):
                fig.add_trace(go.Scatter(x=[r[key]], y=[source], mode="markers+text", text=[label],
                                         textposition="top center", name=f"{source} {label}",
                                         showlegend=False))
        for label, key in (("deprecation date", "deprecation_date"), ("retirement date", "retirement_date")):
            if r.get(key):
                fig.add_trace(go.Scatter(x=[r[key]], y=[source], mode="markers+text", text=[label],
                                         marker={"symbol": "x", "size": 11}, textposition="bottom center",
                                         name=f"{source} {label}", showlegend=False))
    fig.update_layout(title=_t(f"{model}: lifecycle"), height=120 + 50 * len(rows), showlegend=False,
                      margin={"l": 90, "r": 20, "t": 40, "b": 30}, template="plotly_white")
    return fig


# --- page ------------------------------------------------------------------------------------------------

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


def render(data: ReportData) -> tuple[str, dict[str, int]]:
    """The page, and the number of series in each chart (by the chart's element id)."""
    from plotly.offline import get_plotlyjs
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
        parts.append(f'<section id="{s}"><h2>{_e(m)}</h2>')
        prices = _series(versions, lambda f: f.startswith("price."))
        if prices:
            parts.append(chart(step_figure(f"{m}: prices", "USD / 1M tokens", prices, now), f"price-{s}"))
        else:
            parts.append("<p class='meta'>No per-token price stated by any source.</p>")
        specs = {k: v for k, v in _series(versions, lambda f: f in ("context_window", "max_output_tokens")).items()
                 if len({x.value for x in v}) > 1}
        if specs:
            parts.append(chart(step_figure(f"{m}: context window and max output (where they changed)", "tokens",
                                           specs, now), f"context-{s}"))
        benches = {k: v for k, v in _series(versions, lambda f: f.startswith("benchmark.")).items()
                   if len({x.value for x in v}) > 1}
        if benches:
            parts.append(chart(step_figure(f"{m}: benchmarks (where they changed)", "score", benches, now),
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
    parts.append("<section id='conflicts'><h2>Conflicts between sources</h2>"
                 + (_table(["model", "field", "values by source"], [[_e(a), _e(b), _e(c)] for a, b, c in data.conflicts])
                    if data.conflicts else "<p>None: the sources agree (beyond rounding).</p>") + "</section>")
    page = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>modeltrail report · {_e(data.warehouse)}</title><style>{_CSS}</style>"
            f"<script>{get_plotlyjs()}</script><script>{_FILTER_JS}</script></head><body>"
            + "".join(parts)
            + f"<script type='application/json' id='modeltrail-charts'>{json.dumps(charts)}</script></body></html>")
    return page, charts
