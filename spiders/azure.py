"""Azure AI Foundry catalog: the listing page, then every model page it links."""

from __future__ import annotations

from urllib.parse import urljoin

from modeltrail.parsers.azure import is_card_url

from .base import PageSpider


class AzureSpider(PageSpider):
    name = "azure"
    allowed_domains = ["ai.azure.com"]
    start_urls = ["https://ai.azure.com/catalog/models"]

    def page_kind(self, url: str) -> str:
        return "card" if is_card_url(url) else "listing"

    def links(self, response, url: str):
        if self.page_kind(url) != "listing" or not hasattr(response, "css"):
            return
        for href in response.css("a::attr(href)").getall():
            target = urljoin(url, href)
            if is_card_url(target):
                yield target
