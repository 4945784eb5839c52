"""Facts about one node of the graph, as views and analyses show them.

Reads the RDF shape written by ``graph.rdf.build`` (see the vocabulary contract in
ARCHITECTURE.md): which of the five kinds a node is, its label, the money a
project, policy or organization stands for, and a plain-text description with
amounts in 万元 and the source file and 1-based line of each fact.

Descriptions are plain text, never HTML: a view hands them to vis-network,
which shows tooltips with ``innerText``, so document text cannot run as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from policykg.graph.errors import QueryError
from policykg.loaders.text import normalize_brackets, squash
from policykg.ontology import ORG, PKG

N = TypeVar("N", bound=Hashable)  # a node: an rdflib term, or an IRI string
KIND_OF_CLASS: dict[Node, str] = {  # keyed by Node: an rdf:type object is looked up as it comes
    PKG.Project: "project",
    PKG.PolicyDocument: "policy",
    ORG.Organization: "organization",
    PKG.Place: "place",
    PKG.Indicator: "indicator",
}
# Which amount stands for a project's money, in order of preference, with its name on the form.
MONEY_BASIS = (
    (PKG.annualFunds, "annual request 年度资金申请总额"),
    (PKG.adjustedBudget, "full-year budget 全年预算数"),
    (PKG.initialBudget, "initial budget 年初预算数"),
    (PKG.totalFunds, "total funds 项目资金总额"),
)
MONEY_FACTS = MONEY_BASIS + (
    (PKG.fiscalFunds, "fiscal funds 财政资金"),
    (PKG.appropriation, "appropriation 当年财政拨款"),
    (PKG.carryOver, "carry-over 上年结转资金"),
    (PKG.otherFunds, "other funds 其他资金"),
    (PKG.executedAmount, "executed 全年执行数"),
)
LIST_LIMIT = 5  # items of a list shown in a description before "… and N more"
# Links into a policy or an organization whose projects a description counts and sums, and those only counted.
LINKED = (PKG.justifiedBy, PKG.department, PKG.implementingUnit)
COUNTED = (PKG.cites, PKG.issuer, PKG.mentionsPlace)


@dataclass(frozen=True, slots=True)
class Money:
    """The money a node stands for: ``yuan`` (Decimal) and which amount it is (``basis``)."""

    yuan: Decimal
    basis: str


def wan(yuan: Decimal) -> str:
    """Yuan as 万元 text with two decimals and digit groups: ``130000000`` -> ``13,000.00 万元``."""
    return f"{yuan / 10000:,.2f} 万元"


def kind_of(graph: Graph, node: Node) -> str | None:
    """``project``, ``policy``, ``organization``, ``place`` or ``indicator``; ``None`` for other nodes."""
    for cls in graph.objects(node, RDF.type):
        kind = KIND_OF_CLASS.get(cls)
        if kind:
            return kind
    return None


def label_of(graph: Graph, node: Node) -> str:
    """The Chinese rdfs:label (the documents' own name), else any label, else dcterms:title, else the IRI's end."""
    title = graph.value(node, DCTERMS.title)
    return choose_label(((str(v), getattr(v, "language", None)) for v in graph.objects(node, RDFS.label)),
                        None if title is None else str(title), str(node))


def choose_label(labels: Iterable[tuple[str, str | None]], title: str | None, node: str) -> str:
    """``label_of`` from its parts: the rdfs:label values as (text, language tag or ``None``), the dcterms:title
    (``None`` when not given) and the node's IRI."""
    chosen = min(labels, key=lambda label: (label[1] != "zh", label[0]), default=None)
    if chosen is not None:
        return chosen[0]
    return title if title is not None else node.rsplit("/", 1)[-1]


def year_of(graph: Graph, node: Node) -> str | None:
    value = graph.value(node, PKG.fiscalYear)
    return str(value) if value is not None else None


def source_of(graph: Graph, node: Node) -> str:
    """``file.txt line 12`` (the file of prov:wasDerivedFrom and pkg:sourceLine), with the page and cell of a
    PDF, sheet or table where there are (``form.pdf line 40 (p. 3, table 2 row 4 col 1)``); files only
    when no line."""
    files = {str(graph.value(s, PKG.fileName) or s) for s in graph.objects(node, PROV.wasDerivedFrom)}
    return source_text(files, graph.value(node, PKG.sourceLine), graph.value(node, PKG.sourcePage),
                       graph.value(node, PKG.sourceCell))


def source_text(files: Iterable[str], line: object, page: object = None, cell: object = None) -> str:
    """``source_of`` from its parts: the file names (or IRIs) and the line, page and cell (``None`` when not
    stated)."""
    names = sorted(set(files))
    if line is not None and len(names) == 1:
        return f"{names[0]} line {line}{_where(page, cell)}"
    return ", ".join(names)


def _place(graph: Graph, node: Node) -> str:
    """`` (p. 3, 自评表!C6)``: the pkg:sourcePage and pkg:sourceCell of ``node``, or nothing for text files."""
    return _where(graph.value(node, PKG.sourcePage), graph.value(node, PKG.sourceCell))


def _where(page: object, cell: object) -> str:
    parts = ([f"p. {page}"] if page is not None else []) + ([str(cell)] if cell is not None else [])
    return f" ({', '.join(parts)})" if parts else ""


def children_of(graph: Graph, project: Node) -> list[URIRef]:
    """Sub-projects (pkg:partOf ``project``), in IRI order."""
    return sorted(graph.subjects(PKG.partOf, project))  # type: ignore[arg-type]


def project_money(graph: Graph, project: Node) -> Money | None:
    """A project's money: its first amount in ``MONEY_BASIS`` order, else the sum over its sub-projects.

    A parent declared without a form of its own (001's G60科创走廊建设) gets the
    sum of its 二级项目; ``None`` when nothing is known.
    """
    return choose_money(lambda prop: graph.value(project, prop),
                        lambda: (project_money(graph, c) for c in children_of(graph, project)))


def choose_money(amount: Callable[[URIRef], object | None], parts: Callable[[], Iterable[Money | None]]) -> Money | None:
    """``project_money`` from its parts: ``amount(prop)`` gives the project's value of a ``MONEY_BASIS`` predicate
    (a literal or its lexical form, in yuan; ``None`` when not stated); ``parts()`` the money of its sub-projects,
    asked for only when no amount is stated."""
    for prop, basis in MONEY_BASIS:
        value = amount(prop)
        if value is not None:
            return Money(Decimal(str(value)), basis)
    summed = [m for m in parts() if m is not None]
    if summed:
        return Money(sum((m.yuan for m in summed), Decimal(0)), "sum of sub-projects 子项目合计")
    return None


def top_level(graph: Graph, projects: Iterable[Node]) -> set[Node]:
    """The given projects less those whose parent (at any depth) is among them: money counted once."""
    return top_level_by(projects, lambda p: graph.value(p, PKG.partOf))


def top_level_by(projects: Iterable[N], parent: Callable[[N], N | None]) -> set[N]:
    """``top_level`` with ``parent(p)`` giving the pkg:partOf of ``p`` (``None`` for a top-level project)."""
    chosen = set(projects)

    def has_chosen_ancestor(p: N) -> bool:
        seen: set[N] = set()
        up = parent(p)
        while up is not None and up not in seen:
            if up in chosen:
                return True
            seen.add(up)
            up = parent(up)
        return False

    return {p for p in chosen if not has_chosen_ancestor(p)}


def money_of(graph: Graph, nodes: Iterable[Node]) -> Decimal:
    """Total money of ``nodes`` (projects), a sub-project not counted again when its parent is among them."""
    total = Decimal(0)
    for p in top_level(graph, nodes):
        m = project_money(graph, p)
        if m is not None:
            total += m.yuan
    return total


class Rollup(Protocol):
    """How many projects link to a node by a predicate (``LINKED``, ``COUNTED``) and with how much money
    (``LINKED``): ``GraphRollup`` computes it from a graph, ``graph.answers.rollup.StoreRollup`` asks a store."""

    def count(self, node: Node, prop: URIRef) -> int: ...

    def money(self, node: Node, prop: URIRef) -> Decimal: ...

    def cited_at(self, policy: Node) -> list[str]:
        """Where ``policy`` is cited: ``source_of`` each citation of it (pkg:citedDocument; graph.rdf.build writes
        one for each project citing it, with pkg:cites), sorted, once each."""
        ...


class GraphRollup:
    """``Rollup`` from the triples of ``graph``: ``money_of`` the subjects linking to the node."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def count(self, node: Node, prop: URIRef) -> int:
        return len(set(self.graph.subjects(prop, node)))

    def money(self, node: Node, prop: URIRef) -> Decimal:
        return money_of(self.graph, self.graph.subjects(prop, node))

    def cited_at(self, policy: Node) -> list[str]:
        graph = self.graph
        return sorted({source_of(graph, c) for c in graph.subjects(PKG.citedDocument, policy)})


def justified_projects(graph: Graph, policy: Node) -> list[URIRef]:
    """Projects whose 立项依据 (legal basis) cites ``policy`` (pkg:justifiedBy), in IRI order."""
    return sorted(graph.subjects(PKG.justifiedBy, policy))  # type: ignore[arg-type]


def citing_projects(graph: Graph, policy: Node) -> list[URIRef]:
    """Projects that cite ``policy`` anywhere (pkg:cites), in IRI order."""
    return sorted(graph.subjects(PKG.cites, policy))  # type: ignore[arg-type]


def _more(items: list[str], limit: int = LIST_LIMIT) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; … and {len(items) - limit} more" if len(items) > limit else "")


def _amount_line(graph: Graph, project: Node, prop: URIRef) -> str:
    for note in graph.objects(project, PKG.amountAsWritten):
        if graph.value(note, PKG.writtenFor) == prop:
            line = graph.value(note, PKG.sourceLine)
            place = _place(graph, note).strip(" ()")
            return f" (line {line}{', ' + place if place else ''})" if line is not None else ""
    return ""


def describe(graph: Graph, node: Node, rollup: Rollup | None = None) -> str:
    """A plain-text description of ``node`` for a tooltip: one fact a line, amounts in 万元, sources.

    ``rollup`` counts and sums the projects linked to a policy, organization or place (default: from ``graph``).
    """
    kind = kind_of(graph, node)
    rollup = rollup if rollup is not None else GraphRollup(graph)
    if kind in ("policy", "organization", "place"):
        lines = {"policy": _policy_facts, "organization": _organization_facts, "place": _place_facts}[kind](
            graph, node, rollup)
    else:
        lines = {"project": _project_facts, "indicator": _indicator_facts}.get(
            kind or "", lambda g, n: [label_of(g, n)])(graph, node)
    return "\n".join(line for line in lines if line)


def _project_facts(graph: Graph, p: Node) -> list[str]:
    year = year_of(graph, p)
    facts = [label_of(graph, p), "project 项目" + (f" · fiscal year {year}" if year else "")]
    for prop, name in MONEY_FACTS:
        value = graph.value(p, prop)
        if value is not None:
            facts.append(f"{name}: {wan(Decimal(str(value)))}{_amount_line(graph, p, prop)}")
    money = project_money(graph, p)
    if money is not None and money.basis.startswith("sum"):
        facts.append(f"{money.basis}: {wan(money.yuan)}")
    for prop, name in ((PKG.department, "department 主管部门"), (PKG.implementingUnit, "implementing unit 实施单位"),
                       (PKG.budgetUnit, "budget unit 预算单位"), (PKG.division, "division 实施主体")):
        org = graph.value(p, prop)
        if org is not None:
            facts.append(f"{name}: {label_of(graph, org)}")
    parent = graph.value(p, PKG.partOf)
    if parent is not None:
        facts.append(f"part of 上级项目: {label_of(graph, parent)}")
    children = children_of(graph, p)
    if children:
        facts.append(f"sub-projects 子项目 ({len(children)}): " + _more([label_of(graph, c) for c in children]))
    lines = sorted(graph.objects(p, PKG.hasBudgetLine),  # by line, then as listed (…/budget/2 before …/budget/10)
                   key=lambda b: (int(str(graph.value(b, PKG.sourceLine) or 0)), len(str(b)), str(b)))
    if lines:
        items = [f"{label_of(graph, b)} {wan(Decimal(str(graph.value(b, PKG.amount))))}"
                 if graph.value(b, PKG.amount) is not None else label_of(graph, b) for b in lines]
        facts.append(f"budget lines 预算安排 ({len(lines)}): " + _more(items))
    basis = sorted({_policy_name(graph, d) for d in graph.objects(p, PKG.justifiedBy)})
    if basis:
        facts.append(f"justified by 立项依据 ({len(basis)}): " + _more(basis))
    indicators = len(set(graph.objects(p, PKG.hasIndicator)))
    if indicators:
        facts.append(f"indicators 绩效指标: {indicators}")
    for prop, name in ((PKG.continues, "continues 延续"),):
        for earlier in sorted(graph.objects(p, prop), key=str):
            facts.append(f"{name}: {label_of(graph, earlier)} ({year_of(graph, earlier) or '?'})")
    facts.append(f"source: {source_of(graph, p)}")
    findings = sorted(graph.subjects(PKG.concerns, p), key=str)
    if findings:
        facts.append(f"audit findings 审核发现 ({len(findings)}): " + _more([_finding(graph, f) for f in findings]))
    return facts


def _finding(graph: Graph, finding: Node) -> str:
    """``time.period-dates (lines 411, 450)``: an audit finding's rule and the lines it compares."""
    lines = sorted({int(str(v)) for e in graph.objects(finding, PKG.hasEvidence)
                    for v in graph.objects(e, PKG.sourceLine)})
    where = f" (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})" if lines else ""
    return f"{graph.value(finding, PKG.rule)}{where}"


def _policy_name(graph: Graph, doc: Node) -> str:
    title = graph.value(doc, DCTERMS.title)
    number = graph.value(doc, PKG.docNumber)
    name = f"《{title}》" if title is not None else ""
    return f"{name} {number}".strip() if number is not None else name or label_of(graph, doc)


def _policy_facts(graph: Graph, doc: Node, rollup: Rollup) -> list[str]:
    number = graph.value(doc, PKG.docNumber)
    facts = [_policy_name(graph, doc), "policy document 政策文件" + (f" · 文号 {number}" if number else "")]
    issuer = graph.value(doc, PKG.issuer)
    if issuer is not None:
        facts.append(f"issuer 发文机关: {label_of(graph, issuer)}")
    justified = rollup.count(doc, PKG.justifiedBy)
    if justified:
        facts.append(f"legal basis 立项依据 of {justified} projects, {wan(rollup.money(doc, PKG.justifiedBy))}")
    cited = rollup.count(doc, PKG.cites)
    if cited:
        facts.append(f"cited by 引用 {cited} projects")
    places = rollup.cited_at(doc) if cited else []
    if places:
        facts.append("cited at: " + _more(places))
    also = sorted(str(a) for a in graph.objects(doc, SKOS.altLabel))
    if also:
        facts.append("also written as: " + _more(also, 3))
    return facts


def _organization_facts(graph: Graph, org: Node, rollup: Rollup) -> list[str]:
    facts = [label_of(graph, org), "organization 单位"]
    parent = graph.value(org, ORG.subOrganizationOf)
    if parent is not None:
        facts.append(f"part of: {label_of(graph, parent)}")
    for prop, name in ((PKG.department, "department 主管部门"), (PKG.implementingUnit, "implementing unit 实施单位")):
        projects = rollup.count(org, prop)
        if projects:
            facts.append(f"{name} of {projects} projects, {wan(rollup.money(org, prop))}")
    issued = rollup.count(org, PKG.issuer)
    if issued:
        facts.append(f"issuer 发文机关 of {issued} policy documents")
    facts.append(f"source: {source_of(graph, org)}")
    return facts


def _place_facts(graph: Graph, place: Node, rollup: Rollup) -> list[str]:
    projects = rollup.count(place, PKG.mentionsPlace)
    return [label_of(graph, place), "place 地区", f"mentioned by {projects} projects",
            f"source: {source_of(graph, place)}"]


def _indicator_facts(graph: Graph, ind: Node) -> list[str]:
    levels = [str(graph.value(c, SKOS.prefLabel) or c)
              for c in (graph.value(ind, PKG.level1), graph.value(ind, PKG.level2)) if c is not None]
    facts = [label_of(graph, ind), "indicator 指标" + (f" · {' / '.join(levels)}" if levels else "")]
    for prop, name in ((PKG.targetText, "target 指标值"), (PKG.actualText, "actual 实际完成值"),
                       (PKG.weight, "weight 分值"), (PKG.score, "score 得分"), (PKG.deviationNote, "deviation 偏差原因")):
        value = graph.value(ind, prop)
        if value is not None:
            facts.append(f"{name}: {value}")
    for project in graph.subjects(PKG.hasIndicator, ind):
        facts.append(f"project 项目: {label_of(graph, project)}")
    facts.append(f"source: {source_of(graph, ind)}")
    return facts


MAX_MATCHES = 20  # a name fragment matching more nodes than this is an error naming some of them
FOCUS_KINDS = ("project", "policy", "organization", "place")  # what a user may name


def find_nodes(graph: Graph, spec: str, *, kinds: Iterable[str] = FOCUS_KINDS, year: str | None = None) -> list[URIRef]:
    """Nodes a user means by ``spec``: an IRI, a 文号 (``沪松府规〔2019〕23号``, any bracket style) or a label fragment.

    A fragment matches rdfs:label, dcterms:title and skos:altLabel ignoring
    spaces and case; when some labels equal the fragment, only those count.
    ``year`` keeps projects of that fiscal year. Returns nodes in IRI order.
    Raises: QueryError when nothing matches or more than ``MAX_MATCHES`` do.
    """
    kinds = tuple(kinds)
    if spec.startswith(("http://", "https://")):
        node = URIRef(spec)
        if kind_of(graph, node) not in kinds:
            raise QueryError(f"{spec}: no {' / '.join(kinds)} with this IRI in the graph")
        return [node]
    wanted = squash(spec).lower()
    number = doc_number(spec)
    by_number = sorted((d for d, n in graph.subject_objects(PKG.docNumber) if str(n) == number and "policy" in kinds),
                       key=str)
    if by_number:
        return by_number  # type: ignore[return-value]
    candidates = [n for cls, kind in KIND_OF_CLASS.items() if kind in kinds for n in graph.subjects(RDF.type, cls)
                  if not (year and kind == "project" and year_of(graph, n) != year)]
    exact: set[Node] = set()
    partial: set[Node] = set()
    for candidate in candidates:
        names = {squash(str(v)).lower() for p in (RDFS.label, DCTERMS.title, SKOS.altLabel)
                 for v in graph.objects(candidate, p)}
        if wanted in names:
            exact.add(candidate)
        elif any(wanted in name for name in names):
            partial.add(candidate)
    found = sorted(exact or partial, key=str)
    if not found:
        raise QueryError(f"nothing matches {spec!r}" + (f" in {year}" if year else "")
                         + f" among {' / '.join(kinds)} nodes; try a shorter part of the name, a 文号 such as "
                           "沪松府规〔2019〕23号, or an IRI")
    if len(found) > MAX_MATCHES:
        some = "; ".join(f"{label_of(graph, n)} ({year_of(graph, n) or kind_of(graph, n)})" for n in found[:8])
        raise QueryError(f"{spec!r} matches {len(found)} nodes ({some}; …); use a longer part of the name, "
                         "--year, or an IRI")
    return found  # type: ignore[return-value]


def doc_number(spec: str) -> str:
    """``spec`` written as a normalized 文号 (brackets ``〔〕``, no spaces), as ``find_nodes`` looks it up."""
    return re.sub(r"[(（](\d{4})[)）]", r"〔\1〕", normalize_brackets(squash(spec)))
