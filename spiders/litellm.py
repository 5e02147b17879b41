"""LiteLLM: one plain request, the raw price and context map on BerriAI/litellm's main branch, which
holds every model's card."""

from modeltrail.pipelines.parsers.litellm import is_card_url

from modeltrail.spiders.base import PageSpider


class LitellmSpider(PageSpider):
    name = "litellm"
    allowed_domains = ["raw.githubusercontent.com"]
    start_urls = ["https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"]
    is_card_url = staticmethod(is_card_url)
