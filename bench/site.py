"""A generated Azure AI Foundry catalog of N model pages, 50-150 KB each, built from the bundled capture
(captures/ai.azure.com/catalog/models/o3-mini) with a different model, numbers and padding per page.

The padding is what real catalog pages carry around the card: a long related-models list (DOM the
parser must walk), an inline style sheet and an inline JSON state blob (text it must skip)."""

from __future__ import annotations

import json
import random
from pathlib import Path

CAPTURES = Path(__file__).resolve().parent.parent / "captures"
TEMPLATE = (CAPTURES / "ai.azure.com/catalog/models/o3-mini").read_text("utf-8")
WORDS = ("reasoning vision coding latency throughput tokens context window deployment region quota "
         "provisioned global standard batch fine-tuning evaluation safety content filter endpoint").split()
CONTEXTS = [8192, 32768, 128000, 131072, 200000, 400000, 1000000]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def model_id(i: int) -> str:
    return f"model-{i:05d}"


def page(i: int, n: int, rng: random.Random) -> str:
    mid = model_id(i)
    ctx = rng.choice(CONTEXTS)
    html = (TEMPLATE.replace("o3-mini", mid)
            .replace("<dd>200000</dd>", f"<dd>{ctx}</dd>")
            .replace("Context window: 200K", f"Context window: {ctx // 1000}K")
            .replace("<dd>September 2023</dd>", f"<dd>{rng.choice(MONTHS)} {rng.randint(2021, 2025)}</dd>"))
    target = rng.randint(50_000, 150_000)
    related = "".join(
        f'<li class="model-tile"><a href="/catalog/models/{model_id(rng.randrange(n))}/related">'
        f'<span class="tile-name">{rng.choice(WORDS)} {rng.randrange(1000)}</span></a></li>'
        for _ in range(max(0, (target - len(html)) * 4 // 10 // 110)))
    style = "".join(f".c{k}{{margin:{k % 7}px;color:#{rng.randrange(16**6):06x}}}\n"
                    for k in range(max(0, (target - len(html)) * 2 // 10 // 30)))
    state_items, size = [], 0
    budget = target - len(html) - len(related) - len(style) - 200
    while size < budget:
        item = {"id": f"{rng.choice(WORDS)}-{rng.randrange(10**6)}", "text": " ".join(rng.choices(WORDS, k=8))}
        state_items.append(item)
        size += len(json.dumps(item)) + 2
    extra = (f'<style>{style}</style><script type="application/json" id="__STATE__">'
             f'{json.dumps(state_items)}</script>')
    return html.replace("</head>", extra + "</head>", 1).replace(
        '<footer>', f'<aside class="related"><ul>{related}</ul></aside><footer>', 1)


def build(root: Path, n: int, seed: int = 1) -> Path:
    """Write the catalog listing and n model pages under root/ai.azure.com/...; returns root."""
    rng = random.Random(seed)
    base = root / "ai.azure.com/catalog/models"
    base.mkdir(parents=True, exist_ok=True)
    tiles = "".join(f'<li class="model-tile"><a href="/catalog/models/{model_id(i)}">{model_id(i)}</a></li>'
                    for i in range(n))
    (base / "index.html").write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Model catalog"
                                     f"</title></head><body><ul class='catalog-grid'>{tiles}</ul></body></html>")
    for i in range(n):
        (base / model_id(i)).write_text(page(i, n, rng), "utf-8")
    return root
