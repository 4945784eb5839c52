"""Indicator rows of tab-separated tables (OCR exports, HTML tables as text).

A row holds, right-aligned, the indicator (三级指标) and its value columns:
2 of them in a declaration (name, 年度指标值), 6 in a self-evaluation (name,
年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施). Cells left of the
name hold the 一级/二级 labels of merged cells — present on one row of the
merge, empty (or OCR debris such as ``效 指``) on the others — so labels are
carried down and the 一级 label is taken from the framework where the 二级
label determines it. A row with a name but no values continues the name of
the row above (a wrapped cell).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from loaders.cells import Row, squash_cell
from loaders.indicator_text import IndicatorParse
from loaders.levels import HEADER_WORDS, known_label, label_prefix, level1_for, level_of
from loaders.records import Finding, Indicator, Target
from loaders.targets import is_target, parse_target
from loaders.text import clean, has_ideograph

_DEBRIS = set("绩效指标项目·• ")
_HEADER_LEAK = re.compile(r"实际完成值|偏差原因分析")


def _label(cell: str) -> str | None:
    squashed = squash_cell(cell)
    return known_label(squashed) or (label_prefix(squashed) if len(squashed) >= 2 else None)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(squash_cell(text)) if squash_cell(text) else None
    except InvalidOperation:
        return None


def parse_indicator_cells(rows: list[Row], value_columns: int, path: str) -> IndicatorParse:
    """Read indicator rows; ``value_columns`` is 1 (declaration) or 5 (self-evaluation).

    Returns: indicators, lines used, and findings for rows that cannot be read
    (no name, unreadable OCR name, unknown label cells).
    """
    indicators: list[Indicator] = []
    covered: set[int] = set()
    findings: list[Finding] = []
    level1: str | None = None
    level2: str | None = None
    for row in rows:
        cells = [c.strip() for c in row.cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        squashed = "".join(squash_cell(c) for c in cells)
        if set(squashed) <= set("-—") or all(squash_cell(c) in HEADER_WORDS for c in cells if c):
            covered.add(row.line)
            continue
        if value_columns > 1 and _decimal(cells[-1]) is not None:
            cells.append("")  # no deviation note: the row ends with the score
        values = cells[-value_columns:] if len(cells) > value_columns else []
        rest = cells[:-value_columns] if values else cells
        has_values = bool(values) and (is_target(values[0]) or bool(squash_cell(values[0])))
        name_at = max((i for i, c in enumerate(rest) if c and not _label(c) and not set(squash_cell(c)) <= _DEBRIS),
                      default=None)
        labels = [c for i, c in enumerate(rest) if c and (name_at is None or i < name_at)]
        for cell in labels:
            label = _label(cell)
            if label is None:
                if not set(squash_cell(cell)) <= _DEBRIS:
                    findings.append(Finding("unexplained", row.line, f"{path}:{row.line}: unreadable label cell", cell))
                continue
            if level_of(label) == 1 and not (label == "成本指标" and level1 and len(labels) == 1 and has_values):
                # A 一级 label centred in its merged cell may come after its 二级 labels.
                level1 = label
                if level1_for(level2, None) != label:
                    level2 = None
            else:
                level2 = label
        covered.add(row.line)
        name = clean(rest[name_at]) if name_at is not None else ""
        if not has_values:
            if name and indicators and not any(_label(c) == name for c in rest):
                previous = indicators[-1]
                indicators[-1] = _replace_name(previous, previous.name + name)
                if labels and level2 is not None:
                    # A label on the continuation line of a wrapped row is that row's own (its merged cell starts there).
                    from dataclasses import replace
                    indicators[-1] = replace(indicators[-1], level2=level2, level1=level1_for(level2, level1))
            continue
        if not name:
            findings.append(Finding("unexplained", row.line, f"{path}:{row.line}: indicator row without a name",
                                    " | ".join(values)))
            continue
        if not has_ideograph(name):
            findings.append(Finding("unexplained", row.line, f"{path}:{row.line}: indicator name unreadable", name))
            continue
        indicators.append(_indicator(name, row.line, level1_for(level2, level1), level2, values, path, findings))
    return IndicatorParse(_carry_up(indicators), covered, findings)


def _carry_up(indicators: list[Indicator]) -> list[Indicator]:
    """Rows above the first label belong to the first merged cell: give them its labels."""
    from dataclasses import replace

    first = next((i for i in indicators if i.level2 or i.level1), None)
    if first is None:
        return indicators
    out, seen = [], False
    for indicator in indicators:
        seen = seen or indicator is first
        out.append(indicator if seen else replace(indicator, level1=first.level1, level2=first.level2))
    return out


def _indicator(name: str, line: int, level1: str | None, level2: str | None, values: list[str], path: str,
               findings: list[Finding]) -> Indicator:
    target = parse_target(values[0])
    if len(values) == 1:
        return Indicator(name=name, line=line, level1=level1, level2=level2, target=target)
    actual_text = values[1]
    if _HEADER_LEAK.search(actual_text):
        findings.append(Finding("inconsistent", line,
                                f"{path}:{line}: 实际完成值 cell holds table header text; its last word is read",
                                actual_text))
        actual_text = actual_text.split()[-1]
    padded = values + [""] * (5 - len(values))
    return Indicator(
        name=name, line=line, level1=level1, level2=level2, target=target,
        actual=parse_target(actual_text) if actual_text else None,
        weight=_decimal(padded[2]), score=_decimal(padded[3]),
        deviation_note=clean(padded[4]) or None,
    )


def _replace_name(indicator: Indicator, name: str) -> Indicator:
    from dataclasses import replace

    return replace(indicator, name=name)


__all__ = ["parse_indicator_cells", "Target"]
