"""OpenAI's model docs as plain text for machines: https://cdn.openai.com/API/docs/txt/llms-models-pricing.txt
(also https://developers.openai.com/api/llms-models-pricing.txt). One section per model:

    # ChatGPT-4o **Current Snapshot:** chatgpt-4o-latest ChatGPT-4o points to the GPT-4o snapshot ...
    ## Snapshots ## Supported Tools ## Rate Limits ### chatgpt-4o-latest | Tier | RPM | TPM | Batch Queue Limit |
    | ------ | ----- | -------- | ----------------- | | tier_1 | 500 | 30000 | 90000 | ...

Captures print a section on one line (as above) or one heading per line; both are read. A section gives a
card: the model's id (the `### <id>` of its rate limits, else its current snapshot), its name (the
heading), the current snapshot's date as version, snapshots listed under `## Snapshots`, tools under
`## Supported Tools`, and whatever its lines state under a label (context window, max output, prices per
1M tokens, knowledge cutoff: modeltrail.pipelines.facts). The excerpt of a capture can end inside a section: a
section whose headings never come is cut off, gives no card and is named in the problems.

Rate limits per tier (RPM, TPM, batch queue limit) are read nowhere yet: the records have no place for
them (see the issue notes).
"""

from __future__ import annotations

import re

from modeltrail.pipelines import facts

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "openai"
PARSER_VERSION = "openai-models-text/1"

_SECTION = re.compile(r"(?:^|(?<=\s))# (?=\S)")          # "# Name", never "## " or "### "
_CURRENT = re.compile(r"^(?P<name>.+?)\s*\*\*Current Snapshot:\*\*\s*(?P<snap>\S+)\s*(?P<rest>.*)$", re.S)
_HEADING = re.compile(r"(?<!#)##\s+(Snapshots|Supported Tools|Rate Limits|Pricing|[A-Z][\w ]*?)(?=\s)")
_DATED = re.compile(r"-(\d{4}-\d{2}-\d{2})$")


def is_models_text(url: str, page: str) -> bool:
    return url.rstrip("/").endswith("llms-models-pricing.txt") or "**Current Snapshot:**" in page[:4000]


def parse(page: str | bytes, url: str, fetched_at) -> Parsed:
    text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    sha = sha256(page)
    cards, problems = [], []
    sections = [s.strip() for s in _SECTION.split(text) if s.strip()]
    for section in sections:
        m = _CURRENT.match(section)
        if not m:
            continue  # text before the first model (a preface)
        if not _HEADING.search(m.group("rest")):
            problems.append(InvalidValue(SOURCE, url, "page", f"section {m.group('name')!r} is cut off "
                                         "(no ## heading follows its description): no card"))
            continue
        d = Draft(SOURCE, url, fetched_at, sha, PARSER_VERSION)
        _section(d, m.group("name").strip(), m.group("snap").strip(), m.group("rest"))
        card = d.build()
        problems += d.problems
        if card:
            cards.append(card)
    if not cards and not problems:
        problems.append(InvalidValue(SOURCE, url, "page", "no model section found (no \"# <model> "
                                     "**Current Snapshot:** <id>\" heading)"))
    return Parsed(cards=cards, problems=problems)


def _parts(rest: str) -> dict[str, str]:
    """The description (key "") and each `## Heading`'s text."""
    parts, last, key = {}, 0, ""
    for m in _HEADING.finditer(rest):
        parts[key] = rest[last:m.start()].strip()
        key, last = m.group(1).strip().lower(), m.end()
    parts[key] = rest[last:].strip()
    return parts


def _lines(text: str) -> list[str]:
    """A one-line section as lines: a break before every heading and table row."""
    text = re.sub(r"\s(?=#{2,3} )", "\n", text)
    text = re.sub(r"\|\s+\|", "|\n|", text)
    lines = []
    for ln in text.splitlines():  # "## Pricing ... | Input | $1.10 |": the heading, then its first row
        head, sep, row = ln.partition(" | ") if ln.startswith("#") else (ln, "", "")
        lines += [head, "| " + row] if sep else [ln]
    return lines


def _section(d: Draft, name: str, snapshot: str, rest: str) -> None:
    parts = _parts(rest)
    limits = re.match(r"###\s+(\S+)", parts.get("rate limits", ""))
    model_id = limits.group(1) if limits else _DATED.sub("", snapshot)
    d.put("source_model_id", model_id)
    d.put("name", name)
    d.put("organization", "OpenAI")
    if m := _DATED.search(snapshot):
        d.put("version", m.group(1), normalize.partial_date)
    d.add("capabilities", *normalize.capabilities_in(parts.get("supported tools", "")))
    if m := re.search(r"Recommended replacement:\s*([\w.-]+[\w])", parts.get("", "")):
        d.put("successor", m.group(1))
    stated = facts.read(_lines(rest))
    for field in ("context_window", "max_output_tokens", "training_cutoff", "release_date",
                  "deprecation_date", "retirement_date", "status"):
        if field in stated:
            d.put(field, stated[field].value)
    for field, fact in stated.items():
        if field.startswith("price."):
            d.price_read(field.removeprefix("price."), fact.value)
