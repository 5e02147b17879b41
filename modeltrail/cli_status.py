"""`modeltrail status` and `modeltrail sources`: where each source stands, at a glance."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from modeltrail import output
from modeltrail.output import echo
from modeltrail.cliutil import db_option, format_option, reader, reader_if_any
from modeltrail.pipelines.sources import SOURCES

SQL = "status.sql"


def _title(where) -> str:
    return where.path.name if where.path is not None else str(where)


def _when(t: datetime | None) -> str | None:
    return t.strftime("%Y-%m-%d %H:%M") if t else None


@click.command()
@format_option
@db_option
def status(fmt, warehouse):
    """Per source: its last run and verdict (and the first reason when not complete), when it was last
    complete, the models it holds (and how many of them map to no canonical model: `modeltrail
    unmatched` lists them), the last change it brought, when it last fetched a page, and its next
    scheduled run (when a Prefect server serves a deployment writing to this warehouse)."""
    from modeltrail.warehouse import db
    con = reader(warehouse)  # a warehouse that does not exist is refused, not shown as "never run"
    have = {r[0]: r for r in con.execute(db.query("source_status", SQL)).fetchall()}
    upcoming = next_runs(warehouse.key)
    rows = []
    for name in SOURCES:
        nxt = upcoming.get(name) if isinstance(upcoming, dict) else upcoming
        if name not in have:
            rows.append([name, None, "never run", None, None, 0, 0, None, None, nxt])
            continue
        _, run, verdict, run_at, why, complete_at, cards, unmatched, change_at, fetched_at = have[name]
        rows.append([name, run, verdict + (f": {why}" if why else ""), _when(run_at), _when(complete_at), cards,
                     unmatched, _when(change_at), _when(fetched_at), nxt])
    output.render(["source", "last_run", "verdict", "run_at", "last_complete", "models", "unmatched",
                   "last_change", "last_fetched", "next_run"], rows, fmt)
    cut = con.execute(db.query("interrupted_run", SQL)).fetchone()
    if cut is not None:
        run, kind, started, summary = cut
        click.echo(f"run {run} ({kind}, started {_when(started)}) was interrupted: "
                   + summary.splitlines()[0].removeprefix("interrupted: "), err=True)


def next_runs(key: str) -> dict[str, str] | str | None:
    """source -> when the next scheduled refresh of this warehouse runs; a string for every source when
    that cannot be known (no server); None when a server has none."""
    from prefect.settings import get_current_settings
    if not get_current_settings().api.url:
        return "no Prefect server"
    try:
        return _scheduled(key)
    except Exception as exc:  # noqa: BLE001 - a server that does not answer must not break `status`
        return f"server did not answer ({type(exc).__name__})"


def _scheduled(key: str) -> dict[str, str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    out: dict[str, str] = {}
    with get_client(sync_client=True, httpx_settings={"timeout": 5}) as client:
        deployments = {d.id: d for d in client.read_deployments() if d.parameters.get("db_file") == key}
        if not deployments:
            return out
        scheduled = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])))
        for run in client.read_flow_runs(flow_run_filter=scheduled, sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                                         limit=200):
            dep = deployments.get(run.deployment_id)
            if dep is None or run.expected_start_time is None:
                continue
            for name in dep.parameters.get("sources") or SOURCES:
                out.setdefault(name, f"{_when(run.expected_start_time)} ({dep.name})")
    return out


@click.command()
@format_option
@db_option
def sources(fmt, warehouse):
    """List the sources: how each is fetched, its parser, its start urls, and when it last fetched a
    page into the warehouse (--db)."""
    from modeltrail.warehouse import db
    fetched = {}
    con = reader_if_any(warehouse)
    if con is not None:
        fetched = dict(con.execute(db.query("last_fetched", SQL)).fetchall())

    def how(s):
        if s.fetch == "api":
            return f"api ({s.api}), else {s.fallback}"
        return f"render (waits for {s.render_wait})" if s.fetch == "render" else s.fetch
    rows = [(s.name, how(s), s.parser_module, ", ".join(s.spider_class().start_urls), _when(fetched.get(s.name)))
            for s in SOURCES.values()]
    output.render(["source", "fetch", "parser", "start_urls", "last_fetched"], rows, fmt)


@click.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write report.html (and the chart library it loads, plotly.min.js) into "
                   "(created if needed).")
@click.option("--model", "models", multiple=True,
              help="A model to show (repeatable; any id or alias). Default: the ones that changed most.")
@click.option("--since", help="Start of the period (ISO 8601, or this long ago: 7d, 12h, 2w); default: all history.")
@db_option
def report(out_dir, models, since, warehouse):
    """Write one offline HTML report: price history charts per model (a step line per source and price
    kind, change points marked), context window and benchmark history where they changed, a lifecycle
    timeline, the change feed of the period (filterable), conflicts between sources, and every value
    with the page and time it came from. No network: plotly.js is one file beside the page."""
    import os
    from datetime import timezone

    from modeltrail import report as rep
    from modeltrail.cliutil import fail, parse_time, progress, resolve_model
    from modeltrail.export import replacing
    from modeltrail.warehouse import db
    con = reader(warehouse)
    names = [resolve_model(con, m) for m in models]
    when = parse_time(since, "--since") if since else None
    data = rep.collect(con, _title(warehouse), names, when, datetime.now(timezone.utc))
    missing = [m for m in names if m not in data.series and m not in data.lifecycle]
    if missing:
        fail(f"no model {', '.join(map(repr, missing))} in the warehouse; see `modeltrail sql "
             "\"SELECT * FROM model_identity\"`")
    page, charts = rep.render(data)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        rep.write_asset(out)
        with replacing(out / "report.html") as (fd, tmp):
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(page)
    except OSError as exc:
        fail(f"cannot create report directory {out}: {exc.strerror}")
    except db.WarehouseError as exc:
        fail(str(exc))
    if data.note:
        progress(data.note)
    echo(f"wrote {out / 'report.html'}: {len(data.models)} model(s), {len(charts)} chart(s), "
               f"{len(data.changes)} change(s)")
