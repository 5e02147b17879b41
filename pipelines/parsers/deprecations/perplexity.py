"""Perplexity's API changelog (docs.perplexity.ai/docs/resources/changelog.md): `<Update label="Month
YYYY">` entries in prose. Only the wordings that end a model are read (the entry's month is the
announcement):

- "`google/gemini-3.1-flash-lite-preview` has been retired" -> retired (no day stated);
- "As of March 20, 2026, `google/gemini-2.5-flash` has been deprecated and removed from the API" / "as of
  December 15, 2025, the `sonar-reasoning` model has been deprecated and removed" -> retirement that day;
- "`google/gemini-2.5-pro` followed on April 1, along with `google/gemini-3-pro-preview`" -> retired too
  (they followed into removal), the day without a year left unread (a note says so);
- "as of August 1, 2025, R1-1776 will be removed from the available models" -> retirement that day;
- "… as of February 22, 2025, several models … will no longer be accessible. The following model names
  will no longer be available via API:" followed by lines of `ids` -> each id retires that day.

A recommendation in the entry ("Use `x` instead", "we recommend migrating to `x`", "We recommend switching
to models in the Llama-3.1 family:" and the `ids` listed under it) gives the successors of the entry's
models; a recommendation without ids ("our recently released Sonar or Sonar Pro models") gives none.

Dates without a year ("as of May 14", "followed on April 1") are left unread, as is "effective
8/12/2024": the page holds no numeric date whose day/month order it settles, so that date is left
unread with a note (the models are still read, deprecated as of the entry's month).
"""

from __future__ import annotations

import re
from datetime import datetime

from modeltrail.pipelines.parsers.deprecations.common import Lifecycle

from modeltrail.pipelines.parsers.deprecations.common import backticked

from modeltrail.pipelines.parsers.deprecations.common import plain
from modeltrail.pipelines.parsers.deprecations.updates import updates

_MONTH_DAY = r"[A-Z][a-z]+\.? \d{1,2}"
_DATE = rf"{_MONTH_DAY}(?:, \d{{4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
_AS_OF = re.compile(rf"\b(?:[Aa]s of|effective)\s+({_DATE})\b")
_RETIRED = re.compile(r"`([^`]+)` has been retired\b")
_REMOVED = re.compile(rf"[Aa]s of ({_DATE}), (?:the )?`([^`]+)`(?: model)? has been deprecated and removed\b")
_FOLLOWED = re.compile(rf"`([^`]+)` followed on ({_DATE})(?:, along with ((?:`[^`]+`(?:,\s*|\s+and\s+)?)+))?")
_WILL_GO = re.compile(rf"[Aa]s of ({_DATE}), ([\w.-]+) will be removed from the available models")
_LIST = re.compile(r"following model names will no longer be available", re.I)
_RECOMMEND = re.compile(r"\brecommend (?:switching|migrating|upgrading) to\b(.*)|\b[Uu]se (`[^`]+`) instead\b")
_ID_LINE = re.compile(r"^(?:`[^`]+`\s*)+$")
_LABEL_LINE = re.compile(r"^\*\*[^*]+\*\*\s*[-—:]?$")


def _code(text: str) -> list[str]:
    return [plain(c) for c in re.findall(r"`([^`]+)`", text) if plain(c)]


def parse(page, url: str, fetched_at: datetime, content_type: str | None = None):
    from modeltrail.pipelines.parsers.deprecations import PARSER_VERSION
    lc = Lifecycle("perplexity", "Perplexity", page, url, fetched_at, PARSER_VERSION)
    for u in updates(lc.text()):
        month = lc.date(u.label, "deprecation_date", f"entry {u.label!r}")
        announced = month.date if month else None
        title = ""
        ended: list[tuple[str, str | None, str | None, str]] = []  # (id, raw date, status, title)
        successors: list[str] = []
        notice_date: str | None = None
        listing = recommending = False
        for line in u.lines:
            if m := re.fullmatch(r"\*\*(.+?)\*\*", line):
                title = plain(m.group(1))
            if _ID_LINE.match(line):
                ids = backticked(line)
                if listing:
                    ended += [(i, notice_date, None, title) for i in ids]
                elif recommending:
                    successors += ids
                continue
            if not line or (_LABEL_LINE.match(line) and (listing or recommending)):
                continue
            listing = recommending = False
            if m := _AS_OF.search(line):
                notice_date = m.group(1)
            if _LIST.search(line):
                listing = True
            if m := _RECOMMEND.search(line):
                ids = _code(m.group(1) or m.group(2))  # (as written: "`Sonar Pro Reasoning`")
                successors += ids
                recommending = not ids and m.group(1) is not None
            for m in _RETIRED.finditer(line):
                ended.append((m.group(1), None, "retired", title))
            for m in _REMOVED.finditer(line):
                ended.append((m.group(2), m.group(1), None, title))
            for m in _WILL_GO.finditer(line):
                ended.append((m.group(2), m.group(1), None, title))
            for m in _FOLLOWED.finditer(line):
                for mid in [m.group(1), *backticked(m.group(3) or "")]:
                    ended.append((mid, m.group(2), "retired", title))
        unread: dict[str, list[str]] = {}
        for mid, raw, status, section in ended:
            retires = None
            if raw and (not re.search(r"\d{4}$", raw) or "/" in raw):
                unread.setdefault(raw, []).append(mid)
            elif raw:
                retires = lc.date(raw, "retirement_date", f"{u.label}: {mid}")
            lc.fact(mid, section or u.label, status=status, deprecated=announced, announced=announced,
                    retires=retires, successors=[s for s in successors if s != mid])
        for raw, ids in unread.items():
            why = ("the page settles no day/month order for its numeric dates" if "/" in raw
                   else "a day without a year")
            lc.notes.append(f"perplexity: {raw!r} (entry {u.label}: {', '.join(ids)}) left unread: {why}")
    return lc.parsed()
