"""TokenHub (aggregator): the model list, then every model page it links."""

from modeltrail.pipelines.parsers.tokenhub import is_card_url

from modeltrail.spiders.base import PageSpider


class TokenhubSpider(PageSpider):
    name = "tokenhub"
    allowed_domains = ["www.tokenhub.link"]
    start_urls = ["https://www.tokenhub.link/models"]
    is_card_url = staticmethod(is_card_url)
