"""The part of a store's graph an answer reads, fetched through SPARQL SELECT into a small rdflib ``Graph``.

``policykg analyze``, ``evolution`` and ``view`` work on any ``graph.sparql.store``
store (rdflib in memory, Oxigraph on disk, a SPARQL endpoint) without loading
the whole graph into rdflib: each asks the store for the triples its answer
reads (the entity skeleton for networkx, one programme's lineage, a view's
nodes and their facts) and computes on that subgraph with the same code as on
a whole graph, so every store gives the same answer.

Every query is ``SELECT ?s ?p ?o`` and carries its own ``PREFIX`` lines
(Oxigraph ignores prefixes bound in Python). Rows are added to an rdflib
``Graph``, which keeps each triple once: a store whose default graph is the
union of its named graphs (a triple once per document stating it) gives the
same subgraph as one holding the merge. Node lists are sent in
chunks of ``CHUNK`` IRIs, each written into its own UNION branch (see ``_each``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import partial

from rdflib import Graph, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from policykg.graph.answers.describe import KIND_OF_CLASS, MONEY_FACTS
from policykg.graph.rdf.prefixes import sparql_prefixes
from policykg.graph.sparql.bindings import sparql_term
from policykg.graph.sparql.store import MemoryStore, Store, gather, values
from policykg.ontology import PKG

CHUNK = 200  # IRIs per query
PREFIXES = sparql_prefixes("rdf", "rdfs", "dcterms", "skos", "prov", "org", "pkg")
# What names a node (find_nodes, label_of, year_of, docNumber) and what a project's money is made of.
NAMES = ("rdfs:label", "dcterms:title", "skos:altLabel", "pkg:docNumber", "pkg:fiscalYear")
MONEY = tuple(f"<{p}>" for p, _ in MONEY_FACTS) + ("pkg:partOf",)
# Links between entities: the relations views draw and the projection analyses use.
LINKS = ("pkg:justifiedBy", "pkg:cites", "pkg:partOf", "pkg:hasBudgetLine", "pkg:department", "pkg:implementingUnit",
         "pkg:issuer", "pkg:continues", "pkg:mentionsPlace", "pkg:mentionsOrganization", "org:subOrganizationOf")
# Where a node's facts are stated: the file (its name) and the line, page and cell.
SOURCE = ("prov:wasDerivedFrom", "pkg:sourceLine", "pkg:sourcePage", "pkg:sourceCell")
# Links into a node that a description or a lineage counts (projects of a department, findings about a node, …).
INCOMING = LINKS + ("pkg:hasIndicator", "pkg:concerns", "pkg:citedDocument", "pkg:successor", "pkg:predecessor")
# Links into a node that a view's description reads itself; the projects of a policy or a department, an issuer's
# policies, the projects mentioning a place and where a policy is cited are counted by the store (graph.answers.rollup).
DESCRIBED_INCOMING = ("pkg:partOf", "pkg:hasIndicator", "pkg:concerns")
# Links of a drawn node whose targets a view's description only counts (or does not read).
UNREAD = ("pkg:hasIndicator", "pkg:mentionsPlace", "pkg:mentionsOrganization", "pkg:cites")
_KINDS = {kind: cls for cls, kind in KIND_OF_CLASS.items()}


def as_store(source: Store | Graph) -> Store:
    """``source`` as a store: an rdflib ``Graph`` is wrapped in a ``MemoryStore``; a store is returned as it is."""
    return MemoryStore(source) if isinstance(source, Graph) else source


def triples(store: Store, where: str, graph: Graph | None = None) -> Graph:
    """The triples ``?s ?p ?o`` that the SPARQL group ``where`` binds, added to ``graph`` (default: a new one).

    ``where`` is the body of ``SELECT ?s ?p ?o WHERE { … }`` with the prefixes of ``PREFIXES``.
    A ``MemoryStore`` asked for a new graph (or for its own) returns its whole graph instead: rdflib would take
    minutes to answer the long UNIONs, and the answers computed on the whole graph are those the other stores'
    subgraphs give (``tests/graph/answers/test_store_answers.py``).
    Returns: ``graph``. Raises: QueryError from the store.
    """
    if isinstance(store, MemoryStore) and (graph is None or graph is store.graph):
        return store.graph  # the whole graph is in memory already: it holds every triple the answer reads
    return triples_of(store, [where], graph if graph is not None else Graph())


def triples_of(store: Store, wheres: Sequence[str], graph: Graph) -> Graph:
    """``triples`` of each group of ``wheres``, asked at once (``gather``: side by side on Oxigraph or an
    endpoint) and added to ``graph`` in the order of ``wheres``, so the graph is the one asking them one by one
    makes. Returns: ``graph``. Raises: QueryError from the store."""
    if isinstance(store, MemoryStore) and graph is store.graph:
        return graph
    asked = [f"{PREFIXES}SELECT ?s ?p ?o WHERE {{ {where} }}" for where in wheres]
    add = graph.add
    for table in gather(store, [partial(store.select, query) for query in asked]):
        for s, p, o in table.rows:
            if s is not None and p is not None and o is not None:
                add((s, p, o))
    return graph


def rows(store: Store, where: str, select: str = "?s ?p ?o") -> list[tuple[str, ...]]:
    """The rows of ``SELECT {select} WHERE { where }`` (with ``PREFIXES``) as text (``store.values``), rows with
    an unbound cell left out: what an answer that needs no rdflib terms reads (``analysis.skeleton``).
    Raises: QueryError from the store."""
    found = values(store, f"{PREFIXES}SELECT {select} WHERE {{ {where} }}")
    return [row for row in found if None not in row]  # type: ignore[misc]  # None is left out


def typed(store: Store, classes: Iterable[str]) -> list[tuple[str, ...]]:
    """(node IRI, class IRI) for every node of ``classes`` (``<iri>`` or ``pkg:…``)."""
    return rows(store, _each("o", classes, "?s a ?o", bind=True), "?s ?o")


def facts(store: Store, classes: Iterable[str], predicates: Iterable[str]) -> list[tuple[str, ...]]:
    """(node IRI, predicate IRI, value text, language tag or ``""``) for the ``predicates`` (``pkg:…``, ``<iri>``)
    of every node of ``classes``, each fact once however many of the classes the node has.

    One query for all the classes: each predicate's triples are joined with the nodes by hashing (``_of_class``),
    so a query costs a scan of them, however few nodes it is about."""
    nodes = f"SELECT DISTINCT ?s WHERE {{ {_values('c', classes)} ?s a ?c }}"
    pattern = f"{{ {nodes} }} {{ SELECT * WHERE {{ ?s ?p ?o }} }}"
    return rows(store, _each("p", predicates, pattern, bind=True), "?s ?p ?o (LANG(?o) AS ?l)")


def linked(store: Store, predicates: Iterable[str]) -> list[tuple[str, ...]]:
    """(subject, predicate, object) text of every triple whose predicate is among ``predicates``."""
    return rows(store, _each("p", predicates, "?s ?p ?o", bind=True))


def named(store: Store, nodes: Iterable[str]) -> list[tuple[str, ...]]:
    """(node IRI, predicate IRI, value text, language tag or ``""``) for the names (``NAMES``) of ``nodes`` (IRIs)."""
    found: list[tuple[str, ...]] = []
    for chunk in _chunks(URIRef(n) for n in nodes):
        found += rows(store, _each("s", chunk, "?s ?p ?o", bind=True) + " " + _values("p", NAMES),
                      "?s ?p ?o (LANG(?o) AS ?l)")
    return found


def _values(var: str, terms: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def _each(var: str, terms: Iterable[str], pattern: str, *, bind: bool = False) -> str:
    """``pattern`` once per term of ``terms`` written for ``?var``, joined by UNION (``BIND``ing ``?var`` too).

    A UNION of patterns with the term written in (rather than a ``VALUES`` block before the pattern) lets
    rdflib's engine look each pattern up by its bound terms instead of matching it unbound over the whole
    graph and joining afterwards, which takes minutes; Oxigraph answers both forms alike. A ``VALUES``
    block after such a group only narrows its rows and is kept (it is shorter to parse).
    """
    name = re.compile(rf"\?{var}\b")
    branches = [name.sub(term.replace("\\", "\\\\"), pattern) + (f" BIND({term} AS ?{var})" if bind else "")
                for term in terms]
    return " UNION ".join(f"{{ {b} }}" for b in branches) if branches else "FILTER(false)"


def _chunks(nodes: Iterable[Node]) -> list[list[str]]:
    iris = sorted({sparql_term(n) for n in nodes if isinstance(n, URIRef)})
    return [iris[i:i + CHUNK] for i in range(0, len(iris), CHUNK)]


def kinds_of(kinds: Iterable[str]) -> list[str]:
    """The classes (``<iri>``) of the node kinds named (project, policy, organization, place, indicator)."""
    return [f"<{_KINDS[k]}>" for k in kinds]


def entities(store: Store, kinds: Iterable[str], graph: Graph | None = None, *, classes: Iterable[str] = (),
             extra: Iterable[str] = ()) -> Graph:
    """The nodes of ``kinds`` (and of ``classes``, ``pkg:…``) with their rdf:type, names (``NAMES``) and the
    predicates ``extra`` (``pkg:…``). Returns: ``graph`` (default: a new one) with those triples added.
    """
    graph = graph if graph is not None else Graph()
    classes = [*kinds_of(kinds), *classes]
    predicates = [*NAMES, *extra]
    return triples_of(store, [_each("o", classes, "?s a ?o . BIND(rdf:type AS ?p)", bind=True),
                              *(_each("p", predicates, _of_class(cls, "?s ?p ?o"), bind=True) for cls in classes)],
                      graph)


def _of_class(cls: str, pattern: str) -> str:
    """``pattern`` for the subjects ``?s`` of class ``cls``, as two sub-SELECTs: Oxigraph joins those by hashing,
    where ``?s a cls . pattern`` looks the pattern up again for each of 30,000 projects (seconds a predicate)."""
    return f"{{ SELECT ?s WHERE {{ ?s a {cls} }} }} {{ SELECT * WHERE {{ {pattern} }} }}"


def names(store: Store, nodes: Iterable[Node], graph: Graph) -> Graph:
    """The names (``NAMES``) of ``nodes``, added to ``graph``."""
    return triples_of(store, [_each("s", chunk, "?s ?p ?o", bind=True) + " " + _values("p", NAMES)
                              for chunk in _chunks(nodes)], graph)


def links(store: Store, predicates: Iterable[str] = LINKS, graph: Graph | None = None) -> Graph:
    """Every triple whose predicate is among ``predicates`` (``pkg:…`` names or ``<iri>``)."""
    return triples(store, _each("p", predicates, "?s ?p ?o", bind=True), graph)


def money(store: Store, graph: Graph | None = None) -> Graph:
    """Every project's amounts (``MONEY_FACTS``) and pkg:partOf: what ``project_money`` and ``money_of`` read."""
    return triples(store, _each("p", MONEY, _of_class("pkg:Project", "?s ?p ?o"), bind=True), graph)


def around(store: Store, nodes: Iterable[Node], graph: Graph | None = None, *,
           incoming: Iterable[str] = INCOMING, unread: Iterable[str] = ()) -> Graph:
    """The triples around ``nodes``, as ``describe``, ``source_of`` and a lineage read them:

    - every triple about them;
    - every triple about what they link to (their citations, budget lines, indicators, amount notes,
      organizations, policies, projects), less the sources of those (a policy is derived from every
      document citing it) except for citations;
    - the links ``incoming`` into them; the names (``NAMES``) of their sub-projects, of the projects whose
      indicators they are and of the projects continuing them; every triple about the audit findings
      (with their evidence), citations and lineage links pointing at them, and the projects holding those
      citations (pkg:hasCitation);
    - the file name of each source.

    ``unread``: links (``pkg:…``) whose targets are not described (a view does not read the facts of the
    indicators or places of a project it does not draw, only counts them).

    Returns: ``graph`` (default: a new one) with those triples added.
    """
    graph = graph if graph is not None else Graph()
    into = list(incoming)
    skipped = ", ".join(("rdf:type", "prov:wasDerivedFrom", *unread))
    facts = [q for q in ("pkg:citedDocument", "pkg:concerns", "pkg:successor", "pkg:predecessor") if q in into]
    named = [q for q in ("pkg:partOf", "pkg:hasIndicator", "pkg:continues") if q in into]
    wheres: list[str] = []
    for chunk in _chunks(nodes):
        wheres += [_each("s", chunk, "?s ?p ?o", bind=True),
                   _each("n", chunk, f"?n ?q ?s . FILTER(isIRI(?s) && ?q NOT IN ({skipped})) "
                                     "?s ?p ?o FILTER(?p != prov:wasDerivedFrom || ?q = pkg:hasCitation)"),
                   _each("o", chunk, f"{_values('p', into)} ?s ?p ?o", bind=True)]
        if named:
            wheres.append(_each("n", chunk, f"{_values('q', named)} ?s ?q ?n . {_values('p', NAMES)} ?s ?p ?o"))
        if facts:
            wheres.append(_each("n", chunk, f"{_values('q', facts)} ?s ?q ?n . ?s ?p ?o"))
        if "pkg:citedDocument" in into:  # the projects holding those citations (a policy's "cited at" reads them)
            wheres.append(_each("n", chunk, "?o pkg:citedDocument ?n . ?s pkg:hasCitation ?o . "
                                            "BIND(pkg:hasCitation AS ?p)"))
        if "pkg:concerns" in into:
            wheres.append(_each("n", chunk, "?f pkg:concerns ?n . ?f pkg:hasEvidence ?s . ?s ?p ?o"))
    triples_of(store, wheres, graph)
    sources(store, graph)
    return graph


def parts(store: Store, projects: Iterable[Node], graph: Graph) -> set[Node]:
    """The pkg:partOf links of the sub-projects of ``projects`` at any depth, added to ``graph``.

    Returns: the sub-projects. Raises: QueryError from the store.
    """
    part = triples_of(store, [_each("top", chunk, "?s pkg:partOf+ ?top . ?s pkg:partOf ?o BIND(pkg:partOf AS ?p)")
                              for chunk in _chunks(projects)], Graph())
    graph += part
    return set(part.subjects())


def neighbours(store: Store, nodes: Iterable[Node], predicates: Iterable[str], graph: Graph) -> Graph:
    """The links ``predicates`` (``<iri>``) from and into ``nodes``, and the rdf:type, names (``NAMES``) of the
    nodes at their other ends, added to ``graph``: what a focus needs to go one link further.

    The predicates are FILTERed after the node's own triples are found (a ``VALUES ?p`` block is joined with
    every triple of those predicates by Oxigraph before the node narrows them: seconds per query).
    """
    preds = f"FILTER(?p IN ({', '.join(predicates)}))"
    linked = f"FILTER(?q IN ({', '.join(predicates)}))"
    described = f"FILTER(?p IN (rdf:type, {', '.join(NAMES)}))"
    wheres = [where for chunk in _chunks(nodes) for where in (
        _each("s", chunk, f"?s ?p ?o {preds}", bind=True),
        _each("o", chunk, f"?s ?p ?o {preds}", bind=True),
        _each("n", chunk, f"?n ?q ?s {linked} ?s ?p ?o {described}"),
        _each("n", chunk, f"?s ?q ?n {linked} ?s ?p ?o {described}"))]
    return triples_of(store, wheres, graph)


def sources(store: Store, graph: Graph) -> Graph:
    """The pkg:fileName of every source document ``graph`` cites (prov:wasDerivedFrom) and does not name yet,
    added to ``graph``."""
    files = {o for o in graph.objects(None, PROV.wasDerivedFrom) if (o, PKG.fileName, None) not in graph}
    if len(files) > CHUNK:  # one scan of every file name (a few thousand rows) is quicker than many lookups
        named = triples(store, "?s pkg:fileName ?o . BIND(pkg:fileName AS ?p)", Graph())
        for s, p, o in named:
            if s in files:
                graph.add((s, p, o))
        return graph
    return triples_of(store, [_each("s", chunk, "?s pkg:fileName ?o . BIND(pkg:fileName AS ?p)", bind=True)
                              for chunk in _chunks(files)], graph)


def provenance(store: Store, nodes: Iterable[Node], graph: Graph) -> Graph:
    """Where ``nodes`` are stated (``SOURCE`` and the file names), added to ``graph``: what ``source_of`` reads."""
    triples_of(store, [_each("s", chunk, "?s ?p ?o", bind=True) + " " + _values("p", SOURCE)
                       for chunk in _chunks(nodes)], graph)
    return sources(store, graph)

