"""The vocabularies catalog ids are read with (pipelines/idgrammar.py reads them): who serves a model, who
publishes it, and which vendor a family of names belongs to. Data, and `family`, its one look-up."""

from __future__ import annotations

import re

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
REHOST_ORGS = frozenset({"unsloth", "chutesai", "togethercomputer", "thebloke"})  # (TheBloke's quantized copies)


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

#: sources whose ids are `<author>/<model>` (OpenRouter): the first segment is who published the model
AUTHOR_FIRST = frozenset({"openrouter"})
#: authors that are routers, not publishers (OpenRouter's `openrouter/auto`)
ROUTERS = frozenset({"openrouter", "switchpoint"})

#: families of published weights a vendor's own API may serve beside its models (Deepgram's whisper-large,
#: Perplexity's llama-3.1-8b-instruct);
#: any other name on a vendor's API is the vendor's (Voyage's rerank-2 is not Cohere's, Deepgram's nova not Amazon's)
OPEN_WEIGHTS = re.compile(r"^(whisper|llama-(?![\d.]+-sonar)|codellama-|gemma-|qwen|mistral-|mixtral-)")

#: routes that also publish models of their own: inside an id they name its publisher, not a host
#: (Vercel's v0, OpenRouter's own, Databricks' dbrx, a vendor's API)
PUBLISHING_ROUTES = frozenset(FIRST_PARTY) | ROUTERS | {"vercel", "databricks"}

#: vendor of a product, by the start of its key (first match wins; a key no row fits has no vendor)
FAMILY = (
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
FAMILY_RE = [(re.compile("^" + p), v) for p, v in FAMILY]


def family(key: str) -> str | None:
    """The vendor whose family of names a product key starts with (FAMILY), or None."""
    for pattern, vendor in FAMILY_RE:
        if pattern.match(key):
            return vendor
    return None
