"""Identity at catalog scale (`python -m bench.identity [N]`): the resolver's cost on N distinct catalog ids
(default 10,000) and the share of current catalog cards it leaves unmatched.

The ids are the real ones of the bundled captures and ../shared's archives (LiteLLM, models.dev, the
OpenRouter days), each also under a route and a region, until N distinct ids: cold (every id read once)
and warm (lru cache). The unmatched share is over the current cards of the bundled captures of every
catalog source, parsed by the sources' own parsers. A refresh's identity step is `remap` over the ids the
load added (bench §7 measures its SQL side): this figure is its Python side.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from modeltrail.pipelines import identity

from modeltrail.pipelines import idgrammar
from modeltrail.pipelines.sources import get

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CAPTURES = {
    "litellm": (ROOT / "captures/raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
                "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"),
    "modelsdev": (ROOT / "captures/models.dev/api.json", "https://models.dev/api.json"),
    "openrouter": (SHARED / "data/openrouter/2026-03-31.json.gz", "https://openrouter.ai/api/v1/models"),
}


def cards(source: str):
    path, url = CAPTURES[source]
    body = path.read_bytes()
    body = gzip.decompress(body) if path.suffix == ".gz" else body
    return get(source).parser.parse(body, url, datetime.now(timezone.utc)).cards


def ids(n: int) -> list[tuple[str, str | None, str]]:
    base = [(c.source_model_id, c.provider, s) for s in CAPTURES for c in cards(s)]
    out, seen = [], set()
    for route, region in ((None, None), ("azure", "eu"), ("bedrock", "us-east-1"), ("vercel_ai_gateway", None)):
        for smid, provider, source in base:
            v = "/".join(p for p in (route, region, smid) if p) if route else smid
            if v not in seen:
                seen.add(v)
                out.append((v, provider if not route else None, source if not route else "litellm"))
            if len(out) >= n:
                return out
    return out


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 10_000
    todo = ids(n)
    idgrammar.read.cache_clear()
    identity.alias_key.cache_clear()
    t = time.perf_counter()
    for smid, provider, source in todo:
        identity.resolve_offering(smid, None, provider, source=source)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    for smid, provider, source in todo:
        identity.resolve_offering(smid, None, provider, source=source)
    warm = time.perf_counter() - t
    print(f"resolver: {len(todo)} distinct ids, cold {cold * 1000:.0f} ms ({cold / len(todo) * 1e6:.1f} µs an id), "
          f"warm {warm * 1000:.0f} ms")
    for source in CAPTURES:
        cs = cards(source)
        unmatched = sum(1 for c in cs if identity.resolve_offering(c.source_model_id, c.name, c.provider,
                                                                   source=source)[0] is None)
        print(f"{source}: {len(cs)} current cards, {unmatched} unmatched ({unmatched / len(cs):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
