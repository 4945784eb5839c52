"""SHACL validation (graph.validation) of the graph built from the seeds, and of a graph
broken on purpose; expected names, files and lines are read from the documents."""

from __future__ import annotations

import pytest
from rdflib import RDF, SKOS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from policykg.graph.errors import ValidationError
from policykg.graph.run.pipeline import build_dataset
from policykg.graph.validation import ValidationReport, render, summary, validate
from policykg.ontology import ID, PKG, concept

Q = """PREFIX pkg: <https://w3id.org/policykg#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#> """
F004 = "004_b5c1e20c1c71ec69.txt"


def node(graph: Graph, label: str, year: str | None = None, file: str | None = None) -> URIRef:
    """The one project, indicator or policy named ``label`` (optionally of a fiscal year / source file)."""
    found = {row[0] for row in graph.query(Q + """SELECT ?n WHERE { ?n rdfs:label ?l . FILTER (STR(?l) = ?label)
        OPTIONAL { ?n pkg:fiscalYear ?y } OPTIONAL { ?n prov:wasDerivedFrom/pkg:fileName ?f } }""",
        initBindings={"label": Literal(label)})
        if (year is None or (row[0], PKG.fiscalYear, Literal(year, datatype=XSD.gYear)) in graph)
        and (file is None or any(str(f) == file for s in graph.objects(row[0], URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
                                 for f in graph.objects(s, PKG.fileName)))}
    assert len(found) == 1, (label, found)
    return found.pop()  # type: ignore[return-value]


@pytest.fixture(scope="module")
def seed_report(seed_graph: Graph) -> ValidationReport:
    return validate(seed_graph)


def test_seed_graph_conforms(seed_report: ValidationReport) -> None:
    assert seed_report.conforms, "\n".join(render(seed_report.errors))
    assert seed_report.errors == ()


def test_seed_warnings_are_indicators_without_a_level1(seed_graph: Graph, seed_report: ValidationReport) -> None:
    # Every indicator of the seeds has a 一级指标 read or inferred from its 二级指标 (the framework); a warning
    # would stand for each one that has none, and nothing else.
    without = {str(row[0]) for row in seed_graph.query(Q + """SELECT ?i WHERE { ?i a pkg:Indicator .
        FILTER NOT EXISTS { ?i pkg:level1 ?c } }""")}
    assert {w.focus for w in seed_report.warnings} == without
    assert {w.component for w in seed_report.warnings} <= {"MinCount"}
    assert all(w.path == "pkg:level1" and w.file is not None and w.line is not None for w in seed_report.warnings)


def test_a_dataset_is_validated_as_one_graph(documents) -> None:  # type: ignore[no-untyped-def]
    # one named graph per source: a project's source document is in the same graph, a policy cited in
    # several sources is in each; validated per graph or as a union, the seeds conform.
    dataset: Dataset = build_dataset(documents.values())
    assert validate(dataset).conforms


@pytest.fixture(scope="module")
def broken(seed_graph: Graph) -> tuple[Graph, dict[str, URIRef]]:
    """The seed graph with one fault per rule below."""
    graph = Graph()
    for triple in seed_graph:
        graph.add(triple)
    nodes = {
        # 004 line 190: 项目名称 城市数字化 (2023 年度, line 188)
        "city": node(graph, "城市数字化", "2023"),
        # 004 line 1604: 4、高新技术企业认定专项补贴项目（13000 万）
        "hightech": node(graph, "高新技术企业认定专项补贴项目", "2023"),
        # 000 line 19: the 2023 政策研究 sub-project; 002 line 66: 项目名称 宣传阵地建设 (2025)
        "research2023": node(graph, "政策研究", "2023"),
        "publicity2025": node(graph, "宣传阵地建设", "2025"),
        # cited in 004 line 1619 as 《…若干政策》（沪松府规〔2019〕23 号）
        "policy": node(graph, "松江区关于加快推进G60科创走廊高新技术企业发展的若干政策"),
    }
    city, hightech, policy = nodes["city"], nodes["hightech"], nodes["policy"]
    graph.add((city, PKG.fiscalYear, Literal("2024", datatype=XSD.gYear)))  # two fiscal years
    graph.set((hightech, PKG.annualFunds, Literal("13000万元")))  # not a decimal
    graph.remove((policy, DCTERMS.title, None))  # neither title nor 文号
    graph.remove((policy, PKG.docNumber, None))
    graph.add((nodes["research2023"], PKG.continues, nodes["publicity2025"]))  # continues a later project
    link = ID["lineage/test"]
    graph.add((link, RDF.type, PKG.LineageLink))  # a link whose direct triple is missing
    graph.add((link, PKG.successor, nodes["publicity2025"]))
    graph.add((link, PKG.predecessor, hightech))
    graph.add((link, PKG.evidence, Literal("test")))
    indicator = sorted(graph.objects(nodes["publicity2025"], PKG.hasIndicator))[0]
    nodes["indicator"] = indicator  # type: ignore[assignment]
    printed = ID["level/test"]  # a level 1 label as printed that stands for a level 2 category
    graph.add((printed, RDF.type, SKOS.Concept))
    graph.add((printed, SKOS.inScheme, PKG.PrintedLevels))
    graph.add((printed, SKOS.prefLabel, Literal("数量指标", lang="zh")))
    graph.add((printed, SKOS.exactMatch, concept("数量指标")))
    graph.set((indicator, PKG.level1, printed))
    return graph, nodes


@pytest.fixture(scope="module")
def broken_report(broken: tuple[Graph, dict[str, URIRef]]) -> ValidationReport:
    return validate(broken[0])


@pytest.mark.parametrize("expected", [
    f"project 城市数字化 ({F004}:190): has 2 pkg:fiscalYear values; "
    "a project has exactly one fiscal year (pkg:fiscalYear, an xsd:gYear)",
    f"project 高新技术企业认定专项补贴项目 ({F004}:1604): pkg:annualFunds \"13000万元\" is not an xsd:decimal; "
    "a project has at most one annual request (pkg:annualFunds), an xsd:decimal in yuan",
    f"policy document 松江区关于加快推进G60科创走廊高新技术企业发展的若干政策 ({F004}): "
    "a policy document has a title (dcterms:title) or a 文号 document number (pkg:docNumber); without either it cannot be identified",
    f"project 手机信号检测 ({F004}:19): "
    "a sub-project has the fiscal year of its parent project (pkg:partOf stays within one year)",
    "project 政策研究 (000_f23fd64354a9b39b.txt:19): pkg:continues/pkg:fiscalYear \"2025\"^^xsd:gYear is out of order; "
    "a project continues a project of an earlier fiscal year (pkg:continues goes back in time)",
    "lineage link <https://w3id.org/policykg/id/lineage/test>: the later project of a lineage link pkg:continues the earlier one "
    "(the direct triple is in the graph too)",
])
def test_broken_graph_fails_with_the_expected_message(broken_report: ValidationReport, expected: str) -> None:
    lines = render(broken_report)
    assert expected in lines, "\n".join(lines)


def test_broken_indicator_level(broken: tuple[Graph, dict[str, URIRef]], broken_report: ValidationReport) -> None:
    indicator = str(broken[1]["indicator"])
    found = {(v.path, v.component, v.message) for v in broken_report.errors if v.focus == indicator}
    assert ("pkg:level1/skos:exactMatch", "Node", "the level 1 category (pkg:level1) maps by skos:exactMatch to one of "
            "the four top concepts of pkg:IndicatorFramework (output, outcome, satisfaction, cost)") in found
    assert any(component == "SPARQL" and path == "pkg:level2" and "skos:broader of the skos:exactMatch of pkg:level2" in message
               for path, component, message in found)
    assert all(v.file == "002_5ed4d149ac1e0066.txt" and v.kind == "performance indicator" for v in broken_report.errors if v.focus == indicator)


def test_broken_graph_does_not_conform(broken_report: ValidationReport) -> None:
    assert not broken_report.conforms
    assert summary(broken_report).startswith("the graph does NOT conform to the SHACL shapes: ")
    with pytest.raises(ValidationError, match="项目|project 城市数字化"):
        broken_report.raise_for_violations()


def test_report_in_chinese(broken_report: ValidationReport) -> None:
    assert (f"项目 城市数字化（{F004}:190）：pkg:fiscalYear 有 2 个值；一个项目有且只有一个财政年度（pkg:fiscalYear，xsd:gYear）"
            in render(broken_report, "zh"))


def test_bad_doc_number_and_source_line() -> None:
    graph = Graph()
    policy, citation, source = ID["policy/test"], ID["project/test/citation/1"], ID["source/test"]
    graph.add((source, RDF.type, PKG.SourceDocument))
    graph.add((source, RDF.type, PKG.Declaration))
    graph.add((source, PKG.fileName, Literal("test.txt")))
    graph.add((source, PKG.sha256, Literal("0" * 64)))
    graph.add((source, PKG.layout, Literal("declaration-text")))
    graph.add((policy, RDF.type, PKG.PolicyDocument))
    graph.add((policy, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("沪松府规[2019]23号", lang="zh")))
    graph.add((policy, PKG.docNumber, Literal("沪松府规[2019]23号")))  # brackets not normalized to 〔〕
    graph.add((policy, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), source))
    graph.add((citation, RDF.type, PKG.Citation))
    graph.add((citation, PKG.citedDocument, policy))
    graph.add((citation, PKG.inLegalBasis, Literal(False)))
    graph.add((citation, PKG.textAsWritten, Literal("（沪松府规[2019]23号）", lang="zh")))
    graph.add((citation, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), source))
    graph.add((citation, PKG.sourceLine, Literal(0)))
    lines = render(validate(graph))
    assert ("policy document 沪松府规[2019]23号 (test.txt): pkg:docNumber \"沪松府规[2019]23号\" is not in the expected form; "
            "a policy document has at most one 文号 (pkg:docNumber), normalized like 沪松府规〔2019〕23号: "
            "issuer abbreviation, 〔year〕 (or (year) where the document writes round brackets), number, 号") in lines
    assert ("citation <https://w3id.org/policykg/id/project/test/citation/1> (test.txt:0): pkg:sourceLine \"0\"^^xsd:integer is out of range; "
            "it has one source line (pkg:sourceLine, an xsd:integer counted from 1)") in lines
    assert ("citation <https://w3id.org/policykg/id/project/test/citation/1> (test.txt:0): has no ^pkg:hasCitation; "
            "a citation belongs to exactly one project (pkg:hasCitation)") in lines
