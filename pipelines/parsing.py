"""Parsing one source run's pages: each card page through the source's parser as it arrives, then one
card per model (the cards several pages gave of one model, merged)."""

from __future__ import annotations

from modeltrail.pipelines.fingerprints import fingerprint
from modeltrail.pipelines.handover import PageRecord, ParsedPages
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.catalog import EntryMemo
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.records import ProviderFacts
from modeltrail.pipelines.sources import get


class PageParser:
    """Parses one source's card pages one at a time, then merges the cards per model. `memo`: for a
    catalog source (a parser with a CATALOG, parsers/catalog.py), the entries of the snapshot parsed
    before, kept by a caller that parses snapshot after snapshot of the file (backfill-git): entries
    the same as then are not parsed again."""

    def __init__(self, source: str, memo: EntryMemo | None = None):
        self.source = source
        self.memo = memo
        self.parser = get(source).parser
        catalog = getattr(self.parser, "CATALOG", None)
        self.is_catalog = catalog is not None  # (see is_catalog)
        self.parse = (lambda page, url, fetched_at, content_type: catalog.parse(page, url, fetched_at, memo)) \
            if catalog is not None and memo is not None else self.parser.parse
        self.problems: list[InvalidValue] = []
        self.notes: list[str] = []
        self.card_pages = 0
        self.seen: dict[str, list[ModelCard]] = {}
        self.carded: set[str] = set()  # urls of the pages that gave a card
        self.providers: dict[str, ProviderFacts] = {}  # a catalog's provider facts, by provider id

    def feed(self, page: PageRecord) -> None:
        # "detail": a model's own page beside the API that listed it (see spiders/azure.py)
        if not page.has_body or page.page_kind not in ("card", "detail") or not page.ok:
            return
        self.card_pages += page.page_kind == "card"
        try:
            parsed: Parsed = self.parse(page.read_body(), page.url, page.fetched_at, page.content_type)
        except Exception as exc:  # a parser bug must not sink the other pages; it is reported per page
            self.problems.append(InvalidValue(self.source, page.url, "page", f"parser crashed: {exc!r}"))
            return
        self.problems.extend(parsed.problems)
        self.notes.extend(parsed.notes)
        self.providers.update((p.provider, p) for p in parsed.providers)
        if parsed.cards:
            self.carded.add(page.url)
        for card in parsed.cards:
            self.seen.setdefault(card.source_model_id, []).append(card)

    def result(self) -> tuple[list[ModelCard], list[InvalidValue], int]:
        return (merge_by_model([c for group in self.seen.values() for c in group], card_rank(self.source)),
                self.problems, self.card_pages)

    def parsed(self) -> ParsedPages:
        """What was parsed, as data (the crawl hands this on, not the parser), with each card's
        fingerprint: computed here, in the crawl's task while other sources still crawl, not in the
        load (a card of an entry the memo kept has its own already)."""
        cards, problems, card_pages = self.result()
        derived = self.memo.derived if self.memo is not None else (lambda card: None)
        prints = {}
        for card in cards:
            known = derived(card)
            prints[card.source_model_id] = known if known is not None else fingerprint(card)
        return ParsedPages(cards, problems, card_pages, set(self.carded), list(self.notes),
                           list(self.providers.values()), prints)


def parse_pages(source: str, pages: list[PageRecord]) -> tuple[list[ModelCard], list[InvalidValue], int]:
    """Parse every card page that came back with a body. Returns (cards, problems, card pages read)."""
    return parse_all(source, pages).result()


def parse_all(source: str, pages: list[PageRecord], memo: EntryMemo | None = None) -> ParsedPages:
    """Parse every card page that came back with a body (`memo`: see PageParser)."""
    parser = PageParser(source, memo)
    for page in pages:
        parser.feed(page)
    return parser.parsed()


def is_catalog(source: str) -> bool:
    """The source is one catalog file (LiteLLM's, models.dev's, OpenRouter's list; its parser has a
    CATALOG): a page gives the cards of thousands of models at once, read from JSON, with no reference
    cycles (flows/collector.py)."""
    return getattr(get(source).parser, "CATALOG", None) is not None


def card_rank(source: str):
    """The source parser's `card_rank(card) -> int` (which page's card leads a merge: lower first), or None."""
    try:
        return getattr(get(source).parser, "card_rank", None)
    except KeyError:
        return None


def merge_by_model(cards: list[ModelCard], rank=None) -> list[ModelCard]:
    """One card per model: the cards several pages gave of one model, merged (first seen order)."""
    groups: dict[str, list[ModelCard]] = {}
    for card in cards:
        groups.setdefault(card.source_model_id, []).append(card)
    return [merge_cards(group, rank) if len(group) > 1 else group[0] for group in groups.values()]


def merge_cards(cards: list[ModelCard], rank=None) -> ModelCard:
    """One card from several pages of one source that describe the same model (OpenAI's docs page and
    an announcement post). The fullest card leads (among the cards of the best `rank`, when the source
    ranks its pages: a lifecycle page before an overview); the others fill its empty fields (never one
    the lead states is empty), and their prices and benchmarks keep the page that stated them."""
    def filled(c: ModelCard) -> int:
        return sum(1 for v in c.model_dump().values() if has_value(v))
    lead, *rest = sorted(cards, key=lambda c: (rank(c) if rank else 0, -filled(c)))
    data = lead.model_dump()
    prices = {(p.kind, p.tier): _stated(p, lead) for p in lead.prices}
    benches = {(b.benchmark or b.reported_name, b.setting): _stated(b, lead) for b in lead.benchmarks}
    for other in rest:
        for name, value in other.model_dump().items():
            if isinstance(value, list) and name in ModelCard.model_fields and name not in ("prices", "benchmarks"):
                data[name] = sorted(set(data[name]) | set(value))
            elif data.get(name) in (None, "") and value not in (None, "") and name not in lead.stated_empty:
                data[name] = value
        for p in other.prices:
            prices.setdefault((p.kind, p.tier), _stated(p, other))
        for b in other.benchmarks:
            benches.setdefault((b.benchmark or b.reported_name, b.setting), _stated(b, other))
    data["prices"], data["benchmarks"] = [], []
    merged = ModelCard(**data)
    merged.prices, merged.benchmarks = list(prices.values()), list(benches.values())
    return merged


def _stated(value, card: ModelCard):
    """The price or score with the page that stated it (a copy: the card it came from is not changed,
    and a catalog's cards may be reused for the next snapshot, parsers/catalog.py)."""
    if value._url is None:
        value = value.model_copy()
        value._url, value._page_sha256 = card.url, card.page_sha256
    return value


def has_value(v) -> bool:
    """None, "" and [] count as missing."""
    return v not in (None, "", [])
