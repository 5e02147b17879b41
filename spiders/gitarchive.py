"""Reading a catalog archive kept in git: which commits changed the catalog file (one path, several, or
a pathspec glob: a file that moved or was renamed is one history), the blob each of them left, blob
sizes before anything is read, and a blob's bytes. Only git's plumbing, through subprocesses; nothing
here knows the warehouse.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

#: an object a partial clone lacks is never fetched behind the user's back (git >= 2.44 reads this;
#: older gits try the promisor remote and fail when it is unreachable: the blob is then missing alike)
_ENV = {**os.environ, "GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0"}
_NULL = "0" * 40
LFS_POINTER = b"version https://git-lfs"


class BackfillError(ValueError):
    """A repository, path or history that cannot be backfilled; the message says which and why."""


@dataclass(frozen=True)
class Commit:
    """One commit that changed the catalog: the matching file it left (path, blob), or blob None when
    it only deleted matching files."""
    sha: str
    committed_at: datetime
    path: str
    blob: str | None

    def tag(self) -> str:
        """How the run names its snapshot (runs.replay): the commit and the file."""
        return f"git:{self.sha}:{self.path}"


def git(repo: Path, *args: str, input: bytes | None = None, timeout: float = 300) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=timeout,
                              input=input, env=_ENV)
    except FileNotFoundError:
        raise BackfillError("git is not installed (apt-get install git)") from None
    except subprocess.TimeoutExpired:
        raise BackfillError(f"git {args[0]} in {repo} did not finish in {timeout:.0f} s") from None
    if done.returncode != 0:
        raise BackfillError(f"git {args[0]} in {repo}: "
                            + (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[0])
    return done.stdout


def history(repo: Path, paths: list[str], since: datetime | None = None) -> list[Commit]:
    """Every commit of the current branch's first-parent line that changed a file matching `paths`
    (git pathspecs: `*` matches across `/`), oldest first by committer time (git's order breaks ties).
    Each commit's file is the matching one it added or modified (the last by path when it changed
    several); a commit that only deleted matching files has blob None."""
    if not Path(repo).is_dir():
        raise BackfillError(f"{repo} is not a directory")
    git(repo, "rev-parse", "--git-dir")  # a repository at all?
    out = git(repo, "log", "--first-parent", "-m", "--raw", "--no-renames", "--no-abbrev", "-z",
              "--format=%x01%H %cI", "--", *paths).decode("utf-8", "surrogateescape")
    found: list[Commit] = []
    tokens = out.split("\0")
    head: tuple[str, datetime] | None = None
    changed: list[tuple[str, str]] = []  # (path, new blob or NULL)

    def close() -> None:
        if head is None or not changed:
            return
        kept = sorted((p, b) for p, b in changed if b != _NULL)
        path, blob = kept[-1] if kept else (sorted(changed)[-1][0], None)
        found.append(Commit(head[0], head[1], path, blob))

    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        if token.startswith("\x01"):
            close()
            sha, when = token[1:].split(" ", 1)
            head, changed = (sha, datetime.fromisoformat(when)), []
        elif token.startswith(":") and i + 1 < len(tokens):
            fields = token[1:].split(" ")  # old mode, new mode, old blob, new blob, status
            changed.append((tokens[i + 1], fields[3]))
            i += 1
        i += 1
    close()
    if not found:
        raise BackfillError(f"no commit in {repo} changes {' '.join(paths)}")
    found.reverse()  # git log is newest first
    found.sort(key=lambda c: c.committed_at)  # stable: git's own order for equal times
    return [c for c in found if since is None or c.committed_at >= since]


def blob_sizes(repo: Path, blobs: set[str]) -> dict[str, int | None]:
    """Each blob's size in bytes, read from the object database without reading the blob; None for an
    object this clone does not hold (a partial or shallow clone, a pruned object)."""
    if not blobs:
        return {}
    order = sorted(blobs)
    out = git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)",
              input="".join(b + "\n" for b in order).encode()).decode().splitlines()
    sizes: dict[str, int | None] = {}
    for line in out:
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            sizes[parts[0]] = int(parts[2])
        elif parts:
            sizes[parts[0]] = None  # "<id> missing"
    return {b: sizes.get(b) for b in order}


def read_blob(repo: Path, blob: str) -> bytes:
    """The blob's bytes. BackfillError when the clone cannot give them. Within `reading(repo)`, through
    the one `git cat-file --batch` it keeps open; else a `git cat-file blob` of its own."""
    batch = _batches.get(_key(repo))
    if batch is not None:
        return batch.read(blob)
    return git(repo, "cat-file", "blob", blob)


#: repositories being read through one `git cat-file --batch` (see reading)
_batches: dict[str, "_CatFile"] = {}


def _key(repo: Path) -> str:
    return str(Path(repo).resolve())


@contextlib.contextmanager
def reading(repo: Path) -> Iterator[None]:
    """While the block runs, read_blob(repo, …) reads through one `git cat-file --batch` process: a
    backfill reads a blob per commit, and a process per blob costs more than the blob (and git keeps
    the delta bases it resolved for the next one)."""
    key = _key(repo)
    if key in _batches:
        yield
        return
    _batches[key] = _CatFile(Path(repo))
    try:
        yield
    finally:
        _batches.pop(key).close()


class _CatFile:
    """`git cat-file --batch`, started on the first read. In a session of its own: a Ctrl-C meant for
    the backfill (which stops between commits) does not kill it under the commit being read."""

    def __init__(self, repo: Path):
        self.repo, self.proc = repo, None

    def read(self, blob: str, timeout: float = 300) -> bytes:
        if self.proc is None:
            try:
                self.proc = subprocess.Popen(["git", "-C", str(self.repo), "cat-file", "--batch"],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL, env=_ENV, start_new_session=True)
            except FileNotFoundError:
                raise BackfillError("git is not installed (apt-get install git)") from None
        watchdog = threading.Timer(timeout, self.proc.kill)  # (a hung git ends the read, not the backfill)
        watchdog.start()
        header: list[bytes] = []
        try:
            self.proc.stdin.write(blob.encode() + b"\n")
            self.proc.stdin.flush()
            header = self.proc.stdout.readline().split()
            if len(header) == 3 and header[1] == b"blob":
                body = self.proc.stdout.read(int(header[2]))
                if len(body) == int(header[2]) and self.proc.stdout.read(1) == b"\n":
                    return body
        except (OSError, ValueError):
            pass
        finally:
            watchdog.cancel()
        self.close()  # (out of step with git now: the next read starts another)
        what = b" ".join(header[1:]).decode("utf-8", "replace") or "no answer"  # ("missing", "ambiguous")
        raise BackfillError(f"git cat-file in {self.repo}: blob {blob[:12]}: {what}")

    def close(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        with contextlib.suppress(OSError):
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def unreadable(body: bytes) -> str | None:
    """Why a blob's text is not the catalog itself (a Git LFS pointer), or None."""
    if len(body) < 1024 and body.startswith(LFS_POINTER):
        return "a Git LFS pointer, not the file (run `git lfs pull` in the repository)"
    return None
