"""SHACL validation part by part (graph.validation) and its cache: the same report as one pySHACL
run over the union, on the seeds and on seeds broken on purpose (faults on a document's own nodes, on
nodes shared across documents, and one seen only through another document's triples); a build that
reuses cached parts writes the same bytes and reports the same records as a build without a cache."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, XSD, Graph, Literal
from rdflib.namespace import DCTERMS, RDFS

from policykg.graph import validation as validate_parts
from policykg.graph.rdf.iris import DERIVED_GRAPH
from policykg.graph.rdf.ntriples import ntriples
from policykg.graph.run import pipeline
from policykg.graph.validation import ValidationReport, Violation, render
from policykg.ontology import ID, PKG
from tests.conftest import SEEDS
from tests.graph.test_validate import node

DERIVED = str(DERIVED_GRAPH)
F000, F002, F004 = "000_f23fd64354a9b39b.txt", "002_5ed4d149ac1e0066.txt", "004_b5c1e20c1c71ec69.txt"
OUTPUTS = ("graph.ttl", "graph.trig", "graph.nt", "graph.jsonld", "context.jsonld")


def _named(graphs: list[tuple[str, bytes]]) -> dict[str, Graph]:
    named = {}
    for iri, blob in graphs:
        named[iri] = Graph().parse(data=blob.decode("utf-8"), format="nt")
    return named


def _file_graph(named: dict[str, Graph], file: str) -> str:
    """The IRI of the named graph of the document read from ``file``."""
    found = [iri for iri, g in named.items() if any(str(f) == file for f in g.objects(None, PKG.fileName))]
    assert len(found) == 1, (file, found)
    return found[0]


@pytest.fixture(scope="module")
def seed_graphs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    """(named graph IRI, sorted N-Triples) of each seed document and of the derived graph, as a build makes them."""
    folder = tmp_path_factory.mktemp("docs")
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    dataset, _ = pipeline.build([folder], None, workers=1, validate_graph=False)
    graphs = sorted((str(g.identifier), ntriples(g)) for g in dataset.graphs()
                    if str(g.identifier).startswith("https://") and len(g))
    assert len(graphs) == 6 and DERIVED in dict(graphs)  # five documents and the derived graph
    return graphs


@pytest.fixture(scope="module")
def broken_graphs(seed_graphs: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The seed graphs with faults put into chosen named graphs."""
    named = _named(seed_graphs)
    g000, g002, g004 = (named[_file_graph(named, f)] for f in (F000, F002, F004))
    union = Graph()
    for g in named.values():
        for triple in g:
            union.add(triple)
    # a document's own node: 004 line 190, 项目名称 城市数字化 (2023), given a second fiscal year
    city = node(union, "城市数字化", "2023")
    assert (city, RDF.type, PKG.Project) in g004
    g004.add((city, PKG.fiscalYear, Literal("2024", datatype=XSD.gYear)))
    # a shared node: a place that 000 names gets a second Chinese name in 000's graph only
    place = next(p for p in sorted(g000.subjects(RDF.type, PKG.Place), key=str)
                 if sum((p, None, None) in g or (None, None, p) in g for g in named.values()) > 1)
    g000.add((place, RDFS.label, Literal("另一个名称", lang="zh")))
    # a shared node: a policy node cited in 004 loses its title and 文号 in every graph
    policy = node(union, "松江区关于加快推进G60科创走廊高新技术企业发展的若干政策")
    for g in named.values():
        g.remove((policy, DCTERMS.title, None))
        g.remove((policy, PKG.docNumber, None))
    # seen only through another document: an indicator of 002 points to a printed level whose second
    # label is stated in 004's graph (a printed level has exactly one skos:prefLabel)
    indicator = sorted(i for i in g002.subjects(RDF.type, PKG.Indicator))[0]
    level = ID["level/test"]
    g002.set((indicator, PKG.level1, level))
    g002.add((level, RDF.type, SKOS.Concept))
    g002.add((level, SKOS.inScheme, PKG.PrintedLevels))
    g002.add((level, SKOS.prefLabel, Literal("产出指标", lang="zh")))
    g004.add((level, SKOS.prefLabel, Literal("产出", lang="zh")))
    # the derived graph: a lineage link whose direct pkg:continues triple is missing (a SPARQL constraint)
    link = ID["lineage/test"]
    derived = named[DERIVED]
    derived.add((link, RDF.type, PKG.LineageLink))
    derived.add((link, PKG.successor, city))
    derived.add((link, PKG.predecessor, node(union, "高新技术企业认定专项补贴项目", "2023")))
    derived.add((link, PKG.evidence, Literal("test")))
    return sorted((iri, ntriples(g)) for iri, g in named.items())


def _parts(graphs: list[tuple[str, bytes]], **options: object) -> ValidationReport:
    return validate_parts.validate_parts(graphs, (DERIVED,), **options)  # type: ignore[arg-type]


def test_the_seeds_report_is_the_report_of_the_union(seed_graphs: list[tuple[str, bytes]]) -> None:
    kinds = Counter(p.kind for p in validate_parts.plan(seed_graphs, (DERIVED,)))
    assert kinds == {"document": 5, "cross": 1}  # the shapes allow the split: no fallback to one part
    assert _parts(seed_graphs) == pipeline.validate_union(seed_graphs)


def test_faults_in_own_shared_and_neighbouring_nodes_are_reported_as_the_union_reports_them(
        broken_graphs: list[tuple[str, bytes]]) -> None:
    whole = pipeline.validate_union(broken_graphs)
    split = _parts(broken_graphs)
    assert split == whole
    lines = render(split)
    expected = [
        f"project 城市数字化 ({F004}:190): has 2 pkg:fiscalYear values",
        "has 2 rdfs:label values; it has exactly one Chinese name (rdfs:label@zh)",  # the place of 000
        "policy document 松江区关于加快推进G60科创走廊高新技术企业发展的若干政策",
        "the later project of a lineage link pkg:continues the earlier one",
        "pkg:level1",  # the indicator of 002 whose printed level has two labels
    ]
    for text in expected:
        assert any(text in line for line in lines), (text, lines)
    assert any(line.startswith("place ") and "has 2 rdfs:label values" in line for line in lines)
    # the second label is in 004's graph, yet the fault is the 002 indicator's (sh:node shp:PrintedLevel)
    assert any(v.file == F002 and v.shape == "shp:IndicatorLevel1" and v.severity == "Violation"
               for v in split.violations)


def test_each_part_run_alone_gives_its_share_of_the_two_union_runs(broken_graphs: list[tuple[str, bytes]]) -> None:
    parts = validate_parts.plan(broken_graphs, (DERIVED,))
    together = validate_parts.run_split(parts)
    for part in parts:
        assert Counter(validate_parts.run(part)) == Counter(together[part.key]), part.kind


def test_a_changed_document_validates_only_its_part_and_the_shared_one(
        broken_graphs: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    cache: dict[str, tuple[Violation, ...]] = {}
    first = _parts(broken_graphs, get=cache.get, put=cache.__setitem__)
    assert len(cache) == 6
    ran: list[str] = []
    real_run = validate_parts.run

    def counting(part: validate_parts.Part) -> tuple[Violation, ...]:
        ran.append(part.kind)
        return real_run(part)

    monkeypatch.setattr(validate_parts, "run", counting)
    monkeypatch.setattr(validate_parts, "run_split", lambda parts: pytest.fail("the whole union validated again"))
    assert _parts(broken_graphs, get=cache.get, put=cache.__setitem__) == first
    assert ran == []
    named = _named(broken_graphs)
    g002 = named[_file_graph(named, F002)]
    project = sorted(g002.subjects(RDF.type, PKG.Project))[0]
    g002.add((project, PKG.annualFunds, Literal("十万元")))  # not an xsd:decimal
    changed = sorted((iri, ntriples(g)) for iri, g in named.items())
    report = _parts(changed, get=cache.get, put=cache.__setitem__)
    assert sorted(ran) == ["cross", "document"]
    monkeypatch.setattr(validate_parts, "run", real_run)
    assert report == pipeline.validate_union(changed)
    assert any('pkg:annualFunds "十万元"' in line for line in render(report))


def test_a_build_from_cached_parts_writes_and_reports_what_a_build_without_cache_does(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs, ignore=shutil.ignore_patterns("*.md"))
    pipeline.build([docs], tmp_path / "out", dataset=False, workers=1)
    parts_dir = tmp_path / "out" / ".cache" / "validation-parts"
    assert len(list(parts_dir.iterdir())) == 6  # five documents and the shared part
    changed = docs / F002
    text = changed.read_text(encoding="utf-8")
    assert "项目资金总额 250,000.00 年度资金申请总额 250,000.00" in text  # 宣传阵地建设, line 75
    changed.write_text(text.replace("项目资金总额 250,000.00 年度资金申请总额 250,000.00",
                                    "项目资金总额 260,000.00 年度资金申请总额 260,000.00"), encoding="utf-8")
    _, cached = pipeline.build([docs], tmp_path / "out", dataset=False, workers=2)  # validated beside the writing
    _, fresh = pipeline.build([docs], tmp_path / "fresh", dataset=False, workers=1, cache=False)
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    assert cached.validation is not None and cached.validation == fresh.validation
    assert len(list(parts_dir.iterdir())) == 6  # the parts of the old 002 and of the old union are pruned
