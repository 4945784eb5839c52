"""XLS (Excel 97-2003, OLE2 BIFF) -> grid, through xlrd; the same grid as ``readers.xlsx`` gives.

Every sheet, rows from 1 to the sheet's last row with a value, each row's cells
from column A to its last one with a value; merged ranges (``formatting_info=True``) keep their value
at the top-left with its spans, the covered cells empty. Numbers in their
shortest exact form (``387664.62``, never ``387664.6199999``), date cells as
ISO dates, percent-formatted numbers as percent, error cells as their Excel text (``#DIV/0!``).
Origins: sheet name, A1 cell reference, row and column (1-based).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Cell, Grid, Origin, Row, from_rows
from policykg.loaders.readers._common import column_letters, date_text, join_wrapped, number_text
from policykg.loaders.readers.xlsx import trimmed


def read(path: str, sha256: str, data: bytes) -> Grid:
    """Read an XLS's bytes into a grid of every sheet (format ``xls``).

    Raises: SourceError naming the file for an encrypted (password-protected)
    or damaged workbook, or one whose sheets hold no value.
    """
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError ... on damaged files
        if "encrypt" in str(exc).lower():
            raise SourceError(path, "password-protected (encrypted) workbook; save it without a password "
                                    "and read it again") from None
        raise SourceError(path, f"not a readable XLS workbook ({type(exc).__name__}: {exc}); "
                                "open it in Excel and save it again") from None
    rows: list[Row] = []
    for sheet in book.sheets():
        spans = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in sheet.merged_cells}
        texts = {(r, c): _text(sheet.cell(r, c), book) for r in range(sheet.nrows) for c in range(sheet.ncols)}
        last_row = max((r + 1 for (r, _c), t in texts.items() if t), default=0)
        width = max((c + 1 for (_r, c), t in texts.items() if t), default=0)
        for r in range(last_row):
            cells = [
                Cell(texts.get((r, c), ""), Origin(0, sheet=sheet.name, cell=f"{column_letters(c + 1)}{r + 1}",
                                                   row=r + 1, column=c + 1), *spans.get((r, c), (1, 1)))
                for c in range(width)]
            rows.append(Row(trimmed(cells), in_table=True))
    if not rows:
        raise SourceError(path, "the workbook's sheets hold no value")
    return from_rows(path, sha256, "xls", rows)


def _text(cell: Any, book: Any) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        number_format = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
        if "%" in number_format:
            return number_text(Decimal(repr(cell.value)) * 100) + "%"
        return number_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        return date_text(xlrd.xldate_as_datetime(cell.value, book.datemode))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
    return join_wrapped(str(cell.value).split("\n"))
