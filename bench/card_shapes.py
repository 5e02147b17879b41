"""What a card's shape costs, apart from its checks (`python -m bench.card_shapes [K]`): the floor under issue
#32's "card building ≤ 30 µs a card", for whoever decides the records' shape.

The peers' card (bench/cards.py: 12 scalar fields, 3 prices, 10 scores, given as values) validated K times
(default 10,000, a day of the workload) by:
    ModelCard      our record (pipelines/records.py), its fast validator (pipelines/twins.py): every check
    plain models   the same nesting in plain pydantic models with no check at all (str, int, float,
                   Optional): the floor of a card made of 14 models (a card, 3 Prices, 10 Benchmarks)
    typed dicts    the same card with its prices and scores as TypedDicts (dicts, validated in
                   pydantic-core), no checks: one model a card
    tuples         the same with each price and score a (kind, amount) / (benchmark, value) tuple: the least
                   a card can hold
Each: µs a card built and dropped (min of 5 rounds), built and kept (the day's cards held until the round
ends, as a refresh holds them; the collector off, as `collector.kept` does), and the bytes a kept card holds
(tracemalloc). CPU time of this process; the machine is shared: compare within one run.
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from datetime import datetime
from typing import Callable, Optional

from pydantic import BaseModel
from typing_extensions import TypedDict

from bench.cards import as_dict, rows
from modeltrail.pipelines.records import ModelCard


class _Scalars(BaseModel):
    source: str
    source_model_id: str
    model_id: Optional[str]
    name: str
    organization: Optional[str] = None
    url: str
    version: Optional[str] = None
    status: Optional[str] = None
    release_date: Optional[str] = None
    deprecation_date: Optional[str] = None
    context_window: Optional[int] = None
    max_output_tokens: Optional[int] = None
    training_cutoff: Optional[str] = None
    parameters: Optional[int] = None
    license: Optional[str] = None
    fetched_at: datetime
    page_sha256: str
    parser_version: str


class _Price(BaseModel):
    kind: str
    usd_per_million_tokens: Optional[float] = None


class _Score(BaseModel):
    benchmark: Optional[str]
    reported_name: str
    value: float
    unit: str


class PlainModels(_Scalars):
    prices: list[_Price] = []
    benchmarks: list[_Score] = []


#: the same fields as dicts (every key given, as the workload's values give them)
_PriceDict = TypedDict("_PriceDict", {name: f.annotation for name, f in _Price.model_fields.items()})
_ScoreDict = TypedDict("_ScoreDict", {name: f.annotation for name, f in _Score.model_fields.items()})


class TypedDicts(_Scalars):
    prices: list[_PriceDict] = []
    benchmarks: list[_ScoreDict] = []


class Tuples(_Scalars):
    prices: list[tuple[str, float]] = []
    benchmarks: list[tuple[str, float]] = []


def _as_tuples(d: dict) -> dict:
    return {**d, "prices": [(p["kind"], p["usd_per_million_tokens"]) for p in d["prices"]],
            "benchmarks": [(b["benchmark"], b["value"]) for b in d["benchmarks"]]}


def measure(validate: Callable[[dict], object], inputs: list[dict]) -> tuple[float, float, float]:
    """(µs a card dropped, µs a card kept, bytes a kept card): min of 5 rounds each."""
    clock, k = time.process_time, len(inputs)
    dropped, kept = [], []
    was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(5):
            a = clock()
            for d in inputs:
                validate(d)
            dropped.append((clock() - a) / k)
            a = clock()
            held = [validate(d) for d in inputs]
            kept.append((clock() - a) / k)
            del held
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        held = [validate(d) for d in inputs]
        size = (tracemalloc.get_traced_memory()[0] - before) / k
        tracemalloc.stop()
        del held
    finally:
        if was:
            gc.enable()
    return min(dropped) * 1e6, min(kept) * 1e6, size


def main(argv: list[str]) -> int:
    k = int(argv[0]) if argv else 10_000
    dicts = [as_dict(*rows(i)) for i in range(k)]
    tuples = [_as_tuples(d) for d in dicts]
    fast = ModelCard.__pydantic_fast__.validate
    assert fast(dicts[0]) == ModelCard(**dicts[0])
    shapes = [("ModelCard (every check)", fast, dicts),
              ("plain models, no checks", PlainModels.model_validate, dicts),
              ("typed dicts, no checks", TypedDicts.model_validate, dicts),
              ("tuples, no checks", Tuples.model_validate, tuples)]
    print(f"| {k:,} cards | µs a card, dropped | µs a card, kept | bytes a kept card |")
    print("|---|---:|---:|---:|")
    for name, validate, inputs in shapes:
        dropped, kept, size = measure(validate, inputs)
        print(f"| {name} | {dropped:.1f} | {kept:.1f} | {size:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
