"""The one intermediate every reader produces: cells in rows, each cell with where it stands.

A reader knows a file format and no form: it turns a file (text, PDF, DOCX,
XLSX, HTML, a scan) into a ``Grid`` — rows of cells, each ``Cell`` carrying its
``Origin`` (1-based text line, and where the format has them: page, sheet and
A1 cell reference, table / row / column). The form reader (``loaders.form``)
knows the forms and no file format: it reads any ``Grid``.

A grid is also rendered as text (``Grid.source()``): one line per row, cells
joined by a tab, so that everything keyed by 1-based line (records, findings,
coverage) works for every format, and ``Grid.origin(line)`` gives back the page
or cell of that line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from policykg.loaders.pickling import fast_pickling
from policykg.loaders.text import Source


@fast_pickling
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a cell stands in its file. Every number is 1-based.

    ``line`` is the line of the grid's text rendering (for a text file: the
    line of the file). ``page`` is the PDF page (also for scans), ``sheet`` the
    spreadsheet sheet name and ``cell`` its A1 reference (``C6``); ``table``,
    ``row`` and ``column`` locate a cell of a DOCX / HTML / PDF table.
    """

    line: int
    page: int | None = None
    sheet: str | None = None
    cell: str | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def describe(self) -> str:
        """Human-readable place: ``p. 3, table 1 row 4 col 2``, ``自评表!C6`` or ``line 12``."""
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.sheet is not None and self.cell is not None:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.table is not None:
            parts.append(f"table {self.table} row {self.row} col {self.column}")
        return ", ".join(parts) if parts else f"line {self.line}"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell's text as written (wrapped text inside a cell joined by a space) and its origin."""

    text: str
    origin: Origin
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True, slots=True)
class Row:
    """One table row, or one line / paragraph of text outside tables (``in_table`` False)."""

    cells: tuple[Cell, ...]
    in_table: bool = False


@dataclass(frozen=True, slots=True)
class Grid:
    """Everything one reader read from one file.

    ``format`` names the reader (``text``, ``pdf``, ``docx``, ``xlsx``, ``xls``,
    ``html``, ``ocr``); ``findings`` are what the reader itself noticed
    (low-confidence OCR cells, encrypted pages skipped) as (1-based line or
    ``None``, message) pairs.
    """

    path: str
    sha256: str
    format: str
    rows: tuple[Row, ...]
    findings: tuple[tuple[int | None, str], ...] = ()
    _text: Source | None = field(default=None, compare=False, repr=False)

    def source(self) -> Source:
        """The text rendering: line N is row N, cells joined by tabs (a text file's own lines for ``text``)."""
        if self._text is not None:
            return self._text
        lines = tuple("\t".join(c.text.replace("\t", " ").replace("\n", " ") for c in row.cells) for row in self.rows)
        text = "\n".join(lines)
        return Source(path=self.path, text=text, lines=lines, sha256=self.sha256, encoding=self.format)

    def origin(self, line: int) -> Origin | None:
        """The origin of the first cell on 1-based ``line`` of the rendering, or ``None`` past the end."""
        if 1 <= line <= len(self.rows) and self.rows[line - 1].cells:
            return self.rows[line - 1].cells[0].origin
        return None


def from_source(source: Source) -> Grid:
    """A text file as a grid: one row per line, the whole line one cell (the form reader splits cells itself)."""
    rows = tuple(Row((Cell(line, Origin(i)),)) for i, line in enumerate(source.lines, start=1))
    return Grid(path=source.path, sha256=source.sha256, format="text", rows=rows, _text=source)


def from_rows(path: str, sha256: str, fmt: str, rows: Sequence[Sequence[Cell] | Row],
              findings: list[tuple[int | None, str]] | None = None) -> Grid:
    """A grid from a reader's rows, with each cell's ``Origin.line`` set to its row's 1-based line.

    Readers build cells with ``line=0`` and let this function number them, so
    the rendering and the origins always agree.
    """
    numbered: list[Row] = []
    for i, row in enumerate(rows, start=1):
        cells: tuple[Cell, ...] = row.cells if isinstance(row, Row) else tuple(row)
        in_table = row.in_table if isinstance(row, Row) else True
        numbered.append(Row(tuple(Cell(c.text, _with_line(c.origin, i), c.rowspan, c.colspan) for c in cells),
                            in_table))
    return Grid(path=path, sha256=sha256, format=fmt, rows=tuple(numbered), findings=tuple(findings or ()))


def _with_line(origin: Origin, line: int) -> Origin:
    return Origin(line, origin.page, origin.sheet, origin.cell, origin.table, origin.row, origin.column)
