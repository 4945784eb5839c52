"""A document's named graph as sorted N-Triples bytes, without an rdflib store in between.

``graph.rdf.build.add_document`` says what a document's triples are; it only calls
``graph.add(triple)``. For thousands of documents an rdflib ``Graph`` costs
more than the triples are worth (about 1 KB of memory and 10 µs per triple),
so the build collects them in a ``TripleCollector`` and encodes them as
N-Triples lines, exactly as rdflib's own ``nt`` serializer writes them.
The sorted, de-duplicated lines of one document are its named graph; they are
what the build caches, concatenates and hands to Oxigraph for TriG and Turtle.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from policykg.graph.linking.link import PolicyIndex
from policykg.graph.linking.orgs import OrgIndex
from policykg.graph.rdf.build import add_document
from policykg.loaders.records import Document

Triple = tuple[Node, Node, Node]


class TripleCollector:
    """A stand-in for ``rdflib.Graph`` that only records ``add``-ed triples, in order."""

    __slots__ = ("triples",)

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, triple: Triple) -> TripleCollector:
        self.triples.append(triple)
        return self

    def __len__(self) -> int:
        return len(self.triples)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r") + '"'


def term(node: Node) -> str:
    """One RDF term in N-Triples syntax (the escapes of rdflib's ``nt`` serializer).

    Raises: TypeError for a term that is neither an IRI, a blank node nor a literal.
    """
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        if node.language:
            return f"{_quote(str(node))}@{node.language}"
        if node.datatype:
            return f"{_quote(str(node))}^^<{node.datatype}>"
        return _quote(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Sorted, de-duplicated N-Triples lines (UTF-8, each ending in a newline)."""
    iris: dict[Node, str] = {}
    lines = set()
    for s, p, o in triples:
        ts = iris.get(s)
        if ts is None:
            ts = iris[s] = term(s)
        tp = iris.get(p)
        if tp is None:
            tp = iris[p] = term(p)
        to = iris.get(o) if isinstance(o, URIRef) else None
        if to is None:
            to = term(o)
            if isinstance(o, URIRef):
                iris[o] = to
        lines.add(f"{ts} {tp} {to} .\n")
    return "".join(sorted(lines)).encode("utf-8")


def document_ntriples(doc: Document, index: PolicyIndex, orgs: OrgIndex | None = None) -> bytes:
    """The named graph of one document (``graph.rdf.build.add_document``) as sorted N-Triples."""
    collector = TripleCollector()
    add_document(collector, doc, index, orgs)  # type: ignore[arg-type]  # only .add is used
    return ntriples(collector.triples)


def count_lines(blob: bytes) -> int:
    """The number of triples in N-Triples bytes written by ``ntriples``."""
    return blob.count(b"\n")
