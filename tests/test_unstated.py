"""A parse miss is not a change: a field a card stated and no longer states (template drift) keeps its
last stated value in history and shows as `unstated`; many at once make the run partial."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from modeltrail.flows import steps
from modeltrail.warehouse import db
from modeltrail.warehouse.db import PageRecord
from tests.conftest import CAPTURES, day

AZURE_URL = "https://ai.azure.com/catalog/models/o3-mini"
OPENROUTER_URL = "https://openrouter.ai/api/v1/models"


def snapshot(con, source, url, body: bytes, when, content_type="text/html; charset=utf-8", removal_runs=2):
    page = PageRecord(url=url, fetched_at=when, status=200, page_kind="card", sha256=db_sha(body), body=body,
                      content_type=content_type)
    out = steps.CrawlOutput(source, pages=[page], stats={"finish_reason": "finished"}, returncode=0)
    load = steps.build_load(source, out, steps.last_complete_run(con, source))
    run_id = db.start_run(con, "replay", when)
    result = db.load_source(con, run_id, when, load, removal_runs=removal_runs)
    db.finish_run(con, run_id, result.status, "")
    return run_id, result, load


def db_sha(body):
    from modeltrail.pipelines.parsers.base import sha256
    return sha256(body)


def test_a_renamed_label_is_unstated_not_a_null_version(con):
    page = (CAPTURES / "ai.azure.com/catalog/models/o3-mini").read_bytes()
    snapshot(con, "azure", AZURE_URL, page, day(0))
    assert con.execute("SELECT context_window FROM model_cards WHERE source = 'azure'").fetchall() == [(200000,)]
    # the template moves: both places that state the context window now use other words
    drifted = page.replace(b"Context window:", b"Context size:").replace(b"Context Length", b"Context Size")
    assert drifted != page
    run_id, result, load = snapshot(con, "azure", AZURE_URL, drifted, day(1))
    assert load.cards[0].context_window is None  # the parser no longer finds it
    # history: no version whose context is NULL; the value stays with when it was stated
    versions = con.execute("SELECT context_window, valid_from, valid_to FROM model_cards_history "
                           "WHERE source = 'azure' ORDER BY valid_from").fetchall()
    assert [v[0] for v in versions] == [200000] and versions[0][2] is None
    assert con.execute("SELECT context_window FROM model_cards_as_of(?) WHERE source = 'azure'",
                       [day(1)]).fetchall() == [(200000,)]
    # the miss is its own event, counted in the run
    assert con.execute("SELECT change_type, field, old_value, new_value, run_id FROM changes "
                       "WHERE source = 'azure' AND change_type <> 'added'").fetchall() == [
        ("unstated", "context_window", "200000", None, run_id)]
    # (the source's only card lost a key field: "missing on every card" makes the run partial too)
    assert con.execute("SELECT status, unstated, reasons, notes FROM source_runs WHERE run_id = ?",
                       [run_id]).fetchone() == (
        "partial", 1, ["field context_window is missing on every card (was on 100%)"],
        ["field context_window unstated on 1 card(s) that stated it before (last stated value kept; see "
         "`modeltrail changes`)"])
    # what the page said that day: the version current then, less what that run found unstated
    assert con.execute("SELECT field, page_sha256 FROM unstated WHERE run_id = ?", [run_id]).fetchall() == [
        ("context_window", db_sha(drifted))]
    # the label comes back with the same value: nothing changes
    snapshot(con, "azure", AZURE_URL, page, day(2))
    assert con.execute("SELECT count(*) FROM model_cards_history WHERE source = 'azure'").fetchone() == (1,)


def openrouter_page(drop: dict[str, int] | None = None, null: str | None = None) -> bytes:
    data = json.loads((CAPTURES / "openrouter.ai/api/v1/models").read_text())
    for key, n in (drop or {}).items():
        for m in data["data"][:n]:
            m.pop(key, None)
    if null:
        for m in data["data"]:
            m[null] = None
    return json.dumps(data).encode()


def test_a_key_vanishing_from_many_cards_makes_the_run_partial_and_keeps_the_values(con):
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    snapshot(con, "openrouter", OPENROUTER_URL, openrouter_page(), when, "application/json", removal_runs=1)
    before = dict(con.execute("SELECT source_model_id, context_window FROM model_cards").fetchall())
    # the key is gone from 6 of 13 cards (and one card is gone): the template moved, the vendor did not
    body = json.loads(openrouter_page(drop={"context_length": 6}))
    gone = body["data"].pop()["id"]
    run_id, result, load = snapshot(con, "openrouter", OPENROUTER_URL, json.dumps(body).encode(), day(1),
                                    "application/json", removal_runs=1)
    assert result.status == "partial"
    (reasons,) = con.execute("SELECT reasons FROM source_runs WHERE run_id = ?", [run_id]).fetchone()
    assert reasons == ["field context_window unstated on 6 card(s) that stated it before (last stated value "
                       "kept; see `modeltrail changes`): template drift?"]
    assert dict(con.execute("SELECT source_model_id, context_window FROM model_cards").fetchall()) == before
    # a partial run closes nothing: the card missing from it is not removed
    assert con.execute("SELECT count(*) FROM removals").fetchone() == (0,)
    assert gone in before


def test_a_stated_null_is_a_real_change(con):
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    snapshot(con, "openrouter", OPENROUTER_URL, openrouter_page(), when, "application/json")
    run_id, result, _ = snapshot(con, "openrouter", OPENROUTER_URL, openrouter_page(null="knowledge_cutoff"),
                                 day(1), "application/json")
    stated = con.execute("SELECT count(*) FROM model_cards_history WHERE source = 'openrouter' "
                         "AND training_cutoff IS NOT NULL AND valid_to IS NULL").fetchone()
    assert result.status == "complete" and stated == (0,)
    assert con.execute("SELECT count(*) FROM unstated").fetchone() == (0,)
    assert con.execute("SELECT count(*) > 0 FROM changes WHERE field = 'training_cutoff' AND new_value IS NULL "
                       "AND change_type = 'changed'").fetchone() == (True,)
