"""History semantics on the warehouse itself: versions, changes, as-of, and what partial runs may do."""

from __future__ import annotations

from modeltrail.pipelines.parsers import azure

from modeltrail.pipelines.parsers import leaderboard
from modeltrail.pipelines.records import Price
from modeltrail.warehouse import db
from tests.conftest import SEEDS, day

AZURE_URL = "https://ai.azure.com/catalog/models/o3-mini"
LB_URL = "https://raw.githubusercontent.com/AIComputing101/llm-leaderboard/main/models/openai/o3-mini.md"


def seed_card(source="azure"):
    if source == "azure":
        return azure.parse((SEEDS / "003_8d7103195147f90d.txt").read_bytes(), AZURE_URL, day(0)).cards[0]
    return leaderboard.parse((SEEDS / "000_ae1fc4d1dd900dab.txt").read_bytes(), LB_URL, day(0)).cards[0]


def load(con, when, cards, status="complete", source="azure"):
    run = db.start_run(con, "replay", when)
    result = db.load_source(con, run, when, db.SourceLoad(source, status, cards=cards))
    db.remap(con)
    return run, result


def count(con, table):
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_same_pages_again_add_no_version(con):
    a = seed_card().model_copy(update={"prices": [Price(kind="input", usd_per_million_tokens=1.1)]})
    load(con, day(0), [a])
    before = {t: count(con, t) for t in ("model_cards_history", "prices_history", "benchmarks_history")}
    _, result = load(con, day(1), [a.model_copy(update={"fetched_at": day(1)})])
    assert result.versions_added == 0 and result.versions_closed == 0
    assert before == {t: count(con, t) for t in before}
    assert count(con, "runs") == 2 and count(con, "source_runs") == 2


def test_changed_price_and_context_make_new_versions_and_changes(con):
    a = seed_card().model_copy(update={"prices": [Price(kind="input", usd_per_million_tokens=1.1)]})
    load(con, day(0), [a])
    b = a.model_copy(update={"context_window": 128_000, "fetched_at": day(5),
                             "prices": [Price(kind="input", usd_per_million_tokens=0.9)]})
    _, result = load(con, day(5), [b])
    assert result.versions_added == 2 and result.versions_closed == 2
    rows = con.execute("""SELECT field, old_value, new_value, change_type, model_id FROM changes
                          WHERE change_type = 'changed' ORDER BY field""").fetchall()
    assert rows == [("context_window", "200000", "128000", "changed", "openai/o3-mini"),
                    ("price.input", "1.1", "0.9", "changed", "openai/o3-mini")]
    # as of A: the old values; as of B: the new ones; half-open at the boundary
    asof = lambda ts: con.execute(  # noqa: E731
        "SELECT c.context_window, p.usd_per_million_tokens FROM model_cards_as_of($t) c "
        "JOIN prices_as_of($t) p USING (source, source_model_id)", {"t": ts}).fetchall()
    assert asof(day(1)) == [(200_000, 1.1)]
    assert asof(day(5)) == [(128_000, 0.9)]
    assert asof(day(-1)) == []
    current = con.execute("SELECT context_window FROM model_cards").fetchall()
    assert current == [(128_000,)]


def test_history_keeps_provenance_of_each_version(con):
    a = seed_card()
    load(con, day(0), [a])
    load(con, day(3), [a.model_copy(update={"license": "MIT", "fetched_at": day(3), "page_sha256": "b" * 64})])
    rows = con.execute("""SELECT valid_from, valid_to, url, page_sha256, parser_version
                          FROM model_cards_history ORDER BY valid_from""").fetchall()
    assert rows[0][0] == day(0) and rows[0][1] == day(3) and rows[0][3] == a.page_sha256
    assert rows[1][0] == day(3) and rows[1][1] is None and rows[1][3] == "b" * 64
    assert all(r[2] == AZURE_URL and r[4] == "azure/1" for r in rows)


def test_list_order_does_not_make_a_version(con):
    a = seed_card()
    load(con, day(0), [a])
    shuffled = a.model_copy(update={"capabilities": list(reversed(a.capabilities)), "fetched_at": day(1)})
    _, result = load(con, day(1), [shuffled])
    assert result.versions_added == 0


def test_partial_run_closes_nothing(con):
    a, lb = seed_card(), seed_card("leaderboard").model_copy(update={"source": "azure", "source_model_id": "x"})
    load(con, day(0), [a, lb])
    for n in (1, 2, 3):
        _, result = load(con, day(n), [a], status="partial")
        assert result.versions_closed == 0 and result.removed == 0
    assert count(con, "removals") == 0
    assert con.execute("SELECT count(*) FROM model_cards").fetchone()[0] == 2


def test_failed_run_is_recorded_and_changes_nothing(con):
    a = seed_card()
    load(con, day(0), [a])
    before = con.execute("SELECT * FROM model_cards_history").fetchall()
    run, result = load(con, day(1), [], status="failed")
    assert con.execute("SELECT * FROM model_cards_history").fetchall() == before
    assert con.execute("SELECT status FROM source_runs WHERE run_id = ?", [run]).fetchone() == ("failed",)


def test_older_snapshot_after_newer_is_refused(con):
    load(con, day(5), [seed_card()])
    import pytest
    with pytest.raises(db.WarehouseError, match="load snapshots oldest first"):
        db.check_time_order(con, "azure", day(1))


def test_hostile_strings_are_stored_as_is(con):
    evil = "x'); DROP TABLE runs; --"
    load(con, day(0), [seed_card().model_copy(update={"source_model_id": evil, "name": evil})])
    assert con.execute("SELECT source_model_id, name FROM model_cards").fetchall() == [(evil, evil)]
    assert count(con, "runs") == 1


def test_deprecation_keeps_observed_time_apart_from_stated_date(con):
    a = seed_card()
    load(con, day(0), [a])
    load(con, day(3), [a.model_copy(update={"status": "deprecated", "retirement_date": "2026-06-30",
                                            "successor": "o4-mini", "fetched_at": day(3)})])
    rows = con.execute("""SELECT changed_at, change_type, effective_from FROM changes
                          WHERE change_type = 'deprecated'""").fetchall()
    assert rows == [(day(3), "deprecated", "2026-06-30")]
    life = con.execute("SELECT status, retirement_date, successor, deprecation_seen_at, deprecation_url "
                       "FROM lifecycle").fetchall()
    assert life == [("deprecated", "2026-06-30", "o4-mini", day(3), AZURE_URL)]


def test_remap_writes_only_what_moved(con):
    """A refresh maps only new source ids; the identity table does not grow with refreshes."""
    from modeltrail.warehouse.db import SourceLoad
    card = seed_card("leaderboard")
    for n in range(3):
        run = db.start_run(con, "replay", day(n))
        db.load_source(con, run, day(n), SourceLoad("leaderboard", "complete", cards=[card]))
        db.remap(con)
    assert con.execute("SELECT count(*) FROM model_identity").fetchone() == (1,)
    # nothing new: the table is not rewritten (the row keeps its rowid)
    before = con.execute("SELECT rowid FROM model_identity").fetchall()
    db.remap(con)
    assert con.execute("SELECT rowid FROM model_identity").fetchall() == before
    # a user alias changes the mapping: the next remap maps everything again, and only that row moves
    con.execute("INSERT OR REPLACE INTO model_aliases VALUES ('o3-mini', 'acme/o3-mini', 'user')")
    db.remap(con)
    assert con.execute("SELECT model_id FROM model_identity").fetchall() == [("acme/o3-mini",)]


def test_a_load_maps_its_new_ids_and_writes_their_versions_with_the_model(con):
    """The load itself maps the source ids it sees for the first time (with the warehouse's aliases, as remap
    would): each version is written with its model's id, and the remap after the run has nothing to write."""
    card = seed_card().model_copy(update={"prices": [Price(kind="input", usd_per_million_tokens=1.1)]})
    con.execute("INSERT OR REPLACE INTO model_aliases VALUES ('o3-mini', 'acme/o3-mini', 'user')")
    run = db.start_run(con, "replay", day(0))
    db.load_source(con, run, day(0), db.SourceLoad("azure", "complete", cards=[card]))
    assert con.execute("SELECT source_model_id, model_id, resolved_by FROM model_identity").fetchall() == [
        ("o3-mini", "acme/o3-mini", "user alias")]
    for table in ("model_cards_history", "prices_history", "benchmarks_history"):
        assert con.execute(f"SELECT DISTINCT model_id FROM {table}").fetchall() == [("acme/o3-mini",)], table
    rowids = {t: con.execute(f"SELECT rowid, model_id FROM {t} ORDER BY rowid").fetchall()
              for t in ("model_identity", "model_cards_history", "prices_history", "benchmarks_history")}
    db.remap(con)
    assert rowids == {t: con.execute(f"SELECT rowid, model_id FROM {t} ORDER BY rowid").fetchall() for t in rowids}
    # seen again: not mapped twice
    run = db.start_run(con, "replay", day(1))
    db.load_source(con, run, day(1), db.SourceLoad("azure", "complete", cards=[card.model_copy(update={
        "fetched_at": day(1), "prices": [Price(kind="input", usd_per_million_tokens=1.0)]})]))
    assert con.execute("SELECT count(*) FROM model_identity").fetchone() == (1,)
    assert con.execute("SELECT DISTINCT model_id FROM prices_history").fetchall() == [("acme/o3-mini",)]


def test_a_price_that_leaves_the_page_is_a_change_of_the_run_that_saw_it_go(con):
    """Each event of the change feed names the run that observed it: a price gone from a card that
    stayed is the closing run's change, not the run that first saw the price (`runs undo` of that run
    takes it back)."""
    a = seed_card().model_copy(update={"prices": [Price(kind="input", usd_per_million_tokens=1.1),
                                                  Price(kind="output", usd_per_million_tokens=4.4)]})
    first, _ = load(con, day(0), [a])
    second, _ = load(con, day(5), [a.model_copy(update={
        "fetched_at": day(5), "prices": [Price(kind="input", usd_per_million_tokens=1.1)]})])
    gone = con.execute("SELECT changed_at, field, old_value, new_value, run_id FROM changes "
                       "WHERE field LIKE 'price.%'").fetchall()
    assert gone == [(day(5), "price.output", "4.4", None, second)] and second != first
    db.undo_run(con, second)
    assert con.execute("SELECT count(*) FROM changes WHERE field LIKE 'price.%'").fetchone() == (0,)


def test_the_warehouse_keeps_its_own_mapping_not_the_cards(con):
    """Identity is stored once: a card's model_id (the bundled aliases' answer, what `parse` shows) is not
    kept; model_identity's mapping, with the user's aliases, is what every version and view carries."""
    card = seed_card().model_copy(update={"model_id": "someone/else",
                                          "prices": [Price(kind="input", usd_per_million_tokens=1.1)]})
    assert card.benchmarks  # (a version in each history table)
    con.execute("INSERT OR REPLACE INTO model_aliases VALUES ('o3-mini', 'acme/o3-mini', 'user')")
    load(con, day(0), [card])
    assert con.execute("SELECT model_id FROM model_identity").fetchall() == [("acme/o3-mini",)]
    for table in ("model_cards_history", "prices_history", "benchmarks_history", "model_cards", "prices",
                  "benchmarks"):
        assert con.execute(f"SELECT DISTINCT model_id FROM {table}").fetchall() == [("acme/o3-mini",)], table
    assert con.execute("SELECT DISTINCT model_id FROM model_history('acme/o3-mini', NULL)").fetchall() == \
        [("acme/o3-mini",)]
    assert con.execute("SELECT count(*) FROM model_history('someone/else', NULL)").fetchone() == (0,)


def test_sightings_keep_a_time_only_for_models_the_latest_run_did_not_see(con):
    """card_state says when each model was last seen; its table (`sightings`, migration 5) holds that time
    only for the models the source's latest run did not see, so a run writes the rows that move, not a
    row per model. Partial runs freeze without counting a miss; failed runs change nothing; an undo puts
    the sightings back as they were."""
    a = seed_card()
    b, c = (a.model_copy(update={"source_model_id": m}) for m in ("b", "c"))

    def seen():
        return {m: (last, run, missed) for m, last, run, missed in con.execute(
            "SELECT source_model_id, last_seen, last_seen_run, missed_runs FROM card_state").fetchall()}

    def stored():  # the models with a last sighting of their own
        return {m: (last, run) for m, last, run in con.execute(
            "SELECT source_model_id, last_seen, last_seen_run FROM sightings WHERE last_seen IS NOT NULL").fetchall()}
    r0, _ = load(con, day(0), [a, b, c])
    r1, _ = load(con, day(1), [a, b, c])
    assert stored() == {}
    assert seen() == {m: (day(1), r1, 0) for m in (a.source_model_id, "b", "c")}
    r2, _ = load(con, day(2), [a, b])  # complete: c missed once
    assert stored() == {"c": (day(1), r1)}
    assert seen() == {a.source_model_id: (day(2), r2, 0), "b": (day(2), r2, 0), "c": (day(1), r1, 1)}
    after_r2 = seen()
    r3, _ = load(con, day(3), [a], status="partial")  # partial: b not seen, no miss counted
    assert stored() == {"c": (day(1), r1), "b": (day(2), r2)}
    assert seen() == {a.source_model_id: (day(3), r3, 0), "b": (day(2), r2, 0), "c": (day(1), r1, 1)}
    after_r3 = seen()
    r4, _ = load(con, day(4), [], status="failed")
    assert seen() == after_r3
    r5, _ = load(con, day(5), [a, b, c])  # all back: nothing of their own is kept
    assert stored() == {}
    assert seen() == {m: (day(5), r5, 0) for m in (a.source_model_id, "b", "c")}
    db.undo_run(con, r5)
    assert seen() == after_r3
    db.undo_run(con, r4)
    assert seen() == after_r3
    db.undo_run(con, r3)
    assert seen() == after_r2
    db.undo_run(con, r2)
    db.undo_run(con, r1)
    assert seen() == {m: (day(0), r0, 0) for m in (a.source_model_id, "b", "c")}
    assert count(con, "sightings_before") == 0
