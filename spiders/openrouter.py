"""OpenRouter: one JSON request, the public model list (no key), which holds every model's card."""

from modeltrail.pipelines.parsers.openrouter import is_card_url

from modeltrail.spiders.base import PageSpider


class OpenrouterSpider(PageSpider):
    name = "openrouter"
    allowed_domains = ["openrouter.ai"]
    start_urls = ["https://openrouter.ai/api/v1/models"]
    is_card_url = staticmethod(is_card_url)
