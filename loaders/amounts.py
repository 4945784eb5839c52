"""Money and number parsing for 绩效目标申报表 / 绩效自评表 cells and narrative text."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from policykg.loaders.errors import AmountError
from policykg.loaders.records import Amount
from policykg.loaders.text import clean

_WAN = Decimal(10000)
# A number as forms write it: "5300000", "7,862,478.04", OCR "2, 000, 000. 00", "779000.0\n0" joined.
_NUMBER = r"\d+(?:\s*[,，]\s*\d{3})*(?:\s*\.\s*\d+)?|\d*\.\d+"
_AMOUNT_CELL = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>万元|万|元)?\s*$")
_AMOUNT_IN_TEXT = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>万元|万|元)(?![元/／每])")


def parse_number(text: str) -> Decimal:
    """Parse a plain number cell ("10", "100%" without the %, "2, 000. 00").

    Returns: Decimal, exact. Raises: AmountError when no number is found.
    """
    m = re.fullmatch(rf"\s*(?P<num>{_NUMBER})\s*%?\s*", clean(text))
    if not m:
        raise AmountError("", None, f"not a number: {text!r}")
    return _to_decimal(m.group("num"), text)


def parse_amount(text: str, line: int, *, default_unit: str = "元") -> Amount:
    """Parse a money cell of a 绩效目标申报表 / 绩效自评表 into yuan.

    Accepts "530.00万元", "5,300,000.00", "2, 000, 000. 00" (OCR spacing),
    full-width digits and the 0.0 + "0" of a wrapped cell once joined. A
    number without a unit takes ``default_unit`` (the table's "（元）" or
    "（万元）" header). 万元 and 万 are multiplied by 10 000.

    Returns: ``Amount`` with exact Decimal yuan and the text as written.
    Raises: AmountError naming the text when the cell holds no number.
    """
    m = _AMOUNT_CELL.match(clean(text))
    if not m:
        raise AmountError("", line, f"not an amount: {text!r}")
    unit = m.group("unit") or default_unit
    return Amount(yuan=to_yuan(_to_decimal(m.group("num"), text), unit), text=text.strip(), line=line)


def amounts_in_text(text: str, line: int) -> list[tuple[int, int, Amount]]:
    """Find every sum of money with an explicit unit in narrative text.

    ``text`` is cleaned form text ("预计 200 万元", "合计 10 万元", "828000 元").
    Amounts followed by "/" ("200 元/个") are rates, not sums, and are skipped.

    Returns: (start, end, Amount) triples in text order; offsets into ``text``.
    """
    found = []
    for m in _AMOUNT_IN_TEXT.finditer(text):
        try:
            value = _to_decimal(m.group("num"), m.group(0))
        except AmountError:
            continue
        found.append((m.start(), m.end(), Amount(yuan=to_yuan(value, m.group("unit")), text=m.group(0), line=line)))
    return found


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Convert a value in ``元``, ``万元`` or ``万`` to yuan (exact)."""
    if unit in ("万元", "万"):
        return _normal(value * _WAN)
    if unit == "元":
        return _normal(value)
    raise ValueError(f"unknown money unit {unit!r}")


def _to_decimal(number: str, original: str) -> Decimal:
    digits = re.sub(r"[\s,，]", "", number)
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise AmountError("", None, f"not a number: {original!r}") from None


def _normal(value: Decimal) -> Decimal:
    """Drop trailing zeros after the point so equal sums compare and print alike ("5300000.00" -> 5300000)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
