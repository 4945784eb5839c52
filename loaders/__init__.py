"""Source documents -> typed records (no RDF here).

    >>> from policykg.loaders import load
    >>> doc = load("seeds/004_b5c1e20c1c71ec69.txt")
    >>> doc.projects[0].name, doc.projects[0].funds.annual.yuan
    ('城市数字化', Decimal('779000'))

``load`` reads one file, ``load_many`` a list of files or folders (each bad
file becomes an error record, the others are still read), ``detect`` says which
layout a file has and why. Every file goes through a reader of its format
(``loaders.readers``) into a ``loaders.grid.Grid`` of cells in rows, which the
form reader reads (``loaders.registry``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from policykg.loaders.coverage import honest as honest_coverage
from policykg.loaders.errors import LayoutError, PolicyKGError, SourceError
from policykg.loaders.grid import Grid, from_source
from policykg.loaders.readers import SUFFIXES as READER_SUFFIXES
from policykg.loaders.readers import read_grid
from policykg.loaders.records import Document, Finding
from policykg.loaders.registry import LAYOUTS, loader
from policykg.loaders.registry import detect_grid as _detect
from policykg.loaders.text import Source

__all__ = ["LAYOUTS", "Coverage", "Document", "LoadError", "coverage", "detect", "load", "load_grid", "load_many",
           "load_source", "source_files"]

SUFFIXES = READER_SUFFIXES  # every format a reader knows (text, PDF, Word, Excel, HTML, images)


@dataclass(frozen=True, slots=True)
class LoadError:
    """A file that could not be read, with the error's message (names file and line)."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a document became facts, and what could not be explained.

    A line is understood when the fact it carries reached a record, or it is the form's structure
    (``loaders.coverage``); the lines any layout read but no record holds are not.
    """

    file_name: str
    text_lines: int  # lines holding any text
    understood: int  # of those, lines whose fact reached a record, or that are structure (titles, labels, heads)
    unexplained: tuple[Finding, ...]  # per line, or run of lines, not understood, with its text
    problems: tuple[Finding, ...]  # the document contradicts itself, a part is missing, or a label was doubtful

    @property
    def ratio(self) -> float:
        return self.understood / self.text_lines if self.text_lines else 1.0


def coverage(document: Document) -> Coverage:
    """The coverage of one loaded document (1-based lines in the findings), from its honest ``covered_lines``."""
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
    grid = read_grid(path)
    found = _detect(grid)
    if found is None:
        raise LayoutError(str(path), None, _NOT_A_FORM)
    return found


_NOT_A_FORM = ("not a 绩效目标申报表 (declaration), 绩效自评表 (self-evaluation) or their narrative: "
               "no form title and too few of the form's labels (项目名称, 主管部门, 绩效指标 …)")


def load_grid(grid: Grid) -> Document:
    """Read a file already read into a ``Grid`` (any format).

    Raises: LayoutError when the grid is no such form, or no project could be found.
    """
    found = _detect(grid)
    if found is None:
        raise LayoutError(grid.path, None, _NOT_A_FORM)
    document = loader(found[0])(grid)
    if not document.projects:
        raise LayoutError(grid.path, None, f"read as {found[0]} but no project was found; the form may be cut off")
    if not document.reason:
        document = replace(document, reason=found[1])
    if grid.findings:  # what the file's reader noticed (low-confidence OCR, pages skipped) is reported with the rest
        extra = tuple(Finding("unexplained" if "confidence" in message else "missing", line, message)
                      for line, message in grid.findings)
        document = replace(document, findings=document.findings + extra)
    return honest_coverage(document, grid.source().lines)  # the lines whose facts reached a record


def load_source(source: Source) -> Document:
    """Read an already decoded text ``Source``; raises LayoutError when no layout fits."""
    return load_grid(from_source(source))


def load(path: str | Path) -> Document:
    """Read one document file (text, or any format ``loaders.readers`` knows) into a ``Document``.

    Raises: SourceError (missing, empty, binary, undecodable), LayoutError
    (no layout fits, or no project could be found).
    """
    return load_grid(read_grid(path))


def source_files(paths: Sequence[str | Path]) -> list[Path]:
    """The document files named by ``paths``: files as given, folders searched for every format of ``SUFFIXES``, sorted."""
    files: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            # a dangling or looping link is listed too, so that reading it reports it instead of skipping it
            files += sorted(f for f in p.rglob("*") if (f.is_file() or f.is_symlink() and not f.exists())
                            and f.suffix.lower() in SUFFIXES)
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
