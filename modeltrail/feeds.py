"""Shutdowns as an iCalendar (RFC 5545) and lifecycle changes as an RSS 2.0 feed: `modeltrail deprecations
--format ics|rss`. Pure functions of the rows the `shutdowns` and `lifecycle_changes` queries return."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Iterable

from modeltrail.shutdowns import first_day, precision

#: characters neither format may carry (XML 1.0 forbids them; iCalendar allows no control but HTAB)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
FIELD_WORDS = {"status": "status", "deprecation_date": "deprecation date", "retirement_date": "shutdown date",
               "retirement_qualifier": "shutdown qualifier", "successor": "replacement"}


def _clean(text: Any) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


def _uid(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:32]


def _model_label(row: dict[str, Any]) -> str:
    return row["model_id"] + (f" ({row['snapshot']})" if row.get("snapshot") else "")


def stated_words(stated: str) -> str:
    """How a stated date reads in a sentence, saying its precision: "2026-08-20", "August 2026 (month
    stated, no day)", "2026 (year stated, no month)"."""
    kind = precision(stated)
    if kind == "month":
        return f"{_MONTHS[int(stated[5:7]) - 1]} {stated[:4]} (month stated, no day)"
    if kind == "year":
        return f"{stated} (year stated, no month)"
    return stated


# --- iCalendar -------------------------------------------------------------------------------------------

def ics_text(value: Any) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 says: backslash, semicolon, comma and newlines."""
    text = _clean(str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> list[str]:
    """A content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character; each
    continuation starts with one space."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # (a continuation's leading space is one of its 75)
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _events(rows: list[dict[str, Any]]) -> list[tuple[tuple, list[dict[str, Any]]]]:
    """One event per model, snapshot and stated shutdown date, with the rows (sources) stating it, in
    the listing's order (vendor first)."""
    events: dict[tuple, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("shutdown"):
            events.setdefault((r["model_id"], r.get("snapshot"), r["shutdown"]), []).append(r)
    return list(events.items())


def ics(rows: list[dict[str, Any]], now: datetime) -> str:
    """An iCalendar of the listing: a VEVENT per model, snapshot and shutdown date, all-day (a month or a
    year is an event on its first day, the summary saying what was stated). UIDs are stable across runs
    (a hash of model, snapshot and date); DTSTAMP is `now`."""
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//modeltrail//deprecations//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:Model shutdowns (modeltrail)"]
    for (model, snapshot, stated), said in _events(rows):
        start: date = first_day(stated)
        label = _model_label(said[0])
        kind = precision(stated)
        summary = f"{label} shuts down" + ("" if kind == "day" else f" in {stated_words(stated)}")
        description = [f"{label}: shutdown {stated_words(stated)}"]
        for r in said:
            words = [f"{r['source']} ({r['source_model_id']})"]
            if r.get("status"):
                words.append(f"status {r['status']}")
            if r.get("qualifier"):
                words.append(f"date qualified: {r['qualifier']}")
            if r.get("replacement"):
                words.append(f"replacement {r['replacement']}")
            if r.get("url"):
                words.append(r["url"])
            description.append("; ".join(words))
        replacement = next((r["replacement"] for r in said if r.get("replacement")), None)
        if replacement:
            summary += f" (replacement: {replacement})"
        event = ["BEGIN:VEVENT", f"UID:{_uid(model, snapshot, stated)}@modeltrail", f"DTSTAMP:{stamp}",
                 f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}",
                 f"SUMMARY:{ics_text(summary)}", f"DESCRIPTION:{ics_text(chr(10).join(description))}",
                 "TRANSP:TRANSPARENT"]
        url = next((r["url"] for r in said if r.get("url", "") and str(r["url"]).startswith(("http://", "https://"))),
                   None)
        if url:
            event.append("URL:" + re.sub(r"\s", "", _clean(url)))
        lines += event + ["END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in fold(line))


# --- RSS -------------------------------------------------------------------------------------------------

def change_title(c: dict[str, Any]) -> str:
    what = FIELD_WORDS.get(c["field"], c["field"])
    model = c["model_id"] if c["model_id"] == c["source_model_id"] else f"{c['model_id']} ({c['source_model_id']})"
    if c["old_value"] and c["new_value"]:
        told = f"{what} moved {c['old_value']} → {c['new_value']}" if c["field"].endswith("_date") else \
            f"{what} {c['old_value']} → {c['new_value']}"
    elif c["new_value"]:
        told = f"{what} set: {c['new_value']}"
    else:
        told = f"{what} cleared (was {c['old_value']})"
    return f"{model}: {told} ({c['source']})"


def rss(changes: Iterable[dict[str, Any]], title: str, link: str, now: datetime) -> str:
    """An RSS 2.0 document: an item per lifecycle change, newest first; guids are stable (a hash of the
    change), links go to the page that stated it. Text is escaped by the XML writer."""
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = _clean(title)
    ET.SubElement(channel, "link").text = _clean(link)
    ET.SubElement(channel, "description").text = ("Lifecycle changes of AI models (a shutdown date set or "
                                                  "moved, a status changed), from the vendors' pages and the "
                                                  "catalogs, as modeltrail recorded them.")
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(now.astimezone(timezone.utc), usegmt=True)
    ET.SubElement(channel, "generator").text = "modeltrail"
    for c in changes:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = _clean(change_title(c))
        if c.get("url"):
            ET.SubElement(item, "link").text = _clean(c["url"])
        said = [change_title(c) + "."]
        if c.get("effective_from"):
            said.append(f"Takes effect: {c['effective_from']}.")
        if c.get("retirement_date") and c["field"] != "retirement_date":
            said.append(f"Shutdown date now stated: {stated_words(c['retirement_date'])}.")
        if c.get("successor") and c["field"] != "successor":
            said.append(f"Replacement: {c['successor']}.")
        if c.get("url"):
            said.append(f"Stated on {c['url']}.")
        ET.SubElement(item, "description").text = _clean(" ".join(said))
        ET.SubElement(item, "category").text = _clean(c["source"])
        guid = _uid(c["changed_at"].isoformat(), c["source"], c["source_model_id"], c["field"], c["old_value"],
                    c["new_value"])
        ET.SubElement(item, "guid", isPermaLink="false").text = f"modeltrail-{guid}"
        ET.SubElement(item, "pubDate").text = format_datetime(c["changed_at"].astimezone(timezone.utc), usegmt=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
