"""A run's changes (run_results.sql: run_changes, the refresh summary and the flow artifact's table) are read
from the versions of the models that run touched, not from all history: they must be exactly the
`changes` view's rows of that run, for every kind of event."""

from __future__ import annotations

from modeltrail.pipelines.records import Benchmark

from modeltrail.pipelines.records import Price
from modeltrail.warehouse import db
from tests.conftest import day
from tests.test_warehouse import seed_card

VIEW = """SELECT source, coalesce(model_id, source_model_id), change_type, coalesce(field, ''),
                 coalesce(old_value, ''), coalesce(new_value, '')
          FROM changes WHERE run_id = $run_id"""


def _load(con, when, loads, removal_runs=1):
    run = db.start_run(con, "replay", when)
    for source, status, cards in loads:
        db.load_source(con, run, when, db.SourceLoad(source, status, cards=cards), removal_runs=removal_runs)
    db.finish_run(con, run, "complete", "")
    db.remap(con)
    return run


def test_run_changes_are_the_views_rows_of_that_run_for_every_kind_of_event(con):
    base = seed_card().model_copy(update={
        "prices": [Price(kind="input", usd_per_million_tokens=1.1), Price(kind="output", usd_per_million_tokens=4.4)],
        "benchmarks": [Benchmark(benchmark="gpqa", reported_name="GPQA", value=77.0, unit="percent")]})
    a = base
    b = base.model_copy(update={"source_model_id": "b", "name": "B"})
    c = base.model_copy(update={"source_model_id": "c", "name": "C"})
    e = base.model_copy(update={"source_model_id": "e", "name": "E"})
    lb = seed_card("leaderboard")

    def at(card, n, **update):
        return card.model_copy(update={"fetched_at": day(n), **update})

    runs = [_load(con, day(0), [("azure", "complete", [a, b, c, e]), ("leaderboard", "complete", [lb])])]
    # a: context and a price change, a price leaves the page, a score changes; b: deprecated; c: missing;
    # e: only a price leaves its page (no version of its own opens)
    runs.append(_load(con, day(1), [("azure", "complete", [
        at(a, 1, context_window=64_000, prices=[Price(kind="input", usd_per_million_tokens=0.9)],
           benchmarks=[Benchmark(benchmark="gpqa", reported_name="GPQA", value=79.5, unit="percent")]),
        at(b, 1, status="deprecated"), at(e, 1, prices=[Price(kind="input", usd_per_million_tokens=1.1)])])]))
    # c is back (after its removal); a new model first seen retired; a stops stating its context window
    d = base.model_copy(update={"source_model_id": "d", "name": "D", "status": "retired"})
    runs.append(_load(con, day(2), [("azure", "complete", [
        at(a, 2, context_window=None, prices=[Price(kind="input", usd_per_million_tokens=0.9)],
           benchmarks=[Benchmark(benchmark="gpqa", reported_name="GPQA", value=79.5, unit="percent")]),
        at(b, 2, status="deprecated"), at(c, 2), at(d, 2)]), ("leaderboard", "complete", [at(lb, 2)])]))
    # a partial run and a failed one: nothing closes, nothing is removed
    runs.append(_load(con, day(3), [("azure", "partial", [at(c, 3, name="C2")]), ("leaderboard", "failed", [])]))
    runs.append(_load(con, day(4), []))  # a run that saw nothing
    undone = _load(con, day(5), [("azure", "complete", [at(c, 5)])])
    db.undo_run(con, undone)
    runs.append(_load(con, day(5), [("azure", "complete", [at(a, 5), at(c, 5, name="C3")])]))

    gone = con.execute(db.query("run_changes", "run_results.sql"), {"run_id": runs[1], "limit": None}).fetchall()
    assert ("azure", "e", "changed", "price.output", "4.4", "") in gone
    kinds = set()
    for run in [*runs, undone]:
        want = sorted(con.execute(VIEW, {"run_id": run}).fetchall())
        got = con.execute(db.query("run_changes", "run_results.sql"), {"run_id": run, "limit": None}).fetchall()
        assert sorted(got) == want, run
        assert got == sorted(got, key=lambda r: r[:4])  # in the order the artifact shows them
        kinds |= {r[2] for r in got}
    assert kinds >= {"added", "changed", "deprecated", "retired", "removed", "unstated"}
    # the artifact's limit still applies
    assert len(con.execute(db.query("run_changes", "run_results.sql"), {"run_id": runs[0], "limit": 2}).fetchall()) == 2
