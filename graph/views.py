"""pyvis HTML views of the graph that open without a network.

pyvis always links some resources from CDNs, even with
``cdn_resources="in_line"`` (pyvis issues 228, 229). ``offline_html`` inlines
vis-network's JavaScript and CSS from the copy pyvis ships (vis-network is
dual-licensed Apache-2.0/MIT) and drops the remaining remote links.

The default view shows what answers "which policy justifies which spending":
policy documents, the projects they justify (sized by annual funds), the
parent projects and the departments. Indicators are left out; focused views
come from ``policykg view --focus``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

from pyvis.network import Network
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV

from ontology import PKG

KINDS = {
    "policy": {"color": "#d62728", "shape": "diamond", "label": "policy document 政策文件"},
    "project": {"color": "#1f77b4", "shape": "dot", "label": "project 项目"},
    "organization": {"color": "#2ca02c", "shape": "square", "label": "organization 单位"},
    "place": {"color": "#9467bd", "shape": "triangle", "label": "place 地区"},
    "indicator": {"color": "#ff7f0e", "shape": "star", "label": "indicator 指标"},
}


@dataclass(frozen=True, slots=True)
class ViewNode:
    id: str
    label: str
    kind: str
    tooltip: str
    size: float
    yuan: Decimal | None = None  # a project's annual request, to rank projects when the view is limited


def _label(graph: Graph, node: URIRef) -> str:
    value = graph.value(node, RDFS.label) or graph.value(node, DCTERMS.title)
    return str(value) if value is not None else str(node).rsplit("/", 1)[-1]


def _wan(value: Decimal) -> str:
    return f"{value / 10000:,.2f} 万元"


def _source(graph: Graph, node: URIRef) -> str:
    from rdflib.namespace import PROV

    src = graph.value(node, PROV.wasDerivedFrom)
    line = graph.value(node, PKG.sourceLine)
    name = graph.value(src, PKG.fileName) if src is not None else None
    return f"{name}:{line}" if name and line else str(name or "")


def default_view(graph: Graph) -> tuple[list[ViewNode], list[tuple[str, str, str]]]:
    """Nodes and edges of the default view: policies, projects, departments."""
    nodes: dict[str, ViewNode] = {}
    edges: set[tuple[str, str, str]] = set()

    def project_node(p: URIRef) -> str:
        if str(p) not in nodes:
            annual = graph.value(p, PKG.annualFunds)
            money = Decimal(str(annual)) if annual is not None else None
            year = graph.value(p, PKG.fiscalYear)
            dept = graph.value(p, PKG.department)
            tip = "\n".join(filter(None, [
                _label(graph, p),
                f"year {year}" if year else "",
                f"annual request {_wan(money)}" if money is not None else "",
                f"department {_label(graph, dept)}" if dept is not None else "",
                f"source {_source(graph, p)}",
            ]))
            size = 10 + (float(money) ** 0.5) / 60 if money else 10
            nodes[str(p)] = ViewNode(str(p), _label(graph, p), "project", tip, min(size, 80), money)
        return str(p)

    for p, _, doc in graph.triples((None, PKG.justifiedBy, None)):
        pid = project_node(p)  # type: ignore[arg-type]
        if str(doc) not in nodes:
            number = graph.value(doc, PKG.docNumber)
            tip = "\n".join(filter(None, [_label(graph, doc), f"文号 {number}" if number else ""]))  # type: ignore[arg-type]
            nodes[str(doc)] = ViewNode(str(doc), _label(graph, doc), "policy", tip, 18)  # type: ignore[arg-type]
        edges.add((str(doc), pid, "justifies"))
    for p in list(graph.subjects(RDF.type, PKG.Project)):
        parent = graph.value(p, PKG.partOf)
        if parent is not None and (str(p) in nodes or str(parent) in nodes):
            edges.add((project_node(parent), project_node(p), "part"))  # type: ignore[arg-type]
    for p in [URIRef(n.id) for n in list(nodes.values()) if n.kind == "project"]:
        dept = graph.value(p, PKG.department)
        if dept is not None and graph.value(p, PKG.partOf) is None:
            if str(dept) not in nodes:
                nodes[str(dept)] = ViewNode(str(dept), _label(graph, dept), "organization", _label(graph, dept), 22)  # type: ignore[arg-type]
            edges.add((str(dept), str(p), "department"))
    return sorted(nodes.values(), key=lambda n: n.id), sorted(edges)


# What default_view reads; view_graph keeps only these triples of a big graph file.
VIEW_PREDICATES = frozenset(str(p) for p in (
    RDF.type, RDFS.label, DCTERMS.title, PKG.justifiedBy, PKG.partOf, PKG.department, PKG.annualFunds,
    PKG.fiscalYear, PKG.docNumber, PKG.sourceLine, PKG.fileName, PROV.wasDerivedFrom,
))
_FORMATS = {".ttl": "TURTLE", ".trig": "TRIG", ".nt": "N_TRIPLES", ".nq": "N_QUADS"}


def view_graph(path: str | Path) -> Graph:
    """The triples of a built graph file that ``default_view`` needs, as an rdflib ``Graph``.

    Reading 4 million triples into rdflib takes minutes and gigabytes; Oxigraph
    streams the file and only the view's predicates (``VIEW_PREDICATES``) are
    kept. Accepts .ttl, .trig, .nt and .nq files (named graphs are merged).
    Raises: QueryError when the file is missing or its format unknown.
    """
    import pyoxigraph

    from loaders.errors import QueryError

    file = Path(path)
    if not file.exists():
        raise QueryError(f"{file}: no such graph; run `policykg build SOURCES --out {file.parent}` first")
    fmt = _FORMATS.get(file.suffix)
    if fmt is None:
        raise QueryError(f"{file}: unknown graph format {file.suffix!r}; use one of {', '.join(_FORMATS)}")
    graph = Graph()
    terms: dict[object, object] = {}

    def term(node):  # type: ignore[no-untyped-def]
        found = terms.get(node)
        if found is None:
            if isinstance(node, pyoxigraph.NamedNode):
                found = URIRef(node.value)
            elif isinstance(node, pyoxigraph.Literal):
                if node.language:
                    found = Literal(node.value, lang=node.language)
                elif node.datatype.value == str(XSD.string):
                    found = Literal(node.value)
                else:
                    found = Literal(node.value, datatype=URIRef(node.datatype.value))
            else:
                found = BNode(node.value)
            terms[node] = found
        return found

    for quad in pyoxigraph.parse(path=str(file), format=getattr(pyoxigraph.RdfFormat, fmt)):
        if quad.predicate.value in VIEW_PREDICATES:
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


MAX_NODES = 2000  # a browser lays out about this many nodes in seconds; more take minutes
LARGE_VIEW = 300  # above this many nodes the page trades curved edges and layout polish for opening time


def limit_view(nodes: list[ViewNode], edges: list[tuple[str, str, str]], max_nodes: int = MAX_NODES
               ) -> tuple[list[ViewNode], list[tuple[str, str, str]]]:
    """At most ``max_nodes`` nodes: projects by annual request (largest first), each with its neighbours.

    A project is kept together with the policies that justify it, its parent
    project and its department, so every kept node keeps its context; projects
    are added while the whole group fits. Returns the view unchanged when it is
    small enough.
    """
    if len(nodes) <= max_nodes:
        return nodes, edges
    by_id = {n.id: n for n in nodes}
    neighbours: dict[str, set[str]] = {}
    for a, b, _ in edges:
        if by_id[b].kind == "project":
            neighbours.setdefault(b, set()).add(a)
    projects = sorted((n for n in nodes if n.kind == "project"), key=lambda n: (-(n.yuan or 0), n.id))
    kept: set[str] = set()
    for project in projects:
        group = {project.id} | {
            a for a in neighbours.get(project.id, ()) if by_id[a].kind != "project" or a in kept}
        parent = next((a for a in neighbours.get(project.id, ()) if by_id[a].kind == "project"), None)
        if parent is not None and parent not in kept:
            group |= {parent} | neighbours.get(parent, set())
        new = group - kept
        if len(kept) + len(new) <= max_nodes:
            kept |= new
    return ([n for n in nodes if n.id in kept],
            [e for e in edges if e[0] in kept and e[1] in kept])


def render(nodes: list[ViewNode], edges: list[tuple[str, str, str]], title: str) -> str:
    """An offline HTML page for the given nodes and edges, with a legend."""
    net = Network(height="820px", width="100%", directed=True, cdn_resources="in_line",
                  select_menu=False, filter_menu=False)
    net.barnes_hut(spring_length=120)
    net.toggle_physics(True)
    net.options.physics.stabilization = {"enabled": True, "iterations": 300}  # type: ignore[attr-defined]
    if len(nodes) > LARGE_VIEW:
        # Measured on 2,000 nodes in headless Chromium (bench/results.md): 66 s to a stable layout with
        # these defaults, 6.5 s without dynamic smooth edges (each adds a hidden physics node), without
        # vis-network's clustering pre-layout (improvedLayout) and with 100 stabilization iterations.
        net.options.edges.smooth.enabled = False  # type: ignore[attr-defined]
        net.options.layout = {"improvedLayout": False}  # type: ignore[attr-defined]
        net.options.physics.stabilization = {"enabled": True, "iterations": 100}  # type: ignore[attr-defined]
    for n in nodes:
        kind = KINDS[n.kind]
        net.add_node(n.id, label=n.label if len(n.label) <= 16 else n.label[:15] + "…", title=n.tooltip,
                     color=kind["color"], shape=kind["shape"], size=n.size, group=n.kind)
    for a, b, kind in edges:
        net.add_edge(a, b, title=kind, arrows="to")
    page = net.generate_html(notebook=False)
    return offline_html(page, title, len(nodes))


def offline_html(page: str, title: str, node_count: int) -> str:
    """Inline vis-network and remove every remote resource from a pyvis page."""
    lib = resources.files("pyvis").joinpath("templates/lib/vis-9.1.2")
    css = lib.joinpath("vis-network.css").read_text(encoding="utf-8")
    page = re.sub(r"<link[^>]+href=\"https?://[^\"]+\"[^>]*/?>", "", page)
    page = re.sub(r"<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>", "", page)
    page = page.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    legend = "".join(
        f'<span style="margin-right:1.2em"><span style="color:{k["color"]}">&#9632;</span> {html.escape(k["label"])}</span>'
        for k in KINDS.values()
    )
    header = (f'<div style="font-family:sans-serif;padding:6px"><h3 style="margin:4px 0">{html.escape(title)}</h3>'
              f'<div id="legend">{legend}</div><div id="node-count" data-count="{node_count}">'
              f"{node_count} nodes: policy documents, the projects their 立项依据 (legal basis) cites, "
              f"parent projects and departments. Node size: annual request.</div></div>")
    return re.sub(r"<body[^>]*>", lambda m: m.group(0) + header, page, count=1)


def write_view(graph: Graph, out: str | Path, title: str = "policykg: policy → project → money",
               max_nodes: int = MAX_NODES) -> Path:
    """Write the default view of ``graph`` to ``out``, at most ``max_nodes`` nodes (``limit_view``).

    Returns: the path written.
    """
    nodes, edges = default_view(graph)
    total = len(nodes)
    nodes, edges = limit_view(nodes, edges, max_nodes)
    if len(nodes) < total:
        title += f" (the largest annual requests: {len(nodes):,} of {total:,} nodes)"
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(nodes, edges, title), encoding="utf-8")
    return path


_ = ORG
