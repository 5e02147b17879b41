"""The records modeltrail produces: one ModelCard per model per source page, schema version 1.

These names are the public contract of `modeltrail parse` and of the warehouse's tables.

Dates are ISO 8601 strings that keep the precision the source stated: "2025" (year), "2025-01" (month)
or "2025-01-31" (day). A page saying "Jan/2025" never becomes "2025-01-01". They sort correctly as text
and compare correctly against a day with `starts_with`/prefix logic.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints,
                      ValidationError, field_validator, model_validator)

from modeltrail.pipelines.twins import Fast, Record, attach, by_tag, pattern, strict_number, twin, zero_or_at_least

SCHEMA_VERSION = 1

Status = Literal["active", "preview", "deprecated", "retired"]
Architecture = Literal["dense", "moe"]
Unit = Literal["percent", "elo", "index", "score"]
PriceKind = Literal[
    # per token (usd_per_million_tokens)
    "input", "output", "cache_read", "cache_write", "batch_input", "batch_output",
    "audio_input", "audio_output", "image_input", "image_output", "reasoning",
    "audio_cache_read", "audio_cache_write", "citation",
    # per something else (usd_per_unit, with its unit)
    "request", "image", "web_search", "audio",
    "input_image", "output_image", "input_pixel", "output_pixel",
    "input_character", "output_character", "input_second", "output_second",
    "audio_input_second", "audio_output_second", "video_input_second", "video_output_second",
    "query", "page",
]
#: What a price is counted in. Token prices are per million tokens; the others per one of their unit.
PriceUnit = Literal["1M tokens", "request", "image", "search", "unit", "pixel", "character", "second", "query",
                    "page"]
#: The unit of each per-unit kind (every other kind is per million tokens). "image" is an input image
#: (OpenRouter's `image`); "input_image" / "output_image" say which side (LiteLLM's per-image prices:
#: an image read, an image generated). "*_second" kinds are per second of audio, video or call time.
UNIT_OF_KIND = {"request": "request", "image": "image", "web_search": "search", "audio": "unit",
                "input_image": "image", "output_image": "image", "input_pixel": "pixel", "output_pixel": "pixel",
                "input_character": "character", "output_character": "character",
                "input_second": "second", "output_second": "second",
                "audio_input_second": "second", "audio_output_second": "second",
                "video_input_second": "second", "video_output_second": "second",
                "query": "query", "page": "page"}

#: Closed vocabulary of capabilities. A source's wording maps onto these in normalize.CAPABILITY_WORDS.
CAPABILITIES = (
    "function_calling", "structured_outputs", "reasoning", "streaming", "vision", "batch",
    "developer_messages", "system_messages", "web_search", "image_generation", "audio", "fine_tuning",
    "coding", "multilingual",
)
MODALITIES = ("text", "image", "audio", "video", "file")

_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
#: its twin in pydantic-core (Rust regex): ASCII digits only (Python's \d takes any script's digits, and its
#: `$` a final newline: those go to the validator) and no control character
_DATE_ASCII = _DATE_RE.pattern.replace(r"\d", "[0-9]")

# --- bounds: every value a card holds fits the warehouse's column and means something --------------
#: the longest text a card field holds (names, ids, versions, …: the longest real one is under 100)
MAX_TEXT = 1000
#: the longest url
MAX_URL = 4096
#: the warehouse stores counts as BIGINT
BIGINT_MAX = 2**63 - 1
#: a context window or output limit beyond this is no model's (the largest stated is 10M tokens)
MAX_TOKENS = 10**10
#: the largest amount of a price (USD per million tokens, or per unit) a card may state
MAX_PRICE = 10**6
#: the smallest non-zero amount: below it is float noise or a denormal (5e-324), not a price
MIN_PRICE = 1e-9
#: a score beyond this (any unit) is no benchmark's
MAX_SCORE = 10**9
#: characters a text field never holds: C0 and C1 controls, DEL, the bidi overrides (a page's ESC
#: sequence, a NUL byte); parsers drop them (normalize.plain_text), a file of cards is refused
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
#: a text holding none of them, as pydantic-core's pattern (Rust regex: each character written \x{…})
NO_CONTROL = "^[^" + "".join(c if c == "-" else f"\\x{{{ord(c):X}}}" for c in CONTROL_RE.pattern[1:-1]) + "]*$"


@twin(pattern(NO_CONTROL))
def _plain(v: str) -> str:
    bad = CONTROL_RE.search(v)
    if bad:
        raise ValueError(f"control character U+{ord(bad.group()):04X} at position {bad.start()} (text only)")
    return v


@twin(strict_number)
def _number(v: Any) -> Any:
    """true/false and text are not numbers (pydantic would take `true` as 1 and "5" as 5)."""
    if isinstance(v, (bool, str)):
        raise ValueError(f"a number is needed, not {type(v).__name__} {v!r}"[:120])
    return v


@twin(zero_or_at_least(MIN_PRICE))
def _price_amount(v: float | None) -> float | None:
    if v is not None and 0 < v < MIN_PRICE:
        raise ValueError(f"{v!r} is below {MIN_PRICE} (float noise, not a price)")
    return v


Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_plain)]
Url = Annotated[str, StringConstraints(max_length=MAX_URL), AfterValidator(_plain)]


def _aware(v: datetime) -> datetime:  # (no twin: pydantic-core's time zone constraint costs more than this)
    if v.tzinfo is None:
        raise ValueError("fetched_at must carry a time zone")
    return v


#: when a page was fetched: an instant, so with its time zone
FetchTime = Annotated[datetime, AfterValidator(_aware)]
Tokens = Annotated[int, BeforeValidator(_number), Field(gt=0, le=MAX_TOKENS)]
Count = Annotated[int, BeforeValidator(_number), Field(gt=0, le=BIGINT_MAX)]
Amount = Annotated[float, BeforeValidator(_number), Field(ge=0, le=MAX_PRICE), AfterValidator(_price_amount)]


class Strict(BaseModel, metaclass=Record):
    """A record: every value checked, nothing unknown. Made (`Price(...)`, `model_validate`) in one pass of
    pydantic-core by its fast validator (pipelines/twins.py: the validators above replaced by their twins);
    what that one refuses, the model's own validator judges again (so an error is always the one it
    raised, word for word). Assignment and everything else is pydantic's own."""
    # allow_inf_nan=False: NaN, Infinity are no value (and DOUBLE columns would keep them)
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True, allow_inf_nan=False)
    #: the fast validator (set on each record class by twins.attach; None: the model's own only)
    __pydantic_fast__: ClassVar[Fast | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        attach(cls)

    @classmethod
    def model_rebuild(cls, **options: Any) -> bool | None:
        """pydantic's; the fast validator made again from the rebuilt schema."""
        rebuilt = super().model_rebuild(**options)
        if "__pydantic_fast__" in cls.__dict__:  # (not before the class's own is made, at its creation)
            attach(cls)
        return rebuilt

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Any:
        """pydantic's, through the fast validator first (when no option asks for another validation)."""
        fast = cls.__pydantic_fast__
        if not options and type(obj) is dict and fast is not None and fast.of is cls.__pydantic_validator__:
            try:
                return fast.validate(obj)
            except ValidationError:
                pass
        return super().model_validate(obj, **options)


#: a Stated value's provenance: the page that stated it (private attributes, None until a parser sets them)
PROVENANCE = ("_url", "_page_sha256")


class Stated(Strict):
    """A value that may come from another page than its card (a source's cards can merge several
    pages): the page that stated it, kept for provenance and left out of the public JSON.

    Its private attributes are made when first set, not at every validation: pydantic would give each
    instance its private dict through a Python post-init hook (~3 us of a Price's or Benchmark's ~4 us;
    a card holds a dozen of them). Unset, both read as None, as their defaults said."""
    _url: str | None = PrivateAttr(default=None)
    _page_sha256: str | None = PrivateAttr(default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # (the post-init hook pydantic installs only sets the private attributes' defaults: without it,
        # the validator leaves __pydantic_private__ None, and pydantic makes the dict at the first set)
        cls.__pydantic_post_init__ = None
        cls.model_rebuild(force=True)
        super().__pydantic_init_subclass__(**kwargs)  # (the fast validator, of the rebuilt schema)

    def __getattr__(self, item: str) -> Any:
        if item in PROVENANCE:
            return (self.__pydantic_private__ or {}).get(item)
        return super().__getattr__(item)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in PROVENANCE and self.__pydantic_private__ is None:  # (both present once one is set, as before)
            object.__setattr__(self, "__pydantic_private__", dict.fromkeys(PROVENANCE))
        super().__setattr__(name, value)


class Price(Stated):
    kind: PriceKind
    """What is billed: input, output, cache_read, … tokens; or a request, an image, a web search."""
    usd_per_million_tokens: Amount | None = None
    """Price in US dollars per one million tokens (non-USD prices are rejected, never converted); None
    for a kind priced per request / image / search / unit, and for a variable price."""
    tier: Text | None = None
    """A price tier the source names (e.g. "standard", "batch", "302ai"); None when there is one."""
    unit: PriceUnit = "1M tokens"
    """What the price is counted in: "1M tokens" for token kinds, else the kind's own unit."""
    usd_per_unit: Amount | None = None
    """Price in US dollars per one `unit` (request, image, search, unit, pixel, character, second, query,
    page); None for token kinds."""
    variable: bool = False
    """The source says the price varies (a router picks the model): no amount is stated."""

    @model_validator(mode="after")
    def _one_amount(self) -> "Price":
        unit = UNIT_OF_KIND.get(self.kind, "1M tokens")
        if self.unit != unit:
            raise ValueError(f"a {self.kind} price is counted per {unit}, not per {self.unit}")
        amount, other = ((self.usd_per_million_tokens, self.usd_per_unit) if unit == "1M tokens"
                         else (self.usd_per_unit, self.usd_per_million_tokens))
        if other is not None:
            raise ValueError(f"a {self.kind} price per {unit} has an amount in the other unit")
        if self.variable and amount is not None:
            raise ValueError(f"a variable {self.kind} price states no amount")
        if not self.variable and amount is None:
            raise ValueError(f"a {self.kind} price needs an amount (or variable=true)")
        return self


class Benchmark(Stated):
    benchmark: Text | None
    """Canonical key from normalize.BENCHMARKS (e.g. "gpqa_diamond"); None when the name is unknown."""
    setting: Text | None = None
    """The setting the score was taken at, e.g. reasoning effort "high"; None when not stated."""
    value: Annotated[float, BeforeValidator(_number), Field(ge=-MAX_SCORE, le=MAX_SCORE)]
    unit: Unit
    reported_name: Text
    """The benchmark's name exactly as the source wrote it."""

    @model_validator(mode="after")
    @twin(by_tag("unit", {"percent": {"value": {"ge": 0, "le": 100}}, "elo": {"value": {"ge": 0}}}),
          top_only=True)
    def _range(self) -> "Benchmark":
        if self.unit == "percent" and not 0 <= self.value <= 100:
            raise ValueError(f"percent value {self.value} is outside 0..100 for {self.reported_name!r}")
        if self.unit == "elo" and self.value < 0:
            raise ValueError(f"Elo value {self.value} is negative for {self.reported_name!r}")
        return self


class ModelCard(Strict):
    # (lists default to a fresh empty one, made by pydantic itself: a `[]` default is deep-copied in
    # Python for every card that lacks it, ~1 us a list)
    # identity
    source: Text
    source_model_id: Text
    """The id exactly as the source publishes it (e.g. "o3-mini-2025-01-31")."""
    model_id: Text | None
    """Canonical id, e.g. "openai/o3-mini", as the bundled aliases map it (see modeltrail.pipelines.identity); None
    when nothing maps. Shown by `modeltrail parse`; a load does not keep it: the warehouse maps each
    source id itself (model_identity, with the user's aliases too)."""
    name: Text
    organization: Text | None = None
    url: Url
    version: Text | None = None
    # lifecycle
    release_date: Text | None = None
    """When the vendor released the model."""
    listed_date: Text | None = None
    """When this source listed the model (an aggregator's "created"), which is not its release date."""
    status: Status | None = None
    deprecation_date: Text | None = None
    retirement_date: Text | None = None
    successor: Text | None = None
    # specs
    context_window: Tokens | None = None
    max_output_tokens: Tokens | None = None
    input_modalities: list[Text] = Field(default_factory=list)
    output_modalities: list[Text] = Field(default_factory=list)
    capabilities: list[Text] = Field(default_factory=list)
    reasoning_efforts: list[Text] = Field(default_factory=list)
    training_cutoff: Text | None = None
    parameters: Count | None = None
    training_tokens: Count | None = None
    architecture: Architecture | None = None
    license: Text | None = None
    hugging_face_id: Text | None = None
    """The model's Hugging Face repository (e.g. "meta-llama/Llama-3.1-8B"), as the source names it."""
    # catalog offerings (LiteLLM, models.dev): who serves this entry, and how
    provider: Text | None = None
    """Who serves this offering, as the catalog names it (LiteLLM's `litellm_provider`, models.dev's
    provider id: "azure", "bedrock", "vertex_ai-anthropic_models"); None when the source is the vendor."""
    mode: Text | None = None
    """What the entry is for, as the catalog says: "chat", "embedding", "image_generation", "rerank", …"""
    regions: list[Text] = Field(default_factory=list)
    """Regions the offering is served in, as the catalog names them."""
    open_weights: Annotated[bool, Field(strict=True)] | None = None
    """The catalog states the model's weights are (True) or are not (False) published."""
    last_updated: Text | None = None
    """When the catalog says it last updated the entry (models.dev's `last_updated`)."""
    # lifecycle pages (the `deprecations` source)
    section: Text | None = None
    """The page section a lifecycle fact was read from (e.g. "2025-04-28: o1-preview and o1-mini")."""
    retirement_qualifier: Text | None = None
    """How the page qualifies the retirement date, in its words ("earliest possible"); None when the date
    is stated plainly."""
    prices: list[Price] = Field(default_factory=list)
    benchmarks: list[Benchmark] = Field(default_factory=list)
    stated_empty: list[Text] = Field(default_factory=list)
    """Fields the page states have no value (a JSON null, an empty string): history records them as
    changed to NULL. A field a card merely lacks is *unstated* (the template moved, the key vanished)
    and keeps its last stated value in history; see warehouse/db.py."""
    # provenance
    fetched_at: FetchTime
    page_sha256: Text
    parser_version: Text

    @field_validator("release_date", "listed_date", "deprecation_date", "retirement_date", "training_cutoff",
                     "last_updated")
    @classmethod
    @twin(pattern(_DATE_ASCII, narrowing=NO_CONTROL))
    def _iso_partial_date(cls, v: str | None) -> str | None:
        if v is not None and not _DATE_RE.match(v):
            raise ValueError(f"date {v!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return v

    @field_validator("capabilities")
    @classmethod
    def _closed_capabilities(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(CAPABILITIES))
        if unknown:
            raise ValueError(f"capabilities outside the vocabulary: {unknown}")
        return sorted(set(v))

    @field_validator("input_modalities", "output_modalities")
    @classmethod
    def _modalities(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(MODALITIES))
        if unknown:
            raise ValueError(f"modalities outside the vocabulary: {unknown}")
        return sorted(set(v))

    @field_validator("regions")
    @classmethod
    def _sorted_set(cls, v: list[str]) -> list[str]:
        return sorted(set(v))

    @field_validator("reasoning_efforts")
    @classmethod
    def _sorted(cls, v: list[str]) -> list[str]:
        order = {"minimal": 0, "low": 1, "medium": 2, "high": 3, "xhigh": 4}
        return sorted(set(v), key=lambda e: (order.get(e, 99), e))

    @field_validator("stated_empty")
    @classmethod
    def _card_fields(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(cls.model_fields) - {"prices", "benchmarks"})
        if unknown:
            raise ValueError(f"not card fields: {unknown}")
        return sorted(set(v))


class ProviderFacts(Strict):
    """A catalog's facts about one provider itself (models.dev: a provider's name, API base, docs link, env
    variables, npm package): they describe the provider, not a model, so they are kept once per provider
    (warehouse table providers_history), never on each card. Sourced like a card."""
    source: Text
    provider: Text
    """The provider's id as the catalog keys it ("openrouter", "google-vertex")."""
    name: Text | None = None
    api: Url | None = None
    """The provider's API base url, as stated."""
    doc: Url | None = None
    """The provider's docs link, as stated."""
    env: list[Text] = []
    """The environment variables the catalog says hold the provider's key, in the catalog's order."""
    npm: Text | None = None
    """The npm package the catalog names for the provider (models.dev: an AI SDK provider package)."""
    # provenance
    url: Url
    fetched_at: FetchTime
    page_sha256: Text


class InvalidValue(ValueError):
    """A value on a page that the records refuse; says which source, url and field."""

    def __init__(self, source: str, url: str, field: str, message: str):
        self.source, self.url, self.field = source, url, field
        super().__init__(f"{source}: {url}: field {field}: {message}")
