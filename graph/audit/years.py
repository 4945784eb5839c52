"""Audit rules across years: a programme's money or targets changing between linked projects.

They follow the lineage links of ``graph.linking.lineage`` (this year's project
continues that project of an earlier year) between projects of the same
core name (``graph.linking.lineage.core_name``) and compare the two records: the
amount jumping by more than ``FACTOR`` with no reason stated in the later
project's text, and a target lowered while the money grew. Findings cite a line
in each of the two documents and concern both projects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from policykg.graph.audit.model import AuditFinding, DocContext, Evidence, make, rule, squash, yuan_text
from policykg.graph.linking.lineage import Lineage, amount_of, core_name
from policykg.loaders.records import Amount, Indicator, Project

FACTOR = Decimal(3)  # an amount three times (or a third of) last year's is a jump worth a reason
_REASON = re.compile(r"较上年|比上年|同比|调减|调增|压减|缩减|增加|减少|新增|一次性|结转|追加")


def _project(contexts: dict[str, DocContext], sha: str, index: int) -> tuple[DocContext, Project] | None:
    ctx = contexts.get(sha)
    return (ctx, ctx.doc.projects[index]) if ctx and index < len(ctx.doc.projects) else None


def _amount_field(project: Project) -> tuple[Amount, str] | None:
    funds = project.funds
    for amount, label in ((funds.annual, "年度资金申请总额"), (funds.initial, "年初预算数"), (funds.total, "项目资金总额"),
                          (funds.adjusted, "全年预算数"), (funds.executed, "全年执行数")):
        if amount is not None:
            return amount, label
    return None


def _pairs(contexts: Sequence[DocContext], lineage: Lineage) -> Iterator[tuple[DocContext, Project, DocContext, Project]]:
    by_sha = {ctx.doc.sha256: ctx for ctx in contexts}
    for link in sorted(lineage.links, key=lambda k: (k.successor.file_name, k.successor.line, k.predecessor.file_name)):
        later = _project(by_sha, link.successor.sha256, link.successor.index)
        earlier = _project(by_sha, link.predecessor.sha256, link.predecessor.index)
        if later and earlier and _same_programme(earlier[1], later[1]):
            yield earlier[0], earlier[1], later[0], later[1]


def _same_programme(a: Project, b: Project) -> bool:
    """Linked projects of one programme: the same core name (宣传与推广 = 宣传推广), and for two sub-projects,
    parents of the same core name (a link between same-named sub-projects of two programmes is not one)."""
    if core_name(a.name) != core_name(b.name):
        return False
    return not (a.parent and b.parent and core_name(a.parent) != core_name(b.parent))


def _evidence(ctx: DocContext, amount: Amount, label: str, year: int | None) -> Evidence:
    return ctx.evidence(amount.line, f"{year} {label}", amount.text)


@rule("years.amount-jump", "notice", f"同一项目相邻年度的金额变化超过 {FACTOR} 倍且未说明理由",
      f"the same programme's amount changing more than {FACTOR}-fold between linked years with no reason stated",
      scope="corpus")
def amount_jump(contexts: Sequence[DocContext], lineage: Lineage) -> Iterator[AuditFinding]:
    """A project whose money is ``FACTOR`` times (or a ``FACTOR``-th of) the project it continues, while its
    text states no reason (较上年, 调减, 新增, 一次性 …)."""
    for ctx_a, a, ctx_b, b in _pairs(contexts, lineage):
        old, new = amount_of(a), amount_of(b)
        fa, fb = _amount_field(a), _amount_field(b)
        if not old or not new or fa is None or fb is None:
            continue
        ratio = new / old
        if 1 / FACTOR < ratio < FACTOR:
            continue
        text = squash(" ".join(filter(None, [b.overview, b.annual_goal, b.overall_goal, b.achieved])))
        if _REASON.search(text):
            continue
        times = f"{ratio:.2f}" if ratio >= 1 else f"1/{(1 / ratio):.2f}"
        yield make(None, "years.amount-jump", [ctx_a.ref(a), ctx_b.ref(b)],
                   [_evidence(ctx_a, fa[0], fa[1], a.fiscal_year), _evidence(ctx_b, fb[0], fb[1], b.fiscal_year)],
                   f"“{b.name}”{b.fiscal_year}年 {yuan_text(new)}，为{a.fiscal_year}年（{yuan_text(old)}）的 {times} 倍，"
                   f"未说明理由",
                   f"{b.name} has {yuan_text(new)} in {b.fiscal_year}, {times} times the {yuan_text(old)} of "
                   f"{a.fiscal_year}, with no reason stated")


def _key(ind: Indicator) -> str:
    return squash(ind.name).replace("费", "")


@rule("years.target-lowered", "notice", "资金增加而同一指标的目标值降低",
      "an indicator target lowered while the programme's money grew", scope="corpus")
def target_lowered(contexts: Sequence[DocContext], lineage: Lineage) -> Iterator[AuditFinding]:
    """A ``≥``/``>``/``=`` target of the same indicator (same name and unit) lower than last time, while
    the project's money is more than the project it continues."""
    for ctx_a, a, ctx_b, b in _pairs(contexts, lineage):
        old, new = amount_of(a), amount_of(b)
        if not old or not new or new <= old:
            continue
        earlier = {_key(i): i for i in a.indicators if i.target and i.target.value is not None}
        for ind in b.indicators:
            prev = earlier.get(_key(ind))
            t, p = ind.target, prev.target if prev else None
            if prev is None or t is None or p is None or t.value is None or p.value is None:
                continue
            if squash(t.unit or "") != squash(p.unit or "") or t.comparator not in ("≥", ">", "=") \
                    or p.comparator not in ("≥", ">", "=") or t.value >= p.value:
                continue
            yield make(None, "years.target-lowered", [ctx_a.ref(a), ctx_b.ref(b)],
                       [ctx_a.evidence(prev.line, f"{a.fiscal_year} 三级指标", f"{prev.name} {p.text}"),
                        ctx_b.evidence(ind.line, f"{b.fiscal_year} 三级指标", f"{ind.name} {t.text}")],
                       f"“{ind.name}”由 {p.text} 降为 {t.text}，而资金由 {yuan_text(old)} 增至 {yuan_text(new)}",
                       f"{ind.name} lowered from {p.text} to {t.text} while the money grew from {yuan_text(old)} to "
                       f"{yuan_text(new)}")
