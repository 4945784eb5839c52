"""Property tests of the form reader's parsers: glued cells, glued money, labels written in other ways."""

from __future__ import annotations

from decimal import Decimal

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.loaders.form import _join_spaced
from policykg.loaders.glued import best_money_split, split_row
from policykg.loaders.labels import find_labels, whole_label

NAMES = st.sampled_from(["开展县域结对交流活动", "项目一次验收合格率", "受益群众满意度", "免费开放天数", "安装坡面水标尺"])
UNITS = st.sampled_from(["%", "次", "人", "天", "米", "万元", "个"])
CMPS = st.sampled_from(["", "≥", "≤", "=", ">", "<", "≧", "≦", ">=", "<="])
_S2T = opencc.OpenCC("s2t")


@given(NAMES, CMPS, st.integers(1, 5000), UNITS, st.integers(1, 30), st.booleans())
@settings(max_examples=150, deadline=None)
def test_a_glued_indicator_row_splits_back(name: str, cmp: str, value: int, unit: str, weight: int,
                                           same_actual: bool) -> None:
    target = f"{cmp}{value}{unit}"
    actual = target if same_actual else f"{value + 1}{unit}"
    got = split_row(f"{name}{target}{actual}{weight}{weight}", ["target", "actual", "weight", "score", "note"])
    assert got == (name, {"target": target, "actual": actual, "weight": str(weight), "score": str(weight)})


@given(st.integers(1, 99999), st.integers(1, 100))
@settings(max_examples=150, deadline=None)
def test_glued_money_splits_by_the_execution_rate(budget: int, percent: int) -> None:
    executed = max(1, budget * percent // 100)
    rate = Decimal(executed) / Decimal(budget) * 100
    amounts = [f"{budget}.00", f"{executed}.00"]  # amounts written with their 角/分, as forms print them
    text = f"{amounts[0]}{amounts[1]}{rate:.2f}%"
    got = best_money_split(text, ["adjusted", "executed", "rate"])
    assert got == {"adjusted": amounts[0], "executed": amounts[1], "rate": f"{rate:.2f}%"}


@given(st.integers(1, 99999), st.sampled_from(["100%", "100.00%"]))
@settings(max_examples=100, deadline=None)
def test_glued_whole_numbers_fully_spent(budget: int, rate: str) -> None:
    got = best_money_split(f"{budget}{budget}{rate}", ["adjusted", "executed", "rate"])
    assert got == {"adjusted": str(budget), "executed": str(budget), "rate": rate}


def test_two_equally_good_splits_are_not_guessed() -> None:
    # 99999 | 1999 | 2.00% and 9999 | 9199 | 92.00% both fit: 执行数 / 预算数 agrees with 执行率 in each
    assert best_money_split("9999919992.00%", ["adjusted", "executed", "rate"]) is None


LABELS = st.sampled_from([("项目名称", "name"), ("主管部门", "department"), ("实施单位", "implementing_unit"),
                          ("年度资金总额", "annual"), ("资金名称", "name"), ("预算部门", "department"),
                          ("立项依据", "legal_basis"), ("资金使用单位", "implementing_unit")])


@given(LABELS, st.sampled_from(["", ":", "："]), st.booleans(), st.booleans())
@settings(max_examples=100, deadline=None)
def test_a_label_is_known_however_it_is_written(label: tuple[str, str], colon: str, spaced: bool,
                                                traditional: bool) -> None:
    text, field = label
    written = _S2T.convert(text) if traditional else text
    pieces = list(written) if spaced else [written]
    pieces[-1] += colon
    joined = _join_spaced(pieces)
    assert len(joined) == 1
    found = whole_label(joined[0])
    assert found is not None and found.field == field


@given(LABELS, st.sampled_from(["031-", "[077]", "", "031001-"]), st.sampled_from(["霍邱县科学技术局", "县财政局"]))
@settings(max_examples=60, deadline=None)
def test_a_label_glued_to_its_value_is_split_off(label: tuple[str, str], code: str, org: str) -> None:
    text = f"{label[0]}{code}{org}"
    spans = find_labels(text)
    assert spans and spans[0][0] == 0 and text[spans[0][1]:] == f"{code}{org}"
