"""Upcoming shutdowns, read from the warehouse's `lifecycle` view (named queries `shutdowns`,
`lifecycle_changes`, `known_ids` in warehouse/lifecycle.sql): the window a listing covers, "today", and
a stated date's meaning at its precision. No I/O but the queries; no clock but `today()`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

#: the environment variable that pins "today" (tests, reproducible CI runs); --today wins over it
TODAY_ENV = "MODELTRAIL_TODAY"
#: its statements: shutdowns, lifecycle_changes (warehouse/lifecycle.sql)
SQL = "lifecycle.sql"

_WITHIN = re.compile(r"(\d{1,5})\s*([dw]?)")


class WindowError(ValueError):
    """A --within or --today value that is not one (the CLI says so as a usage error)."""


def parse_within(text: str) -> int:
    """'90d', '12w' or '90' (days) -> days."""
    m = _WITHIN.fullmatch(text.strip().lower())
    if not m:
        raise WindowError(f"{text!r} is not a number of days or weeks (e.g. 90d, 12w)")
    n = int(m.group(1))
    return n * 7 if m.group(2) == "w" else n


def today(value: str | None = None, now: datetime | None = None) -> date:
    """--today's value, else MODELTRAIL_TODAY, else the date (UTC) of `now` or of the clock."""
    text = value if value is not None else os.environ.get(TODAY_ENV)
    if text is None or text == "":
        return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        where = "--today" if value is not None else TODAY_ENV
        raise WindowError(f"{where} {text!r} is not a date (YYYY-MM-DD)") from None


def first_day(stated: str) -> date:
    """The first day a stated date may mean: "2026-08" -> 2026-08-01, "2026" -> 2026-01-01."""
    parts = [int(p) for p in stated.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def last_day(stated: str) -> date:
    """The last day a stated date may mean: "2026-02" -> 2026-02-28, "2026" -> 2026-12-31."""
    parts = [int(p) for p in stated.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    nxt = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
    return nxt - timedelta(days=1)


def precision(stated: str) -> str:
    return {4: "year", 7: "month"}.get(len(stated), "day")


@dataclass(frozen=True)
class Window:
    today: date
    within: int | None = None   # days after today; None: every later day
    past: bool = False          # shutdowns before today too

    @property
    def horizon(self) -> date | None:
        return None if self.within is None else self.today + timedelta(days=self.within)


def listing(con, window: Window, vendor: str | None) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of the `shutdowns` query."""
    from modeltrail.warehouse import db
    cur = db.run_sql(con, db.query("shutdowns", SQL), {"today": window.today, "horizon": window.horizon,
                                                    "past": window.past, "vendor": vendor})
    return [d[0] for d in cur.description], cur.fetchall()


def as_dicts(cols: list[str], rows: list[tuple]) -> list[dict[str, Any]]:
    return [dict(zip(cols, r)) for r in rows]


def lifecycle_changes(con, vendor: str | None, limit: int) -> list[dict[str, Any]]:
    from modeltrail.warehouse import db
    cur = db.run_sql(con, db.query("lifecycle_changes", SQL), {"vendor": vendor, "limit": limit})
    return as_dicts([d[0] for d in cur.description], cur.fetchall())
