"""SHACL validation of a build one document at a time, with the same report as the whole graph.

``graph.validate.validate`` checks the union of all named graphs at once; a
build with one changed document would check every document again. Here the
union is cut into parts, each checked by pySHACL on its own and cached by its
content (``BuildCache``), and the records of all parts together are exactly
the records of the whole (same violations, same messages, same order):

- a node is **private** to a document when every triple that names it (as
  subject or object) is in that document's named graph: the document's
  projects, indicators, citations, budget lines, findings. Policies,
  organizations, places, levels and the projects that the derived graph links
  across years are named by more than one graph and are **shared**;
- a **document part** is the document's named graph plus, from the union, the
  triples about the nodes within as many forward steps of it as the shapes'
  checks take (their paths and nested shapes, counted from the shapes graph),
  so that a shape that follows a property from a private node to a shared one
  (``sh:class``, ``sh:node``, a path such as ``pkg:level2/skos:exactMatch``)
  sees what it sees in the union; the inverse triples of a private node are all
  in its own graph. It validates only the document's private nodes, against the
  shapes without SPARQL;
- the **cross part** is the whole union, validated for every other node (shared
  nodes, the derived graph's, the framework's) and, for every target, against
  the shapes whose checks include a SPARQL constraint (a query can reach any node).

A part validates only its own nodes by giving each shape those of its targets
as ``sh:targetNode`` (targets found as pySHACL finds them): pySHACL's own
``focus_nodes`` option also filters the value nodes handed to nested shapes,
which changes qualified counts over literals. When most parts must be validated
(a first build), ``run_split`` validates the union in two runs instead and files
each record under its part.

The split relies on what the shapes do, read from the shapes graph: a shape
reached from a value node (``sh:node``, ``sh:qualifiedValueShape``, a logical
constraint of a property shape) or a path beyond its first step must not go
backwards (``sh:inversePath``) or use ``*``/``+``/``?``/alternative paths, which
could reach triples of other documents. When the shapes do (or the graph has
blank nodes, or a shape is also a class, with implicit targets), the whole
union is validated as one part instead.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection as RDFList
from rdflib.namespace import SH
from rdflib.term import Node

from graph import validate as validation
from graph.validate import ValidationReport, Violation, _framework, _sort_key, check

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_LISTS = (SH["and"], SH["or"], SH.xone)  # logical constraints whose object is a list of shapes


@dataclass(frozen=True, slots=True)
class Part:
    """One pySHACL run of a split validation.

    ``key``: what the records depend on (the part's triples and its kind), for the cache;
    ``data``: its triples as N-Triples lines; ``kind``: ``"document"``, ``"cross"`` or ``"whole"``; ``responsible``: for a document part, the IRIs whose records it gives (its private
    nodes); ``excluded``: for the cross part, the IRIs whose records it does not give (every document's
    private nodes).
    """

    key: str
    kind: str
    data: bytes
    responsible: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


def _terms(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Subject, predicate and object of one N-Triples line (``<s> <p> o .``) as written."""
    subject, predicate, rest = line.split(b" ", 2)
    return subject, predicate, rest[:-2] if rest.endswith(b" .") else rest.rstrip(b" .")


def _is_node(term: bytes) -> bool:
    return term.startswith((b"<", b"_:"))


def plan(graphs: Sequence[tuple[str, bytes]], shared_graphs: Collection[str] = (),
         fingerprint: str = "") -> list[Part]:
    """The parts that validate the union of ``graphs`` ((named graph IRI, sorted N-Triples) pairs).

    ``shared_graphs``: the IRIs of graphs that are not one document's (the derived graph of links across
    documents); their nodes are all shared. ``fingerprint``: anything else the records depend on (the
    code and shapes), mixed into every key. Returns the document parts (those with private nodes) and,
    last, the cross part; or one ``"whole"`` part when the shapes or the data do not allow the
    split (see the module's notes).
    """
    lines: list[list[bytes]] = [[line for line in blob.split(b"\n") if line] for _, blob in graphs]
    union = sorted({line for part in lines for line in part})
    local, _with_sparql, depth = _split_shapes()
    if local is None or any(b"_:" in line.split(b" ", 1)[0] or b" _:" in line for line in union):
        return [Part(_key(fingerprint, "whole", union), "whole", b"\n".join(union) + b"\n" if union else b"")]
    homes: dict[bytes, set[int]] = defaultdict(set)  # node -> the graphs that name it
    about: dict[bytes, list[bytes]] = defaultdict(list)  # subject -> its lines in the union
    for i, part in enumerate(lines):
        for line in part:
            subject, _predicate, obj = _terms(line)
            homes[subject].add(i)
            if _is_node(obj):
                homes[obj].add(i)
    for line in union:
        about[line.split(b" ", 1)[0]].append(line)
    shared_at = {i for i, (iri, _) in enumerate(graphs) if iri in shared_graphs}
    private: dict[int, set[bytes]] = defaultdict(set)
    for node, where in homes.items():
        if len(where) == 1 and not where & shared_at:
            private[next(iter(where))].add(node)
    parts: list[Part] = []
    for i, part in enumerate(lines):
        if i in shared_at or not private.get(i):
            continue
        own = set(part)
        extra = sorted(set(_reach(part, private[i], about, max(depth, 2))) - own)
        data = sorted(own | set(extra))
        responsible = tuple(sorted(n[1:-1].decode("utf-8") for n in private[i] if n.startswith(b"<")))
        parts.append(Part(_key(fingerprint, "document", data, responsible), "document",
                          b"\n".join(data) + b"\n", responsible=responsible))
    everything = b"\n".join(union) + b"\n" if union else b""
    excluded = tuple(sorted(n[1:-1].decode("utf-8") for nodes in private.values() for n in nodes if n.startswith(b"<")))
    layout = [f"{iri}\0{hashlib.sha256(blob).hexdigest()}".encode() for iri, blob in graphs]
    parts.append(Part(_key(fingerprint, "cross", layout, excluded), "cross", everything, excluded=excluded))
    return parts


def _reach(lines: Iterable[bytes], private: set[bytes], about: dict[bytes, list[bytes]], depth: int) -> Iterator[bytes]:
    """The union's lines about the nodes within ``depth`` forward steps of a document's private nodes.

    Every node a line of the document names is taken as one step away (a private node's neighbours, by
    a triple either way, are named in its own graph); from there, objects are followed forward.
    """
    frontier = []
    for line in lines:
        subject, _predicate, obj = _terms(line)
        for node in (subject, obj):
            if _is_node(node) and node not in private:
                frontier.append(node)
    seen = set(frontier)
    for _step in range(depth):
        following = []
        for node in frontier:
            for line in about.get(node, ()):
                yield line
                obj = _terms(line)[2]
                if _is_node(obj) and obj not in seen and obj not in private:
                    seen.add(obj)
                    following.append(obj)
        frontier = following
        if not frontier:
            break


def _key(fingerprint: str, kind: str, lines: Sequence[bytes], focus: Sequence[str] = ()) -> str:
    digest = hashlib.sha256(f"shacl-part\0{fingerprint}\0{kind}\0".encode())
    for line in lines:
        digest.update(line + b"\n")
    digest.update("\0".join(focus).encode("utf-8"))
    return digest.hexdigest()[:32]


def run(part: Part) -> tuple[Violation, ...]:
    """The records of one part (see ``plan``), in no particular order. Raises: PolicyKGError when
    pySHACL cannot run."""
    data = Graph()
    if part.data:
        data.parse(data=part.data.decode("utf-8"), format="nt")
    shapes = validation._shapes()
    local, with_sparql, _depth = _split_shapes()
    if part.kind == "whole":
        return tuple(check(data, shapes))
    assert local is not None
    if part.kind == "cross":
        return tuple(check(data, shapes, excluded=part.excluded, every_target=with_sparql))
    return tuple(check(data, local, responsible=part.responsible, reported_shapes=shapes))


def run_split(parts: Sequence[Part]) -> dict[str, tuple[Violation, ...]]:
    """The records of every part of one ``plan`` (a cross part and document parts), from two pySHACL
    runs over the whole union instead of one run per part: cheaper when most parts must be validated
    (a first build), and each part's records can still be cached. Returns records by part key.

    The union (the cross part's data) is checked against the shapes without SPARQL (every target) and
    against the SPARQL ones; a record about a document's private node belongs to that document's part,
    every other to the cross part — the same records as ``run`` of each part gives.
    """
    cross = next(p for p in parts if p.kind == "cross")
    data = Graph()
    if cross.data:
        data.parse(data=cross.data.decode("utf-8"), format="nt")
    shapes = validation._shapes()
    local, with_sparql, _depth = _split_shapes()
    assert local is not None
    owner = {iri: part.key for part in parts if part.kind == "document" for iri in part.responsible}
    found: dict[str, list[Violation]] = {part.key: [] for part in parts}
    for v in check(data, local, reported_shapes=shapes):
        found[owner.get(v.focus, cross.key)].append(v)
    if with_sparql:  # the SPARQL shapes are the cross part's, whatever node they are about
        found[cross.key] += check(data, shapes, responsible=(), every_target=with_sparql)
    return {key: tuple(found_records) for key, found_records in found.items()}


def validate_parts(graphs: Sequence[tuple[str, bytes]], shared_graphs: Collection[str] = (),
                   fingerprint: str = "", get: Callable[[str], object | None] | None = None,
                   put: Callable[[str, tuple[Violation, ...]], None] | None = None,
                   mapper: Callable[[Callable[[Part], tuple[Violation, ...]], list[Part]],
                                    Iterable[tuple[Violation, ...]]] | None = None) -> ValidationReport:
    """The SHACL report of the union of ``graphs``, equal to ``graph.validate.validate`` of the union,
    validated part by part (``plan``).

    ``get`` / ``put``: a cache of the records of a part by its key (a part whose triples did not change
    is not validated again). ``mapper``: how the parts not in the cache are run (default the built-in
    ``map``; a process pool's ``map`` runs them on several cores); it receives ``run`` and the parts,
    the largest first, and yields their records in the same order.
    Returns: the report, its records sorted as ``validate`` sorts them.
    """
    parts = plan(graphs, shared_graphs, fingerprint)
    found: dict[str, tuple[Violation, ...]] = {}
    for part in parts:
        cached = get(part.key) if get is not None else None
        if isinstance(cached, tuple) and all(isinstance(v, Violation) for v in cached):
            found[part.key] = cached
    todo = [part for part in parts if part.key not in found]
    unchecked = sum(len(p.data) for p in todo if p.kind == "document")
    if todo and len(parts) > 1 and unchecked * 2 > len(parts[-1].data):  # most documents are new: two runs
        computed = run_split(parts)
        fresh = {part.key: computed[part.key] for part in todo}
    else:
        todo.sort(key=lambda p: -len(p.data))
        fresh = {part.key: records for part, records in zip(todo, (mapper or map)(run, todo), strict=True)}
    for key, records in fresh.items():
        found[key] = records
        if put is not None:
            put(key, records)
    records = sorted((v for part in parts for v in found[part.key]), key=_sort_key)
    return ValidationReport(conforms=not any(v.severity == "Violation" for v in records),
                            violations=tuple(records))


@cache
def _framework_nodes() -> frozenset[str]:
    """The IRIs the indicator framework names (it is added to every part; its nodes are validated in the
    cross part unless a document alone names them)."""
    framework = _framework()
    return frozenset(str(n) for triple in framework for n in (triple[0], triple[2]) if isinstance(n, URIRef))


_SPLIT: dict[int, tuple[Graph, tuple[Graph | None, frozenset[Node], int]]] = {}


def _split_shapes() -> tuple[Graph | None, frozenset[Node], int]:
    """``split_shapes`` of the shapes ``graph.validate`` checks (computed once per shapes graph)."""
    shapes = validation._shapes()
    found = _SPLIT.get(id(shapes))
    if found is None or found[0] is not shapes:
        found = (shapes, split_shapes(shapes))
        _SPLIT.clear()
        _SPLIT[id(shapes)] = found
    return found[1]


def split_shapes(shapes: Graph) -> tuple[Graph | None, frozenset[Node], int]:
    """``shapes`` for the document parts: (``shapes`` without the targets of the shapes whose checks
    include a SPARQL constraint, those shapes, how many forward steps from a focus node the other checks
    read); ``(None, frozenset(), 0)`` when a check could reach other documents' triples from a node of
    one document (see the module's notes), or a shape is also a class."""
    targeted = sorted({s for p in _TARGETS for s in shapes.subjects(p, None)}, key=str)
    classes = {RDFS.Class, OWL.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    kinds = (SH.NodeShape, SH.PropertyShape)
    if any((s, RDF.type, c) in shapes for c in classes for k in kinds for s in shapes.subjects(RDF.type, k)) \
            or any((s, RDF.type, c) in shapes for c in classes for s in targeted):
        return None, frozenset(), 0  # a shape that is also a class targets its instances implicitly
    with_sparql = set()
    depth = 0
    for shape in targeted:
        uses_sparql, steps = _walk(shapes, shape)
        if steps is None:
            return None, frozenset(), 0
        if uses_sparql:
            with_sparql.add(shape)
        else:
            depth = max(depth, steps)
    local = Graph()
    for triple in shapes:
        if triple[1] not in _TARGETS or triple[0] not in with_sparql:
            local.add(triple)
    for prefix, namespace in shapes.namespaces():
        local.bind(prefix, namespace)
    return local, frozenset(with_sparql), depth


_MAX_STEPS = 8  # deeper nesting (or a cycle of sh:node) is validated on the whole union


def _walk(shapes: Graph, top: Node) -> tuple[bool, int | None]:
    """(whether the checks of shape ``top`` include a SPARQL constraint, how many forward steps from the
    focus node they read, ``None`` when they may step backwards from a value node): every shape it
    reaches, with the steps of the paths that led there."""
    uses_sparql = False
    deepest = 0
    todo: list[tuple[Node, int]] = [(top, 0)]  # (shape, steps of paths from the focus node to what it checks)
    seen: set[tuple[Node, int]] = set()
    while todo:
        shape, steps = todo.pop()
        if (shape, steps) in seen:
            continue
        seen.add((shape, steps))
        if steps > _MAX_STEPS:
            return uses_sparql, None
        if shapes.value(shape, SH.sparql) is not None:
            uses_sparql = True
        path = shapes.value(shape, SH.path)
        inner = steps
        if path is not None:
            length = _forward(shapes, path, allow_inverse_first=steps == 0)
            if length is None:
                return uses_sparql, None
            inner = steps + length  # a property shape's constraints apply to its value nodes
        deepest = max(deepest, inner)
        for child in shapes.objects(shape, SH.property):
            todo.append((child, steps))
        for predicate in (SH.node, SH.qualifiedValueShape, SH["not"]):
            for child in shapes.objects(shape, predicate):
                todo.append((child, inner))
        for predicate in _LISTS:
            for head in shapes.objects(shape, predicate):
                for child in RDFList(shapes, head):
                    todo.append((child, inner))
    return uses_sparql, deepest


def _forward(shapes: Graph, path: Node, allow_inverse_first: bool) -> int | None:
    """How many steps a SHACL path takes when it only follows properties forward (a property, or a
    sequence of them), ``None`` otherwise; the first step may be an inverse one when
    ``allow_inverse_first`` (a private node's inverse triples are in its own graph)."""
    if isinstance(path, URIRef):
        return 1
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return 1 if allow_inverse_first and isinstance(inverse, URIRef) else None
    if shapes.value(path, RDF.first) is not None:
        steps = [_forward(shapes, step, allow_inverse_first and i == 0) for i, step in enumerate(RDFList(shapes, path))]
        return sum(steps) if steps and all(n is not None for n in steps) else None  # type: ignore[misc]
    return None
