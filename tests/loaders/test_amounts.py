"""parse_amount / amounts_in_text: examples from the seeds and round trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.loaders.amounts import amounts_in_text, parse_amount
from policykg.loaders.errors import AmountError


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("5300000.00", "5300000"),  # 000 line 285
        ("2, 000, 000. 00", "2000000"),  # 001 line 38, OCR spacing
        ("7,862,478.04", "7862478.04"),  # 003 line 8
        ("779000.00", "779000"),  # 004 lines 210-212 joined: "779000.0" + "0"
        ("530.00万元", "5300000"),
        ("１２３", "123"),  # full-width digits
    ],
)
def test_seed_cells(text: str, yuan: str) -> None:
    assert parse_amount(text, 1).yuan == Decimal(yuan)


def test_default_unit_of_a_wan_table() -> None:
    assert parse_amount("200", 1, default_unit="万元").yuan == Decimal(2000000)


def test_not_an_amount_names_the_text() -> None:
    with pytest.raises(AmountError, match="not an amount: '详见明细'"):
        parse_amount("详见明细", 7)


def test_amounts_in_narrative_skip_rates() -> None:
    found = [a.yuan for _, _, a in amounts_in_text("物业管理费按16元/平/月，全年合计28.2048万元；单价 0.6 万，4.8 万", 1)]
    assert found == [Decimal("282048"), Decimal("6000"), Decimal("48000")]


@given(st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False))
def test_round_trip_with_thousands_and_ocr_spacing(value: Decimal) -> None:
    grouped = f"{value:,.2f}"
    assert parse_amount(grouped, 1).yuan == value
    assert parse_amount(grouped.replace(",", ", ").replace(".", ". "), 1).yuan == value


@given(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
def test_wan_is_ten_thousand_yuan(value: Decimal) -> None:
    assert parse_amount(f"{value}万元", 1).yuan == value * 10000
