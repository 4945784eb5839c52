"""Audit rules that compare what the records say with the text around them: time, names, plans, copies.

These rules read ``DocContext.lines`` (the source text) where the records do
not keep what they compare — the 实施周期 as written against the form's 计划开始/
完成日期, a date in 执行计划, a section labelled with another project's name, a
count planned in the narrative. They work on the visual lines any reader
produces (no layout knowledge): text is compared without spaces (``squash``),
and every finding cites the line each side stands on.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher

from policykg.graph.audit.model import AuditFinding, DocContext, make, period_note, rule, squash
from policykg.graph.linking.lineage import generic_words
from policykg.loaders.records import Indicator, Project

_DATE = re.compile(r"(?:(?P<y>20\d\d)年)?(?P<m>1[0-2]|0?[1-9])月(?:(?P<d>3[01]|[12]\d|0?[1-9])日)?")
_ISO = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")
_SCHEDULED = re.compile(r"(?:于|在|计划|预计|拟)(?P<date>20\d\d年(?:1[0-2]|0?[1-9])月(?:(?:3[01]|[12]\d|0?[1-9])日)?)"
                        r"(?:前|底|初|中旬|左右)?(?:完成|支付|执行|实施|开展|举办|召开|启动|验收|结清|上线)")
_PLANNED_START = re.compile(r"拟于(?P<date>20\d\d年(?:1[0-2]|0?[1-9])月(?:(?:3[01]|[12]\d|0?[1-9])日)?)(?:实施|启动|开始|开展)")


@dataclass(frozen=True, slots=True)
class Span:
    """A period read from text: first and last day (a month without a day spans the whole month)."""

    start: date
    end: date


def _day(y: int, m: int, d: str | None, *, last: bool) -> date:
    if d:
        return date(y, m, min(int(d), calendar.monthrange(y, m)[1]))
    return date(y, m, calendar.monthrange(y, m)[1] if last else 1)


def parse_period(text: str) -> Span | None:
    """``2023年4月13日—2024年4月12日``, ``2023年1月-12月``, ``2023年3月至2024年2月;`` -> Span.

    A date without a year takes the year before it; several periods (one per
    part of a project) give the earliest start and the latest end. ``None``
    when the text names no year and month.
    """
    year: int | None = None
    dates: list[tuple[int, int, str | None]] = []
    for m in _DATE.finditer(squash(text)):
        if m.group("y"):
            year = int(m.group("y"))
        if year is None:
            continue
        dates.append((year, int(m.group("m")), m.group("d")))
    if not dates:
        return None
    starts = [_day(y, mo, d, last=False) for y, mo, d in dates[0::2]]
    ends = [_day(y, mo, d, last=True) for y, mo, d in dates[1::2]] or [_day(*dates[0], last=True)]
    return Span(min(starts), max(ends))


def _month(d: date) -> str:
    return f"{d.year}年{d.month}月"


def _period_line(ctx: DocContext, project: Project) -> int | None:
    if not project.period:
        return None
    first, last = ctx.window_of(project)
    return ctx.find_line(project.period, (first + last) // 2, span=max(80, last - first))


def _date_line(ctx: DocContext, project: Project, day: date) -> int | None:
    return ctx.find_line(day.isoformat(), project.line, span=60)


@rule("time.period-dates", "warning", "实施周期 vs 表中计划开始/完成日期 vs 项目概述中的日期",
      "实施周期 (implementation period) vs the form's 计划开始/完成日期 vs dates in 项目概述")
def period_dates(ctx: DocContext) -> Iterator[AuditFinding]:
    """A project whose 实施周期 as written starts or ends in another month than the form's planned dates,
    or whose 项目概述 plans a start (``拟于2023年5月实施``) in another month than the 实施周期."""
    for project in ctx.doc.projects:
        span = parse_period(project.period or "")
        line = _period_line(ctx, project)
        if span is None or line is None:
            continue
        period_ev = ctx.evidence(line, "实施周期", project.period or "")
        differ = []
        for label, day, written in (("计划开始日期", project.start_date, span.start),
                                    ("计划完成日期", project.end_date, span.end)):
            at = _date_line(ctx, project, day) if day else None
            if day and at is not None and (day.year, day.month) != (written.year, written.month):
                differ.append((label, day, at))  # (at None: the loader took the dates from the period itself)
        if differ:
            dates = "，".join(f"{label}为 {day.isoformat()}" for label, day, _ in differ)
            dates_en = ", ".join(f"{label} {day.isoformat()}" for label, day, _ in differ)
            yield make(ctx, "time.period-dates", [ctx.ref(project)],
                       [period_ev, *(ctx.evidence(at, label, day.isoformat()) for label, day, at in differ)],
                       f"实施周期为“{project.period}”，而{dates}",
                       f"the implementation period reads “{project.period}”, but the form says {dates_en}")
        for n in ctx.owned_lines(project):
            m = _PLANNED_START.search(ctx.squashed[n - 1])
            planned = parse_period(m.group("date")) if m else None
            if planned and (planned.start.year, planned.start.month) != (span.start.year, span.start.month):
                yield make(ctx, "time.period-dates", [ctx.ref(project)],
                           [ctx.evidence(n, "项目概述", m.group(0) if m else ""), period_ev],
                           f"项目概述称“{m.group(0) if m else ''}”，实施周期却从 {_month(span.start)} 开始",
                           f"the overview plans “{m.group(0) if m else ''}”, but the period starts in "
                           f"{span.start.year}-{span.start.month:02d}")


def declared_span(ctx: DocContext, project: Project) -> Span | None:
    """The project's period: its 实施周期 as written, else the form's dates, else its parent's."""
    span = parse_period(project.period or "")
    if span is None and project.start_date and project.end_date:
        span = Span(project.start_date, project.end_date)
    if span is None and project.parent:
        parent = next((p for p in ctx.doc.projects if p.name == project.parent and p.parent is None), None)
        return declared_span(ctx, parent) if parent else None
    return span


@rule("time.activity-outside-period", "warning", "执行计划等处安排的日期 vs 项目的实施周期",
      "activities scheduled (于2024年3月完成) outside the project's declared period")
def activity_outside_period(ctx: DocContext) -> Iterator[AuditFinding]:
    """A dated step (``于2024年4月12日前结清``, ``计划于2024年3月完成验收``) outside the declared 实施周期."""
    for project in ctx.doc.projects:
        span = declared_span(ctx, project)
        if span is None or not ctx.lines:
            continue
        period_line = _period_line(ctx, project)
        for n in ctx.owned_lines(project):
            if n == period_line:
                continue
            for m in _SCHEDULED.finditer(ctx.squashed[n - 1]):
                when = parse_period(m.group("date"))
                if when is None or span.start <= when.start <= span.end:
                    continue
                evidence = [ctx.evidence(n, "执行计划", m.group(0))]
                if period_line:
                    evidence.append(ctx.evidence(period_line, "实施周期", project.period or ""))
                else:
                    evidence.append(ctx.evidence(_date_line(ctx, project, span.start) or project.line, "计划开始/完成日期",
                                                 f"{span.start.isoformat()}—{span.end.isoformat()}"))
                yield make(ctx, "time.activity-outside-period", [ctx.ref(project)], evidence,
                           f"“{m.group(0)}”在实施周期（{span.start.isoformat()}至{span.end.isoformat()}）之外",
                           f"“{m.group(0)}” falls outside the declared period {span.start.isoformat()} to "
                           f"{span.end.isoformat()}")


@rule("time.period-ended", "warning", "申报年度 vs 已经结束的实施周期",
      "a request for a fiscal year after the project's declared period ended")
def period_ended(ctx: DocContext) -> Iterator[AuditFinding]:
    """A declaration for year Y whose project period (实施周期 or 计划完成日期) ended before Y began."""
    if ctx.doc.kind != "declaration":
        return
    for project in ctx.doc.projects:
        year = project.fiscal_year or ctx.doc.fiscal_year
        span = parse_period(project.period or "")
        line, said = _period_line(ctx, project), project.period or ""
        label = "实施周期"
        if span is None and project.end_date:
            span = Span(project.start_date or project.end_date, project.end_date)
            line, label = _date_line(ctx, project, project.end_date), "计划开始/完成日期"
            said = f"{span.start.isoformat()}—{span.end.isoformat()}"
        if not year or span is None or span.end >= date(year, 1, 1) or line is None:
            continue
        year_line = ctx.find_line(f"{year}年度", project.line, span=40) or ctx.find_line(f"{year}", 1, span=15)
        yield make(ctx, "time.period-ended", [ctx.ref(project)],
                   [ctx.evidence(year_line, "申报年度", f"{year}年度"), ctx.evidence(line, label, said)],
                   f"{year}年度申报，而项目周期“{said}”已于 {span.end.isoformat()} 结束",
                   f"a {year} request, but the project's period “{said}” ended on {span.end.isoformat()}")


_LABEL = re.compile(r"^(?P<name>[^，。：:；;（(《》“”][^，。：:；;《》“”]{1,39}?)项目(?:实施主体)?[:：]")


def _names(ctx: DocContext) -> dict[str, Project]:
    names: dict[str, Project] = {}
    for p in ctx.doc.projects:
        names.setdefault(_bare(p.name), p)
    return names


def _bare(name: str) -> str:
    """A project name compared with a label: no spaces, no trailing 项目."""
    text = squash(name)
    return text[:-2] if text.endswith("项目") and len(text) > 4 else text


@rule("names.heading-vs-form", "notice", "说明中的项目标题 vs 表中的项目名称",
      "the narrative's heading for a project vs the form's 项目名称")
def heading_vs_form(ctx: DocContext) -> Iterator[AuditFinding]:
    """A narrative heading (or a 项目概述 that opens ``X项目：``) naming the project otherwise than its form."""
    names = _names(ctx)
    for project in ctx.doc.projects:
        labels: list[tuple[int | None, str]] = []
        if project.heading and _bare(project.heading) != _bare(project.name):
            labels.append((ctx.find_line(project.heading, project.line, 200), project.heading))
        first, _ = ctx.window_of(project)
        if project.overview and ctx.lines:
            m = _LABEL.match(squash(project.overview))
            if m and _bare(m.group("name")) != _bare(project.name) and _bare(m.group("name")) not in names:
                labels.append((ctx.find_line(m.group(0), first, 30), m.group("name")))
        for line, label in labels:
            if line is None:
                continue
            yield make(ctx, "names.heading-vs-form", [ctx.ref(project)],
                       [ctx.evidence(line, "说明标题", label), ctx.evidence(project.line, "项目名称", project.name)],
                       f"说明称该项目为“{label}”，表中项目名称为“{project.name}”",
                       f"the narrative calls the project “{label}”, the form names it “{project.name}”")


@rule("names.section-label", "warning", "项目经费情况说明的某一节以另一个项目的名称开头",
      "a section of one project's 项目经费情况说明 labelled with another project's name")
def section_label(ctx: DocContext) -> Iterator[AuditFinding]:
    """A line of a project's narrative opening ``X项目：`` or ``X项目实施主体：`` where X is another project
    (not one of its own sub-projects or its parent)."""
    names = _names(ctx)
    for project in ctx.doc.projects:
        if not ctx.lines:
            continue
        family = {project.name, project.parent, *(c.name for c in ctx.children(project))}
        for n in ctx.owned_lines(project):
            m = _LABEL.match(ctx.squashed[n - 1]) if n != project.line else None
            other = names.get(_bare(m.group("name"))) if m else None
            if other is None or other.name in family or _bare(other.name) == _bare(project.name) or not m:
                continue
            yield make(ctx, "names.section-label", [ctx.ref(project), ctx.ref(other)],
                       [ctx.evidence(n, "说明小节", m.group(0)), ctx.evidence(project.line, "项目名称", project.name)],
                       f"“{project.name}”的说明中有一节以另一个项目“{other.name}”开头",
                       f"a section of {project.name}'s narrative is labelled with another project, {other.name}")


def _title(text: str | None) -> str:
    return squash(text or "").strip("《》")


@rule("names.policy-spellings", "notice", "同一文件中同一政策文件的两种写法",
      "one cited policy spelled two ways in one document (title or 文号)")
def policy_spellings(ctx: DocContext) -> Iterator[AuditFinding]:
    """Two citations of one document whose titles differ in a few characters (推行 / 推进), or one title
    cited with two different 文号. Short forms (《建设方案》) and bracket widths are not spellings."""
    seen: dict[str, tuple[Project, int, str, str | None]] = {}
    for project in ctx.doc.projects:
        for c in project.citations:
            title = _title(c.title)
            if len(title) >= 8 and title not in seen:
                seen[title] = (project, c.line, c.title or "", c.doc_number)
    titles = sorted(seen)
    reported: set[tuple[str, str]] = set()
    for i, a in enumerate(titles):
        for b in titles[i + 1:]:
            if a in b or b in a or abs(len(a) - len(b)) > 3:
                continue
            matcher = SequenceMatcher(None, a, b, autojunk=False)
            changed = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
            if changed > 3 or matcher.ratio() < 0.9 or (a, b) in reported:
                continue
            reported.add((a, b))
            pa, la, ta, _ = seen[a]
            pb, lb, tb, _ = seen[b]
            yield make(ctx, "names.policy-spellings", list(dict.fromkeys([ctx.ref(pa), ctx.ref(pb)])),
                       [ctx.evidence(la, "引用", f"《{ta}》"), ctx.evidence(lb, "引用", f"《{tb}》")],
                       f"同一政策文件写法不一：《{ta}》与《{tb}》",
                       f"one policy document is written two ways: 《{ta}》 and 《{tb}》")
    numbers: dict[str, dict[str, tuple[Project, int]]] = {}
    for project in ctx.doc.projects:
        for c in project.citations:
            if c.doc_number and len(_title(c.title)) >= 8:
                numbers.setdefault(_title(c.title), {}).setdefault(c.doc_number, (project, c.line))
    for title, by_number in sorted(numbers.items()):
        if len(by_number) < 2:
            continue
        (na, (pa, la)), (nb, (pb, lb)) = sorted(by_number.items())[:2]
        yield make(ctx, "names.policy-spellings", list(dict.fromkeys([ctx.ref(pa), ctx.ref(pb)])),
                   [ctx.evidence(la, "文号", na), ctx.evidence(lb, "文号", nb)],
                   f"《{title}》引用了两个文号：{na} 与 {nb}", f"《{title}》 is cited with two 文号: {na} and {nb}")


_COUNT = "场|次|期|篇|个|家|人次|人|份|册|本|台|间|项|届|批|讲"
_PLAN = re.compile(rf"(?P<cmp>超过|多于|不少于|不低于|不小于|至少|不超过|不多于|不高于|不大于|共计|共|约|超)?(?P<n>\d+(?:\.\d+)?)(?P<u>{_COUNT})(?![\u4e00-\u9fff]*[/])")
_PLAN_CMP = {"超过": ">", "超": ">", "多于": ">", "不少于": "≥", "不低于": "≥", "不小于": "≥", "至少": "≥",
             "不超过": "≤", "不多于": "≤", "不高于": "≤", "不大于": "≤", "约": "~"}


def _salient(name: str) -> set[str]:
    """The CJK bigrams of an indicator name that say what it counts (not 数量, 次数, 举办 …)."""
    text = re.sub(r"[^\u4e00-\u9fff]", "", squash(name))
    generic = set(generic_words()) | {"数量", "次数", "场次", "举办", "开展", "完成", "组织", "活动", "工作", "个数",
                                      "人数", "期数", "总数", "年度", "全年", "每年", "累计"}
    return {text[i:i + 2] for i in range(len(text) - 1)} - generic


def _conflicts(plan_cmp: str, plan: Decimal, target_cmp: str, target: Decimal) -> bool:
    """True when the narrative's count and the indicator's target cannot both hold."""
    if plan_cmp == "=":
        return {"=": plan != target, "≥": plan < target, ">": plan <= target, "≤": plan > target,
                "<": plan >= target}.get(target_cmp, False)
    if plan_cmp in (">", "≥") and target_cmp == "=":
        return target < plan or (plan_cmp == ">" and target == plan)
    return False


def _shared(before: str, name: str) -> int:
    """Length of the longest run of ``name``'s characters standing in ``before`` (its salient words only)."""
    salient = _salient(name)
    best = 0
    plain = re.sub(r"[^\u4e00-\u9fff]", "", squash(name))
    for a in range(len(plain)):
        for b in range(a + 2, len(plain) + 1):
            piece = plain[a:b]
            if piece in before and any(piece[k:k + 2] in salient for k in range(len(piece) - 1)):
                best = max(best, b - a)
    return best


@rule("plans.narrative-vs-target", "warning", "说明或年度总体目标中计划的数量 vs 同一事项的指标值",
      "counts planned in the narrative or 年度总体目标 (举办培训12期, 超过100人次) vs the indicator target")
def narrative_vs_target(ctx: DocContext) -> Iterator[AuditFinding]:
    """A count the narrative plans for a thing (``举办培训 12 期``, ``超过100人次``) that the indicator for the
    same thing contradicts (``=10期``, ``=100人次``). The indicator is the one of the same unit whose name
    shares the longest salient run with the words just before the number (ties: the one of the same value)."""
    for project in ctx.doc.projects:
        indicators = [i for i in project.indicators if i.target and i.target.value is not None and i.target.unit
                      and i.target.comparator and re.fullmatch(_COUNT, i.target.unit.strip())]
        if not indicators or not ctx.lines:
            continue
        table = min(i.line for i in project.indicators)
        reported: set[int] = set()
        owned = ctx.owned_lines(project, with_children=True)
        previous = ""
        for n in owned:
            if n == project.line or n >= table or not ctx.squashed[n - 1]:
                continue
            text = previous + ctx.squashed[n - 1]
            head, previous = len(previous), ctx.squashed[n - 1][-14:]
            for m in _PLAN.finditer(text):
                if m.start() < head:
                    continue
                clause = re.split(r"[，,、；;。：:（(）)]", text[max(0, m.start() - 14):m.start()])[-1]
                before = clause
                plan = Decimal(m.group("n"))
                scored = [(_shared(before, i.name), i.target.value == plan if i.target else False, -i.line, i)
                          for i in indicators if i.target and (i.target.unit or "").strip() == m.group("u")]
                scored = [c for c in scored if c[0] >= 2]
                if not scored:
                    continue
                ind = max(scored, key=lambda c: c[:3])[3]
                t = ind.target
                plan_cmp = _PLAN_CMP.get(m.group("cmp") or "", "=")
                if ind.line in reported or t is None or t.value is None \
                        or not _conflicts(plan_cmp, plan, t.comparator or "=", t.value):
                    continue
                reported.add(ind.line)
                said = text[max(0, m.start() - 8):m.end()]
                yield make(ctx, "plans.narrative-vs-target", [ctx.ref(project)],
                           [ctx.evidence(n, "说明", said), ctx.evidence(ind.line, "三级指标", f"{ind.name} {t.text}")],
                           f"说明中计划“{said}”，指标“{ind.name}”却为 {t.text}",
                           f"the narrative plans “{said}”, but indicator {ind.name} says {t.text}")


_PLAN_TEXTS = (("overview", "项目概述"), ("overall_goal", "总体目标"), ("annual_goal", "年度总体目标"))


def _planned_counts(ctx: DocContext, project: Project,
                    ind: Indicator) -> list[tuple[Decimal, str, int | None, str, int]]:
    """What ``project``'s plan states of ``ind``'s count: ``(count, label, 1-based line or None, text, shared)``,
    ``shared`` the length of the salient run the words before the count share with the indicator's name.

    Read from the records, not the lines (so PDF and spreadsheet sources count too): exact or capped counts
    (``举办12场``, ``共计3期``, ``不超过200人次``) in 项目概述 / 总体目标 / 年度总体目标 whose words just before
    the number share a salient run of two CJK characters or more with the indicator's name, and
    六、年度预算安排 lines of the same unit whose label does. Counts per month or per item (``每月2场``) and
    lower bounds (``超过``, ``不少于``) and estimates (``约``) are left out: they do not bound the target.
    """
    unit = (ind.target.unit or "").strip() if ind.target else ""
    out: list[tuple[Decimal, str, int | None, str, int]] = []
    for attr, label in _PLAN_TEXTS:
        text = squash(getattr(project, attr) or "")
        for m in _PLAN.finditer(text):
            if m.group("u") != unit or _PLAN_CMP.get(m.group("cmp") or "", "=") not in ("=", "≤"):
                continue
            clause = re.split(r"[，,、；;。：:（(）)]", text[max(0, m.start() - 14):m.start()])[-1]
            shared = _shared(clause, ind.name)
            if "每" in clause or "/" in text[m.end():m.end() + 2] or shared < 2:
                continue
            said = clause + m.group(0)
            out.append((Decimal(m.group("n")), label, ctx.find_line(said, project.line), said, shared))
    for b in project.budget_lines:
        shared = _shared(squash(b.label), ind.name)
        if b.quantity is not None and (b.quantity_unit or "").strip() == unit and shared >= 2:
            out.append((b.quantity, "年度预算安排", b.line, f"{b.label} {b.quantity.normalize():f}{unit}", shared))
    return out


@rule("bounds.count-target", "warning", "指标的数量目标 vs 项目计划（说明、目标或预算明细）中同一事项的最大数量",
      "a count target (≥20场) above the largest count the plan (overview, goals or budget lines) gives the "
      "same activity (举办12场)")
def count_target(ctx: DocContext) -> Iterator[AuditFinding]:
    """An indicator whose target (``≥`` or ``=``, in 场/期/次/人次/个/家 …) asks more than the project's plan
    describes for the same activity: above the largest such count in 项目概述 / 总体目标 / 年度总体目标 or
    in a budget line's quantity, and above the sum of the best-matching counts of any one of those texts (parts
    of a total are not the total). Pairs plans.narrative-vs-target already reports are left to it."""
    reported = {(f.projects[0], f.evidence[-1].line) for f in narrative_vs_target(ctx)}
    for project in ctx.doc.projects:
        for ind in project.indicators:
            t = ind.target
            if t is None or t.value is None or t.comparator not in ("≥", "=") \
                    or not re.fullmatch(_COUNT, (t.unit or "").strip()) or (ctx.ref(project), ind.line) in reported:
                continue
            plans = _planned_counts(ctx, project, ind)
            if not plans or t.value <= max(c[0] for c in plans):
                continue
            best = max(c[4] for c in plans)
            sums: dict[str, Decimal] = {}
            for c in plans:
                if c[4] == best:
                    sums[c[1]] = sums.get(c[1], Decimal(0)) + c[0]
            if t.value <= max(sums.values()):
                continue
            _, label, line, said, _ = max(plans, key=lambda c: (c[0], c[4], -(c[2] or 0)))
            yield make(ctx, "bounds.count-target", [ctx.ref(project)],
                       [ctx.evidence(ind.line, "三级指标", f"{ind.name} {t.text}"), ctx.evidence(line, label, said)],
                       f"指标“{ind.name}”目标为 {t.text}，而项目{label}中同一事项最多为“{said}”",
                       f"indicator {ind.name} targets {t.text}, but the project's {label} plans at most “{said}” "
                       f"of it")


def _own_text(ctx: DocContext, project: Project) -> str:
    """The narrative of a project (and of its sub-projects): its window without indicator rows."""
    family = [project, *ctx.children(project)]
    table = min((i.line for p in family for i in p.indicators), default=len(ctx.lines) + 1)
    parts = [squash(project.name), squash(project.overview or ""), squash(project.annual_goal or "")]
    parts += [ctx.squashed[n - 1] for n in ctx.owned_lines(project, with_children=True) if n < table]
    parts += [squash(b.label) for p in family for b in p.budget_lines]
    return "".join(parts)


# Words any indicator may use, whatever the project does (a copied indicator is told by what remains).
_INDICATOR_WORDS = re.compile(r"满意度|满意|及时性|及时率|及时|完成率|完成|合格率|合格|有效性|有效|健全性|健全|情况|数量|"
                              r"次数|提升|提高|知晓度|知晓|稳定率|稳定|正常|保障|长效|管理|制度|执行|用户|人员|单位|方面|"
                              r"工作|项目|内容|主题|匹配|[率度性数]")


def _foreign_terms(indicator: Indicator, own: str, other: str) -> list[str]:
    """Non-overlapping bigrams of the indicator (name and target, generic indicator words aside) found in
    ``other``'s text and not in ``own``."""
    text = squash(indicator.name + "，" + (indicator.target.text if indicator.target else ""))
    text = re.sub(r"[^\u4e00-\u9fff]+", "，", _INDICATOR_WORDS.sub("，", text))
    generic = set(generic_words())
    terms, k = [], 0
    while k < len(text) - 1:
        bigram = text[k:k + 2]
        if bigram not in generic and bigram in other and bigram not in own:
            terms.append(bigram)
            k += 2
        else:
            k += 1
    return terms


@rule("copy.foreign-activity", "warning", "指标照抄自另一项目，说的是那个项目的活动",
      "an indicator copied from another project that names that project's activity (等保测评 in an SMS platform)")
def foreign_activity(ctx: DocContext) -> Iterator[AuditFinding]:
    """An indicator row copied from another project of the document: it stands there word for word, next
    to a row that was copied with it (a block of rows), and names at least three things (bigrams) that
    only the other project's narrative speaks of."""
    if not ctx.lines:
        return
    tops = [p for p in ctx.doc.projects if p.indicators]
    own = {id(p): _own_text(ctx, p) for p in tops}

    def row(i: Indicator) -> tuple[str, str]:
        return squash(i.name), squash(i.target.text if i.target else "")

    for project in tops:
        rows = project.indicators
        for k, ind in enumerate(rows):
            neighbours = {row(rows[j]) for j in (k - 1, k + 1) if 0 <= j < len(rows)}
            for other in tops:
                theirs = {row(i): i for i in other.indicators} if other is not project else {}
                twin = theirs.get(row(ind))
                if twin is None or not neighbours & theirs.keys():
                    continue
                terms = _foreign_terms(ind, own[id(project)], own[id(other)])
                if len(terms) < 3:
                    continue
                yield make(ctx, "copy.foreign-activity", [ctx.ref(project), ctx.ref(other)],
                           [ctx.evidence(ind.line, "三级指标", ind.name), ctx.evidence(twin.line, "另一项目的指标", twin.name)],
                           f"“{project.name}”的指标“{ind.name}”与“{other.name}”的指标相同，且说的是后者的事项"
                           f"（{'、'.join(terms)}）",
                           f"{project.name}'s indicator {ind.name} is the same row as {other.name}'s and speaks of "
                           f"that project's work ({', '.join(terms)})")
                break


_NUM = r"\d+(?:\.\d+)?%?"
_TERM = rf"{_NUM}(?:万元|万|元|[\u4e00-\u9fff]{{1,2}}(?:/[\u4e00-\u9fff]{{1,2}})*)?"
_PRODUCT = re.compile(rf"(?P<lhs>{_TERM}(?:[*×xX]{_TERM})+)=(?P<rhs>{_NUM})(?P<ru>万元|万|元)?")
_AREA = re.compile(rf"(?P<q>{_NUM})(?P<qu>平方米|平方|平|㎡)[，,、]?(?P<p>{_NUM})元/(?:平方米|平方|平|㎡)"
                   rf"[^。；;，,]{{0,12}}[，,]?(?:合计|共计|计|共)(?P<a>{_NUM})(?P<au>万元|万|元)")


def _number(text: str) -> Decimal:
    m = re.match(r"\d+(?:\.\d+)?", text)
    value = Decimal(m.group(0)) if m else Decimal(0)
    return value / 100 if text.endswith("%") else value


def _matches(computed: Decimal, written: Decimal, written_text: str) -> bool:
    """``computed`` equals ``written`` up to the 万/元 scale and the decimals ``written`` is given to."""
    decimals = len(written_text.split(".")[1]) if "." in written_text else 0
    tolerance = max(Decimal(5) / 10 ** (decimals + 1), abs(written) / 1000)
    return any(abs(computed * scale - written) <= tolerance for scale in (Decimal(1), Decimal("0.0001"), Decimal(10000)))


def written_products(ctx: DocContext) -> Iterator[AuditFinding]:
    """Products written out in the text (``0.3万元*16人*12月=57.6万``, ``1469平方米，9元/平方…合计15.8652万元``)
    whose result is not what is written, at any 万/元 scale (rule ``arithmetic.quantity-price``).

    Consecutive lines are joined so that a product wrapped over two lines is read whole.
    """
    if not ctx.lines:
        return
    consumed: dict[int, int] = {}  # line -> characters at its start read as the end of the line before
    for n in range(1, len(ctx.lines) + 1):
        head = ctx.squashed[n - 1]
        if not head:
            continue
        following = next((k for k in range(n + 1, min(n + 3, len(ctx.lines)) + 1) if ctx.squashed[k - 1]), None)
        text = head + (ctx.squashed[following - 1] if following else "")
        for m in [*_PRODUCT.finditer(text), *_AREA.finditer(text)]:
            if m.start() >= len(head) or m.start() < consumed.get(n, 0):
                continue
            if following and m.end() > len(head):
                consumed[following] = max(consumed.get(following, 0), m.end() - len(head))
            if "lhs" in m.groupdict():
                factors = [_number(t) for t in re.split(r"[*×xX]", m.group("lhs"))]
                written_text = m.group("rhs")
            else:
                factors = [_number(m.group("q")), _number(m.group("p"))]
                written_text = m.group("a")
            computed = Decimal(1)
            for f in factors:
                computed *= f
            written = _number(written_text)
            if _matches(computed, written, written_text):
                continue
            project = ctx.owner(n)
            zh, en = next(((z, e) for s in (Decimal(1), Decimal("0.0001"), Decimal(10000))
                           for z, e in [period_note(computed * s, written)] if z), ("", ""))
            end = n if m.end() <= len(head) else following or n
            evidence = [ctx.evidence(n, "计算", m.group(0))]
            if end != n:
                evidence.append(ctx.evidence(end, "结果", written_text + (m.groupdict().get("ru") or m.groupdict().get("au") or "")))
            yield make(ctx, "arithmetic.quantity-price", [ctx.ref(project)] if project else [], evidence,
                       f"“{m.group(0)}”：各数相乘得 {computed.normalize():f}，与写明的 {written_text} 不符{zh}",
                       f"“{m.group(0)}”: the factors multiply to {computed.normalize():f}, not the {written_text} "
                       f"written{en}")
