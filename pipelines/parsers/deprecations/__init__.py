"""The `deprecations` source: vendors' own lifecycle pages (deprecation notices, shutdown dates,
recommended replacements), one module per page family.

`parse` dispatches by the page's url (host + path) through `PAGES`; each family module has
`parse(page, url, fetched_at, content_type=None) -> Parsed` and builds its cards with common.Lifecycle.
A card: source "deprecations", source_model_id "<vendor>/<model id as the vendor writes it>",
organization the vendor, status active|preview|deprecated|retired, deprecation_date (the announcement),
retirement_date (the shutdown) with retirement_qualifier, successor (the recommended replacements,
joined with ", "), section (the heading it came from).

Several pages of one vendor may name one model (a lifecycle page and a models overview): the run keeps
one card per model (parsing.merge_by_model) and `card_rank` makes the lifecycle page's card lead, so its
dates and status win; an overview only fills what the lifecycle page leaves unsaid.
"""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from urllib.parse import urlsplit

from modeltrail.pipelines.records import InvalidValue

from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.deprecations.common import SOURCE
from modeltrail.pipelines.parsers.deprecations.pages_b import PAGES_B

PARSER_VERSION = "deprecations/1"

#: page (host + path, no scheme, no trailing slash) -> (family module, rank). Rank 0: a lifecycle page
#: (its facts win); 1: an overview page of the same vendor (fills gaps only).
PAGES: dict[str, tuple[str, int]] = {
    "developers.openai.com/api/docs/deprecations.md": ("openai", 0),
    "developers.openai.com/api/docs/models.md": ("openai", 1),
    "platform.claude.com/docs/en/about-claude/model-deprecations.md": ("anthropic", 0),
    "platform.claude.com/docs/en/about-claude/models/overview.md": ("anthropic", 1),
    "docs.cohere.com/docs/deprecations.md": ("cohere", 0),
    "docs.cohere.com/docs/models.md": ("cohere", 1),
    "console.groq.com/docs/deprecations.md": ("groq", 0),
    "inference-docs.cerebras.ai/support/deprecation.md": ("cerebras", 0),
    "docs.x.ai/developers/migration/may-15-retirement.md": ("xai", 0),
    # changelogs and overviews of vendors with no lifecycle page of their own
    "docs.fireworks.ai/updates/changelog.md": ("fireworks", 0),
    "docs.perplexity.ai/docs/resources/changelog.md": ("perplexity", 0),
    "docs.z.ai/guides/overview/pricing.md": ("zai", 0),
    "docs.z.ai/release-notes/new-released.md": ("zai", 1),
    "platform.minimax.io/docs/api-reference/api-overview.md": ("minimax", 0),
    "platform.minimax.io/docs/release-notes/models.md": ("minimax", 1),
}
PAGES.update(PAGES_B)


def page_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/')}"


def family(url: str) -> tuple[str, int] | None:
    return PAGES.get(page_key(url))


def is_card_url(url: str) -> bool:
    """A page whose family is registered. (A start url of a family not yet registered is fetched as a
    listing: archived, not parsed.)"""
    return family(url) is not None


def card_rank(card: ModelCard) -> int:
    """Which card leads when several pages name one model: the lifecycle page's (0) before an overview's."""
    fam = family(card.url)
    return fam[1] if fam else 9


def parse(page: str | bytes, url: str, fetched_at: datetime, content_type: str | None = None) -> Parsed:
    fam = family(url)
    if fam is None:
        known = ", ".join(sorted(PAGES))
        return Parsed(problems=[InvalidValue(SOURCE, url, "page", f"no lifecycle parser for this page "
                                                                  f"(known pages: {known})")])
    module = import_module(f"{__name__}.{fam[0]}")
    return module.parse(page, url, fetched_at, content_type)
