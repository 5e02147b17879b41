"""`modeltrail deprecations --check PATH...`: find the model ids a code base names, from the ids the
warehouse knows (no hand-kept list), with each one's lifecycle: a CI guard.

A reference is a whole id: the text is cut into runs of id characters (letters, digits and `._:/@-`),
so `gpt-4o` is never found inside `gpt-4o-mini` nor the reverse. Each run is tried whole first, then
with the usual route prefixes taken off (`openai/`, `azure/`, `bedrock/…`, `openai:`), a Bedrock id's
region and provider (`us.anthropic.claude-…-v1:0`), a Vertex `@version` and an aggregator's `:free`
variant: the longest form the warehouse knows wins. Files are walked with bounds (no .git, virtual
environments, node_modules; no binary or huge file; at most MAX_FILES files)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from modeltrail.shutdowns import first_day, last_day

#: folders never walked (a virtual environment is also known by its pyvenv.cfg)
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", "site-packages", ".eggs", ".idea", ".terraform"}
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 50_000
MAX_LINE = 20_000  # characters of a line read (a minified bundle's megabyte line is cut)
_SNIFF = 8192

_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/@-]*")
_TRAILING = ".:/@-"
# Bedrock: [region.]provider.model[-vN[:M]|:M]
_BEDROCK = re.compile(r"^(?:(?:us|eu|apac|au|jp|ca|us-gov|global)\.)?(?P<provider>[a-z0-9-]+)\."
                      r"(?P<model>[A-Za-z0-9][A-Za-z0-9.-]*?)(?P<suffix>-v\d+(?::\d+)?|:\d+)?$")
BEDROCK_PROVIDERS = {"anthropic", "amazon", "meta", "mistral", "cohere", "ai21", "deepseek", "openai", "qwen",
                     "writer", "stability", "twelvelabs", "luma", "minimax", "moonshot", "moonshotai", "google",
                     "nvidia"}
_VARIANT = re.compile(r":[a-z][a-z0-9-]*$")


@dataclass
class Facts:
    """What is known of one model (and snapshot): its rows of `lifecycle`, vendor's first."""
    model_id: str
    snapshot: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def _first(self, key: str) -> tuple[Any, str | None]:
        for r in sorted(self.rows, key=lambda r: (r["role"] != "vendor", r["source"], r["source_model_id"])):
            if r.get(key):
                return r[key], r["source"]
        return None, None

    @property
    def status(self) -> str | None:
        return self._first("stated_status")[0]

    @property
    def shutdown(self) -> tuple[str | None, str | None]:
        """(stated date, source): the vendor's word when its page states one, else the earliest."""
        vendor = [r for r in self.rows if r["role"] == "vendor" and r.get("retirement_date")]
        if vendor:
            return vendor[0]["retirement_date"], vendor[0]["source"]
        stated = sorted((first_day(r["retirement_date"]), r["retirement_date"], r["source"])
                        for r in self.rows if r.get("retirement_date"))
        return (stated[0][1], stated[0][2]) if stated else (None, None)

    @property
    def replacement(self) -> str | None:
        return self._first("successor")[0]

    def verdict(self, today: date, within: int) -> str:
        """`retired`, `retires in N days`, `deprecated`, or `` (nothing stated that matters)."""
        stated, _ = self.shutdown
        if self.status == "retired" or (stated and last_day(stated) < today):
            return "retired"
        if stated and (first_day(stated) - today).days <= within:
            return f"retires in {max((first_day(stated) - today).days, 0)} days"
        return self.status if self.status in ("deprecated",) else ""


def _looks_like_an_id(text: str) -> bool:
    """Worth matching as a whole word: at least two characters, with a digit or an id separator (so
    an id that is a plain word, "auto", finds no prose)."""
    return len(text) >= 2 and bool(re.search(r"[0-9._:/@-]", text))


class Index:
    """Every id the warehouse knows a model by -> the models (and snapshots) it names."""

    def __init__(self, rows: list[dict[str, Any]]):
        self.facts: dict[tuple[str, str | None], Facts] = {}
        self.ids: dict[str, set[tuple[str, str | None]]] = {}
        for r in rows:
            key = (r["model_id"], r["snapshot"])
            self.facts.setdefault(key, Facts(*key)).rows.append(r)
            sid = r["source_model_id"]
            names = {sid}
            if r["source"] == "deprecations" and "/" in sid:  # `<vendor>/<id>`: the id is the vendor's own
                names.add(sid.split("/", 1)[1])
            if r["snapshot"] is None and "/" in r["model_id"]:  # the canonical id, and its model part
                names |= {r["model_id"], r["model_id"].split("/", 1)[1]}
            for name in names:
                if _looks_like_an_id(name):
                    self.ids.setdefault(name, set()).add(key)

    def lookup(self, run: str) -> tuple[str, list[Facts]] | None:
        for form in candidates(run):
            if form in self.ids:
                return form, [self.facts[k] for k in sorted(self.ids[form], key=lambda k: (k[0], k[1] or ""))]
        return None


def candidates(run: str) -> Iterator[str]:
    """The forms of one run of id characters to look up, longest (most specific) first."""
    seen: set[str] = set()
    forms = [run.rstrip(_TRAILING)]
    for f in list(forms):
        parts = f.split("/")
        forms += ["/".join(parts[i:]) for i in range(1, len(parts))]  # route prefixes off
    for f in list(forms):
        head, sep, tail = f.partition(":")
        if sep and head.isalpha() and tail:  # "openai:gpt-4o"
            forms.append(tail)
    for f in list(forms):
        if _VARIANT.search(f) and not re.search(r":\d+$", f):  # "openai/gpt-4o:free"
            forms.append(_VARIANT.sub("", f))
        if "@" in f:  # Vertex: "claude-3-5-sonnet@20240620"
            base, _, ver = f.partition("@")
            forms += [f"{base}-{ver}", base]
        m = _BEDROCK.match(f)
        if m and m.group("provider") in BEDROCK_PROVIDERS:
            provider, model, suffix = m.group("provider"), m.group("model"), m.group("suffix") or ""
            forms += [f"{provider}.{model}{suffix}", f"{provider}.{model}", f"{provider}/{model}", model]
    for f in forms:
        if f and f not in seen:
            seen.add(f)
            yield f


@dataclass
class Hit:
    path: str
    line: int
    text: str           # the id as written
    matched: str        # the form the warehouse knows
    facts: Facts


def scan_line(index: Index, text: str) -> Iterator[tuple[str, str, list[Facts]]]:
    for m in _RUN.finditer(text[:MAX_LINE]):
        found = index.lookup(m.group(0))
        if found:
            yield m.group(0).rstrip(_TRAILING), found[0], found[1]


def walk(paths: list[Path], notes: list[str]) -> Iterator[Path]:
    """The files to read, in a stable order, bounded; what was skipped for a reason worth saying goes
    to `notes`."""
    count = 0
    for root in paths:
        if root.is_file():
            todo = [root]
        else:
            todo = []
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS
                                     and not (Path(dirpath, d) / "pyvenv.cfg").exists())
                todo += [Path(dirpath, f) for f in sorted(filenames)]
        for path in todo:
            if count >= MAX_FILES:
                notes.append(f"stopped after {MAX_FILES:,} files")
                return
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if st.st_size > MAX_FILE_BYTES:
                notes.append(f"{path}: skipped, larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
                continue
            count += 1
            yield path


def read_text(path: Path) -> str | None:
    """A text file's text; None for a binary one (a NUL byte early on) or one that cannot be read."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if b"\x00" in data[:_SNIFF]:
        return None
    return data.decode("utf-8", errors="replace")


def scan(index: Index, paths: list[Path], notes: list[str]) -> list[Hit]:
    hits: list[Hit] = []
    for path in walk(paths, notes):
        text = read_text(path)
        if text is None:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for written, matched, facts in scan_line(index, line):
                hits += [Hit(str(path), n, written, matched, f) for f in facts]
    return hits
