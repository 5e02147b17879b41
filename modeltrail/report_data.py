"""What `modeltrail report` reads from the warehouse (its named queries, warehouse/report.sql): the
versions of each model's values, the period's changes and conflicts, lifecycles and shutdowns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

#: models a report shows when none is named
DEFAULT_MODELS = 20
#: its statements (warehouse/report.sql)
SQL = "report.sql"


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
