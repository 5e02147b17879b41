"""Vendors' own lifecycle pages (deprecations, shutdown dates, replacements): one start url per page,
nothing followed. Most vendors serve their docs as markdown at the page's url + ".md"; the others are
HTML pages. Which pages are parsed, and how, is modeltrail.pipelines.parsers.deprecations.PAGES."""

from modeltrail.pipelines.parsers.deprecations import is_card_url

from modeltrail.spiders.base import PageSpider


class DeprecationsSpider(PageSpider):
    name = "deprecations"
    # (the pages as listed in /work/shared/pages/deprecations/INDEX.tsv, fetched 2026-08-20 … 22)
    start_urls = [
        "https://developers.openai.com/api/docs/deprecations.md",
        "https://developers.openai.com/api/docs/models.md",
        "https://platform.claude.com/docs/en/about-claude/model-deprecations.md",
        "https://platform.claude.com/docs/en/about-claude/models/overview.md",
        "https://docs.cohere.com/docs/deprecations.md",
        "https://docs.cohere.com/docs/models.md",
        "https://console.groq.com/docs/deprecations.md",
        "https://inference-docs.cerebras.ai/support/deprecation.md",
        "https://docs.fireworks.ai/updates/changelog.md",
        "https://docs.perplexity.ai/docs/resources/changelog.md",
        "https://docs.x.ai/developers/migration/may-15-retirement.md",
        "https://docs.z.ai/release-notes/new-released.md",
        "https://docs.z.ai/guides/overview/pricing.md",
        "https://platform.kimi.ai/docs/models.md",
        "https://platform.minimax.io/docs/release-notes/models.md",
        "https://platform.minimax.io/docs/api-reference/api-overview.md",
        "https://ai.google.dev/gemini-api/docs/deprecations",
        "https://docs.mistral.ai/models",
        "https://api-docs.deepseek.com/updates/",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html",
        "https://www.alibabacloud.com/help/en/model-studio/model-depreciation",
        "https://mimo.mi.com/docs/en-US/updates/deprecate",
        "https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/model-versions",
    ]
    allowed_domains = sorted({u.split("/")[2] for u in start_urls})
    is_card_url = staticmethod(is_card_url)

    def links(self, response, url: str):
        """A lifecycle page is read where it is: no link is followed (a page of a family not registered yet
        is fetched as a listing, archived, and left unparsed)."""
        return ()
