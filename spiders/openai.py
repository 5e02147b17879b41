"""OpenAI (vendor): the platform docs' model list and each model page, plus the announcement posts
modeltrail reads benchmark results from (each a start url of its own)."""

from modeltrail.parsers.openai import is_card_url

from .base import PageSpider


class OpenaiSpider(PageSpider):
    name = "openai"
    allowed_domains = ["platform.openai.com", "openai.com"]
    start_urls = [
        "https://platform.openai.com/docs/models",
        "https://openai.com/index/openai-o1-mini-advancing-cost-efficient-reasoning/",
    ]
    is_card_url = staticmethod(is_card_url)
