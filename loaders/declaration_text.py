"""Layout ``declaration-text``: a 绩效目标申报表 extracted from PDF as plain text.

What this layout looks like (the 2023 and 2025 Songjiang declarations, and the
PDF exports of any district): one text line per visual line with blank lines in
between; page-number lines ("25 / 85"); table cells wrapped at their column
width (``计划开始日`` / ``期``, ``779000.0`` / ``0``); vertical headers one
character per line (项 / 目 / 绩 / 效); the two goal cells printed one after the
other. Budget units (预算单位) of a department stand as heading lines such as
``上海市松江区科技创新服务中心`` before their projects.
"""

from __future__ import annotations

import re

from loaders.citations import find_citations, join_lines
from loaders.declaration import (
    Context,
    Form,
    build_projects,
    check_document,
    document,
    parent_project,
    parse_preamble,
    report_unexplained,
)
from loaders.form_fields import find_fields, fiscal_year, funds_from_fields
from loaders.goals import split_goals
from loaders.indicator_text import parse_indicator_rows
from loaders.narrative import Narrative, parse_narrative, starts_narrative
from loaders.records import Document, Finding, Project
from loaders.text import Source, clean, is_page_number

LAYOUT = "declaration-text"
FORM_TITLE = re.compile(r"^财政项目支出绩效目标(?:申报|填报)表\s*\d*$")
_UNIT_HEADING = re.compile(
    r"^[\u4e00-\u9fffA-Za-z0-9()]{4,40}?(?:委员会|中心|馆|办公室|局|院|所|站)(?:\((?:本级|本部)\))?$"
)
_GOAL_START = {"项", "项目", "项目绩效目", "项目绩效目标", "项目绩效"}
_GOAL_HEADER = re.compile(r"^(?:项目总目标|年度总目标|年度总体目标|项目绩效目标?|绩效目标|\(\d{4}年?-\s*\d{4}年\))+$")
_VERTICAL = set("项目绩效标指")


def detect(source: Source) -> str | None:
    """Why this file is a PDF-text declaration, or ``None``."""
    head = "\n".join(source.lines[:400])
    if "\t" in head:
        return None
    if re.search(r"绩效目标(?:申报|填报)表", head) and ("项目经费情况说明" in head or re.search(r"绩效目标(?:申报|填报)表", head)):
        return "PDF text of a 绩效目标申报表 (no tab-separated cells)"
    return None


def load(source: Source) -> Document:
    """Read a PDF-text 绩效目标申报表 into a ``Document``.

    Returns: the document with every project and sub-project, their money in
    yuan, citations, indicators, and findings for lines not understood.
    Raises: nothing for odd content (it becomes findings); ``SourceError`` is
    raised earlier by ``read_source`` for unreadable files.
    """
    items = [(i + 1, clean(raw)) for i, raw in enumerate(source.lines) if raw.strip() and not is_page_number(raw)]
    raw = {i + 1: line for i, line in enumerate(source.lines)}
    covered = {i + 1 for i, line in enumerate(source.lines) if is_page_number(line)}
    findings: list[Finding] = []
    if source.truncated:
        findings.append(Finding("missing", len(source.lines), f"{source.path}:{len(source.lines)}: the file ends "
                                f"inside a character; it was cut off"))
    first = next((k for k, (_, t) in enumerate(items) if _is_start(items, k)), len(items))
    pre = parse_preamble(items[:first])
    covered |= pre.covered
    ctx = Context(source, pre)
    projects: list[Project] = []
    pending: Narrative | None = None
    for kind, region in _regions(items[first:]):
        if kind == "unit":
            ctx.budget_unit = region[0][1]
            covered.add(region[0][0])
        elif kind == "narrative":
            if pending is not None:
                projects += build_projects(pending, None, ctx, findings)
            pending, used = parse_narrative(region)
            covered |= used | {line for line, _ in region}
        else:
            form, used, form_findings = _read_form(region, [(ln, raw[ln]) for ln, _ in region], source.path)
            covered |= used
            findings += form_findings
            projects += build_projects(pending, form, ctx, findings)
            pending = None
    if pending is not None:
        projects += build_projects(pending, None, ctx, findings)
    projects = parent_project(pre, projects)
    check_document(projects, pre, source.path, findings)
    report_unexplained(source.path, items, covered, findings)
    return document(source, LAYOUT, pre, projects, findings, covered)


def _is_unit_heading(items: list[tuple[int, str]], k: int) -> bool:
    text = items[k][1]
    return bool(_UNIT_HEADING.match(text)) and k + 1 < len(items) and starts_narrative(items[k + 1][1])


def _is_start(items: list[tuple[int, str]], k: int) -> bool:
    text = items[k][1]
    return bool(FORM_TITLE.match(text)) or starts_narrative(text) or _is_unit_heading(items, k)


def _regions(items: list[tuple[int, str]]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Split the body into ('unit' | 'narrative' | 'form', lines) regions in document order."""
    regions: list[tuple[str, list[tuple[int, str]]]] = []
    for k, (line, text) in enumerate(items):
        if _is_unit_heading(items, k):
            regions.append(("unit", [(line, text)]))
            regions.append(("narrative", []))
        elif FORM_TITLE.match(text):
            regions.append(("form", [(line, text)]))
        elif starts_narrative(text) and not (regions and regions[-1][0] == "narrative" and not regions[-1][1]):
            regions.append(("narrative", [(line, text)]))
        elif regions:
            regions[-1][1].append((line, text))
    return [(kind, lines) for kind, lines in regions if lines]


def _read_form(region: list[tuple[int, str]], raw: list[tuple[int, str]], path: str) -> tuple[Form, set[int], list[Finding]]:
    """Read one form: header fields, money, goals, indicator rows."""
    findings: list[Finding] = []
    used = {region[0][0]}
    texts = [t for _, t in region]
    goal_at = _goal_start(texts)
    table_at = _table_start(texts, goal_at)
    header = region[:goal_at]
    squashed = [(ln, re.sub(r"\s+", "", t)) for ln, t in header]
    span = join_lines(squashed)
    fields = find_fields(span.text, span.line_at)
    funds, money_findings = funds_from_fields(fields, path)
    findings += money_findings
    if fields:
        used |= {ln for ln, _ in header}
    goal_lines = []
    for ln, t in raw[goal_at:table_at]:
        squashed_text = re.sub(r"\s+", "", clean(t))
        if _GOAL_HEADER.match(squashed_text) or (len(squashed_text) <= 2 and set(squashed_text) <= _VERTICAL):
            used.add(ln)
        else:
            goal_lines.append((ln, t))
    page_starts = frozenset(ln for ln, t in raw if t.startswith(" ") and not t.startswith("  "))
    overall, annual, understood = split_goals(goal_lines, page_starts)
    if understood:
        used |= {ln for ln, _ in goal_lines}
    citations = find_citations(join_lines(goal_lines), legal_basis=False)
    parse = parse_indicator_rows(raw[table_at:], path)
    used |= parse.covered
    findings += parse.findings
    form = Form(
        line=region[0][0],
        fields=fields,
        funds=funds,
        fiscal_year=fiscal_year(span.text),
        indicators=parse.indicators,
        citations=citations,
        overall_goal=overall,
        annual_goal=annual,
        text_lines=[(ln, clean(t)) for ln, t in goal_lines],
    )
    return form, used, findings


def _goal_start(texts: list[str]) -> int:
    seen_money = False
    for k, text in enumerate(texts):
        squashed = re.sub(r"\s+", "", text)
        if "项目资金总额" in squashed or "年度资金" in squashed:
            seen_money = True
        if seen_money and (squashed in _GOAL_START or squashed.startswith(("项目总目标", "项目绩效目"))):
            return k
    return len(texts)


def _table_start(texts: list[str], after: int) -> int:
    for k in range(after, len(texts)):
        squashed = re.sub(r"\s+", "", texts[k])
        nxt = "".join(re.sub(r"\s+", "", t) for t in texts[k + 1:k + 3])
        if (squashed + nxt).startswith("一级指"):
            start = k
            while start > after and re.sub(r"\s+", "", texts[start - 1]) in ("绩", "效", "指", "标", "绩效指标", "绩效", "指标"):
                start -= 1
            return start
    return len(texts)
