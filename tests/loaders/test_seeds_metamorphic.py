"""Metamorphic tests of the seeds: the same seed written with other separators gives the same records.

The tab-separated seeds (an OCR declaration and a self-evaluation) are written again with ``|`` pipes
(each tab one pipe, with and without spaces, empty cells kept) and with the framing pipes of a Markdown-like
table; every seed again with Windows line ends. Every record — projects, money with its lines,
citations, indicators, budget lines — must be the same, line numbers included (one row stays one line).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from loaders import load
from loaders.records import Document

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TABBED = sorted(p.name for p in SEEDS.glob("*.txt") if "\t" in p.read_text(encoding="utf-8"))


def _pipes(text: str) -> str:
    return "\n".join(line.replace("\t", " | ") for line in text.split("\n"))


def _bare_pipes(text: str) -> str:
    return "\n".join(line.replace("\t", "|") for line in text.split("\n"))


def _framed(text: str) -> str:
    return "\n".join(f"| {line.replace(chr(9), ' | ')} |" if "\t" in line else line for line in text.split("\n"))


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def records(doc: Document) -> list[object]:
    """Everything a seed's records say (the dataclasses compare field by field), without the file's identity."""
    return [(p.name, p.line, p.parent, p.department, p.implementing_unit, p.funds, p.citations, p.indicators,
             p.budget_lines, p.start_date, p.end_date, p.overview, p.annual_goal) for p in doc.projects]


PIPES: dict[str, Callable[[str], str]] = {"pipes": _pipes, "bare-pipes": _bare_pipes, "framed": _framed}


def _same(tmp_path: Path, name: str, rewrite: Callable[[str], str]) -> None:
    original = (SEEDS / name).read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(rewrite(original).encode("utf-8"))
    expected = load(SEEDS / name)
    got = load(path)
    assert got.layout == expected.layout
    assert records(got) == records(expected)


def test_the_tabbed_seeds_are_the_ocr_declaration_and_the_self_evaluation() -> None:
    assert len(TABBED) == 2


@pytest.mark.parametrize("how", sorted(PIPES))
@pytest.mark.parametrize("name", TABBED)
def test_pipes_instead_of_tabs_give_the_same_records(tmp_path: Path, name: str, how: str) -> None:
    _same(tmp_path, name, PIPES[how])


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_windows_line_ends_give_the_same_records(tmp_path: Path, name: str) -> None:
    _same(tmp_path, name, _crlf)
