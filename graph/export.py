"""Writing the built graph: Turtle (union), TriG (one named graph per source) and sorted N-Triples.

The build hands over each document's named graph as sorted N-Triples bytes
(``graph.ntriples``); Oxigraph turns them into Turtle and TriG (its
serializers are streaming and written in Rust, so 4 million triples take
seconds rather than the minutes rdflib's pretty-printers need).

Output is deterministic: the same input gives byte-identical files. Named
graphs are written in the order of their IRIs, triples in the order of their
N-Triples lines, so Turtle and TriG group each subject's statements together.
"""

from __future__ import annotations

import heapq
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph.ntriples import ntriples
from ontology import ID, ORG, PKG

PREFIXES: dict[str, str] = {
    "pkg": str(PKG._NS), "id": str(ID), "org": str(ORG), "prov": str(PROV), "dcterms": str(DCTERMS),
    "skos": str(SKOS), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
}


def _lines(blob: bytes) -> Iterator[bytes]:
    start = 0
    while start < len(blob):
        end = blob.index(b"\n", start) + 1
        yield blob[start:end]
        start = end


def union_lines(graphs: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """All triples of the named graphs, de-duplicated, as sorted N-Triples lines.

    A merge of the graphs' sorted lines: memory stays with the graphs, not a copy of the union.
    """
    last = None
    for line in heapq.merge(*(_lines(blob) for _, blob in graphs)):
        if line != last:
            yield line
            last = line


def union_ntriples(graphs: Iterable[tuple[str, bytes]]) -> bytes:
    """``union_lines`` as one bytes object."""
    return b"".join(union_lines(graphs))


def nquads(graphs: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """The named graphs as N-Quads chunks, one per graph, in IRI order.

    Every N-Triples line ends in `` .\n`` and a literal's newlines are escaped,
    so the graph name goes in front of each line's final `` .``.
    """
    for iri, blob in sorted(graphs, key=lambda g: g[0]):
        yield blob.replace(b" .\n", b" <" + iri.encode("utf-8") + b"> .\n")


class _ChunkReader(io.RawIOBase):
    """A binary stream over an iterator of bytes chunks (so Oxigraph can parse without one big buffer)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def write_graphs(graphs: Sequence[tuple[str, bytes]], out_dir: str | Path) -> dict[str, Path]:
    """Write ``graph.ttl``, ``graph.trig`` and ``graph.nt`` into ``out_dir`` (created if missing).

    ``graphs``: (named graph IRI, sorted N-Triples bytes) per source document.
    Returns: format name -> path written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"turtle": out / "graph.ttl", "trig": out / "graph.trig", "nt": out / "graph.nt"}
    tmp = paths["nt"].with_name(".graph.nt.tmp")
    with tmp.open("wb") as stream:
        stream.writelines(union_lines(graphs))
    tmp.replace(paths["nt"])
    _serialize(pyoxigraph.parse(path=str(paths["nt"]), format=pyoxigraph.RdfFormat.N_TRIPLES), paths["turtle"],
               pyoxigraph.RdfFormat.TURTLE)
    reader = io.BufferedReader(_ChunkReader(nquads(graphs)), buffer_size=1 << 20)
    _serialize(pyoxigraph.parse(reader, format=pyoxigraph.RdfFormat.N_QUADS), paths["trig"], pyoxigraph.RdfFormat.TRIG)
    return paths


def _serialize(quads: Iterable[pyoxigraph.Quad], path: Path, fmt: pyoxigraph.RdfFormat) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pyoxigraph.serialize(quads, str(tmp), fmt, prefixes=PREFIXES)  # a path: Oxigraph buffers the writes itself
    tmp.replace(path)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def dataset_graphs(dataset: Dataset) -> list[tuple[str, bytes]]:
    """The named graphs of an rdflib dataset as (IRI, sorted N-Triples) pairs."""
    return [(str(g.identifier), ntriples(g)) for g in dataset.graphs() if len(g) and isinstance(g.identifier, URIRef)]


def dataset_from_graphs(graphs: Iterable[tuple[str, bytes]]) -> Dataset:
    """An rdflib ``Dataset`` (default graph = union) holding the given named graphs."""
    from graph.build import _bind

    dataset = Dataset(default_union=True)
    _bind(dataset)
    for iri, blob in graphs:
        graph: Graph = dataset.graph(URIRef(iri))
        _bind(graph)
        graph.parse(data=blob.decode("utf-8"), format="nt")
    return dataset


def write_graph(dataset: Dataset, out_dir: str | Path) -> dict[str, Path]:
    """Write an rdflib dataset as ``write_graphs`` does. Returns: format name -> path written."""
    return write_graphs(dataset_graphs(dataset), out_dir)
