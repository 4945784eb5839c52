"""A field value of a form's header block with its line, and the dates as forms write them.

The labels of these fields are ``form_labels.tsv``'s, the one table every reader matches (项目名称 /
项目全称, 主管部门 / 主管单位, 计划完成日期 / 计划结束时间 …; ``loaders.labels``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_US_DATE = re.compile(r"(?<!\d)(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})")
_DATE = re.compile(r"(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})\s*日?")


@dataclass(frozen=True, slots=True)
class FieldValue:
    text: str
    line: int


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
