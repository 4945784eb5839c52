"""Indicator tables flattened into running text by OCR: ``… 成本 经济成本 单个课题成本 ≤160000.00(元/个) 指标 …``.

When an OCR export loses a table's cell structure, the cells of every row come
out as one stream of words: label fragments of merged cells (成本, 经济成本,
可持续影, 响指标 …), the indicator name, its target. A target closes a row; its
name is the nearest preceding word that is not a label fragment.

Labels: a fragment stands for the label it begins (成本 -> 成本指标, 可持续影 ->
可持续影响指标, 服务对象 -> 服务对象满意度指标). The last 二级 label among the
words of a row is that row's; an earlier one in the same stretch belongs to
the row above when that row has none (a label centred in its merged cell is
printed after the first of its rows). The 一级 label follows from the
framework, or from a 一级 fragment in the row's words.
"""

from __future__ import annotations

import re
from dataclasses import replace

from loaders.indicator_text import IndicatorParse
from loaders.levels import HEADER_WORDS, LEVEL1, LEVEL2, LEVEL2_PARENT
from loaders.records import Finding, Indicator
from loaders.targets import is_target, parse_target
from loaders.text import clean

_WORDS = tuple(LEVEL1 + LEVEL2) + tuple(HEADER_WORDS) + ("年度(/项目)指标值", "一级", "二级", "三级")


def is_fragment(word: str) -> bool:
    """A piece of a level label or header cut by the table (成本, 可持续影, 响指标, 绩, 标)."""
    squashed = re.sub(r"\s+", "", word)
    return bool(squashed) and any(squashed in w for w in _WORDS)


def _label_of(word: str) -> str | None:
    """The level label a fragment begins, when only one label begins with it (≥ 2 characters)."""
    squashed = re.sub(r"\s+", "", word)
    if len(squashed) < 2 or squashed in ("指标",):
        return None
    labels = [label for label in LEVEL1 + LEVEL2 if label.startswith(squashed)]
    return labels[0] if len(labels) == 1 else None


def parse_inline(units: list[tuple[int, str]], path: str) -> IndicatorParse:
    """Read rows from (1-based line, word) units in reading order.

    Returns: indicators, the lines used, and a finding for words left over
    after the last target (a row cut off by the page or the OCR).
    """
    indicators: list[Indicator] = []
    covered: set[int] = set()
    findings: list[Finding] = []
    since: list[tuple[int, str]] = []
    for line, word in units:
        if not re.sub(r"\s+", "", clean(word)):
            continue
        if is_target(word) and not is_fragment(word):
            names = [(ln, w) for ln, w in since if not is_fragment(w)]
            if names:
                labels = [label for _, w in since if (label := _label_of(w))]
                level2s = [label for label in labels if label in LEVEL2]
                if len(level2s) > 1 and indicators and indicators[-1].level2 is None:
                    above = level2s[0]
                    indicators[-1] = replace(indicators[-1], level2=above,
                                             level1=LEVEL2_PARENT.get(above, indicators[-1].level1))
                level2 = level2s[-1] if level2s else None
                level1s = [label for label in labels if label in LEVEL1]
                level1 = LEVEL2_PARENT.get(level2 or "") or (level1s[-1] if level1s else None)
                name_line, name = names[-1]
                indicators.append(Indicator(name=clean(name), line=name_line, level1=level1, level2=level2,
                                            target=parse_target(word)))
                covered.update({ln for ln, _ in since} | {line})
            else:
                findings.append(Finding("unexplained", line, f"{path}:{line}: a target without an indicator name", word))
            since = []
            continue
        since.append((line, word))
    leftover = [(ln, w) for ln, w in since if not is_fragment(w)]
    for ln, w in leftover:
        findings.append(Finding("unexplained", ln, f"{path}:{ln}: indicator text without a target (row cut off)", w))
    covered.update(ln for ln, w in since if is_fragment(w) and ln not in {x for x, _ in leftover})
    return IndicatorParse(indicators, covered, findings)
