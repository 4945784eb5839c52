"""pyvis HTML views of the graph that open without a network.

What to draw is chosen in ``graph.views.select`` (overview, focus, lineage),
how it is drawn in ``graph.views.page`` (offline page, legend, safe tooltips);
this module is the entry point the CLI and notebooks call:

    view = make_view(store, focus_on="沪松府规〔2019〕23号", depth=2)   # any graph.sparql.store store, or an rdflib graph
    write_view(store, "out/policy.html", view=view)

The default view (``make_view(store)``) is the overview: top-level projects
(sub-projects rolled up, sized by money), the policy documents at least two of
them cite in their 立项依据 (legal basis), and their departments (主管部门);
the page says so above the drawing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import cast

from rdflib import RDF, Graph, Literal, URIRef

from policykg.graph.answers import subgraph
from policykg.graph.answers.describe import FOCUS_KINDS, doc_number, find_nodes, kind_of
from policykg.graph.answers.rollup import StoreRollup, top_projects
from policykg.graph.answers.subgraph import as_store
from policykg.graph.sparql.bindings import sparql_term
from policykg.graph.sparql.store import MemoryStore, Store, side_by_side
from policykg.graph.views.page import KINDS, iframe_html, render_view
from policykg.graph.views.select import (
    MAX_NODES,
    MAX_PROJECTS,
    RELATIONS,
    View,
    ViewEdge,
    ViewNode,
    focus,
    lineage,
    overview,
    overview_choice,
    reach,
)
from policykg.ontology import PKG

__all__ = ["KINDS", "View", "ViewEdge", "ViewNode", "default_view", "find_nodes", "iframe_html", "make_view",
           "render", "render_view", "write_view"]


def make_view(source: Store | Graph, *, focus_on: str | None = None, depth: int = 1, year: str | None = None,
              lineage_of: str | None = None) -> View:
    """The view a user asks for: ``lineage_of`` a programme, else a ``focus_on`` node, else the overview.

    ``source``: any ``graph.sparql.store`` store (Oxigraph on disk, an endpoint) or an rdflib graph (computed on the
    whole graph). Another store is asked, through SPARQL, for what chooses the nodes (the overview's largest
    top-level projects, ranked by money summed in the store; a focus's links one step at a time), then for the
    facts around the chosen nodes that their tooltips show (``graph.answers.subgraph``) and for the counts and money of
    the projects linked to them (``graph.answers.rollup``); the view is computed on that subgraph as on the whole graph.
    ``focus_on`` / ``lineage_of``: a label fragment, a 文号 or an IRI (``find_nodes``);
    ``depth``: links out from the focus; ``year``: a fiscal year such as ``"2023"``.
    Raises: QueryError when the name matches nothing or too much, or from the store.
    """
    store = as_store(source)
    if isinstance(store, MemoryStore):
        whole = store.graph
        if lineage_of:
            return lineage(whole, lineage_of, year=year)
        if focus_on:
            return focus(whole, focus_on, depth=depth, year=year)
        return overview(whole, year=year)
    if lineage_of:
        graph = subgraph.money(store)
        subgraph.entities(store, ("project",), graph)
        subgraph.links(store, ("pkg:continues",), graph)
        return _chosen_then_described(store, graph, lambda g: lineage(g, lineage_of, year=year))
    if focus_on:
        return _focus(store, focus_on, depth=depth, year=year)
    return _overview(store, year=year)


def _overview(store: Store, *, year: str | None) -> View:
    """``overview`` of a store: the largest top-level projects chosen in SPARQL, then their sub-projects, the
    policies and departments drawn with them and what the tooltips of those say."""
    tops, total = top_projects(store, year=year, limit=MAX_PROJECTS)
    graph = subgraph.names(store, tops, Graph())  # ties in money are broken by label
    shown = overview_choice(graph, year=year, max_projects=MAX_PROJECTS, tops=tops, total=total).shown
    projects = {*shown, *subgraph.parts(store, shown, graph)}
    subgraph.around(store, projects, graph, incoming=subgraph.DESCRIBED_INCOMING,
                    unread=subgraph.UNREAD)
    others = set(overview_choice(graph, year=year, max_projects=MAX_PROJECTS, tops=tops, total=total).nodes)
    others -= projects
    _, rollup = side_by_side(store, partial(subgraph.around, store, others, graph, incoming=subgraph.DESCRIBED_INCOMING,
                                            unread=subgraph.UNREAD),
                             partial(StoreRollup.ask, store, others))  # the rollup does not read ``graph``
    return overview(graph, year=year, max_projects=MAX_PROJECTS, tops=tops, total=total, rollup=rollup)


def _focus(store: Store, spec: str, *, depth: int, year: str | None) -> View:
    """``focus`` of a store: the nodes ``spec`` names (by 文号 in SPARQL, else among the names of every node of
    ``FOCUS_KINDS``), their links fetched one step out at a time, then what the chosen nodes' tooltips say."""
    graph = Graph()
    number = doc_number(spec)
    if spec.startswith(("http://", "https://")):
        node = sparql_term(URIRef(spec))
        subgraph.triples(store, f"{node} a ?o . BIND({node} AS ?s) BIND(rdf:type AS ?p)", graph)
        subgraph.names(store, [URIRef(spec)], graph)
    else:
        subgraph.triples(store, f"?s pkg:docNumber ?n . FILTER(STR(?n) = {sparql_term(Literal(number))}) "
                                f"?s ?p ?o . FILTER(?p IN (rdf:type, {', '.join(subgraph.NAMES)}))", graph)
        if not any(str(n) == number for n in graph.objects(None, PKG.docNumber)):
            subgraph.entities(store, FOCUS_KINDS, graph)
    start = find_nodes(graph, spec, year=year)
    relations = [f"<{prop}>" for prop, _, _ in RELATIONS]
    followed: set[object] = set()
    while True:
        distance, expand = reach(graph, start, depth=depth, year=year)
        todo = expand - followed
        if not todo:
            break
        subgraph.neighbours(store, todo, relations, graph)
        followed |= todo
    chosen = sorted(distance, key=lambda n: (distance[n], str(n)))[:MAX_NODES]
    projects = {n for n in chosen if kind_of(graph, n) == "project"}
    described = {*chosen, *subgraph.parts(store, projects, graph)}
    subgraph.around(store, described, graph, incoming=subgraph.DESCRIBED_INCOMING,
                    unread=subgraph.UNREAD)
    rollup = StoreRollup.ask(store, [n for n in chosen if kind_of(graph, n) not in ("project", "indicator")])
    return focus(graph, spec, depth=depth, year=year, rollup=rollup)


def _chosen_then_described(store: Store, graph: Graph, choose: Callable[[Graph], View]) -> View:
    """``choose`` on ``graph`` (which holds what the choice reads), then again once the facts around the chosen
    nodes and the projects below them (named in edge tooltips) were added: the same nodes, fully described."""
    first = choose(graph)
    chosen = {URIRef(n.id) for n in first.nodes}
    todo = [n for n in chosen if (n, RDF.type, PKG.Project) in graph]
    while todo:  # sub-projects at any depth: the overview rolls them up and names them in its edges
        # cast: the build gives every project an IRI (graph.rdf.build.project_iri), so its sub-projects are IRIs
        children = cast("set[URIRef]", set(graph.subjects(PKG.partOf, todo.pop())) - chosen)
        chosen |= children
        todo.extend(children)
    subgraph.around(store, chosen, graph)
    return choose(graph)


def default_view(graph: Graph) -> tuple[list[ViewNode], list[ViewEdge]]:
    """Nodes and edges of the default view (the overview)."""
    view = overview(graph)
    return list(view.nodes), list(view.edges)


def render(nodes: list[ViewNode], edges: list[ViewEdge], title: str, description: str = "") -> str:
    """An offline HTML page for the given nodes and edges, with a legend."""
    return render_view(View(title, description, tuple(nodes), tuple(ViewEdge(*e) for e in edges)))


def write_view(source: Store | Graph, out: str | Path, title: str | None = None, *, view: View | None = None) -> Path:
    """Write ``view`` (default: the overview of ``source``, a store or an rdflib graph) as an offline HTML page.

    Returns: the path written.
    """
    view = view or make_view(source)
    if title:
        view = View(title, view.description, view.nodes, view.edges, view.hierarchical, view.focus)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_view(view), encoding="utf-8")
    return path


# Text-heavy predicates the overview never reads; view_graph leaves them out of a big graph file.
_SKIPPED = frozenset(str(p) for p in (
    PKG.overview, PKG.overallGoal, PKG.annualGoal, PKG.achievedResult, PKG.textAsWritten, PKG.quote, PKG.message,
    PKG.targetText, PKG.comparator, PKG.targetValue, PKG.unit, PKG.actualText, PKG.actualValue, PKG.weight,
    PKG.score, PKG.deviationNote, PKG.evidence, PKG.implementationPeriod,
))
_FORMATS = {".ttl": "TURTLE", ".trig": "TRIG", ".nt": "N_TRIPLES", ".nq": "N_QUADS"}


def view_graph(path: str | Path) -> Graph:
    """A built graph file without the long texts the overview does not show, as an rdflib ``Graph``.

    Reading 4 million triples into rdflib takes minutes and gigabytes; Oxigraph
    streams the file and the text-heavy predicates (``_SKIPPED``) are dropped.
    Accepts .ttl, .trig, .nt and .nq files (named graphs are merged).
    Raises: QueryError when the file is missing or its format unknown.
    """
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    from policykg.graph.errors import QueryError

    file = Path(path)
    if not file.exists():
        raise QueryError(f"{file}: no such graph; run `policykg build SOURCES --out {file.parent}` first")
    name = _FORMATS.get(file.suffix)
    if name is None:
        raise QueryError(f"{file}: unknown graph format {file.suffix!r}; use one of {', '.join(_FORMATS)}")
    graph = Graph()

    def term(node: object) -> object:
        if isinstance(node, pyoxigraph.NamedNode):
            return URIRef(node.value)
        if isinstance(node, pyoxigraph.Literal):
            if node.language:
                return Literal(node.value, lang=node.language)
            return Literal(node.value, datatype=URIRef(node.datatype.value) if node.datatype else XSD.string)
        return BNode(str(getattr(node, "value", node)))

    for quad in pyoxigraph.parse(path=str(file), format=getattr(pyoxigraph.RdfFormat, name)):
        if quad.predicate.value in _SKIPPED:
            continue
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))  # type: ignore[arg-type]
    return graph
