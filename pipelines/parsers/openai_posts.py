"""OpenAI's posts: announcements on openai.com/index/..., system cards, and staff announcements on
community.openai.com. A card for each model a post states facts about:

- the models it releases ("We're releasing OpenAI o3 and o4-mini, ...", "Today we're releasing the latest
  model in our reasoning series, OpenAI o3-mini", a title "Launching o3-mini in the API"): the post's date
  line as release date, capabilities it says they support, reasoning efforts, license, and - when it
  releases one model - the context window and max output its sentences state;
- models it gives a benchmark score ("o1-mini (70.0%) is competitive with o1 (74.4%)": each value goes to
  the model written next to it; the subject's own score is the one without a name, "o1-mini achieves 1650
  Elo"), and safety tables with a column per model ("Metric | GPT-4o | o1-mini |");
- models a system card maps to successors ("Previous model | GPT-5 model |" rows).

A post that does none of these yields no card and a problem naming the page.
"""

from __future__ import annotations

import re

from modeltrail.pipelines import facts

from modeltrail.pipelines import identity

from modeltrail.pipelines import normalize
from modeltrail.pipelines.records import InvalidValue
from modeltrail.pipelines.text import row_cells
from modeltrail.pipelines.parsers.base import Draft
from modeltrail.pipelines.parsers.base import Parsed
from modeltrail.pipelines.parsers.base import sha256

SOURCE = "openai"
PARSER_VERSION = "openai/2"
_MODEL = r"(?:OpenAI )?(o\d(?:-mini|-preview|-pro)?|GPT-4o(?: mini|-mini)?|GPT-4\.1(?:-mini)?|GPT-4|GPT-5(?:\.\d)?(?: mini)?)"
_NAMED_SCORE = re.compile(_MODEL + r"\s*\((\d+(?:\.\d+)?%?)\)")
_RELEASING = re.compile(
    r"\bwe(?:['’]re| are) (?:releasing|launching) (?:the latest model in our [\w -]+?,\s*)?(?P<names>.+?)"
    r"(?=,|—|–|\s-\s|\. | in the API| to | today|$)", re.I)
_TITLE = re.compile(r"^(?:Introducing|Launching|Announcing) (?P<names>.+?)(?: in the API| on the API)?$", re.I)
_A_MODEL = re.compile(r"^(?:OpenAI\s+)?([a-z][\w.]*(?:-[\w.]+)*(?: (?:mini|pro|nano))?)$", re.I)
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2212]")  # hyphens ("GPT‑5"), not the dashes between clauses
_END_OF_POST = re.compile(r"^\d+ Likes?$")          # a forum thread: the replies start here
_EFFORTS = ("minimal", "low", "medium", "high")
# "three reasoning effort options—low, medium, and high": a list, not a word ("very low latency")
_EFFORT_LIST = re.compile(r"\b(?:minimal|low|medium|high)(?:(?:\s*,\s*|\s+)(?:and\s+|or\s+)?(?:minimal|low|medium|high)\b)+")


def model_id(name: str) -> str:
    """The id OpenAI uses for a model name written in prose: "GPT-4o mini" -> "gpt-4o-mini"."""
    return identity.alias_key(name)[0]


def _names(text: str) -> list[str]:
    """"OpenAI o3 and o4-mini" -> ["o3", "o4-mini"]; nothing when a part is not a model name."""
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text.strip()) if p.strip()]
    out = []
    for p in parts:
        m = _A_MODEL.match(p)
        if not m or not re.search(r"\d", m.group(1)):
            return []
        out.append(m.group(1))
    return out


def _subjects(lines: list[str], text: str) -> list[str]:
    for m in _RELEASING.finditer(text):
        if names := _names(m.group("names")):
            return names
    for ln in lines[:8]:
        if (m := _TITLE.match(ln)) and (names := _names(m.group("names"))):
            return names
    return []


def _date_line(lines: list[str]) -> str | None:
    """The post's date, a line of its own near the top ("April 16, 2025")."""
    for ln in lines[:8]:
        if re.fullmatch(r"[A-Z][a-z]+\.? \d{1,2}, \d{4}", ln):
            try:
                return normalize.partial_date(ln)
            except normalize.NormalizeError:
                continue
    return None


def parse(lines: list[str], page: str | bytes, url: str, fetched_at) -> Parsed:
    lines = [_DASHES.sub("-", ln) for ln in lines]
    for i, ln in enumerate(lines):
        if _END_OF_POST.match(ln):
            lines = lines[:i]
            break
    text = " ".join(lines)
    subjects = [model_id(n) for n in _subjects(lines, text)]
    drafts: dict[str, Draft] = {}
    sha = sha256(page)

    def draft(model: str) -> Draft:
        key = model_id(model)
        if key not in drafts:
            dd = Draft(SOURCE, url, fetched_at, sha, PARSER_VERSION)
            dd.put("source_model_id", key)
            dd.put("name", f"OpenAI {key}" if re.match(r"o\d", key) else model)
            dd.put("organization", "OpenAI")
            drafts[key] = dd
        return drafts[key]

    for key in subjects:
        _released(draft(key), lines, text, alone=len(subjects) == 1)
    if subjects:
        _scores(draft, subjects[0], text)
    _metric_tables(draft, lines)
    successors = _successor_table(draft, lines)

    cards, problems = [], []
    for key, dd in drafts.items():
        card = dd.build()
        problems += dd.problems
        if card and (key in subjects or card.benchmarks or key in successors):
            cards.append(card)
    if not cards:
        problems.append(InvalidValue(SOURCE, url, "page", "no model card found (no release sentence such as "
                                     "\"We're releasing <model>\", no scores per model, no successor table)"))
    return Parsed(cards=cards, problems=problems)


def _released(d: Draft, lines: list[str], text: str, alone: bool) -> None:
    d.put("release_date", _date_line(lines))
    if re.search(r"reasoning (?:model|series)|reasoning effort|o-series of models trained to think", text, re.I):
        d.add("capabilities", "reasoning")
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if re.search(r"\bsupports?\b|\bcan use\b|\bavailable in\b", sentence, re.I):
            d.add("capabilities", *(normalize.capabilities_in(sentence) - {"coding", "multilingual"}))
        if re.search(r"reasoning effort", sentence, re.I) and (m := _EFFORT_LIST.search(sentence)):
            d.add("reasoning_efforts", *[e for e in _EFFORTS if re.search(rf"\b{e}\b", m.group(0))])
    stated = facts.read(lines)
    if "license" in stated:
        d.put("license", stated["license"].value)
    if alone:  # specs in sentences belong to the one model a post releases
        for field in ("context_window", "max_output_tokens", "training_cutoff"):
            if field in stated:
                d.put(field, stated[field].value)


def _scores(draft, subject_name: str, text: str) -> None:
    subj = draft(subject_name)
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        bench = normalize.benchmark_named_in(sentence)
        if not bench:
            continue
        elo = "Elo" in sentence
        for model, value in _NAMED_SCORE.findall(sentence):
            raw = value if value.endswith("%") else (f"{value} Elo" if elo else value)
            draft(model).bench(bench, raw, default_unit="score")
        # the subject's own figure: "o1-mini achieves 1650 Elo"
        for own in re.finditer(rf"{re.escape(subject_name)} (?:achieves|scores|reaches) (\d+(?:\.\d+)?)\s*(Elo|%)",
                               sentence):
            subj.bench(bench, own.group(1) + (" Elo" if own.group(2) == "Elo" else "%"))


def _rows(lines: list[str], header: int) -> list[list[str]]:
    rows = []
    for row in lines[header + 1:]:
        if "|" not in row:
            break
        cells = row_cells(row)
        if not set(cells[0]) <= set("-: "):
            rows.append(cells)
    return rows


def _metric_tables(draft, lines: list[str]) -> None:
    """"Metric | GPT-4o | o1-mini |" tables: a column per model."""
    for i, ln in enumerate(lines):
        cells = row_cells(ln)
        if len(cells) >= 3 and cells[0].lower() == "metric":
            models = cells[1:]
            for vals in _rows(lines, i):
                if len(vals) != len(cells):
                    continue
                name = re.sub(r"\s+", " ", vals[0].replace("(opens in a new window)", "")).strip()
                for model, v in zip(models, vals[1:]):
                    if v:
                        draft(model).bench(name, v, default_unit="score")


def _successor_table(draft, lines: list[str]) -> set[str]:
    """"Previous model | GPT-5 model |" rows: each earlier model's successor."""
    found = set()
    for i, ln in enumerate(lines):
        cells = [c for c in row_cells(ln) if c]
        if len(cells) == 2 and cells[0].lower() == "previous model":
            for row in _rows(lines, i):
                cells = [c for c in row if c]
                if len(cells) == 2 and _names(cells[0]) and _names(cells[1]):
                    d = draft(cells[0].removeprefix("OpenAI ").strip())
                    d.put("successor", model_id(cells[1]))
                    found.add(model_id(cells[0]))
    return found
