"""parse_target / is_target on the target forms of the seeds, and round trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.loaders.targets import is_target, parse_target


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("≥85.00(%)", "≥", "85.00", "%"),  # 001 line 52
        ("=4 场", "=", "4", "场"),  # 000 line 650
        ("≤200000.00(元/个)", "≤", "200000.00", "元/个"),  # 001 line 46
        ("=7×24 小时", "=", "168", "小时"),  # 004 lines 298-300
        (">=10次", "≥", "10", "次"),  # 003 line 24
        ("≪800000.00(元)", "≤", "800000.00", "元"),  # 001 line 89: OCR reads ≤ as ≪
        ("＞300 人", ">", "300", "人"),  # 004 line 1226
        ("100%", None, "100", "%"),  # 002 line 306
        ("≥85. 00 (%)", "≥", "85.00", "%"),  # 001 line 93, OCR spacing
    ],
)
def test_numeric_targets(text: str, comparator: str | None, value: str, unit: str) -> None:
    target = parse_target(text)
    assert (target.comparator, target.value, target.unit) == (comparator, Decimal(value), unit)
    assert is_target(text)


@pytest.mark.parametrize("text", ["完成", "及时", "提升", "健全有效", "2023 年 12 月前", "=4 月前", "=1-2 家"])
def test_qualitative_targets_keep_their_text(text: str) -> None:
    target = parse_target(text)
    assert target.value is None and target.comparator is None
    assert is_target(text)


@pytest.mark.parametrize("text", ["4", "培育辅导拟上科创板企业不少于 4", "50 家；", "科创走廊数量 ≥10.00(次)", "单个课题成本"])
def test_name_fragments_are_not_targets(text: str) -> None:
    assert not is_target(text)


@given(
    st.sampled_from(["≥", "≤", "=", ">", "<"]),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["%", "场", "个", "元/个", "家", "次"]),
    st.booleans(),
)
def test_round_trip(cmp: str, value: Decimal, unit: str, bracketed: bool) -> None:
    text = f"{cmp}{value}({unit})" if bracketed else f"{cmp}{value} {unit}"
    target = parse_target(text)
    assert (target.comparator, target.value, target.unit) == (cmp, value, unit)
