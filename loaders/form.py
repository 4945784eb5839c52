"""The general form reader (placeholder while it is written)."""

from __future__ import annotations

from loaders.grid import Grid
from loaders.records import Document

LAYOUT = "form"


def detect(grid: Grid) -> str | None:
    return None


def load(grid: Grid) -> Document:
    raise NotImplementedError
