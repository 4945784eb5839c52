"""Titles, 文号 and their pairing, normalization and quotes (examples from the seeds)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.loaders.citations import find_citations, issuer_of, join_lines
from policykg.loaders.text import clean


def cite(*lines: str, legal_basis: bool = True) -> list[tuple]:
    span = join_lines([(n, clean(t)) for n, t in enumerate(lines, 1)])
    return [(c.title, c.doc_number, c.line) for c in find_citations(span, legal_basis=legal_basis)]


def test_title_with_number_in_brackets() -> None:
    # 004 lines 676-678
    assert cite("《关于加快G60上海松江科创走廊建设促进科技创新和成果转化的实施意",
                "见》（沪松府〔2017〕120 号）") == [
        ("关于加快G60上海松江科创走廊建设促进科技创新和成果转化的实施意见", "沪松府〔2017〕120号", 1)]


def test_number_split_over_two_lines_and_bracket_forms() -> None:
    # 004 lines 880-882 and 1698, 949, 3496
    assert cite("《松江区城市数字化转型“十四五”规划》（松科委〔2022〕", "1 号）。")[0][1] == "松科委〔2022〕1号"
    assert cite("《上海市科技小巨人工程实施办法》（沪科规[2021]12 号）")[0][1] == "沪科规〔2021〕12号"
    assert cite("（沪科协【2020】43 号）")[0][1] == "沪科协〔2020〕43号"
    assert cite("的通知》（沪松府﹝2018﹞142 号）")[0][1] == "沪松府〔2018〕142号"


def test_prefix_after_an_issuer_name() -> None:
    # 004 line 4139: 国家外国专家局外专发【2017】161号文件
    assert cite("要求和国家外国专家局外专发【2017】161号文件") == [(None, "外专发〔2017〕161号", 1)]


def test_standalone_number_and_spaced_title() -> None:
    # 004 line 35; 000 line 88
    assert cite("的批示要求（松委督〔2021〕034 号）。") == [(None, "松委督〔2021〕034号", 1)]
    assert cite("（一）《长三角 G60 科创走廊建设方案》指出要：“强化政策支撑。”") == [("长三角G60科创走廊建设方案", None, 1)]


def test_quote_after_the_title() -> None:
    span = join_lines([(1, clean("《长三角 G60 科创走廊建设方案》指出要:\"强化政策支撑。做好政策储备\"。"))])  # 001 line 15
    assert find_citations(span, legal_basis=True)[0].quote == "强化政策支撑。做好政策储备"


def test_issuer_from_the_prefix_table() -> None:
    issuer = issuer_of("沪松府规〔2019〕23号")
    assert issuer is not None and issuer.name == "上海市松江区人民政府"
    assert issuer_of("某某〔2020〕1号") is None


@given(st.sampled_from(["沪松府", "国科发规", "沪科协", "松科委规"]), st.integers(2000, 2030), st.integers(1, 999),
       st.sampled_from([("〔", "〕"), ("[", "]"), ("【", "】"), ("﹝", "﹞"), ("(", ")")]), st.booleans())
def test_docnumber_round_trip(prefix: str, year: int, number: int, brackets: tuple[str, str], spaced: bool) -> None:
    gap = " " if spaced else ""
    written = f"《某办法》（{prefix}{brackets[0]}{year}{brackets[1]}{gap}{number}{gap}号）"
    # the 文号 brackets become 〔〕 (ARCHITECTURE.md, Conventions); round ones are no 文号 brackets and stay
    expected = f"{prefix}({year}){number}号" if brackets[0] == "(" else f"{prefix}〔{year}〕{number}号"
    assert cite(written)[0][1] == expected


def test_a_number_in_round_brackets_keeps_them() -> None:
    # a form writes 根据鲁财科教(2024)67号文件 (ASCII round brackets), another （2024） in full width
    assert cite("根据鲁财科教(2024)67号文件")[0][1] == "鲁财科教(2024)67号"
    assert cite(clean("根据鲁财科教（2024）67号文件"))[0][1] == "鲁财科教(2024)67号"


@pytest.mark.parametrize("legal_basis", [True, False])
def test_legal_basis_flag_is_kept(legal_basis: bool) -> None:
    span = join_lines([(1, "《某办法》")])
    assert find_citations(span, legal_basis=legal_basis)[0].legal_basis is legal_basis
