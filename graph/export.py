"""Writing the built graph: Turtle (union), TriG (one named graph per source), sorted N-Triples,
and JSON-LD with its context.

Output is deterministic: the same input gives byte-identical files, whatever
the process's hash seed. rdflib's TriG serializer writes named graphs in the
order of the store's set of graphs, which changes between processes, so the
graphs are sorted by IRI here; the JSON-LD nodes and value lists are sorted too.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.serializers.trig import TrigSerializer

from graph.build import union_graph
from ontology import ELI, ID, ORG, PKG, SCHEMA, WD

# The JSON-LD context of graph.jsonld (also written alone as context.jsonld, for
# compacting other JSON-LD, e.g. query results, with the same short names).
CONTEXT: dict[str, str] = {
    "pkg": str(PKG._NS), "id": str(ID), "fw": "https://w3id.org/policykg/framework/",
    "dcterms": str(DCTERMS), "prov": str(PROV), "org": str(ORG), "skos": str(SKOS), "eli": str(ELI),
    "schema": str(SCHEMA), "wd": str(WD), "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
}


def write_graph(dataset: Dataset, out_dir: str | Path) -> dict[str, Path]:
    """Write ``graph.ttl``, ``graph.trig``, ``graph.nt``, ``graph.jsonld`` and ``context.jsonld`` into ``out_dir``.

    ``out_dir`` is created if missing. ``graph.jsonld`` carries the context of
    ``context.jsonld`` inline, so it opens without a network or a second file.
    Returns: format name -> path written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    union = union_graph(dataset)
    paths = {"turtle": out / "graph.ttl", "trig": out / "graph.trig", "nt": out / "graph.nt",
             "jsonld": out / "graph.jsonld", "context": out / "context.jsonld"}
    paths["turtle"].write_text(union.serialize(format="turtle"), encoding="utf-8")
    paths["trig"].write_bytes(trig_bytes(dataset))
    lines = sorted(set(union.serialize(format="nt").splitlines()) - {""})
    paths["nt"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths["jsonld"].write_text(jsonld_text(union), encoding="utf-8")
    paths["context"].write_text(_dump({"@context": CONTEXT}), encoding="utf-8")
    return paths


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG serializer with the named graphs in IRI order (subjects are already sorted)."""

    def __init__(self, store: Graph) -> None:
        super().__init__(store)
        self.contexts.sort(key=lambda graph: str(graph.identifier))


def trig_bytes(dataset: Dataset) -> bytes:
    """The dataset as UTF-8 TriG, named graphs sorted by IRI."""
    stream = io.BytesIO()
    _SortedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def jsonld_text(graph: Graph) -> str:
    """The graph as JSON-LD compacted with ``CONTEXT``: nodes sorted by @id, value lists sorted, keys sorted."""
    document = json.loads(graph.serialize(format="json-ld", context=CONTEXT))
    nodes = document.get("@graph", [])
    if isinstance(nodes, dict):
        nodes = [nodes]
    document["@graph"] = sorted((_sorted(node) for node in nodes), key=lambda node: str(node.get("@id", "")))
    document["@context"] = CONTEXT
    return _dump(document)


def _sorted(value: Any) -> Any:
    """JSON-LD values in a stable order; an @list keeps its order (it is an RDF list)."""
    if isinstance(value, dict):
        return {key: (item if key == "@list" else _sorted(item)) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
