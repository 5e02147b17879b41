"""Catalog ids read by their grammar: what a reseller, cloud or gateway wrote around a vendor's model name.

`read(source_model_id)` peels an id the way its catalog built it, one named rule at a time, and returns
an `Offering`: the vendor's product key (`gpt-4o`, `claude-3.5-sonnet`, `llama-3.3-70b-instruct`), the
snapshot it names (its `version`: `2024-08-06`, `20241022`, `0528`, `001`), what the id says about the
offering itself (route / provider, region, variant such as `:free`) and the rules that fired, in order:
the reason a match is made (`matched by: bedrock region + bedrock vendor + date suffix`).

The rule of "the same model" (issue 28): the same vendor product, whatever the reseller, cloud, region,
deployment tier or hosting. So routes, regions, Bedrock's `-v1:0`, Vertex's `@` and `-maas`,
OpenRouter's `:free`/`:beta`, and hosting names (Together's `-Turbo` on Llama) fall away;
a dated snapshot becomes the version. A new version number, size, tier (`mini`, `pro`, `plus`) or
base/instruct checkpoint stays in the key: it is another model. Only deterministic rules, no fuzzy
matching: an id the rules do not understand keeps its own name as key, so it joins nothing it should not.

Pure functions, no I/O. The warehouse resolves with these keys after the alias table (modeltrail.pipelines.identity).
`read` goes through an id in four steps: its path (`_path`: author, route, region, orgs), a cloud's own id form
(`_platform_id`: Bedrock's, Vertex's), the product's key (`_product_key`: spellings, hosts' words, the snapshot as
the version) and its vendor (`_vendor_of`); the vocabularies it reads with are pipelines/idvocab.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from modeltrail.pipelines.idvocab import (AUTHOR_FIRST, FIRST_PARTY, OPEN_WEIGHTS, PUBLISHING_ROUTES, REHOST_ORGS,
                                          ROUTERS, ROUTES, VENDOR_ORGS, family)

#: a segment naming an image's quality, size or step count: a price tier of the same model (LiteLLM's
#: hd/1024-x-1792/dall-e-3, 512-x-512/50-steps/stability.stable-diffusion-xl-v0)
_IMAGE_TIER = re.compile(r"^(hd|standard|low|medium|high|\d+-x-\d+|max-x-max|\d+-steps|max-steps)$")
#: a segment naming a capacity commitment: Bedrock's provisioned throughput, a price of the same model
#: (LiteLLM's bedrock/us-east-1/1-month-commitment/anthropic.claude-v2), never who published it
_COMMITMENT = re.compile(r"^(\d+-(month|year)|no)-commitment$")

#: a segment that is a region or deployment scope (LiteLLM's azure/eu/…, bedrock/us-east-1/…, bedrock/*/…: any)
_REGION = re.compile(r"^(eu|us|global|global-standard|data-zone|\*|(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-[a-z]+-\d)$")
#: a host's or vendor's name written before the model's (Databricks' databricks-…, Azure's cohere-…, Cerebras'
#: zai-glm-4.6, Gradient's alibaba-qwen3-32b, GitHub's ai21-jamba-1.5-large)
_HOST_PREFIXES = ("databricks-", "anthropic-", "openai-", "cohere-", "zai-org-", "zai-", "alibaba-", "ai21-",
                  "cerebras-", "groq-")
#: a vendor's or API's name written before a model's own (start of the key, what falls away): NVIDIA's
#: NVIDIA-Nemotron-Nano-9B-v2 (OpenRouter's nemotron-nano-9b-v2), the Gemini API's gemini-gemma-2-27b-it
_NAMED_BEFORE = (("nvidia-nemotron-", "nvidia-"), ("gemini-gemma-", "gemini-"), ("moonshot-kimi-", "moonshot-"),
                 ("moonshotai-kimi-", "moonshotai-"))  # (Alibaba's moonshot-kimi-k2-instruct, Groq's moonshotai-kimi-…)
#: hosts whose name is such a prefix before Llama only (Meta's Llama API: cerebras-llama-4-…), never before their
#: own models (Cerebras' cerebras-gpt)
_LLAMA_HOSTS = ("cerebras-", "groq-")
#: path segments that are plumbing, not names (Fireworks' account path, Bedrock's API flavour)
_PLUMBING = frozenset({"accounts", "fireworks", "models", "invoke", "converse", "converse_like", "llm", "chat",
                       "completion", "text-completion", "@cf", "@hf"})  # (Cloudflare's @cf/meta/…, @hf/…)

_VARIANT = re.compile(r":(?P<v>[a-z][a-z0-9-]*)$")
_SIZE_TAG = re.compile(r":(\d+(?:\.\d+)?[bm])$", re.I)
_BEDROCK = re.compile(r"^(?:(?P<region>us|eu|apac|global|us-gov|jp|au)\.)?"
                      r"(?P<vendor>anthropic|meta|amazon|cohere|mistral|ai21|deepseek|qwen|openai|writer|xai|stability)\."
                      r"(?P<name>.+?)(?:-v(?P<bv>\d+)|-(?P<bn>\d+)(?=:\d+$))?(?::(?P<bm>\d+))?$")
_VERTEX_AT = re.compile(r"^(?P<name>.+)@(?:(?P<release>2\d[01]\d)(?:-(?P<snapshot>\d{3}))?|"
                        r"(?P<version>\d{8}|\d{3}|latest|default))$")

# Snapshot suffixes, tried in order on the key's end.
_SNAPSHOTS = (
    ("date suffix", re.compile(r"^(?P<k>.+?)-(?P<v>20\d\d-\d\d-\d\d)$")),        # gpt-4o-2024-08-06
    ("date suffix", re.compile(r"^(?P<k>.+?)-(?P<v>20\d\d[01]\d[0-3]\d)$")),     # claude-3-5-sonnet-20241022
    ("month-year suffix", re.compile(r"^(?P<k>.+?)-(?P<v>[01]\d-20\d\d)$")),       # command-r-08-2024
    ("snapshot number", re.compile(r"^(?P<k>(gemini|gemma|text-embedding|textembedding).+?|chat-bison.*?|"
                                   r"text-bison.*?)-(?P<v>\d{3})$")),           # gemini-1.5-pro-002, chat-bison-001
    ("month-day suffix", re.compile(r"^(?P<k>(gpt-|deepseek-|o1|o3|o4|chatgpt-|grok-|moonshot-v).+?)"
                                    r"-(?P<v>[01]\d[0-3]\d)$")),                # moonshot-v1-8k-0430
    ("month-day suffix", re.compile(r"^(?P<k>.+-(preview|exp))-(?P<v>[01]\d-?[0-3]\d)$")),  # …-preview-0409
    # codestral-2501; Mistral NeMo's one release (Mistral's open-mistral-nemo-2407, the Hugging Face
    # Mistral-Nemo-Instruct-2407); other Mistral releases are models of their own (mistral-large-2407: Large 2,
    # -2411: Large 2.1)
    ("year-month suffix", re.compile(r"^(?P<k>codestral|mistral-nemo|mistral-nemo-instruct)-(?P<v>2\d[01]\d)$")),
    ("latest alias", re.compile(r"^(?P<k>.+?)-(?P<v>latest)$")),
)

#: hosting words after a model's name that name how it is served, not another model, per vendor family
#: (Together's and DeepInfra's `-Turbo` is a quantized deployment of Llama or DeepSeek weights; Alibaba's
#: `qwen-turbo` and Z.ai's `GLM-5-Turbo` are products of their own, so `turbo` falls away only where listed).
#: Groq's `-versatile` / `-instant` are not here: they drop the `-instruct` a base id would need.
_HOSTING = {
    "meta": re.compile(r"-(turbo|turbo-free|free|fp8|fp16|bf16|maas|hf|fast|basic)$"),  # (Nebius' -fast, Fireworks' -basic)
    "deepseek": re.compile(r"-(turbo|free|fp8|maas|basic|tput)$"),  # (Together's -tput: a throughput deployment)
    "alibaba": re.compile(r"-(fp8|maas|tput)$|(?<=-instruct)-(turbo)$"),  # Together's …-Instruct-Turbo, -fp8-tput
    "mistral": re.compile(r"-(maas)$"),
    "google": re.compile(r"-(maas)$"),
    "nvidia": re.compile(r"-(fp8)$"),  # Lambda's llama3.1-nemotron-70b-instruct-fp8
    "z-ai": re.compile(r"-(fp8)$"),  # Together's GLM-4.5-Air-FP8
}


@dataclass(frozen=True)
class Offering:
    """What one catalog id says: the product it serves and how it is offered."""
    key: str                       # the vendor product's key, e.g. "claude-3.5-sonnet"
    vendor: str | None             # canonical vendor, e.g. "anthropic"; None when nothing says
    version: str | None = None     # the snapshot, e.g. "20241022"
    route: str | None = None       # the catalog's route / provider segment, e.g. "bedrock"
    region: str | None = None      # e.g. "us", "eu-west-1"
    variant: str | None = None     # e.g. "free", "beta", "thinking"
    rules: tuple[str, ...] = field(default=())

    @property
    def model_id(self) -> str | None:
        return f"{self.vendor}/{self.key}" if self.vendor else None

    @property
    def reason(self) -> str:
        return " + ".join(self.rules) if self.rules else "id as written"


def _dash_versions(key: str, rules: list[str]) -> str:
    """Versions written with hyphens where the vendor writes dots: claude-3-5-sonnet, llama3-1-70b."""
    new = re.sub(r"^(claude(?:-instant)?)-v(\d+)$", r"\1-\2", key)               # openrouter claude-instant-v1
    # Claude 4 on: the family first, its version after (Anthropic's claude-sonnet-4-5, OpenRouter's
    # claude-sonnet-4.5); LiteLLM's and others' version-first claude-4-opus, claude-4-5-sonnet name the same
    new = re.sub(r"^claude-([4-9])(?:[.-](\d))?-(opus|sonnet|haiku)(?=-|$)",
                 lambda m: f"claude-{m[3]}-{m[1]}" + (f".{m[2]}" if m[2] else ""), new)
    new = re.sub(r"^claude-(opus|sonnet|haiku)-(\d)([1-9])$", r"claude-\1-\2.\3", new)     # GitHub's claude-opus-41
    new = re.sub(r"^llama-v(\d)p(\d)(?=-)", r"llama-\1.\2", new)              # fireworks llama-v3p1-70b
    new = re.sub(r"^llama-v(\d)(?=-)", r"llama-\1", new)                      # fireworks llama-v3-70b
    new = re.sub(r"^llama(\d)", r"llama-\1", new)                             # llama3.3-70b, bedrock llama3-1-70b
    new = re.sub(r"^(deepseek-v\d)p(\d)", r"\1.\2", new)                      # fireworks deepseek-v3p1
    new = re.sub(r"(?<=[a-z-])(\d)p(\d)(?=-|$)", r"\1.\2", new)               # fireworks glm-4p5, qwen2p5-coder
    new = re.sub(r"^meta-llama-", "llama-", new)                              # Meta-Llama-3.1-70B-Instruct
    new = re.sub(r"^gpt-35-", "gpt-3.5-", new)                                # Azure's gpt-35-turbo
    new = re.sub(r"^qwen-(\d)", r"qwen\1", new)                               # qwen-3-14b: Qwen's qwen3-14b
    new = re.sub(r"^qwen([12])-?(5)(?=-)", r"qwen\1.\2", new)                  # qwen2-5-7b, Lambda's qwen25-coder
    new = re.sub(r"-distill-qwen-(\d)-(\d)b", r"-distill-qwen-\1.\2b", new)      # deepseek-r1-distill-qwen-1-5b
    new = re.sub(r"^(code-bison|text-bison|chat-bison|codechat-bison)(\d+k)", r"\1-\2", new)  # code-bison32k
    new = re.sub(r"^embed-v-(\d)", r"embed-v\1", new)                          # Azure's embed-v-4-0
    new = re.sub(r"^sd(\d)-(\d)(?=-)", r"sd\1.\2", new)                          # Bedrock's stability.sd3-5-large
    new = re.sub(r"^qwen-(qwq|qvq)-", r"\1-", new)                             # Groq's qwen-qwq-32b: QwQ-32B
    new = re.sub(r"^gemma(\d)", r"gemma-\1", new)                             # Groq's gemma2-9b-it
    # a version written with a hyphen: one digit, a hyphen, one digit, then a hyphen or the end (claude-3-5-sonnet,
    # claude-sonnet-4-5-20250929, llama-3-1-70b, qwen2-5-7b, deepseek-v3-1, jamba-1-5-large, rerank-v3-5; never a
    # date's -08-06 nor a size's 3-8b)
    new = re.sub(r"(?<=-)(v?\d)-(\d)(?=-|$)", r"\1.\2", new, count=1)
    new = re.sub(r"^claude-(opus|sonnet|haiku)-(\d)\.0(?=-|$)", r"claude-\1-\2", new)      # claude-opus-4-0: Opus 4
    if new != key:
        rules.append("vendor's version spelling")
    return new


#: LiteLLM's keys that price a size class on a host, not a model (fireworks-ai-up-to-16b,
#: together-ai-41.1b-80b, fireworks-ai-embedding-150m-to-350m, fireworks-ai-default)
_PRICE_TIER = re.compile(r"^(fireworks-ai|together-ai)-(default|(moe-|embedding-)?(up-to-|above-)?[\d.]+[bm]"
                         r"(-(to-)?[\d.]+[bm])?)$")

#: a quantization or number format written after any model's name, or a deployment that takes LoRA adapters:
#: how the weights are served, never a product's name (Cloudflare's …-awq, …-int8, …-lora; Chutes' and
#: Together's …-FP8 copies). The hosting words per family are in _HOSTING: `turbo`, `free`, … name products
#: somewhere.
_QUANTIZED = re.compile(r"-(awq|gptq|int8|int4|fp8|fp16|bf16|lora)$")

#: the context window Groq wrote at the end of its first ids (llama3-70b-8192, mixtral-8x7b-32768): how it
#: serves the model, not another model
_GROQ_CONTEXT = re.compile(r"-(4096|8192|32768)$")

@lru_cache(maxsize=65536)
def read(source_model_id: str, provider: str | None = None, source: str | None = None) -> Offering:
    """The offering an id names (see the module's docstring). `provider`: the catalog's own provider
    field, when it has one (LiteLLM's litellm_provider, models.dev's provider id); `source`: the
    source whose id it is (OpenRouter's ids start with the model's author, never a route)."""
    rules: list[str] = []
    text = source_model_id.strip()
    variant = None
    if re.search(r"(^|/)ft:", text):  # a fine-tuned model's price row (ft:gpt-4o-2024-08-06): not the vendor's weights
        return Offering(key=text.lower(), vendor=None, rules=("fine-tune: not matched",))
    text = _SIZE_TAG.sub(r"-\1", text)  # Ollama's llama2:13b: a size, not a variant
    if m := _VARIANT.search(text):
        variant = m.group("v")
        text = text[:m.start()]
        rules.append(f"variant :{variant}")
    if _PRICE_TIER.match(text):  # LiteLLM's fireworks-ai-up-to-16b: what a size of model costs there
        return Offering(key=text.lower(), vendor=None, variant=variant, rules=("a price tier, not a model",))
    path = _path(text, provider, source, rules)
    if path is None:
        return Offering(key=text.lower(), vendor=None, variant=variant, rules=tuple(rules))
    name, route, region, vendor = path
    name, region, vendor, version = _platform_id(name, route, region, vendor, rules)
    key, version = _product_key(name, route, version, rules)
    if "/" in key:
        return Offering(key=key, vendor=None, version=version, route=route, region=region, variant=variant,
                        rules=tuple(rules + ["unknown org: not matched"]))
    return Offering(key=key, vendor=_vendor_of(key, route, vendor, rules), version=version, route=route,
                    region=region, variant=variant, rules=tuple(rules))


def _path(text: str, provider: str | None, source: str | None, rules: list[str]
          ) -> tuple[str, str | None, str | None, str | None] | None:
    """(the model's name, route, region, vendor) from an id's path segments: its author (OpenRouter), the
    route its catalog put first, then regions, vendor orgs, hosts and plumbing; None for a router's id."""
    parts = [p.removeprefix("hf:") for p in text.split("/") if p]
    route = region = vendor = None
    if source in AUTHOR_FIRST and len(parts) == 2:
        author = parts.pop(0).lower()
        if author in ROUTERS:
            rules.append("a router: not matched")
            return None
        vendor = VENDOR_ORGS.get(author, author)
        rules.append("author")
    elif len(parts) > 1 and provider and parts[0].lower() == provider.lower():
        route = parts.pop(0).lower()
        rules.append("route prefix")
    elif len(parts) > 1 and parts[0].lower() in ROUTES and (parts[0].lower() not in VENDOR_ORGS or len(parts) > 2
                                                          or provider):
        route = parts.pop(0).lower()
        rules.append("route prefix")
    elif provider:
        route = provider
    while len(parts) > 1:
        seg = parts[0].lower()
        if _REGION.match(seg):
            region = seg
            rules.append("region")
        elif seg in FIRST_PARTY and route is None and OPEN_WEIGHTS.match(parts[-1].lower()) and \
                family(parts[-1].lower()) != FIRST_PARTY[seg]:
            route = seg  # a vendor's API serving another's published weights (deepgram/whisper-large)
            rules.append("vendor's API")
        elif seg in VENDOR_ORGS:
            vendor = VENDOR_ORGS[seg]
            rules.append("vendor org")
        elif seg in ROUTES and seg not in PUBLISHING_ROUTES:
            # a host named inside the id (Vercel's cerebras/qwen3-coder, LiteLLM's …/bedrock/amazon.nova-canvas-v1:0)
            route = route or seg
            rules.append("route inside")
        elif seg in _PLUMBING or seg in REHOST_ORGS or _IMAGE_TIER.match(seg) or _COMMITMENT.match(seg):
            pass
        elif len(parts) == 2 and re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", seg):
            vendor = seg  # an org we do not know: who published the model (a fine-tuner's own model)
            rules.append("publisher org")
        else:
            break
        parts.pop(0)
    return "/".join(parts), route, region, vendor


def _platform_id(name: str, route: str | None, region: str | None, vendor: str | None, rules: list[str]
                 ) -> tuple[str, str | None, str | None, str | None]:
    """(name, region, vendor, version) of a cloud's own id form: Bedrock's (and OCI's) vendor.model-vN:M,
    Vertex's model@version."""
    version = None
    if "/" not in name and (m := _BEDROCK.match(name)):
        region = m.group("region") or region
        vendor = vendor or VENDOR_ORGS.get(m.group("vendor"), m.group("vendor"))
        name = m.group("name")
        if m.group("bn") and vendor != "openai":  # (only OpenAI's gpt-oss-120b-1:0 writes its revision without a v:
            name = f"{name}-{m.group('bn')}"      # Cohere's rerank-v3-5:0 is rerank v3.5)
        rules.append("oracle id" if route == "oci" else "bedrock id")  # (OCI writes vendor.model as Bedrock does)
        if m.group("bv") and (vendor, name) in (("anthropic", "claude"), ("anthropic", "claude-instant")):
            # a name with no version of its own: its -vN[:M] is the model's (anthropic.claude-v2:1 is Claude
            # 2.1, claude-instant-v1 Claude Instant 1), not Bedrock's revision as in claude-3-haiku-…-v1:0
            name = f"{name}-{m.group('bv')}" + (f".{m.group('bm')}" if m.group("bm") not in (None, "0") else "")
            rules.append("bedrock claude version")
        elif m.group("bv") and vendor == "amazon" and name.startswith("titan-"):
            # Titan's -vN is its generation: titan-embed-text-v1 (G1) and -v2:0 (V2) are two models
            name = f"{name}-v{m.group('bv')}"
            rules.append("titan generation")
        elif m.group("bv") and vendor == "cohere" and name.startswith("embed-"):
            # Cohere's embed-english-v3 is Embed English v3.0 (the version is the model's, as Cohere writes it)
            name = f"{name}-v{m.group('bv')}.0"
            rules.append("cohere embed version")
        elif vendor == "deepseek" and name == "v3":
            # Bedrock's deepseek.v3-v1:0 is DeepSeek-V3.1 (AWS's name for it; models.dev: "DeepSeek-V3.1")
            name = "deepseek-v3.1"
            rules.append("bedrock deepseek v3.1")
        elif m.group("bv") and vendor == "stability" and name == "stable-diffusion-xl":
            # SDXL's -v0 (0.9) and -v1 (1.0) are two models, as Titan's generations
            name = f"{name}-v{m.group('bv')}"
            rules.append("sdxl generation")
        elif m.group("bv") and vendor == "stability" and m.group("bm") not in (None, "0"):
            version = f"{m.group('bv')}.{m.group('bm')}"  # stable-image-ultra-v1:1: Stable Image Ultra 1.1
            rules.append("stability version")
    if m := _VERTEX_AT.match(name):
        name, version = m.group("name"), m.group("version") or m.group("snapshot")
        if m.group("release"):  # Mistral's on Vertex: mistral-large@2411-001 is mistral-large-2411's 001
            name = f"{name}-{m.group('release')}"
        rules.append("vertex @version")
    return name, region, vendor, version


def _product_key(name: str, route: str | None, version: str | None, rules: list[str]) -> tuple[str, str | None]:
    """(the vendor product's key, version): the name lower-cased, hosts' prefixes and suffixes, spellings
    and quantizations read away, then a snapshot suffix as the version."""
    key = name.lower().replace("_", "-").replace(" ", "-")
    for prefix in _HOST_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) and (
                prefix not in _LLAMA_HOSTS or key[len(prefix):].startswith("llama")):
            key = key[len(prefix):]
            rules.append("hosting prefix")
    for start, extra in _NAMED_BEFORE:
        if key.startswith(start):
            key = key[len(extra):]
            rules.append("a vendor's name before its model")
    key = _dash_versions(key, rules)
    if re.match(r"open-(mistral|mixtral|codestral)-", key):  # Mistral's API names its open models "open-…"
        key = key[len("open-"):]
        rules.append("mistral open- prefix")
    if key.startswith("grok-") and key.endswith("-beta"):  # xAI's beta label on a model it later ships
        key = key[:-len("-beta")]
        rules.append("xai -beta label")
    while m := _QUANTIZED.search(key):  # a copy of the weights as served (Cloudflare's …-fp8-fast, …-hf-lora)
        key = key[:m.start()]
        rules.append(f"quantized -{m.group(1)}")
    if hosting := _HOSTING.get(family(key) or ""):
        while m := hosting.search(key):
            key = key[:m.start()]
            rules.append(f"hosting suffix -{m.group(m.lastindex)}")
    if key.startswith("nova-") and (m := re.search(r"-v\d+$", key)) and family(key) == "amazon":
        key = key[:m.start()]  # OpenRouter's amazon/nova-pro-v1: Bedrock's amazon.nova-pro-v1:0, whose -v1 is its revision
        rules.append("nova -vN")
    if route == "groq" and (m := _GROQ_CONTEXT.search(key)):  # Groq's llama3-70b-8192: the context it serves
        key = key[:m.start()]
        rules.append("groq context suffix")
    if route == "groq" and family(key) == "meta" and (m := re.search(r"-(versatile|instant|specdec)$", key)) \
            and "instruct" not in key:
        key = key[:m.start()] + "-instruct"  # Groq's llama-3.3-70b-versatile: the instruct model, served its way
        rules.append(f"groq -{m.group(1)}")
    if key.startswith("claude") and route in ("vertex_ai", "google-vertex-anthropic", "vertex_ai_beta") and \
            key.endswith("-v2") and version:
        key = key[:-3]  # Vertex names the 20241022 Claude 3.5 Sonnet "-v2@20241022"
        rules.append("vertex -v2")
    if version is None:
        for rule, pattern in _SNAPSHOTS:
            if m := pattern.match(key):
                key, version = m.group("k"), m.group("v")
                rules.append(rule)
                break
    return key, version


def _vendor_of(key: str, route: str | None, vendor: str | None, rules: list[str]) -> str | None:
    """Who published the product: the org that the id names (NVIDIA's llama-3.1-nemotron, a fine-tuner's
    hermes-3-llama: its own model, never the family's), else a vendor's own API (route), else the family
    its name starts with."""
    if vendor is None and route in FIRST_PARTY:
        if OPEN_WEIGHTS.match(key) and (named := family(key)) != FIRST_PARTY[route]:
            vendor = named  # Deepgram's whisper-large: OpenAI's Whisper, served by Deepgram
            rules.append("another vendor's open model on a vendor's API")
        else:
            vendor = FIRST_PARTY[route]
            rules.append("vendor's own API")
    if vendor is None and (vendor := family(key)):
        rules.append("vendor from name")
    return vendor
