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
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, ORG

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
            nodes[str(p)] = ViewNode(str(p), _label(graph, p), "project", tip, min(size, 80))
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


def render(nodes: list[ViewNode], edges: list[tuple[str, str, str]], title: str) -> str:
    """An offline HTML page for the given nodes and edges, with a legend."""
    net = Network(height="820px", width="100%", directed=True, cdn_resources="in_line",
                  select_menu=False, filter_menu=False)
    net.barnes_hut(spring_length=120)
    net.toggle_physics(True)
    net.options.physics.stabilization = {"enabled": True, "iterations": 300}  # type: ignore[attr-defined]
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


def write_view(graph: Graph, out: str | Path, title: str = "policykg: policy → project → money") -> Path:
    """Write the default view of ``graph`` to ``out``. Returns: the path written."""
    nodes, edges = default_view(graph)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(nodes, edges, title), encoding="utf-8")
    return path


_ = ORG
