"""Stores behind one interface: rdflib in memory, Oxigraph on disk, any SPARQL 1.1 endpoint.

``open_graph`` reads ``out/graph.ttl`` (or .trig / .nt) written by ``policykg
build`` into rdflib; ``select`` runs a SELECT on such a graph (rdflib
``initBindings``). The ``Store`` classes answer the same SELECT text:

- ``MemoryStore`` — rdflib in memory, the embedded default (``open_graph``);
- ``OxigraphStore`` — pyoxigraph on disk, loaded once from ``out/graph.trig``
  (one named graph per source document, plus their merge as default graph)
  without re-reading the documents;
- ``EndpointStore`` — a remote SPARQL 1.1 Protocol endpoint (``…/query``).

``open_store(graph, store_dir, endpoint)`` is the choice every command and
notebook makes: an endpoint URL, an Oxigraph folder (loaded from the built
graph when missing or older), or the built graph file in memory.

``run(store, query, params)`` binds named-query parameters as RDF terms
(``graph.sparql.bindings``) and returns a ``Table`` whose cells are rdflib terms, so
answers from different stores compare equal after ``cell_text``. ``gather(store, calls)``
asks several independent queries at once where the store can answer them side by side.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Identifier, Node

from policykg.graph.errors import QueryError
from policykg.graph.sparql.bindings import with_values

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".jsonld": "json-ld", ".nq": "nquads"}
OXIGRAPH_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES,
                    ".ttl": ox.RdfFormat.TURTLE}
# Queries ``gather`` asks of Oxigraph or an endpoint at once: four answered the analyses' questions faster than two
# on two cores (bench/results.md), Oxigraph's reads waiting on RocksDB part of the time.
QUERY_THREADS = max(4, min(8, os.cpu_count() or 1))
MARKER = "policykg-source.json"  # what an Oxigraph store folder was loaded from (file, size, sha256, quads)


@dataclass(frozen=True, slots=True)
class Table:
    """A SELECT result: column names and rows of RDF terms (``None`` for unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]


class Store(Protocol):
    """Anything that answers SPARQL SELECT text with a ``Table``."""

    description: str

    def select(self, query: str) -> Table:
        """Run SELECT text as given (parameters already bound). Raises: QueryError."""
        ...

    def close(self) -> None:
        """Release what the store holds (a store folder, for instance)."""
        ...


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
    """Run a SELECT query on an rdflib graph, ``bindings`` as rdflib ``initBindings`` (variable -> term).

    Raises: QueryError with the parser's message on bad SPARQL, and saying so when rdflib runs out of memory
    (a MemoryError carries no message of its own).
    """
    try:
        result: Result = graph.query(query, initBindings=bindings or {})
    except MemoryError:
        raise QueryError("the SPARQL query failed: rdflib ran out of memory (MemoryError) answering it; an "
                         "Oxigraph store (--store DIR) answers large graphs from disk") from None
    except Exception as exc:  # rdflib raises pyparsing and other errors for bad queries
        raise QueryError(f"the SPARQL query failed: {str(exc) or type(exc).__name__}") from None
    if result.type != "SELECT":
        raise QueryError("only SELECT queries can be shown as a table")
    columns = tuple(str(v) for v in result.vars or ())
    rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
    return Table(columns, rows)


def run(store: Store, query: str, params: Mapping[str, Node] | None = None) -> Table:
    """Run SELECT ``query`` on ``store`` with ``params`` (name -> term) bound to ``?_name`` by VALUES."""
    return store.select(with_values(query, params or {}))


class MemoryStore:
    """rdflib in memory: the embedded default, for a few hundred documents."""

    def __init__(self, graph: Graph, description: str = "rdflib in memory") -> None:
        self.graph = graph
        self.description = description

    @classmethod
    def open(cls, path: str | Path) -> MemoryStore:
        """The graph file written by ``policykg build`` (``out/graph.ttl``), parsed into memory."""
        return cls(open_graph(path), f"rdflib in memory, from {path}")

    def select(self, query: str) -> Table:
        return select(self.graph, query)

    def close(self) -> None:
        pass


class OxigraphStore:
    """Oxigraph on disk (pyoxigraph), for large corpora and for ``policykg serve``.

    A store made by ``load_oxigraph`` holds one named graph per source document
    and, as its default graph, their RDF merge (each triple once), which queries
    see. Oxigraph 0.5's union default graph keeps a triple once per graph that
    states it (a policy described by 400 documents would be joined 400 times),
    so it is used only for stores without a default graph (made by other tools).
    """

    def __init__(self, path: str | Path, *, read_only: bool = True) -> None:
        self.path = Path(path)
        self.description = f"Oxigraph on disk at {self.path}"
        try:
            self._store: ox.Store | None = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))
        except OSError as exc:
            raise QueryError(f"{self.path}: cannot open the Oxigraph store ({exc}); if `policykg serve --writable` "
                             f"is running on it, query the server with --endpoint instead") from None
        self.union_default_graph = default_graph(self.path) == "union"

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store folder (another process, such as the Oxigraph server, may then open it)."""
        self._store = None

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            raise QueryError(f"{self.path}: the Oxigraph store was closed")
        return self._store

    def __len__(self) -> int:
        return len(self.store)

    def select(self, query: str) -> Table:
        result = self._solutions(query)
        names = [v.value for v in result.variables]
        terms = _Converted()  # an IRI or value repeated across rows becomes one rdflib term, converted once
        rows = tuple(tuple(terms[solution[name]] for name in names) for solution in result)
        return Table(tuple(names), rows)

    def values(self, query: str) -> list[tuple[str | None, ...]]:
        """``select`` with each cell as its text (an IRI, a blank node's label, a literal's lexical form; ``None``
        when unbound), read from Oxigraph's terms without making rdflib terms. Raises: QueryError."""
        result = self._solutions(query)
        width = range(len(result.variables))
        return [tuple(None if (term := solution[i]) is None else term.value for i in width) for solution in result]

    def _solutions(self, query: str) -> ox.QuerySolutions:
        """The solutions of SELECT ``query``. Raises: QueryError for bad SPARQL, a query that is not a SELECT,
        or an evaluation error.

        In one of ``gather``'s threads the query is evaluated whole before the first solution is read:
        Oxigraph writes the solutions as SPARQL TSV (``QuerySolutions.serialize``, one call that holds no GIL
        while the query is evaluated) and pyoxigraph's own parser reads them back into the same terms (Oxigraph
        keeps literals in canonical form, so a lexical form comes back as stored). Read one by one, each row
        takes and releases the GIL, and threads handing the interpreter back and forth a hundred thousand
        times answer no faster together than in turn; alone, the round trip through TSV costs more than it saves.
        """
        try:
            result = self.store.query(query, use_default_graph_as_union=self.union_default_graph)
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError("only SELECT queries can be shown as a table")
            if not getattr(_GATHERING, "active", False):
                return result
            read = ox.parse_query_results(result.serialize(format=ox.QueryResultsFormat.TSV),
                                          ox.QueryResultsFormat.TSV)
        except (SyntaxError, OSError, ValueError) as exc:
            raise QueryError(f"the SPARQL query failed: {exc}") from None
        if not isinstance(read, ox.QuerySolutions):  # what a SELECT writes always reads back as solutions
            raise QueryError("only SELECT queries can be shown as a table")
        return read


def values(store: Store, query: str) -> list[tuple[str | None, ...]]:
    """The rows of SELECT ``query`` on ``store``, each cell as its text (an IRI, a blank node's label, a literal's
    lexical form; ``None`` when unbound), in the store's order: what a caller that needs no rdflib terms reads
    (Oxigraph answers without making them). A language tag or datatype is asked for in the query
    (``LANG(?o)``). Raises: QueryError from the store."""
    if isinstance(store, OxigraphStore):
        return store.values(query)
    return [tuple(None if cell is None else str(cell) for cell in row) for row in store.select(query).rows]


T = TypeVar("T")
_GATHERING = threading.local()  # ``active`` in the threads of ``gather`` (see ``OxigraphStore._solutions``)


def _gathering() -> None:
    _GATHERING.active = True


def gather(store: Store, calls: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``calls`` (functions that ask ``store`` SPARQL queries), in the order of ``calls``.

    On an ``OxigraphStore`` or an ``EndpointStore`` the calls run side by side in up to ``QUERY_THREADS``
    threads: pyoxigraph evaluates a query with the GIL released (``QuerySolutions.__next__`` detaches from
    the interpreter while Oxigraph computes the next row), so two cores answer two queries at once, and an
    endpoint answers HTTP requests at once. rdflib evaluates SPARQL in Python under the GIL, so on any other
    store (``MemoryStore``) the calls run one after another. A call must not change what another reads or
    writes: each returns its rows, and the caller combines them in the order of ``calls``, so the answer is
    the same however the threads interleave.
    Raises: the first exception in the order of ``calls``, once every call has ended.
    """
    if len(calls) < 2 or QUERY_THREADS < 2 or not isinstance(store, (OxigraphStore, EndpointStore)):
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(len(calls), QUERY_THREADS), thread_name_prefix="policykg-query",
                            initializer=_gathering) as pool:
        futures = [pool.submit(call) for call in calls]
    return [future.result() for future in futures]


A = TypeVar("A")
B = TypeVar("B")


def side_by_side(store: Store, first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``gather`` of two calls with results of different types: (``first()``, ``second()``)."""
    one: list[A] = []
    two: list[B] = []
    gather(store, [lambda: one.append(first()), lambda: two.append(second())])
    return one[0], two[0]


class _Converted(dict[Any, "Node | None"]):
    """Oxigraph terms (and ``None`` for an unbound cell) -> rdflib terms, each converted when first seen."""

    def __missing__(self, term: Any) -> Node | None:
        value = self[term] = _from_oxigraph(term)
        return value


def _from_oxigraph(term: Any) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.language, term.datatype.value)
    raise QueryError(f"unsupported term in a query answer: {term!r}")


_XSD_STRING = str(XSD.string)  # looked up once: rdflib's namespace attribute costs microseconds a call


def _literal(value: str, language: str | None, datatype: str | None) -> Literal:
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def load_oxigraph(graph_file: str | Path, path: str | Path) -> OxigraphStore:
    """Load a built graph into an Oxigraph store folder, replacing what it held; no document is re-read.

    ``graph_file``: ``graph.trig`` or ``.nq`` (one named graph per source document, kept as written, and their
    merge as the default graph), or ``.nt`` / ``.ttl`` (one graph: the default graph). ``path`` is created if
    missing. Returns: the store, open for writing (close it before a server opens the folder).
    Raises: QueryError when the file is missing or unreadable, or the folder holds something else.
    """
    source, folder = Path(graph_file), Path(path)
    fmt = OXIGRAPH_FORMATS.get(source.suffix)
    if not source.exists():
        raise QueryError(f"{source}: no such graph; run `policykg build SOURCES --out {source.parent}` first")
    if fmt is None:
        raise QueryError(f"{source}: cannot load {source.suffix!r} into Oxigraph; use graph.trig (or .nq, .nt, .ttl)")
    if folder.exists() and any(folder.iterdir()) and not _is_oxigraph(folder):
        raise QueryError(f"{folder}: the folder holds other files, not an Oxigraph store; choose an empty folder")
    store = OxigraphStore(folder, read_only=False)
    try:
        store.store.clear()
        store.store.bulk_load(path=str(source), format=fmt)
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            default = ox.DefaultGraph()
            store.store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default)
                                    for q in ox.parse(path=str(source), format=fmt))
        store.store.flush()
    except (SyntaxError, OSError, ValueError) as exc:
        store.close()
        raise QueryError(f"{source}: cannot load it into Oxigraph: {exc}") from None
    store.union_default_graph = False
    stat = source.stat()
    named = sum(1 for _ in store.store.named_graphs())
    triples = _count(store.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    _write_marker(folder, {"source": str(source.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                           "sha256": _sha256(source), "named_graphs": named, "quads": len(store) - triples,
                           "triples": triples, "default_graph": "merge"})
    return store


def _count(store: ox.Store, query: str) -> int:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))["n"].value)


def default_graph(path: str | Path) -> str:
    """What queries of the store at ``path`` see as default graph: ``"merge"`` (the merged copy that
    ``load_oxigraph`` writes) or ``"union"`` (the named graphs, as ``unmerge`` leaves it, or a store made
    by other tools)."""
    return "merge" if _marker(Path(path)).get("default_graph") == "merge" else "union"


def unmerge(path: str | Path) -> None:
    """Drop the merged default graph so that the named graphs alone hold the data (for a writable server,
    whose writes to named graphs a merged copy would not follow); queries then use the union."""
    folder = Path(path)
    marker = _marker(folder)
    if marker.get("default_graph") != "merge":
        return
    store = OxigraphStore(folder, read_only=False)
    try:
        store.store.clear_graph(ox.DefaultGraph())
        store.store.flush()
    finally:
        store.close()
    _write_marker(folder, {**marker, "default_graph": "union", "triples": None})


def describe(path: str | Path) -> str:
    """One line on what an Oxigraph store folder holds, from its record of the load."""
    m = _marker(Path(path))
    if not m:
        return f"{path}: an Oxigraph store (not made by policykg)"
    merged = f", merged into {m['triples']} distinct triples" if m.get("default_graph") == "merge" else ""
    return f"{m.get('quads')} quads in {m.get('named_graphs')} named graphs{merged}, from {m.get('source')}"


def _marker(folder: Path) -> dict[str, Any]:
    try:
        loaded = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _write_marker(folder: Path, marker: dict[str, Any]) -> None:
    (folder / MARKER).write_text(json.dumps(marker, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def open_oxigraph(path: str | Path, graph_file: str | Path | None = None) -> tuple[OxigraphStore, bool]:
    """The Oxigraph store at ``path``, (re)loaded from ``graph_file`` when missing or older than that file.

    A store is stale when ``graph_file`` differs (size, then SHA-256) from the file it was loaded from;
    a store with no record of its source (made by other tools) is used as it is.
    Returns: (the store open read-only, whether it was (re)loaded now). Raises: QueryError.
    """
    folder = Path(path)
    if not _is_oxigraph(folder):
        if graph_file is None:
            raise QueryError(f"{folder}: no Oxigraph store here, and no built graph to load into it; run "
                             "`policykg build SOURCES --out out` first (it writes out/graph.trig), or pass --graph")
        load_oxigraph(graph_file, folder).close()
        return OxigraphStore(folder), True
    if graph_file is not None and Path(graph_file).exists() and _stale(folder, Path(graph_file)):
        load_oxigraph(graph_file, folder).close()
        return OxigraphStore(folder), True
    return OxigraphStore(folder), False


def open_store(graph: str | Path, store_dir: str | Path | None = None, endpoint: str | None = None, *,
               loading: Callable[[str], ContextManager[object]] | None = None,
               loaded: Callable[[str], None] | None = None) -> Store:
    """The store a researcher asked for: ``endpoint`` (a SPARQL 1.1 query URL), else ``store_dir`` (an
    Oxigraph folder), else the built graph file ``graph`` (.ttl, .trig, .nt or .jsonld) in memory.

    An Oxigraph folder is (re)loaded from the built graph when missing or older than it: from the
    ``.trig`` beside a ``.ttl`` (one named graph per source document) when there is one. ``loading`` is
    entered around that load with a message (a progress spinner, say); ``loaded`` is called afterwards
    with what the store now holds. The caller closes the store.
    Raises: ``QueryError`` for both ``store_dir`` and ``endpoint``, a missing graph or an unusable store.
    """
    if endpoint and store_dir:
        raise QueryError("give --store DIR or --endpoint URL, not both")
    if endpoint:
        return EndpointStore(endpoint)
    graph = Path(graph)
    if store_dir is None:
        return MemoryStore.open(graph)
    trig = graph.with_suffix(".trig")
    source = trig if graph.suffix == ".ttl" and trig.exists() else graph
    with (loading or (lambda _message: contextlib.nullcontext()))(f"loading {source} into {store_dir}"):
        opened, fresh = open_oxigraph(store_dir, source if source.exists() else None)
    if fresh and loaded is not None:
        loaded(f"loaded {source} into {store_dir}: {describe(store_dir)}")
    return opened


def _is_oxigraph(folder: Path) -> bool:
    return (folder / "CURRENT").exists()  # every RocksDB folder names its current manifest in CURRENT


def _stale(folder: Path, source: Path) -> bool:
    marker = _marker(folder)
    if not marker:
        return False
    stat = source.stat()
    if marker.get("size") == stat.st_size and marker.get("mtime_ns") == stat.st_mtime_ns:
        return False
    return bool(marker.get("sha256") != _sha256(source))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class EndpointStore:
    """A SPARQL 1.1 Protocol endpoint (Oxigraph ``…/query``, Fuseki ``…/ds/query``, GraphDB, Virtuoso).

    The endpoint decides what its default graph is; the catalog queries expect the union (or merge) of
    the named graphs (``policykg serve`` sees to it; Fuseki: ``tdb2:unionDefaultGraph``).
    """

    def __init__(self, url: str, timeout_s: float = 60.0) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise QueryError(f"{url}: not an http(s) URL of a SPARQL endpoint")
        self.url = url
        self.timeout_s = timeout_s
        self.description = f"SPARQL endpoint {url}"

    def close(self) -> None:
        pass

    def select(self, query: str) -> Table:
        body = urllib.parse.urlencode({"query": query}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 (http/https only)
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:300]
            raise QueryError(f"{self.url}: the endpoint refused the query (HTTP {exc.code}): {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise QueryError(f"{self.url}: cannot reach the endpoint ({exc}); is the server running?") from None
        except ValueError:
            raise QueryError(f"{self.url}: the answer is not SPARQL JSON results") from None
        if "results" not in answer:
            raise QueryError("only SELECT queries can be shown as a table")
        columns = tuple(answer["head"]["vars"])
        rows = tuple(tuple(_from_json(b.get(c)) for c in columns) for b in answer["results"]["bindings"])
        return Table(columns, rows)


def _from_json(term: dict[str, str] | None) -> Node | None:
    if term is None:
        return None
    kind = term["type"]
    if kind == "uri":
        return URIRef(term["value"])
    if kind == "bnode":
        return BNode(term["value"])
    return _literal(term["value"], term.get("xml:lang"), term.get("datatype"))


def cell_text(value: object, *, pretty: bool = False) -> str:
    """A result cell as text: numbers in plain decimal notation (``130000000``, not ``1.3E8``), terms as strings.

    ``pretty`` groups the digits of decimals for tables (``130,000,000``); CSV and JSON stay plain.
    """
    if value is None:
        return ""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, bool):
            return "true" if python else "false"
        if isinstance(python, int | Decimal):
            number = Decimal(python)
            if not pretty:
                return format(number.normalize(), "f") if number else "0"
            return f"{number:,.2f}" if number != number.to_integral_value() else f"{number:,.0f}"
        return str(value)
    return str(value)
