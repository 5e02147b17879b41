"""`modeltrail report`: one self-contained, offline HTML file of what the warehouse knows about some
models over a period: price history as step lines (one per source and price kind, change points
marked), context window and benchmark history where they changed, a lifecycle timeline per model, the
change feed of the period (filterable), conflicts between sources, every value with the page and time
it came from, and every stated shutdown per vendor (past and upcoming, the vendor's page first).

Charts are plotly figures; plotly.js is one file beside the page (`plotly.min.js`, written once into
the report's folder, referenced relatively: no CDN, no network), so the folder opens anywhere, offline,
and the page itself stays small. `collect` reads the warehouse (named queries); `render` is a pure
function of what it read; `write_asset` puts the shared script beside the pages.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

#: models a report shows when none is named
DEFAULT_MODELS = 20
#: its statements (warehouse/report.sql)
SQL = "report.sql"
#: the chart library, one file beside the pages; each page loads it by this relative name
ASSET = "plotly.min.js"


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
    shutdowns: list[dict] = field(default_factory=list)  # rows of the `shutdowns` query, past ones too
    today: Any = None


def collect(con, warehouse: str, models: list[str], since: datetime | None, now: datetime) -> ReportData:
    from modeltrail.warehouse import db
    floor = since or datetime(1970, 1, 1, tzinfo=timezone.utc)
    note = None
    if not models:
        rows = con.execute(db.query("report_models", SQL), {"since": floor, "limit": DEFAULT_MODELS + 1}).fetchall()
        models = [m for m, _ in rows[:DEFAULT_MODELS]]
        if len(rows) > DEFAULT_MODELS:
            note = (f"the {DEFAULT_MODELS} models with the most changes in the period; name others with "
                    "--model")
    data = ReportData(warehouse, now, since, models, note=note)
    series = con.execute(db.query("report_series", SQL), {"models": models}).fetchall()
    for m, source, fld, value, vfrom, vto, url in series:
        data.series.setdefault(m, []).append(Version(source, fld, value, vfrom, vto, url))
    data.changes = con.execute(db.query("report_changes", SQL), {"since": floor, "models": models}).fetchall()
    data.conflicts = con.execute(db.query("report_conflicts", SQL), {"models": models}).fetchall()
    cur = con.execute(db.query("report_lifecycle", SQL), {"models": models})
    cols = [d[0] for d in cur.description]
    for row in cur.fetchall():
        rec = dict(zip(cols, row))
        data.lifecycle.setdefault(rec["model_id"], []).append(rec)
    from modeltrail import shutdowns
    data.today = shutdowns.today(now=now)
    data.shutdowns = shutdowns.as_dicts(*shutdowns.listing(con, shutdowns.Window(data.today, None, past=True), None))
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


def _group(label: str) -> tuple[str, str]:
    """A series label's legend group (its source) and its entry within the group: a source listing the
    model under several ids is labelled `source:id` (view source_labels); each id is an entry of the
    source's group, a source with one id is its own entry."""
    source, _, sid = label.partition(":")
    return source, sid or source


def step_figure(title: str, unit: str, series: dict[tuple[str, str], list[Version]], now: datetime,
                ends: dict[str, tuple[datetime, str]] | None = None):
    """One step line per (source, field): a point at each version's start (marked), held until the
    source stopped stating it: the last version's end, else where the source removed the model or last
    listed it (`ends`, by series label), else now. The legend, on the right (the plot keeps its height;
    a long legend scrolls), has one group per source, titled with it, its offerings' lines inside."""
    import plotly.graph_objects as go
    ends = ends or {}
    fig = go.Figure()
    titled: set[str] = set()
    for (source, fld), versions in sorted(series.items(), key=lambda kv: (_group(kv[0][0]), kv[0][1])):
        xs, ys, urls, notes, sizes = [], [], [], [], []
        for v in sorted(versions, key=lambda v: v.valid_from):
            xs.append(v.valid_from)
            ys.append(_number(v.value))
            urls.append(_t(v.url))
            notes.append(f"from {_e(v.valid_from)} UTC")
            sizes.append(9)
        last = max(versions, key=lambda v: v.valid_from)
        if last.valid_to:
            end, why = last.valid_to, "no longer stated from"
        elif source in ends:
            end, why = ends[source]
        else:
            end, why = now, "still stated at"
        end = max(end, last.valid_from)
        xs.append(end)
        ys.append(_number(last.value))
        urls.append(_t(last.url))
        notes.append(f"{why} {_e(end)} UTC")
        sizes.append(0)
        group, entry = _group(source)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, name=_t(f"{entry} · {fld}"), mode="lines+markers", line_shape="hv",
            marker={"size": sizes}, customdata=urls, text=notes, legendgroup=group,
            legendgrouptitle={"text": _t(group)} if group not in titled else None,
            hovertemplate="%{y} " + unit + "<br>%{text}<br>%{customdata}<extra>" + html.escape(source) + "</extra>"))
        titled.add(group)
    fig.update_layout(title=_t(title), height=340, margin={"l": 50, "r": 20, "t": 40, "b": 40},
                      legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top",
                              "groupclick": "toggleitem", "tracegroupgap": 6, "font": {"size": 11}},
                      template="plotly_white")
    fig.update_yaxes(title_text=unit)
    return fig


#: lifecycle events: (label, row key, marker symbol, colour); named in the legend, never written on the chart
#: (labels on the chart overlapped wherever two events fall close together)
_EVENTS = (("first seen", "first_seen", "circle", "#2ca02c"),
           ("deprecation seen", "deprecation_seen_at", "diamond", "#ff7f0e"),
           ("deprecation date", "deprecation_date", "x", "#d62728"),
           ("retirement date", "retirement_date", "x-thin-open", "#9467bd"),
           ("removed", "removed_at", "square", "#7f7f7f"))


def lifecycle_figure(model: str, rows: list[dict], now: datetime):
    """Per source, a line from first seen to removal (or last seen), with its lifecycle events marked;
    the events are told apart by marker and named once each in the legend (and in the table below the
    chart), not as text on the chart."""
    import plotly.graph_objects as go
    fig = go.Figure()
    for r in rows:
        fig.add_trace(go.Scatter(x=[r["first_seen"], r["removed_at"] or r.get("last_seen") or now], y=[_t(r["source"])] * 2,
                                 mode="lines", line={"width": 6, "color": "#c6dbef"}, name=_t(f"{r['source']} listed"),
                                 hoverinfo="x+name", showlegend=False))
    for label, key, symbol, colour in _EVENTS:
        hits = [r for r in rows if r.get(key)]
        if hits:
            fig.add_trace(go.Scatter(x=[r[key] for r in hits], y=[_t(r["source"]) for r in hits], mode="markers",
                                     name=label, marker={"symbol": symbol, "size": 11, "color": colour,
                                                         "line": {"width": 2, "color": colour}},
                                     hovertemplate=label + " %{x}<br>%{y}<extra></extra>"))
    fig.update_layout(title=_t(f"{model}: lifecycle"), height=max(200, 120 + 50 * len(rows)),
                      legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
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
