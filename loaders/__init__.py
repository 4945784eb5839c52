"""Source documents -> typed records (no RDF here).

    >>> from loaders import load
    >>> doc = load("seeds/004_b5c1e20c1c71ec69.txt")
    >>> doc.projects[0].name, doc.projects[0].funds.annual.yuan
    ('城市数字化', Decimal('779000'))

``load`` reads one file, ``load_many`` a list of files or folders (each bad
file becomes an error record, the others are still read), ``detect`` says which
layout a file has and why. Layouts are listed in ``loaders.registry.LAYOUTS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from loaders.errors import LayoutError, PolicyKGError, SourceError
from loaders.records import Document, Finding
from loaders.registry import LAYOUTS, loader
from loaders.registry import detect as _detect
from loaders.text import Source, read_source

__all__ = ["LAYOUTS", "Coverage", "Document", "LoadError", "coverage", "detect", "load", "load_many", "load_source",
           "source_files"]

SUFFIXES = (".txt", ".tsv", ".text")


@dataclass(frozen=True, slots=True)
class LoadError:
    """A file that could not be read, with the error's message (names file and line)."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a document became facts, and what could not be explained."""

    file_name: str
    text_lines: int  # lines holding any text
    understood: int  # of those, lines that became facts or structure
    unexplained: tuple[Finding, ...]  # one finding per line not understood, with its text
    problems: tuple[Finding, ...]  # the document contradicts itself, or a part is missing

    @property
    def ratio(self) -> float:
        return self.understood / self.text_lines if self.text_lines else 1.0


def coverage(document: Document) -> Coverage:
    """The coverage of one loaded document (1-based lines in the findings)."""
    return Coverage(
        file_name=document.file_name,
        text_lines=len(document.text_lines),
        understood=len(document.covered_lines),
        unexplained=tuple(f for f in document.findings if f.kind == "unexplained"),
        problems=tuple(f for f in document.findings if f.kind != "unexplained"),
    )


def detect(path: str | Path) -> tuple[str, str]:
    """The layout of a file and why it was chosen: (layout name, reason).

    Raises: SourceError (unreadable file), LayoutError (no layout fits).
    """
    source = read_source(path)
    found = _detect(source)
    if found is None:
        raise LayoutError(str(path), None, "no known layout fits (not a 绩效目标申报表 or 绩效自评表 text export)")
    return found


def load_source(source: Source) -> Document:
    """Read an already decoded ``Source``; raises LayoutError when no layout fits."""
    found = _detect(source)
    if found is None:
        raise LayoutError(source.path, None,
                          "no known layout fits (not a 绩效目标申报表 or 绩效自评表 text export); "
                          "check the file is the text of such a form")
    document = loader(found[0])(source)
    if not document.projects:
        raise LayoutError(source.path, None, f"read as {found[0]} but no project was found; the form may be cut off")
    return document


def load(path: str | Path) -> Document:
    """Read one document file into a ``Document``.

    Raises: SourceError (missing, empty, binary, undecodable), LayoutError
    (no layout fits, or no project could be found).
    """
    return load_source(read_source(path))


def source_files(paths: Sequence[str | Path]) -> list[Path]:
    """The document files named by ``paths``: files as given, folders searched for *.txt/*.tsv, sorted."""
    files: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            files.append(p)
    return files


def load_many(paths: Sequence[str | Path]) -> tuple[list[Document], list[LoadError]]:
    """Read every document under ``paths``; a bad file is reported and the rest are read.

    Returns: (documents in file order, errors in file order).
    """
    documents: list[Document] = []
    errors: list[LoadError] = []
    for file in source_files(paths):
        try:
            documents.append(load(file))
        except PolicyKGError as exc:
            errors.append(LoadError(str(file), str(exc)))
    return documents, errors


_ = SourceError  # re-exported for callers catching file problems
