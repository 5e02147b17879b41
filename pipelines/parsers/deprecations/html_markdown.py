"""An HTML lifecycle page as the markdown the markdown vendors serve: headings as `#` lines, tables as
`| a | b |` rows under a `| --- |` line, paragraphs and list items as lines, `<code>` as backticks,
links as their text. The vendor modules then read HTML and markdown pages alike, through the same
section and table helpers (common.py): one reader of tables, not one per format.

Only what those helpers read is kept: the page's words, its heading levels and its table cells.
Tables are read as a browser lays them out: a `rowspan` cell repeats on the rows it spans (a category
cell printed once for a group), a `colspan` cell fills its first column and leaves the others empty
(as a markdown rendering prints a sub-heading row such as "Preview models"). A table without `<th>`
takes its first row as the header, as documentation sites print bold `<td>` headers.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from modeltrail.pipelines.text import decode

from modeltrail.pipelines.text import looks_like_html

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "button"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
#: elements that end a line of text
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "li", "ul", "ol", "dt", "dd",
    "dl", "pre", "blockquote", "figure", "figcaption", "details", "summary", "hr", "br",
}
_SPACE = re.compile(r"[\s\u00a0]+")


class HtmlPageError(ValueError):
    """The text is no HTML document lxml can read."""


def html_markdown(html: str) -> str:
    """The page's headings, lines and tables as markdown text."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise HtmlPageError(f"not an HTML page: {exc}") from None
    body = root.find("body")
    out: list[str] = []
    buf: list[str] = []
    _walk(body if body is not None else root, out, buf)
    _flush(out, buf)
    return "\n".join(out) + "\n"


def _flush(out: list[str], buf: list[str]) -> None:
    line = _SPACE.sub(" ", "".join(buf)).strip()
    if line:
        out.append(line)
    buf.clear()


def _walk(el, out: list[str], buf: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag or tag in _SKIP:  # a comment, a script: only its tail is page text
        if el.tail:
            buf.append(el.tail)
        return
    if tag in _HEADINGS:
        _flush(out, buf)
        text = _inline(el)
        if text:
            out.append("#" * _HEADINGS[tag] + " " + text)
    elif tag == "table":
        _flush(out, buf)
        out.extend(_table_lines(el))
    elif tag in ("code", "a", "strong", "b", "em", "i", "span", "sup", "sub", "img"):
        buf.append(_inline(el))
    else:
        block = tag in _BLOCK
        if block:
            _flush(out, buf)
        if tag == "li":
            buf.append("- ")
        if el.text:
            buf.append(el.text)
        for child in el:
            _walk(child, out, buf)
        if block:
            _flush(out, buf)
    if el.tail:
        buf.append(el.tail)


def _inline(el) -> str:
    """An element's text on one line; `<code>` in backticks, images by their alt text."""
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP or not tag:
            pass
        elif tag == "img":
            parts.append(node.get("alt") or "")
        elif tag == "code" and not len(node):
            text = _SPACE.sub(" ", node.text or "").strip()
            parts.append(f"`{text}`" if text else "")
        else:
            if tag == "br" or (tag in _BLOCK and parts):
                parts.append(" ")
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
        if node.tail and node is not el:
            parts.append(node.tail)

    walk(el)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _cell(el) -> str:
    # a `|` inside a cell would end it in markdown: escape it as markdown renderings do
    return _inline(el).replace("|", "\\|")


def _table_lines(table) -> list[str]:
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still spanned, text) of a rowspan cell
    for tr in table.iter("tr"):
        if tr.getparent() is not None and _enclosing_table(tr) is not table:
            continue  # a row of a table nested in a cell
        row: list[str] = []
        cells = [c for c in tr if c.tag in ("td", "th")]
        col = 0

        def carry() -> None:
            nonlocal col
            while col in pending:
                left, text = pending[col]
                row.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (left - 1, text)
                col += 1

        for c in cells:
            carry()
            text = _cell(c)
            span = _span(c.get("colspan"))
            down = _span(c.get("rowspan"))
            row.append(text)
            if down > 1:
                pending[col] = (down - 1, text)
            col += 1
            for _ in range(span - 1):
                row.append("")
                col += 1
        carry()
        if not any(row):
            continue
        grid.append(row)
    if not grid:
        return []
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    # the first row is the header, whether it is <th> cells or bold <td> cells
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in grid[1:]]
    return lines


def _enclosing_table(el):
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _span(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 50))  # a page's span is bounded: no row of a million cells
    except ValueError:
        return 1


def page_markdown(page: str | bytes) -> str:
    """A lifecycle page as markdown: an HTML page converted, a markdown page (or rendering) as it is."""
    text = page if isinstance(page, str) else decode(page)
    return html_markdown(text) if looks_like_html(text) else text
