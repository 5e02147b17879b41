"""What every modeltrail spider shares: it fetches pages and hands each one over as a page item.

Spiders only crawl. They never parse a card: parsing happens later, from the archived page, so that
`modeltrail reparse` reads exactly what a crawl read.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class PageSpider(scrapy.Spider):
    """Subclasses set `name`, `start_urls`, `allowed_domains`, and implement `links(response, url)`
    (the urls to follow from a page) and `page_kind(url)` ("card" or "listing")."""

    def __init__(self, *args, start_urls: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if start_urls:
            self.start_urls = list(start_urls)

    async def start(self):
        for url in self.start_urls:
            yield self.fetch(url)

    def fetch(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.on_page, errback=self.on_error,
                              meta={"source_url": url, "page_kind": self.page_kind(url)})

    def on_page(self, response):
        url = response.meta.get("source_url", response.url)
        yield {
            "url": url, "page_kind": response.meta.get("page_kind"), "status": response.status,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1") or None,
            "body": response.body, "fetched_at": _now(), "error": None,
        }
        for link in self.links(response, url):
            yield self.fetch(link)

    def on_error(self, failure):
        request = failure.request
        url = request.meta.get("source_url", request.url)
        status = None
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            error = f"HTTP {status}"
            if response.headers.get("Retry-After"):
                error += f" (Retry-After {response.headers['Retry-After'].decode('latin-1')[:40]})"
        else:
            error = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        yield {"url": url, "page_kind": request.meta.get("page_kind"), "status": status,
               "content_type": None, "body": None, "fetched_at": _now(), "error": error}

    # -- per source --------------------------------------------------------------------------------------
    #: the parser's is_card_url: which urls are model pages (the rest are listings to follow links from)
    is_card_url = staticmethod(lambda url: True)

    def page_kind(self, url: str) -> str:
        return "card" if self.is_card_url(url) else "listing"

    def links(self, response, url: str):
        """From a listing page, every linked model page on the source's own domains."""
        if self.page_kind(url) != "listing" or not hasattr(response, "css"):
            return
        for href in response.css("a::attr(href)").getall():
            target = urljoin(url, href)
            if urlsplit(target).hostname in self.allowed_domains and self.is_card_url(target):
                yield target
