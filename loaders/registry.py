"""The layouts policykg reads, and how a file's layout is recognized.

Each layout is one module with ``detect(source) -> reason | None`` and
``load(source) -> Document``; adding a layout adds a module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from loaders import declaration_text, declaration_tsv, form, self_evaluation_tsv
from loaders.grid import Grid
from loaders.records import Document

# The three layouts of the Songjiang seeds come first (they read their wrapped PDF
# text and OCR noise most exactly); the general form reader reads every other form.
LAYOUTS: dict[str, ModuleType] = {
    self_evaluation_tsv.LAYOUT: self_evaluation_tsv,
    declaration_tsv.LAYOUT: declaration_tsv,
    declaration_text.LAYOUT: declaration_text,
    form.LAYOUT: form,
}


def detect_grid(grid: Grid) -> tuple[str, str] | None:
    """The layout of ``grid`` and why: (layout name, reason); ``None`` when none fits."""
    source = grid.source()
    for name, module in LAYOUTS.items():
        reason = module.detect(grid) if module is form else module.detect(source)
        if reason:
            return name, reason
    return None


def loader(name: str) -> Callable[[Grid], Document]:
    """The function reading a grid with the layout of that registry name."""
    module = LAYOUTS[name]
    if module is form:
        return form.load
    return lambda grid: _with_grid(module.load(grid.source()), grid)


def _with_grid(document: Document, grid: Grid) -> Document:
    from dataclasses import replace

    origins = tuple(row.cells[0].origin if row.cells else None for row in grid.rows) if grid.format != "text" else ()
    return replace(document, format=grid.format, origins=origins)  # type: ignore[arg-type]
