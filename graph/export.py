"""Writing the built graph: Turtle (union), TriG (one named graph per source) and sorted N-Triples.

Output is deterministic: the same input gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from graph.build import union_graph


def write_graph(dataset: Dataset, out_dir: str | Path) -> dict[str, Path]:
    """Write ``graph.ttl``, ``graph.trig`` and ``graph.nt`` into ``out_dir`` (created if missing).

    Returns: format name -> path written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    union = union_graph(dataset)
    paths = {"turtle": out / "graph.ttl", "trig": out / "graph.trig", "nt": out / "graph.nt"}
    paths["turtle"].write_text(union.serialize(format="turtle"), encoding="utf-8")
    paths["trig"].write_text(_trig(dataset), encoding="utf-8")
    lines = sorted(set(union.serialize(format="nt").splitlines()) - {""})
    paths["nt"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def _trig(dataset: Dataset) -> str:
    """TriG with the named graphs in IRI order (rdflib writes them in store order, which varies by run)."""
    chunks = []
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if len(graph) == 0:
            continue
        one = Dataset()
        for prefix, namespace in dataset.namespaces():
            one.bind(prefix, namespace)
        named: Graph = one.graph(graph.identifier)
        for triple in graph:
            named.add(triple)
        chunks.append(one.serialize(format="trig"))
    return "\n".join(chunks)
