"""The part-B vendors' pages, registered in `PAGES` (__init__.py) by `PAGES.update(PAGES_B)`: the HTML
vendors at their live urls (read as HTML there; their markdown renderings in ../shared go through the
same module), the markdown vendors at their `.md` urls. Same shape as PAGES: (module, rank)."""

PAGES_B: dict[str, tuple[str, int]] = {
    "ai.google.dev/gemini-api/docs/deprecations": ("google", 0),
    "docs.cloud.google.com/gemini-enterprise-agent-platform/models/model-versions": ("vertex", 0),
    "docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html": ("bedrock", 0),
    "docs.mistral.ai/models": ("mistral", 0),
    "api-docs.deepseek.com/updates": ("deepseek", 0),
    "www.alibabacloud.com/help/en/model-studio/model-depreciation": ("alibaba", 0),
    "mimo.mi.com/docs/en-US/updates/deprecate": ("xiaomi", 0),
    "platform.kimi.ai/docs/models.md": ("moonshot", 0),
}
