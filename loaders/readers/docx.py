"""DOCX -> grid, through python-docx: the body's paragraphs and tables in document order.

- A paragraph outside tables is a paragraph row (``in_table`` False); empty
  paragraphs are skipped.
- A table row is a row with one cell per grid column. A horizontal merge
  (``w:gridSpan``) and a vertical one (``w:vMerge``) put the merged cell's text
  once, at its first (top-left) position, with its ``colspan`` / ``rowspan``;
  the positions it covers are empty cells. Rows are padded to the table's width.
- The paragraphs of one cell are joined like wrapped text (``join_wrapped``);
  a table nested in a cell is not part of the cell's text: its rows follow the
  parent row, as a table of its own number.

Origins: table (counted through the file, nested ones included), row and
grid column, all 1-based. Headers, footers and text boxes are not read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Cell, Grid, Origin, Row, from_rows
from policykg.loaders.readers._common import join_wrapped


@dataclass
class _Slot:
    """A grid position of a table being read (mutable until the table is complete)."""

    text: str = ""
    rowspan: int = 1
    colspan: int = 1


def read(path: str, sha256: str, data: bytes, fmt: str = "docx") -> Grid:
    """Read a DOCX's bytes into a grid (``fmt`` names the format read: ``docx``, or ``doc`` after conversion).

    Raises: SourceError naming the file when the zip is broken or it holds no
    Word document, or when the document holds no text.
    """
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(path, f"broken DOCX (the zip cannot be read: {exc}); open it in Word and save it again"
                          ) from None
    rows: list[Row] = []
    counter = [0]
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows += _table(block._tbl, counter)
        else:
            text = join_wrapped(block.text.split("\n"))
            if text:
                rows.append(Row((Cell(text, Origin(0)),), in_table=False))
    if not any(c.text for row in rows for c in row.cells):
        raise SourceError(path, "the Word document holds no text")
    return from_rows(path, sha256, fmt, rows)


def _table(tbl: Any, counter: list[int]) -> list[Row]:
    """The rows of one ``w:tbl`` element, each followed by the rows of the tables nested in its cells."""
    from docx.oxml.ns import qn

    counter[0] += 1
    number = counter[0]
    grid: list[list[_Slot]] = []
    nested: list[list[Any]] = []  # per row: the w:tbl elements inside its cells
    starts: dict[int, _Slot] = {}  # grid column -> the cell a vertical merge continues
    for tr in tbl.tr_lst:
        slots: list[_Slot] = [_Slot() for _ in range(tr.grid_before)]
        inner: list[Any] = []
        for tc in tr.tc_lst:
            column = len(slots)
            span = tc.grid_span
            if tc.vMerge == "continue" and column in starts:
                starts[column].rowspan += 1
                slots += [_Slot() for _ in range(span)]
                continue
            inner += [e for e in tc.inner_content_elements if e.tag == qn("w:tbl")]
            first = _Slot(join_wrapped(_paragraph_texts(tc)), 1, span)
            starts[column] = first
            slots += [first] + [_Slot() for _ in range(span - 1)]
        grid.append(slots)
        nested.append(inner)
    width = max((len(r) for r in grid), default=0)
    rows: list[Row] = []
    for r, (slots, inner) in enumerate(zip(grid, nested, strict=True), start=1):
        slots += [_Slot() for _ in range(width - len(slots))]
        cells = tuple(Cell(s.text, Origin(0, table=number, row=r, column=c), s.rowspan, s.colspan)
                      for c, s in enumerate(slots, start=1))
        rows.append(Row(cells, in_table=True))
        for child in inner:
            rows += _table(child, counter)
    return rows


def _paragraph_texts(tc: Any) -> list[str]:
    """The text of each paragraph directly in a ``w:tc`` (not in tables nested in it); line breaks split lines."""
    from docx.oxml.ns import qn

    lines: list[str] = []
    for element in tc.inner_content_elements:
        if element.tag == qn("w:p"):
            lines += str(element.text).split("\n")  # CT_P.text: runs and hyperlinks, w:br as a line break
    return lines
