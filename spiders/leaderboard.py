"""The GitHub-hosted leaderboard: README.md, then its relative markdown links (labs/, architectures/,
rankings/, models/<lab>/<model>.md), staying inside the repository's raw tree."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from modeltrail.pipelines.parsers.leaderboard import is_card_url

from modeltrail.spiders.base import PageSpider

ROOT = "https://raw.githubusercontent.com/AIComputing101/llm-leaderboard/main/"
# [text](target) where the target may hold one level of parentheses: "DeepSeek-R1%20(0528).md"
_MD_LINK = re.compile(r"\]\(((?:[^()\s]|\([^()\s]*\))+)\)")
_SECTIONS = ("labs/", "architectures/", "rankings/", "models/")


class LeaderboardSpider(PageSpider):
    name = "leaderboard"
    allowed_domains = ["raw.githubusercontent.com"]
    start_urls = [ROOT + "README.md"]

    is_card_url = staticmethod(is_card_url)

    def links(self, response, url: str):
        text = response.text if hasattr(response, "text") else response.body.decode("utf-8", "replace")
        hrefs = _MD_LINK.findall(text)
        if hasattr(response, "css"):
            hrefs += response.css("a::attr(href)").getall()
        root = self.start_urls[0].rsplit("/", 1)[0] + "/"
        for href in hrefs:
            target = urljoin(url, href.split("#", 1)[0])
            rel = target[len(root):] if target.startswith(root) else None
            if rel and rel.endswith(".md") and rel.startswith(_SECTIONS):
                yield target
