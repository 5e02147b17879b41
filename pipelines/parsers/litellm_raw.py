"""LiteLLM's map as it is written: the pydantic models of an entry's raw shape, and the vocabulary that
reads its open-ended keys (price keys and their tier suffixes, `supports_*` flags, the keys no card field
carries). pipelines/parsers/litellm.py reads an entry through them into a card."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pydantic import model_validator

from modeltrail.pipelines.parsers.base import RawUpstream

_Num = Decimal  # pydantic reads a Decimal, an int or a numeric string ("2.5e-06") into it
_Limit = int | Decimal | str

#: LiteLLM price key -> price kind (records.PriceKind). Keys ending in a tier suffix (TIER_SUFFIX) are
#: the same kind in that tier.
PRICE_KEYS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "input_cost_per_token_cache_hit": "cache_read",  # DeepSeek's older name for the same price
    "cache_creation_input_token_cost": "cache_write",
    "input_cost_per_token_batches": "batch_input",
    "input_cost_per_token_batch_requests": "batch_input",  # Vertex AI embeddings' batch price
    "output_cost_per_token_batches": "batch_output",
    "output_cost_per_reasoning_token": "reasoning",
    "input_cost_per_audio_token": "audio_input",
    "output_cost_per_audio_token": "audio_output",
    "cache_read_input_audio_token_cost": "audio_cache_read",
    "cache_creation_input_audio_token_cost": "audio_cache_write",
    "input_cost_per_image_token": "image_input",
    "output_cost_per_image_token": "image_output",
    "citation_cost_per_token": "citation",
    # per something else than a token
    "input_cost_per_image": "input_image",
    "output_cost_per_image": "output_image",
    "input_cost_per_pixel": "input_pixel",
    "output_cost_per_pixel": "output_pixel",
    "input_cost_per_character": "input_character",
    "output_cost_per_character": "output_character",
    "input_cost_per_second": "input_second",
    "output_cost_per_second": "output_second",
    "input_cost_per_audio_per_second": "audio_input_second",
    "output_cost_per_audio_per_second": "audio_output_second",
    "input_cost_per_video_per_second": "video_input_second",
    "output_cost_per_video_per_second": "video_output_second",
    "input_cost_per_query": "query",
    "input_cost_per_request": "request",
    "ocr_cost_per_page": "page",
}
#: a price key's tier suffix: a threshold (`_above_128k_tokens`) or a service tier (`_flex`, `_priority`)
TIER_SUFFIX = re.compile(r"^(?P<base>[a-z_]+?)_(?P<tier>above_[a-z0-9_.]+|flex|priority)$")

#: supports_* flag -> capability (records.CAPABILITIES); None: read, but no word of the vocabulary says it
SUPPORTS = {
    "supports_function_calling": "function_calling",
    "supports_parallel_function_calling": "function_calling",
    "supports_tool_choice": "function_calling",
    "supports_response_schema": "structured_outputs",
    "supports_reasoning": "reasoning",
    "supports_vision": "vision",
    "supports_system_messages": "system_messages",
    "supports_web_search": "web_search",
    "supports_native_streaming": "streaming",
    "supports_audio_input": "audio",
    "supports_audio_output": "audio",
    "supports_prompt_caching": None,
    "supports_assistant_prefill": None,
    "supports_computer_use": None,
    "supports_pdf_input": None,
    "supports_video_input": None,
    "supports_image_input": None,
    "supports_embedding_image_input": None,
    "supports_url_context": None,
}
#: supports_* flag -> (which side, modality) it states
FLAG_MODALITIES = {
    "supports_vision": ("input_modalities", "image"),
    "supports_image_input": ("input_modalities", "image"),
    "supports_embedding_image_input": ("input_modalities", "image"),
    "supports_pdf_input": ("input_modalities", "file"),
    "supports_video_input": ("input_modalities", "video"),
    "supports_audio_input": ("input_modalities", "audio"),
    "supports_audio_output": ("output_modalities", "audio"),
}
#: modes that are text APIs: text in, text out
TEXT_MODES = {"chat", "completion", "responses"}

#: keys LiteLLM publishes that no card field carries (limits per prompt, rate limits, notes, LiteLLM's
#: own sources and prices in Databricks units, not USD): read, deliberately not kept, not "unknown"
NOT_CARRIED = {
    "metadata", "source", "tpm", "rpm", "rpd", "output_vector_size", "tool_use_system_prompt_tokens",
    "max_images_per_prompt", "max_videos_per_prompt", "max_video_length", "max_audio_length_hours",
    "max_audio_per_prompt", "max_pdf_size_mb", "max_query_tokens", "max_document_chunks_per_query",
    "max_tokens_per_document_chunk", "input_dbu_cost_per_token", "output_dbu_cost_per_token",
    "output_db_cost_per_token",
}


@lru_cache(maxsize=4096)
def price_kind(key: str) -> tuple[str, str | None] | None:
    """(kind, tier) of a LiteLLM price key, or None when the key is no price this parser knows."""
    if key in PRICE_KEYS:
        return PRICE_KEYS[key], None
    if (m := TIER_SUFFIX.match(key)) and m.group("base") in PRICE_KEYS:
        return PRICE_KEYS[m.group("base")], m.group("tier")
    return None


def _gather(data: Any) -> Any:
    """Move an entry's price keys into `costs` and its supports_* flags into `flags` (their names are
    open-ended: a new threshold, a new flag)."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    costs = {k: data.pop(k) for k in list(data) if price_kind(k) is not None and data[k] is not None}
    flags = {k: data.pop(k) for k in list(data) if k in SUPPORTS and data[k] is not None}
    for k in [k for k in data if price_kind(k) is not None or k in SUPPORTS]:
        data.pop(k)  # null: not stated
    return {**data, "costs": costs, "flags": flags}


class RawTier(RawUpstream):
    """One range of `tiered_pricing`: [from, to] tokens (to null: open) and its prices."""
    range: list[_Limit | None] | None = None
    costs: dict[str, _Num] = {}

    @model_validator(mode="before")
    @classmethod
    def _gathered(cls, data: Any) -> Any:
        return _gather(data)


class RawEntry(RawUpstream):
    litellm_provider: str | None = None
    mode: str | None = None
    max_tokens: _Limit | None = None
    max_input_tokens: _Limit | None = None
    max_output_tokens: _Limit | None = None
    deprecation_date: str | None = None
    supported_modalities: list[str] | None = None
    supported_output_modalities: list[str] | None = None
    supported_regions: list[str] | None = None
    supported_endpoints: list[str] | None = None
    search_context_cost_per_query: dict[str, _Num] | None = None
    tiered_pricing: list[RawTier] | None = None
    costs: dict[str, _Num] = {}
    flags: dict[str, bool] = {}

    @model_validator(mode="before")
    @classmethod
    def _gathered(cls, data: Any) -> Any:
        return _gather(data)


#: the fields that make an object a model entry (any one of them)
MODEL_FIELDS = {"litellm_provider", "mode", "max_tokens", "max_input_tokens", "max_output_tokens",
                "search_context_cost_per_query", "tiered_pricing"}
