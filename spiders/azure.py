"""Azure AI Foundry catalog: the catalog's search API, page after page; the listing page and its model
pages when the API fails.

The catalog page (built by script) loads its models from a public search endpoint: a JSON POST per
page of results, each answer carrying the token of the next page. The crawl follows the tokens until
one is empty, bounded: a token seen before, or more pages than the total count allows, stops it (and
the run says so). Each answer's models then get their catalog page fetched too ("detail" pages): what
only a page states (benchmark tables, fact blocks, prose) is merged into the model's card, each value
with its own url; a detail page that fails is a note of the run, not a failure (the API stated the
card). If the first answer is an error or not a search response, the crawl falls back to the listing
page and the model pages it links, fetched plainly.
"""

from __future__ import annotations

import json

from scrapy.http import JsonRequest

from modeltrail.pipelines.parsers.azure import is_card_url
from modeltrail.pipelines.parsers.azure_search import continuation
from modeltrail.pipelines.parsers.azure_search import is_search_response
from modeltrail.pipelines.parsers.azure_search import model_names

from modeltrail.spiders.base import PageSpider

#: the model registries the catalog searches (publishers' collections)
REGISTRIES = ("azure-openai", "azureml", "azureml-meta", "azureml-mistral", "azureml-cohere", "azureml-deepseek",
              "azureml-xai", "azureml-nvidia", "azureml-ai21", "azureml-alibaba", "azureml-moonshotai")
PAGE_SIZE = 200
#: pages followed at most when the API gives no total count
MAX_PAGES = 50


def search_body(token: str | None) -> dict:
    return {
        "resourceIds": [{"resourceId": r, "entityContainerType": "Registry"} for r in REGISTRIES],
        "indexEntitiesRequest": {
            "filters": [{"field": "type", "operator": "eq", "values": ["models"]},
                        {"field": "kind", "operator": "eq", "values": ["Versioned"]},
                        {"field": "labels", "operator": "eq", "values": ["latest"]}],
            "pageSize": PAGE_SIZE, "skip": None, "continuationToken": token,
        },
    }


class AzureSpider(PageSpider):
    name = "azure"
    allowed_domains = ["ai.azure.com"]
    start_urls = ["https://ai.azure.com/catalog/models"]
    is_card_url = staticmethod(is_card_url)

    async def start(self):
        if self.source.fetch == "api":
            self._tokens: set[str] = set()
            yield self.search(None, 1)
        else:
            for url in self.start_urls:
                yield self.fetch(url)

    def search(self, token: str | None, page: int) -> JsonRequest:
        return JsonRequest(self.source.api, data=search_body(token), headers={"User-Agent": "AzureAiStudio"},
                           callback=self.on_search, errback=self.on_search_error, dont_filter=True,
                           meta={"source_url": f"{self.source.api}#page={page}", "page_kind": "card",
                                 "via": "api", "page_no": page})

    def on_search(self, response):
        page = response.meta["page_no"]
        try:
            data = json.loads(response.body)
        except ValueError:
            data = None
        if not is_search_response(data):
            if page == 1:
                yield from self._fallback_to_pages("not a catalog search response")
            else:
                yield self._item(response, response.meta["source_url"])  # judged as a page without cards
            return
        yield self._item(response, response.meta["source_url"])
        for name in model_names(data):  # each model's catalog page, for what only the page states
            yield self.page_request(f"{self.start_urls[0]}/{name}", "detail", render=False)
        token, total = continuation(data)
        if token is None:
            return
        limit = total if total is not None else MAX_PAGES
        if token in self._tokens:
            self.crawler.stats.set_value("modeltrail/api_stopped",
                                         f"the search API repeated a continuation token after page {page}")
        elif page >= max(limit, 1):
            self.crawler.stats.set_value("modeltrail/api_stopped",
                                         f"the search API gave more pages than its total count ({total}) allows; "
                                         f"stopped after page {page}")
        else:
            self._tokens.add(token)
            yield self.search(token, page + 1)

    def on_search_error(self, failure):
        status, error = self._error(failure)
        if failure.request.meta.get("page_no") == 1:
            yield from self._fallback_to_pages(error)
        else:
            yield from self.on_error(failure)

    def _fallback_to_pages(self, why: str):
        self.crawler.stats.inc_value("modeltrail/api_fallbacks")
        self._fallback_via = f"html (api: {why})"
        for url in self.start_urls:
            yield self.fetch(url)

    def fetch(self, url: str):
        """Pages (the listing and each model page) are fetched plainly; which way is in `via`."""
        return self.page_request(url, self.page_kind(url), render=False,
                                 via=getattr(self, "_fallback_via", None))
