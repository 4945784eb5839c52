"""Metamorphic tests of the seeds: the same seed written with other separators gives the same records.

The tab-separated seeds (an OCR declaration and a self-evaluation) are written again with ``|`` pipes
(each tab one pipe, with and without spaces, empty cells kept) and with the framing pipes of a Markdown-like
table; every seed again with Windows line ends. Every record — projects, money with its lines,
citations, indicators, budget lines — must be the same, line numbers included (one row stays one line).
Both, read by the general form reader, also meet the rewrites of the forms (traditional characters,
full-width digits, 主管单位).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policykg.loaders import load
from policykg.loaders.records import Document
from tests.loaders import test_forms_metamorphic as forms_metamorphic

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


# The tabbed seeds are read by the general form reader, so they meet the same rewrites as the forms of
# tests/forms whose tables keep their rows: re-cut into tabs or pipes, traditional characters (OpenCC s2t),
# full-width digits, 主管单位 for 主管部门. Names, money, indicators and citations compare as the forms' do.
FORM_READ = [name for name in TABBED if load(SEEDS / name).layout == "form"]


# A rewrite that does not apply to the OCR declaration's narratives (项目经费情况说明, 一、项目概述 …): it cuts
# every line at its spaces into cells, and a sentence with G60 in it is no table row.
NOT_FOR_NARRATIVES = {("001_02eda4b669ee2409.txt", "pipes")}


def test_the_tabbed_seeds_are_read_by_the_form_reader() -> None:
    assert FORM_READ == TABBED


@pytest.mark.parametrize(("name", "how"), [(name, how) for name in FORM_READ for how in sorted(forms_metamorphic.ROW_SAFE)
                                           if (name, how) not in NOT_FOR_NARRATIVES])
def test_the_form_read_seed_meets_the_forms_rewrites(tmp_path: Path, name: str, how: str) -> None:
    original = (SEEDS / name).read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(forms_metamorphic.ROW_SAFE[how](original), encoding="utf-8")
    assert forms_metamorphic.records(load(path)) == forms_metamorphic.records(load(SEEDS / name))


def test_a_declaration_in_traditional_characters_keeps_its_text_as_written(tmp_path: Path) -> None:
    """The OCR declaration in traditional characters: its summary and narratives are matched in simplified
    characters, but the records say what the file writes. Expected values: the golden file's (read from the
    seed) in the characters the rewrite wrote them in."""
    s2t = forms_metamorphic._S2T.convert
    name = "001_02eda4b669ee2409.txt"
    path = tmp_path / name
    path.write_text(s2t((SEEDS / name).read_text(encoding="utf-8")), encoding="utf-8")
    doc = load(path)
    parent, first = doc.projects[0], doc.projects[1]
    assert parent.name == s2t("G60科创走廊建设") != "G60科创走廊建设"
    assert first.parent == parent.name
    assert first.department == s2t("上海市松江区长三角G60科创走廊创新研究中心")
    assert [c.title for c in first.citations if c.legal_basis] == [s2t("长三角G60科创走廊建设方案")]
    assert first.overview is not None and s2t("项目主要实施内容") in first.overview
