"""Assembling a 绩效目标申报表 (performance-target declaration) into records.

A declaration, whatever its text layout, is: a title; a summary
(绩效目标设置情况: N 个预算单位, 编报绩效目标的项目 M 个, 涉及项目预算资金 X 万元);
then per budget unit (预算单位) a sequence of project narratives
(项目经费情况说明, see ``loaders.narrative``) each followed by its form
(财政项目支出绩效目标申报表/填报表). Layout modules find the regions and read
the forms; this module turns (narrative, form) pairs into ``Project`` records,
including sub-projects named in the narrative, and checks the document's own
totals so that a gap is reported rather than silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from difflib import SequenceMatcher

from policykg.loaders.amounts import amounts_in_text
from policykg.loaders.budget import budget_lines as budget_lines_of
from policykg.loaders.budget import year_plan
from policykg.loaders.citations import TextSpan, find_citations, join_lines
from policykg.loaders.form_fields import FieldValue, parse_date
from policykg.loaders.grid import Grid
from policykg.loaders.indicator_text import is_fragment
from policykg.loaders.labels import simplified, title_kind
from policykg.loaders.mentions import find_mentions
from policykg.loaders.narrative import Narrative, cn_number, is_explanation, parse_narrative, starts_narrative
from policykg.loaders.records import Amount, BudgetLine, Citation, Document, Finding, Funds, Indicator, Project
from policykg.loaders.targets import is_target
from policykg.loaders.text import Source, clean, is_page_number, page_furniture

_TITLE_END = "绩效目标设置情况"
_DEPARTMENT_YEAR = re.compile(r"^(?P<department>.+?)\s*(?P<year>\d{4})\s*年度?(?P<rest>.*)$")
_UNITS = re.compile(r"本部门\s*(?P<n>\d+)\s*个预算单位")
_PROJECTS = re.compile(r"编报绩效目标的项目\s*(?P<n>\d+)\s*个")
_TOTAL = re.compile(r"涉及项目预算资金\s*(?P<amount>[\d.,]+\s*万元)")
_PARENT = re.compile(r"[“\"](?P<name>[^”\"]{2,40})[”\"]项目包含(?P<n>\d+|[一二两三四五六七八九十]+)个二级项目")
_ITEM = re.compile(r"[(（](?P<n>[一二三四五六七八九十]+)[)）]\s*[“\"](?P<name>[^”\"]{2,40})[”\"]项目")
_QUOTED_BUDGET = re.compile(r"[“\"](?P<label>[^“”\"]{2,80}?)[”\"](?:项目)?(?:预计|预算|约)\s*(?P<amount>\d[\d.,]*\s*万元?|\d[\d.,]*\s*元)")
_DIVISION_PREFIX = re.compile(r"^(?:.{0,30}?实施主体[:：])")
_DIVISION = re.compile(
    r"^(?P<name>[^，。,;；:：、]{2,40}?(?:科|部|组|处|室|办|中心|馆|委员会|局|站|所|院|单位)(?:\([^()]{1,20}\))?)"
    r"(?=负责|主要|承担|培育|协助|[。,，;；:：]|$)"
)
# "信息化推进负责…", "办公室宣传、依法行政…": the words before the duty verb or the first duty.
_DIVISION_LOOSE = re.compile(r"^(?P<name>[^，。,;；:：、]{2,12}?)(?:负责|主要职|承担)|^(?P<office>[^，。,;；:：、]{1,8}?(?:科|部|组|处|室|中心))(?=[^，。,;；:：、]{1,6}、)")
_BUDGET_TOTAL = re.compile(
    r"(?:年度预算资金需求为|项目预算金额|预算总额为?|申报总预算|总预算|预算资金约?|申请资金|资金需求为|合计)\s*"
    r"(?P<amount>\d[\d.,]*\s*(?:万元|万|元))"
)


@dataclass
class Preamble:
    """Title block and summary of a declaration."""

    title: str | None = None
    department: str | None = None
    fiscal_year: int | None = None
    kind: str = "declaration"
    declared_total: Amount | None = None
    declared_projects: int | None = None
    declared_units: int | None = None
    parent: tuple[str, int, int] | None = None  # (name, number of 二级项目, line)
    covered: set[int] = field(default_factory=set)


@dataclass
class Form:
    """What a layout read from one form table."""

    line: int
    fields: dict[str, list[FieldValue]]
    funds: Funds
    fiscal_year: int | None
    indicators: list[Indicator] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    overall_goal: str | None = None
    annual_goal: str | None = None
    text_lines: list[tuple[int, str]] = field(default_factory=list)  # goal text, for mentions

    def value(self, name: str) -> str | None:
        values = self.fields.get(name)
        return clean(values[0].text) if values and values[0].text else None


def parse_preamble(lines: list[tuple[int, str]]) -> Preamble:
    """Read the title and 绩效目标设置情况 summary from the lines before the first project.

    ``lines``: (1-based line, cleaned text). The title is everything before
    绩效目标设置情况, e.g. ``上海市松江区科学技术委员会2023年财政支出项目绩效目标申报表``, after the site's page
    furniture (``loaders/data/page_furniture.txt``: 首页 > …, 发布时间 …) when the file is a saved web page.
    """
    pre = Preamble()
    title_parts: list[tuple[int, str]] = []
    summary: list[tuple[int, str]] = []
    in_title = True
    for line, text in lines:
        if in_title and _TITLE_END in text:
            in_title = False
            pre.covered.add(line)
            continue
        (title_parts if in_title else summary).append((line, text))
    furniture = [k for k, (_, text) in enumerate(title_parts) if any(w in text for w in page_furniture())]
    if furniture:  # the site's page furniture above the title (首页 > …, 发布时间 …): no part of it
        title_parts = title_parts[furniture[-1] + 1:]
    if title_parts and not in_title:
        pre.title = "".join(t for _, t in title_parts)
        pre.covered.update(line for line, _ in title_parts)
        m = _DEPARTMENT_YEAR.match(pre.title)
        if m:
            pre.department, pre.fiscal_year = m.group("department"), int(m.group("year"))
        if "自评" in pre.title:
            pre.kind = "self-evaluation"
    span = join_lines(summary)
    for pattern, attr in ((_UNITS, "declared_units"), (_PROJECTS, "declared_projects")):
        m = pattern.search(span.text)
        if m:
            setattr(pre, attr, int(m.group("n")))
    m = _TOTAL.search(span.text)
    if m:
        found = amounts_in_text(m.group("amount"), span.line_at(m.start("amount")))
        pre.declared_total = found[0][2] if found else None
    m = _PARENT.search(span.text)
    if m:
        pre.parent = (clean(m.group("name")), cn_number(m.group("n")), span.line_at(m.start()))
    if summary and (pre.declared_total or pre.declared_projects):
        pre.covered.update(line for line, _ in summary)
    return pre


@dataclass
class Context:
    """Where in the document a project stands."""

    source: Source
    preamble: Preamble
    budget_unit: str | None = None


def build_projects(narrative: Narrative | None, form: Form | None, ctx: Context, findings: list[Finding]) -> list[Project]:
    """The project described by a narrative and its form, followed by its sub-projects.

    The form is authoritative for name, units and money; the narrative supplies
    the legal basis (立项依据), the responsible division (实施主体), the period
    (实施周期) when the form lacks dates, and the sub-projects.
    """
    path = ctx.source.path
    name = (form.value("name") if form else None) or (narrative.heading if narrative else None)
    if not name:
        line = form.line if form else (narrative.start_line if narrative else None)
        what = "form" if form else "narrative (项目经费情况说明)"
        findings.append(Finding("missing", line, f"{path}:{line}: a {what} without a project name "
                                f"(项目名称) is skipped; the document may be cut off here"))
        return []
    if narrative is not None and form is None:
        findings.append(Finding("missing", narrative.start_line, f"{path}:{narrative.start_line}: the narrative of "
                                f"{name} has no form (财政项目支出绩效目标申报表) after it; the document may be cut off"))
    if form is not None and not form.indicators:
        findings.append(Finding("missing", form.line, f"{path}:{form.line}: the form of {name} has no indicator "
                                f"rows (三级指标); the form may be cut off"))
    year = (form.fiscal_year if form else None) or ctx.preamble.fiscal_year
    department = (form.value("department") if form else None) or ctx.preamble.department
    unit = form.value("implementing_unit") if form else None
    start = parse_date(form.value("start") or "") if form else None
    end = parse_date(form.value("end") or "") if form else None
    period_start, period_end = _period(narrative)
    citations = _narrative_citations(narrative) + (form.citations if form else [])
    annual = form.funds.annual.yuan if form and form.funds.annual else None
    budget_lines = (_quoted_budget_lines(narrative) or budget_lines_of(narrative.section("年度预算安排"), annual)
                    ) if narrative else []
    children = _children(narrative, budget_lines, ctx, findings)
    project = Project(
        name=name,
        line=(form.fields["name"][0].line if form and "name" in form.fields else None)
        or (narrative.heading_line if narrative and narrative.heading_line else form.line if form else 0),
        fiscal_year=year,
        department=department,
        implementing_unit=unit,
        budget_unit=ctx.budget_unit,
        division=_division(narrative, unit),
        nature=form.value("nature") if form else None,
        category=form.value("category") if form else None,
        start_date=start or period_start,
        end_date=end or period_end,
        period=_section_text(narrative, "实施周期"),
        funds=form.funds if form else Funds(),
        overview=_section_text(narrative, "项目概述"),
        overall_goal=form.overall_goal if form else None,
        annual_goal=form.annual_goal if form else None,
        heading=narrative.heading if narrative and narrative.heading and narrative.heading != name else None,
        citations=tuple(citations),
        indicators=tuple(form.indicators) if form else (),
        budget_lines=tuple(b for b in budget_lines if not any(b.label.startswith(c.heading or "\0") for c in children)),
        mentions=tuple(find_mentions(_narrative_lines(narrative) + (form.text_lines if form else []),
                                     (department, unit, ctx.budget_unit))),
    )
    subprojects = [_subproject(child, project, budget_lines, ctx, findings) for child in children]
    _check_children(project, subprojects, narrative, path, findings)
    return [project, *subprojects]


def _children(narrative: Narrative | None, budget_lines: list[BudgetLine], ctx: Context,
              findings: list[Finding]) -> list[Narrative]:
    """Sub-project narratives: numbered headings, or the (一)“X”项目 items of an overview."""
    if narrative is None:
        return []
    if narrative.children:
        return narrative.children
    overview = narrative.section("项目概述")
    parent = _PARENT.search(overview.text)
    if not parent:
        return []
    items = []
    matches = list(_ITEM.finditer(overview.text))
    for k, m in enumerate(matches):
        child = Narrative(heading=clean(m.group("name")), heading_line=overview.line_at(m.start()))
        # The item's own paragraph is the sub-project's overview (its text up to the next item).
        end = matches[k + 1].start() if k + 1 < len(matches) else len(overview.text)
        child.sections["项目概述"] = _slice_lines(overview, m.start(), end)
        items.append(child)
    # Other sections that enumerate the same “X”项目 items give each sub-project its paragraph too.
    for section in ("实施方案", "立项依据"):
        span = narrative.section(section)
        found = list(_ITEM.finditer(span.text))
        for k, m in enumerate(found):
            end = found[k + 1].start() if k + 1 < len(found) else len(span.text)
            for child in items:
                if child.heading == clean(m.group("name")):
                    child.sections[section] = _slice_lines(span, m.start(), end)
    narrative.declared_children = cn_number(parent.group("n"))
    return items


def _subproject(child: Narrative, parent: Project, budget_lines: list[BudgetLine], ctx: Context,
                findings: list[Finding]) -> Project:
    path = ctx.source.path
    amount = child.heading_amount
    if amount is not None:
        _check_heading_amount(child, amount, path, findings)
    else:
        amount = _stated_budget(child)
    own_lines = tuple(b for b in budget_lines if b.label.split("-", 1)[0] == child.heading) or tuple(
        budget_lines_of(child.section("年度预算安排"), amount.yuan if amount else None))
    if amount is None and parent.fiscal_year:
        plan_lines, plan_total = year_plan(child.section_lines("年度预算安排"), parent.fiscal_year)
        if plan_total is not None:
            amount, own_lines = plan_total, tuple(plan_lines) or own_lines
    if amount is None and own_lines:
        total = sum((b.amount.yuan for b in own_lines if b.amount), Decimal(0))
        amount = Amount(total, " + ".join(b.amount.text for b in own_lines if b.amount), own_lines[0].line)
    if amount is None:
        findings.append(Finding("missing", child.heading_line,
                                f"{path}:{child.heading_line}: no annual amount found for sub-project {child.heading}"))
    start, end = _period(child)
    return Project(
        name=child.heading or "",
        line=child.heading_line or parent.line,
        fiscal_year=parent.fiscal_year,
        department=parent.department,
        implementing_unit=parent.implementing_unit,
        parent=parent.name,
        budget_unit=parent.budget_unit,
        division=_division(child, parent.implementing_unit),
        start_date=start,
        end_date=end,
        period=_section_text(child, "实施周期"),
        funds=Funds(annual=amount),
        overview=_section_text(child, "项目概述"),
        citations=tuple(_narrative_citations(child)),
        budget_lines=own_lines,
        mentions=tuple(find_mentions(_narrative_lines(child), (parent.department, parent.implementing_unit,
                                                               parent.budget_unit))),
    )


def _check_children(project: Project, subprojects: list[Project], narrative: Narrative | None, path: str,
                    findings: list[Finding]) -> None:
    if narrative and narrative.declared_children is not None and narrative.declared_children != len(subprojects):
        findings.append(Finding(
            "inconsistent", project.line,
            f"{path}:{project.line}: {project.name} declares {narrative.declared_children} sub-projects; "
            f"{len(subprojects)} found"))
    amounts = [p.funds.annual.yuan for p in subprojects if p.funds.annual]
    if subprojects and len(amounts) == len(subprojects) and project.funds.annual:
        if sum(amounts, Decimal(0)) != project.funds.annual.yuan:
            findings.append(Finding(
                "inconsistent", project.line,
                f"{path}:{project.line}: sub-projects of {project.name} add up to {sum(amounts, Decimal(0))} yuan, "
                f"the form says {project.funds.annual.yuan}"))


def _slice_lines(span: TextSpan, start: int, end: int) -> list[tuple[int, str]]:
    """The (line, text) pieces of ``span.text[start:end]``."""
    pieces: list[tuple[int, str]] = []
    for k, (offset, line) in enumerate(zip(span.starts, span.lines, strict=True)):
        stop = span.starts[k + 1] if k + 1 < len(span.starts) else len(span.text)
        a, b = max(offset, start), min(stop, end)
        if a < b:
            pieces.append((line, span.text[a:b]))
    return pieces


def _narrative_lines(narrative: Narrative | None) -> list[tuple[int, str]]:
    if narrative is None:
        return []
    return narrative.preamble + [pair for lines in narrative.sections.values() for pair in lines]


def _section_text(narrative: Narrative | None, name: str) -> str | None:
    if narrative is None:
        return None
    text = narrative.section(name).text.strip()
    return text or None


def _narrative_citations(narrative: Narrative | None) -> list[Citation]:
    if narrative is None:
        return []
    found = find_citations(narrative.section("立项依据"), legal_basis=True)
    for name, lines in narrative.sections.items():
        if name != "立项依据":
            found += find_citations(join_lines(lines), legal_basis=False)
    found += find_citations(join_lines(narrative.preamble), legal_basis=False)
    return sorted(found, key=lambda c: (c.line, not c.legal_basis))


def _division(narrative: Narrative | None, unit: str | None = None) -> str | None:
    """The division named in 实施主体; ``None`` when the section names none or only the unit itself."""
    text = _section_text(narrative, "实施主体")
    if not text:
        return None
    text = _DIVISION_PREFIX.sub("", text)
    m = _DIVISION.match(text)
    name = m.group("name") if m else None
    if name is None and (loose := _DIVISION_LOOSE.match(text)):
        name = loose.group("name") or loose.group("office")
    if name and unit and (name == unit or SequenceMatcher(None, _local(name), _local(unit)).ratio() >= 0.85):
        return None  # the unit itself ("区科技创服务中心" for 上海市松江区科技创新服务中心), not a division of it
    return name


def _local(name: str) -> str:
    """An organization name without its administrative prefix: 上海市松江区科技馆 -> 科技馆, 区科委 -> 科委."""
    name = re.sub(r"^[\u4e00-\u9fff]{2,4}?[省市](?=[\u4e00-\u9fff]{2})", "", name)
    name = re.sub(r"^[\u4e00-\u9fff]{1,4}?[区县](?=[\u4e00-\u9fff]{2})", "", name)
    return re.sub(r"^[区县市]", "", name)


def _period(narrative: Narrative | None):  # type: ignore[no-untyped-def]
    """Start and end of 实施周期 (``2023 年 4 月 1 日-2023 年 8 月 31 日``), when both are full dates."""
    text = _section_text(narrative, "实施周期") or ""
    dates = re.findall(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", text)
    if len(dates) >= 2:
        return parse_date(dates[0]), parse_date(dates[1])
    return None, None


def _quoted_budget_lines(narrative: Narrative) -> list[BudgetLine]:
    """Budget items written as ``“政策研究-六大高地建设情况白皮书”项目预计 200 万元``."""
    span = narrative.section("年度预算安排")
    lines = []
    for m in _QUOTED_BUDGET.finditer(span.text):
        line = span.line_at(m.start())
        found = amounts_in_text(m.group("amount") if "元" in m.group("amount") else m.group("amount") + "元", line)
        amount = found[0][2] if found else None
        if amount is not None:
            amount = Amount(amount.yuan, m.group("amount"), line)
        lines.append(BudgetLine(label=clean(m.group("label")), amount=amount, line=line))
    return lines


def _stated_budget(narrative: Narrative) -> Amount | None:
    """The amount a sub-project's 年度预算安排 states for the year (项目概述 only when there is no such section).

    An overview's "预算资金约 3190.86 万元" may be the whole multi-year budget, so it
    is not used when a 年度预算安排 exists but states no total.
    """
    names = ("年度预算安排",) if narrative.sections.get("年度预算安排") else ("项目概述",)
    for name in names:
        span: TextSpan = narrative.section(name)
        m = _BUDGET_TOTAL.search(span.text)
        if m:
            found = amounts_in_text(m.group("amount"), span.line_at(m.start("amount")))
            if found:
                return found[0][2]
    return None


def _check_heading_amount(child: Narrative, amount: Amount, path: str, findings: list[Finding]) -> None:
    """Record when a heading's amount ("8、举行区科协代表大会工作经费（20 万）") disagrees with its 年度预算安排.

    The heading agrees when any amount of the section, the sum of the 资金测算
    item, or the sum of the whole section equals it.
    """
    span = narrative_budget = child.section("年度预算安排")
    # A unit price inside a product ("1300家*300元") is not a sum of its own.
    found = [f for f in amounts_in_text(narrative_budget.text, 0) if not re.search(r"[*×]\s*$", span.text[:f[0]])]
    if not found:
        return
    values = [a.yuan for _, _, a in found]
    estimate = re.search(r"资金测算(?P<body>.*?)(?:2[.、]|资金类型|$)", span.text)
    estimate_sum = None
    if estimate:
        body = estimate.group("body")
        estimate_sum = sum((a.yuan for start, _, a in amounts_in_text(body, 0)
                            if not re.search(r"[*×]\s*$", body[:start])), Decimal(0))
    if amount.yuan in values or amount.yuan in (estimate_sum, sum(values, Decimal(0))):
        return
    first = found[0]
    line = span.line_at(first[0])
    findings.append(Finding(
        "inconsistent", line,
        f"{path}:{line}: 年度预算安排 states {', '.join(a.text for _, _, a in found)} "
        f"but the heading (line {amount.line}) says {amount.text}",
        span.text[:80]))


def check_document(doc_projects: list[Project], pre: Preamble, path: str, findings: list[Finding]) -> None:
    """Compare the projects found with the summary's declared count and total."""
    top = [p for p in doc_projects if p.parent is None or (pre.parent and p.parent == pre.parent[0])]
    top = [p for p in top if not (pre.parent and p.name == pre.parent[0])]
    if pre.declared_projects is not None and pre.declared_projects != len(top):
        findings.append(Finding("inconsistent", None,
                                f"{path}: the summary declares {pre.declared_projects} projects; {len(top)} found"))
    if pre.declared_total is not None:
        total = sum((p.funds.annual.yuan for p in top if p.funds.annual), Decimal(0))
        # The summary rounds to 0.01 万元 (100 yuan).
        if abs(total - pre.declared_total.yuan) >= 100:
            findings.append(Finding(
                "inconsistent", pre.declared_total.line,
                f"{path}:{pre.declared_total.line}: the summary declares {pre.declared_total.text}; "
                f"the projects' 年度资金申请总额 add up to {total} yuan"))


def parent_project(pre: Preamble, projects: list[Project]) -> list[Project]:
    """Apply a summary's ``“X”项目包含N个二级项目`` to forms that are X's 二级项目."""
    if not pre.parent or any(p.name == pre.parent[0] for p in projects):
        return projects
    name, _count, line = pre.parent
    parent = Project(name=name, line=line, fiscal_year=pre.fiscal_year, department=pre.department,
                     implementing_unit=None)
    return [parent] + [p if p.parent else _with_parent(p, name) for p in projects]


def _with_parent(project: Project, parent: str) -> Project:
    from dataclasses import replace

    return replace(project, parent=parent)


def report_unexplained(path: str, lines: list[tuple[int, str]], covered: set[int], findings: list[Finding]) -> None:
    """Add a finding for every line of ``lines`` ((1-based line, text)) that no rule used or reported already."""
    reported = {f.line for f in findings}
    for line, text in lines:
        if line not in covered and line not in reported:
            findings.append(Finding("unexplained", line, f"{path}:{line}: not understood", text[:200]))


def document(source: Source, layout: str, pre: Preamble, projects: list[Project], findings: list[Finding],
             covered: set[int]) -> Document:
    """The ``Document`` record (every layout ends with it)."""
    text_lines = frozenset(i + 1 for i, t in enumerate(source.lines) if t.strip())
    return Document(
        path=source.path,
        file_name=source.file_name,
        sha256=source.sha256,
        layout=layout,
        kind=pre.kind,
        title=pre.title,
        department=pre.department,
        fiscal_year=pre.fiscal_year,
        line_count=len(source.lines),
        declared_total=pre.declared_total,
        declared_project_count=pre.declared_projects,
        declared_unit_count=pre.declared_units,
        projects=tuple(projects),
        findings=tuple(findings),
        covered_lines=frozenset(covered & text_lines),
        text_lines=text_lines,
    )


# ---------------------------------------------------------------- a declaration read from a grid

_FORM_TITLE_MAX = 40  # characters of a form's title row (财政项目支出绩效目标申报表 12), without spaces
_OVERVIEW = re.compile(r"^[一1][、.．]\s*项目概述")
_SECTION_START = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})[、.．]")


def has_narratives(grid: Grid) -> bool:
    """True for a 绩效目标申报表 whose forms stand between project narratives (项目经费情况说明, or the
    declaration summary 绩效目标设置情况 before them): the documents ``read`` assembles."""
    lines = [simplified(clean(raw)) for raw in grid.source().lines if raw.strip()]
    forms = sum(1 for text in lines if _is_form_title(text))
    narratives = sum(1 for text in lines if is_explanation(text))
    return forms >= 1 and (narratives >= 1 or any(_TITLE_END in text for text in lines[:40]))


_WHITESPACE = re.compile(r"\s+")


def _is_form_title(text: str) -> bool:
    squashed = _WHITESPACE.sub("", text)
    if _SECTION_START.match(squashed) or squashed.endswith("。") or squashed.startswith(("详见", "见", "参见")):
        return False  # 七、绩效目标 见财政项目支出绩效目标申报表。, 详见单位的项目绩效目标表: they point to the form
    return len(squashed) <= _FORM_TITLE_MAX and title_kind(squashed) in ("declaration", "self-evaluation") \
        and _TITLE_END not in squashed


def read(grid: Grid, layout: str) -> Document:
    """Read a 绩效目标申报表 of narratives and forms (``has_narratives``) into a ``Document``.

    The lines before the first narrative or form are the title and summary (``parse_preamble``); each
    narrative (``loaders.narrative``) is paired with the form after it, whose cells the form reader reads
    (``loaders.form.read_part``); a narrative without a form, or a form without a narrative, is a project too.
    Returns: the document with its projects and sub-projects (money in yuan), the summary's totals checked.
    Raises: nothing for odd content (it becomes findings).
    """
    from policykg.loaders import form as form_reader

    source = grid.source()
    written = [(i, clean(raw)) for i, raw in enumerate(source.lines, start=1) if raw.strip() and not is_page_number(raw)]
    items = [(i, simplified(text)) for i, text in written]  # matched in simplified characters, given back as written
    covered = {i for i, raw in enumerate(source.lines, start=1) if raw.strip() and is_page_number(raw)}
    findings: list[Finding] = []
    if source.truncated:
        findings.append(Finding("missing", len(source.lines), f"{source.path}:{len(source.lines)}: the file ends "
                                f"inside a character; it was cut off"))
    summary_at = next((k for k, (_, t) in enumerate(items[:60]) if _TITLE_END in t), -1)
    first = next((k for k, (_, t) in enumerate(items) if k > summary_at and (_is_form_title(t) or starts_narrative(t)
                                                                             or _is_unit_heading(items, k))), len(items))
    pre = parse_preamble(items[:first])
    covered |= pre.covered
    ctx = Context(source, pre)
    projects: list[Project] = []
    pending: Narrative | None = None
    unit: str | None = None
    regions = _regions(items[first:])
    spills = _return_spilled(regions, source.lines)
    for r, (kind, region) in enumerate(regions):
        if kind == "unit":
            ctx.budget_unit = region[0][1]
            covered.add(region[0][0])
        elif kind == "narrative":
            if pending is not None:
                projects += build_projects(pending, None, ctx, findings)
            pending, used = parse_narrative(region)
            covered |= used | {line for line, _ in region}
        else:
            part = form_reader.read_part(grid, region[0][0], region[-1][0], unit, spills.get(r))
            unit = part.unit
            covered |= part.covered | {region[0][0]}
            findings += part.findings
            if not part.projects:
                projects += build_projects(pending, None, ctx, findings) if pending is not None else []
            for k, (project, goals) in enumerate(part.projects):
                projects += build_projects(pending if k == 0 else None, _form_of(project, goals, region[0][0]),
                                           ctx, findings)
            pending = None
    if pending is not None:
        projects += build_projects(pending, None, ctx, findings)
    projects = parent_project(pre, projects)
    check_document(projects, pre, source.path, findings)
    report_unexplained(source.path, written, covered, findings)
    if items != written:  # traditional characters: the records say what the document writes
        as_written = AsWritten(items, written)
        projects = [as_written.project(p) for p in projects]
        pre.title, pre.department = as_written.text(pre.title), as_written.text(pre.department)
    return document(source, layout, pre, projects, findings, covered)


class AsWritten:
    """The written text of what was read from the simplified text of a document in traditional characters.

    ``simplified`` and ``written``: the same (1-based line, cleaned text) items, the first converted to simplified
    characters one for one (``loaders.labels.simplified``). A string read from the simplified text is found in it
    and the written characters at the same offsets are returned; a string the parsers normalized (a 文号's
    brackets) is given back character by character, each simplified character as the document writes it most.
    """

    def __init__(self, simplified: list[tuple[int, str]], written: list[tuple[int, str]]) -> None:
        self._simplified = "".join(text for _, text in simplified)
        self._written = "".join(text for _, text in written)
        counts: dict[str, dict[str, int]] = {}
        for s, w in zip(self._simplified, self._written, strict=False):
            if s != w:
                counts.setdefault(s, {}).setdefault(w, 0)
                counts[s][w] += 1
        self._chars = {s: max(sorted(ws), key=lambda w: ws[w]) for s, ws in counts.items()}

    def text(self, value: str | None) -> str | None:
        if not value:
            return value
        plain = simplified(value)  # one character for one, so offsets hold in both texts
        at = self._simplified.find(plain)
        if at >= 0:
            return self._written[at:at + len(plain)]
        return "".join(self._chars.get(ch, ch) for ch in plain)

    def _amount(self, amount: Amount | None) -> Amount | None:
        return replace(amount, text=self.text(amount.text) or amount.text) if amount is not None else None

    def project(self, p: Project) -> Project:
        """``p`` with its names, prose, citations, budget lines and mentions as written; its indicators, read by the
        form reader from the written cells, unchanged."""
        t = self.text
        money = {f.name: self._amount(getattr(p.funds, f.name)) for f in fields(p.funds)
                 if isinstance(getattr(p.funds, f.name), Amount)}
        return replace(
            p, name=t(p.name) or p.name, parent=t(p.parent), department=t(p.department),
            implementing_unit=t(p.implementing_unit), budget_unit=t(p.budget_unit), division=t(p.division),
            nature=t(p.nature), category=t(p.category), period=t(p.period), overview=t(p.overview),
            overall_goal=t(p.overall_goal), annual_goal=t(p.annual_goal), achieved=t(p.achieved), heading=t(p.heading),
            funds=replace(p.funds, **money),  # type: ignore[arg-type]  # only Funds' Amount fields are replaced
            citations=tuple(replace(c, title=t(c.title), doc_number=t(c.doc_number), text=t(c.text) or c.text,
                                    quote=t(c.quote)) for c in p.citations),
            budget_lines=tuple(replace(b, label=t(b.label) or b.label, amount=self._amount(b.amount),
                                       unit_price=self._amount(b.unit_price)) for b in p.budget_lines),
            mentions=tuple(replace(m, name=t(m.name) or m.name) for m in p.mentions))


_SPILL_END = re.compile(r"^[二三四五六七八九十][、.．]")  # the narrative's second section: no table row is pushed further


def _return_spilled(regions: list[tuple[str, list[tuple[int, str]]]],
                    raw: tuple[str, ...]) -> dict[int, dict[int, int | None]]:
    """The rows of a form's table that OCR printed among the first lines of the narrative after it (``满意度指`` /
    ``标`` / ``相关方满意度`` / ``≥85 (%)`` / ``度指 标 上市…`` between 一、项目概述 and 二、): per form region (its
    index), those lines and how many of their words are the table's (``None``: all). They are taken out of the
    narrative, whose text keeps the rest of a line; the form reader reads them after the form's own lines.
    ``raw``: the file's lines as written (the words of a line are cut at its spaces)."""
    spills: dict[int, dict[int, int | None]] = {}
    for r in range(1, len(regions)):
        kind, lines = regions[r]
        if kind != "narrative" or regions[r - 1][0] != "form":
            continue
        kept: list[tuple[int, str]] = []
        for k, (line, text) in enumerate(lines):
            if k and _SPILL_END.match(text):
                kept += lines[k:]
                break
            following = lines[k + 1][1] if k + 1 < len(lines) else ""
            words, rest = (0, text) if k == 0 else _table_debris(simplified(raw[line - 1]), following)
            if words:
                spills.setdefault(r - 1, {})[line] = words if rest else None
            if rest:
                kept.append((line, clean(rest)))
        regions[r] = (kind, kept)
    return spills


def _table_debris(text: str, following: str) -> tuple[int, str]:
    """(how many words of a narrative line are an indicator row OCR pushed out of its table, the text after them):
    a line of level-label fragments (满意度指, 标), a target (≥85 (%)), a short name before a target, or label
    fragments before prose (度指 标 上市…); (0, text) when the line is the narrative's own."""
    words = text.split()
    if words and (all(is_fragment(w) for w in words) or is_target(text) or (len(text) <= 8 and is_target(following))):
        return len(words), ""
    n = 0
    while n < len(words) and is_fragment(words[n]):
        n += 1
    rest = " ".join(words[n:])
    if n >= 2 and len(rest) > 8 and not is_target(rest):
        return n, rest
    return 0, text


def _form_of(project: Project, goals: tuple[tuple[int, str], ...], line: int) -> Form:
    """A form the form reader read, as the pairing with its narrative takes it: fields by label, and text in
    simplified characters, as the narrative is matched (``read`` gives a traditional document's text back as
    written)."""
    plain = {"name": project.name, "department": project.department, "implementing_unit": project.implementing_unit,
             "nature": project.nature, "category": project.category}
    values = {**{k: simplified(v) if v else v for k, v in plain.items()},  # matched as the narrative is
              "start": project.start_date.isoformat() if project.start_date else None,
              "end": project.end_date.isoformat() if project.end_date else None}
    by_label = {k: [FieldValue(v, project.line)] for k, v in values.items() if v}
    return Form(line=line, fields=by_label, funds=project.funds, fiscal_year=project.fiscal_year,
                indicators=list(project.indicators), citations=list(project.citations),
                overall_goal=simplified(project.overall_goal) if project.overall_goal else None,
                annual_goal=simplified(project.annual_goal) if project.annual_goal else None,
                text_lines=[(n, simplified(text)) for n, text in goals])


_UNIT_HEADING = re.compile(
    r"^[\u4e00-\u9fffA-Za-z0-9()]{4,40}?(?:委员会|中心|馆|办公室|局|院|所|站)(?:\((?:本级|本部)\))?$"
)


def _is_unit_heading(items: list[tuple[int, str]], k: int) -> bool:
    """A budget unit (预算单位) of the department standing alone before its projects' narratives."""
    return bool(_UNIT_HEADING.match(items[k][1])) and k + 1 < len(items) and starts_narrative(items[k + 1][1])


def _regions(items: list[tuple[int, str]]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The body cut into ('unit' | 'narrative' | 'form', lines) regions in document order; a narrative may start
    at 一、项目概述 right after a form, without its 项目经费情况说明 line."""
    regions: list[tuple[str, list[tuple[int, str]]]] = []
    for k, (line, text) in enumerate(items):
        if _is_unit_heading(items, k):
            regions.append(("unit", [(line, text)]))
            regions.append(("narrative", []))
        elif _is_form_title(text):
            regions.append(("form", [(line, text)]))
        elif (starts_narrative(text) or _OVERVIEW.match(text) and regions and regions[-1][0] == "form") \
                and not (regions and regions[-1][0] == "narrative" and not regions[-1][1]):
            regions.append(("narrative", [(line, text)]))
        elif regions:
            regions[-1][1].append((line, text))
    return [(kind, lines) for kind, lines in regions if lines]
