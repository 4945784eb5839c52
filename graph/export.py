"""Writing the built graph: Turtle (union), TriG (one named graph per source) and sorted N-Triples.

Output is deterministic: the same input gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

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
    paths["trig"].write_text(dataset.serialize(format="trig"), encoding="utf-8")
    lines = sorted(set(union.serialize(format="nt").splitlines()) - {""})
    paths["nt"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths
