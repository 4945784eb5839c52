"""The layouts policykg reads, and how a file's layout is recognized.

Each layout is one module with ``detect(source) -> reason | None`` and
``load(source) -> Document``; adding a layout adds a module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import ModuleType

from loaders import declaration, declaration_tsv, form
from loaders.grid import Grid
from loaders.records import Document
from loaders.text import Source

# The OCR layout of the Songjiang declarations comes first (it reads their OCR noise most exactly: tables
# OCR pushed into the next narrative, a table flattened onto one line); the general form reader reads
# every other form, the Songjiang PDF-text declarations and self-evaluations among them.
LAYOUTS: dict[str, ModuleType] = {
    declaration_tsv.LAYOUT: declaration_tsv,
    form.LAYOUT: form,
}


def cells_source(grid: Grid) -> Source:
    """The grid as the Songjiang layouts read it: one line per row, its cells joined by tabs.

    A text line without tabs whose cells are separated by ``|`` (``a | b |``, ``||||`` padding) is given
    its cells tab-separated, so those layouts read a pipe-separated export as they read a tab-separated
    one; when every such line opens and closes with a pipe, those two frame the row and bound no cell. Other lines stay as written.
    """
    source = grid.source()
    if grid.format != "text" or not any("|" in line and "\t" not in line for line in source.lines):
        return source
    piped = [line for line in source.lines if "|" in line and "\t" not in line]
    framed = all(len(line) > 1 and line.startswith("|") and line.endswith("|") for line in piped)
    lines = tuple(_pipes_to_tabs(line, framed) for line in source.lines)
    return replace(source, text="\n".join(lines), lines=lines)


def _pipes_to_tabs(line: str, framed: bool) -> str:
    if "\t" in line or "|" not in line:
        return line
    inner = line[1:-1] if framed else line
    return "\t".join(cell.strip() for cell in inner.split("|"))


def detect_grid(grid: Grid) -> tuple[str, str] | None:
    """The layout of ``grid`` and why: (layout name, reason); ``None`` when none fits."""
    source = cells_source(grid)
    for name, module in LAYOUTS.items():
        reason = module.detect(grid) if module is form else module.detect(source)
        if reason:
            return name, reason
    return None


def loader(name: str) -> Callable[[Grid], Document]:
    """The function reading a grid with the layout of that registry name."""
    module = LAYOUTS[name]
    if module is form:
        return read_form
    return lambda grid: _with_grid(module.load(cells_source(grid)), grid)


def read_form(grid: Grid) -> Document:
    """The general reading of a grid: a declaration whose forms stand between project narratives
    (``loaders.declaration.has_narratives``) is assembled narrative by narrative, each form read by the form
    reader; any other form is read by the form reader whole."""
    if declaration.has_narratives(grid):
        return _with_grid(declaration.read(grid, form.LAYOUT), grid)
    return form.load(grid)


def _with_grid(document: Document, grid: Grid) -> Document:
    origins = tuple(row.cells[0].origin if row.cells else None for row in grid.rows) if grid.format != "text" else ()
    return replace(document, format=grid.format, origins=origins)  # type: ignore[arg-type]
