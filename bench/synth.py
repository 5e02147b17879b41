"""Synthetic model cards for benchmarks and load tests: n models, each with prices and ~10 benchmarks,
a fixed share of them changing one field per day. Deterministic for a seed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from modeltrail.pipelines.records import Benchmark

from modeltrail.pipelines.records import ModelCard

from modeltrail.pipelines.records import Price
from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.handover import SourceLoad

T0 = datetime(2026, 1, 1, 6, tzinfo=timezone.utc)
BENCHES = ["gpqa_diamond", "mmlu", "mmlu_pro", "aime_2024", "aime_2025", "swe_bench_verified",
           "humaneval", "math_500", "livecodebench", "simpleqa"]


def _card(i: int, day: int, version: int, when: datetime, source: str = "synthetic") -> ModelCard:
    rng = random.Random(i)
    base_in = round(rng.uniform(0.05, 15), 2)
    ctx = rng.choice([8192, 32768, 128000, 200000, 1000000])
    # a change bumps one field per `version`: context, price, then a score, in turn
    ctx = ctx + 1024 * (version // 3 + (version % 3 == 1))
    price_in = round(base_in * (0.9 ** ((version + 1) // 3)), 4)
    return ModelCard(
        source=source, source_model_id=f"model-{i:06d}", model_id=f"vendor{i % 97}/model-{i:06d}",
        name=f"Model {i}", organization=f"Vendor {i % 97}", url=f"https://example.org/models/model-{i:06d}",
        release_date=f"2025-{1 + i % 12:02d}", status="active", context_window=ctx,
        max_output_tokens=min(ctx, 32768), input_modalities=["text"], output_modalities=["text"],
        capabilities=["function_calling"] if i % 2 else [], training_cutoff="2024-10",
        prices=[Price(kind="input", usd_per_million_tokens=price_in),
                Price(kind="output", usd_per_million_tokens=round(price_in * 4, 4))],
        benchmarks=[Benchmark(benchmark=b, value=round(rng.uniform(10, 90) + (version // 3) * 0.1 * (k == 0), 1),
                              unit="percent", reported_name=b.upper()) for k, b in enumerate(BENCHES)],
        fetched_at=when, page_sha256=f"{i:064x}", parser_version="synthetic-1")


def versions_on(day: int, n: int, change_share: float, seed: int = 7) -> list[int]:
    """How many times each model has changed by `day` (day 0: none)."""
    counts = [0] * n
    rng = random.Random(seed)
    per_day = int(n * change_share)
    for _ in range(day):
        for i in rng.sample(range(n), per_day):
            counts[i] += 1
    return counts


def snapshot(n: int, day: int, versions: list[int] | None = None, source: str = "synthetic"
             ) -> tuple[datetime, list[ModelCard]]:
    """Day `day`'s cards; `source`: the source they are cards of (a registered one to be judged as a
    refresh judges it, bench/refresh_part.py)."""
    when = T0 + timedelta(days=day)
    versions = versions or [0] * n
    return when, [_card(i, day, versions[i], when, source) for i in range(n)]


def load_of(cards: list[ModelCard], when: datetime) -> SourceLoad:
    pages = [PageRecord(url="https://example.org/models", fetched_at=when, status=200, page_kind="listing")]
    return SourceLoad(source="synthetic", status="complete", pages=pages, cards=cards, card_pages=len(cards))
