"""HTML page -> grid, through lxml.html: the page text and its tables, without the site around them.

- Dropped first: ``<script>``, ``<style>``, ``<nav>``, ``<header>``, ``<footer>``
  (and ``<noscript>``, ``<template>``, ``<iframe>``, ``<select>``), elements
  with ``role="navigation"`` or ``display:none``, and elements whose id or
  class names a navigation bar, menu, footer or breadcrumb trail
  (``nav``, ``menu``, ``footer``, ``breadcrumb``, ``crumbs``, ``copyright``).
- A data table gives one row per ``<tr>``; ``rowspan`` / ``colspan`` are
  expanded into a grid with the cell's text once, at its first position (the
  covered positions empty). Inside a cell, ``<br>`` and block elements break
  lines, joined like wrapped text (nothing between CJK characters).
- A layout table (one with a table inside one of its cells, the way older
  sites lay out a page) is read as page text, its cells one after the other.
- Text outside tables: each block (``<p>``, ``<div>``, ``<h1>`` …, ``<li>``) or
  ``<br>``-separated line is a paragraph row (``in_table`` False).

The encoding is the page's ``charset`` when it declares one (GB2312 / GBK read
as GB18030, their superset), else UTF-8, else GB18030.
Origins: table (counted through the page), row and column of the expanded grid, 1-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Cell, Grid, Origin, Row, from_rows
from policykg.loaders.readers._common import join_wrapped

_DROP_TAGS = {"script", "style", "nav", "header", "footer", "noscript", "template", "iframe", "select", "head",
              "object", "svg", "button"}
_CHROME = re.compile(r"nav|menu|footer|breadcrumb|crumbs|copyright", re.IGNORECASE)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
           "article", "main", "aside", "blockquote", "pre", "form", "center", "address", "figure", "figcaption",
           "hr", "caption", "body", "html", "fieldset", "legend", "tr", "td", "th", "thead", "tbody", "tfoot"}
_MAX_SPAN = 1000  # a wider colspan is a broken attribute: cut to this


def read(path: str, sha256: str, data: bytes) -> Grid:
    """Read an HTML page's bytes into a grid (format ``html``).

    Raises: SourceError naming the file when it cannot be decoded or parsed, or
    when no text is left once the site's navigation and footer are dropped.
    """
    import lxml.html
    from lxml.etree import ParserError

    text = _decode(path, data)
    try:
        root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except (ParserError, ValueError) as exc:
        raise SourceError(path, f"not a readable HTML page ({exc})") from None
    _drop_chrome(root)
    page = _Page()
    page.block(root)
    page.flush()
    if not any(c.text for row in page.rows for c in row.cells):
        raise SourceError(path, "the HTML page holds no text outside its navigation, scripts and footer")
    return from_rows(path, sha256, "html", page.rows)


def _decode(path: str, data: bytes) -> str:
    found = _CHARSET.search(data[:4096])
    declared = found.group(1).decode("ascii").lower() if found else None
    if declared in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
        declared = "gb18030"
    for encoding in (declared, "utf-8-sig", "gb18030"):
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise SourceError(path, "the HTML page is neither in its declared charset, UTF-8 nor GB18030")


def _drop_chrome(root: Any) -> None:
    """Remove what is the site and not the page (the elements' tail text stays)."""
    doomed = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comments, processing instructions
            doomed.append(el)
        elif tag in _DROP_TAGS or el.get("role") == "navigation" or _HIDDEN.search(el.get("style", "")):
            doomed.append(el)
        elif el is not root and tag not in ("body", "html") and _CHROME.search(f"{el.get('id', '')} {el.get('class', '')}"):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


@dataclass
class _Slot:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Page:
    """Rows being read, and the line of page text being gathered."""

    rows: list[Row] = field(default_factory=list)
    line: list[str] = field(default_factory=list)
    tables: int = 0

    def flush(self) -> None:
        text = join_wrapped("".join(self.line).split("\n"))
        if text:
            self.rows.append(Row((Cell(text, Origin(0)),), in_table=False))
        self.line = []

    def block(self, el: Any) -> None:
        """Read ``el`` as page text: blocks and ``<br>`` break lines, tables become rows."""
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            self.flush()
            return
        if tag == "table":
            self.flush()
            if _is_layout(el):
                for cell in el.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th"):
                    self.block(cell)
                    self.flush()
            else:
                self.table(el)
            return
        if tag in _BLOCKS:
            self.flush()
        self.line.append(el.text or "")
        for child in el:
            self.block(child)
            self.line.append(child.tail or "")
        if tag in _BLOCKS:
            self.flush()

    def table(self, table: Any) -> None:
        """A data table's rows, rowspan / colspan expanded into a grid."""
        self.tables += 1
        trs = table.xpath("./tr|./*/tr")
        grid: dict[tuple[int, int], _Slot | None] = {}
        for r, tr in enumerate(trs):
            c = 0
            for td in tr.xpath("./td|./th"):
                while (r, c) in grid:
                    c += 1
                rowspan = _span(td.get("rowspan"), len(trs) - r)
                colspan = _span(td.get("colspan"), _MAX_SPAN)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[(r + dr, c + dc)] = None
                grid[(r, c)] = _Slot(_cell_text(td), rowspan, colspan)
                c += colspan
        width = max((c + 1 for _r, c in grid), default=0)
        for r in range(len(trs)):
            cells = []
            for c in range(width):
                slot = grid.get((r, c))
                origin = Origin(0, table=self.tables, row=r + 1, column=c + 1)
                cells.append(Cell(slot.text, origin, slot.rowspan, slot.colspan) if slot else Cell("", origin))
            self.rows.append(Row(tuple(cells), in_table=True))


def _is_layout(table: Any) -> bool:
    return bool(table.xpath("./tr/td//table|./tr/th//table|./*/tr/td//table|./*/tr/th//table"))


def _span(value: str | None, most: int) -> int:
    """A rowspan / colspan attribute, at most ``most``: ``0`` (to the end of the table) is ``most``; missing or
    broken is 1."""
    try:
        n = int(str(value).strip())
    except ValueError:
        return 1
    if n == 0:
        return max(1, most)
    return min(n, most) if n >= 1 else 1


def _cell_text(td: Any) -> str:
    lines = _Page()
    lines.block(td)
    lines.flush()
    return join_wrapped(row.cells[0].text for row in lines.rows if row.cells)
