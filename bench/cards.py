"""Card building, one card at a time (`python -m bench.cards [N] [--cards K]`): the cost of the pydantic
ModelCard the peers' workload builds (bench/peers_warehouse.py `build()`): 12 scalar fields, 3 Prices and 10
Benchmarks, given to the card as values and validated with it in one pass, exactly as `build()` makes them
(and as a parser's Draft does: pipelines/parsers/base.py).

Figures in µs a card (its Prices and Benchmarks included), CPU time of this process:
    one      the same card built N times (default 2,000), each timed alone: min and median
    batch    K distinct cards of the workload's shape (default 2,000, a --quick day) built in one loop and
             dropped, 5 times: min and median of the mean a card
    kept     the same, the cards kept until the loop ends, as a day of the workload keeps them (the
             garbage collector's passes over them included; in this small process, not the workload's)
    records  (for comparison) the same cards made as before 2026-12-07 (fifth session): each Price and
             Benchmark made first, then the card, which checks each of them again
    dicts    (for comparison) the validation alone: the same cards from dicts made beforehand
             (`ModelCard.model_validate`)
The machine is shared: compare before and after in the same sitting, several times.
"""

from __future__ import annotations

import hashlib
import statistics
import sys
import time
from datetime import date, datetime, timezone

from modeltrail.pipelines.records import Benchmark, ModelCard, Price

PRICE_KINDS = ["input", "output", "cache_read"]
BENCHMARKS = ["mmlu", "mmlu_pro", "gpqa", "hle", "humaneval", "math", "aime", "swe_bench", "mmmu", "livecodebench"]
WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)


def rows(i: int) -> tuple[tuple, list[tuple], list[tuple]]:
    """The workload's rows of one model (gen.py's shapes: a card row, 3 price rows, 10 score rows)."""
    s, org = "azure", f"org{i % 40:02d}"
    m = f"{org}/model-{i:06d}"
    release = date(2024, 1, 1)
    card = (s, m, f"Model {i}", org, f"https://ai.azure.com/models/{m}", f"v{i % 9 + 1}", "active", release,
            date(2026, 1, 1) if i % 5 == 0 else None, 128000, 16384 if i % 6 else None, "2024-03",
            round(1.5 + i % 700, 1) if i % 10 < 6 else None, "apache-2.0")
    base = round(0.05 + (i % 1500) / 100, 3)
    prices = [(s, m, k, p) for k, p in zip(PRICE_KINDS, (base, round(base * 4, 3), round(base / 4, 4)))]
    scores = [(s, m, b, round(5 + (i * 7 + j * 13) % 90 + 0.5, 1)) for j, b in enumerate(BENCHMARKS)]
    return card, prices, scores


def card_fields(card: tuple, when: datetime = WHEN, parser_version: str = "peers-1") -> dict:
    """A workload card row's scalar fields as ModelCard's (bench/peers_warehouse.py `build()` maps them so
    too), fetched at `when`."""
    (s, m, name, org, url, version, status, release, deprecation, ctx, max_out, cutoff, params_b, lic) = card
    return dict(
        source=s, source_model_id=m, model_id=None, name=name, organization=org, url=url,
        version=version, status=status,
        release_date=release.isoformat() if release is not None else None,
        deprecation_date=deprecation.isoformat() if deprecation is not None else None,
        context_window=ctx, max_output_tokens=max_out, training_cutoff=cutoff,
        parameters=round(params_b * 1e9) if params_b is not None else None, license=lic,
        fetched_at=when, page_sha256=hashlib.sha256(url.encode()).hexdigest(), parser_version=parser_version)


def build(card: tuple, prices: list[tuple], scores: list[tuple]) -> ModelCard:
    """One card, made as bench/peers_warehouse.py `build()` makes it: one validation, values nested."""
    return ModelCard(**as_dict(card, prices, scores))


def build_records(card: tuple, prices: list[tuple], scores: list[tuple]) -> ModelCard:
    """The same card made as before: each Price and Benchmark first, then the card."""
    ps = [Price(kind=kind, usd_per_million_tokens=usd) for _s, _m, kind, usd in prices]
    bs = [Benchmark(benchmark=b, reported_name=b, value=score, unit="percent") for _s, _m, b, score in scores]
    return ModelCard(**card_fields(card), prices=ps, benchmarks=bs)


def as_dict(card: tuple, prices: list[tuple], scores: list[tuple]) -> dict:
    """The same card as one dict, prices and scores nested."""
    return dict(**card_fields(card),
                prices=[{"kind": kind, "usd_per_million_tokens": usd} for _s, _m, kind, usd in prices],
                benchmarks=[{"benchmark": b, "reported_name": b, "value": score, "unit": "percent"}
                            for _s, _m, b, score in scores])


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv and not argv[0].startswith("-") else 2000
    k = int(argv[argv.index("--cards") + 1]) if "--cards" in argv else 2000
    clock = time.process_time
    one = rows(1)
    for _ in range(200):
        build(*one)
    times = []
    for _ in range(n):
        a = clock()
        build(*one)
        times.append(clock() - a)
    many = [rows(i) for i in range(k)]
    assert build(*one) == build_records(*one)
    figures = {"batch": [], "kept": [], "records": [], "dicts": []}
    for _ in range(5):
        a = clock()
        for r in many:
            build(*r)
        figures["batch"].append((clock() - a) / k)
        a = clock()
        kept = [build(*r) for r in many]
        figures["kept"].append((clock() - a) / k)
        del kept
        a = clock()
        for r in many:
            build_records(*r)
        figures["records"].append((clock() - a) / k)
        dicts = [as_dict(*r) for r in many]
        a = clock()
        for d in dicts:
            ModelCard.model_validate(d)
        figures["dicts"].append((clock() - a) / k)
    us = 1e6
    print(f"one card x {n}: min {min(times) * us:.1f} µs, median {statistics.median(times) * us:.1f} µs")
    for name, means in figures.items():
        print(f"{name}: {k} cards x 5: min {min(means) * us:.1f} µs a card, "
              f"median {statistics.median(means) * us:.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
