"""`report.render` and its figures on a gpt-4o-shaped model (what a user tried): two sources, each listing
the model under five ids (a dated snapshot, an ":extended" offering), input and output price each: twenty
lines. OpenRouter's prices are the ones it lists for these ids (2.5/10, 5/15 for 2024-05-13, 6/18 for
:extended); one LiteLLM id was removed, one OpenRouter price stopped being stated. Pure: no warehouse."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from modeltrail import report
from modeltrail.report import ReportData, Version

MODEL = "openai/gpt-4o"
T0 = datetime(2025, 11, 7, 20, 29, tzinfo=timezone.utc)
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=timezone.utc)
LAST_SEEN = datetime(2026, 3, 23, 19, 59, 15, tzinfo=timezone.utc)
REMOVED = datetime(2026, 1, 15, 8, 0, tzinfo=timezone.utc)          # litellm dropped gpt-4o-2024-05-13
STOPPED = datetime(2025, 12, 1, 9, 0, tzinfo=timezone.utc)          # openrouter stopped stating :extended's output
PRICES = {"gpt-4o": (2.5, 10), "gpt-4o-2024-05-13": (5, 15), "gpt-4o-2024-08-06": (2.5, 10),
          "gpt-4o-2024-11-20": (2.5, 10), "gpt-4o:extended": (6, 18)}
URL = {"openrouter": "https://openrouter.ai/api/v1/models",
       "litellm": "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"}


def label(source: str, sid: str) -> str:
    return f"{source}:{'openai/' + sid if source == 'openrouter' else sid}"


def gpt4o() -> ReportData:
    data = ReportData("w", NOW, None, [MODEL])
    versions, lifecycle = [], []
    for source in ("openrouter", "litellm"):
        for sid, (inp, out) in PRICES.items():
            lab = label(source, sid)
            removed = REMOVED if (source, sid) == ("litellm", "gpt-4o-2024-05-13") else None
            versions.append(Version(lab, "price.input", str(float(inp)), T0, None, URL[source]))
            stop = STOPPED if (source, sid) == ("openrouter", "gpt-4o:extended") else None
            versions.append(Version(lab, "price.output", str(float(out)), T0, stop, URL[source]))
            lifecycle.append({"model_id": MODEL, "source": lab, "first_seen": T0,
                              "last_seen": removed - timedelta(days=1) if removed else LAST_SEEN,
                              "status": "removed" if removed else "active",
                              # close together: the labels on the chart used to overlap
                              "deprecation_date": "2026-03-31" if sid == "gpt-4o-2024-05-13" else None,
                              "retirement_date": "2026-04-02" if sid == "gpt-4o-2024-05-13" else None,
                              "successor": None,
                              "deprecation_seen_at": T0 + timedelta(hours=5) if sid == "gpt-4o-2024-05-13" else None,
                              "deprecation_url": URL[source] if sid == "gpt-4o-2024-05-13" else None,
                              "removed_at": removed})
    data.series[MODEL] = versions
    data.lifecycle[MODEL] = lifecycle
    data.conflicts = [(MODEL, "price.input", ["litellm=2.75", "openrouter=2.5"]),
                      (MODEL, "price.output", ["litellm=<b>10</b>", "openrouter=10.5"])]
    return data


def price_figure(data: ReportData, with_ends: bool = True):
    series = report._series(data.series[MODEL], lambda f: f.startswith("price."))
    if not with_ends:
        return report.step_figure("prices", "USD / 1M tokens", series, NOW)
    ends = {r["source"]: (r["removed_at"], "removed at") if r["removed_at"] else (r["last_seen"], "last seen at")
            for r in data.lifecycle[MODEL]}
    return report.step_figure("prices", "USD / 1M tokens", series, NOW, ends)


def test_the_legend_has_one_group_per_source_beside_the_plot():
    fig = price_figure(gpt4o(), with_ends=False)
    assert len(fig.data) == 20
    assert {t.legendgroup for t in fig.data} == {"openrouter", "litellm"}
    for t in fig.data:  # each line in its source's group, named by its id and field
        assert t.name.split(" · ")[0] in {"openai/" + s for s in PRICES} | set(PRICES)
        assert t.legendgroup == ("openrouter" if t.name.startswith("openai/") else "litellm")
    titles = [t.legendgrouptitle.text for t in fig.data if t.legendgrouptitle.text]
    assert sorted(titles) == ["litellm", "openrouter"]  # one title per group
    legend = fig.layout.legend
    assert legend.orientation == "v" and legend.x >= 1 and legend.xanchor == "left"  # right of the plot
    assert legend.groupclick == "toggleitem"
    assert fig.layout.height == 340  # the plot is as tall as with one line (the legend scrolls)


def test_a_line_ends_where_its_source_stopped_stating_the_value():
    fig = price_figure(gpt4o())
    by_name = {(t.legendgroup, t.name): t for t in fig.data}
    removed = by_name[("litellm", "gpt-4o-2024-05-13 · price.input")]
    assert removed.x[-1] == REMOVED and "removed at 2026-01-15 08:00" in removed.text[-1]
    stopped = by_name[("openrouter", "openai/gpt-4o:extended · price.output")]
    assert stopped.x[-1] == STOPPED and "no longer stated" in stopped.text[-1]
    listed = by_name[("openrouter", "openai/gpt-4o · price.input")]
    assert listed.x[-1] == LAST_SEEN and "last seen at 2026-03-23 19:59" in listed.text[-1]
    assert all(t.x[-1] != NOW for t in fig.data)
    # without a lifecycle row, a current value is held until now, and says so
    held = report.step_figure("p", "USD", {("x", "price.input"): [Version("x", "price.input", "1.0", T0, None, "")]},
                              NOW)
    assert held.data[0].x[-1] == NOW and "still stated" in held.data[0].text[-1]


def test_lifecycle_events_are_named_in_the_legend_not_written_over_each_other():
    data = gpt4o()
    fig = report.lifecycle_figure(MODEL, data.lifecycle[MODEL], NOW)
    assert not [t for t in fig.data if "text" in (t.mode or "")]  # no labels on the chart to overlap
    named = [t.name for t in fig.data if t.showlegend is not False]
    assert sorted(named) == sorted(["first seen", "deprecation seen", "deprecation date", "retirement date",
                                    "removed"])  # each event kind once
    removed = next(t for t in fig.data if t.name == "removed")
    assert list(removed.x) == [REMOVED] and list(removed.y) == ["litellm:gpt-4o-2024-05-13"]
    listed = next(t for t in fig.data if t.name == "openrouter:openai/gpt-4o listed")
    assert listed.x[-1] == LAST_SEEN  # listed until last seen, not until now


def test_conflicts_read_as_text():
    page, _ = report.render(gpt4o())
    conflicts = page[page.index("<section id='conflicts'>"):]
    conflicts = conflicts[:conflicts.index("</section>")]
    assert "<td>litellm 2.75 · openrouter 2.5</td>" in conflicts
    assert "<td>litellm &lt;b&gt;10&lt;/b&gt; · openrouter 10.5</td>" in conflicts  # still escaped
    assert "[" not in conflicts and "&#x27;" not in conflicts
    assert report.conflict_text(["openrouter=2.5", "litellm=2.75"]) == "openrouter 2.5 · litellm 2.75"


def test_the_page_is_small_and_loads_the_one_shared_chart_library_beside_it(tmp_path):
    import re

    from plotly.offline import get_plotlyjs
    page, charts = report.render(gpt4o())
    assert len(page.encode()) < 1_000_000 and charts
    assert re.findall(r"<script[^>]*\ssrc=['\"]([^'\"]+)", page) == ["plotly.min.js"]  # once, relative
    asset = report.write_asset(tmp_path)
    assert asset == tmp_path / "plotly.min.js" and asset.read_text() == get_plotlyjs()
    stamp = asset.stat().st_mtime_ns
    assert report.write_asset(tmp_path) == asset and asset.stat().st_mtime_ns == stamp  # written once
    asset.write_text("stale")
    report.write_asset(tmp_path)
    assert asset.read_text() == get_plotlyjs()  # another plotly's file is replaced
