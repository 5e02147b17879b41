"""The `deprecations` source's markdown vendors of part B, on the verbatim responses in ../shared
(replay/<host>/<path>). Expectations read on the pages. (So far: Moonshot.)"""

from __future__ import annotations

from datetime import datetime, timezone

from modeltrail.pipelines.parsers.deprecations import moonshot
from tests.conftest import SHARED

REPLAY = SHARED / "pages" / "deprecations" / "replay"
FETCHED = datetime(2026, 8, 20, tzinfo=timezone.utc)


def test_moonshot_model_list():
    url = "https://platform.kimi.ai/docs/models.md"
    parsed = moonshot.parse((REPLAY / "platform.kimi.ai/docs/models.md").read_bytes(), url, FETCHED)
    assert not parsed.problems
    cards = {c.source_model_id: c for c in parsed.cards}
    assert len(cards) == 5 + 6 + 5 + 2
    k3 = cards["moonshot/kimi-k3"]
    assert (k3.status, k3.retirement_date, k3.section) == ("active", None, "Multi-modal Model")
    # "no longer available to newly registered users (full platform sunset on August 31)": no year stated
    for mid in ("kimi-k2.5", "moonshot-v1-8k", "moonshot-v1-128k-vision-preview"):
        assert (cards[f"moonshot/{mid}"].status, cards[f"moonshot/{mid}"].retirement_date) == ("deprecated", None)
    assert any("August 31" in n for n in parsed.notes)
    # the kimi-k2 series: "Deprecated" rows, "officially discontinued on **May 25, 2026**", use kimi-k3
    k2 = cards["moonshot/kimi-k2-thinking-turbo"]
    assert (k2.status, k2.retirement_date, k2.successor, k2.section) == (
        "deprecated", "2026-05-25", "kimi-k3", "Deprecated Models")
    latest = cards["moonshot/kimi-latest"]  # only in a note below the table
    assert (latest.status, latest.retirement_date, latest.successor) == ("retired", "2026-01-28", "kimi-k3")
    assert cards["moonshot/kimi-thinking-preview"].retirement_date == "2025-11-11"
