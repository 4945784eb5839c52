"""XLSX -> grid, through openpyxl (``data_only=True``: the values Excel last computed, not formulas).

Every sheet in workbook order, each sheet's rows from row 1 to its last row
holding a value, each row's cells from column A to its last cell holding one
(a title or a line of text in column A renders as that text alone). A merged range's value stands at its top-left cell with its
``rowspan`` / ``colspan``; the cells it covers are empty. Values as the cell
holds them (``readers._common``): numbers in their shortest exact form
(``387664.62``, ``10580000``), percent-formatted numbers as percent
(``0.95`` shown ``95%``), dates as ISO dates, text with its line breaks joined.

Origins: sheet name, A1 cell reference (``C6``), row and column (1-based).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Cell, Grid, Origin, Row, from_rows
from policykg.loaders.readers._common import column_letters, date_text, join_wrapped, number_text

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def read(path: str, sha256: str, data: bytes) -> Grid:
    """Read an XLSX's bytes into a grid of every sheet (format ``xlsx``).

    A formula whose value was never computed (a file written by a program, not
    saved by Excel) is reported as a finding, its cell left empty.
    Raises: SourceError naming the file for a broken zip or a workbook that
    cannot be read, or one whose sheets hold no value.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise SourceError(path, f"broken XLSX ({type(exc).__name__}: {exc}); open it in Excel and save it again"
                          ) from None
    formulas = _formula_book(data)
    rows: list[Row] = []
    findings: list[tuple[int | None, str]] = []
    for sheet in book.worksheets:
        spans = {(r.min_row, r.min_col): (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
                 for r in sheet.merged_cells.ranges}
        # The cells the file holds (a styled but empty range can make max_row a million: not iterated).
        values = {key: _text(c) for key, c in sheet._cells.items()}
        last_row = max((r for (r, _c), v in values.items() if v), default=0)
        width = max((c for (_r, c), v in values.items() if v), default=0)
        for r in range(1, last_row + 1):
            cells = []
            for c in range(1, width + 1):
                ref = f"{column_letters(c)}{r}"
                text = values.get((r, c), "")
                if not text and formulas is not None and _has_formula(formulas, sheet.title, ref):
                    findings.append((len(rows) + 1, f"{sheet.title}!{ref}: a formula with no computed value "
                                                    "(open and save the file in Excel); left empty"))
                rowspan, colspan = spans.get((r, c), (1, 1))
                cells.append(Cell(text, Origin(0, sheet=sheet.title, cell=ref, row=r, column=c), rowspan, colspan))
            rows.append(Row(trimmed(cells), in_table=True))
    if not rows:
        raise SourceError(path, "the workbook's sheets hold no value")
    return from_rows(path, sha256, "xlsx", rows, findings)


def trimmed(cells: list[Cell]) -> tuple[Cell, ...]:
    """A row up to its last cell holding text (a line of text in column A renders as that line)."""
    end = len(cells)
    while end > 1 and not cells[end - 1].text:
        end -= 1
    return tuple(cells[:end])


def _text(cell: Any) -> str:
    """One openpyxl cell's value as text (see the module docstring)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        if "%" in (cell.number_format or ""):
            return number_text(Decimal(repr(value)) * 100) + "%"
        return number_text(value)
    if isinstance(value, datetime | date | time):
        return date_text(value)
    return join_wrapped(str(value).split("\n"))


def _formula_book(data: bytes) -> Any:
    """The workbook with formulas (not values), loaded only when some sheet holds a formula."""
    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(_FORMULA.search(archive.read(n)) for n in archive.namelist() if n.startswith("xl/worksheets/")):
            return None
    return openpyxl.load_workbook(io.BytesIO(data), data_only=False)


def _has_formula(book: Any, sheet: str, ref: str) -> bool:
    value = book[sheet][ref].value
    return isinstance(value, str) and value.startswith("=")
