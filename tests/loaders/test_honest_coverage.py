"""Honest coverage: a line is understood when its fact reaches a record; what is lost is a finding.

Expected values come from reading the seeds: seed 003 (two self-evaluation forms) has the title
财政项目支出绩效自评表 of its second form on line 49, 项目名称 宣传与推广 on line 51, its money header on
line 53, 年度资金总额 700,000.00 on line 54, 其中:当年财政拨款 700000 on line 55, 其他资金 0 0 on line 57
and the indicator row 邀请一定数量主流媒体 on line 63; the first form's 年度资金总额 is 10,580,000.00 (line 8).
Messages give the text normalized (NFKC: the full-width colon of 其中：当年财政拨款 becomes ``:``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from policykg.loaders import Document, coverage, load
from tests.conftest import ROOT, SEEDS

SEED_003 = SEEDS / "003_9ccbaafc82c3a09f.txt"
SEED_004 = SEEDS / "004_b5c1e20c1c71ec69.txt"
NARRATIVE_08 = ROOT.parent / "shared" / "forms" / "docs" / "08_anhui-yeji-wlt-narrative-2025.txt"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _write(tmp_path: Path, lines: list[str], name: str = "003-edited.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _of(doc: Document, kind: str, line: int) -> list[str]:
    return [f.message for f in doc.findings if f.kind == kind and f.line == line]


def test_the_seed_lines_are_where_the_tests_expect_them() -> None:
    lines = _lines(SEED_003)
    assert lines[48].strip() == "财政项目支出绩效自评表"
    assert lines[50].split("\t")[:2] == ["项目名称", "宣传与推广"]
    assert lines[53].split("\t")[1:3] == ["年度资金总额", "700,000.00"]
    assert lines[54].split("\t")[1:3] == ["其中：当年财政拨款", "700000"]
    assert lines[56].split("\t")[1:4] == ["其他资金", "0", "0"]
    assert lines[62].split("\t")[2] == "邀请一定数量主流媒体"
    assert lines[7].split("\t")[1:3] == ["年度资金总额", "10,580,000.00"]


def test_without_the_second_title_both_projects_and_their_money_are_kept(tmp_path: Path) -> None:
    # the known case of issue 16: the one title line of the second form dropped by an export
    lines = _lines(SEED_003)
    doc = load(_write(tmp_path, lines[:48] + lines[49:]))
    assert [p.name for p in doc.projects] == ["G60科创走廊建设", "宣传与推广"]
    second = doc.projects[1]
    assert second.funds.initial is not None and second.funds.initial.yuan == Decimal("700000")
    assert second.funds.initial.line == 53  # line 54 of the seed, one line up
    assert 53 in doc.covered_lines and 8 in doc.covered_lines


def test_a_form_without_its_project_name_reports_its_money_and_indicators(tmp_path: Path) -> None:
    lines = _lines(SEED_003)
    path = _write(tmp_path, lines[:50] + lines[51:])  # 项目名称 宣传与推广 deleted: lines after it move up one
    doc = load(path)
    assert [p.name for p in doc.projects] == ["G60科创走廊建设"]
    money = _of(doc, "missing", 53)
    assert money == [f"{path}:53: money 700,000.00 (年度资金总额) reaches no project"]
    assert _of(doc, "missing", 54) == [f"{path}:54: money 700000 (其中:当年财政拨款) reaches no project"]
    assert any("邀请一定数量主流媒体" in m and "reaches no project" in m for m in _of(doc, "missing", 62))
    total = [f.message for f in doc.findings if f.kind == "inconsistent" and "money rows" in f.message]
    assert len(total) == 1
    # 10,580,000 + 700,000 stated in 年度资金总额 rows; the one project holds 10,580,000
    assert "add up to 11,280,000 yuan, 700,000 more than the projects took from them (10,580,000)" in total[0]
    assert f"{path}:53 (年度资金总额 700,000)" in total[0]
    for line in (53, 54, 62):
        assert line not in doc.covered_lines
    report = coverage(doc)
    assert report.understood < report.text_lines


def test_a_duplicated_money_row_is_more_money_than_the_projects_hold(tmp_path: Path) -> None:
    lines = _lines(SEED_003)
    doc = load(_write(tmp_path, lines[:54] + [lines[53]] + lines[54:]))  # 年度资金总额 700,000.00 twice
    assert [p.name for p in doc.projects] == ["G60科创走廊建设", "宣传与推广"]
    total = [f.message for f in doc.findings if f.kind == "inconsistent" and "money rows" in f.message]
    assert len(total) == 1
    # 10,580,000 + 700,000 + 700,000 = 11,980,000 stated; the projects took 10,580,000 + 700,000 from their rows
    assert "add up to 11,980,000 yuan, 700,000 more than the projects took from them (11,280,000)" in total[0]
    assert ":54 (年度资金总额 700,000)" in total[0] or ":55 (年度资金总额 700,000)" in total[0]


def test_a_label_with_no_value_is_structure(tmp_path: Path) -> None:
    lines = _lines(SEED_003)
    cells = lines[56].split("\t")
    blanked = "\t".join(cells[:2] + [""] * (len(cells) - 2))  # 其他资金 with its cells emptied
    doc = load(_write(tmp_path, lines[:56] + [blanked] + lines[57:]))
    assert 57 in doc.covered_lines
    assert not [f for f in doc.findings if f.line == 57]


def test_titles_heads_and_facts_of_the_seed_are_understood() -> None:
    doc = load(SEED_003)
    for line in (3, 49):  # the form titles
        assert line in doc.covered_lines
    assert 53 in doc.covered_lines  # 项目资金 (元) | 年初预算数 | 全年预算数 … : column heads
    assert {51, 54, 55, 57, 63} <= doc.covered_lines  # name, money rows, an indicator row


def test_narrative_prose_no_record_holds_is_not_understood() -> None:
    # seed 004: 四、实施方案 (line 43) heads the plan of 手机信号检测, whose prose (line 44 on) no record
    # keeps (a project holds its overview, goals, legal basis citations and budget lines, not its plan)
    lines = _lines(SEED_004)
    assert lines[42].strip() == "四、实施方案" and lines[43].strip().startswith("实施内容")
    assert lines[189].strip().startswith("项目名称")  # the form of 城市数字化, golden line 190
    doc = load(SEED_004)
    assert 43 in doc.covered_lines and 190 in doc.covered_lines
    assert 44 not in doc.covered_lines
    run = [f for f in doc.findings if f.kind == "unexplained" and f.line == 44]
    assert len(run) == 1 and "no record holds what" in run[0].message
    report = coverage(doc)
    assert report.understood == len(doc.covered_lines) < report.text_lines


@pytest.mark.skipif(not NARRATIVE_08.exists(), reason="the dev forms are not present")
def test_narrative_projects_absorbed_by_a_form_before_them_are_named(tmp_path: Path) -> None:
    # found by bench.fuzz: the form of 快乐健身暖民心建设资金 (lines 5-6) moved before the narrative (line 2),
    # whose headings 1.“文化中心运营专项经费”项目 and 2.“文旅体专项经费”项目 name two more projects
    lines = _lines(NARRATIVE_08)
    assert "1.“文化中心运营专项经费”项目" in lines[1] and "2.“文旅体专项经费”项目" in lines[1]
    assert "快乐健身暖民心建设资金" in lines[4]
    doc = load(_write(tmp_path, [lines[4], lines[2], lines[1], lines[3], lines[0]], "08-reordered.txt"))
    kept = {p.name for p in doc.projects}
    for name in ("文化中心运营专项经费", "文旅体专项经费"):
        lost = [f for f in doc.findings if f.kind == "missing" and name in f.message and "reaches no project" in f.message]
        assert name in kept or len(lost) == 1, name


def test_a_summary_moved_into_the_forms_still_names_its_parent_project(tmp_path: Path) -> None:
    # found by bench.fuzz: line 5 of seed 001 says "G60 科创走廊建设"项目包含六个二级项目 (the parent of the six
    # sub-projects); swapped with line 93 (a row of an indicator table) it no longer stands in the summary
    lines = _lines(SEEDS / "001_02eda4b669ee2409.txt")
    assert '"G60 科创走廊建设"项目包含六个二级项目' in lines[4]
    lines[4], lines[92] = lines[92], lines[4]
    doc = load(_write(tmp_path, lines, "001-swapped.txt"))
    if "G60科创走廊建设" not in {p.name for p in doc.projects}:
        lost = [f for f in doc.findings if f.kind == "missing" and f.line == 93]
        assert [f.message.split(": ", 1)[1] for f in lost] == [
            "the project name G60科创走廊建设 (the parent of 二级项目 in the summary) reaches no project"]
