"""Layout ``declaration-tsv``: a 绩效目标申报表 exported by OCR as tab-separated text.

What this layout looks like (the 2024 Songjiang declaration of the G60 research
centre): narrative paragraphs one per line, without tabs, sections sometimes
run together (``…应用转化。 五、实施周期``); each form a block of tab-separated
rows whose labels OCR garbled or split (``Ŋ 頁 目名称``, ``三管部门``,
``年度资金申请`` / ``总额``, ``其中: 当年财`` / ``攻拨款``), numbers spaced
(``2, 000, 000. 00``) and organization names broken over cells. A project's
narrative may start at ``一、项目概述`` without a ``项目经费情况说明`` line.
"""

from __future__ import annotations

import re

from loaders.cells import Row, noisy_amount, resolve_name, segments, split_row, squash_cell
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
from loaders.form import read_indicator_rows
from loaders.form_fields import MONEY_FIELDS, FieldValue, fiscal_year
from loaders.goals import split_goals
from loaders.indicator_inline import is_fragment, parse_inline
from loaders.narrative import Narrative, parse_narrative, starts_narrative
from loaders.records import Amount, Document, Finding, Funds, Indicator, Project
from loaders.targets import is_target
from loaders.text import Source, clean, is_page_number

LAYOUT = "declaration-tsv"
_FORM_TITLE = re.compile(r"财政项目支出绩效目标(?:申报|填报)表\d*$")
_OVERVIEW = re.compile(r"^[一1][、.]\s*项目概述")
_TABLE_HEADER = re.compile(r"三级指标|一级指标")
_TEXT_FIELDS = ("name", "nature", "category", "department", "implementing_unit", "start", "end")


def detect(source: Source) -> str | None:
    """Why this file is an OCR tab-separated declaration, or ``None``."""
    tabbed = [line for line in source.lines if "\t" in line]
    squashed = re.sub(r"\s+", "", source.text)
    if len(tabbed) >= 5 and "绩效目标申报表" in squashed.replace("→", "") and "自评表" not in squashed:
        return f"{len(tabbed)} tab-separated rows and a 绩效目标申报表 title (OCR export)"
    if len(tabbed) >= 5 and re.search(r"财政项.{0,3}目支出绩效.{0,3}目标申报表", "".join(source.lines)):
        return f"{len(tabbed)} tab-separated rows and a 绩效目标申报表 title (OCR export)"
    return None


def load(source: Source) -> Document:
    """Read an OCR tab-separated 绩效目标申报表 into a ``Document``.

    Returns: projects with money in yuan, citations and indicators; OCR debris
    that could not be attributed is reported as findings.
    """
    lines = [(i + 1, raw) for i, raw in enumerate(source.lines) if raw.strip() and not is_page_number(raw)]
    findings: list[Finding] = []
    if source.truncated:
        findings.append(Finding("missing", len(source.lines), f"{source.path}:{len(source.lines)}: the file ends "
                                f"inside a character; it was cut off"))
    covered: set[int] = set()
    first = next((k for k, (_, raw) in enumerate(lines) if _form_title(raw) or
                  ("\t" not in raw and starts_narrative(clean(raw)))), len(lines))
    pre = parse_preamble([(ln, clean(raw)) for ln, raw in lines[:first]])
    covered |= pre.covered
    ctx = Context(source, pre)
    known_names = [n for n in [pre.department] if n]
    projects: list[Project] = []
    pending: Narrative | None = None
    for kind, region in _regions(lines[first:]):
        if kind == "narrative":
            if pending is not None:
                projects += build_projects(pending, None, ctx, findings)
            pending, used = parse_narrative([(ln, clean(raw)) for ln, raw in region])
            covered |= used | {ln for ln, _ in region}
            continue
        form, used = _read_form(region, source.path, known_names, findings)
        covered |= used
        projects += build_projects(pending, form, ctx, findings)
        pending = None
    if pending is not None:
        projects += build_projects(pending, None, ctx, findings)
    projects = parent_project(pre, projects)
    check_document(projects, pre, source.path, findings)
    report_unexplained(source.path, [(ln, clean(raw)) for ln, raw in lines], covered, findings)
    return document(source, LAYOUT, pre, projects, findings, covered)


def _form_title(raw: str) -> bool:
    return "\t" in raw and bool(_FORM_TITLE.search(squash_cell(raw.replace("\t", ""))))


def _regions(lines: list[tuple[int, str]]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Split into ('form' | 'narrative', lines). Rows of a form's indicator table that OCR
    pushed into the next narrative (label fragments, a name, a target) go back to the form."""
    regions: list[tuple[str, list[tuple[int, str]]]] = []
    for k, (line, raw) in enumerate(lines):
        text = clean(raw)
        if _form_title(raw):
            regions.append(("form", [(line, raw)]))
        elif "\t" not in raw and (starts_narrative(text) or (_OVERVIEW.match(text) and regions and regions[-1][0] == "form")):
            regions.append(("narrative", [(line, raw)]))
        elif regions and regions[-1][0] == "narrative" and len(regions) > 1 and _spilled(lines, k):
            debris, rest = _split_debris(raw)
            regions[-2][1].append((line, "\u0000" + debris))
            if rest:
                regions[-1][1].append((line, rest))
        elif regions:
            regions[-1][1].append((line, raw))
    return regions


def _spilled(lines: list[tuple[int, str]], k: int) -> bool:
    """A table row pushed below its form: a label fragment, a target, a short name before a target,
    or a narrative line that starts with label debris (``度指 标 上市…``)."""
    text = clean(lines[k][1])
    following = clean(lines[k + 1][1]) if k + 1 < len(lines) else ""
    words = lines[k][1].split()
    return bool(words) and (
        all(is_fragment(w) for w in words)
        or is_target(text)
        or (len(text) <= 8 and is_target(following))
        or (len(words) > 2 and is_fragment(words[0]) and is_fragment(words[1]))
    )


def _split_debris(raw: str) -> tuple[str, str]:
    """(table debris, narrative text) of a line such as ``度指 标 上市"蓄水池"…``."""
    words = raw.split()
    k = 0
    while k < len(words) and is_fragment(words[k]):
        k += 1
    rest = " ".join(words[k:])
    if len(rest) > 8 and not is_target(rest):
        return " ".join(words[:k]), rest
    return raw, ""


def _read_form(region: list[tuple[int, str]], path: str, known_names: list[str],
               findings: list[Finding]) -> tuple[Form, set[int]]:
    spilled = [(ln, raw[1:]) for ln, raw in region if raw.startswith("\u0000")]
    region = [(ln, raw) for ln, raw in region if not raw.startswith("\u0000")]
    inline = [(ln, raw) for ln, raw in region if "\t" not in raw and "三级指标" in squash_cell(raw)]
    region = [(ln, raw) for ln, raw in region if (ln, raw) not in inline]
    rows = [split_row(ln, raw) for ln, raw in region]
    used = {rows[0].line}
    table_at = next((k for k, r in enumerate(rows) if _TABLE_HEADER.search(r.squashed)), len(rows))
    fields: dict[str, list[FieldValue]] = {}
    money: dict[str, Amount] = {}
    goal_lines: list[tuple[int, str]] = []
    year = None
    for row in rows[1:table_at]:
        year = year or fiscal_year(clean(row.squashed))
        if fiscal_year(clean(row.squashed)):
            used.add(row.line)
            continue
        if squash_cell(row.squashed) in ("绩效目标", "项目绩效目标"):
            used.add(row.line)
            continue
        if "\t" not in region[rows.index(row)][1] or re.match(r"^(项目)?绩效目标$|^项目绩效目标", squash_cell(row.cells[0])):
            goal_lines.append((row.line, "\t".join(row.cells)))
            continue
        if "项目总目标" in row.squashed:
            used.add(row.line)
            continue
        used |= _read_header_row(row, fields, money, path, findings)
    for name in ("department", "implementing_unit"):
        for value in fields.get(name, []):
            resolved = resolve_name(value.text, known_names)
            if resolved and resolved != value.text:
                fields[name] = [FieldValue(resolved, value.line)]
            elif value.text not in known_names and name == "department":
                known_names.append(value.text)
    goal_text = [(ln, t.split("\t", 1)[-1] if "\t" in t else t) for ln, t in goal_lines]
    overall, annual, understood = split_goals(goal_text) if all("\t" not in t for _, t in goal_lines) else (None, None, False)
    if understood:
        used |= {ln for ln, _ in goal_lines}
    indicators: list[Indicator] = []
    if table_at < len(rows):  # the body of the 绩效指标 table, read as the form reader reads any table's body
        used.add(rows[table_at].line)
        indicators, read, table_findings = read_indicator_rows([(r.line, list(r.cells)) for r in rows[table_at + 1:]], path)
        used |= read
        findings += table_findings
    units: list[tuple[int, str]] = []
    for ln, raw in inline:
        # Goal text and the whole table run together in one OCR line.
        parts = re.split(r"(?:一级\s*)?二级指标\s*三级指标\s*(?:年度\(?/?项目\)?指标值)?", raw, maxsplit=1)
        head, table = (parts[0], parts[1]) if len(parts) == 2 else ("", raw)
        goal = " ".join(w for w in head.split() if not (len(w) == 1 and w in "绩效目标"))
        annual = annual or clean(goal)
        goal_lines.append((ln, goal))
        units += [(ln, w) for w in table.split()]
        used.add(ln)
    units += spilled  # the rows OCR pushed below the form continue the same stream
    if units:
        flat = parse_inline(units, path)
        indicators += flat.indicators
        findings += flat.findings
        used |= flat.covered
    form = Form(
        line=rows[0].line,
        fields=fields,
        funds=Funds(**money),  # type: ignore[arg-type]  # the keys are Funds' amount fields
        fiscal_year=year,
        indicators=indicators,
        citations=find_citations(join_lines([(ln, clean(t)) for ln, t in goal_lines]), legal_basis=False)
        if understood or inline else [],
        overall_goal=overall,
        annual_goal=annual,
        text_lines=[(ln, clean(t)) for ln, t in goal_lines] if understood else [],
    )
    return form, used


def _read_header_row(row: Row, fields: dict[str, list[FieldValue]], money: dict[str, Amount], path: str,
                     findings: list[Finding]) -> set[int]:
    """Label/value pairs of one header row; unattributed values are reported."""
    label: str | None = None
    parts: list[str] = []
    leftovers: list[str] = []

    def close() -> None:
        if label is None:
            return
        if label in MONEY_FIELDS:
            amount = next((a for a in (noisy_amount(p, row.line) for p in parts) if a), None)
            if amount is not None and label not in money:
                money[label] = amount
        elif parts and label in ("nature", "category"):
            # Short codes (其他经常性项目): one cell; a second cell is the next field's value without its label.
            fields.setdefault(label, []).append(FieldValue(parts[0], row.line))
            leftovers.extend(parts[1:])
        elif parts and label in _TEXT_FIELDS:
            fields.setdefault(label, []).append(FieldValue("".join(parts), row.line))

    slips: list[tuple[str, str]] = []
    for kind, text in segments(row, slips):
        if kind == "label":
            close()
            label, parts = text, []
        elif kind == "rest":
            continue
        elif label is None or (label in MONEY_FIELDS and any(noisy_amount(p, row.line) for p in parts)):
            leftovers.append(text)
        else:
            parts.append(text)
    close()
    findings += [Finding("doubtful", row.line, f"{path}:{row.line}: {written} read as {label_text}", written)
                 for written, label_text in slips]
    meaningful = [t for t in leftovers if (re.search(r"\d", t) or len(t) > 3) and not re.fullmatch(r"\(?元\)?|\d", t)]
    if meaningful:
        findings.append(Finding("unexplained", row.line, f"{path}:{row.line}: cells with no readable label",
                                " | ".join(meaningful)))
    return {row.line}
