"""OpenAI (vendor): the model docs as one plain text file for machines (every model's specs, snapshots and
prices), plus the announcement posts modeltrail reads dates and benchmark results from (each a start url
of its own). The platform's docs pages are built by script behind bot protection: not crawled, though a
body of one is still parsed (modeltrail parse, reparse of archived bodies)."""

from modeltrail.pipelines.parsers.openai import is_card_url

from modeltrail.spiders.base import PageSpider


class OpenaiSpider(PageSpider):
    name = "openai"
    allowed_domains = ["cdn.openai.com", "platform.openai.com", "openai.com"]
    start_urls = [
        "https://cdn.openai.com/API/docs/txt/llms-models-pricing.txt",
        "https://openai.com/index/openai-o1-mini-advancing-cost-efficient-reasoning/",
    ]
    is_card_url = staticmethod(is_card_url)
