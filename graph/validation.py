"""SHACL validation of a built graph, reported in a researcher's words.

``validate(graph)`` checks a graph against ``ontology/shapes.ttl`` with pySHACL
and returns a ``ValidationReport`` of plain records: which node (its kind,
name, source file and 1-based line), which property, what is wrong with it and
the rule it breaks, in English and Chinese. ``render`` turns a report into
lines such as::

    project 城市数字化 (004_b5c1e20c1c71ec69.txt:190): has 2 pkg:fiscalYear values;
    a project has exactly one fiscal year (pkg:fiscalYear, an xsd:gYear)

How pySHACL is run: the OWL ontology (``policykg.ttl``: classes, subclass and
subproperty axioms) is its ``ont_graph``; the SKOS indicator framework is added
to a copy of the data, because the shapes look its concepts up (skos:inScheme,
skos:broader) and pySHACL's ontology mix-in copies classes and properties only.
No inference is run: the graph states its types explicitly. Severity
``Violation`` breaks the contract (``conforms`` is False); ``Warning`` points at
something to look at and does not.

Validation part by part (``validate_parts``), with the same report as the whole graph.

``validate`` checks the union of all named graphs at once; a
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
from functools import cache, lru_cache
from types import ModuleType
from typing import Any, cast

from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RDFList
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, OWL, PROV, SH, NamespaceManager
from rdflib.paths import InvPath, Path, SequencePath
from rdflib.term import Node

from policykg.graph.errors import PolicyKGError, ValidationError
from policykg.graph.rdf.prefixes import prefixes
from policykg.ontology import PKG, ontology_path

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
# The kind named in a report when a node has several types: the most specific first.
KIND_ORDER = (PKG.Project, PKG.Indicator, PKG.PolicyDocument, PKG.Declaration, PKG.SelfEvaluation,
              PKG.SourceDocument, PKG.BudgetLine, PKG.Citation, PKG.Finding, PKG.AmountAsWritten,
              PKG.LineageLink, PKG.Link, PKG.Place)


@dataclass(frozen=True, slots=True)
class Violation:
    """One validation result, as plain data.

    ``focus`` is the IRI of the node at fault; ``kind`` / ``kind_zh`` its class
    (project, 项目 …); ``label`` its name; ``file`` and ``line`` (1-based) where
    it was read, ``None`` when unknown; ``path`` the property as a prefixed name
    (``pkg:fiscalYear``, ``^pkg:hasIndicator`` for an inverse path); ``value``
    the offending value as text; ``problem`` / ``problem_zh`` what is wrong
    with this node; ``message`` / ``message_zh`` the rule (the shape's
    sh:message); ``severity`` ``Violation``, ``Warning`` or ``Info``; ``shape``
    and ``component`` the SHACL source shape and constraint component.
    """

    severity: str
    focus: str
    kind: str
    kind_zh: str
    label: str
    file: str | None
    line: int | None
    path: str | None
    value: str | None
    problem: str
    problem_zh: str
    message: str
    message_zh: str
    shape: str
    component: str


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of ``validate``: ``conforms`` is True when no result has severity Violation."""

    conforms: bool
    violations: tuple[Violation, ...]

    @property
    def errors(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.severity == "Violation")

    @property
    def warnings(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.severity != "Violation")

    def raise_for_violations(self, lang: str = "en") -> None:
        """Raise ValidationError listing the violations when the graph does not conform."""
        if not self.conforms:
            raise ValidationError(summary(self) + "\n" + "\n".join(render(self.errors, lang)))


@cache
def _ontology() -> Graph:
    return Graph().parse(ontology_path("policykg.ttl"), format="turtle")


@cache
def _framework() -> Graph:
    return Graph().parse(ontology_path("indicator_framework.ttl"), format="turtle")


@cache
def _shapes() -> Graph:
    return Graph().parse(ontology_path("shapes.ttl"), format="turtle")


@cache
def _pyshacl() -> ModuleType:
    """pySHACL, imported when first needed (0.4 s with rdflib's SPARQL engine; a build whose report is
    cached never needs it).

    Each evaluation of a shape asks, for each of its predicates, whether it is a constraint parameter;
    pySHACL keeps those parameters in a list (≈ 40 IRIs compared one by one, 16 % of its time on the
    seeds). Its module-level cache of them (``pyshacl.shape.CONSTRAINT_PARAMS``, filled on first use)
    is filled here with a frozenset of the same parameters: the same answers, by hash.
    """
    import pyshacl
    import pyshacl.shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    current = getattr(pyshacl.shape, "CONSTRAINT_PARAMS", None)
    if not (isinstance(current, tuple) and isinstance(current[0], frozenset)):
        # pySHACL sets this module attribute itself on first use (setattr), so its typing does not declare it
        pyshacl.shape.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
            frozenset(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    return pyshacl


def validate(graph: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Check ``graph`` against the SHACL shapes of the ontology (``ontology/shapes.ttl``).

    ``graph`` is a built graph (a ``Graph``, or a ``Dataset`` whose named graphs
    are validated together as one union). ``shapes`` replaces the shipped shapes.
    The graph is not modified.
    Returns: a ValidationReport whose records are sorted by severity, file, line.
    Raises: PolicyKGError when pySHACL cannot run (e.g. malformed shapes).
    """
    records = check(_union(graph), shapes if shapes is not None else _shapes())
    return ValidationReport(conforms=not any(v.severity == "Violation" for v in records),
                            violations=tuple(sorted(records, key=_sort_key)))


def check(data: Graph, shapes_graph: Graph, responsible: Iterable[str] | None = None,
          reported_shapes: Graph | None = None, every_target: Iterable[Node] = (),
          excluded: Iterable[str] = ()) -> list[Violation]:
    """The validation results of ``data`` (with the indicator framework added) against ``shapes_graph``,
    unsorted.

    ``responsible``: validate only these nodes (IRIs) against the shapes that target them; ``None``: every
    target; ``excluded``: validate every node but these (IRIs); the shapes in ``every_target`` keep all
    their targets. (pySHACL's own ``focus_nodes`` option cannot be used for this: it also filters the value
    nodes passed to nested shapes, so a qualified count over literals would change.) Here each shape's
    targets are found as pySHACL finds them (``_targets``, on the same graph with the ontology mixed in)
    and the shape is given the responsible ones as ``sh:targetNode`` instead. ``reported_shapes``: the
    shapes graph whose messages and labels the records quote (default ``shapes_graph``).
    ``data`` is not modified. Raises: PolicyKGError when pySHACL cannot run.
    """
    checked = _Checked()
    for triple in data:
        checked.add(triple)
    for triple in _framework():
        checked.add(triple)
    pyshacl = _pyshacl()
    from pyshacl.rdfutil.inoculate import inoculate

    try:
        # what pySHACL does with ont_graph (classes and properties), once. Its annotation asks for its own
        # DataGraph wrapper, but it only uses the rdflib Graph API (namespace_manager, add, triples)
        inoculate(checked, _ontology())  # type: ignore[arg-type]
        excluded = set(excluded)
        run_shapes = shapes_graph if responsible is None and not excluded else \
            _retarget(shapes_graph, checked, responsible, excluded, every_target)
        _conforms, results, _text = pyshacl.validate(checked, shacl_graph=run_shapes, inference="none",
                                                     allow_warnings=True, inplace=True)
    except Exception as exc:  # pySHACL raises its own runtime errors and rdflib parser errors
        raise PolicyKGError(f"SHACL validation could not run: {exc}") from None
    assert isinstance(results, Graph)
    names = _names()
    quoted = reported_shapes if reported_shapes is not None else shapes_graph
    details = set(results.objects(None, SH.detail))  # nested results of sh:node etc., reported by their parent
    return [_record(results, r, data, quoted, names)
            for r in results.subjects(RDF.type, SH.ValidationResult) if r not in details]


class _Checked(Graph):
    """The graph pySHACL validates. pySHACL runs a SPARQL constraint once per focus node with the same
    text (the node bound by ``initBindings``), and rdflib parses and translates the text every time
    (≈ 20 ms, most of the validation with a constraint on every indicator); here each text is
    prepared once (``rdflib.plugins.sparql.prepareQuery``) and the prepared query is run."""

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        namespaces = args[2] if len(args) > 2 else kwargs.get("initNs")
        if isinstance(query_object, str) and not namespaces:
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=64)
def _prepared(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


def _targets(shapes: Graph, shape: Node, data: Graph) -> set[Node]:
    """The focus nodes of ``shape`` in ``data`` as pySHACL's ``Shape.focus_nodes`` finds them: its target
    nodes, the instances of its target classes and their subclasses, the subjects and objects of its
    target properties; a shape that is also a class targets its instances."""
    found: set[Node] = set(shapes.objects(shape, SH.targetNode))
    classes = set(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.add(shape)
    for cls in classes:
        found.update(data.subjects(RDF.type, cls))
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            if sub != cls:
                found.update(data.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        found.update(s for s, _o in data.subject_objects(prop))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        found.update(o for _s, o in data.subject_objects(prop))
    return found


def _retarget(shapes: Graph, data: Graph, responsible: Iterable[str] | None, excluded: set[str],
              every_target: Iterable[Node] = ()) -> Graph:
    """``shapes`` whose targeted shapes target, by ``sh:targetNode``, only their focus nodes in ``data``
    that are in ``responsible`` (IRIs; ``None``: any) and not in ``excluded``; the shapes in
    ``every_target`` keep their targets."""
    keep = set(responsible) if responsible is not None else None
    untouched = set(every_target)
    targeted = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    targeted |= {s for c in (RDFS.Class, OWL.Class) for s in shapes.subjects(RDF.type, c)}
    out = Graph()
    for prefix, namespace in shapes.namespaces():
        out.bind(prefix, namespace)
    for triple in shapes:
        if triple[1] not in _TARGETS or triple[0] in untouched:
            out.add(triple)
    for shape in targeted - untouched:
        for node in _targets(shapes, shape, data):
            named = isinstance(node, URIRef)  # a literal target (sh:targetObjectsOf) is no document's own node
            if (keep is None or (named and str(node) in keep)) and not (named and str(node) in excluded):
                out.add((shape, SH.targetNode, node))
    return out


def summary(report: ValidationReport) -> str:
    """One line: whether the graph conforms, and how many violations and warnings."""
    verdict = "the graph conforms to the SHACL shapes" if report.conforms else "the graph does NOT conform to the SHACL shapes"
    return f"{verdict}: {len(report.errors)} violations, {len(report.warnings)} warnings"


def render(records: ValidationReport | Iterable[Violation], lang: str = "en") -> list[str]:
    """Each record as one line in English (``lang="en"``) or Chinese (``"zh"``).

    Form: ``<kind> <name> (<file>:<line>): <what is wrong>; <the rule>``,
    prefixed with ``warning: `` for warnings.
    """
    items = records.violations if isinstance(records, ValidationReport) else tuple(records)
    return [_line(v, lang) for v in items]


def _line(v: Violation, lang: str) -> str:
    where = v.file or ""
    if v.file and v.line is not None:
        where = f"{v.file}:{v.line}"
    if lang == "zh":
        place = f"（{where}）" if where else ""
        head = f"{v.kind_zh} {v.label}{place}："
        body = f"{v.problem_zh}；{v.message_zh}" if v.problem_zh else v.message_zh
        return ("警告：" if v.severity != "Violation" else "") + head + body
    place = f" ({where})" if where else ""
    head = f"{v.kind} {v.label}{place}: "
    body = f"{v.problem}; {v.message}" if v.problem else v.message
    return ("warning: " if v.severity != "Violation" else "") + head + body


def _union(graph: Graph) -> Graph:
    if not isinstance(graph, ConjunctiveGraph):  # Dataset is one
        return graph
    union = Graph()
    for s, p, o, _g in graph.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _sort_key(v: Violation) -> tuple[object, ...]:
    return (v.severity != "Violation", v.file or "~", v.line or 0, v.kind, v.label, v.path or "", v.problem,
            v.message, v.value or "", v.focus, v.shape, v.component, v.problem_zh, v.message_zh, v.kind_zh)


def _record(results: Graph, result: Node, data: Graph, shapes: Graph, names: NamespaceManager) -> Violation:
    focus = results.value(result, SH.focusNode)
    shape = results.value(result, SH.sourceShape)
    assert focus is not None and shape is not None  # every SHACL result has both
    path_node = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    component = results.value(result, SH.sourceConstraintComponent)
    severity_node = results.value(result, SH.resultSeverity)
    severity = SEVERITIES.get(severity_node, "Violation") if isinstance(severity_node, URIRef) else "Violation"
    messages = {m.language: str(m) for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)}
    # pySHACL copies only one sh:message of a SPARQL constraint; the shapes graph has both languages
    for rule in (results.value(result, SH.sourceConstraint), shape):
        written = {m.language: str(m) for m in shapes.objects(rule, SH.message) if isinstance(m, Literal)} if rule else {}
        if written:
            messages = written | {k: v for k, v in messages.items() if k not in written}
            break
    path = _path(results, path_node) if path_node is not None else None
    path_text = _path_text(results, path_node, names) if path_node is not None else None
    component_name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent") if component else ""
    kind, kind_zh = _kind(data, shapes, focus, shape)
    file, line = _location(data, focus)
    problem, problem_zh = _problem(component_name, data, shapes, shape, focus, path, path_text, value, names)
    return Violation(
        severity=severity, focus=str(focus), kind=kind, kind_zh=kind_zh, label=_label(data, focus, names),
        file=file, line=line, path=path_text, value=_value_text(data, value, names) if value is not None else None,
        problem=problem, problem_zh=problem_zh,
        message=messages.get("en") or messages.get(None) or next(iter(messages.values()), ""),
        message_zh=messages.get("zh") or messages.get("en") or next(iter(messages.values()), ""),
        shape=names.normalizeUri(shape) if isinstance(shape, URIRef) else "(anonymous shape)",
        component=component_name)


def _names() -> NamespaceManager:
    """Prefixes for paths, values and shapes in reports (pkg:fiscalYear, xsd:decimal, fw:output …)."""
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in prefixes("pkg", "id", "fw", "shp", "rdf", "rdfs", "xsd", "owl", "skos", "dcterms", "prov",
                                      "org").items():
        manager.bind(prefix, namespace)
    return manager


def _path(results: Graph, node: Node) -> URIRef | Path | None:
    """The SHACL path as an rdflib path, to count values on the data graph."""
    if isinstance(node, URIRef):
        return node
    inverse = results.value(node, SH.inversePath)
    if inverse is not None:
        inner = _path(results, inverse)
        return InvPath(inner) if inner is not None else None
    if results.value(node, RDF.first) is not None:
        steps = [_path(results, step) for step in RDFList(results, node)]
        return SequencePath(*steps) if all(s is not None for s in steps) else None  # type: ignore[arg-type]
    return None


def _path_text(results: Graph, node: Node, names: NamespaceManager) -> str:
    if isinstance(node, URIRef):
        return names.normalizeUri(node)
    inverse = results.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(results, inverse, names)
    if results.value(node, RDF.first) is not None:
        return "/".join(_path_text(results, step, names) for step in RDFList(results, node))
    return "(path)"


def _kind(data: Graph, shapes: Graph, focus: Node, shape: Node) -> tuple[str, str]:
    """The focus node's class in words (en, zh): from the ontology's labels, else the shape's label."""
    types = set(data.objects(focus, RDF.type))
    ontology = _ontology()
    for cls in KIND_ORDER:
        if cls in types:
            return _labels(ontology, cls)
    owners = [shape] + sorted(shapes.subjects(SH.property, shape), key=str)
    for owner in owners:
        if shapes.value(owner, RDFS.label) is not None:
            return _labels(shapes, owner)
    return "node", "节点"


def _labels(graph: Graph, node: Node) -> tuple[str, str]:
    found = {label.language: str(label) for label in graph.objects(node, RDFS.label) if isinstance(label, Literal)}
    return found.get("en", "node"), found.get("zh", found.get("en", "节点"))


def _label(data: Graph, node: Node, names: NamespaceManager) -> str:
    """A node's name: its Chinese rdfs:label, else any label, title, 文号, file name or prefixed IRI."""
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        labels = sorted((x for x in data.objects(node, prop) if isinstance(x, Literal)), key=lambda x: (x.language != "zh", str(x)))
        if labels:
            return str(labels[0])
    for prop in (PKG.docNumber, PKG.fileName):
        value = data.value(node, prop)
        if value is not None:
            return str(value)
    return names.normalizeUri(node) if isinstance(node, URIRef) else str(node)


def _location(data: Graph, focus: Node) -> tuple[str | None, int | None]:
    """Source file name and 1-based line of a node; a node without provenance borrows its owner's."""
    line = _line_of(data, focus)
    if data.value(focus, PKG.fileName) is not None:
        return str(data.value(focus, PKG.fileName)), line
    file = _file_of(data, focus)
    if file is None:
        for owner in sorted(data.subjects(None, focus), key=str):
            file = _file_of(data, owner) or (str(data.value(owner, PKG.fileName)) if data.value(owner, PKG.fileName) else None)
            if file is not None:
                line = line if line is not None else _line_of(data, owner)
                break
    return file, line


def _file_of(data: Graph, node: Node) -> str | None:
    files = sorted(str(f) for src in data.objects(node, PROV.wasDerivedFrom) for f in data.objects(src, PKG.fileName))
    return files[0] if files else None


def _line_of(data: Graph, node: Node) -> int | None:
    lines = sorted(int(x) for x in data.objects(node, PKG.sourceLine)
                   if isinstance(x, Literal) and isinstance(x.toPython(), int))
    return lines[0] if lines else None


def _value_text(data: Graph, value: Node, names: NamespaceManager) -> str:
    if isinstance(value, Literal):
        return f'"{value}"' + (f"^^{names.normalizeUri(value.datatype)}" if value.datatype else "") \
            + (f"@{value.language}" if value.language else "")
    if isinstance(value, BNode):
        return "a blank node"
    names_of = [x for x in (_label(data, value, names), _label(_framework(), value, names)) if not x.startswith("<")]
    return names_of[0] if names_of else names.normalizeUri(value)  # type: ignore[arg-type]


def _count(data: Graph, focus: Node, path: URIRef | Path | None) -> int | None:
    if path is None:
        return None
    return len(set(data.objects(focus, path)))


def _problem(component: str, data: Graph, shapes: Graph, shape: Node, focus: Node, path: URIRef | Path | None,
             path_text: str | None, value: Node | None, names: NamespaceManager) -> tuple[str, str]:
    """What is wrong with this node, in words (en, zh); empty when the rule says it all."""
    p = path_text or "the value"
    v = _value_text(data, value, names) if value is not None else ""
    if component in ("MinCount", "MaxCount", "QualifiedMinCount", "QualifiedMaxCount"):
        n = _count(data, focus, path)
        if n is None:
            return "", ""
        if n == 0:
            return f"has no {p}", f"没有 {p}"
        return (f"has {n} {p} value" + ("s" if n != 1 else ""), f"{p} 有 {n} 个值")
    if component == "Datatype":
        expected = shapes.value(shape, SH.datatype)
        dt = names.normalizeUri(expected) if isinstance(expected, URIRef) else "the expected datatype"
        return f"{p} {v} is not an {dt}", f"{p} 的值 {v} 不是 {dt}"
    if component == "Class":
        cls = shapes.value(shape, SH["class"])
        c = names.normalizeUri(cls) if isinstance(cls, URIRef) else "the expected class"
        return f"{p} points to {v}, which is not a {c}", f"{p} 指向的 {v} 不是 {c}"
    if component == "Pattern":
        return f"{p} {v} is not in the expected form", f"{p} 的值 {v} 写法不合规范"
    if component in ("In", "HasValue", "Node", "NodeKind", "LanguageIn"):
        return (f"{p} {v} is not allowed here", f"{p} 的值 {v} 不合要求") if v else ("", "")
    if component in ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive"):
        return f"{p} {v} is out of range", f"{p} 的值 {v} 超出范围"
    if component in ("LessThan", "LessThanOrEquals"):
        return f"{p} {v} is out of order", f"{p} 的值 {v} 先后不对"
    if component == "UniqueLang":
        return f"has several {p} values in one language", f"{p} 同一语言有多个值"
    return "", ""


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
    shapes = _shapes()
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
    shapes = _shapes()
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
    """The SHACL report of the union of ``graphs``, equal to ``graph.validation.validate`` of the union,
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
    ordered = sorted((v for part in parts for v in found[part.key]), key=_sort_key)
    return ValidationReport(conforms=not any(v.severity == "Violation" for v in ordered),
                            violations=tuple(ordered))


@cache
def _framework_nodes() -> frozenset[str]:
    """The IRIs the indicator framework names (it is added to every part; its nodes are validated in the
    cross part unless a document alone names them)."""
    framework = _framework()
    return frozenset(str(n) for triple in framework for n in (triple[0], triple[2]) if isinstance(n, URIRef))


_SPLIT: dict[int, tuple[Graph, tuple[Graph | None, frozenset[Node], int]]] = {}


def _split_shapes() -> tuple[Graph | None, frozenset[Node], int]:
    """``split_shapes`` of the shapes ``graph.validation`` checks (computed once per shapes graph)."""
    shapes = _shapes()
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
        return sum(cast("list[int]", steps)) if steps and all(n is not None for n in steps) else None
    return None
