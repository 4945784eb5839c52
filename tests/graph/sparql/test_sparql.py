"""The vocabulary contract, queried with SPARQL on the graph built from the seeds.

Expected values are read from the documents (see tests/golden).
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal
from rdflib.namespace import XSD

PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def rows(graph: Graph, query: str) -> list[tuple]:
    return [tuple(r) for r in graph.query(PREFIXES + query)]


def test_projects_per_year(seed_graph: Graph) -> None:
    # 2022: 2 self-evaluated projects; 2023: 1+4 (000) and 14+42 (004); 2024: 1+6 (001); 2025: 10 (002).
    found = dict(rows(seed_graph, """
        SELECT (STR(?y) AS ?year) (COUNT(?p) AS ?n) WHERE { ?p a pkg:Project ; pkg:fiscalYear ?y } GROUP BY ?y"""))
    assert {str(k): int(v) for k, v in found.items()} == {"2022": 2, "2023": 61, "2024": 7, "2025": 10}


def test_annual_funds_in_yuan_as_decimal(seed_graph: Graph) -> None:
    (value,), = rows(seed_graph, """
        SELECT ?v WHERE { ?p rdfs:label "高新技术企业认定专项补贴项目"@zh ; pkg:annualFunds ?v }""")
    assert value.datatype == XSD.decimal
    assert value.toPython() == Decimal("130000000")  # 13000 万


def test_sub_project_part_of_parent(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?parent WHERE { ?p rdfs:label "手机信号检测"@zh ; pkg:partOf/rdfs:label ?parent }""")
    assert found == [(Literal("城市数字化", lang="zh"),)]


def test_policy_justifies_projects_with_money(seed_graph: Graph) -> None:
    # 沪松府规〔2019〕23号 is cited in the 立项依据 of 高新技术企业认定专项补贴项目 (004, line 1619).
    found = rows(seed_graph, """
        SELECT ?title ?project ?v WHERE {
          ?doc pkg:docNumber "沪松府规〔2019〕23号" ; dcterms:title ?title .
          ?p pkg:justifiedBy ?doc ; rdfs:label ?project ; pkg:annualFunds ?v }""")
    assert [(str(t), str(p), v.toPython()) for t, p, v in found] == [
        ("松江区关于加快推进G60科创走廊高新技术企业发展的若干政策", "高新技术企业认定专项补贴项目", Decimal("130000000"))]


def test_one_node_for_a_policy_cited_with_and_without_its_number(seed_graph: Graph) -> None:
    # 《长三角G60科创走廊建设方案》 is cited bare in 000/001/002 and with （国科发规〔2020〕287号） in 002.
    found = rows(seed_graph, """
        SELECT DISTINCT ?doc ?n WHERE { ?doc dcterms:title "长三角G60科创走廊建设方案"@zh . OPTIONAL { ?doc pkg:docNumber ?n } }""")
    assert len(found) == 1 and str(found[0][1]) == "国科发规〔2020〕287号"


def test_every_project_has_provenance(seed_graph: Graph) -> None:
    missing = rows(seed_graph, """
        SELECT ?p WHERE { ?p a pkg:Project . FILTER NOT EXISTS { ?p prov:wasDerivedFrom ?s . ?s pkg:fileName ?f } }""")
    assert missing == []


def test_departments_and_units_are_organizations(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT DISTINCT ?unit WHERE { ?p pkg:implementingUnit ?u . ?u a org:Organization ; rdfs:label ?unit
                                      FILTER(lang(?unit) = "zh") } ORDER BY ?unit""")
    assert {str(u) for (u,) in found} == {
        "上海市松江区长三角G60科创走廊创新研究中心", "上海市松江区科创发展办公室", "上海市松江区科学技术委员会",
        "上海市松江区科技创新服务中心", "上海市松江区科技馆"}
