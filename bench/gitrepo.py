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
import json
import os
import random
import subprocess
from datetime import datetime, timedelta, timezone
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


#: the OpenRouter keys a synthetic catalog entry keeps (the long free text trimmed): ~350 bytes a key
CATALOG_KEYS = ("id", "canonical_slug", "name", "created", "description", "context_length", "architecture",
                "pricing", "top_provider", "expiration_date", "hugging_face_id")


def catalog_repo(day: Path, repo: Path, commits: int, keys: int, path: str = "catalog/models.json",
                 seed: int = 7) -> dict:
    """A catalog archive shaped like the real ones: `commits` commits of one JSON file of `keys` models
    (the real OpenRouter models of `day`, a .json.gz, repeated under suffixed ids, descriptions cut to 40
    characters), written with git fast-import (one pack, each blob a delta of the one before). Between
    commits, as in LiteLLM's history: a few prices move (~0.3% of the keys), every 25th commit adds 10
    models and drops 5, and every 40th a block of 30 keys vanishes for one commit and comes back.
    Returns the figures of the repository (file size, size-pack)."""
    rng = random.Random(seed)
    real = json.loads(gzip.decompress(Path(day).read_bytes()))["data"]
    models: dict[str, dict] = {}
    n = 0
    while len(models) < keys:
        m = {k: v for k, v in real[n % len(real)].items() if k in CATALOG_KEYS}
        m["id"] = m["canonical_slug"] = m["id"] + (f"-v{n // len(real)}" if n >= len(real) else "")
        m["description"] = (m.get("description") or "")[:40]
        m["architecture"] = {k: v for k, v in (m.get("architecture") or {}).items()
                             if k in ("input_modalities", "output_modalities")}
        m = {k: v for k, v in m.items() if v is not None}
        m["pricing"] = dict(m.get("pricing") or {})
        models[m["id"]] = m
        n += 1
    repo = Path(repo)
    repo.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "-C", str(repo), "init", "-q", "-b", "main"], check=True)
    start = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
    imp = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    size = 0
    for c in range(commits):
        ids = list(models)
        for i in rng.sample(ids, max(1, len(ids) * 3 // 1000)):
            price = models[i]["pricing"]
            price["prompt"] = f"{rng.randint(1, 3000) / 1e8:.8f}".rstrip("0")
        if c and c % 25 == 0:
            for i in rng.sample(ids, 5):
                del models[i]
            for k in range(10):
                new = dict(models[rng.choice(list(models))])
                new["id"] = new["canonical_slug"] = f"{new['id']}-new{c}-{k}"
                models[new["id"]] = new
        shown = list(models.values())
        if c % 40 == 39:
            cut = rng.randrange(0, len(shown) - 30)
            shown = shown[:cut] + shown[cut + 30:]
        body = json.dumps({"data": shown}, separators=(",", ":")).encode()
        size = len(body)
        when = int((start + timedelta(days=c)).timestamp())
        imp.stdin.write(f"commit refs/heads/main\ncommitter archive <archive@localhost> {when} +0000\n"
                        f"data 10\nsnapshot\n\n".encode())
        imp.stdin.write(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")
    imp.stdin.close()
    if imp.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "repack", "-a", "-d", "-q"], check=True)
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "main"], check=True)
    counts = dict(line.split(": ", 1) for line in subprocess.run(
        ["git", "-C", str(repo), "count-objects", "-v"], capture_output=True, text=True, check=True).stdout.splitlines())
    return {"commits": commits, "keys": len(models), "file_bytes": size, "size_pack_kib": int(counts["size-pack"])}


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
