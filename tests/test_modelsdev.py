"""models.dev's api.json: the parser against verbatim excerpts of real snapshots (tests/fixtures/modelsdev/),
against every snapshot of the bundled archive (../shared/data/git-archives/modelsdev-history.bundle), and
one replayed crawl. Expectations are read off the JSON, not off the parser's output."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from modeltrail.pipelines.parsers import modelsdev
from modeltrail.pipelines.sources import get
from tests.conftest import CAPTURES, SHARED, REPO
from tests.test_cli import mt

URL = "https://models.dev/api.json"
NOW = datetime(2025, 11, 19, 2, 52, 53, tzinfo=timezone.utc)
FIXTURES = REPO / "tests" / "fixtures" / "modelsdev"
BUNDLE = SHARED / "data" / "git-archives" / "modelsdev-history.bundle"


def page(case: str) -> bytes:
    return (FIXTURES / case / "page.json").read_bytes()


def cards_of(data: bytes | str):
    parsed = modelsdev.parse(data, URL, NOW)
    return {c.source_model_id: c for c in parsed.cards}, parsed


def prices(card) -> dict[tuple[str, str | None], float]:
    return {(p.kind, p.tier): p.usd_per_million_tokens for p in card.prices}


@pytest.fixture(scope="module")
def newest():
    return cards_of(page("catalog-2025-11-18"))


@pytest.fixture(scope="module")
def oldest():
    return cards_of(page("minified-2025-11-07"))


# --- one card per provider x model -------------------------------------------------------------------

def test_one_card_per_provider_and_model_with_ids_kept_whole(newest):
    cards, _ = newest
    assert set(cards) == {
        "alibaba-cn/qwen-omni-turbo", "groq/mistral-saba-24b", "openrouter/anthropic/claude-sonnet-4.5",
        "google/gemini-2.5-flash", "google/gemini-3-pro-preview", "opencode/alpha-doubao-seed-code",
        "anthropic/claude-haiku-4-5", "anthropic/claude-sonnet-4-5",
        "fireworks-ai/accounts/fireworks/models/glm-4p5",
        "cloudflare-workers-ai/whisper-large-v3-turbo", "cloudflare-workers-ai/melotts"}
    fw = cards["fireworks-ai/accounts/fireworks/models/glm-4p5"]
    assert (fw.provider, fw.name) == ("fireworks-ai", "GLM 4.5")
    assert all(c.provider == sid.split("/", 1)[0] for sid, c in cards.items())
    assert all(c.source == "modelsdev" and c.url == URL and c.parser_version == "modelsdev/1" for c in cards.values())


def test_organization_only_where_the_data_implies_it(newest, oldest):
    cards, _ = newest
    # the provider serves its own models
    assert cards["anthropic/claude-sonnet-4-5"].organization == "anthropic"
    assert cards["google/gemini-3-pro-preview"].organization == "google"
    # a gateway's "<vendor>/<model>" id
    assert cards["openrouter/anthropic/claude-sonnet-4.5"].organization == "anthropic"
    # resellers, and a path that is no vendor ("accounts/fireworks/models/…"): not guessed
    for sid in ("fireworks-ai/accounts/fireworks/models/glm-4p5", "alibaba-cn/qwen-omni-turbo",
                "groq/mistral-saba-24b", "opencode/alpha-doubao-seed-code", "cloudflare-workers-ai/melotts"):
        assert cards[sid].organization is None, sid
    # a Hugging Face repository owner ("hf:Qwen/…") is no stated vendor either
    assert oldest[0]["synthetic/hf:Qwen/Qwen3-235B-A22B-Instruct-2507"].organization is None


# --- prices ------------------------------------------------------------------------------------------

def test_prices_per_million_with_the_over_200k_tier(newest):
    cards, _ = newest
    # "cost": {"cache_read": 0.3, "cache_write": 3.75, "context_over_200k": {"cache_read": 0.6,
    #          "cache_write": 7.5, "input": 6, "output": 22.5}, "input": 3, "output": 15}
    assert prices(cards["openrouter/anthropic/claude-sonnet-4.5"]) == {
        ("input", None): 3, ("output", None): 15, ("cache_read", None): 0.3, ("cache_write", None): 3.75,
        ("input", "above_200k_tokens"): 6, ("output", "above_200k_tokens"): 22.5,
        ("cache_read", "above_200k_tokens"): 0.6, ("cache_write", "above_200k_tokens"): 7.5}
    # Gemini 3 Pro: "context_over_200k": {"cache_read": 0.4, "input": 4, "output": 18}
    assert prices(cards["google/gemini-3-pro-preview"]) == {
        ("input", None): 2, ("output", None): 12, ("cache_read", None): 0.2,
        ("input", "above_200k_tokens"): 4, ("output", "above_200k_tokens"): 18,
        ("cache_read", "above_200k_tokens"): 0.4}
    assert all(p.unit == "1M tokens" for c in cards.values() for p in c.prices)


def test_audio_prices(newest):
    cards, _ = newest
    # "cost": {"input": 0.058, "input_audio": 3.584, "output": 0.23, "output_audio": 7.168}
    assert prices(cards["alibaba-cn/qwen-omni-turbo"]) == {
        ("input", None): 0.058, ("output", None): 0.23, ("audio_input", None): 3.584, ("audio_output", None): 7.168}
    # "input_audio": 1 (Gemini 2.5 Flash)
    assert prices(cards["google/gemini-2.5-flash"])[("audio_input", None)] == 1


def test_prices_are_read_exactly(newest, oldest):
    cards, _ = newest
    # "input": 5.1e-4 and "cache_read": 0.075 as written: exactly the decimal, no float drift
    whisper = prices(cards["cloudflare-workers-ai/whisper-large-v3-turbo"])
    assert whisper == {("input", None): 0.00051, ("output", None): 0.00051}
    assert repr(whisper[("input", None)]) == "0.00051"
    assert repr(prices(cards["google/gemini-2.5-flash"])[("cache_read", None)]) == "0.075"
    # the minified file's "input":0.0000025, and 0 (free) stays a stated price of 0
    assert prices(oldest[0]["cloudflare-workers-ai/resnet-50"]) == {("input", None): 0.0000025, ("output", None): 0}
    assert prices(cards["opencode/alpha-doubao-seed-code"]) == {
        ("input", None): 0, ("output", None): 0, ("cache_read", None): 0}


def test_no_cost_object_no_prices(oldest):
    cards, parsed = oldest
    # github-copilot's models of 2025-11-07 carry no "cost" at all
    assert cards["github-copilot/o3-mini"].prices == []
    assert cards["cloudflare-workers-ai/llama-3.1-8b-instruct-fast"].prices == []
    assert "prices" not in cards["github-copilot/o3-mini"].stated_empty
    assert parsed.problems == []


# --- limits, modalities, capabilities ----------------------------------------------------------------

def test_limits(newest):
    cards, parsed = newest
    assert (cards["openrouter/anthropic/claude-sonnet-4.5"].context_window,
            cards["openrouter/anthropic/claude-sonnet-4.5"].max_output_tokens) == (1_000_000, 64_000)
    assert (cards["alibaba-cn/qwen-omni-turbo"].context_window,
            cards["alibaba-cn/qwen-omni-turbo"].max_output_tokens) == (32_768, 2_048)
    # "limit": {"context": 0, "output": 0}: not stated, not an error, not 0, not "stated empty"
    for sid in ("cloudflare-workers-ai/melotts", "cloudflare-workers-ai/whisper-large-v3-turbo"):
        card = cards[sid]
        assert card.context_window is None and card.max_output_tokens is None
        assert not {"context_window", "max_output_tokens"} & set(card.stated_empty)
    assert "limit.context 0 on 2 cards (not stated: no context_window)" in parsed.notes
    assert "limit.output 0 on 2 cards (not stated: no max_output_tokens)" in parsed.notes


def test_input_limit_leaves_context_window_to_context():
    data = json.loads(page("catalog-2025-11-18"))
    data["anthropic"]["models"]["claude-sonnet-4-5"]["limit"]["input"] = 180000
    cards, parsed = cards_of(json.dumps(data))
    assert cards["anthropic/claude-sonnet-4-5"].context_window == 200_000
    assert any(n.startswith("limit.input on 1 card") for n in parsed.notes)


def test_modalities(newest):
    cards, _ = newest
    # ["text", "image", "audio", "video", "pdf"]: pdf is a file
    assert cards["google/gemini-2.5-flash"].input_modalities == ["audio", "file", "image", "text", "video"]
    assert cards["alibaba-cn/qwen-omni-turbo"].output_modalities == ["audio", "text"]
    assert cards["cloudflare-workers-ai/melotts"].output_modalities == ["audio"]


def test_capability_flags(newest, oldest):
    cards, _ = newest
    # reasoning, tool_call and structured_output true (Gemini 2.5 Flash)
    assert cards["google/gemini-2.5-flash"].capabilities == ["function_calling", "reasoning", "structured_outputs"]
    # reasoning false, tool_call true
    assert cards["groq/mistral-saba-24b"].capabilities == ["function_calling"]
    # every flag false: the catalog states none (temperature, attachment are no capabilities)
    melotts = cards["cloudflare-workers-ai/melotts"]
    assert melotts.capabilities == [] and "capabilities" in melotts.stated_empty
    # o3-mini on GitHub Copilot: "reasoning":true, "tool_call":false
    assert oldest[0]["github-copilot/o3-mini"].capabilities == ["reasoning"]


# --- dates, lifecycle, open weights ------------------------------------------------------------------

def test_dates_keep_their_precision(newest):
    cards, _ = newest
    flash = cards["google/gemini-2.5-flash"]
    # "knowledge": "2025-01", "release_date": "2025-03-20", "last_updated": "2025-06-05"
    assert (flash.training_cutoff, flash.release_date, flash.last_updated) == ("2025-01", "2025-03-20", "2025-06-05")
    assert cards["anthropic/claude-sonnet-4-5"].training_cutoff == "2025-07-31"
    assert cards["cloudflare-workers-ai/melotts"].training_cutoff is None  # no "knowledge" key


def test_a_date_that_is_no_date_is_a_problem_naming_entry_and_field(newest):
    cards, parsed = newest
    # claude-haiku-4-5: "knowledge": "2025-02-31" (real, in every bundled snapshot)
    (problem,) = parsed.problems
    assert problem.field == "anthropic/claude-haiku-4-5: training_cutoff"
    assert "2025-02-31" in str(problem)
    haiku = cards["anthropic/claude-haiku-4-5"]
    assert haiku.training_cutoff is None
    assert (haiku.release_date, haiku.context_window, prices(haiku)[("input", None)]) == ("2025-10-15", 200_000, 1)


def test_status_through_the_table(newest):
    cards, _ = newest
    assert cards["groq/mistral-saba-24b"].status == "deprecated"     # "status": "deprecated"
    assert cards["opencode/alpha-doubao-seed-code"].status == "preview"  # "status": "alpha"
    plain = cards["anthropic/claude-sonnet-4-5"]                     # no "status" key: normal service
    assert plain.status is None and "status" in plain.stated_empty


def test_unknown_status_word_is_noted_not_guessed():
    data = json.loads(page("catalog-2025-11-18"))
    data["groq"]["models"]["mistral-saba-24b"]["status"] = "sunsetting"
    cards, parsed = cards_of(json.dumps(data))
    assert cards["groq/mistral-saba-24b"].status is None
    assert "status words not known (no status stored): 'sunsetting' (1 card)" in parsed.notes
    assert parsed.problems and all("sunsetting" not in str(p) for p in parsed.problems)


def test_open_weights(newest):
    cards, _ = newest
    assert cards["fireworks-ai/accounts/fireworks/models/glm-4p5"].open_weights is True
    assert cards["anthropic/claude-sonnet-4-5"].open_weights is False


# --- provider facts stay off the cards ----------------------------------------------------------------

def test_provider_facts_are_not_on_cards_but_in_the_provider_records(newest):
    cards, parsed = newest
    dumped = json.dumps([c.model_dump(mode="json") for c in cards.values()])
    for fact in ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "@ai-sdk/openai-compatible",
                 "https://docs.anthropic.com/en/docs/about-claude/models", "Fireworks AI", "@ai-sdk/openai"):
        assert fact not in dumped, fact
    table = {p.provider: p for p in parsed.providers}
    assert table["openrouter"].model_dump(exclude={"fetched_at", "page_sha256"}) == {
        "source": "modelsdev", "provider": "openrouter", "name": "OpenRouter", "api": "https://openrouter.ai/api/v1",
        "doc": "https://openrouter.ai/models", "env": ["OPENROUTER_API_KEY"], "npm": "@ai-sdk/openai-compatible",
        "url": URL}
    assert sum(c.provider == "openrouter" for c in cards.values()) == 1
    assert table["google"].api is None and table["google"].env == ["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"]


def test_every_provider_of_the_capture_is_emitted_with_its_facts_and_page():
    body = (CAPTURES / "models.dev" / "api.json").read_bytes()
    data = json.loads(body)  # the test's own reading of the JSON
    parsed = modelsdev.parse(body, URL, NOW)
    assert [p.provider for p in parsed.providers] == list(data)  # every provider, in page order
    for p in parsed.providers:
        stated = data[p.provider]
        assert (p.name, p.api, p.doc, p.env, p.npm) == (stated.get("name"), stated.get("api"), stated.get("doc"),
                                                        stated.get("env", []), stated.get("npm")), p.provider
        assert (p.source, p.url, p.fetched_at, p.page_sha256) == ("modelsdev", URL, NOW,
                                                                  hashlib.sha256(body).hexdigest())
    # a provider without an API base of its own (the AI SDK package knows it): none stated, none stored
    assert {p.provider for p in parsed.providers if p.api is None} == {k for k, v in data.items() if "api" not in v}
    assert parsed.providers[[p.provider for p in parsed.providers].index("anthropic")].api is None


def test_a_provider_fact_the_record_refuses_is_named_and_the_rest_kept():
    body = b'{"acme": {"name": "Acme\\u0007 AI", "api": "' + b"x" * 5000 + b'", "env": ["ACME_KEY"], ' \
           b'"models": {"m": {"name": "M"}}}}'
    parsed = modelsdev.parse(body, URL, NOW)
    (acme,) = parsed.providers
    assert (acme.name, acme.api, acme.env) == ("Acme AI", None, ["ACME_KEY"])  # (a control character dropped)
    assert [p.field for p in parsed.problems] == ["acme: api"] and "at most 4096" in str(parsed.problems[0])
    assert [c.source_model_id for c in parsed.cards] == ["acme/m"]


# --- drift and damage --------------------------------------------------------------------------------

def test_unknown_keys_are_noted_never_fatal():
    data = json.loads(page("catalog-2025-11-18"))
    data["anthropic"]["models"]["claude-sonnet-4-5"]["family"] = "claude-sonnet"
    data["anthropic"]["models"]["claude-sonnet-4-5"]["cost"]["batch_input"] = 1.5
    data["groq"]["models"]["mistral-saba-24b"]["family"] = "mistral"
    data["groq"]["logo"] = "groq.svg"
    cards, parsed = cards_of(json.dumps(data))
    assert len(cards) == 11 and prices(cards["anthropic/claude-sonnet-4-5"])[("input", None)] == 3
    assert parsed.notes[0] == ("upstream keys not read: model.cost.batch_input (1 card), model.family (2 cards), "
                               "provider.logo (1 card)")


def test_a_bad_field_names_entry_and_field_and_the_rest_survives():
    data = json.loads(page("catalog-2025-11-18"))
    model = data["anthropic"]["models"]["claude-sonnet-4-5"]
    model["cost"]["input"] = "3"          # a string, not a JSON number
    model["limit"]["context"] = -1        # no limit is negative
    model["reasoning"] = "yes"            # not a boolean
    cards, parsed = cards_of(json.dumps(data))
    fields = {p.field for p in parsed.problems}
    assert {"anthropic/claude-sonnet-4-5: cost.input", "anthropic/claude-sonnet-4-5: context_window",
            "anthropic/claude-sonnet-4-5: reasoning"} <= fields
    card = cards["anthropic/claude-sonnet-4-5"]
    assert ("input", None) not in prices(card) and prices(card)[("output", None)] == 15
    assert card.context_window is None and card.max_output_tokens == 64_000
    assert card.capabilities == ["function_calling"]
    assert len(cards) == 11


def test_an_entry_without_name_is_left_out_and_named():
    data = json.loads(page("catalog-2025-11-18"))
    del data["groq"]["models"]["mistral-saba-24b"]["name"]
    cards, parsed = cards_of(json.dumps(data))
    assert "groq/mistral-saba-24b" not in cards and len(cards) == 10
    assert any(p.field == "groq/mistral-saba-24b: name" for p in parsed.problems)


def test_not_the_catalog():
    for body in (b"<html>blocked</html>", b"[]", b"{}", b'{"data": []}', b'{"a": {"models": []}}'):
        parsed = modelsdev.parse(body, URL, NOW)
        assert parsed.cards == [] and len(parsed.problems) >= 1, body
        assert all(p.field.startswith(("page", "a")) for p in parsed.problems)


def test_a_key_given_twice_is_a_problem():
    body = b'{"groq": {"id": "groq", "models": {"m": {"name": "A"}, "m": {"name": "B"}}}}'
    cards, parsed = cards_of(body)
    assert cards["groq/m"].name == "B"
    assert any("'m' is given twice" in str(p) for p in parsed.problems)


# --- registration, replay -----------------------------------------------------------------------------

def test_registered_with_its_spider():
    src = get("modelsdev")
    assert src.parser is modelsdev and src.fetch == "plain"
    assert src.spider_class().start_urls == [URL]
    assert (CAPTURES / "models.dev" / "api.json").is_file()


@pytest.mark.slow
def test_replay_crawl_completes(tmp_path):
    db = tmp_path / "w.duckdb"
    out = mt("refresh", "--replay", "modelsdev", "--db", str(db), "--observed-at", "2025-11-19T02:52:53Z").stdout
    assert "modelsdev: complete, 1143 cards" in out
    rows = mt("sql", "SELECT kind, tier, usd_per_million_tokens FROM prices WHERE source = 'modelsdev' "
                     "AND source_model_id = 'openrouter/anthropic/claude-sonnet-4.5' AND kind IN ('input', 'output') "
                     "ORDER BY kind, tier NULLS FIRST", "--format", "csv", "--db", str(db)).stdout.splitlines()
    assert rows[1:] == ["input,,3", "input,above_200k_tokens,6", "output,,15", "output,above_200k_tokens,22.5"]


# --- every snapshot of the bundled archive ------------------------------------------------------------

@pytest.fixture(scope="session")
def clone(tmp_path_factory) -> Path:
    """A clone of the bundle."""
    if not BUNDLE.is_file() or not shutil.which("git"):
        pytest.skip(f"no {BUNDLE} (or no git)")
    repo = tmp_path_factory.mktemp("modelsdev-history") / "repo"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(repo)], check=True, timeout=120)
    return repo


@pytest.fixture(scope="session")
def archive(clone) -> list[tuple[str, bytes]]:
    """(commit, api.json) for every commit of the bundle, oldest first."""
    repo = clone
    commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--reverse", "HEAD", "--", "api.json"],
                             capture_output=True, text=True, check=True, timeout=60).stdout.split()
    return [(c, subprocess.run(["git", "-C", str(repo), "show", f"{c}:api.json"], capture_output=True,
                               check=True, timeout=60).stdout) for c in commits]


def test_every_archived_snapshot_gives_each_entry_its_card_and_costs(archive):
    assert len(archive) == 4
    for commit, body in archive:
        data = json.loads(body, parse_float=Decimal)  # the test's own reading of the JSON
        entries = {f"{pid}/{mid}": model for pid, provider in data.items() for mid, model in provider["models"].items()}
        parsed = modelsdev.parse(body, URL, NOW)
        cards = {c.source_model_id: c for c in parsed.cards}
        assert len(parsed.cards) == len(cards), commit
        assert set(cards) == set(entries), commit
        for sid, model in entries.items():
            got = prices(cards[sid])
            for key in ("input", "output"):
                if key in model.get("cost", {}):
                    assert Decimal(repr(got[(key, None)])) == model["cost"][key], (commit, sid, key)
                else:
                    assert (key, None) not in got, (commit, sid, key)
        # the real damage these snapshots hold is reported, never fatal: bad calendar dates only
        assert all("date" in str(p) for p in parsed.problems), commit


def test_backfill_git_keeps_each_providers_history(clone, archive, tmp_path):
    """Each commit's providers, as that commit's JSON states them, are the current ones as of its time; a
    provider's facts that changed between commits are two versions (perplexity in the second commit;
    minimax, new in the second, changed in the third), each sourced by its commit's file."""
    from modeltrail.flows.backfill import backfill
    from modeltrail.warehouse import db
    con = db.connect(tmp_path / "w.duckdb")
    try:
        done = [s for s in backfill(con, clone, ["api.json"], "modelsdev") if s.run_id is not None]
        assert [s.commit.sha for s in done] == [c for c, _ in archive] and {s.status for s in done} == {"complete"}
        before: dict = {}
        for step, (commit, body) in zip(done, archive):
            data = json.loads(body)  # the test's own reading of the JSON
            stated = {pid: (p.get("name"), p.get("api"), p.get("doc"), p.get("env", []), p.get("npm"))
                      for pid, p in data.items()}
            got = con.execute("SELECT provider, name, api, doc, env, npm FROM providers_as_of($t)",
                              {"t": step.commit.committed_at}).fetchall()
            assert {r[0]: tuple(r[1:]) for r in got} == stated, commit
            # the versions this commit's run opened: the providers new or changed in it, sourced by its file
            opened = con.execute("SELECT provider, page_sha256, url FROM providers_history WHERE run_id = $r",
                                 {"r": step.run_id}).fetchall()
            assert {r[0] for r in opened} == {k for k, v in stated.items() if before.get(k) != v}, commit
            assert {r[1:] for r in opened} <= {(hashlib.sha256(body).hexdigest(), URL)}, commit
            before = stated
        times = [s.commit.committed_at for s in done]
        spans = lambda p: con.execute(  # noqa: E731
            "SELECT valid_from, valid_to FROM providers_history WHERE provider = $p ORDER BY valid_from",
            {"p": p}).fetchall()
        assert spans("perplexity") == [(times[0], times[1]), (times[1], None)]
        assert spans("minimax") == [(times[1], times[2]), (times[2], None)]
        assert spans("azure-cognitive-services") == [(times[2], None)]
        assert con.execute("SELECT count(*) FROM providers_history WHERE run_id = $r", {"r": done[3].run_id}
                           ).fetchone() == (0,)  # the last commit changed no provider's facts
    finally:
        con.close()
