"""OpenRouter: one JSON request, the public model list (no key), which holds every model's card."""

from modeltrail.parsers.openrouter import is_card_url

from .base import PageSpider


class OpenrouterSpider(PageSpider):
    name = "openrouter"
    allowed_domains = ["openrouter.ai"]
    start_urls = ["https://openrouter.ai/api/v1/models"]
    is_card_url = staticmethod(is_card_url)
