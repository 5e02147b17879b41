"""302.AI (reseller): the model list, then every model page it links."""

from modeltrail.pipelines.parsers.ai302 import is_card_url

from modeltrail.spiders.base import PageSpider


class Ai302Spider(PageSpider):
    name = "302ai"
    allowed_domains = ["302.ai"]
    start_urls = ["https://302.ai/models/"]  # (the listing; model pages live at /product/detail/<slug>)
    is_card_url = staticmethod(is_card_url)
