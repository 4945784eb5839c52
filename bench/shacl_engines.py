"""pySHACL and pyrudof (Rust SHACL) on the same data graph and the same shapes (issue 15, target 1).

``python -m bench.shacl_engines [--runs 3] [--copies 4]`` builds the seeds' graph in memory
(``graph.run.pipeline.build(["seeds"], None, validate_graph=False)``: no files written) and validates, ``--runs``
times each, these data graphs against ``ontology/shapes.ttl``:

- **seeds**: the seeds' graph as built (it conforms: both engines should report nothing);
- **broken**: the same graph with deterministic faults (``break_graph``): for each property shape with a
  plain path and targets in the graph, one focus node loses its values (``sh:minCount``), one gets one
  more (``sh:maxCount``), one a plain string (``sh:datatype``), one a second value in a language
  (``sh:uniqueLang``), one a French value (``sh:languageIn``), one a value of the wrong node kind
  (``sh:nodeKind``); and by hand the faults only a SPARQL constraint sees (an indicator's level 2 under
  another level 1, a lineage link without its direct ``pkg:continues``), a link score above 1
  (``pkg:LineageLink`` is checked as a ``pkg:Link``, a subclass target), a 文号 with square brackets
  (``sh:pattern``), and one fault each for an inverse path, ``sh:node``, ``sh:xone``, ``sh:or`` with
  ``sh:not`` and with ``sh:equals``, ``sh:lessThan`` and ``sh:qualifiedMaxCount``;
- **broken xN**: ``--copies`` copies of the broken graph, every ``id:`` IRI renamed per copy.

Engines, each from a fresh start per run:

- **pySHACL** as ``graph.validation.check`` runs it: the data copied into its ``_Checked`` graph (SPARQL texts
  prepared once), the SKOS framework added, the ontology mixed in by pySHACL's ``inoculate``,
  ``inference="none"``, ``allow_warnings``, ``inplace``; timed up to the results graph (the English and
  Chinese records built from it are not timed; ``graph.validation.validate`` is timed once on the seeds
  beside it);
- **pyrudof** (``Rudof.read_data`` / ``read_shacl`` / ``validate_shacl``, native mode): the data graph as
  N-Triples text (what a build holds), the SKOS framework and the whole ontology (``policykg.ttl``, not
  only its classes and properties) read from their Turtle files, then the shapes; timed from the first
  read to the report's results. Writing the N-Triples (rdflib) and parsing them into rdflib (what the
  build does before pySHACL) are timed once per graph and printed apart.

Each report is reduced to its results (focus node, source shape, constraint component, path, severity); an
anonymous property shape is named by its path (``[pkg:fiscalYear]``: rudof names blank nodes its own way)
so that the two reports can be compared. Prints the wall and CPU seconds of every run, the medians, the
counts per shape and component of each engine, and the results found by one engine and not the other. pyrudof is not a
dependency of policykg: ``.venv/bin/pip install pyrudof`` to run this.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from policykg.graph import validation
from policykg.ontology import ID, PKG, ontology_path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHP = "https://w3id.org/policykg/shapes#"
Key = tuple[str, str, str, str, str]  # focus, shape, component, path, severity


def load_average() -> float:
    """The 1-minute load average (``/proc/loadavg``)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def seeds_graph() -> Graph:
    """The union of the seeds' named graphs, built in memory as ``policykg build seeds`` builds it."""
    from policykg.graph.run.pipeline import build

    dataset, _report = build([SEEDS], None, validate_graph=False, cache=False)
    return validation._union(dataset)


# --- faults ---------------------------------------------------------------------------------------------

def _shapes() -> Graph:
    return validation._shapes()


def _property_owners(shapes: Graph) -> dict[Node, list[Node]]:
    """Each property shape and the targeted node shapes that hold it (``sh:property``)."""
    owners: dict[Node, list[Node]] = {}
    for node_shape, prop_shape in sorted(shapes.subject_objects(SH.property), key=lambda so: (str(so[0]), str(so[1]))):
        owners.setdefault(prop_shape, []).append(node_shape)
    return owners


def _other_value(graph: Graph, predicate: URIRef, value: Node) -> Node:
    """A value different from ``value`` of the same kind, for one more ``predicate`` value."""
    if isinstance(value, Literal):
        if value.datatype in (XSD.integer, XSD.decimal):
            return Literal(Decimal(str(value)) + 1 if value.datatype == XSD.decimal else int(value) + 1,
                           datatype=value.datatype)
        if value.datatype == XSD.gYear:
            return Literal(str(int(str(value)) + 1), datatype=XSD.gYear)
        if value.datatype == XSD.boolean:
            return Literal(not value.toPython())
        if value.datatype == XSD.date:
            return Literal(value.toPython() + timedelta(days=1), datatype=XSD.date)
        return Literal(str(value) + "（另一）", lang=value.language, datatype=value.datatype)
    others = sorted({o for o in graph.objects(None, predicate) if o != value}, key=str)
    return others[0] if others else URIRef(str(ID) + "bench/another")


def break_graph(clean: Graph) -> tuple[Graph, list[str]]:
    """A copy of ``clean`` with deterministic faults, and a line describing each fault."""
    graph = Graph()
    for triple in clean:
        graph.add(triple)
    shapes = _shapes()
    lookup = Graph()  # targets are found with the ontology's subclasses, as pySHACL finds them
    for triple in clean:
        lookup.add(triple)
    for triple in validation._ontology():
        lookup.add(triple)
    touched: set[Node] = set()
    done: list[str] = []
    names = validation._names()

    def fresh(candidates: list[Node]) -> Node | None:
        for node in candidates:
            if node not in touched:
                touched.add(node)
                return node
        return None

    for prop_shape, owners in sorted(_property_owners(shapes).items(), key=lambda item: str(item[0])):
        path = shapes.value(prop_shape, SH.path)
        if not isinstance(path, URIRef):
            continue
        focus = sorted({n for owner in owners for n in validation._targets(shapes, owner, lookup)
                        if isinstance(n, URIRef)}, key=str)
        having = [n for n in focus if graph.value(n, path) is not None]
        label = f"{_shape_name(shapes, prop_shape, names)}"
        min_count = shapes.value(prop_shape, SH.minCount)
        if min_count is not None and int(min_count) >= 1 and (node := fresh(having)) is not None:
            graph.remove((node, path, None))
            done.append(f"{label}: {names.normalizeUri(node)} loses its {names.normalizeUri(path)}")
        max_count = shapes.value(prop_shape, SH.maxCount)
        if max_count is not None and (node := fresh(having)) is not None:
            values = sorted(graph.objects(node, path), key=str)
            graph.add((node, path, _other_value(graph, path, values[0])))
            done.append(f"{label}: {names.normalizeUri(node)} gets one more {names.normalizeUri(path)}")
        datatype = shapes.value(prop_shape, SH.datatype)
        if datatype is not None and datatype != XSD.string and (node := fresh(having)) is not None:
            graph.set((node, path, Literal("not a value")))
            done.append(f"{label}: {names.normalizeUri(node)} {names.normalizeUri(path)} is a plain string")
        if shapes.value(prop_shape, SH.uniqueLang) == Literal(True):
            tagged = [n for n in having if any(isinstance(v, Literal) and v.language for v in graph.objects(n, path))]
            if (node := fresh(tagged)) is not None:
                value = next(v for v in sorted(graph.objects(node, path), key=str) if isinstance(v, Literal) and v.language)
                graph.add((node, path, Literal(str(value) + "（另一）", lang=value.language)))
                done.append(f"{label}: {names.normalizeUri(node)} gets a second {names.normalizeUri(path)}@{value.language}")
        if shapes.value(prop_shape, SH.languageIn) is not None and (node := fresh(having)) is not None:
            graph.set((node, path, Literal("un titre", lang="fr")))
            done.append(f"{label}: {names.normalizeUri(node)} {names.normalizeUri(path)} in French")
        kind = shapes.value(prop_shape, SH.nodeKind)
        if kind in (SH.IRI, SH.Literal) and (node := fresh(having)) is not None:
            graph.set((node, path, Literal("text") if kind == SH.IRI else URIRef(str(ID) + "bench/a-node")))
            done.append(f"{label}: {names.normalizeUri(node)} {names.normalizeUri(path)} of the wrong node kind")

    by_hand: list[tuple[str, Callable[[Graph], Node | None]]] = [
        ("shp:IndicatorLevelsAgreeQuery (SPARQL): an indicator's level 2 under another level 1", _wrong_level2),
        ("shp:LineageLinkStated (SPARQL): a lineage link without its direct pkg:continues", _unstated_link),
        ("shp:LinkShape (target pkg:Link, a superclass of pkg:LineageLink): a link score of 2", _high_score),
        ("sh:pattern on pkg:docNumber: square brackets instead of 〔〕", _square_brackets),
        ("shp:IndicatorOfOneProject (inverse path): an indicator held by a second project", _two_owners),
        ("shp:IndicatorLevel1 (sh:node shp:PrintedLevel): a level 1 that is a framework concept", _unprinted_level),
        ("shp:SourceDocumentKind (sh:xone): a source both declaration and self-evaluation", _both_kinds),
        ("shp:NoPredecessorMeansNone (sh:or, sh:not): no predecessor stated, and one continued", _denied_predecessor),
        ("shp:SubProjectSameYear (sh:or, sh:equals): a sub-project a year after its parent", _later_child),
        ("shp:ProjectContinuesEarlier (sh:lessThan): a project continuing a later one", _continues_later),
        ("shp:ChineseName (sh:qualifiedMaxCount): a place with two Chinese names", _two_chinese_names),
    ]
    for text, fault in by_hand:
        node = fault(graph)
        done.append(f"{text}: {names.normalizeUri(node) if isinstance(node, URIRef) else 'no node found'}")
    return graph, done


def _wrong_level2(graph: Graph) -> Node | None:
    indicators = sorted(graph.subjects(RDF.type, PKG.Indicator), key=str)
    framework = validation._framework()
    for node in indicators:
        top = next((graph.value(level1, SKOS.exactMatch) for level1 in graph.objects(node, PKG.level1)), None)
        level2 = graph.value(node, PKG.level2)
        if top is None or level2 is None:
            continue
        for other in indicators:
            value = graph.value(other, PKG.level2)
            match = graph.value(value, SKOS.exactMatch) if value is not None else None
            if match is not None and framework.value(match, SKOS.broader) not in (None, top):
                graph.set((node, PKG.level2, value))  # type: ignore[arg-type]
                return node
    return None


def _unstated_link(graph: Graph) -> Node | None:
    for link in sorted(graph.subjects(RDF.type, PKG.LineageLink), key=str):
        later, earlier = graph.value(link, PKG.successor), graph.value(link, PKG.predecessor)
        if later is not None and earlier is not None and (later, PKG["continues"], earlier) in graph:
            graph.remove((later, PKG["continues"], earlier))
            return link
    return None


def _high_score(graph: Graph) -> Node | None:
    links = sorted(graph.subjects(RDF.type, PKG.LineageLink), key=str)
    for link in reversed(links):
        if graph.value(link, PKG.linkScore) is not None:
            graph.set((link, PKG.linkScore, Literal(Decimal(2))))
            return link
    return None


def _square_brackets(graph: Graph) -> Node | None:
    for policy, number in sorted(graph.subject_objects(PKG.docNumber), key=lambda so: str(so[0])):
        if "〔" in str(number):
            graph.set((policy, PKG.docNumber, Literal(str(number).replace("〔", "[").replace("〕", "]"))))
            return policy
    return None


def _two_owners(graph: Graph) -> Node | None:
    projects = sorted(graph.subjects(RDF.type, PKG.Project), key=str)
    for project in projects:
        indicator = graph.value(project, PKG.hasIndicator)
        if indicator is not None:
            other = next(p for p in projects if p != project)
            graph.add((other, PKG.hasIndicator, indicator))
            return indicator
    return None


def _unprinted_level(graph: Graph) -> Node | None:
    for indicator in sorted(graph.subjects(RDF.type, PKG.Indicator), key=str)[::-1]:
        level1 = graph.value(indicator, PKG.level1)
        match = graph.value(level1, SKOS.exactMatch) if level1 is not None else None
        if match is not None:
            graph.set((indicator, PKG.level1, match))
            return indicator
    return None


def _both_kinds(graph: Graph) -> Node | None:
    source = next(iter(sorted(graph.subjects(RDF.type, PKG.Declaration), key=str)), None)
    if source is not None:
        graph.add((source, RDF.type, PKG.SelfEvaluation))
    return source


def _year(graph: Graph, project: Node) -> int | None:
    year = graph.value(project, PKG.fiscalYear)
    return int(str(year)) if year is not None else None


def _denied_predecessor(graph: Graph) -> Node | None:
    continuing = sorted(set(graph.subjects(PKG["continues"], None)), key=str)
    if not continuing:
        return None
    graph.set((continuing[-1], PKG.noPredecessor, Literal(True)))
    return continuing[-1]


def _later_child(graph: Graph) -> Node | None:
    for child, parent in sorted(graph.subject_objects(PKG.partOf), key=lambda so: str(so[0]))[::-1]:
        year = _year(graph, parent)
        if year is not None and _year(graph, child) == year:
            graph.set((child, PKG.fiscalYear, Literal(str(year + 1), datatype=XSD.gYear)))
            return child
    return None


def _continues_later(graph: Graph) -> Node | None:
    projects = sorted(graph.subjects(RDF.type, PKG.Project), key=str)
    for earlier in projects:
        for later in projects:
            a, b = _year(graph, earlier), _year(graph, later)
            if a is not None and b is not None and a < b and not list(graph.objects(earlier, PKG["continues"])):
                graph.add((earlier, PKG["continues"], later))
                return earlier
    return None


def _two_chinese_names(graph: Graph) -> Node | None:
    for place in sorted(graph.subjects(RDF.type, PKG.Place), key=str)[::-1]:
        zh = [x for x in graph.objects(place, RDFS.label) if isinstance(x, Literal) and x.language == "zh"]
        if zh:
            graph.add((place, RDFS.label, Literal(str(zh[0]) + "（另一）", lang="zh")))
            return place
    return None


def copies(graph: Graph, n: int) -> Graph:
    """``n`` copies of ``graph``, every IRI under ``id:`` renamed per copy (``id:c2/…``)."""
    out = Graph()
    base = str(ID)

    def rename(term: Node, k: int) -> Node:
        if isinstance(term, URIRef) and str(term).startswith(base):
            return URIRef(f"{base}c{k}/{str(term)[len(base):]}")
        return term

    for k in range(n):
        for s, p, o in graph:
            out.add((rename(s, k), p, rename(o, k)))
    return out


# --- engines --------------------------------------------------------------------------------------------

def _shape_name(shapes: Graph, shape: Node, names: Any) -> str:
    """A shape's prefixed name; an anonymous property shape as ``[<its path>]`` (rudof names blank nodes
    its own way, so the node shape holding it cannot be told on its side)."""
    if isinstance(shape, URIRef):
        return names.normalizeUri(shape)
    path = shapes.value(shape, SH.path)
    inner = names.normalizeUri(path) if isinstance(path, URIRef) else "path"
    if isinstance(path, BNode) and shapes.value(path, SH.inversePath) is not None:
        inner = "^" + names.normalizeUri(shapes.value(path, SH.inversePath))
    return f"[{inner}]"


def run_pyshacl(data: Graph) -> tuple[float, float, bool, list[Key]]:
    """(wall seconds, CPU seconds, conforms, results) of pySHACL run as ``graph.validation.check`` runs it."""
    start, cpu = time.perf_counter(), time.process_time()
    pyshacl = validation._pyshacl()
    from pyshacl.rdfutil.inoculate import inoculate

    checked = validation._Checked()
    for triple in data:
        checked.add(triple)
    for triple in validation._framework():
        checked.add(triple)
    inoculate(checked, validation._ontology())
    conforms, results, _text = pyshacl.validate(checked, shacl_graph=_shapes(), inference="none",
                                                allow_warnings=True, inplace=True)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    shapes, names = _shapes(), validation._names()
    details = set(results.objects(None, SH.detail))
    keys = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if result in details:
            continue
        path = results.value(result, SH.resultPath)
        component = results.value(result, SH.sourceConstraintComponent)
        keys.append((str(results.value(result, SH.focusNode)),
                     _shape_name(shapes, results.value(result, SH.sourceShape), names),  # type: ignore[arg-type]
                     str(component).rsplit("#", 1)[-1],
                     validation._path_text(results, path, names) if path is not None else "",
                     str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]))
    return wall, cpu, bool(conforms), keys


def run_rudof(ntriples: str) -> tuple[float, dict[str, float], bool, list[Key]]:
    """(wall seconds, seconds per stage, conforms, results) of pyrudof's native engine on the data as
    N-Triples (what a build holds: each document's graph as N-Triples bytes), with the framework and the
    ontology read from their Turtle files, against the shapes (Turtle)."""
    import pyrudof

    stages: dict[str, float] = {}
    start = clock = time.perf_counter()
    cpu = time.process_time()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = now - clock
        clock = now

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    strict = pyrudof.ReaderMode.Strict
    rudof.read_data(ntriples, format=pyrudof.RDFFormat.NTriples, reader_mode=strict)
    for name in ("indicator_framework.ttl", "policykg.ttl"):
        rudof.read_data(ontology_path(name).read_text(encoding="utf-8"), format=pyrudof.RDFFormat.Turtle,
                        reader_mode=strict, merge=True)
    rudof.read_shacl(ontology_path("shapes.ttl").read_text(encoding="utf-8"), format=pyrudof.ShaclFormat.Turtle,
                     reader_mode=strict)
    lap("read")
    report = rudof.validate_shacl(mode=pyrudof.ShaclValidationMode.Native)
    keys = [_rudof_key(e) for e in report]
    lap("validate")
    stages["CPU"] = time.process_time() - cpu
    return time.perf_counter() - start, stages, bool(report.conforms), keys


def _rudof_key(entry: Any) -> Key:
    """The result as ``run_pyshacl`` keys it: an anonymous shape named by its path, IRIs prefixed."""
    names = validation._names()
    path = _path_text(str(entry.path), names) if entry.path is not None else ""
    shape = _bare(entry.source_shape)
    shape = f"[{path}]" if shape.startswith("_:") else _prefixed(shape, names)
    return (_bare(entry.focus_node), shape, _bare(entry.constraint_component).rsplit("#", 1)[-1], path,
            str(entry.severity).rsplit("#", 1)[-1])


def _path_text(text: str, names: Any) -> str:
    """rudof's path (``<p>``, ``^<p>``, ``(<p> / <q>)``) written as ``graph.validation`` writes paths."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")") and " / " in text:
        return "/".join(_path_text(step, names) for step in text[1:-1].split(" / "))
    if text.startswith("^"):
        inner = text[1:].strip()
        return "^" + _path_text(inner[1:-1] if inner.startswith("(") and inner.endswith(")") else inner, names)
    return _prefixed(text, names)


def _bare(value: Any) -> str:
    text = str(value)
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


def _prefixed(value: Any, names: Any) -> str:
    text = _bare(value)
    return names.normalizeUri(URIRef(text)) if text.startswith("http") else text


# --- the benchmark --------------------------------------------------------------------------------------

def _counts(keys: list[Key]) -> Counter[tuple[str, str]]:
    return Counter((shape, component) for _focus, shape, component, _path, _severity in keys)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args(argv)
    import pyrudof
    import pyshacl

    print(f"pySHACL {pyshacl.__version__}, pyrudof {pyrudof.Rudof(pyrudof.RudofConfig()).get_version()}")
    start = time.perf_counter()
    seeds = seeds_graph()
    print(f"seeds' graph: {len(seeds)} triples, built in {time.perf_counter() - start:.1f} s")
    broken, faults = break_graph(seeds)
    print(f"broken: {len(broken)} triples, {len(faults)} faults")
    for line in faults:
        print("  fault:", line)
    graphs = {"seeds": seeds, "broken": broken}
    if args.copies > 1:
        graphs[f"broken x{args.copies}"] = copies(broken, args.copies)
    load = load_average()
    start = time.perf_counter()
    product = validation.validate(seeds)
    print(f"policykg.graph.validation.validate(seeds): {time.perf_counter() - start:.2f} s, conforms {product.conforms}, "
          f"{len(product.violations)} results (load {load:.2f})")
    for name, data in graphs.items():
        clock = time.perf_counter()
        ntriples = data.serialize(format="nt", encoding="utf-8").decode("utf-8")
        serialized = time.perf_counter() - clock
        clock = time.perf_counter()
        Graph().parse(data=ntriples, format="nt")
        parsed = time.perf_counter() - clock
        print(f"\n== {name}: {len(data)} triples (rdflib: N-Triples written in {serialized:.2f} s, "
              f"parsed in {parsed:.2f} s; neither is timed below)")
        walls: dict[str, list[float]] = {"pySHACL": [], "pyrudof": []}
        last: dict[str, tuple[bool, list[Key]]] = {}
        for run in range(args.runs):
            load = load_average()
            wall, cpu, conforms, keys = run_pyshacl(data)
            walls["pySHACL"].append(wall)
            last["pySHACL"] = (conforms, keys)
            print(f"run {run + 1} pySHACL {wall:6.2f} s  load {load:.2f}  conforms {conforms}  {len(keys)} results"
                  f"  (CPU {cpu:.2f})", flush=True)
            load = load_average()
            try:
                wall, stages, conforms, keys = run_rudof(ntriples)
            except Exception as exc:  # pyrudof raises its own errors (RudofError, ShaclError, ...)
                print(f"run {run + 1} pyrudof failed: {type(exc).__name__}: {exc}")
                continue
            walls["pyrudof"].append(wall)
            last["pyrudof"] = (conforms, keys)
            staged = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
            print(f"run {run + 1} pyrudof {wall:6.2f} s  load {load:.2f}  conforms {conforms}  {len(keys)} results"
                  f"  ({staged})", flush=True)
        for engine, values in walls.items():
            if values:
                print(f"median {engine}: {statistics.median(values):.2f} s of {len(values)} runs "
                      f"({', '.join(f'{w:.2f}' for w in values)})")
        if len(last) < 2:
            continue
        (_c1, ours), (_c2, theirs) = last["pySHACL"], last["pyrudof"]
        a, b = _counts(ours), _counts(theirs)
        print("results per shape and component: pySHACL / pyrudof")
        for key in sorted(set(a) | set(b)):
            mark = "" if a[key] == b[key] else "   <-- differ"
            print(f"  {key[0]} {key[1]}: {a[key]} / {b[key]}{mark}")
        only_ours = Counter(ours) - Counter(theirs)
        only_theirs = Counter(theirs) - Counter(ours)
        print("components in the results:",
              ", ".join(sorted({key[2].removesuffix("ConstraintComponent") for key in ours})))
        print(f"same results (focus, shape, component, path, severity): {not only_ours and not only_theirs}; "
              f"pySHACL only {sum(only_ours.values())}, pyrudof only {sum(only_theirs.values())}")
        for key in sorted(only_ours)[:40]:
            print("  pySHACL only:", key)
        for key in sorted(only_theirs)[:40]:
            print("  pyrudof only:", key)


if __name__ == "__main__":
    main()
