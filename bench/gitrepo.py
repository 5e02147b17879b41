"""Build a git repository whose history is a folder of dated daily snapshots, the way public
repositories commit an API's response day after day (for the README demo, tests and benchmarks).

    python -m bench.gitrepo ../shared/data/openrouter OUT_REPO [--path openrouter/models.json]
                            [--days N]

The folder holds `index.tsv` (file, committed_at) and the gzip'd files it names. Each becomes one
commit of PATH with that committer (and author) time, oldest first. With --days N larger than the
number of files, the files are reused in order with the dates continued a day apart (benchmarks).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path


def snapshots(folder: Path) -> list[tuple[Path, datetime]]:
    with open(folder / "index.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    out = [(folder / r["file"], datetime.fromisoformat(r["committed_at"])) for r in rows]
    return sorted(out, key=lambda x: x[1])


def build(folder: Path, repo: Path, path: str = "openrouter/models.json", days: int | None = None,
          distinct: bool = False) -> Path:
    """distinct: keep only files whose content differs from the one before (every commit then changes
    PATH: a benchmark of N snapshots gets N of them)."""
    days_list = snapshots(Path(folder))
    if distinct:
        kept, last = [], None
        for file, when in days_list:
            body = gzip.decompress(file.read_bytes())
            if body != last:
                kept.append((file, when))
            last = body
        days_list = kept
    if days and days > len(days_list):
        last = days_list[-1][1]
        days_list += [(days_list[i % len(days_list)][0], last + timedelta(days=i + 1))
                      for i in range(days - len(days_list))]
    elif days:
        days_list = days_list[:days]
    repo = Path(repo)
    repo.mkdir(parents=True, exist_ok=True)
    git = ["git", "-C", str(repo)]
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    for n, (file, when) in enumerate(days_list):
        target.write_bytes(gzip.decompress(file.read_bytes()))
        env = {**os.environ, "GIT_AUTHOR_NAME": "archive", "GIT_AUTHOR_EMAIL": "archive@localhost",
               "GIT_COMMITTER_NAME": "archive", "GIT_COMMITTER_EMAIL": "archive@localhost",
               "GIT_AUTHOR_DATE": when.isoformat(), "GIT_COMMITTER_DATE": when.isoformat()}
        subprocess.run(git + ["add", path], check=True, env=env)
        subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", f"snapshot {n + 1}: {file.name}"],
                       check=True, env=env)
    return repo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("repo", type=Path)
    ap.add_argument("--path", default="openrouter/models.json")
    ap.add_argument("--days", type=int)
    args = ap.parse_args()
    build(args.folder, args.repo, args.path, args.days)
    print(f"{args.repo}: {args.path} committed {len(snapshots(args.folder)) if not args.days else args.days} times")


if __name__ == "__main__":
    main()
