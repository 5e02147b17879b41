"""modeltrail's own warehouse on the peers' workload (../shared/peers-warehouse), loaded the way a refresh
loads it: the runner `run_modeltrail.py` of that folder, kept here beside the code it drives (its README:
"when the code moves, move the runner with it"). The workload generator, the harness, the peers and the
report stay in that folder; this file imports them from a writable copy of it:

    cp -r ../shared/peers-warehouse /tmp/pw
    TZ=UTC DO_NOT_TRACK=1 python -m bench.peers_warehouse --peers /tmp/pw [--quick | --models N --days D] [--statements]
    (cd /tmp/pw && python run_bare.py --models N --days D && python report.py --workload m<N>-d<D>-s20251)

It writes work/results/<workload>-modeltrail.json in that copy, as run_modeltrail.py does, so report.py
puts both side by side. What follows is run_modeltrail.py's own description, unchanged: the calls are
the refresh flow's (flows/refresh.py) in its order.

modeltrail's own warehouse on the peers' workload, loaded the way a refresh loads it.

Each day: read the day's three Parquet files and build one pydantic ModelCard per (source, model_id) with
its Prices and Benchmarks (modeltrail.pipelines.records), handed over per source as a crawl hands them over (a
CrawlOutput whose `parsed` (ParsedPages) holds the cards, as `crawl(parse=True)` leaves it). Then the
warehouse part of the refresh flow (flows/refresh.py, refresh_flow), the same calls in the same order,
for the workload's 5 sources, removal_runs=1:

    writer_lock(...).acquire                          the warehouse's writer lock, held to the end
    db.connect; snapshot.check_order (the 5 sources, one query); start_run; close_for_now (opened only to start
    the run, as the flow does: Run.start)
    lock.update(run_id=...)
    -- the crawl would run here: none (the cards are built beforehand, untimed) --
    collector.paused(), to the close (as the flow loads: flows/collector.py)
    db.connect
    steps.last_complete_runs(con, sources); per source: steps.build_load(source, output, last[source])   (the verdict)
    db.load_sources(con, run_id, observed_at, loads, removal_runs=1)     (every source: one transaction,
                                                                           as snapshot.Run.record_all)
    steps.summarize; db.finish_run; db.remap
    flows.refresh._changes_table(con, run_id)         (the query and table of the flow's run artifact)
    db.close_writer; the lock released

observed_at = the day's date, 00:00 UTC; kind "replay", replay = the day's folder.

Needs modeltrail importable (its venv has duckdb 1.5.5 too); it imports modeltrail.flows.refresh (and so
Prefect, under flows.local_api.startup_imports: the collector paused, then frozen) for `_changes_table`, as a
refresh's own process does, so the peak RSS includes Prefect and the collector sees what it sees there:
    TZ=UTC DO_NOT_TRACK=1 python run_modeltrail.py [--quick | --models N --days D]

Timings per day (seconds), all in the results JSON:
    read     Parquet -> Python tuples (not part of any method's load)
    build    tuples -> ModelCards (pydantic validation) and their hand-over; what a crawl's parser would
             have produced (not in load), each source's under collector.kept() as a catalog page's parse
    build_prints the part of build in PageParser.parsed: the cards' fingerprints (and merging by model)
    load     start_run + load_sources (5 sources) + summarize + finish_run, on open connections: the warehouse's
             writes for the run (headline; comparable to the peers' merge transaction)
    lock     taking the writer lock
    connect  the flow's two db.connect calls (migrations checked, views re-created only when they changed,
             staging leftovers removed)
    guard    snapshot.check_order for the 5 sources (first connection, before start_run)
    verdict  last_complete_runs + 5 x build_load: the verdict on each source run (not in load)
    remap    db.remap after finish_run (maps what the load left unmapped: since 2026-12-07, seventh session,
             the load maps its new source ids itself, remap.map_new)
    changes  the flow artifact's change table (run_changes, limit 200, as markdown)
    close    the two con.close() (the second checkpoints the WAL) and releasing the lock
    job      lock + connect + guard + load + verdict + remap + changes + close: a refresh's warehouse
             part, crawl and Prefect bookkeeping (task runs, logs, the artifact's upload) excluded
    ph_*     where `load` goes (bench/peers_timing.py), from a timing proxy around the connection and timers around pure
             functions (same results):
             ph_fingerprint  card fingerprints the load computes itself (pipelines/fingerprints.py; 0 when the parse handed them over)
             ph_rows         history rows of the changed cards (card_row, price_rows, benchmark_rows)
             ph_json         encoding staged rows as JSON (stage._insert_columns)
             ph_stage        INSERT ... read_json of the staged rows
             ph_merge_<s>    the statements of merge.sql section <s>: keys (stg_keys for the unstated
                             check), stage (temp tables), fingerprints (what each model was last seen
                             with), cards, prices, benchmarks, sightings, removals, count_changes
             ph_unstated     moved_of_batch (merge.sql): which cards moved, with their current versions'
                             values for the unstated check (current_versions and stg_keys before)
             ph_runs         runs.sql: next_run_id, start_run, source_run, finish_run
             ph_summary      run_verdicts (run_results.sql), read by summarize
             ph_commit       BEGIN / COMMIT
             ph_other_sql    catalog look-ups (column types before each staging insert, which database
                             the connection writes)
             ph_python       the rest of load: bookkeeping, file writes of the staging files, the
                             unstated comparison, LoadResult
    Since the 2026-12-03 runner: no phase was dropped (every one it timed still exists). It timed one
    connection and built the run summary in Python; the flow opens the warehouse twice, asks each
    source's last complete run for the verdict, reads the summary back (summarize) and builds the
    artifact's change table: all of that is timed now (connect, verdict, ph_summary, changes). Phases
    added: ph_rows, ph_json, ph_merge_keys, ph_merge_fingerprints, ph_unstated, ph_runs (in ph_other_sql
    before). connect no longer re-creates schema and views on every open (the code does not).

Workload -> ModelCard mapping (every one of the 12 scalar fields has a home and round-trips):
    model_id -> source_model_id (the id as the source publishes it; the canonical model_id is None and
    model_identity is what remap computes); name, organization, url, version, status, license, context_window,
    max_output_tokens, training_cutoff ('YYYY-MM') as they are; release_date / deprecation_date DATE ->
    'YYYY-MM-DD' strings (modeltrail keeps the precision a page states); parameters_b (billions, DOUBLE)
    -> parameters = round(parameters_b * 1e9) (a count); price kind / usd_per_mtok ->
    Price(kind, usd_per_million_tokens); benchmark / score -> Benchmark(benchmark=key, reported_name=key,
    value=score, unit='percent'), both given to the card as values (one validation a card, as a parser's
    Draft; until 2026-12-07, fifth session, each was made first and the card validated them again). The as-of queries convert back (CAST to DATE / INTEGER,
    parameters / 1e9) so gen.checksum_sql sees the workload's columns and types.
    url is provenance in modeltrail (not in the version hash): it never changes in this workload.

The crawl each source's cards "came from": one page per source and day (https://<host>/models, HTTP 200,
page_kind "card", no body), the one card page its PageParser read (card_pages 1), crawl stats
{"finish_reason": "finished"}. The verdict (verdict.judge) is then "complete" every day, so absent
models count towards removal. The page has no body, so nothing goes into the page archive (no peer
keeps pages); its fetch row is recorded, as a crawl's are.

Removal: the peers close a model the first day it is missing; modeltrail's default waits for 2
consecutive complete runs (--removal-runs 2). This runner passes removal_runs=1 (the CLI's
`--removal-runs 1`) so the as-of state can equal the day's snapshot.

Not included: crawling and parsing pages, the page archive (see above), Prefect's own work. The
`modeltrail refresh` command adds, outside the flow, a check before it (writer lock, connect, the 5
time-order guards, close) and a read after it (the run's summary and changes, on a read-only connection);
a deployed flow run does neither, so they are not timed here.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
from collections import defaultdict
from datetime import date as Date, datetime, timezone
from pathlib import Path

import sys

import duckdb


def _peers_folder() -> Path:
    """--peers DIR (taken off the command line before the harness reads it): a writable copy of
    ../shared/peers-warehouse (the harness writes work/ beside itself)."""
    if "--peers" not in sys.argv:
        sys.exit("usage: python -m bench.peers_warehouse --peers DIR [--quick | --models N --days D]: DIR is a "
                 "writable copy of ../shared/peers-warehouse")
    i = sys.argv.index("--peers")
    folder = Path(sys.argv[i + 1]).resolve() if i + 1 < len(sys.argv) else None
    del sys.argv[i:i + 2]
    if folder is None or not (folder / "harness.py").is_file():
        sys.exit(f"--peers: no harness.py in {folder}: give a copy of ../shared/peers-warehouse")
    return folder


sys.path.insert(0, str(_peers_folder()))
import gen  # noqa: E402
from harness import TABLES, cli, fresh_dir, run  # noqa: E402

from bench import peers_timing  # noqa: E402
from bench.cards import card_fields  # noqa: E402
from bench.peers_timing import PHASES, Timer, TimedConnection, TimedEncoder, statement_phases, timed_fn  # noqa: E402
from modeltrail.flows.local_api import startup_imports  # noqa: E402

with startup_imports():  # (as `modeltrail refresh` imports Prefect: the collector paused, then frozen)
    from modeltrail.flows import collector, snapshot, steps
    from modeltrail.flows.refresh import _changes_table
from modeltrail.pipelines.handover import CrawlOutput
from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.parsing import PageParser
from modeltrail.pipelines.records import ModelCard
from modeltrail.warehouse import db
from modeltrail.warehouse import load as wload
from modeltrail.warehouse import stage as wstage

REMOVAL_RUNS = 1
PARSER_VERSION = "peers-gen-1"
SOURCES = list(gen.SOURCES)
LOCK_WAIT = 3600  # refresh_flow's default lock_wait
KIND = "replay"
#: seconds of the day's `build` spent in PageParser.parsed (merging by model, the cards' fingerprints)
BUILD_PRINTS = [0.0]


class Modeltrail:
    name = "modeltrail"
    history_tables = {"cards": "model_cards_history", "prices": "prices_history", "benchmarks": "benchmarks_history"}

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.db_path = workdir / "modeltrail.duckdb"
        self.where = db.locate(str(self.db_path))
        self.reader = duckdb.connect()  # reads the day's Parquet files
        self.exact, self.prefixes = statement_phases()
        self.timer = Timer()
        self._instrument()
        try:
            commit = subprocess.run(["git", "-C", str(Path(db.__file__).resolve().parents[1]), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:  # pragma: no cover - informational only
            commit = None
        import pydantic
        self.meta = {"modeltrail_commit": commit, "modeltrail_db": db.__file__, "pydantic": pydantic.__version__,
                     "removal_runs": REMOVAL_RUNS, "sources_per_day": len(SOURCES),
                     "load_is": "start_run + load_sources (every source, one transaction) + summarize + finish_run (the refresh "
                                "flow's calls; cards built beforehand)",
                     "job_is": "writer lock .. release: the refresh flow's warehouse part, crawl excluded"}
        ts = "TIMESTAMPTZ '{ts}'"
        self.queries = {
            "asof_agg": f"""SELECT c.n, c.s, p.n, p.s, b.n, b.s FROM
                (SELECT count(*) AS n, sum(context_window) AS s FROM model_cards_as_of({ts})) c,
                (SELECT count(*) AS n, avg(usd_per_million_tokens) AS s FROM prices_as_of({ts})) p,
                (SELECT count(*) AS n, avg(value) AS s FROM benchmarks_as_of({ts})) b""",
            "asof_rows": {
                "cards": f"""SELECT source, source_model_id AS model_id, name, organization, url, version, status,
                    CAST(release_date AS DATE) AS release_date, CAST(deprecation_date AS DATE) AS deprecation_date,
                    CAST(context_window AS INTEGER) AS context_window,
                    CAST(max_output_tokens AS INTEGER) AS max_output_tokens, training_cutoff,
                    CAST(parameters AS DOUBLE) / 1e9 AS parameters_b, license
                    FROM model_cards_as_of({ts})""",
                "prices": f"""SELECT source, source_model_id AS model_id, kind, usd_per_million_tokens AS usd_per_mtok
                    FROM prices_as_of({ts})""",
                "benchmarks": f"""SELECT source, source_model_id AS model_id, benchmark, value AS score
                    FROM benchmarks_as_of({ts})""",
            },
            "history": {
                "cards": "SELECT * FROM model_cards_history WHERE source = ? AND source_model_id = ? ORDER BY valid_from",
                "prices": "SELECT * FROM prices_history WHERE source = ? AND source_model_id = ? "
                          "ORDER BY kind, tier, valid_from",
                "benchmarks": "SELECT * FROM benchmarks_history WHERE source = ? AND source_model_id = ? "
                              "ORDER BY benchmark, setting, valid_from",
            },
        }

    def _instrument(self) -> None:
        """Timers around the pure functions load_source calls (warehouse/load.py looks them up in its own
        module at call time) and the staging encoder; what they return is unchanged."""
        for name, key in (("fingerprint", "ph_fingerprint"), ("card_row", "ph_rows"), ("price_rows", "ph_rows"),
                          ("benchmark_rows", "ph_rows")):
            fn = getattr(wload, name)
            if not getattr(fn, "_peers_wrapped", False):
                setattr(wload, name, timed_fn(fn, self.timer, key))
        if not isinstance(wstage._STAGE_JSON, TimedEncoder):
            wstage._STAGE_JSON = TimedEncoder(wstage._STAGE_JSON, self.timer)

    def setup(self) -> None:
        fresh_dir(self.workdir)
        with db.writing(self.db_path, command="peers setup"):
            pass  # db.connect creates schema (migrations), views, aliases

    # --- the workload's rows -> ModelCards, handed over as a parsed crawl ----------------------------

    def read(self, day_dir: Path) -> dict[str, list[tuple]]:
        q = "SELECT {cols} FROM read_parquet('{path}')"
        cols = {"cards": ", ".join(gen.CARD_COLS), "prices": "source, model_id, kind, usd_per_mtok",
                "benchmarks": "source, model_id, benchmark, score"}
        return {t: self.reader.execute(q.format(cols=cols[t], path=day_dir / f"{t}.parquet")).fetchall()
                for t in TABLES}

    @staticmethod
    def build(rows: dict[str, list[tuple]], when: datetime) -> dict[str, CrawlOutput]:
        """Each source's cards built and handed over as a refresh parses that source's catalog page: with
        the collector paused, then what they hold frozen (collector.kept, as flows/crawl_run._feed does for
        a catalog source's page)."""
        of_source = {source: {t: [] for t in TABLES} for source in gen.SOURCES}
        for table, table_rows in rows.items():
            for row in table_rows:
                of_source[row[0]][table].append(row)
        outputs = {}
        for source, (host, _share) in gen.SOURCES.items():
            page = PageRecord(url=f"https://{host}/models", fetched_at=when, status=200, page_kind="card")
            with collector.kept():
                parser = Modeltrail._fed(source, of_source[source], page, when)
            a = time.perf_counter()
            parsed = parser.parsed()  # (after the crawl, as crawl_run.crawl: the cards' fingerprints)
            BUILD_PRINTS[0] += time.perf_counter() - a
            outputs[source] = CrawlOutput(source, pages=[page], stats={"finish_reason": "finished"}, returncode=0,
                                          parsed=parsed)
        return outputs

    @staticmethod
    def _fed(source: str, rows: dict[str, list[tuple]], page: PageRecord, when: datetime) -> PageParser:
        """The source's PageParser as `feed` leaves it after reading that one page. Each card is validated
        once, its prices and scores nested in it as values, as a parser's Draft validates them
        (pipelines/parsers/base.py: Draft.offer)."""
        prices, benches = defaultdict(list), defaultdict(list)
        for s, m, kind, usd in rows["prices"]:
            prices[m].append({"kind": kind, "usd_per_million_tokens": usd})
        for s, m, b, score in rows["benchmarks"]:
            benches[m].append({"benchmark": b, "reported_name": b, "value": score, "unit": "percent"})
        parser = PageParser(source)
        parser.card_pages = 1
        for row in rows["cards"]:
            m = row[1]
            card = ModelCard(**card_fields(row, when, PARSER_VERSION), prices=prices.get(m, []),
                             benchmarks=benches.get(m, []))
            parser.seen.setdefault(card.source_model_id, []).append(card)
        if parser.seen:
            parser.carded.add(page.url)
        return parser

    # --- one day: the refresh flow's warehouse part --------------------------------------------------

    def load(self, day_dir: Path, date: str) -> dict:
        when = datetime.combine(Date.fromisoformat(date), datetime.min.time(), tzinfo=timezone.utc)
        clock = time.perf_counter
        t0 = clock()
        rows = self.read(day_dir)
        t1 = clock()
        BUILD_PRINTS[0] = 0.0
        outputs = self.build(rows, when)
        t2 = clock()
        del rows
        timer = self.timer
        timer.acc.clear()
        span = defaultdict(float)

        def timed(key, fn, *args, **kwargs):
            a = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                span[key] += clock() - a

        def in_load(key, fn, *args, **kwargs):
            timer.on = True
            try:
                return timed(key, fn, *args, **kwargs)
            finally:
                timer.on = False

        lock = timed("lock", db.writer_lock(self.where, SOURCES, command="refresh", flow_run_id=None,
                                            flow_run_name=None).acquire, LOCK_WAIT, on_wait=print)
        with lock:
            raw = timed("connect", db.connect, self.where, busy_wait=db.READER_GRACE)
            con = TimedConnection(raw, timer, self.exact, self.prefixes)
            try:
                timed("guard", snapshot.check_order, con, SOURCES, when)
                run_id = in_load("start", db.start_run, con, KIND, when, replay=str(day_dir),
                                 flow_run_id=lock.holder["flow_run_id"])
            finally:
                timed("close", db.close_for_now, raw)  # (as the flow closes it: the checkpoint left to the load's)
            timed("other", lock.update, run_id=run_id)
            # (the crawl runs here in a refresh)
            with collector.paused():  # (as the flow loads: flows/collector.py)
                raw = timed("connect", db.connect, self.where, busy_wait=db.READER_GRACE)
                con = TimedConnection(raw, timer, self.exact, self.prefixes)
                try:
                    last = timed("verdict", steps.last_complete_runs, con, list(outputs))
                    loads = [timed("verdict", steps.build_load, name, out, last.get(name))
                             for name, out in outputs.items()]
                    # (as the flow does: every source in one transaction, snapshot.Run.record_all)
                    results = in_load("load_source", db.load_sources, con, run_id, when, loads,
                                      removal_runs=REMOVAL_RUNS)
                    verdicts = {r.source: r.status for r in results}
                    cards = sum(len(load.cards) for load in loads)
                    status = ("failed" if all(v == "failed" for v in verdicts.values())
                              else "complete" if all(v == "complete" for v in verdicts.values()) else "partial")
                    summary = in_load("finish", steps.summarize, con, run_id)
                    in_load("finish", db.finish_run, con, run_id, status, summary)
                    timed("remap", db.remap, con)
                    changes_md = timed("changes", _changes_table, con, run_id, results)
                finally:
                    timed("close", db.close_writer, raw)
            release_from = clock()
        t_end = clock()
        span["close"] += t_end - release_from
        if status != "complete":
            raise RuntimeError(f"{date}: the run's verdict is {status} ({verdicts}): the workload must load complete")

        ph = dict(timer.acc)
        sql_total = ph.pop("_sql", 0.0)
        load_s = span["start"] + span["load_source"] + span["finish"]
        out = {"load": load_s, "read": t1 - t0, "build": t2 - t1, "build_prints": BUILD_PRINTS[0],
               "lock": span["lock"], "connect": span["connect"],
               "guard": span["guard"], "start": span["start"], "verdict": span["verdict"],
               "load_source": span["load_source"], "finish": span["finish"], "remap": span["remap"],
               "changes": span["changes"], "close": span["close"], "job": t_end - t2}
        extra = {k: v for k, v in ph.items() if k not in PHASES}
        for k in PHASES:
            out[k] = float(ph.get(k, 0.0))
        out["ph_other_sql"] += sum(v for k, v in extra.items() if k not in ("ph_fingerprint", "ph_rows", "ph_json"))
        py_timed = out["ph_fingerprint"] + out["ph_rows"] + out["ph_json"]
        out["ph_python"] = load_s - sql_total - py_timed
        out["cards"] = cards
        out["versions_added"] = sum(r.versions_added for r in results)
        out["versions_closed"] = sum(r.versions_closed for r in results)
        out["removed"] = sum(r.removed for r in results)
        out["change_rows_shown"] = max(0, changes_md.count("\n") - 2)
        if extra:
            out["ph_unexpected"] = sorted(extra)
        return out

    def asof_timestamp(self, day: int) -> str:
        return f"{gen.START.fromordinal(gen.START.toordinal() + day).isoformat()} 12:00:00+00"


def extra_queries(method: Modeltrail, result: dict, repeat: int = 5) -> dict:
    """What a modeltrail user would type, beside the harness's workload-shaped queries: the as-of macros'
    own columns (SELECT *), and model_history() (every field version of one model, one row per field)."""
    ts = result["queries"]["as_of_timestamp"]
    probe = result["queries"]["history_probe"]
    con = duckdb.connect(str(method.db_path), read_only=True)
    out = {}

    def timed(fn):
        xs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            n = fn()
            xs.append(time.perf_counter() - t0)
        return {"median": sorted(xs)[len(xs) // 2], "min": min(xs), "rows": n}

    out["asof_select_star_fetch"] = timed(lambda: sum(len(con.execute(
        f"SELECT * FROM {m}(TIMESTAMPTZ '{ts}')").fetchall()) for m in ("model_cards_as_of", "prices_as_of",
                                                                          "benchmarks_as_of")))
    out["model_history_macro"] = timed(lambda: len(con.execute(
        "SELECT * FROM model_history(?, NULL)", [probe["model_id"]]).fetchall()))
    con.close()
    return out


if __name__ == "__main__":
    os.environ.setdefault("TZ", "UTC")
    if "--statements" in sys.argv:
        sys.argv.remove("--statements")
        peers_timing.STATEMENTS = {}
    a = cli("modeltrail")
    m = Modeltrail(a.workdir)
    res = run(m, a)
    res["extra_queries"] = extra_queries(m, res)
    a.results.write_text(json.dumps(res, indent=1, default=str))
    print("  extra:", json.dumps(res["extra_queries"]), flush=True)
    STATEMENTS = peers_timing.STATEMENTS
    if STATEMENTS is not None:
        days = max(1, len(res["per_day"]))
        print(f"  statements, ms a day (every day; {len(STATEMENTS)} statements):")
        for stmt, sec in sorted(STATEMENTS.items(), key=lambda kv: -kv[1])[:40]:
            print(f"  {1000 * sec / days:7.2f}  {stmt}")
