"""Re-parse archived pages with today's parsers and rebuild a source's history, without a request.

Runs are replayed in time order with their original run ids and observed_at, so a version that the
parser change does not touch comes back identical (same values, same valid_from/valid_to), and running
it twice changes nothing the second time.
"""

from __future__ import annotations

import json
from datetime import datetime

from . import refresh as steps
from .warehouse import db
from .handover import PageRecord

HISTORY = ("model_cards_history", "prices_history", "benchmarks_history")


def truncate(con, source: str, since: datetime | None) -> None:
    """Forget what a source's history learnt at or after `since` (everything, when None)."""
    if since is None:
        for table in (*HISTORY, "card_state", "removals"):
            con.execute(f"DELETE FROM {table} WHERE source = ?", [source])
        return
    for table in HISTORY:
        con.execute(f"DELETE FROM {table} WHERE source = ? AND valid_from >= ?", [source, since])
        con.execute(f"UPDATE {table} SET valid_to = NULL WHERE source = ? AND valid_to >= ?", [source, since])
    con.execute("DELETE FROM removals WHERE source = ? AND removed_at >= ?", [source, since])
    # Sightings before `since`: from the versions that remain. Missed-run counts restart at `since`.
    con.execute("DELETE FROM card_state WHERE source = ?", [source])
    con.execute("""
        INSERT INTO card_state (source, source_model_id, first_seen, last_seen, last_seen_run, missed_runs,
                                removed_at)
        SELECT source, source_model_id, min(h.valid_from), max(coalesce(h.valid_to, h.valid_from)),
               arg_max(h.run_id, h.valid_from), 0,
               max(r.removed_at) FILTER (WHERE r.removed_at IS NOT NULL)
        FROM model_cards_history AS h
        LEFT JOIN removals AS r USING (source, source_model_id)
        WHERE h.source = ?
        GROUP BY ALL""", [source])


def runs_to_replay(con, source: str, since: datetime | None) -> list[tuple[int, datetime]]:
    return con.execute("""
        SELECT DISTINCT r.run_id, r.observed_at FROM runs AS r JOIN fetches AS f USING (run_id)
        WHERE f.source = ? AND (? IS NULL OR r.observed_at >= ?)
        ORDER BY r.observed_at, r.run_id""", [source, since, since]).fetchall()


def archived_pages(con, run_id: int, source: str) -> list[PageRecord]:
    rows = con.execute("""
        SELECT f.url, f.fetched_at, f.status, f.page_kind, f.sha256, p.content_type, f.error, f.via
        FROM fetches AS f LEFT JOIN pages AS p USING (sha256)
        WHERE f.run_id = ? AND f.source = ? ORDER BY f.fetched_at, f.url""", [run_id, source]).fetchall()
    return [PageRecord(url=u, fetched_at=t, status=s, page_kind=k, sha256=h, content_type=ct,
                       body=db.body_of(con, h) if h else None, error=e, via=via)
            for u, t, s, k, h, ct, e, via in rows]


def reparse(con, source: str, since: datetime | None = None, removal_runs: int = 2, progress=None) -> dict:
    """Rebuild one source's history from the archive. Returns counts of what changed."""
    before = _snapshot(con, source)
    runs = runs_to_replay(con, source, since)
    con.execute("BEGIN TRANSACTION")
    try:
        truncate(con, source, since)
        con.execute("DELETE FROM source_runs WHERE source = ? AND run_id IN (SELECT unnest(?::BIGINT[]))",
                    [source, [r for r, _ in runs]])
        con.execute("DELETE FROM parse_problems WHERE source = ? AND run_id IN (SELECT unnest(?::BIGINT[]))",
                    [source, [r for r, _ in runs]])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    for n, (run_id, observed_at) in enumerate(runs, 1):
        pages = archived_pages(con, run_id, source)
        out = steps.CrawlOutput(source, pages=pages, stats={"finish_reason": "finished", "reparse": True})
        load = steps.build_load(source, out, steps.last_complete_run(con, source))
        db.load_source(con, run_id, observed_at, load, removal_runs=removal_runs, archive=False)
        if progress:  # progress(done, total, note)
            progress(n, len(runs), f"run {run_id}: {load.status}, {len(load.cards)} cards")
    db.remap(con)
    after = _snapshot(con, source)
    return {"runs": len(runs), "versions_before": len(before), "versions_after": len(after),
            "rows_changed": len(before ^ after)}


def _snapshot(con, source: str) -> set:
    rows = set()
    for table in HISTORY:
        cols = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND column_name NOT IN "
            "('parser_version')", [table]).fetchall()]
        for r in con.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE source = ?", [source]).fetchall():
            rows.add((table, json.dumps(r, default=str)))
    return rows
