"""How long views and analyses take as the corpus grows.

The seed graph is copied N times with fresh project IRIs (policies and
organizations stay shared, as they would across many years of documents), then
each view and analysis is timed once. Run: .venv/bin/python bench/views_scale.py [N ...]
Prints one row per size; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rdflib import Graph, URIRef

from policykg.graph.answers import analysis
from policykg.graph.rdf.build import union_graph
from policykg.graph.run.pipeline import build_dataset
from policykg.graph.views import html as views
from policykg.loaders import load

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "https://w3id.org/policykg/id/project/"


def scaled(seed: Graph, copies: int) -> Graph:
    def rename(term, n):  # type: ignore[no-untyped-def]
        return URIRef(str(term).replace(PROJECT, f"{PROJECT}c{n}-", 1)) if str(term).startswith(PROJECT) else term

    g = Graph()
    for n in range(copies):
        for s, p, o in seed:
            g.add((rename(s, n), p, rename(o, n)))
    return g


def timed(label: str, rows: list[str], call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call()
    rows.append(f"{label} {time.perf_counter() - start:.2f}s")
    return result


def main(sizes: list[int]) -> None:
    seed = union_graph(build_dataset(load(p) for p in sorted((ROOT / "seeds").glob("*.txt"))))
    for copies in sizes:
        g = scaled(seed, copies)
        rows: list[str] = []
        overview = timed("overview", rows, lambda: views.make_view(g))  # noqa: B023
        timed("render", rows, lambda: views.render_view(overview))  # noqa: B023
        timed("focus-depth2", rows, lambda: views.make_view(g, focus_on="沪松府规〔2019〕23号", depth=2))  # noqa: B023
        nx_graph = timed("to_networkx", rows, lambda: analysis.to_networkx(g))  # noqa: B023
        timed("most_cited", rows, lambda: analysis.most_cited(g, nx_graph))  # noqa: B023
        timed("centrality", rows, lambda: analysis.centrality(nx_graph))  # noqa: B023
        timed("components", rows, lambda: analysis.components(g, nx_graph))  # noqa: B023
        projects = sum(1 for _ in g.subjects(None, URIRef("https://w3id.org/policykg#Project")))
        print(f"{copies}x seeds: {len(g)} triples, {projects} projects, {nx_graph.number_of_nodes()} nx nodes | "
              + " | ".join(rows), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 5, 20])
