"""Identity in use: what remap stores (model, version, how), `alias add`'s refusals and report, `alias
remove`, `identity suggest` and the `models` view, on a warehouse loaded from a real day of OpenRouter's list."""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner

from modeltrail.cli import main
import gzip

from tests.conftest import OPENROUTER_DAYS, parse_cards

#: the last real day of OpenRouter's list in ../shared (350 models)
DAY = OPENROUTER_DAYS / "2026-03-31.json.gz"


def mt(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def cards():
    return parse_cards("openrouter", gzip.decompress(DAY.read_bytes()), url="https://openrouter.ai/api/v1/models",
                       fetched_at="2026-01-01T00:00:00+00:00")


@pytest.fixture
def db(cards, tmp_path):
    path = tmp_path / "w.duckdb"
    r = mt("load", "-", "--observed-at", "2026-01-01T00:00:00Z", "--db", str(path), input=cards)
    assert r.exit_code == 0, r.output
    return path


def rows(db, query):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def test_remap_keeps_model_version_and_how_each_id_was_resolved(db):
    got = dict(((s, i), (m, v, how, variant)) for s, i, m, v, how, variant in rows(
        db, "SELECT source, source_model_id, model_id, version, resolved_by, variant FROM model_identity"))
    ids = {i for _, i in got}
    for smid in ids:
        model_id, version, how, _ = got[("openrouter", smid)]
        assert how and (model_id is None) == how.startswith("unmatched"), (smid, how)
    if "openai/gpt-4o-2024-08-06" in ids:
        assert got[("openrouter", "openai/gpt-4o-2024-08-06")][:2] == ("openai/gpt-4o", "2024-08-06")
    free = [i for i in ids if i.endswith(":free")]
    assert free, "the capture lists :free offerings"
    for smid in free:
        assert got[("openrouter", smid)][3] == "free"
        base = got.get(("openrouter", smid[:-5]))
        if base is not None and base[0] is not None:
            assert got[("openrouter", smid)][0] == base[0]  # the free offering is the same model
    mapped = sum(1 for m, *_ in got.values() if m)
    assert mapped / len(got) > 0.9  # most of OpenRouter's catalog now maps


def test_alias_add_refuses_an_unknown_model_or_an_unseen_name_unless_forced(db):
    r = mt("alias", "add", "gpt-4o", "openai/gpt-4oo", "--db", str(db))
    assert r.exit_code == 2 and "no model openai/gpt-4oo" in r.output and "--force" in r.output
    r = mt("alias", "add", "never-seen-anywhere", "openai/gpt-4o", "--db", str(db))
    assert r.exit_code == 2 and "no source has shown 'never-seen-anywhere'" in r.output
    assert rows(db, "SELECT count(*) FROM model_aliases WHERE origin = 'user'") == [(0,)]
    r = mt("alias", "add", "never-seen-anywhere", "openai/gpt-4o", "--force", "--db", str(db))
    assert r.exit_code == 0, r.output


def test_alias_add_says_what_it_replaces_and_what_it_remaps_and_remove_takes_it_back(db):
    (smid, before), = rows(db, "SELECT source_model_id, model_id FROM model_identity "
                               "WHERE source_model_id = 'openai/gpt-4o-mini'")
    assert before == "openai/gpt-4o-mini"
    r = mt("alias", "add", "gpt-4o-mini", "openai/gpt-4o", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "alias 'gpt-4o-mini' was openai/gpt-4o-mini (bundled): replaced" in r.output
    assert "openrouter:openai/gpt-4o-mini: openai/gpt-4o-mini -> openai/gpt-4o" in r.output
    assert rows(db, "SELECT model_id, resolved_by FROM model_identity WHERE source_model_id = 'openai/gpt-4o-mini'") \
        == [("openai/gpt-4o", "user alias")]
    r = mt("alias", "remove", "gpt-4o-mini", "--db", str(db))
    assert r.exit_code == 0, r.output
    # the rules map it again (the bundled alias it replaced is gone with it)
    assert rows(db, "SELECT model_id FROM model_identity WHERE source_model_id = 'openai/gpt-4o-mini'") \
        == [("openai/gpt-4o-mini",)]
    assert mt("alias", "remove", "gpt-4o-mini", "--db", str(db)).exit_code == 2


def test_identity_suggest_proposes_with_evidence_and_accept_adds_the_aliases(db):
    # an id no rule reads (an unknown org in front of a known product) gets the product as a proposal
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE model_identity SET model_id = NULL, resolved_by = 'unmatched: test' "
                    "WHERE source_model_id = 'openai/gpt-4o-mini'")
    r = mt("identity", "suggest", "--format", "json", "--db", str(db))
    assert r.exit_code == 0, r.output
    props = [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    mine = [p for p in props if p["source_model_id"] == "openai/gpt-4o-mini"]
    assert mine and mine[0]["model_id"] == "openai/gpt-4o-mini" and "same product key" in mine[0]["evidence"]
    # `unmatched` shows the best proposal beside the id, and why the rules left each unmatched
    r = mt("unmatched", "--format", "json", "--db", str(db))
    row = [json.loads(line) for line in r.output.splitlines() if '"openai/gpt-4o-mini"' in line]
    assert row and row[0]["suggestion"].startswith("openai/gpt-4o-mini (same product key")
    assert row[0]["why"] == "test"
    router = [json.loads(line) for line in r.output.splitlines() if '"openrouter/auto"' in line]
    assert router and router[0]["why"] == "a router: not matched"
    # --accept adds them as user aliases and maps the id
    r = mt("identity", "suggest", "--accept", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert rows(db, "SELECT model_id, resolved_by FROM model_identity WHERE source_model_id = 'openai/gpt-4o-mini'") \
        == [("openai/gpt-4o-mini", "user alias")]


def test_models_view_has_one_row_per_model_with_the_cheapest_offering(db):
    got = rows(db, "SELECT model_id, offering_count, cheapest_input, cheapest_input_at FROM models "
                   "WHERE model_id = 'openai/gpt-4o'")
    assert len(got) == 1
    model_id, count, cheapest, at = got[0]
    assert count >= 2  # openai/gpt-4o and its dated snapshots are offerings of one model
    (low,), = rows(db, "SELECT min(usd_per_million_tokens) FROM prices WHERE model_id = 'openai/gpt-4o' "
                       "AND kind = 'input' AND tier IS NULL AND NOT variable AND usd_per_million_tokens > 0")
    assert cheapest == low and at.startswith("openrouter:")
    r = mt("models", "--format", "csv", "--db", str(db))
    assert r.exit_code == 0 and r.output.splitlines()[0].startswith("vendor,model_id,offering_count")


def test_models_are_found_by_a_part_of_their_id_and_by_vendor(db):
    every = {m: v for v, m in rows(db, "SELECT vendor, model_id FROM models")}

    def listed(*args):
        r = mt("models", *args, "--format", "json", "--db", str(db))
        assert r.exit_code == 0, r.output
        return [json.loads(line)["model_id"] for line in r.output.splitlines()]

    sonnets = listed("SONNET")
    assert sonnets == sorted(m for m in every if "sonnet" in m) and "anthropic/claude-sonnet-4.5" in sonnets
    assert listed("--vendor", "Anthropic") == sorted(m for m, v in every.items() if v == "anthropic")
    assert listed("gpt", "--vendor", "openai") == sorted(m for m, v in every.items() if v == "openai" and "gpt" in m)
    assert listed("no-such-model-anywhere") == []  # (an empty answer, not an error: a script's search)
    r = mt("models", "--vendor", "antropic", "--db", str(db))
    assert r.exit_code == 2 and "no model of vendor 'antropic' here; did you mean anthropic?" in r.output



def test_a_users_alias_to_a_model_older_rules_spelled_is_said_with_the_command_that_follows_it(db):
    """Rules 5 spell Claude 3.5 Sonnet `anthropic/claude-3.5-sonnet`; an alias a user added under older
    rules still names `anthropic/claude-3-5-sonnet`, and its ids sat apart from the model's others,
    silently. `alias add` now refuses such a target (unless --force), and `alias list` and `remap` say
    which aliases point at an old spelling and the command that follows the model."""
    r = mt("alias", "add", "anthropic/claude-3.5-haiku", "anthropic/claude-3-5-sonnet", "--db", str(db))
    assert r.exit_code == 2, r.output
    # (no model of that spelling: the first refusal, as before)
    assert "no model anthropic/claude-3-5-sonnet" in r.output
    r = mt("alias", "add", "anthropic/claude-3.5-haiku", "anthropic/claude-3-5-sonnet", "--force", "--db", str(db))
    assert r.exit_code == 0, r.output  # (as a user's alias of rules 4 is in a warehouse today)
    r = mt("alias", "add", "anthropic/claude-3-haiku", "anthropic/claude-3-5-sonnet", "--db", str(db))
    assert r.exit_code == 2 and ("anthropic/claude-3-5-sonnet is spelled anthropic/claude-3.5-sonnet by "
                                 "today's rules") in r.output and "--force" in r.output
    listed = [json.loads(line) for line in mt("alias", "list", "--format", "json", "--db", str(db)).output.splitlines()]
    users = [a for a in listed if a["origin"] == "user"]
    assert users == [{"alias": "claude-3.5-haiku", "model_id": "anthropic/claude-3-5-sonnet", "origin": "user",
                      "note": "the rules now call this model anthropic/claude-3.5-sonnet: `modeltrail alias add "
                              "claude-3.5-haiku anthropic/claude-3.5-sonnet` follows it"}]
    assert all(a["note"] is None for a in listed if a["origin"] != "user")
    r = mt("remap", "--db", str(db))
    assert r.exit_code == 0 and ("alias 'claude-3.5-haiku': the rules now call this model "
                                 "anthropic/claude-3.5-sonnet") in r.output
    r = mt("alias", "add", "claude-3.5-haiku", "anthropic/claude-3.5-sonnet", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert rows(db, "SELECT model_id FROM model_identity WHERE source_model_id = 'anthropic/claude-3.5-haiku'") \
        == [("anthropic/claude-3.5-sonnet",)]
    assert "rules now call" not in mt("remap", "--db", str(db)).output
    # a dated target is a snapshot made a model on purpose: never said to be an old spelling
    r = mt("alias", "add", "anthropic/claude-3-haiku", "anthropic/claude-3.5-sonnet-2024-10-22", "--force",
           "--db", str(db))
    assert r.exit_code == 0 and "rules now call" not in mt("remap", "--db", str(db)).output


def test_compare_one_field_or_one_source(db):
    """`compare MODEL --field price.input`: where a model is offered and at what price, a row; `--source`
    keeps one source's offerings; what the model has none of is said with its fields and sources."""
    r = mt("compare", "openai/gpt-4o", "--field", "price.input", "--format", "json", "--db", str(db))
    assert r.exit_code == 0, r.output
    (row,) = [json.loads(line) for line in r.output.splitlines()]
    offers = [k for k in row if k not in ("field", "conflict")]
    assert row["field"] == "price.input" and len(offers) >= 2 and all(k.startswith("openrouter:") for k in offers)
    whole = {json.loads(line)["field"]: json.loads(line) for line in mt(
        "compare", "openai/gpt-4o", "--format", "json", "--db", str(db)).output.splitlines()}
    assert row == whole["price.input"]  # the same values as in the whole table
    r = mt("compare", "openai/gpt-4o", "--source", "openrouter", "--format", "json", "--db", str(db))
    assert {json.loads(line)["field"] for line in r.output.splitlines()} == set(whole)
    r = mt("compare", "openai/gpt-4o", "--source", "litellm", "--db", str(db))
    assert r.exit_code == 2 and "'openai/gpt-4o' has no current value from 'litellm'" in r.output \
        and "its sources: openrouter" in r.output
    r = mt("compare", "openai/gpt-4o", "--field", "price.inptu", "--db", str(db))
    assert r.exit_code == 2 and "its fields: " in r.output and "price.input" in r.output
