"""Benchmark tables that compare models side by side, as pages print them: a header row `Benchmark |
<model> | <model> …` (or the same words space-separated, as text captures flatten it), then one row
per benchmark with one score per model. The scores of one column are one model's; a short title line
above the header ("Base pretrained models", "Instruction tuned models") is the setting they were taken
in. Rows may start with a category cell ("General", "Reading comprehension") that only the first row
of its group carries.

`column_scores(lines, model)` returns (setting, benchmark name as printed, score as printed) for the
column that is `model`, found by name: "Llama 3 8B" is the column of "Meta-Llama-3-8B" and of
"Meta-Llama-3-8B-Instruct". A table without such a column gives nothing: its scores are other models'.
"""

from __future__ import annotations

import re

from modeltrail.pipelines.text import row_cells

_NUM = r"-?\d+(?:\.\d+)?%?"
_ROW_SPACED = re.compile(rf"^(.*?\S)\s+((?:{_NUM}\s+)*{_NUM})$")
_MODEL_COL = re.compile(r"(.+?\b\d+(?:\.\d+)?[BMK])(?:\s+|$)")
#: words a model's name may add to its column's: the vendor, the instruction-tuned variant
_VARIANT_WORDS = ("meta", "instruct", "chat", "it")
#: category cells that open a group of rows (the benchmark's name follows them)
CATEGORIES = ("general", "knowledge reasoning", "reading comprehension", "commonsense reasoning",
              "world knowledge", "math", "code", "coding", "reasoning", "multilingual", "long context",
              "tool use", "knowledge")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", name.lower())


def is_column_of(column: str, model: str) -> bool:
    col, mod = _key(column), _key(model)
    if not col or col not in mod:
        return False
    rest = mod.replace(col, "", 1)
    for word in _VARIANT_WORDS:
        rest = rest.replace(word, "", 1)
    return rest == ""


def _cells(line: str) -> list[str] | None:
    if line.count("|") < 2:
        return None
    cells = row_cells(line)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _header(line: str) -> list[str] | None:
    """The model columns of a header row, or None."""
    cells = _cells(line)
    if cells is not None:
        low = [c.lower() for c in cells]
        if "benchmark" not in low:
            return None
        return cells[low.index("benchmark") + 1:] or None
    m = re.match(r"^(?:Category\s+)?Benchmark\s+(.+)$", line.strip())
    if not m:
        return None
    cols = _MODEL_COL.findall(m.group(1))
    return cols if len(cols) >= 2 and "".join(cols).replace(" ", "") == m.group(1).replace(" ", "") else None


def _strip_category(name: str) -> str:
    low = name.lower()
    for cat in sorted(CATEGORIES, key=len, reverse=True):
        rest = name[len(cat) + 1:].strip()
        if low.startswith(cat + " ") and rest[:1].isalnum():  # "MATH (4-shot)" is a name, not a category
            return rest
    return name


def column_scores(lines: list[str], model: str) -> list[tuple[str | None, str, str]]:
    out: list[tuple[str | None, str, str]] = []
    i = 0
    while i < len(lines):
        if "enchmark" not in lines[i] and "ENCHMARK" not in lines[i]:  # no header row (cheap test first)
            i += 1
            continue
        cols = _header(lines[i])
        if cols is None:
            i += 1
            continue
        where = next((n for n, c in enumerate(cols) if is_column_of(c, model)), None)
        title = lines[i - 1].strip() if i > 0 else ""
        setting = title.lower().removesuffix(" models").strip() or None \
            if title and len(title) <= 40 and not re.search(r"\d", title) and _cells(title) is None else None
        i += 1
        while i < len(lines):
            row = _row(lines[i], len(cols))
            if row is None:
                break
            name, scores = row
            if where is not None:
                out.append((setting, name, scores[where]))
            i += 1
    return out


def _row(line: str, ncols: int) -> tuple[str, list[str]] | None:
    """(benchmark name, one score per column) of a table row, or None when the line is no row."""
    cells = _cells(line)
    if cells is not None:
        if len(cells) < ncols + 1:
            return None
        scores, names = cells[-ncols:], [c for c in cells[:-ncols] if c]
        if not names or not all(re.fullmatch(_NUM, s) for s in scores):
            return None
        return names[-1], scores
    m = _ROW_SPACED.match(line.strip())
    if not m:
        return None
    scores = m.group(2).split()
    if len(scores) != ncols:
        return None
    return _strip_category(m.group(1)), scores
