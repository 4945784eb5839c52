"""Money rolled up over sub-projects, computed by the store in SPARQL (GROUP BY) rather than in Python.

A view or an analysis of a big store asks only for the nodes it shows: which top-level projects hold the most
money (``top_projects``), and how many projects a policy, an organization or a place stands for and with how
much money (``StoreRollup``). The sums are those of ``graph.answers.describe``: a project's money is its first amount in
``MONEY_BASIS`` order, else the sum over its sub-projects (pkg:partOf, at any depth); a node's money counts each
linked project once, a sub-project not again when its parent is linked too. Sub-projects form trees (one
pkg:partOf each), as ``graph.rdf.build`` writes them.

Every query carries its own ``PREFIX`` lines and counts ``DISTINCT`` rows, so a store whose default graph is the
union of its named graphs (a triple once per document stating it) gives the sums of one holding the merge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from policykg.graph.answers.describe import COUNTED, LINKED, MONEY_BASIS, source_text
from policykg.graph.answers.subgraph import CHUNK, PREFIXES
from policykg.graph.sparql.bindings import sparql_term
from policykg.graph.sparql.store import Store, gather
from policykg.graph.sparql.store import values as answer_values
from policykg.ontology import PKG

_BASIS = [f"<{p}>" for p, _ in MONEY_BASIS]
_ANY_BASIS = "|".join(_BASIS)
# Oxigraph joins two sub-SELECTs by hashing and evaluates MINUS once, where a pattern joined in line or
# FILTER NOT EXISTS is looked up again for every row (seconds over 30,000 projects): hence the shapes below.
_DERIVED = str(PROV.wasDerivedFrom)
_PLACE = (str(PKG.sourceLine), str(PKG.sourcePage), str(PKG.sourceCell))  # what source_text reads after the files
_PROJECTS = "{ SELECT ?p WHERE { ?p a pkg:Project } }"


def _own(project: str, money: str) -> str:
    """The rows (``project``, ``money``): every project's first amount in ``MONEY_BASIS`` order."""
    branches = [f"{{ {project} {p} {money} {f'MINUS {{ {project} {chr(124).join(_BASIS[:i])} ?z }}' if i else ''} }}"
                for i, p in enumerate(_BASIS)]
    return f"{{ SELECT {project} {money} WHERE {{ {' UNION '.join(branches)} }} }}"


def _contributions() -> str:
    """The rows (?p, ?d, ?m): project ?d's amount ?m makes up (part of) project ?p's money. That is ?p itself
    when it has an amount, else each sub-project (at any depth) with an amount and none on the way up to ?p."""
    unfunded = f"{{ SELECT ?p WHERE {{ ?p a pkg:Project MINUS {{ ?p {_ANY_BASIS} ?z }} }} }}"
    inline = " ".join(f"OPTIONAL {{ ?d {p} ?m{i} }}" for i, p in enumerate(_BASIS))
    first = ", ".join(f"?m{i}" for i in range(len(_BASIS)))
    below = (f"{unfunded} ?d pkg:partOf+ ?p . {inline} BIND(COALESCE({first}) AS ?m) FILTER(BOUND(?m)) "
             f"FILTER NOT EXISTS {{ ?d pkg:partOf+ ?x . ?x pkg:partOf+ ?p . ?x {_ANY_BASIS} ?z }}")
    return f"{{ {_own('?p', '?m')} BIND(?p AS ?d) }} UNION {{ SELECT ?p ?d ?m WHERE {{ {below} }} }}"


def _decimal(value: object) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _tops(year: str | None) -> str:
    """The rows ?p: projects with no pkg:partOf, of ``year`` when given."""
    year_filter = (f'{{ SELECT ?p WHERE {{ ?p pkg:fiscalYear ?year FILTER(STR(?year) = {sparql_term(Literal(year))}) }} }}'
                   if year else "")
    return f"{{ SELECT DISTINCT ?p WHERE {{ {_PROJECTS} {year_filter} MINUS {{ ?p pkg:partOf ?up }} }} }}"


def top_projects(store: Store, *, year: str | None = None, limit: int = 60) -> tuple[dict[Node, Decimal], int]:
    """The top-level projects (no pkg:partOf) of ``year`` (all years when ``None``) that can be among the
    ``limit`` largest by money, and how many top-level projects there are.

    Returns: ({project: yuan} holding every project whose money reaches the ``limit``-th largest, ties included,
    so that the caller breaks ties by label; every top-level project, with 0 for those without money, when
    fewer than ``limit`` have money), count. Raises: QueryError from the store.
    """
    money = (f"SELECT ?p (SUM(?m) AS ?yuan) WHERE {{ SELECT DISTINCT ?p ?d ?m WHERE {{ {_tops(year)} "
             f"{_contributions()} }} }} GROUP BY ?p")
    asked = [f"{PREFIXES}SELECT (COUNT(*) AS ?n) WHERE {{ {_tops(year)} }}"]
    if limit > 0:
        asked.append(f"{PREFIXES}SELECT ?yuan WHERE {{ {{ {money} }} }} ORDER BY DESC(?yuan) OFFSET {limit - 1} LIMIT 1")
    count, *ranked = (table.rows for table in gather(store, [partial(store.select, query) for query in asked]))
    total = int(str(count[0][0])) if count and count[0][0] is not None else 0
    if not ranked:
        return {}, total
    nth = ranked[0]
    if nth and nth[0][0] is not None:
        rows = store.select(f"{PREFIXES}SELECT ?p ?yuan WHERE {{ {{ {money} }} FILTER(?yuan >= {sparql_term(nth[0][0])}) }}"
                            ).rows
        return {p: _decimal(y) for p, y in rows if isinstance(p, URIRef)}, total
    found = {p: _decimal(y) for p, y in store.select(f"{PREFIXES}{money}").rows if isinstance(p, URIRef)}
    every = store.select(f"{PREFIXES}SELECT ?p WHERE {{ {_tops(year)} }}").rows
    return {p: found.get(p, Decimal(0)) for (p,) in every if isinstance(p, URIRef)}, total


def _counts(store: Store, values: str) -> dict[tuple[Node, URIRef], int]:
    """(node ?n of ``values``, predicate) -> how many subjects link to ?n by that predicate (``LINKED``,
    ``COUNTED``)."""
    preds = " ".join(f"<{p}>" for p in (*LINKED, *COUNTED))
    rows = store.select(f"{PREFIXES}SELECT ?n ?q (COUNT(DISTINCT ?p) AS ?c) WHERE {{ {values} "
                        f"VALUES ?q {{ {preds} }} ?p ?q ?n }} GROUP BY ?n ?q").rows
    return {(n, q): int(str(c)) for n, q, c in rows if isinstance(q, URIRef) and n is not None}


def _money(store: Store, values: str) -> dict[tuple[Node, URIRef], Decimal]:
    """(node ?n of ``values``, predicate of ``LINKED``) -> the money (yuan) of the projects linking to ?n by it,
    each project once and a sub-project not again when its parent links too."""
    both = f"{values} VALUES ?q {{ {' '.join(f'<{p}>' for p in LINKED)} }}"
    linking = (f"{{ SELECT DISTINCT ?n ?q ?p WHERE {{ {both} ?p ?q ?n "
               f"MINUS {{ {both} ?p pkg:partOf+ ?a . ?a ?q ?n }} }} }}")  # each project once, not again below
    query = (f"SELECT ?n ?q (SUM(?m) AS ?yuan) WHERE {{ SELECT DISTINCT ?n ?q ?d ?m WHERE {{ {linking} "
             f"{_contributions()} }} }} GROUP BY ?n ?q")
    return {(n, q): _decimal(yuan) for n, q, yuan in store.select(PREFIXES + query).rows
            if isinstance(q, URIRef) and n is not None}


def _citations(store: Store, values: str) -> dict[tuple[str, str], tuple[set[str], str | None, str | None, str | None]]:
    """(policy ?n, citation) IRIs -> (file names, line, page, cell) of the citations pointing at ?n (``values``):
    what ``source_of`` reads of each, as text (``store.values``: tens of thousands of rows for the most cited
    policies, no rdflib terms made). File names come from one scan of every pkg:fileName (a few thousand)."""
    query = (f"SELECT ?n ?c ?q ?v WHERE {{ {values} ?c pkg:citedDocument ?n . ?c ?q ?v "
             "FILTER(?q IN (prov:wasDerivedFrom, pkg:sourceLine, pkg:sourcePage, pkg:sourceCell)) }")
    facts: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for n, c, q, v in answer_values(store, PREFIXES + query):
        if n is not None and c is not None and q is not None and v is not None:
            facts[(n, c)][q].append(v)
    names: dict[str, str] = {}
    if facts:
        rows = answer_values(store, f"{PREFIXES}SELECT DISTINCT ?f ?name WHERE {{ ?f pkg:fileName ?name }}")
        names = {f: name for f, name in rows if f is not None and name is not None}
    found = {}
    for key, by in facts.items():
        line, page, cell = (min(by[p]) if by.get(p) else None for p in _PLACE)
        found[key] = ({names.get(f, f) for f in by.get(_DERIVED, [])}, line, page, cell)
    return found


class StoreRollup:
    """Counts and money of the projects linked to some nodes, asked of a store in SPARQL (``ask``); answers
    ``count`` and ``money`` as ``graph.answers.describe.GraphRollup`` does for a whole graph."""

    def __init__(self, counts: Mapping[tuple[Node, URIRef], int], money: Mapping[tuple[Node, URIRef], Decimal],
                 ) -> None:
        self.counts = dict(counts)
        self.sums = dict(money)
        self.asked = {n for n, _ in (*counts, *money)}
        self.places: dict[Node, list[str]] = {}

    @classmethod
    def ask(cls, store: Store, nodes: Iterable[Node]) -> StoreRollup:
        """The counts (``COUNTED`` and ``LINKED`` predicates), money (``LINKED``) and citation places of
        ``nodes`` (IRIs), a few queries per ``CHUNK`` nodes. Raises: QueryError from the store."""
        counts: dict[tuple[Node, URIRef], int] = {}
        citations: dict[tuple[str, str], tuple[set[str], str | None, str | None, str | None]] = {}
        money: dict[tuple[Node, URIRef], Decimal] = {}
        asked = {n for n in nodes if isinstance(n, URIRef)}
        iris = sorted(sparql_term(n) for n in asked)
        calls: list[Callable[[], Mapping[Any, Any]]] = []
        for start in range(0, len(iris), CHUNK):
            values = f"VALUES ?n {{ {' '.join(iris[start:start + CHUNK])} }}"
            calls += [partial(_counts, store, values), partial(_money, store, values), partial(_citations, store, values)]
        answers = gather(store, calls)  # the three questions of each chunk are independent: asked at once
        for start in range(0, len(answers), 3):
            counts.update(answers[start])
            money.update(answers[start + 1])
            citations.update(answers[start + 2])
        rollup = cls(counts, money)
        rollup.asked = set(asked)
        by_policy: dict[Node, set[str]] = defaultdict(set)
        for (policy, _), (files, line, page, cell) in citations.items():
            by_policy[URIRef(policy)].add(source_text(files, line, page, cell))
        rollup.places = {policy: sorted(places) for policy, places in by_policy.items()}
        return rollup

    def count(self, node: Node, prop: URIRef) -> int:
        """How many projects (any subjects) link to ``node`` by ``prop``. Raises: LookupError for a node not asked."""
        self._check(node)
        return self.counts.get((node, prop), 0)

    def money(self, node: Node, prop: URIRef) -> Decimal:
        """The money (yuan) of the projects linking to ``node`` by ``prop``, each counted once.
        Raises: LookupError for a node not asked."""
        self._check(node)
        return self.sums.get((node, prop), Decimal(0))

    def cited_at(self, policy: Node) -> list[str]:
        """Where the projects citing ``policy`` cite it (``source_of`` each citation), sorted, once each.
        Raises: LookupError for a node not asked."""
        self._check(policy)
        return self.places.get(policy, [])

    def _check(self, node: Node) -> None:
        if node not in self.asked:
            raise LookupError(f"{node}: not among the nodes whose projects were counted")
