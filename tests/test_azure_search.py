"""The Azure catalog's search API parser: the promised shape only (entities with annotations,
systemCatalogData and properties), loose types, stated lifecycle dates, drift as notes."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from modeltrail.pipelines.parsers import azure

URL = "https://ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion#page=1"
NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def entity(name, version="1", registry="azureml", **catalog):
    return {"entityResourceName": registry, "annotations": {"name": name, "labels": ["latest"],
            "systemCatalogData": catalog}, "properties": {"name": name, "version": version}}


def page(*entities, token=""):
    return json.dumps({"indexEntitiesResponse": {"totalCount": len(entities), "value": list(entities),
                                                 "nextSkip": None, "continuationToken": token}}).encode()


def parse(body):
    return azure.parse(body, URL, NOW, "application/json")


def test_every_catalog_fact_of_an_entity():
    (c,) = parse(page(entity(
        "gpt-4.1", "2025-04-14", "azure-openai", displayName="gpt-4.1", publisher="OpenAI", license="Custom",
        textContextWindow=1047576, maxOutputTokens="32768", inputModalities="text, image",
        outputModalities=["text"], modelCapabilities=["function-calling", "streaming", "agents"],
        languages=["en", "fr", "de"], trainingDataDate="2024-05-31T00:00:00Z", lifecycle="GenerallyAvailable",
        inferenceDeprecationDate="2026-04-14T00:00:00Z", inferenceRetirementDate="2026-10-14"))).cards
    assert (c.source_model_id, c.model_id, c.version, c.organization) == ("gpt-4.1", "openai/gpt-4.1", "2025-04-14", "OpenAI")
    assert (c.context_window, c.max_output_tokens) == (1047576, 32768)
    assert c.input_modalities == ["image", "text"] and c.output_modalities == ["text"]
    assert c.capabilities == ["function_calling", "multilingual", "streaming"]
    assert c.training_cutoff == "2024-05-31" and c.license == "Custom"
    # stated lifecycle dates: deprecated from the first, whatever the lifecycle word said
    assert (c.status, c.deprecation_date, c.retirement_date) == ("deprecated", "2026-04-14", "2026-10-14")
    assert c.url == "https://ai.azure.com/catalog/models/gpt-4.1"


def test_preview_and_lifecycle_words():
    cards = {c.source_model_id: c for c in parse(page(
        entity("a", preview=True), entity("b", lifecycle="Preview"), entity("c", lifecycle="Retired"),
        entity("d", lifecycle="Legacy"), entity("e"))).cards}
    assert {k: c.status for k, c in cards.items()} == {"a": "preview", "b": "preview", "c": "retired",
                                                        "d": "deprecated", "e": None}


def test_bad_values_are_named_and_the_rest_survives_and_drift_is_noted():
    parsed = parse(page(entity("x", textContextWindow={"n": 1}, lifecycle="Sunsetting", newField=1),
                        entity("y", inputModalities=["text", "smell"], newField=2),
                        {"annotations": "not an object"}, {"properties": {"version": "1"}}))
    cards = {c.source_model_id: c for c in parsed.cards}
    assert sorted(cards) == ["x", "y"] and cards["x"].context_window is None
    assert cards["y"].input_modalities == ["text"]
    fields = {p.field for p in parsed.problems}
    assert {"x: annotations.systemCatalogData.textContextWindow", "status", "input_modalities"} <= fields
    assert parsed.notes == ["upstream keys not read: systemCatalogData.newField (2 cards)"]


def test_a_page_that_is_not_a_search_response_gives_no_card():
    for body in (b'{"error": {"code": "Throttled"}}', b"<html>", b'{"indexEntitiesResponse": []}'):
        parsed = parse(body)
        assert parsed.cards == [] and parsed.problems, body


def test_the_shared_azure_pages_and_the_captured_api_agree(tmp_path):
    """The captured search API holds the models of ../shared/pages/ with what their pages state."""
    from tests.conftest import CAPTURES, SHARED
    folder = CAPTURES / "ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"
    cards = {c.source_model_id: c for f in folder.glob("*.json") for c in parse(f.read_bytes()).cards}
    for page_file in (SHARED / "pages").glob("ai.azure.com_*.txt"):
        url = page_file.read_text().splitlines()[0].removeprefix("URL: ").strip()
        name = url.rsplit("/", 1)[1]
        assert name in cards, name
        text = page_file.read_text()
        if cards[name].version:
            assert f"Version: {cards[name].version}" in text
        if cards[name].organization:
            assert f"{cards[name].organization}Last updated" in text


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                     max_leaves=20)
_KEYS = ["displayName", "publisher", "textContextWindow", "maxOutputTokens", "inputModalities", "outputModalities",
         "modelCapabilities", "languages", "trainingDataDate", "lifecycle", "preview", "inferenceDeprecationDate",
         "inferenceRetirementDate", "license"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog=st.dictionaries(st.sampled_from(_KEYS), _json, max_size=6), version=_json)
def test_any_json_in_an_entity_gives_a_card_or_named_problems_never_a_crash(catalog, version):
    body = {"annotations": {"name": "m", "systemCatalogData": catalog}, "properties": {"name": "m", "version": version}}
    parsed = parse(page(body))
    assert [c.source_model_id for c in parsed.cards] == ["m"]


def test_the_api_and_the_model_pages_state_the_same_facts_alike():
    """Falling back from the API to the model pages is no change: wherever both ways state a field of a
    model, they state the same value (the pages titled "OpenAI o1-mini" had made a name change out of the
    API's "o1-mini")."""
    from pathlib import Path

    from modeltrail.pipelines.parsers import azure
    from tests.conftest import CAPTURES
    api_dir = CAPTURES / "ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"
    api = {c.source_model_id: c for f in sorted(api_dir.glob("*.json"))
           for c in azure.parse(f.read_bytes(), URL, NOW, "application/json").cards}
    pages = sorted(p for p in (CAPTURES / "ai.azure.com/catalog/models").iterdir() if p.name != "index.html")
    assert [p.name for p in pages] == ["gpt-4o", "o1-mini", "o3-mini"]
    for page in pages:
        (card,) = azure.parse(Path(page).read_bytes(), f"https://ai.azure.com/catalog/models/{page.name}", NOW,
                              "text/html").cards
        other = api[card.source_model_id]
        assert card.name == other.name == page.name
        for field in ("name", "version", "organization", "context_window", "max_output_tokens", "training_cutoff",
                      "status", "deprecation_date", "retirement_date", "successor", "license"):
            mine, theirs = getattr(card, field), getattr(other, field)
            assert mine is None or theirs is None or mine == theirs, (page.name, field, mine, theirs)
