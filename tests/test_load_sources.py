"""A refresh records every source of its run in one transaction, merged by one set of statements for
them all (warehouse/load.py: load_sources; snapshot.Run.record_all). The warehouse must end exactly as
if each source had been loaded alone, in its own transaction, for every kind of event and verdict; and
should the batch fail, each source is recorded alone, so that a source whose load fails rolls back
alone."""

from __future__ import annotations

import pytest

from modeltrail.flows import snapshot, steps
from modeltrail.pipelines.records import Benchmark, Price
from modeltrail.warehouse import db
from modeltrail.warehouse import load as load_module
from tests.conftest import day
from tests.test_warehouse import seed_card

TABLES = {
    "model_cards_history": "source, source_model_id, valid_from",
    "prices_history": "source, source_model_id, kind, tier, valid_from",
    "benchmarks_history": "source, source_model_id, reported_name, setting, valid_from",
    "sightings": "source, source_model_id",
    "sightings_before": "run_id, source, source_model_id",
    "removals": "source, source_model_id, run_id",
    "unstated": "source, source_model_id, field, run_id",
    "source_runs": "run_id, source",
}


def _cards(source: str, n: int, **update):
    """n cards of one source; every source names its models alike (m-0, m-1, …), as catalogs often do."""
    base = seed_card().model_copy(update={
        "source": source,
        "prices": [Price(kind="input", usd_per_million_tokens=1.1), Price(kind="output", usd_per_million_tokens=4.4)],
        "benchmarks": [Benchmark(benchmark="gpqa", reported_name="GPQA", value=77.0, unit="percent")]})
    return [base.model_copy(update={"source_model_id": f"m-{i}", "name": f"{source} {i}",
                                    "fetched_at": update.pop("fetched_at", base.fetched_at), **update})
            for i in range(n)]


def _days():
    """Day by day: (source, status, cards) of every source of that day's run."""
    az, orr, dep = (lambda n, **u: _cards("azure", n, **u)), (lambda n, **u: _cards("openrouter", n, **u)), \
        (lambda n, **u: _cards("deprecations", n, **u))
    yield [("azure", "complete", az(6)), ("openrouter", "complete", orr(6)), ("deprecations", "complete", dep(3))]
    # azure: a price moves, a score changes, a name, a model missing; openrouter: a price leaves the page
    # of a model whose azure namesake is staged with that price; a
    # lifecycle page drops a model (no removal: the source never removes)
    a = az(5, fetched_at=day(1))
    a[0] = a[0].model_copy(update={"prices": [Price(kind="input", usd_per_million_tokens=0.9),
                                              Price(kind="output", usd_per_million_tokens=4.4)]})
    a[1] = a[1].model_copy(update={"benchmarks": [Benchmark(benchmark="gpqa", reported_name="GPQA", value=80.0,
                                                            unit="percent")]})
    a[2] = a[2].model_copy(update={"name": "azure 2, renamed"})  # (staged, with both its prices)
    o = orr(6, fetched_at=day(1))
    o[2] = o[2].model_copy(update={"prices": [Price(kind="input", usd_per_million_tokens=1.1)]})
    yield [("azure", "complete", a), ("openrouter", "complete", o), ("deprecations", "complete", dep(2))]
    # azure's missing model is removed (2 runs); openrouter stops stating the context window on every
    # card (template drift: partial, nothing closes); a failed lifecycle run
    yield [("azure", "complete", az(5, fetched_at=day(2))),
           ("openrouter", "complete", orr(6, fetched_at=day(2), context_window=None)),
           ("deprecations", "failed", [])]
    # azure's removed model is back, one field unstated on one card; openrouter a partial run
    a = az(6, fetched_at=day(3))
    a[3] = a[3].model_copy(update={"context_window": None})
    yield [("azure", "complete", a), ("openrouter", "partial", orr(3, fetched_at=day(3))),
           ("deprecations", "complete", dep(3, fetched_at=day(3)))]


def _build(path, together: bool):
    con = db.connect(path)
    for n, sources in enumerate(_days()):
        run = snapshot.Run.start(con, "replay", day(n), [s for s, _, _ in sources])
        loads = [db.SourceLoad(source, status, cards=cards) for source, status, cards in sources]
        if together:
            results = run.record_all(con, loads, removal_runs=2)
        else:
            results = [run.record(con, load, removal_runs=2) for load in loads]
        run.finish(con)
        yield n, {r.source: (r.status, r.versions_added, r.versions_closed, r.removed) for r in results}
    con.close()


def _tables(path):
    con = db.connect(path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY {order}").fetchall() for t, order in TABLES.items()}
    finally:
        con.close()


def test_sources_loaded_together_leave_the_warehouse_as_loaded_one_by_one(tmp_path):
    alone, together = tmp_path / "alone.duckdb", tmp_path / "together.duckdb"
    results_alone = dict(_build(alone, together=False))
    results_together = dict(_build(together, together=True))
    assert results_together == results_alone
    # the scenario did what it says: a removal, template drift judged partial, unstated kept, a failed run
    assert results_alone[2]["azure"][3] == 1 and results_alone[2]["openrouter"][0] == "partial"
    assert results_alone[2]["deprecations"][0] == "failed" and results_alone[1]["deprecations"][3] == 0
    a, b = _tables(alone), _tables(together)
    for table in TABLES:
        assert b[table] == a[table], table
    assert a["removals"] and a["unstated"] and a["sightings_before"]


def test_a_source_whose_load_fails_rolls_back_alone(tmp_path, monkeypatch):
    con = db.connect(tmp_path / "w.duckdb")
    insert = load_module._insert_columns

    def disk_full_for_openrouter(con_, table, rows):  # the staging file of one source's cards cannot be written
        if table == "stg_seen" and any(r["source"] == "openrouter" for r in rows):
            raise OSError(28, "No space left on device")
        return insert(con_, table, rows)
    monkeypatch.setattr(load_module, "_insert_columns", disk_full_for_openrouter)
    run = snapshot.Run.start(con, "replay", day(0), ["azure", "openrouter"])
    loads = [db.SourceLoad("azure", "complete", cards=_cards("azure", 3)),
             db.SourceLoad("openrouter", "complete", cards=_cards("openrouter", 3))]
    with pytest.raises(db.WarehouseError):
        run.record_all(con, loads)
    stored = con.execute("SELECT source, count(*) FROM model_cards_history GROUP BY ALL").fetchall()
    assert stored == [("azure", 3)]  # the batch rolled back whole; azure then loaded alone, openrouter not
    assert con.execute("SELECT source, status FROM source_runs").fetchall() == [("azure", "complete")]
    assert run.verdicts == {"azure": "complete"}
    con.close()


def test_one_load_a_source_in_a_batch(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    run = db.start_run(con, "replay", day(0))
    with pytest.raises(ValueError, match="azure twice"):
        db.load_sources(con, run, day(0), [db.SourceLoad("azure", "complete", cards=_cards("azure", 1)),
                                           db.SourceLoad("azure", "complete", cards=_cards("azure", 1))])
    con.close()


def test_the_artifacts_change_table_skips_its_query_only_when_nothing_changed(tmp_path):
    from modeltrail.flows.refresh import _changes_table
    con = db.connect(tmp_path / "w.duckdb")
    days = list(_days())
    days.append(days[-1])  # the last day's pages again: nothing opens, closes or goes
    tables = []
    for n, sources in enumerate(days):
        run = snapshot.Run.start(con, "replay", day(n), [s for s, _, _ in sources])
        results = run.record_all(con, [db.SourceLoad(s, status, cards=[c.model_copy(update={"fetched_at": day(n)})
                                                                        for c in cards])
                                       for s, status, cards in sources])
        run.finish(con)
        tables.append((_changes_table(con, run.run_id, results), _changes_table(con, run.run_id)))
    assert all(fast == read for fast, read in tables)
    assert tables[-1][0] == "No changes in this run.\n"
    assert all(t != "No changes in this run.\n" for t, _ in tables[:-1])
    con.close()


def test_a_cards_fingerprint_is_the_hash_of_its_values_json_as_stored_before():
    """Sightings keep each model's fingerprint: computed another way, every card of every source would
    be staged again after an upgrade. Over every golden fixture's cards: the first 8 bytes of the
    SHA-256 of model_dump_json without provenance, as the warehouse has always stored it."""
    import hashlib
    import json as _json
    from datetime import datetime

    from modeltrail.pipelines.sources import get
    from modeltrail.pipelines.fingerprints import NOT_VALUES, fingerprint
    from tests.fixtures import cases, page_file
    seen = 0
    for case in cases():
        meta = _json.loads((case / "meta.json").read_text())
        parsed = get(case.parent.name).parser.parse(page_file(case).read_bytes(), meta["url"],
                                                    datetime.fromisoformat(meta["fetched_at"]))
        for card in parsed.cards:
            text = card.model_dump_json(exclude=NOT_VALUES)
            assert fingerprint(card) == int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
            seen += 1
    assert seen > 60


def test_a_parse_hands_over_each_cards_fingerprint_the_load_would_compute(tmp_path):
    """The parse computes the fingerprints (while other sources still crawl) and the load trusts them:
    they must be exactly fingerprint(card) for every card handed over, whole pages and snapshots of a
    catalog parsed entry by entry (an entry the same as before keeps the fingerprint it had)."""
    import json as _json
    from datetime import datetime

    from modeltrail.pipelines.fingerprints import fingerprint
    from modeltrail.pipelines.handover import PageRecord
    from modeltrail.pipelines.parsers.catalog import EntryMemo
    from modeltrail.pipelines.parsing import parse_all
    from tests.fixtures import cases, page_file
    from tests.test_catalog_entries import AFTER, BEFORE, T1, T2, URL

    def page(body: bytes, url: str, when: datetime) -> PageRecord:
        return PageRecord(url=url, fetched_at=when, status=200, page_kind="card", body=body)

    checked = 0
    for case in cases():
        meta = _json.loads((case / "meta.json").read_text())
        parsed = parse_all(case.parent.name, [page(page_file(case).read_bytes(), meta["url"],
                                                   datetime.fromisoformat(meta["fetched_at"]))])
        assert parsed.fingerprints == {c.source_model_id: fingerprint(c) for c in parsed.cards}, case.name
        checked += len(parsed.cards)
    memo = EntryMemo(fingerprint)
    for body, when in ((BEFORE, T1), (AFTER, T2), (BEFORE, T2)):
        parsed = parse_all("litellm", [page(body if isinstance(body, bytes) else body.encode(), URL, when)], memo)
        assert memo.reused or when == T1
        assert parsed.fingerprints == {c.source_model_id: fingerprint(c) for c in parsed.cards}
        checked += len(parsed.cards)
    assert checked > 60


def test_a_refresh_leaves_its_run_starts_checkpoint_to_the_load(tmp_path):
    """The refresh closes the warehouse while it crawls without a checkpoint (close_for_now): the run row
    is durable in the WAL, a reader sees it, and the load's connection checkpoints both at its close."""
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    con.close()
    con = db.connect(path)
    run = snapshot.Run.start(con, "replay", day(0), ["azure"])
    db.close_for_now(con)
    wal = tmp_path / "w.duckdb.wal"
    assert wal.exists()  # (left for the next close)
    reader = db.connect(path, read_only=True)
    assert reader.execute("SELECT run_id FROM runs").fetchall() == [(run.run_id,)]
    reader.close()
    con = db.connect(path)
    run.record_all(con, [db.SourceLoad("azure", "complete", cards=_cards("azure", 2))])
    run.finish(con)
    con.close()
    assert not wal.exists()
    reader = db.connect(path, read_only=True)
    assert reader.execute("SELECT count(*) FROM model_cards_history").fetchone() == (2,)
    reader.close()


def test_each_sources_last_complete_run_is_read_in_one_query_as_it_was_recorded(tmp_path):
    """steps.last_complete_runs: each source's last complete run (its cards and coverage, as that run
    recorded them: no coverage is none, not an older run's), a source with none left out; the same as
    last_complete_run for each."""
    con = db.connect(tmp_path / "w.duckdb")
    rows = [(1, "azure", "complete", 10, '{"name": 1.0}'), (2, "azure", "complete", 12, None),
            (3, "azure", "partial", 3, '{"name": 0.1}'), (1, "openrouter", "complete", 5, '{"name": 0.5}'),
            (2, "openrouter", "failed", 0, None), (3, "litellm", "failed", 0, None)]
    for run_id, source, status, cards, coverage in rows:
        con.execute("INSERT INTO source_runs (run_id, source, status, cards, coverage) VALUES (?, ?, ?, ?, ?)",
                    [run_id, source, status, cards, coverage])
    got = steps.last_complete_runs(con, ["azure", "openrouter", "litellm"])
    assert got == {"azure": {"cards": 12, "coverage": {}}, "openrouter": {"cards": 5, "coverage": {"name": 0.5}}}
    assert {s: steps.last_complete_run(con, s) for s in ("azure", "openrouter", "litellm")} == \
        {**got, "litellm": None}
    con.close()
