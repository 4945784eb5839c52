"""Audit: where a document contradicts itself, with the evidence side by side.

``audit(documents)`` runs every rule of ``RULES`` over the typed records
(``loaders.records``) and returns ``AuditFinding``s: the rule's id and
severity, the projects concerned, one ``Evidence`` per side compared (file,
1-based line, what the document says there) and a message in Chinese and
English. The audit records what the documents say and never corrects them.

Rules (ids ``family.name``) live in ``graph.audit.rules`` (money, units,
bounds), ``graph.audit.text`` (time, names, plans, copies) and
``graph.audit.years`` (across years, along the lineage links). The four kinds
of ``inconsistent`` finding the loaders record while parsing are kept and
mapped onto rule ids (``LOADER_RULES``); when a rule finds the same thing for
the same project, the rule's finding stands in for the loader's.

The findings in RDF (``pkg:Finding`` nodes) are written and read back by
``graph.rdf.findings``; this package never touches RDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from policykg.graph.audit import rules as _rules  # noqa: F401  (importing a rule module registers its rules)
from policykg.graph.audit import text as _text  # noqa: F401
from policykg.graph.audit import years as _years  # noqa: F401
from policykg.graph.audit.model import REGISTRY, AuditFinding, DocContext, Evidence, Rule, make, rule
from policykg.graph.linking.lineage import Lineage, compute_lineage
from policykg.loaders.records import Document, Finding, Project

__all__ = ["RULES", "AuditFinding", "Evidence", "Rule", "audit", "audit_document", "audit_across_years",
           "rows", "LOADER_RULES"]

# The loaders' own inconsistent findings, by the words of their message -> rule id.
LOADER_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"sub-projects of .* add up to"), "arithmetic.subprojects-sum"),
    (re.compile(r"年度预算安排 states"), "arithmetic.budget-lines"),
    (re.compile(r"headed （万元） but are only credible in 元"), "units.wan-header"),
    (re.compile(r"实际完成值 cell holds table header text"), "cells.header-text"),
    (re.compile(r"declares \d+ sub-projects; \d+ found"), "counts.subprojects"),
    (re.compile(r"the summary declares \d+ projects"), "counts.projects"),
    (re.compile(r"the summary declares .*add up to"), "arithmetic.document-total"),
    (re.compile(r"其他资金 differs between"), "arithmetic.funds-sources"),
)
_LOADER_ZH = {
    "arithmetic.subprojects-sum": "二级项目金额之和与上级项目的年度资金申请总额不符",
    "arithmetic.budget-lines": "年度预算安排写明的金额与标题中的金额不符",
    "units.wan-header": "金额栏标为（万元），所填数字只有按元计才合理；已按元读取",
    "cells.header-text": "实际完成值单元格中混入了表头文字，表头文字未作为取值读取",
    "counts.subprojects": "声明的二级项目个数与找到的不符",
    "counts.projects": "绩效目标设置情况声明的项目个数与找到的不符",
    "arithmetic.document-total": "绩效目标设置情况声明的预算资金与各项目之和不符",
    "arithmetic.funds-sources": "其他资金在项目资金总额栏与年度资金栏中不同",
}


def loader_findings(ctx: DocContext) -> list[AuditFinding]:
    """The loaders' ``inconsistent`` findings of the document, as audit findings of their rule ids."""
    out = []
    for n, finding in enumerate(ctx.doc.findings, 1):
        rule_id = next((r for pattern, r in LOADER_RULES if pattern.search(finding.message)), None)
        if finding.kind != "inconsistent" or rule_id is None:
            continue
        out.append(replace(_from_loader(ctx, finding, rule_id), loader_finding=n))
    return out


def _owner(ctx: DocContext, line: int | None) -> Project | None:
    """The project a loader finding at ``line`` is about: the last one starting at or before it."""
    before = [p for p in ctx.doc.projects if line is not None and p.line <= line]
    return max(before, key=lambda p: p.line) if before else None


def _from_loader(ctx: DocContext, finding: Finding, rule_id: str) -> AuditFinding:
    project = _owner(ctx, finding.line)
    message = re.sub(r"^\S+?:\d+: |^\S+?: ", "", finding.message)
    evidence = [ctx.evidence(finding.line, "loader", finding.text or message)]
    if project is not None and rule_id in ("arithmetic.budget-lines", "arithmetic.subprojects-sum", "units.wan-header"):
        stated = project.funds.annual or project.funds.total
        if stated is not None and stated.line != finding.line:
            evidence.insert(0, ctx.evidence(stated.line, "年度资金申请总额", stated.text))
    zh = _LOADER_ZH[rule_id] + (f"：{finding.text[:60]}" if finding.text else "")
    return make(ctx, rule_id, [ctx.ref(project)] if project else [], evidence, zh, message)


def _loader_rule(rule_id: str, compares_zh: str, compares_en: str, severity: str = "warning") -> None:
    def check(ctx: DocContext) -> list[AuditFinding]:
        return [f for f in loader_findings(ctx) if f.rule == rule_id]
    check.__doc__ = f"The loaders' finding mapped onto {rule_id}: {compares_en}."
    rule(rule_id, severity, compares_zh, compares_en, scope="loader")(check)


_loader_rule("units.wan-header", "表头（万元）vs 只有按元计才合理的数字",
             "a 万元 header over numbers credible only in yuan (read as yuan)")
_loader_rule("cells.header-text", "实际完成值单元格 vs 混入其中的表头文字", "a cell holding the table's header text")
_loader_rule("counts.subprojects", "声明的二级项目个数 vs 找到的二级项目", "sub-projects declared vs found", "error")
_loader_rule("counts.projects", "绩效目标设置情况声明的项目数 vs 找到的项目", "projects declared in the summary vs found",
             "error")
_loader_rule("arithmetic.document-total", "绩效目标设置情况声明的预算资金 vs 各项目之和",
             "the summary's declared total vs the projects' annual requests", "error")

RULES: dict[str, Rule] = REGISTRY  # every rule by id (a rule module adds its own when imported)


def audit_document(ctx: DocContext, rules: Iterable[str] | None = None) -> list[AuditFinding]:
    """The findings of one document (rules within a document), sorted by line; ``rules`` limits the ids."""
    wanted = set(rules) if rules is not None else None
    found: list[AuditFinding] = []
    for rule_id, r in sorted(RULES.items()):
        if r.scope == "document" and (wanted is None or rule_id in wanted):
            found.extend(r.check(ctx))
    covered = {(f.rule, p.line) for f in found for p in f.projects[:1]}
    for f in loader_findings(ctx):
        if (wanted is None or f.rule in wanted) and (f.rule, f.projects[0].line if f.projects else 0) not in covered:
            found.append(f)
    return _unique(found)


def _unique(found: list[AuditFinding]) -> list[AuditFinding]:
    seen: set[tuple[str, tuple[int, ...], str]] = set()
    out = []
    for f in sorted(found, key=lambda f: f.sort_key()):
        key = (f.rule, f.lines, f.message_en)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def audit_across_years(contexts: Sequence[DocContext], lineage: Lineage,
                       rules: Iterable[str] | None = None) -> list[AuditFinding]:
    """Findings of the rules across years, over the lineage links between the documents' projects."""
    wanted = set(rules) if rules is not None else None
    found: list[AuditFinding] = []
    for rule_id, r in sorted(RULES.items()):
        if r.scope == "corpus" and (wanted is None or rule_id in wanted):
            found.extend(r.check(contexts, lineage))
    return _unique(found)


def audit(documents: Iterable[Document], rules: Iterable[str] | None = None,
          lineage: Lineage | None = None) -> list[AuditFinding]:
    """Every finding of ``documents``: each document's own, then those across years (lineage computed
    when not given). ``rules`` limits the rule ids (unknown ids raise ``KeyError`` naming them).

    Returns: findings sorted by file, line and rule; deterministic for the same documents.
    """
    docs = list(documents)
    wanted = list(rules) if rules is not None else None
    unknown = sorted(set(wanted or ()) - set(RULES))
    if unknown:
        raise KeyError(f"unknown audit rule(s) {', '.join(unknown)}; the rules are {', '.join(sorted(RULES))}")
    contexts = [DocContext.of(doc) for doc in docs]
    found = [f for ctx in contexts for f in audit_document(ctx, wanted)]
    if any(RULES[r].scope == "corpus" for r in (wanted or RULES)) and len({d.fiscal_year for d in docs}) > 1:
        found += audit_across_years(contexts, lineage or compute_lineage(docs), wanted)
    return found


def rows(findings: Iterable[AuditFinding], lang: str = "en") -> list[dict[str, object]]:
    """One row per finding for tables, CSV and JSON: file, project, rule, severity, message, evidence."""
    out: list[dict[str, object]] = []
    for f in findings:
        project = f.projects[0] if f.projects else None
        out.append({
            "file": f.file_name,
            "project": project.name if project else "",
            "project_line": project.line if project else None,
            "rule": f.rule,
            "severity": f.severity,
            "message": f.message_zh if lang == "zh" else f.message_en,
            "evidence": [{"file": e.file_name, "line": e.line, "label": e.label, "says": e.text} for e in f.evidence],
        })
    return out


def side(evidence: Evidence, *, with_file: bool = False) -> str:
    """``line 411 实施周期: 2023年4月13日—2024年4月12日`` (with the file when the sides are in two files)."""
    where = f"{evidence.file_name}:{evidence.line}" if with_file else f"line {evidence.line}"
    return f"{where if evidence.line is not None else evidence.file_name} {evidence.label}: {evidence.text}"


def flat_rows(findings: Iterable[AuditFinding], lang: str = "en") -> list[dict[str, str]]:
    """One row per finding with the first two sides as columns (``line_a``, ``says_a``, ``line_b``,
    ``says_b``) and any further sides in ``more``: for CSV and the table."""
    out = []
    for f in findings:
        project = f.projects[0] if f.projects else None
        sides = list(f.evidence)
        files = {e.file_name for e in sides}
        row = {"file": f.file_name, "project": project.name if project else "",
               "project_line": str(project.line) if project else "", "rule": f.rule, "severity": f.severity}
        for key, ev in zip("ab", sides[:2], strict=False):
            row[f"line_{key}"] = f"{ev.file_name}:{ev.line}" if len(files) > 1 else str(ev.line or "")
            row[f"says_{key}"] = f"{ev.label}: {ev.text}"
        row.setdefault("line_b", "")
        row.setdefault("says_b", "")
        row["more"] = " | ".join(side(e, with_file=len(files) > 1) for e in sides[2:])
        row["message"] = f.message_zh if lang == "zh" else f.message_en
        out.append(row)
    return out
