"""The embedded store: a built graph loaded into rdflib, queried with SPARQL.

``open_graph`` reads ``out/graph.ttl`` (or .trig / .nt) written by ``policykg
build``; ``select`` runs a SELECT query with parameters bound as RDF terms
(``initBindings``), never pasted into the query text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.query import Result
from rdflib.term import Identifier, Node

from loaders.errors import QueryError

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".jsonld": "json-ld", ".nq": "nquads"}


@dataclass(frozen=True, slots=True)
class Table:
    """A SELECT result: column names and rows of RDF terms (``None`` for unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]


def open_graph(path: str | Path) -> Graph:
    """Load a built graph file. Raises: QueryError when the file is missing or not RDF."""
    p = Path(path)
    if not p.exists():
        raise QueryError(f"{p}: no such graph; run `policykg build SOURCES --out {p.parent}` first")
    fmt = FORMATS.get(p.suffix)
    if fmt is None:
        raise QueryError(f"{p}: unknown graph format {p.suffix!r}; use one of {', '.join(FORMATS)}")
    if fmt in ("trig", "nquads"):
        dataset = Dataset(default_union=True)
        dataset.parse(p, format=fmt)
        return dataset
    graph = Graph()
    graph.parse(p, format=fmt)
    return graph


def select(graph: Graph, query: str, bindings: dict[str, Identifier] | None = None) -> Table:
    """Run a SELECT query. Raises: QueryError with the parser's message on bad SPARQL."""
    try:
        result: Result = graph.query(query, initBindings=bindings or {})
    except Exception as exc:  # rdflib raises pyparsing and other errors for bad queries
        raise QueryError(f"the SPARQL query failed: {exc}") from None
    if result.type != "SELECT":
        raise QueryError("only SELECT queries can be shown as a table")
    columns = tuple(str(v) for v in result.vars or ())
    rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
    return Table(columns, rows)
