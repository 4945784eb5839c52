"""File-format readers: a file's bytes -> ``loaders.grid.Grid`` (cells in rows with their origin).

The format is recognized by content (magic bytes), not only by extension.
Readers know a file format and nothing of the forms; ``loaders.form`` reads the grid.
"""

from __future__ import annotations

from pathlib import Path

from loaders.grid import Grid, from_source
from loaders.text import decode_source, read_source

__all__ = ["read_grid", "sniff"]


def sniff(data: bytes, name: str = "") -> str:
    """The format of a file's bytes: ``text`` for now (more formats are added by their readers)."""
    return "text"


def read_grid(path: str | Path) -> Grid:
    """Read one file of any supported format into a ``Grid``.

    Raises: SourceError naming the file when it is missing, empty, of an
    unsupported format or cannot be decoded.
    """
    return from_source(read_source(path))


def grid_from_bytes(path: str, data: bytes) -> Grid:
    """The same as ``read_grid`` for bytes already read (the parallel build reads files in workers)."""
    return from_source(decode_source(path, data))
