"""Upload the built graph to any SPARQL 1.1 Graph Store Protocol endpoint.

One named graph per source document, each sent with HTTP PUT to
``URL?graph=IRI``: pushing again replaces that graph, so counts do not grow.
Works with Oxigraph (``…/store``), Apache Jena Fuseki (``…/DATASET/data``),
GraphDB (``…/repositories/REPO/rdf-graphs/service``) and Virtuoso
(``…/sparql-graph-crud``). Graphs on the server that are no longer in the
build are left as they are.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from policykg.graph.rdf.prefixes import prefixes
from policykg.loaders.errors import PolicyKGError

PREFIXES = prefixes("pkg", "id", "org", "prov", "dcterms", "skos", "rdfs", "xsd")
FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


@dataclass
class PushReport:
    """What was sent: (graph IRI, triples, HTTP status) per named graph, in IRI order."""

    url: str
    graphs: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(n for _, n, _ in self.graphs)


def graph_url(url: str, graph: str | None) -> str:
    """``url`` with ``graph=IRI`` (or ``default``) appended as the Graph Store Protocol asks."""
    query = f"graph={urllib.parse.quote(graph, safe='')}" if graph else "default"
    return f"{url}{'&' if '?' in url else '?'}{query}"


def push(graph_file: str | Path, url: str, *, progress: Callable[[str], None] | None = None,
         timeout_s: float = 300.0) -> PushReport:
    """PUT every named graph of ``graph_file`` (``out/graph.trig`` or ``.nq``) to the Graph Store ``url``.

    Each graph is sent as Turtle (``text/turtle``) and replaces the graph of the same IRI on the server;
    triples outside named graphs go to the server's default graph. ``progress`` is called with each graph IRI.
    Returns: a PushReport. Raises: PolicyKGError naming the graph and the server's answer on failure.
    """
    source = Path(graph_file)
    if not source.exists():
        raise PolicyKGError(f"{source}: no such graph; run `policykg build SOURCES --out {source.parent}` first")
    fmt = FORMATS.get(source.suffix)
    if fmt is None:
        raise PolicyKGError(f"{source}: push needs named graphs; give graph.trig or .nq, not {source.suffix!r}")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise PolicyKGError(f"{url}: not an http(s) URL of a Graph Store endpoint (such as http://127.0.0.1:7878/store)")
    dataset = ox.Store()
    try:
        dataset.load(path=str(source), format=fmt)
    except (SyntaxError, OSError, ValueError) as exc:
        raise PolicyKGError(f"{source}: cannot read it: {exc}") from None
    report = PushReport(url)
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = sorted(dataset.named_graphs(), key=str)
    if next(iter(dataset.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    for graph in graphs:
        iri = graph.value if isinstance(graph, ox.NamedNode) else None
        if progress:
            progress(iri or "default graph")
        body = dataset.dump(format=ox.RdfFormat.TURTLE, from_graph=graph, prefixes=PREFIXES)
        triples = sum(1 for _ in dataset.quads_for_pattern(None, None, None, graph))
        status = _put(graph_url(url, iri), body or b"", iri or "default graph", timeout_s)
        report.graphs.append((iri or "", triples, status))
    return report


def _put(target: str, body: bytes, name: str, timeout_s: float) -> int:
    request = urllib.request.Request(target, data=body, method="PUT",
                                     headers={"Content-Type": "text/turtle; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 (http/https only)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()[:300]
        raise PolicyKGError(f"{target}: the server refused graph {name} (HTTP {exc.code}: {detail}); is this a "
                            "writable Graph Store endpoint (Oxigraph …/store, Fuseki …/DATASET/data)?") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PolicyKGError(f"{target}: cannot reach the server ({exc}); is it running?") from None
