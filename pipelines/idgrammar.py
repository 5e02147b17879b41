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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

#: catalog route segments that name who serves the model, not the model (LiteLLM providers, models.dev
#: provider ids, gateways). The first path segment of a catalog id is its route when it is one of these.
ROUTES = frozenset("""
    ai21 aihubmix aiml anyscale anthropic azure azure_ai azure-cognitive-services azure_text baseten bedrock
    bedrock_converse cerebras chutes clarifai cloudflare cloudflare-workers-ai codestral cohere cohere_chat cortecs
    dashscope databricks deepinfra deepseek fastrouter featherless_ai fireworks fireworks-ai fireworks_ai
    friendliai gemini github github-copilot github-models google google-vertex google-vertex-anthropic
    gradient_ai groq huggingface hyperbolic inception inference lambda_ai llama lmstudio meta_llama mistral
    modelscope moonshot moonshotai moonshotai-cn morph nebius novita nscale nvidia nvidia_nim oci ollama
    ollama_chat openai openrouter ovhcloud palm perplexity replicate requesty sagemaker sambanova scaleway
    snowflake submodel synthetic text-completion-codestral text-completion-openai together_ai togetherai
    v0 vercel vercel_ai_gateway vertex_ai vertex_ai_beta voyage wandb watsonx xai zai zhipuai
    vertex amazon-bedrock alibaba alibaba-cn iflowcn opencode lucidquery zai-coding-plan zhipuai-coding-plan zenmux vultr
    venice
""".split())

#: path segments that name the vendor (an org on a hub or aggregator) -> the vendor's canonical name
VENDOR_ORGS = {
    "openai": "openai", "anthropic": "anthropic", "meta-llama": "meta", "meta": "meta", "meta_llama": "meta",
    "mistralai": "mistral", "mistral": "mistral", "google": "google", "x-ai": "xai", "xai": "xai",
    "deepseek": "deepseek", "deepseek-ai": "deepseek", "qwen": "alibaba", "cohere": "cohere",
    "microsoft": "microsoft", "amazon": "amazon", "moonshotai": "moonshot", "z-ai": "z-ai", "zai-org": "z-ai",
    "thudm": "z-ai", "minimax": "minimax", "minimaxai": "minimax", "ai21": "ai21", "nvidia": "nvidia",
    "perplexity": "perplexity", "mistral-ai": "mistral", "zai": "z-ai", "zhipuai": "z-ai", "codellama": "meta",
    "ai21-labs": "ai21", "featherless-ai": "featherless", "alibaba-nlp": "alibaba", "meituan-longcat": "meituan",
    "rekaai": "reka", "stabilityai": "stability",
}
#: hub orgs that re-host other publishers' weights under their own name (Unsloth's uploads, Chutes' and
#: Together's copies): inside an id they name neither the publisher nor another model
_REHOST_ORGS = frozenset({"unsloth", "chutesai", "togethercomputer", "thebloke"})  # (TheBloke's quantized copies)

#: routes that are a vendor's own API: what they serve is that vendor's model, whatever its name starts with
#: (Deepgram's `nova-2` is not Amazon's Nova)
FIRST_PARTY = {
    "openai": "openai", "text-completion-openai": "openai", "anthropic": "anthropic", "mistral": "mistral",
    "codestral": "mistral", "text-completion-codestral": "mistral", "cohere": "cohere", "cohere_chat": "cohere",
    "deepseek": "deepseek", "xai": "xai", "gemini": "google", "palm": "google",
    "voyage": "voyage", "deepgram": "deepgram", "aleph_alpha": "aleph-alpha", "moonshot": "moonshot",
    "moonshotai": "moonshot", "moonshotai-cn": "moonshot", "zai": "z-ai", "zhipuai": "z-ai", "minimax": "minimax",
    "ai21": "ai21", "upstage": "upstage", "perplexity": "perplexity",
    "inception": "inception", "morph": "morph", "v0": "vercel",
}
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
_NAMED_BEFORE = (("nvidia-nemotron-", "nvidia-"), ("gemini-gemma-", "gemini-"))
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

#: vendor of a product, by the start of its key (first match wins; a key no row fits has no vendor)
_FAMILY = (
    (r"(gpt-|o1\b|o1-|o3\b|o3-|o4-|chatgpt-|text-embedding-3-|dall-e|tts-|whisper|davinci|babbage|codex-|omni-moderation|text-moderation|computer-use)", "openai"),
    (r"claude", "anthropic"), (r"(gemini|gemma|learnlm|imagen|veo)", "google"),
    (r"llama-[\d.]+-nemotron", "nvidia"),  # NVIDIA's Llama-3.1-Nemotron-70B-Instruct (its own fine-tune)
    (r"llama-[\d.]+-sonar", "perplexity"),  # Perplexity's llama-3.1-sonar-large-128k-online (its own, on Llama)
    (r"(llama|codellama)", "meta"),
    (r"(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|open-mistral|open-mixtral|voxtral)", "mistral"),
    (r"(command|c4ai|aya|embed-|rerank-)", "cohere"), (r"deepseek", "deepseek"),
    (r"(chat-bison|text-bison|code-bison|codechat-bison|code-gecko|text-unicorn|medlm|textembedding-gecko|"
     r"text-multilingual-embedding|text-embedding-00|text-embedding-large-exp|text-embedding-preview|imagegeneration|"
     r"chirp)", "google"),
    (r"(ada$|text-embedding-ada|gpt-image|sora)", "openai"),
    (r"(qwen|qwq|qvq)", "alibaba"), (r"grok", "xai"), (r"phi-", "microsoft"), (r"(glm|chatglm)", "z-ai"),
    (r"(kimi|moonshot)", "moonshot"), (r"(minimax|abab)", "minimax"),
    # Deepgram's speech models nova-2, nova-3-medical (Cloudflare's nova-3); Amazon's nova-lite, nova-2-lite
    (r"nova(-\d+)?(-(general|medical|atc|automotive|conversationalai|drivethru|finance|meeting|phonecall|video|"
     r"voicemail))?$", "deepgram"),
    (r"(nova-|titan-)", "amazon"),
    (r"jamba", "ai21"), (r"sonar", "perplexity"), (r"dbrx", "databricks"),
    (r"mpt-", "mosaicml"), (r"bge-", "baai"), (r"gte-(base|large|small)", "thenlper"),  # (Databricks' databricks-…)
)
_FAMILY_RE = [(re.compile("^" + p), v) for p, v in _FAMILY]

# Snapshot suffixes, tried in order on the key's end.
_SNAPSHOTS = (
    ("date suffix", re.compile(r"^(?P<k>.+?)-(?P<v>20\d\d-\d\d-\d\d)$")),        # gpt-4o-2024-08-06
    ("date suffix", re.compile(r"^(?P<k>.+?)-(?P<v>20\d\d[01]\d[0-3]\d)$")),     # claude-3-5-sonnet-20241022
    ("month-year suffix", re.compile(r"^(?P<k>.+?)-(?P<v>[01]\d-20\d\d)$")),       # command-r-08-2024
    ("snapshot number", re.compile(r"^(?P<k>(gemini|gemma|text-embedding|textembedding).+?|chat-bison.*?|"
                                   r"text-bison.*?)-(?P<v>\d{3})$")),           # gemini-1.5-pro-002, chat-bison-001
    ("month-day suffix", re.compile(r"^(?P<k>(gpt-|deepseek-|o1|o3|o4|chatgpt-|grok-).+?)-(?P<v>[01]\d[0-3]\d)$")),
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


#: sources whose ids are `<author>/<model>` (OpenRouter): the first segment is who published the model
AUTHOR_FIRST = frozenset({"openrouter"})
#: authors that are routers, not publishers (OpenRouter's `openrouter/auto`)
_ROUTERS = frozenset({"openrouter", "switchpoint"})
#: routes that also publish models of their own: inside an id they name its publisher, not a host
#: LiteLLM's keys that price a size class on a host, not a model (fireworks-ai-up-to-16b,
#: together-ai-41.1b-80b, fireworks-ai-embedding-150m-to-350m, fireworks-ai-default)
_PRICE_TIER = re.compile(r"^(fireworks-ai|together-ai)-(default|(moe-|embedding-)?(up-to-|above-)?[\d.]+[bm]"
                         r"(-(to-)?[\d.]+[bm])?)$")

#: a quantization written after any model's name: how the weights are served, never a product's name (the
#: hosting words per family are in _HOSTING: `turbo`, `fp8`, … name products somewhere)
_QUANTIZED = re.compile(r"-(awq|gptq|int8|int4)$")

#: the context window Groq wrote at the end of its first ids (llama3-70b-8192, mixtral-8x7b-32768): how it
#: serves the model, not another model
_GROQ_CONTEXT = re.compile(r"-(4096|8192|32768)$")

#: families of published weights a vendor's own API may serve beside its models (Deepgram's whisper-large,
#: Perplexity's llama-3.1-8b-instruct);
#: any other name on a vendor's API is the vendor's (Voyage's rerank-2 is not Cohere's, Deepgram's nova not Amazon's)
_OPEN_WEIGHTS = re.compile(r"^(whisper|llama-(?![\d.]+-sonar)|codellama-|gemma-|qwen|mistral-|mixtral-)")

#: (Vercel's v0, OpenRouter's own, Databricks' dbrx, a vendor's API)
_PUBLISHING_ROUTES = frozenset(FIRST_PARTY) | _ROUTERS | {"vercel", "databricks"}


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
    parts = [p.removeprefix("hf:") for p in text.split("/") if p]
    route = region = vendor = None
    if source in AUTHOR_FIRST and len(parts) == 2:
        author = parts.pop(0).lower()
        if author in _ROUTERS:
            return Offering(key=text.lower(), vendor=None, variant=variant, rules=tuple(rules + ["a router: not matched"]))
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
        elif seg in FIRST_PARTY and route is None and _OPEN_WEIGHTS.match(parts[-1].lower()) and \
                family(parts[-1].lower()) != FIRST_PARTY[seg]:
            route = seg  # a vendor's API serving another's published weights (deepgram/whisper-large)
            rules.append("vendor's API")
        elif seg in VENDOR_ORGS:
            vendor = VENDOR_ORGS[seg]
            rules.append("vendor org")
        elif seg in ROUTES and seg not in _PUBLISHING_ROUTES:
            # a host named inside the id (Vercel's cerebras/qwen3-coder, LiteLLM's …/bedrock/amazon.nova-canvas-v1:0)
            route = route or seg
            rules.append("route inside")
        elif seg in _PLUMBING or seg in _REHOST_ORGS or _IMAGE_TIER.match(seg) or _COMMITMENT.match(seg):
            pass
        elif len(parts) == 2 and re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", seg):
            vendor = seg  # an org we do not know: who published the model (a fine-tuner's own model)
            rules.append("publisher org")
        else:
            break
        parts.pop(0)
    name = "/".join(parts)
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
    if m := _QUANTIZED.search(key):  # a copy of the weights quantized to serve (Cloudflare's …-awq, …-int8)
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
    if "/" in key:
        return Offering(key=key, vendor=None, version=version, route=route, region=region, variant=variant,
                        rules=tuple(rules + ["unknown org: not matched"]))
    # the org that published it names the vendor, also when the name starts with another's family
    # (NVIDIA's llama-3.1-nemotron, a fine-tuner's hermes-3-llama): its own model, never the family's;
    # so does a vendor's own API (route)
    if vendor is None and route in FIRST_PARTY:
        if _OPEN_WEIGHTS.match(key) and (named := family(key)) != FIRST_PARTY[route]:
            vendor = named  # Deepgram's whisper-large: OpenAI's Whisper, served by Deepgram
            rules.append("another vendor's open model on a vendor's API")
        else:
            vendor = FIRST_PARTY[route]
            rules.append("vendor's own API")
    if vendor is None and (vendor := family(key)):
        rules.append("vendor from name")
    return Offering(key=key, vendor=vendor, version=version, route=route, region=region, variant=variant,
                    rules=tuple(rules))


def family(key: str) -> str | None:
    for pattern, vendor in _FAMILY_RE:
        if pattern.match(key):
            return vendor
    return None
