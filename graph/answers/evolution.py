"""How a project evolved across years: its lineage with department, money and indicator targets.

Reads any store holding a built graph (``pkg:continues`` links of the derived graph, projects of
the source graphs). A sub-project with no link of its own follows its parent's
(2023 金融赋能 is part of 2023 G60科创走廊建设, which continues 2022
G60科创走廊建设), and takes its parent's indicators when it has none, as its
form does. Indicators of consecutive years are paired by name similarity and
their targets compared; a qualitative target (完成) whose indicator name states
a number (…企业达到50家) is compared by that number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from policykg.graph.answers import subgraph
from policykg.graph.answers.subgraph import as_store
from policykg.graph.errors import QueryError
from policykg.graph.linking.lineage import name_similarity
from policykg.graph.sparql.bindings import sparql_term
from policykg.graph.sparql.store import Store
from policykg.ontology import PKG

AMOUNTS = (PKG.annualFunds, PKG.initialBudget, PKG.totalFunds, PKG.adjustedBudget)
SCORE_PLACES = Decimal("0.001")  # pkg:linkScore as graph.rdf.derived writes it
INDICATOR_MATCH = 0.45  # name similarity for two indicators to be "the same" across years
_IN_NAME = re.compile(r"(达到|不少于|不低于|至少|力争|超过|超)\s*(\d+(?:\.\d+)?)\s*(家|个|场|次|篇|人|项|期|份|万元|元|%)")


@dataclass(frozen=True, slots=True)
class Target:
    """An indicator target as written, and as compared: comparator, value, unit."""

    text: str
    comparator: str | None
    value: Decimal | None
    unit: str | None
    from_name: bool = False  # value read from the indicator's name (the target itself is qualitative)

    def __str__(self) -> str:
        if self.value is None:
            return self.text
        value = format(self.value.normalize(), "f")
        shown = f"{self.comparator or ''}{value}{self.unit or ''}"
        return f"{shown} (in the name; target {self.text})" if self.from_name else shown


@dataclass(frozen=True, slots=True)
class IndicatorTarget:
    name: str
    target: Target
    inherited: bool  # the parent project's indicator (the sub-project has none of its own)


@dataclass(frozen=True, slots=True)
class Entry:
    """One project of the timeline."""

    iri: URIRef
    year: int
    name: str
    department: str | None
    amount: Decimal | None  # yuan: 年度资金申请总额, else 年初预算数, 项目资金总额, 全年预算数
    file_name: str | None
    line: int | None
    continues: tuple[tuple[URIRef, Decimal | None], ...]  # predecessors with link score
    via_parent: str | None  # the parent project whose link the timeline follows
    indicators: tuple[IndicatorTarget, ...]


@dataclass(frozen=True, slots=True)
class TargetChange:
    """An indicator paired across two consecutive projects of the timeline."""

    before_year: int
    after_year: int
    before: IndicatorTarget
    after: IndicatorTarget
    direction: str  # raised, lowered, unchanged, changed


@dataclass
class Timeline:
    """``evolution`` of a project: entries by year (then name) and target changes along the links."""

    name: str
    entries: list[Entry] = field(default_factory=list)
    changes: list[TargetChange] = field(default_factory=list)


def evolution(source: Store | Graph, name: str) -> Timeline:
    """The lineage of every project named ``name`` (exact label, else containing it), earliest first.

    ``source``: any ``graph.sparql.store`` store (Oxigraph on disk, an endpoint) or an rdflib graph; the store is
    asked for the projects so named, then for the lineage's projects and their facts, step by step
    (``graph.answers.subgraph``), never for the whole graph.
    Raises: QueryError naming similar project labels when no project matches, or from the store.
    """
    store = as_store(source)
    starts = _named(store, name, exact=True) or _named(store, name, exact=False)
    if not starts:
        labels = {str(o) for o in subgraph.entities(store, ("project",)).objects(None, RDFS.label)}
        close = sorted(labels, key=lambda label: (-name_similarity(label, name), label))[:5]
        raise QueryError(f"no project named {name!r} in the graph; similar names: {', '.join(close)}")
    graph = Graph()
    _fetch_lineage(store, graph, starts)
    members: dict[URIRef, str | None] = {}
    for start in sorted(starts):
        _walk_back(graph, start, members, None)
        _walk_forward(graph, start, members)
    entries = sorted((_entry(graph, iri, via) for iri, via in members.items()), key=lambda e: (e.year, e.name, str(e.iri)))
    timeline = Timeline(name, entries)
    by_iri = {e.iri: e for e in entries}
    for entry in entries:
        for earlier, _ in entry.continues:
            if earlier in by_iri:
                timeline.changes.extend(_changes(by_iri[earlier], entry))
        if entry.via_parent:
            for earlier in _predecessor_of_parent(graph, entry.iri):
                if earlier in by_iri:
                    timeline.changes.extend(_changes(by_iri[earlier], entry))
    return timeline


_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _named(store: Store, name: str, *, exact: bool) -> list[URIRef]:
    """Projects whose rdfs:label is ``name`` (``exact``) or contains it, in IRI order."""
    test = "STR(?label) = ?name" if exact else "CONTAINS(STR(?label), ?name)"
    table = store.select(f"{subgraph.PREFIXES}SELECT DISTINCT ?s WHERE {{ ?s a pkg:Project ; rdfs:label ?label . "
                         f"BIND({sparql_term(Literal(name))} AS ?name) FILTER({test}) }}")
    return sorted({s for (s,) in table.rows if isinstance(s, URIRef)})


def _fetch_lineage(store: Store, graph: Graph, starts: Iterable[URIRef]) -> None:
    """Add to ``graph`` what the timeline reads, walking as ``_walk_back`` and ``_walk_forward`` do: the
    projects ``starts`` continue (at any depth, through a parent's link where a project has none), the
    projects continuing ``starts`` (at any depth), the parents of all of them, and the facts around each
    (``subgraph.around``)."""
    done: set[Node] = set()
    back: set[Node] = set(starts)
    forward: set[Node] = set(starts)
    seen_back, seen_forward = set(back), set(forward)
    while back or forward:
        members = back | forward
        parents = {parent for p in members for parent in graph.objects(p, PKG.partOf)}
        need = {n for n in members | parents if isinstance(n, URIRef)} - done
        subgraph.around(store, need, graph, incoming=("pkg:continues", "pkg:successor"))
        done |= need
        parents = {parent for p in members for parent in graph.objects(p, PKG.partOf)}  # known once described
        if parents - done:
            subgraph.around(store, parents - done, graph, incoming=("pkg:continues", "pkg:successor"))
            done |= parents
        earlier: set[Node] = set()
        for p in back:
            own = set(graph.objects(p, PKG.continues))
            earlier |= own or {e for parent in graph.objects(p, PKG.partOf) for e in graph.objects(parent, PKG.continues)}
        later = {s for p in forward for s in graph.subjects(PKG.continues, p)}
        back, forward = earlier - seen_back, later - seen_forward
        seen_back |= back
        seen_forward |= forward


def _uris(nodes: Iterable[Node]) -> list[URIRef]:
    """The IRIs among ``nodes``, sorted (blank nodes and literals left out)."""
    return sorted(n for n in nodes if isinstance(n, URIRef))


def _predecessor_of_parent(graph: Graph, project: URIRef) -> list[URIRef]:
    return _uris(p for parent in graph.objects(project, PKG.partOf) for p in graph.objects(parent, PKG.continues))


def _walk_back(graph: Graph, project: URIRef, members: dict[URIRef, str | None], via: str | None) -> None:
    if project in members:
        return
    members[project] = via
    earlier = _uris(graph.objects(project, PKG.continues))
    for e in earlier:
        _walk_back(graph, e, members, None)
    if not earlier:
        for parent in graph.objects(project, PKG.partOf):
            label = str(graph.value(parent, RDFS.label) or "")
            for e in _uris(graph.objects(parent, PKG.continues)):
                members[project] = label
                _walk_back(graph, e, members, None)


def _walk_forward(graph: Graph, project: URIRef, members: dict[URIRef, str | None]) -> None:
    for later in _uris(graph.subjects(PKG.continues, project)):
        if later not in members:
            members[later] = None
            _walk_forward(graph, later, members)


def _entry(graph: Graph, iri: URIRef, via: str | None) -> Entry:
    year = graph.value(iri, PKG.fiscalYear)
    department = graph.value(iri, PKG.department)
    dept_label = _zh_label(graph, department) if isinstance(department, URIRef) else None
    amount = next((v.toPython() for prop in AMOUNTS for v in [graph.value(iri, prop)] if isinstance(v, Literal)), None)
    source = graph.value(iri, PROV.wasDerivedFrom)
    file_name = graph.value(source, PKG.fileName) if source is not None else None
    line = graph.value(iri, PKG.sourceLine)
    continues = tuple((e, _score(graph, iri, e)) for e in _uris(graph.objects(iri, PKG.continues)))
    return Entry(iri, int(str(year)) if year is not None else 0, _zh_label(graph, iri) or str(iri), dept_label,
                 amount if isinstance(amount, Decimal) else None, str(file_name) if file_name else None,
                 int(str(line)) if line is not None else None, continues, via, _indicators(graph, iri))


def _zh_label(graph: Graph, node: Node) -> str | None:
    labels = list(graph.objects(node, RDFS.label))
    zh = [str(x) for x in labels if isinstance(x, Literal) and x.language == "zh"]
    return sorted(zh)[0] if zh else (str(labels[0]) if labels else None)


def _score(graph: Graph, later: URIRef, earlier: URIRef) -> Decimal | None:
    for link in graph.subjects(PKG.successor, later):
        if (link, PKG.predecessor, earlier) in graph:
            value = graph.value(link, PKG.linkScore)  # written with 3 decimals; Oxigraph answers 0.410 as 0.41
            return Decimal(str(value)).quantize(SCORE_PLACES) if isinstance(value, Literal) else None
    return None


def _indicators(graph: Graph, project: URIRef) -> tuple[IndicatorTarget, ...]:
    own = _uris(graph.objects(project, PKG.hasIndicator))
    inherited = not own
    nodes = own or _uris(i for parent in graph.objects(project, PKG.partOf) for i in graph.objects(parent, PKG.hasIndicator))
    found = []
    for node in nodes:
        name = _zh_label(graph, node) or ""
        found.append(IndicatorTarget(name, effective_target(graph, node, name), inherited))
    return tuple(sorted(found, key=lambda i: (i.name, i.target.text)))


def effective_target(graph: Graph, indicator: URIRef, name: str) -> Target:
    """The target of an indicator node; its number from the name when the target is qualitative."""
    text = str(graph.value(indicator, PKG.targetText) or "")
    value = graph.value(indicator, PKG.targetValue)
    comparator = graph.value(indicator, PKG.comparator)
    unit = graph.value(indicator, PKG.unit)
    if isinstance(value, Literal):
        return Target(text, str(comparator) if comparator else None, value.toPython(), _unit(str(unit)) if unit else None)
    m = _IN_NAME.search(name)
    if m:
        try:
            number = Decimal(m.group(2))
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            number = None
        return Target(text, ">" if m.group(1).startswith("超") else "≥", number, m.group(3), from_name=True)
    return Target(text, None, None, None)


def _unit(unit: str) -> str:
    return unit.strip().strip("()（）")


def _changes(before: Entry, after: Entry) -> list[TargetChange]:
    changes = []
    for later in after.indicators:
        scored = [(name_similarity(later.name, earlier.name), earlier) for earlier in before.indicators]
        scored = [s for s in scored if s[0] >= INDICATOR_MATCH]
        if not scored:
            continue
        _, earlier = max(scored, key=lambda s: (s[0], s[1].name))
        changes.append(TargetChange(before.year, after.year, earlier, later, _direction(earlier.target, later.target)))
    return changes


def _direction(before: Target, after: Target) -> str:
    if before.value is not None and after.value is not None and (before.unit or "") == (after.unit or ""):
        if after.value > before.value:
            return "raised"
        if after.value < before.value:
            return "lowered"
        return "unchanged"
    return "unchanged" if before.text == after.text else "changed"


def timeline_dict(timeline: Timeline) -> dict[str, object]:
    """A JSON-ready form of a timeline (money as strings of yuan, exact)."""
    def target(t: IndicatorTarget) -> dict[str, object]:
        return {"indicator": t.name, "target": str(t.target), "as_written": t.target.text, "inherited": t.inherited}

    return {
        "name": timeline.name,
        "entries": [{
            "year": e.year, "project": e.name, "department": e.department,
            "yuan": None if e.amount is None else format(e.amount.normalize(), "f"), "source": e.file_name,
            "line": e.line,
            "continues": [{"project": str(iri), "score": None if s is None else format(s, "f")} for iri, s in e.continues],
            "via_parent": e.via_parent, "iri": str(e.iri)} for e in timeline.entries],
        "changes": [{"from_year": c.before_year, "to_year": c.after_year, "before": target(c.before),
                     "after": target(c.after), "change": c.direction} for c in timeline.changes],
    }
