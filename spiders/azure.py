"""Azure AI Foundry catalog: the listing page, then every model page it links."""

from modeltrail.parsers.azure import is_card_url

from .base import PageSpider


class AzureSpider(PageSpider):
    name = "azure"
    allowed_domains = ["ai.azure.com"]
    start_urls = ["https://ai.azure.com/catalog/models"]
    is_card_url = staticmethod(is_card_url)
