"""Network analysis of the knowledge graph with networkx (betweenness computed by igraph's C core).

``to_networkx`` projects the RDF graph onto its entities (projects, policy
documents, organizations, places, budget lines; indicators on request) with
edges oriented the way money is justified: policy -> project -> sub-project ->
budget line, department -> project, issuer -> policy, earlier -> later year.
The other functions answer the questions analysts ask first: which policies
are cited most, which nodes hold the graph together, how a policy reaches the
money, and which groups of policies and projects stand apart.

Money is ``Decimal`` yuan throughout (a sub-project is not counted again when
its parent is counted).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TypeVar

import igraph
import networkx as nx
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from policykg.graph.answers import subgraph
from policykg.graph.answers.describe import (
    KIND_OF_CLASS,
    MONEY_BASIS,
    Money,
    choose_label,
    choose_money,
    find_nodes,
    kind_of,
    label_of,
    project_money,
    source_of,
    top_level_by,
    year_of,
)
from policykg.graph.answers.subgraph import as_store
from policykg.graph.errors import QueryError
from policykg.graph.sparql.store import MemoryStore, Store, gather
from policykg.ontology import ORG, PKG

# predicate -> (relation name, drawn from object to subject?)
PROJECTION: dict[URIRef, tuple[str, bool]] = {
    PKG.justifiedBy: ("justifies", True),
    PKG.cites: ("cited_by", True),
    PKG.partOf: ("has_part", True),
    PKG.hasBudgetLine: ("budget_line", False),
    PKG.department: ("department_of", True),
    PKG.implementingUnit: ("implements", True),
    PKG.issuer: ("issued", True),
    PKG.continues: ("continued_by", True),
    PKG.mentionsPlace: ("mentions", False),
    PKG.mentionsOrganization: ("mentions", False),
    ORG.subOrganizationOf: ("has_unit", True),
}
MONEY_PATH = ("has_part", "budget_line")  # after the first step (justifies), what leads to money
EXACT_BETWEENNESS_UP_TO = 2000  # nodes; above this betweenness is estimated from a seeded sample of sources
SAMPLED_SOURCES = 500
_CITES = str(PKG.cites)


@dataclass(frozen=True, slots=True)
class CitedPolicy:
    iri: str
    title: str
    doc_number: str | None
    justified_by: int  # projects whose 立项依据 (legal basis) cites it
    cites: int  # projects citing it anywhere
    yuan: Decimal  # money of the projects it justifies, each counted once


@dataclass(frozen=True, slots=True)
class Central:
    iri: str
    kind: str
    label: str
    degree: float  # networkx degree centrality (share of other nodes linked)
    betweenness: float  # share of shortest paths between other nodes passing through it


@dataclass(frozen=True, slots=True)
class Step:
    iri: str
    kind: str  # policy, project, budget-line
    label: str
    yuan: Decimal | None
    source: str  # "file.txt line 12"
    year: str | None = None  # fiscal year of a project


@dataclass(frozen=True, slots=True)
class Component:
    size: int
    projects: int
    policies: int
    organizations: int
    yuan: Decimal
    years: tuple[str, ...]
    largest: tuple[str, ...]  # labels of its biggest projects by money, at most 3


def to_networkx(graph: Graph, *, indicators: bool = False) -> nx.MultiDiGraph:
    """The entity projection of ``graph`` as a ``networkx.MultiDiGraph``.

    Nodes are IRI strings with attributes ``kind`` (project, policy,
    organization, place, indicator, budget-line), ``label``, ``year`` and
    ``yuan`` (a project's money, a budget line's amount; ``None`` when unknown).
    Edges carry ``relation`` (see ``PROJECTION``). Indicators (many per
    project) are left out unless ``indicators=True``.
    """
    g = nx.MultiDiGraph()
    for cls, kind in KIND_OF_CLASS.items():
        if kind != "indicator" or indicators:
            for node in sorted(graph.subjects(RDF.type, cls), key=str):
                g.add_node(str(node), **_attributes(graph, node))  # every entity, linked or not
    justified_by = PKG.justifiedBy  # looked up once: a DefinedNamespace attribute costs microseconds
    _draw(g, _relations(indicators),
          lambda prop: sorted(graph.subject_objects(prop)),  # in term order, whatever order the store answers in
          lambda s, o: (s, justified_by, o) in graph, lambda node: _attributes(graph, node))
    return g


def _relations(indicators: bool) -> dict[URIRef, tuple[str, bool]]:
    """``PROJECTION``, and pkg:hasIndicator when ``indicators``."""
    return {**PROJECTION, **({PKG.hasIndicator: ("indicator", False)} if indicators else {})}


P = TypeVar("P")  # a predicate: a URIRef, or its IRI
T = TypeVar("T")  # a node: an rdflib term, or its IRI


def _draw(g: nx.MultiDiGraph, relations: Mapping[P, tuple[str, bool]], pairs: Callable[[P], Iterable[tuple[T, T]]],
          justified: Callable[[T, T], bool], attributes: Callable[[T], dict[str, object]]) -> None:
    """Add to ``g`` an edge for each (subject, object) of ``pairs(prop)``, for each predicate of ``relations``
    (-> relation name, drawn from object to subject?), in that order. A pkg:cites pair that ``justified`` (a
    pkg:justifiedBy too) is left out: one edge per citation, justifies already says it. Nodes are named by their
    text and added with ``attributes(node)`` when first met."""
    for prop, (relation, backwards) in relations.items():
        cites = str(prop) == _CITES
        for s, o in pairs(prop):
            if cites and justified(s, o):
                continue
            a, b = (o, s) if backwards else (s, o)
            for node in (a, b):
                if str(node) not in g:
                    g.add_node(str(node), **attributes(node))
            g.add_edge(str(a), str(b), relation=relation)


def skeleton(source: Store | Graph, *, indicators: bool = False) -> nx.MultiDiGraph:
    """``to_networkx`` of the graph of ``source``, asked for through SPARQL SELECT as text, without rdflib terms.

    Reads every entity's rdf:type, rdfs:label, dcterms:title and pkg:fiscalYear, the amounts of
    ``MONEY_BASIS`` of each project, the pkg:amount of each budget line, the ``PROJECTION`` links (and
    pkg:hasIndicator with ``indicators``) and the names of the linked nodes of no class read; nothing else.
    ``source``: any ``graph.sparql.store`` store or an rdflib graph (an rdflib graph, or a ``MemoryStore``, is
    projected by ``to_networkx`` itself). Returns: the same nodes, attributes and edges, in the same order, as
    ``to_networkx`` of the whole graph (tests/graph/answers/test_store_answers.py). Raises: QueryError.
    """
    store = as_store(source)
    if isinstance(store, MemoryStore):
        return to_networkx(store.graph, indicators=indicators)
    kinds = {str(cls): kind for cls, kind in KIND_OF_CLASS.items() if kind != "indicator" or indicators}
    budget_line = str(PKG.BudgetLine)
    read_classes = [*(f"<{c}>" for c in kinds), f"<{budget_line}>"]
    relations = {str(p): r for p, r in _relations(indicators).items()}
    # independent questions, asked at once; the links one predicate each (the largest answer, split evenly)
    typed, named, funded, *linked_by = gather(store, [
        partial(subgraph.typed, store, read_classes),
        partial(subgraph.facts, store, read_classes, ("rdfs:label", "dcterms:title", "pkg:fiscalYear", "pkg:amount")),
        partial(subgraph.facts, store, ["pkg:Project"], [f"<{p}>" for p, _ in MONEY_BASIS]),
        *(partial(subgraph.linked, store, [f"<{p}>"]) for p in relations)])
    linked = [row for rows in linked_by for row in rows]
    classes: dict[str, list[str]] = defaultdict(list)  # node -> its classes among those read, in the store's order
    for node, cls in typed:
        classes[node].append(cls)
    facts: dict[str, dict[str, list[tuple[str, str | None]]]] = defaultdict(lambda: defaultdict(list))

    def read(found: list[tuple[str, ...]]) -> None:
        for node, prop, value, language in found:
            facts[node][prop].append((value, language or None))

    read(named)
    read(funded)
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in sorted(set(linked)):  # each triple once
        links[p].append((s, o))
    untyped = sorted({n for pairs in links.values() for pair in pairs for n in pair if n not in classes})
    read(subgraph.named(store, untyped))
    children: dict[str, list[str]] = defaultdict(list)
    for s, o in links[str(PKG.partOf)]:
        children[o].append(s)  # in IRI order: the links are sorted

    def first(node: str, prop: URIRef) -> str | None:
        found = facts[node].get(str(prop)) if node in facts else None
        return found[0][0] if found else None

    def money(project: str) -> Money | None:
        return choose_money(lambda prop: first(project, prop), lambda: (money(c) for c in children.get(project, ())))

    def attributes(node: str) -> dict[str, object]:
        known = classes.get(node, [])
        kind = next((k for c, k in kinds.items() if c in known), None)
        kind = kind or ("budget-line" if budget_line in known else "other")
        yuan: Decimal | None = None
        if kind == "project":
            found = money(node)
            yuan = found.yuan if found else None
        elif kind == "budget-line" and (amount := first(node, PKG.amount)) is not None:
            yuan = Decimal(amount)
        labels = facts[node].get(str(RDFS.label), []) if node in facts else []
        return {"kind": kind, "label": choose_label(labels, first(node, DCTERMS.title), node),
                "year": first(node, PKG.fiscalYear), "yuan": yuan}

    g = nx.MultiDiGraph()
    for cls in kinds:
        for node in sorted(n for n, c in classes.items() if cls in c):
            g.add_node(node, **attributes(node))
    justified = set(links[str(PKG.justifiedBy)])
    _draw(g, relations, lambda prop: links[prop], lambda s, o: (s, o) in justified, attributes)
    return g


def _parents(g: nx.MultiDiGraph) -> dict[str, str]:
    """Sub-project -> the project it is part of (pkg:partOf, a ``has_part`` edge into it)."""
    parents: dict[str, str] = {}
    for a, b, relation in g.edges(data="relation"):
        if relation == "has_part":
            parents.setdefault(b, a)
    return parents


def _money_of(g: nx.MultiDiGraph, projects: Iterable[str], parents: dict[str, str]) -> Decimal:
    """``describe.money_of`` on the projection: the ``yuan`` of the projects, a sub-project not counted again when
    its parent (``parents``, from ``_parents``) is among them."""
    chosen = top_level_by(projects, parents.get)
    return sum((y for p in chosen if (y := g.nodes[p]["yuan"]) is not None), Decimal(0))


def _simple(g: nx.MultiDiGraph, nodes: Iterable[str] | None = None) -> nx.Graph:
    """The undirected simple graph of ``g`` (of ``nodes`` only, when given), its nodes in ``g``'s order without
    attributes: what ``nx.Graph(g.to_undirected(as_view=True))`` gives, built without networkx's views."""
    simple = nx.Graph()
    if nodes is None:
        simple.add_nodes_from(g)
        simple.add_edges_from(g.edges())
    else:
        kept = set(nodes)
        simple.add_nodes_from(n for n in g if n in kept)
        simple.add_edges_from((a, b) for a, b in g.edges() if a in kept and b in kept)
    return simple


def _attributes(graph: Graph, node: Node) -> dict[str, object]:
    kind = kind_of(graph, node) or ("budget-line" if (node, RDF.type, PKG.BudgetLine) in graph else "other")
    yuan: Decimal | None = None
    if kind == "project":
        money = project_money(graph, node)
        yuan = money.yuan if money else None
    elif kind == "budget-line" and graph.value(node, PKG.amount) is not None:
        yuan = Decimal(str(graph.value(node, PKG.amount)))
    return {"kind": kind, "label": label_of(graph, node), "year": year_of(graph, node), "yuan": yuan}


def most_cited(graph: Graph, g: nx.MultiDiGraph | None = None, top: int = 10, *,
               by: str = "justified_by") -> list[CitedPolicy]:
    """Policy documents by the number of projects whose 立项依据 cites them (``by="justified_by"``)
    or that cite them anywhere (``by="cites"``), the other count breaking ties, then the title.

    Returns at most ``top`` entries. Raises: ValueError for another ``by``.
    """
    if by not in ("justified_by", "cites"):
        raise ValueError(f"by={by!r}: use 'justified_by' or 'cites'")
    g = g if g is not None else to_networkx(graph)
    parents = _parents(g)
    out = []
    for node, data in g.nodes(data=True):
        if data["kind"] != "policy":
            continue
        justified = {b for _, b, r in g.out_edges(node, data="relation") if r == "justifies"}
        cited = justified | {b for _, b, r in g.out_edges(node, data="relation") if r == "cited_by"}
        number = graph.value(URIRef(node), PKG.docNumber)
        out.append(CitedPolicy(node, data["label"], str(number) if number is not None else None, len(justified),
                               len(cited), _money_of(g, justified, parents)))
    if by == "cites":
        out.sort(key=lambda c: (-c.cites, -c.justified_by, c.title, c.iri))
    else:
        out.sort(key=lambda c: (-c.justified_by, -c.cites, c.title, c.iri))
    return out[:top]


def centrality(g: nx.MultiDiGraph, top: int = 10, kinds: tuple[str, ...] | None = None) -> list[Central]:
    """The ``top`` nodes by betweenness centrality (then degree) on the undirected projection.

    ``kinds`` limits the answer (not the computation) to some kinds, e.g. ``("policy",)``.
    Exact up to ``EXACT_BETWEENNESS_UP_TO`` nodes, estimated from a seeded sample above.
    """
    undirected = _simple(g)
    if len(undirected) == 0:
        return []
    k = None if len(undirected) <= EXACT_BETWEENNESS_UP_TO else SAMPLED_SOURCES
    betweenness = betweenness_centrality(undirected, k)
    degree = nx.degree_centrality(undirected)
    rows = [Central(n, g.nodes[n]["kind"], g.nodes[n]["label"], degree[n], betweenness[n])
            for n in undirected if kinds is None or g.nodes[n]["kind"] in kinds]
    # Equal to 12 significant digits is a tie, broken by degree and label: sums of the same path shares
    # taken in another order differ in the last bits, and must not reorder the answer.
    rows.sort(key=lambda c: (-float(f"{c.betweenness:.12g}"), -c.degree, c.label, c.iri))
    return rows[:top]


def betweenness_centrality(graph: nx.Graph, k: int | None = None) -> dict[str, float]:
    """networkx's ``betweenness_centrality(graph, k=k, seed=0)`` — normalized, endpoints excluded, from the same
    ``k`` sources (all nodes when ``None``) drawn by ``random.Random(0).sample`` — computed by igraph's C core.

    ``graph``: an undirected simple ``networkx.Graph``. igraph's subset betweenness counts each unordered pair
    once where networkx counts (s, t) and (t, s), hence the factor 2; the scale is networkx's ``_rescale``
    (a sampled source is not a source of its own paths: k − 1 sources for it). Returns: node -> share of
    shortest paths through it. Equal to networkx's values up to rounding (tests/graph/answers/test_analysis.py).
    """
    nodes = list(graph)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)  # no pair of other nodes to lie between
    position = {node: i for i, node in enumerate(nodes)}
    linked = igraph.Graph(n=n, edges=[(position[a], position[b]) for a, b in graph.edges() if a != b])
    if k is None or k >= n:
        raw = linked.betweenness(directed=False)
        return {node: 2 * raw[i] / ((n - 1) * (n - 2)) for i, node in enumerate(nodes)}
    sources = random.Random(0).sample(nodes, k)
    raw = linked.betweenness(directed=False, sources=[position[s] for s in sources])
    drawn = set(sources)
    own = 2 / ((k - 1) * (n - 2)) if k > 1 else math.nan  # networkx: no other source to count a lone one's paths
    other = 2 / (k * (n - 2))
    return {node: raw[i] * (own if node in drawn else other) for i, node in enumerate(nodes)}


def justification_paths(graph: Graph, policy: str, g: nx.MultiDiGraph | None = None) -> list[tuple[Step, ...]]:
    """Every path from ``policy`` (an IRI) to the money it justifies.

    policy -> project whose 立项依据 cites it -> sub-project(s) -> budget line
    (六、年度预算安排), stopping where the document gives nothing further. A
    project justified together with its parent is reached through the parent
    only, so each path's money is counted once. Paths are in label order.
    """
    g = g if g is not None else to_networkx(graph)
    if policy not in g:
        return []
    justified = [b for _, b, r in g.out_edges(policy, data="relation") if r == "justifies"]
    starts = sorted(top_level_by(justified, _parents(g).get))
    paths: list[tuple[Step, ...]] = []

    def walk(path: tuple[Step, ...], node: str) -> None:
        path = path + (_step(graph, g, node),)
        nexts = sorted({b for _, b, r in g.out_edges(node, data="relation") if r in MONEY_PATH},
                       key=lambda n: (g.nodes[n]["label"], n))
        if not nexts:
            paths.append(path)
        for nxt in nexts:
            walk(path, nxt)

    first = _step(graph, g, policy)
    for start in sorted(starts, key=lambda n: (g.nodes[n]["label"], n)):
        walk((first,), start)
    return paths


def _step(graph: Graph, g: nx.MultiDiGraph, node: str) -> Step:
    data = g.nodes[node]
    return Step(node, data["kind"], data["label"], data["yuan"], source_of(graph, URIRef(node)), data["year"])


def components(graph: Graph, g: nx.MultiDiGraph | None = None, *, through_organizations: bool = False) -> list[Component]:
    """Connected groups of policies and projects, largest first.

    Organizations are left out unless ``through_organizations``: a department
    links all its projects and would make one group of everything. Groups
    without a project or policy are not listed.
    """
    g = g if g is not None else to_networkx(graph)
    keep = {"project", "policy", "budget-line", "place"} | ({"organization"} if through_organizations else set())
    sub = _simple(g, (n for n, d in g.nodes(data=True) if d["kind"] in keep))
    parents = _parents(g)
    out = []
    for members in nx.connected_components(sub):
        kinds = [g.nodes[n]["kind"] for n in members]
        projects = [n for n in members if g.nodes[n]["kind"] == "project"]
        if not projects and "policy" not in kinds:
            continue
        biggest = sorted(projects, key=lambda n: (-(g.nodes[n]["yuan"] or 0), g.nodes[n]["label"]))[:3]
        out.append(Component(len(members), len(projects), kinds.count("policy"), kinds.count("organization"),
                             _money_of(g, projects, parents),
                             tuple(sorted({y for n in projects if (y := g.nodes[n]["year"])})),
                             tuple(g.nodes[n]["label"] for n in biggest)))
    out.sort(key=lambda c: (-c.size, -c.yuan, c.largest))
    return out


def _money_reach(g: nx.MultiDiGraph, policy: str) -> set[URIRef]:
    """``policy`` and every node a justification path from it passes (``justification_paths``)."""
    reach, todo = {policy}, [policy]
    while todo:
        node = todo.pop()
        for _, b, relation in g.out_edges(node, data="relation"):
            if (relation == "justifies" if node == policy else relation in MONEY_PATH) and b not in reach:
                reach.add(b)
                todo.append(b)
    return {URIRef(n) for n in reach}


@dataclass(frozen=True, slots=True)
class Report:
    """What ``policykg analyze`` prints: the four analyses of one graph."""

    nodes: int
    edges: int
    most_cited: list[CitedPolicy]
    central: list[Central]
    components: list[Component]
    policy: str | None  # the IRI whose justification paths are given
    paths: list[tuple[Step, ...]]


def analyze(source: Store | Graph, *, policy: str | None = None, top: int = 10) -> Report:
    """All analyses at once. ``policy``: a label fragment, 文号 or IRI (default: the most cited policy).

    ``source``: any ``graph.sparql.store`` store (Oxigraph on disk, an endpoint) or an rdflib graph; only the
    entity skeleton (``skeleton``), the names of the policy documents and the sources of the policy's paths
    are asked for.
    Raises: QueryError when ``policy`` names no policy document or several, or from the store.
    """
    store = as_store(source)
    g = skeleton(store)
    # the names and 文号 of the policy documents (most_cited, find_nodes); the sources of a path's steps below
    graph = store.graph if isinstance(store, MemoryStore) else subgraph.entities(store, ("policy",))
    cited = most_cited(graph, g, top)
    if policy:
        found = find_nodes(graph, policy, kinds=("policy",))
        if len(found) > 1:
            names = "; ".join(label_of(graph, f) for f in found[:5])
            raise QueryError(f"{policy!r} names {len(found)} policy documents ({names}); use its 文号 or IRI")
        chosen: str | None = str(found[0])
    else:
        chosen = cited[0].iri if cited else None
    if chosen:
        subgraph.provenance(store, _money_reach(g, chosen), graph)  # source_of for each step of a path
    paths = justification_paths(graph, chosen, g) if chosen else []
    return Report(g.number_of_nodes(), g.number_of_edges(), cited, centrality(g, top), components(graph, g),
                  chosen, paths)
