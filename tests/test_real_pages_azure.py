"""The Azure catalog pages of ../shared/pages/ (real stored text of live pages, several templates), each
through `modeltrail parse --source azure`: every fact listed here was written by reading the page, not
by running the parser. A capture file can hold several excerpts of one address (`----`), each its own
case. Tests read the pages from ../shared/ (never copied into the project)."""

from __future__ import annotations

import json

import pytest

from tests.cli import run_here
from tests.conftest import SHARED

PAGES = SHARED / "pages"
F = ("name", "version", "organization", "context_window", "parameters", "training_cutoff")

# (page, excerpt): (name, version, organization, context window, parameters, training cutoff)
EXPECTED = {
    ("Cohere-command-r-08-2024", 0): ("Cohere Command R 08-2024", "1", "Cohere", None, None, None),
    ("grok-4.3", 0): ("Grok 4.3", "1", "xAI", None, None, None),  # "a large context window": no number
    ("Llama-4-Scout-17B-16E-Instruct", 0): ("Llama 4 Scout 17B 16E Instruct", "4", "Meta", None, None, None),
    ("Meta-Llama-3-8B-Instruct", 0): ("Meta-Llama-3-8B-Instruct", "9", "Meta", None, None, None),
    ("Meta-Llama-3-8B-Instruct", 1): ("Meta-Llama-3-8B-Instruct", "9", None, None, None, None),  # compact: no provider
    ("Meta-Llama-3-8B", 0): ("Meta-Llama-3-8B", "9", "Meta", None, None, None),
    ("Meta-Llama-3-8B", 1): ("Meta-Llama-3-8B", "9", None, None, None, None),
    ("Meta-Llama-3-70B", 0): ("Meta-Llama-3-70B", "8", "Meta", None, None, None),  # "8B and 70B": a family
    ("Llama-3.2-3B-Instruct", 0): ("Llama-3.2-3B-Instruct", "4", "Meta", None, None, None),
    ("Llama-3.2-3B-Instruct", 1): ("Llama-3.2-3B-Instruct", "4", None, None, None, None),
    ("Llama-3.2-3B", 0): ("Llama-3.2-3B", "4", None, None, None, None),
    ("text-embedding-3-small", 0): ("OpenAI Text Embedding 3 (small)", "1", None, None, None, None),
    ("text-embedding-3-small", 1): ("OpenAI Text Embedding 3 (small)", "1", "OpenAI", None, None, None),
    ("gpt-image-1", 0): ("Gpt-image-1", "2025-04-15", None, None, None, None),
    ("gpt-image-1", 1): ("Gpt-image-1", "2025-04-15", "OpenAI", None, None, None),
    # HF-style model cards: facts in sentences
    ("Phi-4-mini-instruct", 0): ("Phi-4-mini-instruct", "1", None, 128_000, 3_800_000_000, "2024-06"),
    ("Phi-3-mini-128k-instruct", 0): ("Phi-3-mini instruct (128k)", "13", "Microsoft", None, 3_800_000_000, None),
    ("Phi-3-mini-4k-instruct", 0): ("Phi-3-mini instruct (4k)", "15", "Microsoft", None, 3_800_000_000, None),
    ("Phi-3-small-8k-instruct", 0): ("Phi-3-small instruct (8k)", "5", None, 8_000, 7_000_000_000, None),
    # "Number of Parameters: 3,6 billions"; "up to 128k context length (currently 32k on vLLM)"
    ("Ministral-3B", 0): ("Ministral 3B", "1", "Mistral AI", 128_000, 3_600_000_000, None),
    # an older header: the model's name as title, no version line
    ("Phi-4-mini-reasoning", 0): ("Phi-4-mini-reasoning", None, None, None, None, None),
}


def excerpts():
    for path in sorted(PAGES.glob("ai.azure.com_*.txt")):
        head, _, body = path.read_text().partition("\n\n")
        for n, text in enumerate(body.split("\n----\n")):
            yield path.stem.removeprefix("ai.azure.com_"), n, head.removeprefix("URL: ").strip(), text


CASES = list(excerpts())


def test_every_azure_page_of_the_development_set_has_expectations():
    assert {(name, n) for name, n, _, _ in CASES} == set(EXPECTED)


@pytest.mark.parametrize("name,n,url,text", CASES, ids=[f"{c[0]}#{c[1]}" for c in CASES])
def test_the_page_gives_its_card_with_the_facts_it_states(tmp_path, name, n, url, text):
    page = tmp_path / "page.txt"
    page.write_text(text)
    proc = run_here("parse", "--source", "azure", "--url", url, str(page))
    assert proc.returncode == 0, proc.stderr
    (card,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert card["source_model_id"] == url.rsplit("/", 1)[1]
    assert tuple(card[f] for f in F) == EXPECTED[(name, n)]
    assert "warning" not in proc.stderr, proc.stderr


# (page, excerpt): scores of this model's column of the page's benchmark tables (setting, name, value)
BENCHMARKS = {
    ("Meta-Llama-3-8B", 0): {("base pretrained", "MMLU (5-shot)", 66.6), ("base pretrained", "DROP (3-shot, F1)", 58.4),
                             ("base pretrained", "AGIEval English (3-5 shot)", 45.9),
                             ("base pretrained", "TriviaQA-Wiki (5-shot)", 78.5),
                             ("instruction tuned", "MMLU (5-shot)", 68.4), ("instruction tuned", "GPQA (0-shot)", 34.2),
                             ("instruction tuned", "HumanEval (0-shot)", 62.2),
                             ("instruction tuned", "GSM-8K (8-shot, CoT)", 79.6),
                             ("instruction tuned", "MATH (4-shot, CoT)", 30.0)},
    # the `|` capture: its first table's title ran into the sentence before it, so no setting is known
    ("Meta-Llama-3-8B", 1): {(None, "MMLU (5-shot)", 66.6), (None, "AGIEval English (3-5 shot)", 45.9),
                             ("instruction tuned", "GPQA (0-shot)", 34.2), ("instruction tuned", "MATH (4-shot, CoT)", 30.0)},
}


@pytest.mark.parametrize("key", sorted(BENCHMARKS, key=str), ids=lambda k: f"{k[0]}#{k[1]}")
def test_benchmark_tables_give_this_models_column(key):
    from datetime import datetime, timezone

    from modeltrail.pipelines.parsers import azure
    name, n, url, text = next(c for c in CASES if (c[0], c[1]) == key)
    (card,) = azure.parse(text.encode(), url, datetime.now(timezone.utc), "text/plain").cards
    got = {(b.setting, b.reported_name, b.value) for b in card.benchmarks}
    assert BENCHMARKS[key] <= got
    assert len(got) == 16  # 11 base pretrained + 5 instruction tuned rows, nothing from other columns
    assert all(b.unit == "score" for b in card.benchmarks)  # the tables print no unit


def test_pages_without_this_models_column_give_no_benchmark():
    from datetime import datetime, timezone

    from modeltrail.pipelines.parsers import azure
    for name, n, url, text in CASES:
        if (name, n) not in BENCHMARKS:
            (card,) = azure.parse(text.encode(), url, datetime.now(timezone.utc), "text/plain").cards
            assert card.benchmarks == [], name
