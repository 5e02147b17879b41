"""The report's charts (modeltrail/report.py writes the page): a step line per source and field of a
model's values over time, and its lifecycle timeline; plotly figures, pure functions of the versions read."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Any

from modeltrail.report_data import Version


def _utc(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")


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
            notes.append(f"from {_utc(v.valid_from)} UTC")
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
        notes.append(f"{why} {_utc(end)} UTC")
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
