"""TokenHub (aggregator): the model list, then every model page it links."""

from modeltrail.parsers.tokenhub import is_card_url

from .base import PageSpider


class TokenhubSpider(PageSpider):
    name = "tokenhub"
    allowed_domains = ["www.tokenhub.link"]
    start_urls = ["https://www.tokenhub.link/models"]
    is_card_url = staticmethod(is_card_url)
