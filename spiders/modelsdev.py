"""models.dev: one JSON request, its public catalog (no key), which holds every provider's models."""

from modeltrail.pipelines.parsers.modelsdev import is_card_url

from modeltrail.spiders.base import PageSpider


class ModelsdevSpider(PageSpider):
    name = "modelsdev"
    allowed_domains = ["models.dev"]
    start_urls = ["https://models.dev/api.json"]
    is_card_url = staticmethod(is_card_url)
