"""Audit rules over the records: money that does not add up, units, bounds.

Each rule reads one document's ``loaders.records`` (a ``DocContext``) and
yields ``AuditFinding``s citing every line it compares. Money is compared in
yuan (``Decimal``, exact); a difference under 100 yuan (the 0.01 万元 the
forms round to) is no contradiction. Rules over the text a record does not
keep (computations written in 六、年度预算安排) are in ``graph.audit.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from policykg.graph.audit.model import AuditFinding, DocContext, Evidence, make, period_note, rule, squash, yuan_text
from policykg.graph.audit.text import written_products
from policykg.loaders.amounts import to_yuan
from policykg.loaders.records import Amount, Indicator, Project

ROUNDING = Decimal(100)  # yuan: the forms write 万元 to two decimals
_COUNT_UNITS = frozenset("件份个次家人篇场项台条本册间期套批户所".replace("", " ").split())
_MONEY_NAME = re.compile(r"费|价|标准|补助|补贴|租金|成本|金额|经费|餐")
_RATE_NAME = re.compile(r"率$")


def _amount(ctx: DocContext, amount: Amount, label: str) -> Evidence:
    return ctx.evidence(amount.line, label, amount.text)


def _indicator(ctx: DocContext, indicator: Indicator) -> Evidence:
    return ctx.evidence(indicator.line, "三级指标", f"{indicator.name} {indicator.target.text if indicator.target else ''}"
                        .strip())


def _is_cost(indicator: Indicator) -> bool:
    return "成本" in (indicator.level1 or "") or "成本" in (indicator.level2 or "")


@rule("arithmetic.subprojects-sum", "error", "二级项目金额之和 vs 上级项目的年度资金申请总额",
      "the sub-projects' amounts vs their parent's 年度资金申请总额 (annual request)")
def subprojects_sum(ctx: DocContext) -> Iterator[AuditFinding]:
    """A parent whose sub-projects (二级项目, each with its own amount) do not add up to its annual request."""
    for parent in ctx.doc.projects:
        children = ctx.children(parent)
        annual = parent.funds.annual
        amounts = [c.funds.annual for c in children]
        if not children or annual is None or any(a is None for a in amounts):
            continue
        total = sum((a.yuan for a in amounts if a), Decimal(0))
        if abs(total - annual.yuan) < 1:
            continue
        evidence = [_amount(ctx, annual, f"{parent.name} 年度资金申请总额")]
        evidence += [_amount(ctx, c.funds.annual, f"二级项目 {c.name}") for c in children if c.funds.annual]
        yield make(ctx, "arithmetic.subprojects-sum", [ctx.ref(parent), *(ctx.ref(c) for c in children)], evidence,
                   f"{len(children)}个二级项目合计 {yuan_text(total)}，而“{parent.name}”的年度资金申请总额为 "
                   f"{yuan_text(annual.yuan)}",
                   f"the {len(children)} sub-projects add up to {yuan_text(total)}, but {parent.name}'s annual "
                   f"request is {yuan_text(annual.yuan)}")


@rule("arithmetic.budget-lines", "error", "六、年度预算安排各项之和 vs 项目的年度资金申请总额",
      "the items of 六、年度预算安排 (budget plan) vs the project's annual request")
def budget_lines(ctx: DocContext) -> Iterator[AuditFinding]:
    """Budget items whose sum is neither the project's annual request nor contains it as a 合计 (total) item."""
    for project in ctx.doc.projects:
        items = [b for b in project.budget_lines if b.amount is not None]
        annual = project.funds.annual
        if not items or annual is None:
            continue
        values = [b.amount.yuan for b in items if b.amount]
        total = sum(values, Decimal(0))
        if abs(total - annual.yuan) < ROUNDING or any(abs(v - annual.yuan) < ROUNDING for v in values):
            continue
        evidence = [_amount(ctx, annual, "年度资金申请总额")]
        evidence += [ctx.evidence(b.line, f"年度预算安排 {b.label[:24]}", b.amount.text) for b in items if b.amount]
        yield make(ctx, "arithmetic.budget-lines", [ctx.ref(project)], evidence,
                   f"年度预算安排各项合计 {yuan_text(total)}，与年度资金申请总额 {yuan_text(annual.yuan)} 不符",
                   f"the budget plan's items add up to {yuan_text(total)}, the annual request is "
                   f"{yuan_text(annual.yuan)}")


@rule("arithmetic.quantity-price", "error", "数量 × 单价 vs 写明的金额（含按月/按年之差）",
      "quantity × unit price vs the amount written (including per month vs per year)")
def quantity_price(ctx: DocContext) -> Iterator[AuditFinding]:
    """A budget item with quantity and unit price (``8台，单价0.6万，4.8万``) whose product is not its amount.

    Computations written out in the text (``0.3万元*16人*12月=57.6万``) are
    checked by ``graph.audit.text.written_products`` under the same rule id.
    """
    yield from written_products(ctx)
    for project in ctx.doc.projects:
        for item in project.budget_lines:
            if item.quantity is None or item.unit_price is None or item.amount is None:
                continue
            computed = item.quantity * item.unit_price.yuan
            if abs(computed - item.amount.yuan) <= max(Decimal(1), item.amount.yuan / 1000):
                continue
            zh, en = period_note(computed, item.amount.yuan)
            text = f"{item.quantity.normalize():f}{item.quantity_unit or ''} × {item.unit_price.text}"
            yield make(ctx, "arithmetic.quantity-price", [ctx.ref(project)],
                       [ctx.evidence(item.line, f"{item.label[:24]} 数量×单价", text),
                        ctx.evidence(item.amount.line, f"{item.label[:24]} 金额", item.amount.text)],
                       f"{text} = {yuan_text(computed)}，写明的金额为 {item.amount.text}{zh}",
                       f"{text} = {yuan_text(computed)}, the amount written is {item.amount.text}{en}")


@rule("arithmetic.funds-sources", "error", "财政资金 + 其他资金 vs 项目资金总额；当年财政拨款 + 上年结转 + 其他 vs 年度资金",
      "财政资金 (fiscal) + 其他资金 (other) vs 项目资金总额 (total); 当年财政拨款 + 上年结转资金 + other vs the year's funds")
def funds_sources(ctx: DocContext) -> Iterator[AuditFinding]:
    """The sources of a form's money that do not add up to the total they stand under."""
    for project in ctx.doc.projects:
        f = project.funds
        others = [(f.other, "其他资金")] if f.other else []
        checks: list[tuple[Amount, str, list[tuple[Amount, str]]]] = []
        if f.total and f.fiscal:
            checks.append((f.total, "项目资金总额", [(f.fiscal, "财政资金"), *others]))
        year, year_label = (f.annual, "年度资金申请总额") if ctx.doc.kind == "declaration" else (f.initial, "年初预算数")
        if year and f.appropriation:
            carry = [(f.carry_over, "上年结转资金")] if f.carry_over else []
            checks.append((year, year_label, [(f.appropriation, "当年财政拨款"), *carry, *others]))
        for whole, label, parts in checks:
            total = sum((a.yuan for a, _ in parts), Decimal(0))
            if abs(total - whole.yuan) < ROUNDING:
                continue
            names = " + ".join(n for _, n in parts)
            yield make(ctx, "arithmetic.funds-sources", [ctx.ref(project)],
                       [_amount(ctx, whole, label), *(_amount(ctx, a, n) for a, n in parts)],
                       f"{names} = {yuan_text(total)}，而{label}为 {yuan_text(whole.yuan)}",
                       f"{names} = {yuan_text(total)}, but {label} is {yuan_text(whole.yuan)}")


@rule("arithmetic.execution-rate", "error", "全年执行数 ÷ 全年预算数 vs 写明的执行率",
      "self-evaluation 全年执行数 / 全年预算数 (executed / budget) vs the 执行率 written")
def execution_rate(ctx: DocContext) -> Iterator[AuditFinding]:
    """A self-evaluation whose 执行率 is not 全年执行数 / 全年预算数 (to half a percentage point)."""
    for project in ctx.doc.projects:
        f = project.funds
        if f.execution_rate is None or not f.adjusted or f.executed is None or not f.adjusted.yuan:
            continue
        computed = f.executed.yuan / f.adjusted.yuan
        if abs(computed - f.execution_rate) <= Decimal("0.005"):
            continue
        rate = f"{(f.execution_rate * 100).normalize():f}%"
        share = f"{(computed * 100).quantize(Decimal('0.01'))}%"
        yield make(ctx, "arithmetic.execution-rate", [ctx.ref(project)],
                   [_amount(ctx, f.adjusted, "全年预算数"), _amount(ctx, f.executed, "全年执行数"),
                    ctx.evidence(f.executed.line, "执行率", rate)],
                   f"全年执行数 ÷ 全年预算数 = {share}，而执行率写为 {rate}",
                   f"executed / budget = {share}, but the execution rate written is {rate}")


@rule("arithmetic.scores-total", "error", "各指标得分与资金得分之和 vs 总分",
      "the indicators' scores (and the funds' score) vs the total score (总分)")
def scores_total(ctx: DocContext) -> Iterator[AuditFinding]:
    """A self-evaluation whose 总分 is not the sum of its indicators' 得分 and the budget execution's 得分."""
    for project in ctx.doc.projects:
        scored = [i for i in project.indicators if i.score is not None]
        if project.total_score is None or not scored or len(scored) < len(project.indicators):
            continue
        total = sum((i.score for i in scored if i.score is not None), Decimal(0)) + (project.funds.score or 0)
        if total == project.total_score:
            continue
        line = ctx.find_line("总分", max(i.line for i in scored), 30) if ctx.lines else None
        evidence = [ctx.evidence(line, "总分", f"{project.total_score.normalize():f}")]
        if project.funds.score is not None and project.funds.executed:
            evidence.append(ctx.evidence(project.funds.executed.line, "预算执行率得分", f"{project.funds.score:f}"))
        evidence += [ctx.evidence(i.line, f"得分 {i.name[:20]}", f"{i.score:f}") for i in scored if i.score is not None]
        yield make(ctx, "arithmetic.scores-total", [ctx.ref(project)], evidence,
                   f"各项得分合计 {total.normalize():f}，总分写为 {project.total_score.normalize():f}",
                   f"the scores add up to {total.normalize():f}, the total score written is "
                   f"{project.total_score.normalize():f}")


@rule("units.money-without-currency", "warning", "金额类指标的计量单位没有货币（元）",
      "a money-valued indicator whose unit lacks a currency (人/天 where 元/人/天 is meant)")
def money_without_currency(ctx: DocContext) -> Iterator[AuditFinding]:
    """A 成本指标 about money (费, 价, 标准, 补助 …) with a number and a unit holding no 元 (``=180.00(人/天)``)."""
    for project in ctx.doc.projects:
        for ind in project.indicators:
            t = ind.target
            if not (t and t.value is not None and t.unit and _is_cost(ind) and _MONEY_NAME.search(ind.name)):
                continue
            unit = t.unit.strip()
            if "元" in unit or "%" in unit or unit.startswith(("万", "亿")) or \
                    not ("/" in unit or unit in _COUNT_UNITS):
                continue
            yield make(ctx, "units.money-without-currency", [ctx.ref(project)], [_indicator(ctx, ind)],
                       f"成本指标“{ind.name}”的金额 {t.value.normalize():f} 以“{unit}”计，缺少货币单位（元）",
                       f"cost indicator {ind.name}: {t.value.normalize():f} per “{unit}” has no currency (元)")


@rule("units.rate-in-count", "warning", "“……率”指标以件、份、个等数量单位计",
      "a rate (…率) measured in a count unit (差错率 ≤2件)")
def rate_in_count(ctx: DocContext) -> Iterator[AuditFinding]:
    """An indicator named as a rate (ends in 率) whose target is a count (件, 份, 个 …), not a percentage."""
    for project in ctx.doc.projects:
        for ind in project.indicators:
            t = ind.target
            if t and t.value is not None and t.unit and _RATE_NAME.search(squash(ind.name)) \
                    and t.unit.strip() in _COUNT_UNITS:
                yield make(ctx, "units.rate-in-count", [ctx.ref(project)], [_indicator(ctx, ind)],
                           f"“{ind.name}”是比率，目标值却以“{t.unit}”计（{t.text}）",
                           f"{ind.name} is a rate, but its target is a count in “{t.unit}” ({t.text})")


def _indicator_key(name: str) -> str:
    """An indicator name compared across projects: no spaces, no 费 (市外差旅补助费 = 市外差旅费补助费)."""
    return squash(name).replace("费", "")


@rule("units.same-indicator-units", "warning", "同一文件中同名指标的计量单位不同",
      "the same indicator with different units in two rows or projects of one document")
def same_indicator_units(ctx: DocContext) -> Iterator[AuditFinding]:
    """One indicator (same name, spaces and 费 aside) measured in different units in one document."""
    seen: dict[str, list[tuple[Project, Indicator]]] = {}
    for project in ctx.doc.projects:
        for ind in project.indicators:
            if ind.target and ind.target.value is not None and ind.target.unit:
                seen.setdefault(_indicator_key(ind.name), []).append((project, ind))
    for rows in seen.values():
        first: dict[str, tuple[Project, Indicator]] = {}
        for project, ind in rows:
            first.setdefault(squash(ind.target.unit if ind.target and ind.target.unit else ""), (project, ind))
        if len(first) < 2:
            continue
        picked = sorted(first.values(), key=lambda r: r[1].line)
        units = "、".join(f"“{i.target.unit}”" for _, i in picked if i.target)
        projects = list(dict.fromkeys(ctx.ref(p) for p, _ in picked))
        yield make(ctx, "units.same-indicator-units", projects, [_indicator(ctx, i) for _, i in picked],
                   f"指标“{picked[0][1].name}”在本文件中以不同单位计：{units}",
                   f"indicator {picked[0][1].name} is measured in different units in this document: {units}")


def _ceiling_yuan(ind: Indicator) -> Decimal | None:
    t = ind.target
    if not t or t.value is None or not t.unit or t.comparator not in ("≤", "<", "="):
        return None
    unit = t.unit.strip()
    if "/" in unit or not unit.endswith("元"):
        return None
    return to_yuan(t.value, unit)


@rule("bounds.cost-ceiling", "error", "成本指标的金额上限 vs 项目全部预算",
      "a 成本指标 (cost) ceiling above the project's whole budget")
def cost_ceiling(ctx: DocContext) -> Iterator[AuditFinding]:
    """A cost indicator capping one item (``单个课题成本 ≤3000000.00(元)``) above all the project's money."""
    for project in ctx.doc.projects:
        budget = project.funds.total or project.funds.annual or project.funds.initial
        if budget is None or not budget.yuan:
            continue
        for ind in project.indicators:
            ceiling = _ceiling_yuan(ind) if _is_cost(ind) else None
            if ceiling is None or ceiling <= budget.yuan:
                continue
            yield make(ctx, "bounds.cost-ceiling", [ctx.ref(project)],
                       [_indicator(ctx, ind), _amount(ctx, budget, "项目资金总额")],
                       f"成本指标“{ind.name}”上限 {yuan_text(ceiling)}，超过项目全部资金 {yuan_text(budget.yuan)}",
                       f"cost indicator {ind.name} allows up to {yuan_text(ceiling)}, more than the project's whole "
                       f"budget of {yuan_text(budget.yuan)}")
