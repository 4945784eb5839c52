"""The base of every policykg error, and the errors of the loaders.

``PolicyKGError`` is the one base class; the errors of reading documents
(``SourceError``, ``ParseError`` and its kinds) are defined here, those of the
graph (queries, validation, output folder, server) in ``policykg.graph.errors``
and the graph's modules. The library raises these (or returns findings); only
the command line prints them and chooses exit codes. Every message says what was wrong, where (file,
1-based line) and, where there is one, what to do about it.
"""

from __future__ import annotations


class PolicyKGError(Exception):
    """Base class of every error policykg raises on purpose."""


class SourceError(PolicyKGError):
    """A source file cannot be read at all: missing, empty, binary, unknown encoding.

    Message form: ``seeds/x.txt: not UTF-8 or GB18030 (byte 0x9f at offset 12); convert it``.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ParseError(PolicyKGError):
    """Text was read but a required part of a form could not be understood.

    ``line`` is 1-based; ``None`` when the problem concerns the file as a whole.
    """

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class AmountError(ParseError):
    """A money cell holds no number that can be read as an amount."""


class LayoutError(ParseError):
    """No known document layout matches the file (see ``loaders.detect``)."""
