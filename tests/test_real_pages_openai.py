"""The OpenAI pages of ../shared/pages/ (real stored text: announcement posts, a system card, a staff post on
the community forum, and the start of the models docs as text for machines), each through
`modeltrail parse --source openai`: a card for every model a page states facts about. The expectations
were written by reading the pages. Tests read the pages from ../shared/ (never copied into the project)."""

from __future__ import annotations

import json

import pytest

from tests.cli import run_here
from tests.conftest import SHARED

PAGES = SHARED / "pages"
SHOWN = ("name", "release_date", "context_window", "max_output_tokens", "capabilities", "reasoning_efforts",
         "license", "successor", "version")

# page -> {source model id: the facts it states (fields not listed are empty)}
EXPECTED = {
    # "April 16, 2025" / "Introducing OpenAI o3 and o4-mini" / "Today, we're releasing OpenAI o3 and o4-mini,
    # the latest in our o-series of models trained to think for longer ..."; specs only in qualitative prose
    "openai.com-mirror_introducing-o3-and-o4-mini": {
        "o3": {"name": "OpenAI o3", "release_date": "2025-04-16", "capabilities": ["reasoning"]},
        "o4-mini": {"name": "OpenAI o4-mini", "release_date": "2025-04-16", "capabilities": ["reasoning"]},
    },
    # "Previous model | GPT‑5 model |" rows: each earlier model's successor
    "openai.com-mirror_gpt-5-system-card": {
        "gpt-4o": {"name": "GPT-4o", "successor": "gpt-5-main"},
        "gpt-4o-mini": {"name": "GPT-4o-mini", "successor": "gpt-5-main-mini"},
        "o3": {"name": "OpenAI o3", "successor": "gpt-5-thinking"},
        "o4-mini": {"name": "OpenAI o4-mini", "successor": "gpt-5-thinking-mini"},
        "gpt-4.1-nano": {"name": "GPT-4.1-nano", "successor": "gpt-5-thinking-nano"},
        "o3-pro": {"name": "OpenAI o3-pro", "successor": "gpt-5-thinking-pro"},
    },
    # "the latest model in our reasoning series, OpenAI o3-mini"; "It supports function calling, Structured
    # Outputs, streaming, and developer messages"; "three reasoning effort options—low, medium, and high";
    # "use o3-mini in the Assistants API and Batch API"; "a larger context window of 200,000 tokens and a max
    # output of 100,000 tokens". The replies below the post are not OpenAI's word and are not read.
    "community.openai.com_launching-o3-mini-in-the-api": {
        "o3-mini": {"name": "OpenAI o3-mini", "context_window": 200_000, "max_output_tokens": 100_000,
                    "capabilities": ["batch", "developer_messages", "function_calling", "reasoning", "streaming",
                                     "structured_outputs"],
                    "reasoning_efforts": ["low", "medium", "high"]},
    },
    # "We're releasing gpt-oss-120b and gpt-oss-20b—two state-of-the-art open-weight language models ...
    # Available under the flexible Apache 2.0 license"; "... and support Structured Outputs"; "the ability to
    # adjust the reasoning effort" (no levels named; "very low latency" is not one)
    "greaterwrong.com_openai-releases-gpt-oss-repost": {
        "gpt-oss-120b": {"name": "gpt-oss-120b", "license": "Apache 2.0",
                         "capabilities": ["reasoning", "structured_outputs"]},
        "gpt-oss-20b": {"name": "gpt-oss-20b", "license": "Apache 2.0",
                        "capabilities": ["reasoning", "structured_outputs"]},
    },
    # "# ChatGPT-4o **Current Snapshot:** chatgpt-4o-latest ... ## Rate Limits ### chatgpt-4o-latest";
    # the "computer-use-preview" section is cut off by the excerpt: no card, a warning naming it
    "cdn.openai.com_llms-models-pricing": {
        "babbage-002": {"name": "babbage-002"},
        "chatgpt-4o-latest": {"name": "ChatGPT-4o"},
        "codex-mini-latest": {"name": "codex-mini-latest"},
    },
}
WARNINGS = {"cdn.openai.com_llms-models-pricing": "section 'computer-use-preview' is cut off"}


def run(page: str, tmp_path):
    url, _, text = (PAGES / f"{page}.txt").read_text().partition("\n\n")
    path = tmp_path / "page.txt"
    path.write_text(text)
    return run_here("parse", "--source", "openai", "--url", url.removeprefix("URL: ").strip(), str(path))


def test_every_openai_page_of_the_development_set_has_expectations():
    pages = {p.stem for p in PAGES.glob("*.txt")
             if p.stem.startswith(("openai.com", "cdn.openai.com", "community.openai.com"))}
    assert pages | {"greaterwrong.com_openai-releases-gpt-oss-repost"} == set(EXPECTED)


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_a_card_per_model_the_page_states_facts_about(tmp_path, page):
    proc = run(page, tmp_path)
    assert proc.returncode == 0, proc.stderr
    cards = {c["source_model_id"]: c for c in map(json.loads, proc.stdout.splitlines())}
    assert set(cards) == set(EXPECTED[page])
    for sid, want in EXPECTED[page].items():
        got = {f: cards[sid][f] for f in SHOWN if cards[sid][f] not in (None, [])}
        assert got == want, sid
        assert cards[sid]["organization"] == "OpenAI"
    if page in WARNINGS:
        assert WARNINGS[page] in proc.stderr
    else:
        assert "warning" not in proc.stderr, proc.stderr


def test_a_page_of_no_known_kind_gives_no_card_and_says_which(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("OpenAI\n\nCareers\n\nWe are hiring engineers in London and San Francisco.\n")
    proc = run_here("parse", "--source", "openai", "--url", "https://openai.com/index/careers/", str(path))
    assert proc.returncode != 0 and proc.stdout == ""
    assert "https://openai.com/index/careers/" in proc.stderr and "no model card found" in proc.stderr
    assert "Traceback" not in proc.stderr
