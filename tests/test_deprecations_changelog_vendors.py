"""The `deprecations` source's vendors without a lifecycle page: Fireworks and Perplexity (changelogs:
only the sentences that deprecate or end a model), Z.ai and MiniMax (pricing / API overview pages: the
models offered; release notes: release dates). Read on the verbatim responses in ../shared
(replay/<host>/<path>); every expectation below was read on the page, quoted where it matters."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from modeltrail.pipelines.parsers import deprecations
from modeltrail.pipelines.parsers.deprecations.updates import updates
from tests.conftest import SHARED

REPLAY = SHARED / "pages" / "deprecations" / "replay"
CAPTURES = Path(__file__).resolve().parents[1] / "captures"
FETCHED = datetime(2026, 8, 20, tzinfo=timezone.utc)


def read(key: str, root: Path = REPLAY, fetched: datetime = FETCHED):
    parsed = deprecations.parse((root / key).read_bytes(), f"https://{key}", fetched)
    assert not parsed.problems, parsed.problems
    return parsed, {c.source_model_id: c for c in parsed.cards}


def row(card):
    return (card.status, card.deprecation_date, card.retirement_date, card.successor)


# --- Fireworks -------------------------------------------------------------------------------------------

FIREWORKS = "docs.fireworks.ai/updates/changelog.md"


def test_fireworks_serverless_deprecations():
    parsed, cards = read(FIREWORKS)
    assert all(c.source_model_id.startswith("fireworks/") and c.organization == "Fireworks AI"
               for c in parsed.cards)
    # 2026-08-14: "**DeepSeek V4 Flash** is deprecated from serverless. Migrate to **[DeepSeek V4 Flash (0731)](…)**."
    v4 = cards["fireworks/DeepSeek V4 Flash"]
    assert row(v4) == ("deprecated", "2026-08-14", None, "DeepSeek V4 Flash (0731)")
    assert v4.section == "Serverless deprecation: DeepSeek V4 Flash"
    # 2026-06-26: "**Kimi K2.5** and **Qwen 3.6 Plus** are deprecated", successors from the migration bullets
    assert row(cards["fireworks/Kimi K2.5"]) == ("deprecated", "2026-06-26", None, "Kimi K2.6")
    assert row(cards["fireworks/Qwen 3.6 Plus"]) == ("deprecated", "2026-06-26", None, "Qwen 3.7 Plus")
    assert row(cards["fireworks/MiniMax M2.5"]) == ("deprecated", "2026-06-17", None, "MiniMax M2.7")


def test_fireworks_decommission_notice_retires_its_bullets():
    parsed, cards = read(FIREWORKS)
    # "decommissioned on **May 14, 2026**": before the fetch day (2026-08-20), so retired
    assert row(cards["fireworks/DeepSeek V3.1"]) == ("retired", "2026-05-14", "2026-05-14", "Kimi K2.6, GLM 5.1")
    assert row(cards["fireworks/Llama 3.3 70B Instruct"]) == ("retired", "2026-05-14", "2026-05-14", "GPT-OSS 120B")
    assert cards["fireworks/Qwen3 VL 30B A3B Thinking"].successor == "Kimi K2.6"
    assert cards["fireworks/GLM 5"].section == "Serverless deprecation: legacy models removed May 14, 2026"
    retired = {k for k, c in cards.items() if c.retirement_date == "2026-05-14"}
    assert len(retired) == 8
    # features deprecated without a model in bold (audio inference, Document Inlining, Build SDK) give no card;
    # the models a migration points to are no cards of their own
    assert len(cards) == 4 + 8
    assert not {"fireworks/Kimi K2.6", "fireworks/GLM 5.1", "fireworks/Document Inlining"} & set(cards)


# --- Perplexity ------------------------------------------------------------------------------------------

PERPLEXITY = "docs.perplexity.ai/docs/resources/changelog.md"


def test_perplexity_models_the_changelog_ends():
    parsed, cards = read(PERPLEXITY, fetched=datetime(2026, 8, 22, tzinfo=timezone.utc))
    # July 2026: "`google/gemini-3.1-flash-lite-preview` has been retired … Use `google/gemini-3.1-flash-lite` instead"
    lite = cards["perplexity/google/gemini-3.1-flash-lite-preview"]
    assert row(lite) == ("retired", "2026-07", None, "google/gemini-3.1-flash-lite")
    assert lite.section == "Retired: Gemini 3.1 Flash Lite Preview"
    # March 2026: "As of March 20, 2026, `google/gemini-2.5-flash` has been deprecated and removed from the API."
    assert row(cards["perplexity/google/gemini-2.5-flash"]) == ("retired", "2026-03", "2026-03-20", None)
    # December 2025: "As of December 15, 2025, the `sonar-reasoning` model has been deprecated and removed …
    # we recommend migrating to `sonar-reasoning-pro`"
    assert row(cards["perplexity/sonar-reasoning"]) == ("retired", "2025-12", "2025-12-15", "sonar-reasoning-pro")
    # August 2025: "as of August 1, 2025, R1-1776 will be removed" … "switching to `Sonar Pro Reasoning`"
    assert row(cards["perplexity/R1-1776"]) == ("retired", "2025-08", "2025-08-01", "Sonar Pro Reasoning")
    # January 2025: "as of February 22, 2025 … The following model names will no longer be available via API:"
    huge = cards["perplexity/llama-3.1-sonar-huge-128k-online"]
    assert row(huge) == ("retired", "2025-01", "2025-02-22", None)  # ("Sonar or Sonar Pro": no ids)
    # the Sonar Chat Completions migration (tagged Deprecation) names no model
    assert len(cards) == 21


def test_perplexity_dates_it_cannot_settle_stay_unread():
    parsed, cards = read(PERPLEXITY, fetched=datetime(2026, 8, 22, tzinfo=timezone.utc))
    # "`google/gemini-2.5-pro` followed on April 1, along with `google/gemini-3-pro-preview`": no year
    for mid in ("google/gemini-2.5-pro", "google/gemini-3-pro-preview"):
        assert row(cards[f"perplexity/{mid}"]) == ("retired", "2026-03", None, None)
    # July 2024: "no longer be accessible effective 8/12/2024": the page has no numeric date whose order it
    # settles, so the day is left unread; the models are deprecated as of the entry, successors the family list
    old = cards["perplexity/llama-3-sonar-small-32k-online"]
    assert (old.status, old.deprecation_date, old.retirement_date) == ("deprecated", "2024-07", None)
    assert old.successor.split(", ") == [
        "llama-3.1-sonar-small-128k-online", "llama-3.1-sonar-large-128k-online",
        "llama-3.1-sonar-small-128k-chat", "llama-3.1-sonar-large-128k-chat",
        "llama-3.1-70b-instruct", "llama-3.1-8b-instruct"]
    # the models that July entry launched are not deprecated by it (only January 2025 ends them)
    assert cards["perplexity/llama-3.1-sonar-small-128k-online"].deprecation_date == "2025-01"
    assert "perplexity/llama-3.1-sonar-small-128k-chat" not in cards
    # April 2024: "as of May 14, several models … will no longer be accessible" (no year)
    assert row(cards["perplexity/pplx-7b-online"]) == ("deprecated", "2024-04", None, None)
    # mistral-7b-instruct is in both lists: the newer (July 2024) entry leads
    assert cards["perplexity/mistral-7b-instruct"].deprecation_date == "2024-07"
    notes = " | ".join(parsed.notes)
    assert "'8/12/2024'" in notes and "day/month order" in notes
    assert "'May 14'" in notes and "'April 1'" in notes


# --- Z.ai ------------------------------------------------------------------------------------------------

def test_zai_pricing_lists_the_models_offered():
    parsed, cards = read("docs.z.ai/guides/overview/pricing.md")
    assert all(c.status == "active" and c.organization == "Z.ai" for c in parsed.cards)
    assert cards["z-ai/GLM-5.3"].section == "Pricing › Models › Text Models"
    assert cards["z-ai/GLM-4-32B-0414-128K"].section == "Pricing › Models › Text Models"
    assert cards["z-ai/GLM-4.6V-Flash"].section == "Pricing › Models › Vision Models"
    assert cards["z-ai/CogVideoX-3"].section == "Pricing › Models › Video Generation Models"
    assert cards["z-ai/GLM-ASR-2512"].section == "Pricing › Models › Audio Models"
    # 15 text, 6 vision, 2 image, 7 video, 1 audio; the tools ("Web Search") and agents tables are no models
    assert len(cards) == 15 + 6 + 2 + 7 + 1
    assert not {"z-ai/Web Search", "z-ai/General-Purpose Translation"} & set(cards)


def test_zai_release_notes_give_release_days():
    parsed, cards = read("docs.z.ai/release-notes/new-released.md")
    assert len(cards) == 18  # one per <Update>; the page deprecates nothing
    glm53 = cards["z-ai/GLM-5.3"]  # <Update label="2026-08-18" description="  GLM-5.3">
    assert (glm53.release_date, glm53.status, glm53.section) == ("2026-08-18", None, "New Released › Models")
    assert cards["z-ai/GLM-4.7-Flash"].release_date == "2026-01-19"
    assert cards["z-ai/CogVideoX-3"].release_date == "2025-07-15"
    assert cards["z-ai/GLM-4.5 Series"].release_date == "2025-07-28"  # a series, as the page names it


# --- MiniMax ---------------------------------------------------------------------------------------------

def test_minimax_api_overview():
    parsed, cards = read("platform.minimax.io/docs/api-reference/api-overview.md")
    m3 = cards["minimax/MiniMax-M3"]
    assert (m3.status, m3.section, m3.organization) == ("active", "API Overview › LLM", "MiniMax")
    assert cards["minimax/MiniMax-M2.1-highspeed"].status == "active"
    assert cards["minimax/MiniMax-H3"].section == "API Overview › MiniMax-H3"  # heading "MiniMax-H3 \<NEW>"
    # speech models are listed under four APIs: one card, the first section
    assert cards["minimax/speech-02-hd"].section == "API Overview › Text to Speech"
    assert cards["minimax/image-01"].status == "active"
    # "The free music generation APIs (Music-3.0-free, Music-2.6-free, music-cover-free) will be discontinued."
    for mid in ("Music-3.0-free", "Music-2.6-free", "music-cover-free"):
        c = cards[f"minimax/{mid}"]
        assert (c.status, c.retirement_date, c.section) == ("deprecated", None, "API Overview › Music Generation")
    # "Starting August 20, 2026, the paid APIs … will no longer be available to new users": music-3.0 stays
    assert cards["minimax/music-3.0"].status == "active"
    assert any("August 20, 2026" in n for n in parsed.notes)
    assert len(cards) == 8 + 1 + 6 + 1 + 1 + 3
    assert "minimax/1. Chinese" not in cards  # (the supported-languages table)


def test_minimax_release_notes():
    parsed, cards = read("platform.minimax.io/docs/release-notes/models.md")
    h3 = cards["minimax/MiniMax H3"]  # "#### Jul. 31, 2026" over <Card title="MiniMax H3" …>
    assert (h3.release_date, h3.status) == ("2026-07-31", None)
    assert cards["minimax/Music-2.6"].release_date == "2026-04"  # "#### Apr. 2026"
    assert cards["minimax/Music-1.5"].release_date == "2025-09-11"  # "#### Sept. 11, 2025"
    # "Speech-02-turbo / Speech-02-hd" names two models
    assert cards["minimax/Speech-02-turbo"].release_date == cards["minimax/Speech-02-hd"].release_date == "2025-04-02"
    assert cards["minimax/MiniMax-VL-01"].release_date == "2025-01-15"
    assert len(cards) == 22 + 3  # 22 cards, three of them naming two models


# --- the <Update> reader, the registry, the bundled captures --------------------------------------------

def test_update_entries_keep_label_description_and_tags():
    text = (REPLAY / PERPLEXITY).read_text()
    entries = updates(text)
    assert len(entries) == text.count("<Update label=")
    dec = next(u for u in entries if u.label == "December 2025")
    assert dec.tags == ["Models", "Deprecation", "Search"]
    assert dec.lines[0] == "**Model Deprecation: `sonar-reasoning` Removed**"
    z = updates((REPLAY / "docs.z.ai/release-notes/new-released.md").read_text())
    assert (z[0].label, z[0].description) == ("2026-08-18", "GLM-5.3")


def test_every_markdown_page_of_the_set_is_registered():
    for key in ("docs.fireworks.ai/updates/changelog.md", PERPLEXITY, "docs.z.ai/guides/overview/pricing.md",
                "docs.z.ai/release-notes/new-released.md", "platform.minimax.io/docs/release-notes/models.md",
                "platform.minimax.io/docs/api-reference/api-overview.md"):
        assert (REPLAY / key).exists()
        assert deprecations.is_card_url(f"https://{key}"), key
    # a lifecycle page's card leads an overview's of the same vendor
    _, rn = read("docs.z.ai/release-notes/new-released.md")
    _, pr = read("docs.z.ai/guides/overview/pricing.md")
    assert deprecations.card_rank(pr["z-ai/GLM-5.3"]) < deprecations.card_rank(rn["z-ai/GLM-5.3"])


@pytest.mark.parametrize("key", sorted(deprecations.PAGES))
def test_bundled_capture_of_every_registered_page_gives_cards(key):
    """The quick start (`refresh --replay`, bundled captures/) parses every registered page: each capture
    must give cards, or the run would go partial."""
    path = CAPTURES / key
    if not path.is_file():
        path = path / "index.html"
    parsed = deprecations.parse(path.read_bytes(), f"https://{key}", FETCHED)
    assert parsed.cards and not parsed.problems, (key, parsed.problems)
