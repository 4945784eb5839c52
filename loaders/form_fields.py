"""The header block of a 绩效目标申报表: 项目名称, 主管部门, 实施单位, dates and money.

The labels are ``form_labels.tsv``'s, the one table every reader matches (项目名称 /
项目全称, 主管部门 / 主管单位, 计划完成日期 / 计划结束时间 …). Values are whatever stands
between one label and the next, so wrapped cells need no special handling once
the block's lines are joined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from loaders.amounts import parse_amount
from loaders.errors import AmountError
from loaders.labels import field_labels, key_map
from loaders.records import Amount, Finding, Funds

# The fields of the header block; their labels are ``form_labels.tsv``'s (one table for every reader).
HEADER_FIELDS = ("name", "nature", "category", "department", "implementing_unit", "start", "end", "total", "annual",
                 "fiscal", "appropriation", "carry_over", "other")


@lru_cache(maxsize=1)
def _labels() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern over the matching key (``loaders.labels.key``) for the money unit head and every strong label of
    ``form_labels.tsv``, longest first, a colon optional; and label key -> field."""
    fields = {lb.text: lb.field for lb in reversed(field_labels()) if lb.strong}
    # 项目 before a label may end the value before it (项目类别 经常性项目 主管部门 …): the label without it is matched
    fields = {t: f for t, f in fields.items() if not (t.startswith("项目") and fields.get(t[2:]) == f)}
    alternatives = [re.escape(text).replace(":", ":?") for text in sorted(fields, key=lambda t: (-len(t), t))]
    blocks = "|".join(re.escape(lb.text) for lb in field_labels() if lb.field == "money_block")
    unit = rf"(?P<money_unit>(?:{blocks})\((?:元|万元)\)|资金单位:?(?:元|万元))"
    return re.compile(unit + "|" + "|".join(alternatives)), {k.replace(":", ""): v for k, v in fields.items()}


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
    """Values of the form's labels (``form_labels.tsv``) in squashed header text (whitespace removed).

    Labels are matched on the text's key (NFKC, simplified script), so a traditional-script form reads the same;
    the values are the text as written between one label and the next. ``line_at(offset)`` gives the 1-based
    line of a character offset. Only ``HEADER_FIELDS`` and ``money_unit`` are returned; other labels bound them.
    Returns: field name -> values in order of appearance (其他资金 appears twice).
    """
    pattern, by_key = _labels()
    k, offsets = key_map(text)
    def at(i: int) -> int:
        return offsets[i] if i < len(offsets) else len(text)
    fields: dict[str, list[FieldValue]] = {}
    matches = list(pattern.finditer(k))
    for i, m in enumerate(matches):
        name = "money_unit" if m.group("money_unit") else by_key.get(m.group(0).replace(":", ""), "")
        end = at(matches[i + 1].start()) if i + 1 < len(matches) else len(text)
        value = text[at(m.end()):end].strip(":： ")
        if name == "money_unit":
            value = "万元" if "万元" in m.group(0) else "元"
        elif name not in HEADER_FIELDS:
            continue
        fields.setdefault(name, []).append(FieldValue(value, line_at(at(m.start()))))
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
