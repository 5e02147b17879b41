"""`modeltrail backfill-git`: the git history of a catalog file as dated snapshots of one source.

Every commit of the branch's first-parent line that changed the file (one path, several, or a pathspec
glob: a file that moved or was renamed is one history), oldest first, is one snapshot observed at the
commit's committer time, read by the source's own parser. Each snapshot is its own run and transaction.

- A commit whose blob equals the one before is skipped without reading it (git's blob ids compared).
- A blob this clone cannot give (a partial clone, a missing object, a Git LFS pointer) is skipped and
  listed; a commit only deleting the file is skipped too. Neither records a run.
- A blob larger than a page may be (MODELTRAIL_MAX_PAGE_BYTES, as for a crawl and `parse`) is recorded as
  a failed run saying so, without reading it; a file that does not parse is a failed run that changes
  nothing.
- Provenance is the blob: the run's fetch records the body's sha256 and (table git_fetches) the
  repository, commit, path and blob; the body is not copied into the page archive (`modeltrail reparse`
  reads it back from the repository).
- A catalog (a parser offering a CATALOG: litellm, modelsdev, openrouter) is parsed entry by entry: an
  entry whose JSON text is the same as in the commit before is not parsed again, its cards are the same
  with this commit's provenance (pipelines/parsers/catalog.py). `reuse=False` parses every commit whole.
- Resumable: a run names its commit (runs.replay "git:<commit>:<path>"); running the same command again
  continues after the last commit loaded, whatever the paths it was found by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from modeltrail.flows import collector
from modeltrail.flows import steps
from modeltrail.flows import snapshot
from modeltrail.spiders.crawl import max_page_bytes
from modeltrail.spiders.gitarchive import BackfillError, Commit, blob_sizes, history, read_blob, reading, unreadable
from modeltrail.pipelines.handover import GitSource
from modeltrail.pipelines.handover import PageRecord
from modeltrail.pipelines.parsers.base import sha256
from modeltrail.pipelines.parsers.catalog import EntryMemo
from modeltrail.pipelines.parsing import is_catalog
from modeltrail.pipelines.parsing import parse_all
from modeltrail.pipelines.sources import get
from modeltrail.warehouse import db
from modeltrail.pipelines.fingerprints import fingerprint

SQL = "run_results.sql"

__all__ = ["BackfillError", "Commit", "Step", "backfill", "default_url", "page_of", "REMOVAL_RUNS"]

#: a catalog archive's default --removal-runs: keys vanish from a commit and come back in the next ones
#: (a contributor's bad merge, a provider block briefly dropped), which is no removal
REMOVAL_RUNS = 3

_CONTENT_TYPES = {".json": "application/json", ".md": "text/plain; charset=utf-8",
                  ".txt": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8"}


def page_of(url: str, commit: Commit, body: bytes | None, page_kind: str, source: GitSource | None = None,
            error: str | None = None) -> PageRecord:
    when, via = commit.committed_at, f"git {commit.sha[:12]}"
    if body is None:
        return PageRecord(url=url, fetched_at=when, status=None, page_kind=page_kind, via=via, git=source,
                          error=error or f"{commit.path} does not exist in commit {commit.sha[:12]}")
    return PageRecord(url=url, fetched_at=when, status=200, page_kind=page_kind, sha256=sha256(body),
                      content_type=_CONTENT_TYPES.get(Path(commit.path).suffix.lower()), body=body, via=via,
                      git=source)


def default_url(source: str) -> str:
    urls = get(source).spider_class().start_urls
    if len(urls) != 1:
        raise BackfillError(f"source {source} has {len(urls)} start urls: say which page the file is "
                            "with --url")
    return urls[0]


@dataclass
class Step:
    """One commit of the backfill, as progress sees it."""
    commit: Commit
    status: str          # complete | partial | failed (a run) | already loaded | unchanged | unreadable | deleted
    run_id: int | None = None
    versions_added: int = 0
    cards: int = 0
    reason: str | None = None   # why an unreadable commit was skipped, or why a run failed without a read


def backfill(con, repo: Path, paths: list[str], source: str, url: str | None = None, since: datetime | None = None,
             removal_runs: int = REMOVAL_RUNS, allow_future: bool = False,
             on_start: Callable[[int, int], None] | None = None,
             stop: Callable[[], bool] = lambda: False, reuse: bool = True) -> Iterator[Step]:
    """Replay the commits as snapshots, yielding one Step per commit. Refuses (BackfillError) before
    loading anything when a commit still to load is dated in the future (unless allow_future) or older
    than what the source's history already holds. `stop()` is asked between commits: True ends the
    backfill there (every snapshot before it is committed)."""
    url = url or default_url(source)
    parser = get(source).parser
    page_kind = "card" if getattr(parser, "is_card_url", lambda u: True)(url) else "listing"
    repo_path = str(Path(repo).resolve())
    found = history(repo, paths, since)
    loaded = {sha for (sha,) in db.run_sql(con, db.query("git_commits_loaded", SQL), {"source": source}).fetchall()}
    last = max((i for i, c in enumerate(found) if c.sha in loaded), default=-1)
    previous = [None] + [c.blob for c in found[:-1]]
    fresh = [c for n, c in enumerate(found) if n > last and c.blob is not None and c.blob != previous[n]]
    if not allow_future:
        ahead = next((c for c in fresh if snapshot.in_future(c.committed_at)), None)
        if ahead is not None:
            raise BackfillError(f"commit {ahead.sha[:12]} ({ahead.path}) is dated {ahead.committed_at.isoformat()}, "
                                "in the future; a snapshot is recorded when it was observed (pass --allow-future "
                                "if you mean it)")
    if fresh:  # (refused before anything loads; each commit's run checks its own time again)
        try:
            snapshot.check_order(con, [source], fresh[0].committed_at)
        except db.WarehouseError as exc:
            raise BackfillError(f"{exc} (or pass --since to load only the later commits)") from None
    sizes = blob_sizes(repo, {c.blob for c in fresh})
    cap = max_page_bytes()
    memo = EntryMemo(fingerprint) if reuse else None
    catalog = is_catalog(source)
    if on_start:
        on_start(len(found), last + 1)
    with reading(repo):  # (one `git cat-file --batch` for every blob)
        for n, commit in enumerate(found):
            if n <= last:
                yield Step(commit, "already loaded")
                continue
            if stop():
                break
            if commit.blob is None:
                yield Step(commit, "deleted", reason=f"{commit.path} deleted")
                continue
            if commit.blob == previous[n]:
                yield Step(commit, "unchanged")
                continue
            size = sizes.get(commit.blob)
            if size is None:
                yield Step(commit, "unreadable", reason=f"blob {commit.blob[:12]} of {commit.path} is not in this "
                                                        "clone (a partial or shallow clone, or a pruned object)")
                continue
            where = GitSource(repo=repo_path, commit=commit.sha, path=commit.path, blob=commit.blob)
            body, error = None, None
            if size > cap:
                error = (f"{commit.path} at commit {commit.sha[:12]} is {size:,} bytes, larger than a page may be "
                         f"({cap:,} bytes, MODELTRAIL_MAX_PAGE_BYTES): not read")
            else:
                try:
                    body = read_blob(repo, commit.blob)
                except BackfillError as exc:
                    yield Step(commit, "unreadable", reason=str(exc))
                    continue
                why = unreadable(body)
                if why:
                    yield Step(commit, "unreadable", reason=f"{commit.path}: {why}")
                    continue
            page = page_of(url, commit, body, page_kind, where, error)
            del body
            with collector.kept(catalog):  # (flows/collector.py)
                parsed = parse_all(source, [page], memo)
            crawl = steps.ArchivedPages(source, [page], parsed=parsed)
            load = steps.build_load(source, crawl, steps.last_complete_run(con, source))
            run_id, result = snapshot.record(con, load, commit.committed_at, "backfill", commit.tag(),
                                             removal_runs=removal_runs)
            yield Step(commit, result.status, run_id, result.versions_added, len(load.cards), reason=error)
