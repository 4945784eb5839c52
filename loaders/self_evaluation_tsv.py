"""Layout ``self-evaluation-tsv``: 财政项目支出绩效自评表 (self-evaluation) as a tab/HTML table.

What this layout looks like (the 2022 Songjiang self-evaluation): one form per
project, each a block of tab-separated rows — 项目名称; 主管部门 / 实施单位;
项目资金 rows under the column header 年初预算数 | 全年预算数 | 全年执行数 | 分值 |
执行率 | 得分; 年度总体目标 with 预期目标 and 实际完成情况 (cells may keep HTML
<p> remnants); the indicator table with 年度指标值, 实际完成值, 分值, 得分 and
偏差原因分析; and 总分. Merged label cells hold their text on one row only,
wrapped names continue on a row without values, and page breaks leave debris
rows (``--``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from loaders.amounts import to_yuan
from loaders.cells import Row, noisy_amount, split_row, squash_cell
from loaders.citations import find_citations, join_lines
from loaders.declaration import Preamble, document, report_unexplained
from loaders.indicator_cells import parse_indicator_cells
from loaders.labels import money_unit
from loaders.mentions import find_mentions
from loaders.records import Amount, Citation, Document, Finding, Funds, Project
from loaders.text import Source, clean, is_page_number

LAYOUT = "self-evaluation-tsv"
_TITLE = re.compile(r"财政项目支出绩效自评表$|项目支出绩效自评表$")
_YEAR = re.compile(r"\((?P<year>\d{4})年度\)")
_COLUMNS = {"年初预算数": "initial", "全年预算数": "adjusted", "全年执行数": "executed", "分值": "weight",
            "执行率": "execution_rate", "得分": "score"}
_FUND_ROWS = {"年度资金总额": "total", "其中:当年财政拨款": "appropriation", "上年结转资金": "carry_over", "其他资金": "other"}


def detect(source: Source) -> str | None:
    """Why this file is a tab-separated 绩效自评表, or ``None``."""
    if "\t" in source.text and re.search(r"绩效自评表", source.text):
        return "tab-separated rows under a 绩效自评表 title"
    return None


def load(source: Source) -> Document:
    """Read every self-evaluation form of the file into a ``Document``.

    The money of the 年度资金总额 row becomes ``Funds.initial/adjusted/executed``
    (yuan), its 执行率 a fraction (100% -> 1), 分值 and 得分 the funds' weight and score.
    """
    rows = [split_row(i + 1, raw) for i, raw in enumerate(source.lines) if raw.strip() and not is_page_number(raw)]
    starts = [k for k, r in enumerate(rows) if _TITLE.search(r.squashed)]
    findings: list[Finding] = []
    if source.truncated:
        findings.append(Finding("missing", len(source.lines), f"{source.path}:{len(source.lines)}: the file ends "
                                f"inside a character; it was cut off"))
    covered: set[int] = set()
    projects: list[Project] = []
    for k, start in enumerate(starts):
        block = rows[start:starts[k + 1] if k + 1 < len(starts) else len(rows)]
        project, used = _read_form(block, source.path, findings)
        covered |= used
        if project:
            projects.append(project)
    for row in rows[:starts[0] if starts else len(rows)]:
        findings.append(Finding("unexplained", row.line, f"{source.path}:{row.line}: text before the first form",
                                clean(" ".join(row.cells))))
    report_unexplained(source.path, [(r.line, clean(" | ".join(c for c in r.cells if c.strip()))) for r in rows],
                       covered, findings)
    year = projects[0].fiscal_year if projects else None
    department = projects[0].department if projects else None
    pre = Preamble(title=None, department=department, fiscal_year=year, kind="self-evaluation")
    return document(source, LAYOUT, pre, projects, findings, covered)


def _read_form(block: list[Row], path: str, findings: list[Finding]) -> tuple[Project | None, set[int]]:
    used = {block[0].line}
    fields: dict[str, tuple[str, int]] = {}
    money: dict[str, object] = {}
    columns: dict[int, str] = {}
    goals: list[tuple[int, str, str]] = []
    table: list[Row] = []
    total_score = None
    in_table = False
    for row in block[1:]:
        cells = [c.strip() for c in row.cells]
        first = squash_cell(cells[0]) if cells else ""
        joined = row.squashed
        if in_table:
            if first == "总分":
                used.add(row.line)
                numbers = [squash_cell(c) for c in cells[1:] if squash_cell(c)]
                total_score = Decimal(numbers[-1]) if numbers and re.fullmatch(r"\d+(\.\d+)?", numbers[-1]) else None
                in_table = False
                continue
            table.append(row)
            continue
        if _YEAR.search(clean(joined)):
            fields["year"] = (_YEAR.search(clean(joined)).group("year"), row.line)  # type: ignore[union-attr]
            used.add(row.line)
        elif "三级指标" in joined:
            in_table = True
            used.add(row.line)
        elif first == "项目名称":
            fields["name"] = (clean(next((c for c in cells[1:] if c), "")), row.line)
            used.add(row.line)
        elif first == "主管部门":
            _pairs(cells, fields, row.line)
            used.add(row.line)
        elif "年初预算数" in joined:
            columns = {i: _COLUMNS[squash_cell(c)] for i, c in enumerate(cells) if squash_cell(c) in _COLUMNS}
            fields["unit"] = (money_unit(joined) or fields.get("unit", ("元", 0))[0], row.line)
            used.add(row.line)
        elif money_unit(joined) and not money:  # 单位：万元 above the money rows
            fields["unit"] = (money_unit(joined) or "元", row.line)
            used.add(row.line)
        elif any(squash_cell(c) in _FUND_ROWS for c in cells[:3]):
            label = next(_FUND_ROWS[squash_cell(c)] for c in cells[:3] if squash_cell(c) in _FUND_ROWS)
            money[label] = {columns[i]: (c, row.line) for i, c in enumerate(cells) if i in columns and c}
            used.add(row.line)
        elif "预期目标" in joined:
            used.add(row.line)
        elif any(len(squash_cell(c)) > 20 for c in cells):
            texts = [c for c in cells if len(squash_cell(c)) > 20]
            goals.append((row.line, texts[0], texts[-1] if len(texts) > 1 else ""))
            used.add(row.line)
        elif not joined:
            continue
    if "name" not in fields:
        findings.append(Finding("missing", block[0].line, f"{path}:{block[0].line}: self-evaluation form without 项目名称"))
        return None, used
    parse = parse_indicator_cells(table, 5, path)
    used |= parse.covered
    findings += parse.findings
    goal_lines = [(ln, clean(expected)) for ln, expected, _ in goals]
    achieved_lines = [(ln, clean(actual)) for ln, _, actual in goals if actual]
    citations: list[Citation] = find_citations(join_lines(goal_lines), legal_basis=False)
    citations += find_citations(join_lines(achieved_lines), legal_basis=False)
    year = int(fields["year"][0]) if "year" in fields else None
    project = Project(
        name=fields["name"][0],
        line=fields["name"][1],
        fiscal_year=year,
        department=fields.get("department", (None, 0))[0],
        implementing_unit=fields.get("implementing_unit", (None, 0))[0],
        funds=_scaled(_funds(money, path, findings), fields.get("unit", ("元", 0))[0]),
        annual_goal="".join(t for _, t in goal_lines) or None,
        achieved="".join(t for _, t in achieved_lines) or None,
        citations=tuple(citations),
        indicators=tuple(parse.indicators),
        total_score=total_score,
        mentions=tuple(find_mentions(goal_lines + achieved_lines, (fields.get("department", (None, 0))[0],
                                                                   fields.get("implementing_unit", (None, 0))[0]))),
    )
    return project, used


def _pairs(cells: list[str], fields: dict[str, tuple[str, int]], line: int) -> None:
    names = {"主管部门": "department", "实施单位": "implementing_unit"}
    for i, cell in enumerate(cells):
        key = names.get(squash_cell(cell))
        if key:
            value = next((c for c in cells[i + 1:] if c and squash_cell(c) not in names), "")
            fields[key] = (clean(value), line)


def _scaled(funds: Funds, unit: str) -> Funds:
    """``funds`` read as numbers, in yuan: multiplied by 10,000 when the money block is headed 万元."""
    if unit != "万元":
        return funds
    from dataclasses import replace

    def wan(a: Amount | None) -> Amount | None:
        return None if a is None else replace(a, yuan=to_yuan(a.yuan, "万元"))

    return replace(funds, initial=wan(funds.initial), adjusted=wan(funds.adjusted), executed=wan(funds.executed),
                   appropriation=wan(funds.appropriation), carry_over=wan(funds.carry_over), other=wan(funds.other))


def _funds(money: dict[str, object], path: str, findings: list[Finding]) -> Funds:
    """The 年度资金总额 row as Funds; the breakdown rows are checked against it."""
    total = money.get("total")
    if not isinstance(total, dict):
        return Funds()

    def amount(column: str) -> Amount | None:
        cell = total.get(column)
        return noisy_amount(cell[0], cell[1]) if cell else None

    def number(column: str) -> Decimal | None:
        cell = total.get(column)
        if not cell:
            return None
        text = squash_cell(cell[0])
        if text.endswith("%"):
            return Decimal(text[:-1]) / 100
        return Decimal(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None

    appropriation = money.get("appropriation")
    initial_appropriation = None
    if isinstance(appropriation, dict) and appropriation.get("initial"):
        cell = appropriation["initial"]
        initial_appropriation = noisy_amount(cell[0], cell[1])
    carry = money.get("carry_over")
    carry_amount = None
    if isinstance(carry, dict) and carry.get("initial"):
        carry_amount = noisy_amount(carry["initial"][0], carry["initial"][1])
    other = money.get("other")
    other_amount = None
    if isinstance(other, dict) and other.get("initial"):
        other_amount = noisy_amount(other["initial"][0], other["initial"][1])
    return Funds(
        initial=amount("initial"), adjusted=amount("adjusted"), executed=amount("executed"),
        appropriation=initial_appropriation, carry_over=carry_amount, other=other_amount,
        execution_rate=number("execution_rate"), weight=number("weight"), score=number("score"),
    )
