"""Where a DuckLake refresh's time goes: the catalog queries each of its statements sends to PostgreSQL.

    python -m bench.lake_queries [MODELS] [DAYS]      (default 2,000 models, 6 days loaded first)

Loads DAYS daily snapshots of bench.lake's workload (1% of the models changing a day) into a DuckLake
whose catalog is a PostgreSQL started for the run (tests/postgres.py: 127.0.0.1 only), then makes one more
day's refresh part (bench/refresh_part.py) with DuckDB's logging on: the statements the connection runs
(`QueryLog`) and every query DuckLake sends to its catalog (`DuckLakeMetadata`, with its time in
PostgreSQL). Prints, in order, each statement with the catalog queries sent while it ran (count, their ms,
and the ms until the next statement), then the catalog queries by kind. A catalog query is counted to the
statement logged before it; DuckLake's own transactions on its catalog connections show as their own rows.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from bench.lake import SOURCE
from bench.refresh_part import crawl_output, refresh_part
from bench.synth import snapshot
from modeltrail.warehouse import db
from modeltrail.warehouse.location import locate

#: what DuckLake's catalog queries look like in the QueryLog (they are not the refresh's statements)
_CATALOG = re.compile(r"postgres_query|__ducklake_metadata|^\s*SELECT (table_id|data_file|del\.)")


def _logged_day(lake, models: int, days: int, logs: Path) -> None:
    rng, versions = random.Random(7), [0] * models
    connect = db.connect
    on = {"day": False}

    def logging_connect(*args, **kwargs):
        con = connect(*args, **kwargs)
        if on["day"]:
            con.execute("CALL enable_logging(['DuckLakeMetadata', 'QueryLog'], storage = 'file', "
                        "storage_path = $path)", {"path": str(logs)})
        return con
    db.connect = logging_connect
    try:
        for day in range(days + 1):
            if day:
                for i in rng.sample(range(models), max(1, models // 100)):
                    versions[i] += 1
            when, cards = snapshot(models, day, versions, source=SOURCE)
            on["day"] = day == days
            start = time.perf_counter()
            refresh_part(lake, {SOURCE: crawl_output(SOURCE, cards, when, "https://example.org/api/models")}, when)
            took = time.perf_counter() - start
            print(f"day {day}: {took:.2f} s{' (logged)' if on['day'] else ''}", file=sys.stderr)
    finally:
        db.connect = connect


def report(logs: Path) -> None:
    con = duckdb.connect()
    rows = con.execute(
        "SELECT e.timestamp::TIMESTAMPTZ, e.type, e.message, c.connection_id "
        "FROM read_csv($entries, header = true, all_varchar = true) AS e "
        "LEFT JOIN read_csv($contexts, header = true, all_varchar = true) AS c USING (context_id) ",
        {"entries": str(logs / "duckdb_log_entries.csv"), "contexts": str(logs / "duckdb_log_contexts.csv")}).fetchall()
    statements, kinds = [], defaultdict(lambda: [0, 0])
    for at, kind, message, connection in rows:
        if kind == "QueryLog" and not _CATALOG.search(message):
            statements.append([at, " ".join(message.split()), connection, 0, 0])
        elif kind == "DuckLakeMetadata":
            ms = int(m.group(1)) if (m := re.search(r"'elapsed_ms': (\d+)", message)) else 0
            query = re.search(r"'query': '(.*)', 'elapsed_ms'", message, re.S)
            shape = re.sub(r"\d+", "N", " ".join((query.group(1) if query else message).split()))[:110]
            kinds[shape][0] += 1
            kinds[shape][1] += ms
            if statements:
                statements[-1][3] += 1
                statements[-1][4] += ms
    print("| ms until next | catalog queries | their ms | connection | statement |\n|---:|---:|---:|---|---|")
    for n, (at, text, connection, queries, ms) in enumerate(statements):
        until = (statements[n + 1][0] - at).total_seconds() * 1000 if n + 1 < len(statements) else 0
        print(f"| {until:.1f} | {queries} | {ms} | {connection} | {text[:100].replace('|', '/')} |")
    print(f"\n{sum(s[3] for s in statements)} catalog queries for {len(statements)} statements\n")
    print("| catalog queries | their ms | kind |\n|---:|---:|---|")
    for shape, (count, ms) in sorted(kinds.items(), key=lambda kv: -kv[1][1])[:15]:
        print(f"| {count} | {ms} | {shape.replace('|', '/')} |")


def main(argv: list[str]) -> int:
    models = int(argv[0]) if argv else 2000
    days = int(argv[1]) if len(argv) > 1 else 6
    from tests.postgres import Server
    server = Server().start()
    try:
        with tempfile.TemporaryDirectory(prefix="modeltrail-lake-queries-") as work:
            lake = locate(server.url(server.new_database()), str(Path(work) / "data"))
            _logged_day(lake, models, days, Path(work) / "logs")
            report(Path(work) / "logs")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
