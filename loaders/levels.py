"""The indicator framework labels (一级/二级指标) as forms write them, wrapped or not."""

from __future__ import annotations

import re

from policykg.loaders.text import data_table

# 一级指标 (level 1) and 二级指标 (level 2) labels of the Ministry of Finance framework
# (财预〔2020〕10号, 项目支出绩效评价指标体系框架) as used in 绩效目标申报表 / 绩效自评表: the rows of
# ``indicator_levels.tsv`` that print a category by its own name, in the table's order.
_ROWS = data_table("policykg.loaders", "indicator_levels.tsv")
LEVEL1 = tuple(r["category"] for r in _ROWS if r["level"] == "1" and r["label"] == r["category"])
LEVEL2 = tuple(r["category"] for r in _ROWS if r["level"] == "2" and r["label"] == r["category"]
               and r["category"] not in LEVEL1)
# The 一级 label each 二级 label belongs to in that framework (the table's ``parent`` column). 成本指标
# written as a 二级 label (2022–2023 forms list it under 产出指标) has no fixed parent.
LEVEL2_PARENT = {r["category"]: r["parent"] for r in _ROWS if r["level"] == "2" and r["parent"]}
# Header words of the indicator table itself (column titles, the vertical 绩效指标 label).
HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "年度指标值", "年度(/项目)指标值", "绩效指标", "指标值")
_ALL = sorted(set(LEVEL1 + LEVEL2), key=len, reverse=True)


def label_pattern(label: str) -> str:
    """A regex for ``label`` tolerating spaces and line breaks between its characters."""
    return r"\s*".join(re.escape(ch) for ch in label)


LABEL_AT_START = re.compile(
    r"^\s*(?P<label>" + "|".join(label_pattern(label) for label in _ALL) + r")"
    r"(?=\s|$|" + "|".join(re.escape(label[:2]) for label in _ALL) + r")"  # labels run together: 成本指标可持续影响指
)


def level_of(label: str) -> int:
    """1 or 2 for a known label (成本指标 reports 1; callers decide by context)."""
    squashed = re.sub(r"\s+", "", label)
    return 1 if squashed in LEVEL1 else 2


def known_label(text: str) -> str | None:
    """The label ``text`` spells (spaces removed), or ``None``."""
    squashed = re.sub(r"\s+", "", text)
    return squashed if squashed in _ALL else None


def label_prefix(text: str) -> str | None:
    """The label ``text`` is a proper prefix of (≥ 2 characters), e.g. ``满意度指`` -> ``满意度指标``."""
    squashed = re.sub(r"\s+", "", text)
    if len(squashed) < 2:
        return None
    candidates = [label for label in _ALL if label.startswith(squashed) and label != squashed]
    return min(candidates, key=len) if candidates else None


def level1_for(level2: str | None, carried: str | None) -> str | None:
    """The 一级 label of a row: the framework parent of its 二级 label, else the label carried down."""
    return LEVEL2_PARENT.get(level2 or "", carried)
