"""The header block of a 绩效目标申报表: 项目名称, 主管部门, 实施单位, dates and money.

Label variants seen across localities are listed here once (项目名称 / 项目全称,
主管部门 / 主管单位, 计划完成日期 / 计划结束时间 …). Values are whatever stands
between one label and the next, so wrapped cells need no special handling once
the block's lines are joined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from loaders.amounts import parse_amount
from loaders.errors import AmountError
from loaders.records import Amount, Finding, Funds

FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("money_unit", r"项目资金\((?:元|万元)\)|资金单位:?(?:元|万元)"),
    ("name", r"项目(?:名称|全称)"),
    ("nature", r"项目性质"),
    ("category", r"项目类别|项目类型"),
    ("department", r"主管(?:部门|单位)"),
    ("implementing_unit", r"(?:项目)?实施单位"),
    # "计划完成日 2023-12-31 / 期": the cell wraps after the value, so 期 is optional here.
    ("start", r"(?:计划|项目)开始(?:日期?|时间)"),
    ("end", r"(?:计划|项目)(?:完成|结束)(?:日期?|时间)"),
    ("total", r"项目资金总额"),
    ("annual", r"年度资金(?:申请)?总额"),
    ("fiscal", r"其中:?财政资金"),
    ("appropriation", r"其中:?当年财政拨款"),
    ("carry_over", r"(?:其中:?)?上年结转资金"),
    ("other", r"其他资金"),
)
_LABELS = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in FIELD_LABELS))
_YEAR = re.compile(r"\((?P<year>\d{4})\s*年度\)")
_US_DATE = re.compile(r"(?<!\d)(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})")
_DATE = re.compile(r"(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})\s*日?")
MONEY_FIELDS = ("total", "annual", "fiscal", "appropriation", "carry_over", "other")
# A district project of 10 billion yuan or more is not credible: such a number under a
# "（万元）" header was written in yuan (the header is the slip, not the number).
_IMPLAUSIBLE_WAN = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class FieldValue:
    text: str
    line: int


def find_fields(text: str, line_at: Callable[[int], int]) -> dict[str, list[FieldValue]]:
    """Values of the form's labels in squashed header text (whitespace removed).

    ``line_at(offset)`` gives the 1-based line of a character offset.
    Returns: field name -> values in order of appearance (其他资金 appears twice).
    """
    fields: dict[str, list[FieldValue]] = {}
    matches = list(_LABELS.finditer(text))
    for i, m in enumerate(matches):
        name = m.lastgroup or ""
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end():end].strip(":： ")
        if name == "money_unit":
            value = "万元" if "万元" in m.group(0) else "元"
        fields.setdefault(name, []).append(FieldValue(value, line_at(m.start())))
    return fields


def fiscal_year(text: str) -> int | None:
    """The year of ``（2023 年度）`` in a form title block."""
    m = _YEAR.search(text)
    return int(m.group("year")) if m else None


def parse_date(text: str) -> date | None:
    """``2023-01-01``, ``2023-1-1``, ``2023年1月1日`` or, as spreadsheets export it, ``12/31/2023`` (month
    first) -> date; ``None`` when absent or impossible."""
    m = _DATE.search(text) or _US_DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


def funds_from_fields(fields: dict[str, list[FieldValue]], path: str) -> tuple[Funds, list[Finding]]:
    """Read the six money fields of a declaration form into yuan.

    The table's unit header (项目资金（元） or （万元）) applies to unit-less numbers.
    When the header says 万元 but the numbers are only credible as yuan, they
    are read as yuan and an ``inconsistent`` finding records the slip.
    Returns: Funds and findings (unreadable cells, unit slips).
    """
    unit = fields.get("money_unit", [FieldValue("元", 0)])[0].text
    findings: list[Finding] = []
    values: dict[str, Amount] = {}
    for name in MONEY_FIELDS:
        cells = fields.get(name, [])
        if name == "other" and len(cells) > 1:
            if cells[0].text and cells[0].text != cells[-1].text:
                findings.append(Finding("inconsistent", cells[0].line,
                                        f"{path}:{cells[0].line}: 其他资金 differs between the total and annual columns",
                                        f"{cells[0].text} / {cells[-1].text}"))
            cells = cells[-1:]
        if not cells or not cells[0].text:
            continue
        try:
            values[name] = parse_amount(cells[0].text, cells[0].line, default_unit=unit)
        except AmountError:
            findings.append(Finding("unexplained", cells[0].line,
                                    f"{path}:{cells[0].line}: {name} cell is not an amount", cells[0].text))
    if unit == "万元" and any(a.yuan >= _IMPLAUSIBLE_WAN * 10000 for a in values.values()):
        line = fields["money_unit"][0].line
        findings.append(Finding("inconsistent", line,
                                f"{path}:{line}: the amounts are headed （万元） but are only credible in 元; read as 元",
                                ", ".join(a.text for a in values.values())))
        values = {k: parse_amount(a.text, a.line, default_unit="元") for k, a in values.items()}
    return Funds(**values), findings  # type: ignore[arg-type]  # the keys are Funds' amount fields
