"""A catalog's facts about the providers themselves (models.dev: name, API base, docs link, env variables,
npm package) kept once per provider as sourced SCD2 history (warehouse/providers.sql, table
providers_history, view `providers`), not on every card. Built from the real capture
(captures/models.dev/api.json); a later snapshot is the same file with one provider's facts edited or a
provider taken out. Expectations are read off the JSON."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

from modeltrail.flows import reparse, snapshot, steps
from modeltrail.pipelines.handover import PageRecord
from modeltrail.warehouse import db
from tests.conftest import CAPTURES

URL = "https://models.dev/api.json"
CAPTURE = CAPTURES / "models.dev" / "api.json"
T0 = datetime(2025, 11, 19, 2, 52, 53, tzinfo=timezone.utc)
FACTS = ("name", "api", "doc", "env", "npm")


def at(n: int) -> datetime:
    return T0 + timedelta(days=n)


@pytest.fixture(scope="module")
def capture() -> dict:
    return json.loads(CAPTURE.read_bytes())


def expected(data: dict) -> dict[str, tuple]:
    """{provider id: (name, api, doc, env, npm)} as the JSON states them (absent: None; env: [])."""
    return {pid: (p.get("name"), p.get("api"), p.get("doc"), p.get("env", []), p.get("npm")) for pid, p in data.items()}


def edited(data: dict, change=None, drop=None) -> bytes:
    data = json.loads(json.dumps(data))
    for pid, facts in (change or {}).items():
        data[pid].update(facts)
    for pid in drop or ():
        del data[pid]
    return json.dumps(data, indent=2).encode()


def page(body: bytes, when: datetime) -> PageRecord:
    return PageRecord(url=URL, fetched_at=when, status=200, page_kind="card", content_type="application/json",
                      sha256=hashlib.sha256(body).hexdigest(), body=body)


def refresh(con, body: bytes, when: datetime, status: str | None = None) -> int:
    """One run of the modelsdev source reading `body` (parsed and judged as a crawl's page; `status`
    overrides the verdict). Returns the run id."""
    load = steps.build_load("modelsdev", steps.ArchivedPages("modelsdev", [page(body, when)]),
                            steps.last_complete_run(con, "modelsdev"))
    assert load.status == "complete", load.reasons
    load.status = status or load.status
    run_id, _ = snapshot.record(con, load, when, "replay", None)
    db.remap(con)
    return run_id


def current(con) -> dict[str, tuple]:
    return {r[0]: tuple(r[1:]) for r in con.execute(
        "SELECT provider, name, api, doc, env, npm FROM providers WHERE source = 'modelsdev'").fetchall()}


def versions(con, provider: str) -> list[tuple]:
    return con.execute("SELECT api, valid_from, valid_to, run_id FROM providers_history "
                       "WHERE provider = $p ORDER BY valid_from", {"p": provider}).fetchall()


def table(con) -> list[tuple]:
    return con.execute("SELECT * FROM providers_history ORDER BY ALL").fetchall()


def test_a_load_stores_every_provider_with_its_page(con, capture):
    body = CAPTURE.read_bytes()
    run = refresh(con, body, T0)
    assert len(capture) == 59 and current(con) == expected(capture)
    # "openrouter": {"api": "https://openrouter.ai/api/v1", "doc": "https://openrouter.ai/models",
    #                "env": ["OPENROUTER_API_KEY"], "id": "openrouter", "models": {…}, "name": "OpenRouter",
    #                "npm": "@ai-sdk/openai-compatible"}
    assert current(con)["openrouter"] == ("OpenRouter", "https://openrouter.ai/api/v1", "https://openrouter.ai/models",
                                          ["OPENROUTER_API_KEY"], "@ai-sdk/openai-compatible")
    provenance = set(con.execute("SELECT url, fetched_at, page_sha256, run_id, valid_from, valid_to "
                                 "FROM providers_history").fetchall())
    assert provenance == {(URL, T0, hashlib.sha256(body).hexdigest(), run, T0, None)}
    # the page they came from is the cards' page, and the run's fetch
    assert con.execute("SELECT DISTINCT page_sha256 FROM model_cards WHERE source = 'modelsdev'").fetchall() == \
        [(hashlib.sha256(body).hexdigest(),)]
    # the same page again: no version moves
    before = table(con)
    refresh(con, body, at(1))
    assert table(con) == before


def test_a_changed_fact_opens_a_version_and_closes_the_old_one(con, capture):
    first = refresh(con, CAPTURE.read_bytes(), T0)
    moved = "https://openrouter.ai/api/v2"
    second = refresh(con, edited(capture, change={"openrouter": {"api": moved}}), at(1))
    assert versions(con, "openrouter") == [("https://openrouter.ai/api/v1", T0, at(1), first),
                                           (moved, at(1), None, second)]
    # nothing else moved; what a provider stated at each instant is there to read back
    assert con.execute("SELECT count(*) FROM providers_history").fetchone() == (len(capture) + 1,)
    assert con.execute("SELECT api FROM providers_as_of($t) WHERE provider = 'openrouter'",
                       {"t": at(0) + timedelta(hours=1)}).fetchall() == [("https://openrouter.ai/api/v1",)]
    assert current(con) == {**expected(capture), "openrouter": (*expected(capture)["openrouter"][:1], moved,
                                                               *expected(capture)["openrouter"][2:])}


def test_a_provider_gone_from_a_complete_run_is_closed_from_a_partial_run_kept(con, capture):
    refresh(con, CAPTURE.read_bytes(), T0)
    without = edited(capture, drop=["xai"])
    refresh(con, without, at(1), status="partial")
    assert "xai" in current(con) and len(versions(con, "xai")) == 1
    refresh(con, without, at(2))
    assert "xai" not in current(con)
    assert [(f, t) for _, f, t, _ in versions(con, "xai")] == [(T0, at(2))]
    assert current(con) == {k: v for k, v in expected(capture).items() if k != "xai"}
    # back in a later snapshot: a new version opens
    refresh(con, CAPTURE.read_bytes(), at(3))
    assert [(f, t) for _, f, t, _ in versions(con, "xai")] == [(T0, at(2)), (at(3), None)]


def test_cards_without_pages_close_no_provider(con, capture):
    """A run whose pages state no provider (cards loaded from a file) says nothing of them."""
    refresh(con, CAPTURE.read_bytes(), T0)
    before = table(con)
    run = db.start_run(con, "load", at(1))
    db.load_source(con, run, at(1), db.SourceLoad("modelsdev", "complete", cards=[]))
    assert table(con) == before


def test_undo_takes_back_what_a_run_did_to_the_providers(con, capture):
    refresh(con, CAPTURE.read_bytes(), T0)
    after_first = table(con)
    second = refresh(con, edited(capture, change={"openrouter": {"api": "https://openrouter.ai/api/v2",
                                                                 "env": ["OPENROUTER_KEY"]}}, drop=["xai"]), at(1))
    assert table(con) != after_first
    db.undo_run(con, second)
    assert table(con) == after_first


def test_reparse_rebuilds_the_same_history_and_since_keeps_what_came_before(con, capture):
    refresh(con, CAPTURE.read_bytes(), T0)
    refresh(con, edited(capture, change={"perplexity": {"doc": "https://docs.perplexity.ai/models"}},
                        drop=["xai"]), at(1))
    before = table(con)
    assert len(before) == len(capture) + 1
    counts = reparse.reparse(con, "modelsdev")
    assert counts["rows_changed"] == 0 and table(con) == before
    counts = reparse.reparse(con, "modelsdev", since=at(1))
    assert counts["rows_changed"] == 0 and table(con) == before
