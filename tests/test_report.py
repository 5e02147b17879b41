"""`modeltrail report` on real history: five real days of OpenRouter's model list (../shared/data) loaded
into a warehouse, the report written, then opened in headless Chromium (offline: every request that is
not the file itself is refused): the charts render without a script error, each with the series the
warehouse holds, and their values are the prices of the files. A screenshot is saved in the test's
temp dir."""

from __future__ import annotations

import contextlib

import gzip
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from modeltrail.spiders.crawl import CHROMIUM

from modeltrail.spiders.crawl import _sandbox_args
from tests import cli
from tests.conftest import SHARED

DAYS = SHARED / "data" / "openrouter"
LOADED = ["2025-11-07", "2025-11-18", "2026-03-03", "2026-03-09", "2026-03-23"]
MODEL = "google/gemma-3-27b-it"

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")


def run(*args, input=None):
    proc = cli.run(*args, input=input)
    assert proc.returncode == 0, proc.stderr
    return proc



@contextlib.contextmanager
def offline_page(path, errors: list, requests: list):
    """The page at `path` in headless Chromium, offline: only file:// requests go through (the others
    are aborted and all are listed in `requests`); page errors and console errors land in `errors`."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            *_sandbox_args(), "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

            def only_the_file(route):
                requests.append(route.request.url)
                return route.continue_() if route.request.url.startswith("file://") else route.abort()
            page.route("**/*", only_the_file)
            page.goto(Path(path).as_uri())
            yield page
        finally:
            browser.close()

@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "w.duckdb"
    stamps = dict(line.split("\t") for line in (DAYS / "index.tsv").read_text().splitlines()[1:])
    for day in LOADED:
        body = tmp / f"{day}.json"
        body.write_bytes(gzip.decompress((DAYS / f"{day}.json.gz").read_bytes()))
        cards = run("parse", "--source", "openrouter", "--url", "https://openrouter.ai/api/v1/models",
                    "--fetched-at", stamps[f"{day}.json.gz"].strip(), str(body)).stdout
        run("load", "-", "--source", "openrouter", "--observed-at", stamps[f"{day}.json.gz"].strip(), "--db",
            str(db), input=cards)
    return db


def expected_inputs() -> list[float]:
    """The model's input price per 1M tokens on each loaded day, from the files, without repeats."""
    out: list[float] = []
    for day in LOADED:
        data = json.loads(gzip.decompress((DAYS / f"{day}.json.gz").read_bytes()))
        (m,) = [m for m in data["data"] if m["id"] == MODEL]
        value = float(Decimal(m["pricing"]["prompt"]) * 1_000_000)
        if not out or out[-1] != value:
            out.append(value)
    return out


@pytest.mark.slow
@needs_chromium
def test_the_report_renders_its_charts_offline_with_the_warehouse_series(warehouse, tmp_path):
    out = tmp_path / "report"
    said = run("report", "--out", str(out), "--model", MODEL, "--db", str(warehouse)).stdout
    page_file = out / "report.html"
    assert said.startswith(f"wrote {page_file}: 1 model(s)")
    html = page_file.read_text()
    # nothing to fetch but the chart library, one file beside the page
    assert not re.search(r"<script[^>]+src=['\"](?!plotly\.min\.js['\"])|<link[^>]+href=\"http", html)
    assert (out / "plotly.min.js").stat().st_size > 1_000_000 and page_file.stat().st_size < 1_000_000

    import duckdb
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kinds = con.execute("""
            SELECT count(DISTINCT p.source_model_id || kind || coalesce('[' || tier || ']', '')) FROM prices_history AS p
            JOIN model_identity AS i USING (source, source_model_id)
            WHERE coalesce(i.model_id, p.source_model_id) = ? AND coalesce(unit, '1M tokens') = '1M tokens' AND NOT variable""",
                            [MODEL]).fetchone()[0]
    assert kinds >= 2

    errors, requests = [], []
    with offline_page(page_file, errors, requests) as page:
        page.wait_for_selector(".js-plotly-plot .main-svg")
        slug = "google-gemma-3-27b-it"
        charts = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.js-plotly-plot')]
            .map(d => [d.id, {series: d.data.length, svg: d.querySelectorAll('svg.main-svg').length,
                              traces: d.querySelectorAll('.scatterlayer .trace').length,
                              names: d.data.map(t => [t.legendgroup, t.name]), ys: d.data.map(t => t.y)}]))""")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        # the change feed filters as one types
        rows = page.locator("#changes-table tbody tr")
        total = rows.count()
        page.fill("#changes input", "price.input")
        shown = sum(1 for i in range(total) if rows.nth(i).is_visible())
    assert errors == []
    assert all(u.startswith("file://") for u in requests)
    assert set(charts) == {f"price-{slug}", f"context-{slug}", f"life-{slug}"}
    price = charts[f"price-{slug}"]
    assert price["series"] == kinds and price["traces"] == kinds and price["svg"] >= 1
    # (OpenRouter lists the model and its ":free" offering: each id is a line of OpenRouter's legend group)
    line = price["names"].index(["openrouter", f"{MODEL} · price.input"])
    ys = price["ys"][line]
    assert ys[:-1] == pytest.approx(expected_inputs())  # a point per change, then held until last seen
    assert charts[f"context-{slug}"]["series"] >= 1
    assert 0 < shown < total
    assert (tmp_path / "report.png").stat().st_size > 10_000


@pytest.mark.slow
def test_report_names_what_it_covers_and_fails_cleanly(warehouse, tmp_path):
    out = run("report", "--out", str(tmp_path / "r"), "--since", "2026-03-01T00:00:00Z", "--db", str(warehouse))
    models = int(re.search(r": (\d+) model\(s\)", out.stdout).group(1))
    assert 0 < models <= 20
    html = (tmp_path / "r" / "report.html").read_text()
    assert "since 2026-03-01 00:00" in html and MODEL in html
    assert 'href="https://openrouter.ai/api/v1/models"' in html  # values link to their page
    bad = cli.run("report", "--out", str(tmp_path / "x"), "--model", "no-such-model", "--db", str(warehouse),
                  timeout=120)
    assert bad.returncode != 0 and "no-such-model" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_two_ids_of_one_model_at_one_source_are_two_lines(warehouse, tmp_path):
    """OpenRouter lists gemma-3-27b-it and its ":free" offering (priced 0). Once an alias maps both to one
    model, the report must not draw them as one line (it would zigzag between 0 and the paid price at
    every version): each id is its own series, lifecycle row and change-feed source, `source:id`."""
    import shutil
    from datetime import datetime, timezone

    from modeltrail import report
    from modeltrail.warehouse import db
    copy = tmp_path / "w.duckdb"
    shutil.copy(warehouse, copy)
    run("alias", "add", MODEL, "google/gemma-3-27b", "--force", "--db", str(copy))  # (a new model id)
    con = db.connect(copy, read_only=True)
    data = report.collect(con, str(copy), ["google/gemma-3-27b"], None, datetime.now(timezone.utc))
    con.close()
    paid, free = f"openrouter:{MODEL}", f"openrouter:{MODEL}:free"
    inputs = {}
    for v in data.series["google/gemma-3-27b"]:
        if v.field == "price.input":
            inputs.setdefault(v.source, []).append(float(v.value))
    assert set(inputs) == {paid, free}
    assert inputs[paid] == pytest.approx(expected_inputs()) and set(inputs[free]) == {0.0}
    assert sorted(r["source"] for r in data.lifecycle["google/gemma-3-27b"]) == [paid, free]
    assert {c[1] for c in data.changes} <= {paid, free} and data.changes


@pytest.mark.slow
@needs_chromium
def test_a_many_offerings_model_page_keeps_its_plot_height_and_shows_no_overlapping_labels(tmp_path):
    """The gpt-4o-shaped page of tests/test_report_render.py (twenty price lines, two sources) written as
    the CLI writes it and opened offline: the legend sits right of the plot (which keeps the height of its
    figure less the margins), the lifecycle chart writes no text on itself, the one script file beside
    the page is the only thing fetched; a screenshot of the model's section is kept in the temp dir."""
    from modeltrail import report
    from tests.test_report_render import gpt4o
    out = tmp_path / "report"
    out.mkdir()
    page_html, charts = report.render(gpt4o())
    report.write_asset(out)
    (out / "report.html").write_text(page_html, encoding="utf-8")
    errors, requests = [], []
    with offline_page(out / "report.html", errors, requests) as page:
        page.wait_for_selector("#life-openai-gpt-4o .main-svg")
        got = page.evaluate("""() => { const d = document.getElementById('price-openai-gpt-4o');
            const plot = d.querySelector('.nsewdrag').getBoundingClientRect();
            const legend = d.querySelector('.legend').getBoundingClientRect();
            return {h: d._fullLayout._size.h, height: d._fullLayout.height, m: d._fullLayout.margin,
                    plot: [plot.left, plot.right, plot.top, plot.bottom],
                    legend: [legend.left, legend.right, legend.top, legend.bottom],
                    groups: d.querySelectorAll('.legend .groups').length,
                    life_text: document.querySelectorAll('#life-openai-gpt-4o .textpoint').length}; }""")
        page.locator("#openai-gpt-4o").screenshot(path=str(tmp_path / "gpt-4o.png"))
    assert errors == []
    assert sorted({u.rsplit("/", 1)[1] for u in requests}) == ["plotly.min.js", "report.html"]
    assert got["h"] == got["height"] - got["m"]["t"] - got["m"]["b"]  # the legend took no height
    assert got["legend"][0] >= got["plot"][1] - 1  # beside the plot, not over or above it
    assert got["legend"][2] >= got["plot"][2] - 1
    assert got["groups"] == 2  # openrouter, litellm
    assert got["life_text"] == 0
    assert (tmp_path / "gpt-4o.png").stat().st_size > 10_000
