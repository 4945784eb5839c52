"""How a file is recognized as a form policykg reads, and which reading it gets.

One general reader (``loaders.form``) reads every 绩效目标申报表, 绩效自评表 and narrative, whatever their
locality, separators or file format; ``LAYOUTS`` names it (``form``), the name a ``Document`` records as its
layout. A declaration whose forms stand between project narratives is assembled by ``loaders.declaration``
from the same reader's reading of each form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import ModuleType

from policykg.loaders import declaration, form
from policykg.loaders.grid import Grid
from policykg.loaders.records import Document

LAYOUTS: dict[str, ModuleType] = {
    form.LAYOUT: form,
}


def detect_grid(grid: Grid) -> tuple[str, str] | None:
    """The layout of ``grid`` and why: (layout name, reason: the title and labels found); ``None`` when the grid
    is no such form."""
    for name, module in LAYOUTS.items():
        reason = module.detect(grid)
        if reason:
            return name, reason
    return None


def loader(name: str) -> Callable[[Grid], Document]:
    """The function reading a grid with the layout of that registry name (``KeyError`` for an unknown name)."""
    if name not in LAYOUTS:
        raise KeyError(name)
    return read_form


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
