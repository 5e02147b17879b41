"""Turn a fetched page (HTML, markdown or a plain-text capture) into the text lines parsers read.

Markup changes often; the label -> value text a person reads is the stable part. So every parser reads
lines of text, and this module gives the same lines for a page's HTML and for its plain-text capture:
block elements end lines, table rows become "| a | b |", scripts and styles are dropped.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "dl", "br", "hr", "table", "tr", "pre",
    "blockquote", "figure", "figcaption", "details", "summary", "form", "title",
}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


def decode(body: bytes, declared: str | None = None) -> str:
    """Bytes to text. Tries the declared charset, then UTF-8; if either fails, lets BeautifulSoup's
    UnicodeDammit sniff it (pages served as UTF-8 that are really cp1252 exist)."""
    for enc in filter(None, (declared, "utf-8")):
        try:
            return body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from bs4 import UnicodeDammit  # only on the rare page that needs sniffing

    dammit = UnicodeDammit(body, ["utf-8", "cp1252"], is_html=True)
    if dammit.unicode_markup is None:
        return body.decode("utf-8", errors="replace")
    return dammit.unicode_markup


# UTF-8 bytes read as cp1252/cp1254 (seen in the leaderboard capture: "âˆš", "ğŸ“Š"). Each run of
# non-ASCII characters is repaired on its own, since the capture already lost the bytes those code pages
# cannot show; a run that does not decode back to UTF-8 (real "é", "τ²") is kept as it is.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def _repair_run(m: re.Match) -> str:
    run = m.group(0)
    for enc in ("cp1252", "cp1254"):
        try:
            return run.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return run


def repair_mojibake(text: str) -> str:
    if text.isascii():
        return text
    return _NON_ASCII_RUN.sub(_repair_run, text)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(body|div|main|head)\b", head))


# The lines come out of one XSLT transform (libxslt, in C) instead of a Python walk over every element:
# block elements and table cells are marked with private-use characters, scripts and styles dropped.
# About 2x the cost of building the lxml tree alone, 4x less than the walk (bench/RESULTS.md).
_LINE, _CELL = "\ue000", "\ue001"
_SPACE = re.compile(r"[\s\u00a0]+")
_LINES_XSLT = etree.XSLT(etree.fromstring(f"""
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="/"><xsl:apply-templates select="/html/body"/></xsl:template>
  <xsl:template match="{'|'.join(sorted(_SKIP))}|comment()|processing-instruction()"/>
  <xsl:template match="{'|'.join(sorted(_BLOCK - {'tr'}))}">&#xE000;<xsl:apply-templates/>&#xE000;</xsl:template>
  <xsl:template match="tr">&#xE000;<xsl:for-each select="td|th">&#xE001;<xsl:value-of select="."/></xsl:for-each>&#xE000;</xsl:template>
</xsl:stylesheet>"""), access_control=etree.XSLTAccessControl.DENY_ALL)


def html_lines(html: str) -> list[str]:
    """The lines a person reads on the page: block elements end lines, table rows become
    "| a | b |", scripts, styles and the head are dropped, runs of white space are one space. The two
    private-use characters the transform marks lines and cells with (U+E000, U+E001: icon fonts' glyphs
    where a page has them) read as spaces."""
    try:
        root = lxml.html.document_fromstring(_unmarked(html))
    except (etree.ParserError, ValueError):
        return []
    if root.tag != "html" or root.find("body") is None:
        return _html_lines_walk(html)  # a fragment lxml did not wrap in <html><body>: rare, walk it
    out = []
    for line in _SPACE.sub(" ", str(_LINES_XSLT(root))).split(_LINE):
        line = line.strip()
        if not line:
            continue
        if _CELL in line:
            line = "| " + " | ".join(c.strip() for c in line.split(_CELL)[1:]) + " |"
        out.append(line)
    return out


def page_lines(page: str | bytes, content_type: str | None = None) -> list[str]:
    """The text lines of a page, whatever form it came in."""
    if isinstance(page, bytes):
        charset = None
        if content_type and (m := re.search(r"charset=([\w-]+)", content_type, re.I)):
            charset = m.group(1)
        page = decode(page, charset)
    page = repair_mojibake(page)
    if looks_like_html(page):
        return html_lines(page)
    return [ln.strip() for ln in page.replace("\r\n", "\n").split("\n") if ln.strip()]


def _unmarked(html: str) -> str:
    return html.replace(_LINE, " ").replace(_CELL, " ")


def _html_lines_walk(html: str) -> list[str]:
    """The reference html_lines is checked against (tests/test_properties.py): a walk over every element."""
    try:
        root = lxml.html.document_fromstring(_unmarked(html))
    except (etree.ParserError, ValueError):
        return []
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(buf)).strip()
        if line:
            out.append(line)
        buf.clear()

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "tr":
            flush()
            cells = [re.sub(r"\s+", " ", c.text_content()).strip() for c in el if c.tag in ("td", "th")]
            if cells:
                out.append("| " + " | ".join(cells) + " |")
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            flush()
        if el.text and tag:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return out


def row_cells(line: str) -> list[str]:
    """The cells of a `|` table row as text captures print it: "| a | b |", "a | b |", "| a | b"."""
    return [c.strip() for c in line.strip().strip("|").split("|")]
