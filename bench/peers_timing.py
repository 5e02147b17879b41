"""The timers of bench/peers_warehouse.py: which phase of a refresh's load each SQL statement and pure
function belongs to (the PHASES named in that file's description), and the wrappers that time them
without changing what they return."""
from __future__ import annotations

import json
import time

import duckdb

from modeltrail.warehouse import db

#: --statements: seconds by statement (its first 110 characters), over every day after the first
STATEMENTS: dict[str, float] | None = None

PHASES = ("ph_fingerprint", "ph_rows", "ph_json", "ph_stage", "ph_merge_keys", "ph_merge_archived_already",
          "ph_merge_stage", "ph_merge_fingerprints", "ph_unstated", "ph_merge_cards", "ph_merge_prices",
          "ph_merge_benchmarks", "ph_merge_sightings", "ph_merge_removals", "ph_merge_count_changes",
          "ph_runs", "ph_summary", "ph_commit", "ph_other_sql")


def statement_phases() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Statement text -> phase, for the SQL files the load runs; (prefix, phase) for templated ones."""
    exact, prefixes = {}, []
    for file in ("merge.sql", "runs.sql", "run_results.sql"):  # (any other statement: ph_other_sql)
        for name, stmts in db.sections(file).items():
            if name in ("moved_of_batch", "run_verdicts"):
                phase = {"moved_of_batch": "ph_unstated", "run_verdicts": "ph_summary"}[name]
            elif file == "merge.sql":
                phase = f"ph_merge_{name}"
            elif file == "runs.sql":
                phase = "ph_runs"
            else:
                phase = f"ph_q_{name}"
            for s in stmts:
                if "{" in s:
                    prefixes.append((s.split("{", 1)[0], phase))
                else:
                    exact[s] = phase
    return exact, prefixes


class Timer:
    """Accumulates seconds per phase while `on`; off outside the `load` window."""

    def __init__(self):
        self.acc: dict[str, float] = {}
        self.on = False

    def add(self, key: str, dt: float) -> None:
        if self.on:
            self.acc[key] = self.acc.get(key, 0.0) + dt


class TimedConnection:
    """Wraps a DuckDB connection: times every execute(), classified by statement (see PHASES)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, timer: Timer, exact: dict[str, str],
                 prefixes: list[tuple[str, str]]):
        self._con, self._timer, self._exact, self._prefixes = con, timer, exact, prefixes

    def execute(self, sql, *args):
        t0 = time.perf_counter()
        try:
            return self._con.execute(sql, *args)
        finally:
            dt = time.perf_counter() - t0
            if self._timer.on:
                self._timer.add(self._classify(sql), dt)
                self._timer.add("_sql", dt)
            if STATEMENTS is not None:  # (--statements: each statement's own time, in the load or not)
                key = " ".join(str(sql).split())[:110]
                STATEMENTS[key] = STATEMENTS.get(key, 0.0) + dt

    def _classify(self, sql: str) -> str:
        s = sql.lstrip()
        if s.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            return "ph_commit"
        if "read_json(" in s or ("INSERT INTO" in s and "unnest($" in s):
            return "ph_stage"
        if sql in self._exact:
            return self._exact[sql]
        for prefix, phase in self._prefixes:
            if sql.startswith(prefix):
                return phase
        return "ph_other_sql"

    def __getattr__(self, name):
        return getattr(self._con, name)


def timed_fn(fn, timer: Timer, key: str):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            timer.add(key, time.perf_counter() - t0)
    wrapper._peers_wrapped = True
    return wrapper


class TimedEncoder:
    """stage._STAGE_JSON with its encode() timed (same text)."""

    def __init__(self, inner: json.JSONEncoder, timer: Timer):
        self._inner, self._timer = inner, timer

    def encode(self, obj):
        t0 = time.perf_counter()
        try:
            return self._inner.encode(obj)
        finally:
            self._timer.add("ph_json", time.perf_counter() - t0)
