"""One page of the Azure catalog's search API (200 entities, the page size the crawl asks for) through
the parser. Target: < 50 ms a page.

    python -m bench.azure_search
"""

from __future__ import annotations

import copy
import json
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from modeltrail.pipelines.parsers import azure

FOLDER = Path(__file__).resolve().parents[1] / "captures/ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"


def page_of(n: int) -> bytes:
    """n entities: the captured ones, cycled under new names."""
    captured = [e for f in sorted(FOLDER.glob("*.json")) for e in json.loads(f.read_text())["indexEntitiesResponse"]["value"]]
    value = []
    for i in range(n):
        e = copy.deepcopy(captured[i % len(captured)])
        name = f"{e['annotations']['name']}-{i}"
        e["annotations"]["name"] = e["properties"]["name"] = name
        value.append(e)
    return json.dumps({"indexEntitiesResponse": {"totalCount": n, "value": value, "continuationToken": "x"}}).encode()


def main() -> None:
    body = page_of(200)
    now = datetime.now(timezone.utc)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        cards = azure.parse(body, "https://ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion#page=1", now,
                            "application/json").cards
        times.append(time.perf_counter() - t0)
    assert len(cards) == 200
    print(json.dumps({"entities": 200, "bytes": len(body), "median_ms": round(statistics.median(times) * 1000, 1),
                      "max_ms": round(max(times) * 1000, 1)}))


if __name__ == "__main__":
    main()
