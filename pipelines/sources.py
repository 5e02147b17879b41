"""The sources modeltrail reads: parser, spider and what a healthy run of each looks like."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType


FETCH_MODES = ("plain", "render", "api")


@dataclass(frozen=True)
class Source:
    name: str
    parser_module: str
    spider: str                 # "module:Class"
    min_cards: int              # a complete run finds at least this many cards
    key_fields: tuple[str, ...]  # fields most of its cards carry; losing one on every card is a warning sign
    # How its pages are fetched: "plain" HTTP; "render": in a browser (the page is built by script),
    # waiting for `render_wait` (a CSS selector the parser needs); "api": the JSON API its own pages
    # call (`api`, its url; the source's spider knows the requests), and its pages, fetched the
    # `fallback` way, when the API fails.
    fetch: str = "plain"
    render_wait: str | None = None
    api: str | None = None
    fallback: str = "plain"
    # Whether absence from a complete run may record a model as removed. A source whose pages list only
    # some models, and whose facts stay true when a model leaves the page (a vendor's lifecycle page
    # dropping a long-retired model), never removes: its last stated dates stay current.
    removes: bool = True

    @property
    def renders(self) -> bool:
        return "render" in (self.fetch, self.fallback if self.fetch == "api" else None)

    @property
    def parser(self) -> ModuleType:
        return import_module(self.parser_module)

    def spider_class(self):
        module, cls = self.spider.split(":")
        return getattr(import_module(module), cls)


SOURCES: dict[str, Source] = {
    s.name: s for s in (
        Source("azure", "modeltrail.pipelines.parsers.azure", "modeltrail.spiders.azure:AzureSpider",
               min_cards=1, key_fields=("version", "context_window", "organization"),
               fetch="api", api="https://ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion", fallback="plain"),
        Source("leaderboard", "modeltrail.pipelines.parsers.leaderboard",
               "modeltrail.spiders.leaderboard:LeaderboardSpider",
               min_cards=1, key_fields=("organization", "release_date")),
        Source("openai", "modeltrail.pipelines.parsers.openai", "modeltrail.spiders.openai:OpenaiSpider",
               min_cards=1, key_fields=("organization",)),
        Source("tokenhub", "modeltrail.pipelines.parsers.tokenhub", "modeltrail.spiders.tokenhub:TokenhubSpider",
               min_cards=1, key_fields=("context_window", "release_date"),
               fetch="render", render_wait="#app main"),
        Source("302ai", "modeltrail.pipelines.parsers.ai302", "modeltrail.spiders.ai302:Ai302Spider",
               min_cards=1, key_fields=("context_window",)),
        # One JSON page lists every model (~340-490 live); a run with fewer than 10 is not complete.
        Source("openrouter", "modeltrail.pipelines.parsers.openrouter", "modeltrail.spiders.openrouter:OpenrouterSpider",
               min_cards=10, key_fields=("context_window", "input_modalities", "prices")),
        # One JSON page, every provider x model (~1,000-1,150 in 2025-11); fewer than 100 is not complete.
        Source("modelsdev", "modeltrail.pipelines.parsers.modelsdev", "modeltrail.spiders.modelsdev:ModelsdevSpider",
               min_cards=100, key_fields=("context_window", "input_modalities", "prices", "provider")),
        # One JSON file maps every model key (244 in 2024-01, ~1,700 in 2025-09, more live); fewer than 100
        # cards is a cut file, not a catalog.
        Source("litellm", "modeltrail.pipelines.parsers.litellm", "modeltrail.spiders.litellm:LitellmSpider",
               min_cards=100, key_fields=("provider", "mode", "prices")),
        # Vendors' own lifecycle pages (parsers/deprecations/): a model leaving a page clears nothing.
        Source("deprecations", "modeltrail.pipelines.parsers.deprecations",
               "modeltrail.spiders.deprecations:DeprecationsSpider",
               min_cards=10, key_fields=("status", "retirement_date"), removes=False),
    )
}


def get(name: str) -> Source:
    if name not in SOURCES:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(sorted(SOURCES))}")
    return SOURCES[name]
