"""Which nodes and edges a view shows: the overview, a focus, a lineage.

A view is a small, readable part of the graph: ``overview`` (what ``policykg
view`` draws by default), ``focus`` (the neighbourhood of a project, policy or
organization) and ``lineage`` (one programme across fiscal years, along
pkg:continues and pkg:partOf). Each returns a ``View`` whose ``description``
says, on the page, what was chosen and what was left out.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from policykg.graph.answers.describe import (
    GraphRollup,
    Rollup,
    children_of,
    describe,
    find_nodes,
    kind_of,
    label_of,
    project_money,
    source_of,
    year_of,
)
from policykg.graph.errors import QueryError
from policykg.ontology import ORG, PKG

# (predicate, relation as drawn, drawn from object to subject?)
RELATIONS = (
    (PKG.justifiedBy, "justifies 立项依据", True),
    (PKG.cites, "cited by 引用", True),
    (PKG.partOf, "sub-project 子项目", True),
    (PKG.department, "department 主管部门", True),
    (PKG.implementingUnit, "implementing unit 实施单位", True),
    (PKG.issuer, "issuer 发文机关", True),
    (PKG.continues, "continued by 延续", True),
    (PKG.hasIndicator, "indicator 指标", False),
    (PKG.mentionsPlace, "mentions 提及", False),
    (PKG.mentionsOrganization, "mentions 提及", False),
    (ORG.subOrganizationOf, "part of 下属", False),
)
MAX_NODES = 400  # a focus view keeps the nodes nearest the focus up to this many
MAX_PROJECTS = 60  # the overview draws the largest top-level projects up to this many
_NOT_EXPANDED = {"organization", "indicator", "place"}  # hubs: reached, but a path does not go on through them


class ViewEdge(NamedTuple):
    source: str
    target: str
    relation: str
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class ViewNode:
    id: str
    label: str
    kind: str
    tooltip: str
    size: float
    year: str | None = None
    level: int | None = None  # column in a lineage view (hierarchical layout)
    findings: int = 0  # audit findings (pkg:concerns) about the node: drawn with a red ring


@dataclass(frozen=True, slots=True)
class View:
    """What one page shows. ``description`` is printed on the page above the drawing."""

    title: str
    description: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    hierarchical: bool = False
    focus: tuple[str, ...] = field(default=())


def node_size(money: Decimal | None, largest: Decimal) -> float:
    """Node size for vis-network: area grows with money, 10 (no money) to 60 (the largest in the view)."""
    if not money or largest <= 0:
        return 10.0
    return round(10 + 50 * math.sqrt(float(money / largest)), 2)


def _money(graph: Graph, node: Node, kind: str, rollup: Rollup) -> Decimal | None:
    if kind == "project":
        m = project_money(graph, node)
        return m.yuan if m else None
    if kind == "policy":
        return rollup.money(node, PKG.justifiedBy) or None
    if kind == "organization":
        return rollup.money(node, PKG.department) or None
    return None


def _nodes(graph: Graph, chosen: Iterable[Node], extra: dict[Node, str] | None = None,
           levels: dict[Node, int] | None = None, rollup: Rollup | None = None) -> tuple[ViewNode, ...]:
    rollup = rollup if rollup is not None else GraphRollup(graph)
    kinds = {n: kind_of(graph, n) or "project" for n in chosen}
    money = {n: _money(graph, n, k, rollup) for n, k in kinds.items()}
    largest = max((m for m in money.values() if m), default=Decimal(0))
    out = []
    for n, kind in kinds.items():
        tip = describe(graph, n, rollup) + (f"\n{extra[n]}" if extra and n in extra else "")
        size = 8.0 if kind == "indicator" else node_size(money[n], largest)
        out.append(ViewNode(str(n), label_of(graph, n), kind, tip, size, year_of(graph, n),
                            levels.get(n) if levels else None, len(set(graph.subjects(PKG.concerns, n)))))
    return tuple(sorted(out, key=lambda v: v.id))


def _edges(graph: Graph, chosen: set[Node]) -> tuple[ViewEdge, ...]:
    edges: dict[tuple[str, str], ViewEdge] = {}
    for prop, relation, backwards in RELATIONS:
        for s, o in graph.subject_objects(prop):
            if s in chosen and o in chosen:
                a, b = (o, s) if backwards else (s, o)
                if (str(a), str(b)) not in edges:  # justifiedBy comes before cites: one edge per pair
                    edges[(str(a), str(b))] = ViewEdge(str(a), str(b), relation, _edge_tip(graph, s, prop, o, relation))
    return tuple(sorted(edges.values()))


def _edge_tip(graph: Graph, s: Node, prop: URIRef, o: Node, relation: str) -> str:
    if prop not in (PKG.justifiedBy, PKG.cites):
        return relation
    lines = sorted(source_of(graph, c) for c in graph.objects(s, PKG.hasCitation)
                   if graph.value(c, PKG.citedDocument) == o
                   and (prop == PKG.cites or str(graph.value(c, PKG.inLegalBasis)).lower() == "true"))
    return relation + ("\ncited at: " + "; ".join(lines) if lines else "")


@dataclass(frozen=True, slots=True)
class OverviewChoice:
    """What the overview draws: the top-level projects shown (largest first), the policies at least
    ``min_shared`` of them share (``basis``: policy -> top-level project -> the projects citing it) and their
    departments; ``left_out`` top-level projects are not shown."""

    shown: list[Node]
    left_out: int
    basis: dict[Node, dict[Node, list[Node]]]
    shared: set[Node]
    departments: set[Node]

    @property
    def nodes(self) -> list[Node]:
        return [*self.shown, *sorted(self.shared, key=str), *sorted(self.departments, key=str)]


def overview_choice(graph: Graph, *, year: str | None = None, max_projects: int = MAX_PROJECTS, min_shared: int = 2,
                    tops: Mapping[Node, Decimal] | None = None, total: int | None = None) -> OverviewChoice:
    """The nodes ``overview`` draws (see there). ``tops``: the top-level projects that can be shown with their
    money in yuan (default: every project of ``graph`` with no pkg:partOf, of ``year``), ranked here by money,
    label and IRI; ``total``: how many top-level projects there are (default: as many as ``tops``).
    """
    if tops is None:
        tops = {p: getattr(project_money(graph, p), "yuan", Decimal(0)) for p in graph.subjects(RDF.type, PKG.Project)
                if graph.value(p, PKG.partOf) is None and (year is None or year_of(graph, p) == year)}
    money = dict(tops)
    ranked = list(money)
    ranked.sort(key=lambda p: (-money[p], label_of(graph, p), str(p)))
    shown = ranked[:max_projects]
    basis: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))  # policy -> top -> citing projects
    for top in shown:
        for p in [top, *_descendants(graph, top)]:
            for doc in graph.objects(p, PKG.justifiedBy):
                basis[doc][top].append(p)
    shared = {d for d, by_top in basis.items() if len(by_top) >= min_shared}
    departments = {graph.value(p, PKG.department) for p in shown} - {None}
    return OverviewChoice(shown, (len(ranked) if total is None else total) - max_projects, basis, shared,
                          departments)  # type: ignore[arg-type]


def overview(graph: Graph, *, year: str | None = None, max_projects: int = MAX_PROJECTS, min_shared: int = 2,
             tops: Mapping[Node, Decimal] | None = None, total: int | None = None, rollup: Rollup | None = None,
             ) -> View:
    """The default view: top-level projects, the policies they share, their departments.

    Sub-projects are rolled up into their top-level project (money, and the
    policies in their 立项依据). A policy is drawn when the 立项依据 (legal
    basis) of at least ``min_shared`` drawn projects cite it; the others are
    listed in the project's tooltip. At most ``max_projects`` projects, the
    largest by money. ``year`` (e.g. ``"2023"``) keeps one fiscal year.
    ``tops``, ``total``: see ``overview_choice``; ``rollup``: see ``graph.answers.describe.describe``.
    """
    choice = overview_choice(graph, year=year, max_projects=max_projects, min_shared=min_shared, tops=tops,
                             total=total)
    shown, left_out, basis, shared, departments = (choice.shown, choice.left_out, choice.basis, choice.shared,
                                                   choice.departments)
    chosen = choice.nodes
    extra = {}
    for top in shown:
        single = sorted(label_of(graph, d) for d, by_top in basis.items() if top in by_top and d not in shared)
        if single:
            extra[top] = f"other policies in the 立项依据 of it or its sub-projects ({len(single)}): " + "; ".join(single)
    edges = [ViewEdge(str(d), str(top), "justifies 立项依据", "justifies 立项依据 of: " + "; ".join(
        f"{label_of(graph, p)} ({source_of(graph, p)})" for p in sorted(set(ps), key=str)))
        for d in sorted(shared, key=str) for top, ps in sorted(basis[d].items(), key=lambda kv: str(kv[0]))]
    edges += [ViewEdge(str(graph.value(p, PKG.department)), str(p), "department 主管部门", "department 主管部门")
              for p in shown if graph.value(p, PKG.department) is not None]
    singles = len({d for d in basis} - shared)
    in_year = f" of {year}" if year else ""
    description = (
        f"Overview{in_year}: {len(shown)} top-level projects (sub-projects rolled up into their parent), "
        f"the {len(shared)} policy documents cited in the 立项依据 (legal basis) of at least {min_shared} of them, "
        f"and their {len(departments)} departments (主管部门). "
        f"{singles} policies cited by a single project are listed in its tooltip"
        + (f"; {left_out} smaller projects are left out" if left_out > 0 else "")
        + ". Focus on one project, policy or organization with `policykg view --focus NAME`.")
    return View("policykg: which policy justifies which spending", description,
                _nodes(graph, chosen, extra, rollup=rollup), tuple(sorted(edges)))


def _descendants(graph: Graph, project: Node) -> list[URIRef]:
    out, todo = [], list(children_of(graph, project))
    while todo:
        child = todo.pop()
        if child not in out:
            out.append(child)
            todo.extend(children_of(graph, child))
    return sorted(out)


def focus(graph: Graph, spec: str, *, depth: int = 1, year: str | None = None, rollup: Rollup | None = None) -> View:
    """The neighbourhood of the nodes ``spec`` names (see ``find_nodes``), ``depth`` links out.

    Organizations, places and indicators are reached but not passed through
    (a department links to every project it runs); indicators are drawn for
    focused projects only. ``year`` keeps projects of that fiscal year.
    At most ``MAX_NODES`` nodes, nearest first. ``rollup``: see ``graph.answers.describe.describe``.
    """
    if depth < 0:
        raise QueryError(f"--depth {depth}: use 0 or more")
    start = find_nodes(graph, spec, year=year)
    distance, _ = reach(graph, start, depth=depth, year=year)
    ordered = sorted(distance, key=lambda n: (distance[n], str(n)))
    chosen = ordered[:MAX_NODES]
    names = "; ".join(label_of(graph, n) + (f" ({year_of(graph, n)})" if year_of(graph, n) else "") for n in start[:5])
    description = (f"Focus on {names}{' …' if len(start) > 5 else ''}: the {len(chosen)} nodes within {depth} "
                   f"link(s)" + (f", projects of {year} only" if year else "")
                   + "; organizations are shown but not followed further, indicators only for the focused projects"
                   + (f"; {len(ordered) - len(chosen)} farther nodes left out" if len(ordered) > len(chosen) else "")
                   + ".")
    return View(f"policykg: {spec}", description, _nodes(graph, chosen, rollup=rollup), _edges(graph, set(chosen)),
                focus=tuple(str(n) for n in start))


def reach(graph: Graph, start: Iterable[Node], *, depth: int = 1, year: str | None = None,
          ) -> tuple[dict[Node, int], set[Node]]:
    """The nodes ``focus`` reaches from ``start`` (see there) with their distance in links, and the nodes whose
    links it followed (``RELATIONS`` either way; a node's kind and year decide whether it is reached)."""
    neighbours: dict[Node, set[Node]] = defaultdict(set)
    for prop, _relation, _backwards in RELATIONS:
        for s, o in graph.subject_objects(prop):
            neighbours[s].add(o)
            neighbours[o].add(s)
    distance: dict[Node, int] = {n: 0 for n in start}
    queue: deque[Node] = deque(distance)
    followed: set[Node] = set()
    while queue:
        node = queue.popleft()
        kind = kind_of(graph, node)
        if distance[node] >= depth or (distance[node] > 0 and kind in _NOT_EXPANDED):
            continue
        followed.add(node)
        for other in sorted(neighbours[node], key=str):
            other_kind = kind_of(graph, other)
            if other in distance or other_kind is None:
                continue
            if other_kind == "indicator" and (distance[node] > 0 or kind != "project"):
                continue
            if year and other_kind == "project" and year_of(graph, other) != year:
                continue
            distance[other] = distance[node] + 1
            queue.append(other)
    return distance, followed


def lineage(graph: Graph, spec: str, *, year: str | None = None) -> View:
    """One programme across fiscal years: the projects ``spec`` names, and everything linked to them
    by pkg:continues (either way) and pkg:partOf (parents and sub-projects), laid out by year.
    """
    start = find_nodes(graph, spec, kinds=("project",), year=year)
    chosen: set[Node] = set()
    todo: list[Node] = list(start)
    while todo:
        node = todo.pop()
        if node in chosen:
            continue
        chosen.add(node)
        for prop in (PKG.continues, PKG.partOf):
            todo.extend(graph.objects(node, prop))
            todo.extend(graph.subjects(prop, node))
    years = sorted({y for n in chosen if (y := year_of(graph, n))})
    levels = {n: 2 * years.index(year_of(graph, n) or years[0]) + _depth(graph, n) for n in chosen} if years else {}
    links = sum(1 for s, o in graph.subject_objects(PKG.continues) if s in chosen and o in chosen)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (years[0] if years else "no year")
    description = (f"Lineage of {spec!r}: {len(chosen)} projects, {span}, one column per year (sub-projects in the "
                   f"next column), linked by {links} pkg:continues link(s) and pkg:partOf (sub-project)"
                   + ("" if links else "; no pkg:continues link reaches these projects, so the years stand side by "
                                       "side, matched by name") + ".")
    return View(f"policykg lineage: {spec}", description, _nodes(graph, chosen, levels=levels),
                _edges(graph, chosen), hierarchical=True, focus=tuple(str(n) for n in start))


def _depth(graph: Graph, project: Node) -> int:
    depth, parent = 0, graph.value(project, PKG.partOf)
    while parent is not None and depth < 5:
        depth, parent = depth + 1, graph.value(parent, PKG.partOf)
    return min(depth, 1)
