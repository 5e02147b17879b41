"""The litellm source: its parser on excerpts of real snapshots of LiteLLM's
model_prices_and_context_window.json (tests/fixtures/litellm/, cut verbatim from
../shared/data/git-archives/litellm-history.bundle), on the shapes the live file adds, and on every
commit of the bundled archive; its registration and a replay crawl of the bundled capture.

Expectations are read from the JSON itself (json.loads with Decimal), never from the parser's output.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from modeltrail.flows import steps
from modeltrail.spiders import replay
from modeltrail.pipelines.parsers import litellm
from modeltrail.pipelines.records import UNIT_OF_KIND
from modeltrail.pipelines.records import Price
from modeltrail.pipelines.sources import get
from tests.conftest import CAPTURES, SHARED

URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
WHEN = datetime(2025, 9, 1, tzinfo=timezone.utc)
FIXTURES = Path(__file__).parent / "fixtures" / "litellm"
BUNDLE = SHARED / "data" / "git-archives" / "litellm-history.bundle"
FILE = "model_prices_and_context_window.json"
MILLION = Decimal(1_000_000)


def page(case: str) -> bytes:
    return (FIXTURES / case / "page.json").read_bytes()


def raw(case: str) -> dict:
    return json.loads(page(case), parse_float=Decimal)


def parse(body: bytes | str | dict):
    if isinstance(body, dict):
        body = json.dumps(body)
    return litellm.parse(body, URL, WHEN, "application/json")


def cards(case: str) -> dict:
    return {c.source_model_id: c for c in parse(page(case)).cards}


def price(card, kind: str, tier: str | None = None) -> Price:
    found = [p for p in card.prices if p.kind == kind and p.tier == tier]
    assert len(found) == 1, (card.source_model_id, kind, tier, card.prices)
    return found[0]


def per_million(value) -> float:
    return float(Decimal(str(value)) * MILLION)


# --- one real snapshot (2025-09-01), field by field ---------------------------------------------------

def test_one_card_per_key_with_the_key_as_id():
    assert list(cards("2025-09-catalog")) == list(raw("2025-09-catalog"))
    card = cards("2025-09-catalog")["azure/eu/gpt-4o-2024-08-06"]
    assert card.source_model_id == card.name == "azure/eu/gpt-4o-2024-08-06" and card.source == "litellm"
    assert cards("2025-09-catalog")["us.anthropic.claude-3-5-sonnet-20241022-v2:0"].provider == "bedrock"


def test_gpt_4o_token_prices_exactly():
    entry, card = raw("2025-09-catalog")["gpt-4o"], cards("2025-09-catalog")["gpt-4o"]
    assert entry["input_cost_per_token"] == Decimal("2.5e-06")
    assert price(card, "input").usd_per_million_tokens == 2.5
    assert price(card, "output").usd_per_million_tokens == per_million(entry["output_cost_per_token"]) == 10.0
    assert price(card, "cache_read").usd_per_million_tokens == 1.25
    assert price(card, "batch_input").usd_per_million_tokens == 1.25
    assert price(card, "batch_output").usd_per_million_tokens == 5.0
    assert {p.kind for p in card.prices} == {"input", "output", "cache_read", "batch_input", "batch_output"}


def test_fields_of_gpt_4o():
    entry, card = raw("2025-09-catalog")["gpt-4o"], cards("2025-09-catalog")["gpt-4o"]
    assert (card.provider, card.mode) == (entry["litellm_provider"], entry["mode"]) == ("openai", "chat")
    assert card.context_window == entry["max_input_tokens"] == 128_000
    assert card.max_output_tokens == entry["max_output_tokens"] == 16_384
    # supports_function_calling / _parallel_ / _tool_choice, _response_schema, _vision, _system_messages
    assert card.capabilities == ["function_calling", "structured_outputs", "system_messages", "vision"]
    # vision -> image, pdf -> file, and text in and out for a chat model
    assert card.input_modalities == ["file", "image", "text"] and card.output_modalities == ["text"]
    assert card.model_id == "openai/gpt-4o"


def test_per_second_prices_stay_per_second():
    entry = raw("2025-09-catalog")["bedrock/ap-northeast-1/1-month-commitment/anthropic.claude-v1"]
    card = cards("2025-09-catalog")["bedrock/ap-northeast-1/1-month-commitment/anthropic.claude-v1"]
    p = price(card, "input_second")
    assert (p.unit, p.usd_per_unit, p.usd_per_million_tokens) == ("second", float(entry["input_cost_per_second"]), None)
    assert p.usd_per_unit == 0.0455
    whisper = cards("2025-09-catalog")["whisper-1"]
    assert {(p.kind, p.unit, p.usd_per_unit) for p in whisper.prices} == {
        ("input_second", "second", 0.0001), ("output_second", "second", 0.0001)}


def test_per_character_pixel_image_and_query_prices_keep_their_unit():
    c = cards("2025-09-catalog")
    assert (price(c["tts-1"], "input_character").unit, price(c["tts-1"], "input_character").usd_per_unit) == (
        "character", 0.000015)
    dalle = c["256-x-256/dall-e-2"]
    assert (price(dalle, "input_pixel").unit, price(dalle, "input_pixel").usd_per_unit) == ("pixel", 2.4414e-07)
    # a stated 0.0 is a free price, kept; a price the entry does not state is absent
    assert price(dalle, "output_pixel").usd_per_unit == 0.0
    assert not [p for p in dalle.prices if p.kind in ("input", "output")]
    assert (price(c["gemini-1.5-pro"], "input_image").unit,
            price(c["gemini-1.5-pro"], "input_image").usd_per_unit) == ("image", 0.00032875)
    rerank = c["rerank-english-v3.0"]
    assert (price(rerank, "query").unit, price(rerank, "query").usd_per_unit) == ("query", 0.002)
    assert price(rerank, "input").usd_per_million_tokens == 0.0
    for card in c.values():
        for p in card.prices:
            assert p.unit == UNIT_OF_KIND.get(p.kind, "1M tokens")


def test_context_tiers_are_the_same_kind_in_a_named_tier():
    c = cards("2025-09-catalog")
    gemini = raw("2025-09-catalog")["gemini-1.5-pro"]
    assert price(c["gemini-1.5-pro"], "input", "above_128k_tokens").usd_per_million_tokens == per_million(
        gemini["input_cost_per_token_above_128k_tokens"]) == 2.5
    assert price(c["gemini-1.5-pro"], "output", "above_128k_tokens").usd_per_million_tokens == 10.0
    assert price(c["gemini-1.5-pro"], "audio_input_second", "above_128k_tokens").usd_per_unit == 0.0000625
    claude = c["claude-4-sonnet-20250514"]
    assert price(claude, "input", "above_200k_tokens").usd_per_million_tokens == 6.0
    assert price(claude, "cache_write", "above_200k_tokens").usd_per_million_tokens == 7.5
    assert price(claude, "cache_read", "above_200k_tokens").usd_per_million_tokens == 0.6
    embed = c["multimodalembedding"]
    assert price(embed, "video_input_second", "above_8s_interval").usd_per_unit == 0.001
    assert price(embed, "video_input_second", "above_15s_interval").usd_per_unit == 0.002


def test_web_search_per_search_in_context_size_tiers():
    card = cards("2025-09-catalog")["perplexity/sonar-deep-research"]
    assert {(p.tier, p.unit, p.usd_per_unit) for p in card.prices if p.kind == "web_search"} == {
        ("low", "search", 0.005), ("medium", "search", 0.005), ("high", "search", 0.005)}
    assert price(card, "reasoning").usd_per_million_tokens == 3.0
    assert price(card, "citation").usd_per_million_tokens == 2.0


def test_audio_and_cache_kinds():
    card = cards("2025-09-catalog")["azure/us/gpt-4o-realtime-preview-2024-12-17"]
    assert price(card, "audio_input").usd_per_million_tokens == 44.0
    assert price(card, "audio_output").usd_per_million_tokens == 80.0
    assert price(card, "audio_cache_read").usd_per_million_tokens == 2.5
    assert card.input_modalities == card.output_modalities == ["audio", "text"]
    assert "audio" in card.capabilities
    # DeepSeek's input_cost_per_token_cache_hit is its cache-read price
    assert price(cards("2025-09-catalog")["deepseek-chat"], "cache_read").usd_per_million_tokens == 0.014


def test_deprecation_date_is_a_stated_retirement():
    card = cards("2025-09-catalog")["gpt-4-0613"]
    assert raw("2025-09-catalog")["gpt-4-0613"]["deprecation_date"] == "2025-06-06"
    assert (card.retirement_date, card.status, card.deprecation_date) == ("2025-06-06", "deprecated", None)
    assert cards("2025-09-catalog")["gpt-4o"].status is None


def test_regions_endpoints_and_stated_modalities():
    c = cards("2025-09-catalog")
    gemini = c["gemini-2.5-pro-preview-05-06"]
    assert gemini.regions == ["global"]
    assert "batch" in gemini.capabilities and "batch" in c["o1-pro"].capabilities  # "/v1/batch" endpoint
    assert gemini.input_modalities == ["audio", "file", "image", "text", "video"]
    assert c["multimodalembedding"].input_modalities == ["image", "text", "video"]  # supported_modalities
    assert c["multimodalembedding"].output_modalities == []  # an embedding states no output modality


def test_a_zero_limit_states_none_and_a_bucket_is_a_card():
    c = cards("2025-09-catalog")
    mod = c["omni-moderation-latest"]
    assert raw("2025-09-catalog")["omni-moderation-latest"]["max_output_tokens"] == 0
    assert mod.max_output_tokens is None and mod.stated_empty == ["max_output_tokens"]
    bucket = c["fireworks-ai-up-to-16b"]
    assert (bucket.provider, bucket.mode, price(bucket, "input").usd_per_million_tokens) == ("fireworks_ai", None, 0.2)


def test_the_real_snapshot_parses_without_problems_and_notes_the_code_modality():
    parsed = parse(page("2025-09-catalog"))
    assert parsed.problems == []
    assert parsed.notes == ["modality words not in the vocabulary, not kept: code (1 card)"]


# --- other real snapshots: quirks across history ------------------------------------------------------

def test_unpadded_date_and_float_limits():
    entries, c = raw("2025-05-unpadded-date-float-limits"), cards("2025-05-unpadded-date-float-limits")
    assert entries["groq/llama3-groq-8b-8192-tool-use-preview"]["deprecation_date"] == "2025-1-6"
    assert c["groq/llama3-groq-8b-8192-tool-use-preview"].retirement_date == "2025-01-06"
    llama = "vertex_ai/meta/llama-4-scout-17b-16e-instruct-maas"
    assert entries[llama]["max_input_tokens"] == Decimal("10000000.0")
    assert c[llama].context_window == 10_000_000 and isinstance(c[llama].context_window, int)
    assert c[llama].max_output_tokens == 10_000_000


def test_sample_spec_is_no_card_and_an_unknown_key_is_noted():
    assert "sample_spec" in raw("2024-10-sample-spec")
    parsed = parse(page("2024-10-sample-spec"))
    assert [c.source_model_id for c in parsed.cards] == ["gpt-4", "together-ai-up-to-4b", "vertex_ai/imagegeneration@006"]
    assert parsed.problems == []
    # cost_per_image: an old key this parser does not read, reported with its card count
    assert parsed.notes == ["upstream keys not read: cost_per_image (1 card)"]


def test_the_first_snapshot_names_no_provider():
    c = cards("2024-01-no-provider")
    assert all(card.provider is None for card in c.values())
    assert price(c["gpt-4"], "input").usd_per_million_tokens == 30.0
    assert c["text-embedding-ada-002"].mode == "embedding"


def test_an_implausible_price_is_kept_and_noted():
    parsed = parse(page("2025-07-implausible"))
    ui_tars = raw("2025-07-implausible")["openrouter/bytedance/ui-tars-1.5-7b"]
    assert ui_tars["input_cost_per_token"] == Decimal("0.1")  # $100,000 per million tokens, as stated
    card = {c.source_model_id: c for c in parsed.cards}["openrouter/bytedance/ui-tars-1.5-7b"]
    assert price(card, "input").usd_per_million_tokens == 100_000.0
    assert any("implausible" in n and "openrouter/bytedance/ui-tars-1.5-7b input_cost_per_token 100000" in n
               for n in parsed.notes), parsed.notes


# --- shapes of the live file and what can go wrong (small hand-made entries) ---------------------------

def test_strings_tiered_pricing_and_service_tiers_are_read():
    parsed = parse(json.dumps({
        "dashscope/qwen-plus": {"litellm_provider": "dashscope", "mode": "chat", "max_input_tokens": "131072",
                                "input_cost_per_token": "4e-07", "output_cost_per_token_priority": 1.6e-06,
                                "tiered_pricing": [
                                    {"range": [0, 256000], "input_cost_per_token": 5e-08,
                                     "cache_creation_input_token_cost_above_1hr": 0.0},
                                    {"range": [256000, None], "input_cost_per_token": "1.2e-06"}]}}))
    (card,) = parsed.cards
    assert parsed.problems == []
    assert card.context_window == 131_072
    assert price(card, "input").usd_per_million_tokens == 0.4
    assert price(card, "output", "priority").usd_per_million_tokens == 1.6
    assert price(card, "input", "range_0_256000").usd_per_million_tokens == 0.05
    assert price(card, "cache_write", "range_0_256000/above_1hr").usd_per_million_tokens == 0.0
    assert price(card, "input", "range_256000_up").usd_per_million_tokens == 1.2


def test_non_model_top_level_keys_are_skipped_and_noted():
    parsed = parse({"sample_spec": {"max_tokens": "LEGACY parameter"}, "last_updated": "2025-09-01",
                    "fallback_generalizations": {"claude-3": ["claude-3-haiku"]},
                    "gpt-4o": {"litellm_provider": "openai", "input_cost_per_token": 2.5e-06}})
    assert [c.source_model_id for c in parsed.cards] == ["gpt-4o"]
    assert parsed.problems == []
    assert parsed.notes == ["top-level keys that are not models, skipped: last_updated (str), "
                            "fallback_generalizations (dict)"]


def test_unknown_keys_and_flags_are_noted_never_fatal():
    parsed = parse({"a": {"litellm_provider": "x", "supports_teleport": True, "new_cost_per_hug": 1},
                    "b": {"litellm_provider": "x", "supports_teleport": False}})
    assert len(parsed.cards) == 2 and parsed.problems == []
    assert parsed.notes == ["upstream keys not read: new_cost_per_hug (1 card), supports_teleport (2 cards)"]


def test_a_bad_value_is_a_problem_naming_key_and_field_and_the_card_survives():
    parsed = parse({"m": {"litellm_provider": "x", "input_cost_per_token": "free", "output_cost_per_token": 1e-06,
                          "max_input_tokens": 1000.5, "deprecation_date": "soon"}})
    (card,) = parsed.cards
    assert price(card, "output").usd_per_million_tokens == 1.0 and not [p for p in card.prices if p.kind == "input"]
    assert card.context_window is None and card.retirement_date is None and card.status is None
    fields = sorted(p.field for p in parsed.problems)
    assert fields == ["m: context_window", "m: input_cost_per_token", "m: retirement_date"], parsed.problems


def test_null_values_state_nothing_or_empty():
    (card,) = parse({"m": {"litellm_provider": "x", "max_input_tokens": None, "input_cost_per_token": None,
                           "supports_vision": None, "output_cost_per_token": 0}}).cards
    assert card.context_window is None and "context_window" in card.stated_empty
    assert [(p.kind, p.usd_per_million_tokens) for p in card.prices] == [("output", 0.0)]


@pytest.mark.parametrize("body, says", [(b"<html>", "not JSON"), (b"[1, 2]", "not LiteLLM's model map")])
def test_not_the_map_is_one_problem(body, says):
    parsed = litellm.parse(body, URL, WHEN)
    assert parsed.cards == [] and len(parsed.problems) == 1 and says in str(parsed.problems[0])


# --- registration, capture and replay ---------------------------------------------------------------

def test_registered_with_its_live_url(tmp_path):
    src = get("litellm")
    assert src.parser is litellm and src.min_cards == 100
    assert src.spider_class().start_urls == [URL]
    from tests.test_cli import mt
    out = mt("sources", "--format", "csv", "--db", str(tmp_path / "none.duckdb")).stdout
    assert any(line.startswith("litellm,") and URL in line for line in out.splitlines()), out


def test_replay_crawl_of_the_bundled_capture(tmp_path):
    with replay.serve(CAPTURES) as base:
        out = steps.crawl("litellm", tmp_path / "ll", replay=base, timeout=300)
    assert [p.url for p in out.pages] == [URL] and out.pages[0].ok
    load = steps.build_load("litellm", out, None)
    assert load.status == "complete", load.reasons
    capture = json.loads((CAPTURES / "raw.githubusercontent.com/BerriAI/litellm/main" / FILE).read_text())
    assert sorted(c.source_model_id for c in load.cards) == sorted(k for k in capture if k != "sample_spec")


# --- the whole bundled archive ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def archive(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the archive test clones the litellm-history bundle")
    if not BUNDLE.exists():
        pytest.skip(f"no archive at {BUNDLE}")
    repo = tmp_path_factory.mktemp("litellm-history") / "repo"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(repo)], check=True, timeout=120)
    commits = subprocess.run(["git", "-C", str(repo), "log", "--reverse", "--format=%H", "--", FILE],
                             check=True, capture_output=True, text=True, timeout=60).stdout.split()
    return repo, commits


@pytest.mark.slow
def test_every_commit_of_the_archive(archive):
    repo, commits = archive
    assert len(commits) == 95
    for commit in commits:
        body = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{FILE}"], check=True,
                              capture_output=True, timeout=60).stdout
        data = json.loads(body, parse_float=Decimal)
        models = [k for k, v in data.items() if k != "sample_spec" and isinstance(v, dict)]
        parsed = litellm.parse(body, URL, WHEN)
        assert parsed.problems == [], (commit, parsed.problems[:3])
        got = {c.source_model_id: c for c in parsed.cards}
        assert list(got) == models, commit
        for key in models:
            for field, kind in (("input_cost_per_token", "input"), ("output_cost_per_token", "output")):
                stated = [p for p in got[key].prices if p.kind == kind and p.tier is None]
                if field in data[key]:
                    assert [p.usd_per_million_tokens for p in stated] == [
                        float(Decimal(str(data[key][field])) * MILLION)], (commit, key, field)
                else:
                    assert stated == [], (commit, key, field)


#: what differs between two loads of the same commits: when the runs were made (wall clock)
WALL_CLOCK = {"runs": ("started_at", "finished_at")}


def tables(path: Path) -> dict[str, list]:
    """Every row of every table of a warehouse, sorted, without its wall-clock columns."""
    import duckdb
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        out = {}
        for name in names:
            cols = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                              "ORDER BY column_index", [name]).fetchall()
                    if r[0] not in WALL_CLOCK.get(name, ())]
            out[name] = con.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY ALL").fetchall()
    return out


#: commits the reuse test loads both ways (each way parses every entry of the first)
LAST_COMMITS = 12


@pytest.mark.slow
def test_backfill_parsing_only_changed_entries_stores_what_a_whole_parse_of_every_commit_stores(archive, tmp_path,
                                                                                               monkeypatch):
    """backfill-git re-parses only the entries whose JSON text changed since the commit before (the
    others' cards reused with this commit's provenance, their fingerprints not computed again): over the
    bundled archive's last LAST_COMMITS commits (its largest files; the whole archive compared the same,
    checked once by script: bench/RESULTS.md §10b), the warehouse holds exactly the rows a whole parse of
    every commit gives."""
    from modeltrail.flows import backfill, snapshot
    from modeltrail.warehouse import db
    repo, commits = archive
    since = datetime.fromisoformat(subprocess.run(
        ["git", "-C", str(repo), "show", "-s", "--format=%cI", commits[-LAST_COMMITS]], check=True, capture_output=True,
        text=True, timeout=60).stdout.strip())
    parsed = []
    catalog = litellm.CATALOG
    monkeypatch.setattr(litellm, "CATALOG", type(catalog)(
        catalog.split, lambda entry, *args: parsed.append(entry.key) or catalog.parse_entry(entry, *args),
        catalog.finish))
    handed = {True: [], False: []}  # what each commit handed to the load: the verdict and every card, whole
    record = snapshot.record

    def recording(con, load, *args, **kwargs):
        cards = hashlib.sha256("\n".join(c.model_dump_json() for c in load.cards).encode()).hexdigest()
        handed[reuse].append((load.status, load.reasons, load.notes, load.problems, load.coverage, cards))
        return record(con, load, *args, **kwargs)
    monkeypatch.setattr(snapshot, "record", recording)
    made, entries = {}, {}
    for reuse in (True, False):
        path = made[reuse] = tmp_path / f"reuse-{reuse}.duckdb"
        con = db.connect(path)
        try:
            done = list(backfill.backfill(con, repo, [FILE], "litellm", url=URL, since=since, reuse=reuse))
        finally:
            con.close()
        assert [s.status for s in done].count("complete") >= LAST_COMMITS - 2, [s.status for s in done]
        entries[reuse], parsed[:] = len(parsed), []
    assert entries[True] < entries[False] / 5  # (most entries are the same from one commit to the next)
    assert len(handed[True]) >= LAST_COMMITS - 2 and handed[True] == handed[False]
    fast, whole = tables(made[True]), tables(made[False])
    assert fast.keys() == whole.keys()
    assert len(fast["model_cards_history"]) > 1700 and len(fast["prices_history"]) > 3000
    for name in whole:
        assert fast[name] == whole[name], name
