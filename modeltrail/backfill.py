"""`modeltrail backfill-git`: the git history of one file as dated snapshots of one source.

Every commit that changed PATH, oldest first, is one snapshot observed at the commit's committer time,
read by the source's own parser (the file's content is the page, archived once by hash like a crawled
page). Each snapshot is its own run and transaction; a commit whose file does not parse is recorded as
a failed run of that date and changes nothing. A snapshot already recorded (by commit and path) is
skipped, so running it again adds nothing.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from . import refresh as steps
from . import snapshot
from .parsers.base import sha256
from .sources import get
from .warehouse import db
from .handover import PageRecord

_CONTENT_TYPES = {".json": "application/json", ".md": "text/plain; charset=utf-8",
                  ".txt": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8"}


class BackfillError(ValueError):
    """A repository, path or history that cannot be backfilled; the message says which and why."""


@dataclass(frozen=True)
class Commit:
    sha: str
    committed_at: datetime

    def tag(self, path: str) -> str:
        """How the run names its snapshot (runs.replay): the commit and the file."""
        return f"git:{self.sha}:{path}"


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=300)
    except FileNotFoundError:
        raise BackfillError("git is not installed (apt-get install git)") from None
    if done.returncode != 0:
        raise BackfillError(f"git {args[0]} in {repo}: "
                            + (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[0])
    return done.stdout


def commits(repo: Path, path: str, since: datetime | None = None) -> list[Commit]:
    """Every commit that changed `path`, oldest first (by committer time; git's order breaks ties)."""
    if not Path(repo).is_dir():
        raise BackfillError(f"{repo} is not a directory")
    _git(repo, "rev-parse", "--git-dir")  # a repository at all?
    out = _git(repo, "log", "--format=%H %cI", "--", path).decode().split("\n")
    found = [Commit(sha, datetime.fromisoformat(when)) for sha, when in
             (line.split(" ", 1) for line in reversed(out) if line.strip())]
    if not found:
        raise BackfillError(f"no commit in {repo} changes {path}")
    found.sort(key=lambda c: c.committed_at)  # stable: git's own order for equal times
    return [c for c in found if since is None or c.committed_at >= since]


def file_at(repo: Path, commit: Commit, path: str) -> bytes | None:
    """The file as that commit left it; None when the commit deleted it."""
    try:
        return _git(repo, "show", f"{commit.sha}:{path}")
    except BackfillError:
        return None


def page_of(url: str, path: str, commit: Commit, body: bytes | None, page_kind: str) -> PageRecord:
    when = commit.committed_at
    via = f"git {commit.sha[:12]}"
    if body is None:
        return PageRecord(url=url, fetched_at=when, status=None, page_kind=page_kind, via=via,
                          error=f"{path} does not exist in commit {commit.sha[:12]}")
    return PageRecord(url=url, fetched_at=when, status=200, page_kind=page_kind, sha256=sha256(body),
                      content_type=_CONTENT_TYPES.get(Path(path).suffix.lower()), body=body, via=via)


def default_url(source: str) -> str:
    urls = get(source).spider_class().start_urls
    if len(urls) != 1:
        raise BackfillError(f"source {source} has {len(urls)} start urls: say which page the file is "
                            "with --url")
    return urls[0]


@dataclass
class Step:
    """One snapshot of the backfill, as progress sees it."""
    commit: Commit
    status: str          # complete | partial | failed | skipped (already recorded)
    run_id: int | None = None
    versions_added: int = 0
    cards: int = 0


def backfill(con, repo: Path, path: str, source: str, url: str | None = None, since: datetime | None = None,
             removal_runs: int = 2, on_start: Callable[[int, int], None] | None = None) -> Iterator[Step]:
    """Replay the commits as snapshots, yielding one Step per commit. Refuses (BackfillError from
    db.WarehouseError's message) before loading anything when a commit still to load is older than
    what the source's history already holds."""
    url = url or default_url(source)
    parser = get(source).parser
    page_kind = "card" if getattr(parser, "is_card_url", lambda u: True)(url) else "listing"
    history = commits(repo, path, since)
    todo = [c for c in history if not _loaded(con, source, c.tag(path))]
    if todo:
        try:
            db.check_time_order(con, source, todo[0].committed_at)
        except db.WarehouseError as exc:
            raise BackfillError(f"{exc} (or pass --since to load only the later commits)") from None
    if on_start:
        on_start(len(history), len(history) - len(todo))
    pending = {c.sha for c in todo}
    for commit in history:
        if commit.sha not in pending:
            yield Step(commit, "skipped")
            continue
        page = page_of(url, path, commit, file_at(repo, commit, path), page_kind)
        crawl = steps.ArchivedPages(source, [page])
        load = steps.build_load(source, crawl, steps.last_complete_run(con, source))
        run_id, result = snapshot.record(con, load, commit.committed_at, "backfill", commit.tag(path),
                                         removal_runs=removal_runs)
        yield Step(commit, result.status, run_id, result.versions_added, len(load.cards))
    db.remap(con)


def _loaded(con, source: str, tag: str) -> bool:
    return db.run_sql(con, db.query("snapshot_loaded"), {"tag": tag, "source": source}).fetchone()[0]
