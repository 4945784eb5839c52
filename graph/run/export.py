"""Writing the built graph: Turtle (union), TriG (one named graph per source), sorted N-Triples, JSON-LD.

The build hands over each document's named graph as sorted N-Triples bytes
(``graph.rdf.ntriples``); Oxigraph turns them into Turtle and TriG (its
serializers are streaming and written in Rust, so 4 million triples take
seconds rather than the minutes rdflib's pretty-printers need). Oxigraph reads
them leniently (IRIs not validated again, which halves its parsing time): they
are this build's own N-Triples, whose terms were made by rdflib.

Output is deterministic: the same input gives byte-identical files. Named
graphs are written in the order of their IRIs, triples in the order of their
N-Triples lines, so Turtle and TriG group each subject's statements together.
JSON-LD (``graph.jsonld``) carries the context of ``context.jsonld`` inline, so
it opens without a network: compacted with sorted nodes for graphs of up to
``COMPACT_JSONLD_UP_TO`` triples, in Oxigraph's expanded form beyond.
"""

from __future__ import annotations

import heapq
import io
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph
from rdflib import Dataset, Graph, URIRef

from policykg.graph import processes
from policykg.graph.rdf.ntriples import ntriples
from policykg.graph.rdf.prefixes import prefixes

# No prefix for data IRIs (id:): their local names hold "/", which Turtle must escape as "\/" and some
# parsers (rdflib's TriG graph names) do not read back.
PREFIXES: dict[str, str] = prefixes("pkg", "org", "prov", "dcterms", "skos", "rdf", "rdfs", "xsd")


# The JSON-LD context of graph.jsonld (also written alone as context.jsonld, for
# compacting other JSON-LD, e.g. query results, with the same short names).
CONTEXT: dict[str, str] = prefixes("pkg", "id", "fw", "dcterms", "prov", "org", "skos", "eli", "schema", "wd", "owl",
                                   "rdf", "rdfs", "xsd")
COMPACT_JSONLD_UP_TO = 200_000  # triples; rdflib's compaction takes minutes on millions


def union_lines(graphs: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """All triples of the named graphs, de-duplicated, as sorted N-Triples lines.

    A merge of the graphs' sorted lines: memory stays with the graphs, not a copy of the union (a ``BytesIO``
    shares the bytes it is made from, and splits lines in C).
    """
    last = None
    for line in heapq.merge(*(io.BytesIO(blob) for _, blob in graphs)):
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
        self._buffer = memoryview(b"")
        self._offset = 0  # into the current chunk: what was read is skipped, not copied away

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._offset >= len(self._buffer):
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer, self._offset = memoryview(chunk), 0
        size = min(len(target), len(self._buffer) - self._offset)
        target[:size] = self._buffer[self._offset:self._offset + size]
        self._offset += size
        return size


def write_graphs(graphs: Sequence[tuple[str, bytes]], out_dir: str | Path, workers: int = 1) -> dict[str, Path]:
    """Write ``graph.nt``, ``graph.ttl``, ``graph.trig``, ``graph.jsonld`` and ``context.jsonld`` into
    ``out_dir`` (created if missing).

    ``graphs``: (named graph IRI, sorted N-Triples bytes) per source document. ``workers`` > 1: on graphs of
    more than ``PARALLEL_WRITE_FROM`` triples, forked processes write TriG while this one writes N-Triples, then
    Turtle and JSON-LD from it (the same bytes as one after another).
    Returns: format name -> path written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"turtle": out / "graph.ttl", "trig": out / "graph.trig", "nt": out / "graph.nt",
             "jsonld": out / "graph.jsonld", "context": out / "context.jsonld"}
    big = workers > 1 and sum(blob.count(b"\n") for _, blob in graphs) > PARALLEL_WRITE_FROM
    if big and "fork" in multiprocessing.get_all_start_methods():
        with processes.sharing(**{"export.graphs": graphs, "export.paths": paths}), \
                processes.pool(min(workers, 3)) as pool:  # the writers read the graphs without pickling
            # TriG is made from the named graphs, Turtle and JSON-LD from graph.nt: TriG is written while
            # graph.nt is, the other two once it is there.
            futures = [pool.submit(_write_format, "trig")]
            _write_ntriples(graphs, paths["nt"])
            futures += [pool.submit(_write_format, name) for name in ("turtle", "jsonld")]
            for future in futures:
                future.result()
    else:
        _write_ntriples(graphs, paths["nt"])
        for name in ("turtle", "trig", "jsonld"):
            _write_format(name, graphs, paths)
    _write(paths["context"], _dump({"@context": CONTEXT}).encode("utf-8"))
    return paths


def _write_ntriples(graphs: Iterable[tuple[str, bytes]], path: Path) -> None:
    tmp = _temporary(path)
    with tmp.open("wb") as stream:
        stream.writelines(union_lines(graphs))
    tmp.replace(path)


PARALLEL_WRITE_FROM = 500_000  # triples; below, forking costs more than writing


def _write_format(name: str, graphs: Sequence[tuple[str, bytes]] | None = None,
                  paths: dict[str, Path] | None = None) -> None:
    graphs = graphs if graphs is not None else processes.SHARED["export.graphs"]
    paths = paths if paths is not None else processes.SHARED["export.paths"]
    if name == "turtle":
        _serialize(_parse_own(paths["nt"], pyoxigraph.RdfFormat.N_TRIPLES), paths["turtle"], pyoxigraph.RdfFormat.TURTLE)
    elif name == "trig":
        reader = io.BufferedReader(_ChunkReader(nquads(graphs)), buffer_size=1 << 20)
        _serialize(_parse_own(reader, pyoxigraph.RdfFormat.N_QUADS), paths["trig"], pyoxigraph.RdfFormat.TRIG)
    else:
        _write_jsonld(paths["nt"], paths["jsonld"])


def _parse_own(source: Path | IO[bytes], fmt: pyoxigraph.RdfFormat) -> Iterator[pyoxigraph.Quad]:
    """Oxigraph's reading of this build's own N-Triples or N-Quads (a file, or a stream of them), lenient: their
    IRIs were made by rdflib and are not validated again (half of Oxigraph's parsing time)."""
    if isinstance(source, Path):
        return pyoxigraph.parse(path=str(source), format=fmt, lenient=True)
    return pyoxigraph.parse(source, format=fmt, lenient=True)


def _write_jsonld(nt: Path, path: Path) -> None:
    size = sum(1 for _ in nt.open("rb"))
    if size <= COMPACT_JSONLD_UP_TO:
        graph = Graph()
        graph.parse(nt, format="nt")
        _write(path, jsonld_text(graph).encode("utf-8"))
        return
    expanded = path.with_name(f".{path.name}.{os.getpid()}.expanded")
    pyoxigraph.serialize(_parse_own(nt, pyoxigraph.RdfFormat.N_TRIPLES), str(expanded), pyoxigraph.RdfFormat.JSON_LD)
    tmp = _temporary(path)
    with tmp.open("wb") as stream, expanded.open("rb") as body:
        stream.write(b'{"@context": ' + json.dumps(CONTEXT, ensure_ascii=False, sort_keys=True).encode() + b', "@graph": ')
        while chunk := body.read(1 << 20):
            stream.write(chunk)
        stream.write(b"}\n")
    expanded.unlink()
    tmp.replace(path)


def _temporary(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place: ``.<name>.<pid>.tmp``, one per process."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _serialize(quads: Iterable[pyoxigraph.Quad], path: Path, fmt: pyoxigraph.RdfFormat) -> None:
    tmp = _temporary(path)
    pyoxigraph.serialize(quads, str(tmp), fmt, prefixes=PREFIXES)  # a path: Oxigraph buffers the writes itself
    tmp.replace(path)


def _write(path: Path, data: bytes) -> None:
    tmp = _temporary(path)
    tmp.write_bytes(data)
    tmp.replace(path)


def dataset_graphs(dataset: Dataset) -> list[tuple[str, bytes]]:
    """The named graphs of an rdflib dataset as (IRI, sorted N-Triples) pairs."""
    return [(str(g.identifier), ntriples(g)) for g in dataset.graphs() if len(g) and isinstance(g.identifier, URIRef)]


def dataset_from_graphs(graphs: Iterable[tuple[str, bytes]]) -> Dataset:
    """An rdflib ``Dataset`` (default graph = union) holding the given named graphs."""
    from policykg.graph.rdf.build import _bind

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
