"""Stores built from the seeds for the query tests: rdflib in memory, Oxigraph on disk, the built files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from policykg.graph.run.export import write_graph
from policykg.graph.run.pipeline import build_dataset
from policykg.graph.sparql.store import MemoryStore, OxigraphStore, load_oxigraph, unmerge
from policykg.loaders import Document


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, documents: dict[str, Document]) -> Path:
    """A folder with graph.ttl, graph.trig and graph.nt built from the seeds, as `policykg build` writes them."""
    out = tmp_path_factory.mktemp("out")
    write_graph(build_dataset(documents.values()), out)
    return out


@pytest.fixture(scope="session")
def memory_store(seed_graph: Graph) -> MemoryStore:
    return MemoryStore(seed_graph)


@pytest.fixture(scope="session")
def oxigraph_dir(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    load_oxigraph(built / "graph.trig", folder).close()
    return folder


@pytest.fixture(scope="session")
def oxigraph_store(oxigraph_dir: Path) -> Iterator[OxigraphStore]:
    with OxigraphStore(oxigraph_dir) as store:  # read-only: a read-only server may open the folder too
        yield store


@pytest.fixture(scope="session")
def oxigraph_union_store(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    """Oxigraph with no merged copy: queries see the union of the named graphs, where a triple stated by
    several documents (a policy's title, an organization's name) comes once per document."""
    folder = tmp_path_factory.mktemp("union-store")
    load_oxigraph(built / "graph.trig", folder).close()
    unmerge(folder)
    with OxigraphStore(folder) as store:
        assert store.union_default_graph
        yield store
