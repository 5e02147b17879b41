"""What every modeltrail spider shares: it fetches pages and hands each one over as a page item.

Spiders only crawl. They never parse a card: parsing happens later, from the archived page, so that
`modeltrail reparse` reads exactly what a crawl read.

How a page is fetched is the source's declaration (modeltrail/sources.py): plainly, rendered in a
browser (scrapy-playwright, waiting for what the parser needs), or through the source's JSON API with
its pages as the fallback (the source's spider says how). Each item says which way it came ("via").
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from modeltrail.pipelines.sources import get

#: how long a rendered page may take to show what the parser needs
RENDER_WAIT_MS = int(float(os.environ.get("MODELTRAIL_RENDER_WAIT", 15)) * 1000)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class PageSpider(scrapy.Spider):
    """Subclasses set `name`, `start_urls`, `allowed_domains` and `is_card_url`; `links(response, url)`
    finds the pages to follow from a listing."""

    def __init__(self, *args, start_urls: list[str] | None = None, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        if start_urls:
            self.start_urls = list(start_urls)
        self.source = source or get(self.name)  # (a crawl may override how the source is fetched)
        self._raw: dict[str, bytes] = {}  # url -> the served HTML of a page the browser rendered

    async def start(self):
        for url in self.start_urls:
            yield self.fetch(url)

    # -- requests ----------------------------------------------------------------------------------------
    def fetch(self, url: str) -> scrapy.Request:
        """A page, fetched the source's way (a source with an API overrides this: see spiders/azure.py)."""
        return self.page_request(url, self.page_kind(url), render=self.source.fetch == "render")

    def page_request(self, url: str, kind: str, render: bool, via: str | None = None) -> scrapy.Request:
        meta = {"source_url": url, "page_kind": kind, "via": via or ("rendered" if render else "html")}
        if render:
            from scrapy_playwright.page import PageMethod
            meta.update(playwright=True, playwright_page_event_handlers={"response": "keep_raw"},
                        playwright_page_methods=[
                            PageMethod("wait_for_selector", self.source.render_wait or "body",
                                       timeout=RENDER_WAIT_MS)])
        return scrapy.Request(url, callback=self.on_page, errback=self.on_error, meta=meta)

    # -- responses ---------------------------------------------------------------------------------------
    def on_page(self, response):
        url = response.meta.get("source_url", response.url)
        item = self._item(response, url)
        if response.meta.get("playwright"):
            item["raw_body"] = self._raw.pop(response.url, None)
        yield item
        if response.meta.get("page_kind") == "detail":  # a model's own page, asked for by name: no links
            return
        for link in self.links(response, url):
            yield self.fetch(link)

    async def keep_raw(self, response) -> None:
        """Browser event: the document as the server sent it, kept beside the rendered one."""
        if response.request.resource_type == "document" and response.frame.parent_frame is None:
            try:
                self._raw[response.url] = await response.body()
            except Exception:  # noqa: BLE001 - a redirect or an aborted load has no body; nothing to keep
                pass

    def _item(self, response, url: str) -> dict:
        return {"url": url, "page_kind": response.meta.get("page_kind"), "status": response.status,
                "content_type": response.headers.get("Content-Type", b"").decode("latin-1") or None,
                "body": response.body, "fetched_at": _now(), "error": None, "via": response.meta.get("via")}

    def on_error(self, failure):
        request = failure.request
        status, error = self._error(failure)
        yield {"url": request.meta.get("source_url", request.url), "page_kind": request.meta.get("page_kind"),
               "status": status, "content_type": None, "body": None, "fetched_at": _now(), "error": error,
               "via": request.meta.get("via")}

    def _error(self, failure) -> tuple[int | None, str]:
        if failure.check(HttpError):
            response = failure.value.response
            error = f"HTTP {response.status}"
            if response.headers.get("Retry-After"):
                error += f" (Retry-After {response.headers['Retry-After'].decode('latin-1')[:40]})"
            return response.status, error
        if failure.request.meta.get("playwright") and "Timeout" in failure.type.__name__:
            return None, (f"rendering: {self.source.render_wait!r} did not appear within "
                          f"{RENDER_WAIT_MS / 1000:.0f} s")
        return None, f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]

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
