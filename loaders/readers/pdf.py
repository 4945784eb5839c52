"""PDF with a text layer -> grid, through pdfplumber; pages without one go to ``readers.ocr``.

Per page, in reading order (top to bottom):

- each ruled table (pdfplumber's ``lines`` strategy) gives one row per table
  row and one cell per column; a merged cell is one cell with its text at its
  first (top-left) position, the positions it covers empty (pdfplumber reports
  them as ``None``), its ``rowspan`` / ``colspan`` counted from the table's
  column and row lines. Text wrapping inside a cell is joined (``join_wrapped``).
- each line of text outside the tables is a paragraph row (``in_table`` False).

A table that runs on from one page to the next (the page ends with it and the
next one starts with a table of as many columns) keeps its table number and
row count; the header rows the next page repeats are dropped. Several forms in
one PDF simply follow each other. Origins: page, and for table cells table /
row / column, all 1-based (the table number counts tables in the file).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Cell, Grid, Origin, Row, from_rows
from policykg.loaders.readers._common import Deadline, Limits, join_wrapped
from policykg.loaders.text import is_page_number


@dataclass
class _Table:
    """The table read last, for joining the part of it that runs on to the next page."""

    number: int
    columns: int
    header: list[tuple[str, ...]]
    page: int  # the page its last row is on
    rows_read: int = 0


@dataclass
class _State:
    rows: list[Row] = field(default_factory=list)
    findings: list[tuple[int | None, str]] = field(default_factory=list)
    tables: int = 0
    open_table: _Table | None = None  # the last item read (page numbers aside) was this table


def read(path: str, sha256: str, data: bytes, limits: Limits) -> Grid:
    """Read a PDF's bytes into a grid (format ``pdf``; ``ocr`` when every page read was a scan).

    Pages past ``limits.max_pages``, or left when ``limits.seconds`` ran out, are
    not read and said so in a finding. Raises: SourceError naming the file for
    an encrypted (password-protected) or corrupt PDF, and naming the page for a
    page that cannot be read or a scanned page when Tesseract is missing.
    """
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps every pdfminer error in PdfminerException
        raise SourceError(path, _open_problem(exc)) from None
    state = _State()
    scanned = 0
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise SourceError(path, _open_problem(exc)) from None
        deadline = Deadline(limits.seconds)
        for number, page in enumerate(pages, start=1):
            if number > limits.max_pages or (number > 1 and deadline.passed()):  # the first page is always read
                why = (f"the page limit of {limits.max_pages} (POLICYKG_MAX_PAGES)" if number > limits.max_pages
                       else f"the time limit of {limits.seconds:g} s (POLICYKG_READ_SECONDS)")
                state.findings.append((None, f"pages {number}-{len(pages)} of {len(pages)} not read: "
                                             f"{why} was reached"))
                break
            try:
                scanned += _read_page(path, page, number, state, limits)
            except SourceError:
                raise
            except Exception as exc:
                raise SourceError(path, f"p. {number} cannot be read ({type(exc).__name__}: {exc})") from None
            finally:
                page.close()
    if not state.rows:
        raise SourceError(path, "the PDF holds no text (no text layer and no scanned page)")
    fmt = "ocr" if scanned and scanned == min(len(pages), limits.max_pages) else "pdf"
    return from_rows(path, sha256, fmt, state.rows, state.findings)


def _open_problem(exc: Exception) -> str:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(cause).__name__
    if "Password" in name or "Encrypt" in name:
        return "encrypted PDF (password-protected); save or print it without a password and read it again"
    return f"not a readable PDF ({name}: {cause}); the file may be damaged or cut off"


def _read_page(path: str, page: Any, number: int, state: _State, limits: Limits) -> int:
    """Append one page's rows to ``state``; return 1 when the page was OCR'd, else 0."""
    if not page.chars:
        if not page.images:
            return 0  # a blank page
        from policykg.loaders.readers import ocr

        image = page.to_image(resolution=300).original
        rows, findings = ocr.rows_from_image(path, image, page=number, seconds=limits.ocr_seconds)
        state.findings += [(len(state.rows) + i, message) for i, message in findings]
        state.rows += rows
        state.open_table = None
        return 1
    tables = page.find_tables()
    items: list[tuple[float, int, Any]] = [(t.bbox[1], 1, t) for t in tables]
    if tables:
        boxes = [t.bbox for t in tables]
        outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    else:
        outside = page
    items += [(line["top"], 0, line) for line in outside.extract_text_lines(return_chars=False)]
    for _top, kind, item in sorted(items, key=lambda it: (it[0], it[1])):
        if kind == 0:
            text = join_wrapped([item["text"]])
            if text:
                state.rows.append(Row((Cell(text, Origin(0, page=number)),), in_table=False))
                if not is_page_number(text):
                    state.open_table = None
        else:
            _read_table(item, number, state)
    return 0


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x < x1 and top <= y < bottom for x0, top, x1, bottom in boxes)


def _read_table(table: Any, page: int, state: _State) -> None:
    """Append a pdfplumber table's rows (merged cells' spans counted from the column and row lines)."""
    texts = [[None if t is None else join_wrapped(t.split("\n")) for t in row] for row in table.extract()]
    geometry = table.rows
    xs = sorted({cell[0] for cell in table.cells})
    tops = sorted({cell[1] for cell in table.cells})
    columns = len(xs)
    last = state.open_table
    continued = last if last and last.page == page - 1 and last.columns == columns else None
    start = 0
    if continued is not None:  # the next page repeats the header rows: drop them
        while (start < len(texts) - 1 and start < len(continued.header)
               and tuple(t or "" for t in texts[start]) == continued.header[start]):
            start += 1
        current = continued
    else:
        state.tables += 1
        current = _Table(state.tables, columns, [tuple(t or "" for t in row) for row in texts[:3]], page)
    for texts_row, geometry_row in zip(texts[start:], geometry[start:], strict=True):
        current.rows_read += 1
        cells = []
        for column, (text, box) in enumerate(zip(texts_row, geometry_row.cells, strict=True), start=1):
            origin = Origin(0, page=page, table=current.number, row=current.rows_read, column=column)
            if box is None:
                cells.append(Cell("", origin))
            else:
                colspan = sum(1 for x in xs if box[0] <= x < box[2]) or 1
                rowspan = sum(1 for y in tops if box[1] <= y < box[3]) or 1
                cells.append(Cell(text or "", origin, rowspan, colspan))
        state.rows.append(Row(tuple(cells), in_table=True))
    current.page = page
    state.open_table = current
