"""Indicator targets (年度指标值 / 实际完成值): as written, and parsed when numeric."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from policykg.loaders.records import Target
from policykg.loaders.text import clean, data_words

_COMPARATORS = {
    ">=": "≥", "≥": "≥", "≧": "≥",
    "<=": "≤", "≤": "≤", "≦": "≤", "≪": "≤",  # ≪ is how OCR reads ≤
    "=": "=", ">": ">", "<": "<",
}
_COMPARATOR = r">=|<=|≥|≤|≧|≦|≪|=|>|<"
_NUM = r"\d+(?:\s*,\s*\d{3})*(?:\s*\.\s*\d+)?"
# "≥85.00(%)", "=4场", "≤200000.00(元/个)", "=7×24小时", "100%", "提高≥85%"
_NUMERIC = re.compile(
    rf"^(?P<prefix>[^\d=<>≥≤≧≦≪]*?)\s*(?P<cmp>{_COMPARATOR})?\s*"
    rf"(?P<num>{_NUM}(?:\s*[×xX*]\s*{_NUM})*)\s*"
    rf"(?P<unit>\(?[^\d()=<>≥≤]{{0,8}}?\)?)\s*$"
)


@lru_cache(maxsize=1)
def qualitative_targets() -> frozenset[str]:
    """The qualitative target words forms use (完成, 及时, 提升 …), from ``loaders/data``."""
    return frozenset(data_words("policykg.loaders", "qualitative_targets.txt"))


def parse_target(text: str) -> Target:
    """Parse a target or actual value cell.

    ``≥85.00(%)`` -> (≥, 85.00, %); ``=4 场`` -> (=, 4, 场);
    ``≤200000.00(元/个)`` -> (≤, 200000.00, 元/个); ``=7×24 小时`` -> (=, 168, 小时)
    (a product is multiplied out); ``100%`` -> (None, 100, %). A qualitative
    prefix is allowed before a comparator (``提高≥85%``). Anything else
    (完成, 及时, deadlines such as ``2023 年 12 月前`` or ``=4 月前``, ranges such as ``=1-2 家``) keeps only its text.

    Returns: Target with ``text`` cleaned; never raises.
    """
    written = clean(text)
    m = _NUMERIC.match(written)
    if not m or (m.group("prefix") and not m.group("cmp")) or _DEADLINE.match(written):
        return Target(text=written)
    unit = m.group("unit").strip()
    if unit.startswith("(") and unit.endswith(")"):
        unit = unit[1:-1].strip()
    if re.search(r"[\d\-—~至]", unit) or unit.startswith(("(", ")")) or unit.endswith(("(", ")")):
        return Target(text=written)
    value = Decimal(1)
    for factor in re.split(r"\s*[×xX*]\s*", m.group("num")):
        value *= Decimal(re.sub(r"[\s,]", "", factor))
    cmp = m.group("cmp")
    return Target(
        text=written,
        comparator=_COMPARATORS[cmp] if cmp else None,
        value=value,
        unit=unit or None,
    )


_MEASURE = re.compile(
    r"^\(?(%|‰|[个家次场篇份人项台间册条件期面根幢讲类天月年]|人次|小时|分钟|平方米|万元|亿元|元)"
    r"(?:[/每](?:天|日|月|年|周|人|次|场|个))?\)?$"  # "24小时每天", "3万条/月"
)
_DEADLINE = re.compile(r"^(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月)?(?:\d{1,2}\s*日)?\s*(?:底|前|末|内|以前|之前)$|^=?\d{1,2}\s*月(?:底|前|末)$")
_RANGE = re.compile(rf"^({_COMPARATOR})?\s*\d+(?:\.\d+)?\s*[-~至]\s*\d+(?:\.\d+)?\s*\S{{0,4}}$")


def is_target(text: str) -> bool:
    """True when ``text`` reads as a whole target cell.

    A comparator with a number (``=4 场``, ``≥85.00(%)``, ``=1-2 家``), a number
    with a unit of measure (``100%``, ``5 家``), a deadline (``2023 年 12 月前``)
    or a qualitative word (完成, 及时, 提升 …). A short word may precede the
    comparator only inside one unspaced cell (``提高≥85%``). Bare numbers
    ("10", "不少于 4") are not targets: in wrapped names they end a phrase.
    """
    written = clean(text)
    if not written:
        return False
    if written in qualitative_targets() or _DEADLINE.match(written) or _RANGE.match(written):
        return True
    m = _NUMERIC.match(written)
    if not m or parse_target(written).value is None:
        return False
    prefix = m.group("prefix")
    if prefix:
        return bool(m.group("cmp")) and " " not in text.strip() and len(prefix) <= 4
    if m.group("cmp"):
        return True
    unit = m.group("unit").strip()
    return bool(unit) and bool(_MEASURE.match(unit)) and not re.search(r"[；;，,。、]$", written)
