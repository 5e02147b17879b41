"""What a crawl hands on: the pages it fetched (PageRecord), a crawl's whole output (CrawlOutput) or pages
read back from an archive (ArchivedPages), one source run's verdict, cards and problems for the
warehouse (SourceLoad); and what the load says back (LoadResult)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from modeltrail.pipelines.records import ModelCard
from modeltrail.pipelines.records import ProviderFacts


@dataclass(frozen=True)
class GitSource:
    """Where a page read from a git archive lives (`modeltrail backfill-git`): `git -C REPO show
    BLOB` (or COMMIT:PATH) gives its body back. Such a page's body is not copied into the archive."""
    repo: str       # the repository's absolute path when it was read
    commit: str     # full commit id
    path: str
    blob: str       # the file's blob id in that commit


@dataclass
class PageRecord:
    """One fetch of one url in a crawl (what spiders/ hand over through pipelines/archive.py)."""
    url: str
    fetched_at: datetime
    status: int | None
    page_kind: str | None = None
    sha256: str | None = None
    content_type: str | None = None
    body: bytes | None = None
    error: str | None = None
    # The body on disk (a crawl's bodies.bin, at body_offset), read when needed: 10,000 pages of 100 KB
    # are not held in memory at once.
    body_file: str | None = None
    body_offset: int = 0
    body_length: int = 0
    via: str | None = None          # html | rendered | api | "html (api: HTTP 500)" (a fallback)
    raw_sha256: str | None = None   # a rendered page: the HTML as served, archived beside what was parsed
    raw_offset: int = 0
    raw_length: int = 0
    git: GitSource | None = None    # read from a git archive: provenance is the blob, not a copy

    def read_raw(self) -> bytes | None:
        if self.raw_sha256 is None or self.body_file is None:
            return None
        with open(self.body_file, "rb") as fh:
            fh.seek(self.raw_offset)
            return fh.read(self.raw_length)

    def read_body(self) -> bytes | None:
        if self.body is not None or self.body_file is None:
            return self.body
        with open(self.body_file, "rb") as fh:
            fh.seek(self.body_offset)
            return fh.read(self.body_length)

    @property
    def has_body(self) -> bool:
        return self.body is not None or (self.body_file is not None and self.sha256 is not None)

    @property
    def ok(self) -> bool:
        """The fetch got a response below 400 and no error."""
        return self.error is None and bool(self.status) and self.status < 400


@dataclass
class SourceLoad:
    """Everything one source run hands to the warehouse."""
    source: str
    status: str                                   # complete | partial | failed
    pages: list[PageRecord] = field(default_factory=list)
    cards: list[ModelCard] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)   # (url, field, message)
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # noticed, no reason to doubt the run
    coverage: dict[str, float] = field(default_factory=dict)
    card_pages: int = 0
    error: str | None = None
    #: the cards' fingerprints (pipelines/fingerprints.py) known already, by source_model_id: computed by
    #: the parse that made the cards (ParsedPages.fingerprints; a catalog entry the same as in the snapshot
    #: before keeps its own, backfill-git). The load computes the others. They must be those of these
    #: very cards: a card changed after its parse needs its entry dropped.
    fingerprints: dict[str, int] = field(default_factory=dict)
    #: what the pages state of the providers themselves (a catalog's provider facts: models.dev), kept as
    #: their own history (warehouse/providers.sql)
    providers: list[ProviderFacts] = field(default_factory=list)


@dataclass
class LoadResult:
    source: str
    status: str
    versions_added: int = 0
    versions_closed: int = 0
    removed: int = 0


@dataclass
class ParsedPages:
    """A source run's pages, parsed: one card per model, the problems met, how many card pages were read,
    which pages gave a card, what the parser noticed and what the pages state of the providers
    themselves (pipelines/parsing.py)."""
    cards: list[ModelCard] = field(default_factory=list)
    problems: list = field(default_factory=list)        # InvalidValue
    card_pages: int = 0
    carded: set[str] = field(default_factory=set)       # urls of the pages that gave a card
    notes: list[str] = field(default_factory=list)
    providers: list[ProviderFacts] = field(default_factory=list)
    #: each card's fingerprint (pipelines/fingerprints.py), by source_model_id, computed as the parse
    #: handed its cards over: the load does not compute them again
    fingerprints: dict[str, int] = field(default_factory=dict)

    def result(self) -> tuple[list[ModelCard], list, int]:
        """(cards, problems, card pages read), as PageParser.result gives them."""
        return self.cards, self.problems, self.card_pages


@dataclass
class CrawlOutput:
    """One source's crawl (modeltrail/crawl_run.py): its pages, Scrapy's stats, how it ended."""
    source: str
    pages: list[PageRecord] = field(default_factory=list)
    stats: dict | None = None       # Scrapy's stats; None when the crawl died before writing them
    returncode: int | None = None
    log_tail: str = ""
    parsed: "ParsedPages | None" = None  # the pages parsed while the crawl ran (see crawl(parse=True))


@dataclass
class ArchivedPages:
    """Pages read back, not crawled: from the archive (reparse) or a file in git (backfill-git). They are
    judged as pages (failed, card-less, cards against the last complete run); there is no crawl to judge
    (no stats, no log, no early stop)."""
    source: str
    pages: list[PageRecord] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    log_tail: str = ""
    parsed: "ParsedPages | None" = None  # parsed already (backfill-git: entry by entry, see parsing.PageParser)
