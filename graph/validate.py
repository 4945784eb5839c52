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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, OWL, PROV, SH, XSD, NamespaceManager
from rdflib.paths import InvPath, Path, SequencePath
from rdflib.term import Node

from loaders.errors import PolicyKGError, ValidationError
from ontology import ID, ORG, PKG, ontology_path

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
        pyshacl.shape.CONSTRAINT_PARAMS = (frozenset(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
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
        inoculate(checked, _ontology())  # what pySHACL does with ont_graph (classes and properties), once
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
        message=messages.get("en") or messages.get(None) or next(iter(messages.values()), ""),  # type: ignore[arg-type]
        message_zh=messages.get("zh") or messages.get("en") or next(iter(messages.values()), ""),
        shape=names.normalizeUri(shape) if isinstance(shape, URIRef) else "(anonymous shape)",
        component=component_name)


def _names() -> NamespaceManager:
    """Prefixes for paths, values and shapes in reports (pkg:fiscalYear, xsd:decimal, fw:output …)."""
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in (("pkg", PKG._NS), ("id", ID), ("fw", "https://w3id.org/policykg/framework/"),
                              ("shp", "https://w3id.org/policykg/shapes#"), ("rdf", RDF), ("rdfs", RDFS),
                              ("xsd", XSD), ("owl", OWL), ("skos", SKOS), ("dcterms", DCTERMS), ("prov", PROV),
                              ("org", ORG)):
        manager.bind(prefix, namespace)
    return manager


def _path(results: Graph, node: Node) -> URIRef | Path | None:
    """The SHACL path as an rdflib path, to count values on the data graph."""
    if isinstance(node, URIRef):
        return node
    inverse = results.value(node, SH.inversePath)
    if inverse is not None:
        inner = _path(results, inverse)
        return InvPath(inner) if inner is not None else None  # type: ignore[arg-type]
    if results.value(node, RDF.first) is not None:
        steps = [_path(results, step) for step in Collection(results, node)]
        return SequencePath(*steps) if all(s is not None for s in steps) else None  # type: ignore[arg-type]
    return None


def _path_text(results: Graph, node: Node, names: NamespaceManager) -> str:
    if isinstance(node, URIRef):
        return names.normalizeUri(node)
    inverse = results.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(results, inverse, names)
    if results.value(node, RDF.first) is not None:
        return "/".join(_path_text(results, step, names) for step in Collection(results, node))
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
    return len(set(data.objects(focus, path)))  # type: ignore[arg-type]


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
