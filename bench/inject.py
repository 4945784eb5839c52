"""Known contradictions written into synthetic documents, one per document, to measure the audit.

``inject(text, expected, layout, context)`` changes the text of one generated
document so that it contradicts itself in the way of one audit rule
(``graph.audit.engine.RULES``) and returns the new text with a record of what was
changed, or ``None`` when the document offers no place for that rule (a
self-evaluation has no 实施周期, a single project no second project to copy
from). ``bench.generate`` calls it for a known fraction of the documents
(``--inject``) and records each change in the manifest (``injected``); the
other documents are written exactly as without injection.

Every change is deterministic from the document and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

Mutation = Callable[[str, "Context"], tuple[str, str] | None]


@dataclass(frozen=True)
class Context:
    """What a mutation may use besides the text: the layout, the year, the projects as the manifest states
    them (name, parent, annual yuan, indicators), and last year's projects of the same department."""

    layout: str
    year: int
    projects: list[dict[str, object]]
    previous: list[dict[str, object]]


def _spaced(text: str) -> str:
    return re.sub(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])", " ", text)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _tops(ctx: Context) -> list[dict[str, object]]:
    return [p for p in ctx.projects if p["parent"] is None]


def _lone(ctx: Context) -> list[dict[str, object]]:
    """Top-level projects without sub-projects."""
    parents = {p["parent"] for p in ctx.projects}
    return [p for p in _tops(ctx) if p["name"] not in parents]


def _text_only(ctx: Context) -> bool:
    return ctx.layout == "declaration-text"


def _first_section(text: str, section: str, nth: int = 0) -> int | None:
    """Offset of the text after the nth ``、<section>`` heading line."""
    found = [m.end() for m in re.finditer(rf"、{section}\n\n", text)]
    return found[nth] if len(found) > nth else None


def _prepend(text: str, section: str, sentence: str, nth: int = 0) -> str | None:
    at = _first_section(text, section, nth)
    return None if at is None else text[:at] + _spaced(sentence) + "\n\n" + text[at:]


def budget_lines(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"(?<=\n)预算资金 (\d+(?:\.\d+)?) 万元。", text) if _text_only(ctx) else None
    if m is None:
        return None
    wan = Decimal(m.group(1))
    a = (wan * Decimal("0.8")).quantize(Decimal("0.1"))
    b = (wan * Decimal("0.4")).quantize(Decimal("0.1")) + 1
    new = f"（1）专项经费 {a} 万；（2）其余 {b} 万。"
    return text[:m.start()] + new + text[m.end():], f"budget items {a}+{b} 万 under an annual request of {wan} 万"


def subprojects_sum(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"项目预计 (\d+(?:\.\d+)?) 万元", text)
    if m is None or not _text_only(ctx):
        return None
    wan = Decimal(m.group(1)) + 7
    return text[:m.start(1)] + f"{wan}" + text[m.end(1):], f"a sub-project raised to {wan} 万"


def quantity_price(text: str, ctx: Context) -> tuple[str, str] | None:
    new = _prepend(text, "实施方案", "人员经费按 0.3万元*16人*12月=60万元测算。") if _text_only(ctx) else None
    return (new, "0.3万元*16人*12月=60万元 (57.6)") if new else None


def funds_sources(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"其中：财政资金 ([\d,]+\.\d\d)", text) if _text_only(ctx) else None
    if m is None:
        return None
    value = Decimal(m.group(1).replace(",", ""))
    wrong = _yuan((value * Decimal("0.9")).quantize(Decimal(1)))
    return text[:m.start(1)] + wrong + text[m.end(1):], f"财政资金 {wrong} under 项目资金总额 {m.group(1)}"


def execution_rate(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"\t年度资金总额\t[^\t]+\t[^\t]+\t[^\t]+\t10\t(\d+)%", text)
    if m is None:
        return None
    rate = int(m.group(1))
    wrong = rate - 10 if rate > 20 else rate + 10
    return text[:m.start(1)] + str(wrong) + text[m.end(1):], f"执行率 {wrong}% where {rate}% is computed"


def scores_total(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"\t(\d+)\t(\d+)\t无\n", text)
    if m is None or ctx.layout != "self-evaluation-tsv":
        return None
    score = int(m.group(2)) - 1
    return text[:m.start(2)] + str(score) + text[m.end(2):], f"one 得分 lowered to {score}; 总分 still 100"


def header_text(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"\t([^\t\n]+)\t\d+\t\d+\t无\n", text) if ctx.layout == "self-evaluation-tsv" else None
    if m is None:
        return None
    return text[:m.start(1)] + "实际完成值 " + text[m.start(1):], f"header text 实际完成值 in the cell of {m.group(1)}"


def money_without_currency(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"(单场活动成本|单个课题成本) (≤\d+\.00)\(元/(场|个)\)", text)
    if m is None:
        return None
    return text[:m.start()] + f"{m.group(1)} {m.group(2)}(人/{m.group(3)})" + text[m.end():], m.group(1) + " in 人/…"


def rate_in_count(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"((?:合格率|运行率|及时率|转化率) )[≥=]\d+\.00\(%\)", text)
    if m is None:
        return None
    return text[:m.start()] + m.group(1) + "≤2.00(件)" + text[m.end():], "a rate measured in 件"


def wan_header(text: str, ctx: Context) -> tuple[str, str] | None:
    big = [p for p in _tops(ctx) if p.get("annual_yuan") and Decimal(str(p["annual_yuan"])) >= 1_000_000]
    if not big or not _text_only(ctx):
        return None
    money = _yuan(Decimal(str(big[0]["annual_yuan"])))
    m = re.search(rf"项目资金\n\n（元）\n\n项目资金总额 {re.escape(money)} ", text)
    if m is None:
        return None
    return text[:m.start()] + m.group(0).replace("（元）", "（万元）") + text[m.end():], f"（万元） over {money}"


def same_indicator_units(text: str, ctx: Context) -> tuple[str, str] | None:
    if len(_tops(ctx)) < 2:
        return None
    rows = list(re.finditer(r"\n(举办活动场次|宣传推广次数|服务企业数量|完成课题报告数量) (≥\d+\.00)\((场|次|家|篇)\)\n", text))
    names = [r.group(1) for r in rows]
    repeated = next((r for k, r in enumerate(rows) if r.group(1) in names[:k]), None)
    if repeated is None:
        return None
    other = {"场": "次", "次": "场", "家": "个", "篇": "份"}[repeated.group(3)]
    return (text[:repeated.start(3)] + other + text[repeated.end(3):],
            f"{repeated.group(1)} in ({repeated.group(3)}) and ({other})")


def cost_ceiling(text: str, ctx: Context) -> tuple[str, str] | None:
    lone = _lone(ctx)
    m = re.search(r"(单场活动成本|单个课题成本) ≤\d+\.00\(元/(?:场|个)\)", text)
    if m is None or not lone:
        return None
    money = max(Decimal(str(p["annual_yuan"])) for p in _tops(ctx) if p.get("annual_yuan"))
    ceiling = f"≤{int(money * 2)}.00(元)"
    return text[:m.start()] + f"{m.group(1)} {ceiling}" + text[m.end():], f"a cost ceiling of {ceiling}"


def _period(year: int) -> re.Pattern[str]:
    """The generated 实施周期 of ``year``, wrapped anywhere (``… 12 月 31\\n\\n日``)."""
    parts = [str(year), "年", "1", "月", "1", "日至", str(year), "年", "12", "月", "31", "日"]
    return re.compile(r"(?:\s|\n)*".join(re.escape(p) for p in parts))


def period_dates(text: str, ctx: Context) -> tuple[str, str] | None:
    m = _period(ctx.year).search(text)
    if m is None or not _text_only(ctx):
        return None
    new = f"{ctx.year} 年 3 月 1 日至 {ctx.year + 1} 年 2 月 28 日"
    return text[:m.start()] + new + text[m.end():], f"实施周期 {new} against form dates {ctx.year}-01-01/{ctx.year}-12-31"


def activity_outside_period(text: str, ctx: Context) -> tuple[str, str] | None:
    if not _text_only(ctx):
        return None
    new = _prepend(text, "实施方案", f"计划于{ctx.year + 1}年3月完成验收。")
    return (new, f"验收 in {ctx.year + 1}-03") if new else None


def period_ended(text: str, ctx: Context) -> tuple[str, str] | None:
    y = ctx.year
    m = _period(y).search(text)
    dates = f"计划开始日期 {y}-01-01 计划完成日期 {y}-12-31"
    if m is None or dates not in text or not _text_only(ctx):
        return None
    text = text[:m.start()] + f"{y - 2} 年 1 月 1 日至 {y - 1} 年 12 月 31 日" + text[m.end():]
    return text.replace(dates, f"计划开始日期 {y - 2}-01-01 计划完成日期 {y - 1}-12-31", 1), f"period ended {y - 1}"


def heading_vs_form(text: str, ctx: Context) -> tuple[str, str] | None:
    for p in _lone(ctx):
        label = f"{_spaced(str(p['name']))}项目："
        at = text.find("一、项目概述\n\n" + label)
        if at >= 0 and _text_only(ctx):
            start = at + len("一、项目概述\n\n")
            return text[:start] + _spaced(f"{p['name']}专项经费项目：") + text[start + len(label):], f"{p['name']}专项经费"
    return None


def section_label(text: str, ctx: Context) -> tuple[str, str] | None:
    tops = _tops(ctx)
    at = _first_section(text, "实施主体", 1)
    if len(tops) < 2 or at is None or not _text_only(ctx):
        return None
    other = str(tops[0]["name"])
    return text[:at] + _spaced(f"{other}项目实施主体：") + text[at:], f"the second project's 实施主体 labelled {other}"


def policy_spellings(text: str, ctx: Context) -> tuple[str, str] | None:
    titles = [t for p in ctx.projects for c in p.get("citations", []) for t in [c.get("title")]  # type: ignore[attr-defined]
              if t and len(t) >= 12 and not re.search(r"[A-Za-z0-9]", t)]
    if not titles or not _text_only(ctx):
        return None
    title = str(titles[0])
    k = len(title) // 2
    changed = title[:k] + ("新" if title[k] != "新" else "行") + title[k + 1:]
    new = _prepend(text, "实施方案", f"依据《{changed}》。")
    return (new, f"《{changed}》 beside 《{title}》") if new else None


_COUNTED = {"举办活动场次": ("全年举办活动", "场"), "完成课题报告数量": ("全年完成课题报告", "篇"),
            "服务企业数量": ("全年服务企业", "家"), "宣传推广次数": ("全年开展宣传推广", "次")}


def _plan_below_target(text: str, ctx: Context, section: str, where: str) -> tuple[str, str] | None:
    """A count one below an indicator's ``≥`` target (``举办活动场次 ≥12`` -> ``全年举办活动 11 场``), written at
    the start of that project's ``section``: (new text, what was written), ``None`` when none applies."""
    if not _text_only(ctx):
        return None
    for index, p in enumerate(_tops(ctx)):
        for name, target in p.get("indicators", []):  # type: ignore[attr-defined]
            m = re.match(r"≥(\d+)\.00", target)
            if name in _COUNTED and m and int(m.group(1)) > 1:
                phrase, unit = _COUNTED[name]
                plan = int(m.group(1)) - 1
                new = _prepend(text, section, f"{phrase} {plan} {unit}。", index)
                if new:
                    return new, f"{where} plans {plan}{unit}, {name} {target}"
    return None


def narrative_vs_target(text: str, ctx: Context) -> tuple[str, str] | None:
    return _plan_below_target(text, ctx, "实施方案", "narrative")


def count_target(text: str, ctx: Context) -> tuple[str, str] | None:
    """A count in 项目概述 below the indicator's target. ``bench.audit_precision`` writes such a document as
    DOCX: in a text file ``plans.narrative-vs-target`` reports the pair from the lines first."""
    return _plan_below_target(text, ctx, "项目概述", "项目概述")


def foreign_activity(text: str, ctx: Context) -> tuple[str, str] | None:
    tops = _tops(ctx)
    if len(tops) < 2 or not _text_only(ctx):
        return None
    rows = "印刷出版展板制作 完成\n\n印刷出版验收 合格\n\n"
    forms = [m.end() for m in re.finditer(r"一级指标 二级指标 三级指标 年度\(/项目\)指标值\n\n(?:.*\n\n){4}(?:.*\n\n){2}", text)]
    if len(forms) < 2:
        return None
    new = text[:forms[1]] + rows + text[forms[1]:]
    new = new[:forms[0]] + rows + new[forms[0]:]
    new = _prepend(new, "实施方案", "委托印刷出版单位开展展板制作。", 1) or new
    return new, "印刷出版 rows copied into the first project from the second"


def _scale_money(text: str, ctx: Context, factor: int) -> tuple[str, dict[str, object]] | None:
    lone = [p for p in _lone(ctx) if p.get("annual_yuan") and any(
        q["name"] == p["name"] and q["parent"] is None for q in ctx.previous)]
    if not lone or not _text_only(ctx):
        return None
    p = lone[0]
    old = Decimal(str(p["annual_yuan"]))
    new = old * factor
    text = text.replace(f" {_yuan(old)}", f" {_yuan(new)}")
    old_wan, new_wan = format((old / 10000).normalize(), "f"), format((new / 10000).normalize(), "f")
    text = text.replace(f"预算资金 {old_wan} 万元。", f"预算资金 {new_wan} 万元。")
    m = re.search(r"涉及项目预算资金 (\d+\.\d\d) 万元", text)
    if m:
        total = Decimal(m.group(1)) + (new - old) / 10000
        text = text[:m.start(1)] + f"{total:.2f}" + text[m.end(1):]
    return text, p


def amount_jump(text: str, ctx: Context) -> tuple[str, str] | None:
    scaled = _scale_money(text, ctx, 5)
    return (scaled[0], f"{scaled[1]['name']}: money × 5 over last year") if scaled else None


def target_lowered(text: str, ctx: Context) -> tuple[str, str] | None:
    for p in _lone(ctx):
        before = next((q for q in ctx.previous if q["name"] == p["name"] and q["parent"] is None), None)
        earlier = dict(before.get("indicators", [])) if before else {}  # type: ignore[call-overload]
        for name, target in p.get("indicators", []):  # type: ignore[attr-defined]
            m = re.match(r"≥(\d+)\.00\((.+)\)$", str(earlier.get(name, "")))
            if m and re.match(r"≥\d+\.00\(", target) and int(m.group(1)) > 0:
                row = f"\n{_spaced(name)} {target}\n"
                if row not in text:
                    continue
                text = text.replace(row, f"\n{_spaced(name)} ≥0.00({m.group(2)})\n", 1)
                scaled = _scale_money(text, ctx, 2)
                if scaled and scaled[1]["name"] == p["name"]:
                    return scaled[0], f"{name} lowered to 0 while {p['name']}'s money doubled"
    return None


def document_total(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"涉及项目预算资金 ?(\d+\.\d\d) ?万元", text)
    if m is None:
        return None
    wrong = Decimal(m.group(1)) + 100
    return text[:m.start(1)] + f"{wrong:.2f}" + text[m.end(1):], f"summary total {wrong} 万元"


def project_count(text: str, ctx: Context) -> tuple[str, str] | None:
    m = re.search(r"编报绩效目标的项目 ?(\d+)个", text)
    if m is None:
        return None
    return text[:m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1):], "one project more declared"


def subproject_count(text: str, ctx: Context) -> tuple[str, str] | None:
    numerals = "一二三四五六七八九"
    m = re.search(rf"项目包含([{numerals[:-1]}])个二级项目", text)
    if m is None:
        return None
    more = numerals[numerals.index(m.group(1)) + 1]
    return text[:m.start(1)] + more + text[m.end(1):], f"{more}个二级项目 declared, {m.group(1)} described"


MUTATIONS: dict[str, Mutation] = {
    "arithmetic.budget-lines": budget_lines,
    "arithmetic.subprojects-sum": subprojects_sum,
    "arithmetic.quantity-price": quantity_price,
    "arithmetic.funds-sources": funds_sources,
    "arithmetic.execution-rate": execution_rate,
    "arithmetic.scores-total": scores_total,
    "arithmetic.document-total": document_total,
    "cells.header-text": header_text,
    "counts.projects": project_count,
    "counts.subprojects": subproject_count,
    "units.money-without-currency": money_without_currency,
    "units.rate-in-count": rate_in_count,
    "units.wan-header": wan_header,
    "units.same-indicator-units": same_indicator_units,
    "bounds.cost-ceiling": cost_ceiling,
    "bounds.count-target": count_target,
    "time.period-dates": period_dates,
    "time.activity-outside-period": activity_outside_period,
    "time.period-ended": period_ended,
    "names.heading-vs-form": heading_vs_form,
    "names.section-label": section_label,
    "names.policy-spellings": policy_spellings,
    "plans.narrative-vs-target": narrative_vs_target,
    "copy.foreign-activity": foreign_activity,
    "years.amount-jump": amount_jump,
    "years.target-lowered": target_lowered,
}


def inject(text: str, ctx: Context, counts: dict[str, int]) -> tuple[str, dict[str, str]] | None:
    """Write into ``text`` the contradiction of the applicable rule injected least often so far (``counts``,
    updated); ``None`` when no rule applies. Returns the new text and ``{"rule", "change"}``."""
    for rule in sorted(MUTATIONS, key=lambda r: (counts.get(r, 0), r)):
        done = MUTATIONS[rule](text, ctx)
        if done is not None and done[0] != text:
            counts[rule] = counts.get(rule, 0) + 1
            return done[0], {"rule": rule, "change": done[1]}
    return None
