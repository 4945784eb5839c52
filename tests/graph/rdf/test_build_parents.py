"""Regression: two top-level projects of one document share a name; each sub-project joins its own."""

from __future__ import annotations

from rdflib import Graph


def test_sub_project_belongs_to_the_parent_of_its_budget_unit(seed_graph: Graph) -> None:
    # 004 has two projects named 科普工作: 本级's (line 2439: seven 子项目, form at line 2824: 3350000.00)
    # and 科技馆's (line 5675 ff.: 2000000, no 子项目). 科普项目 (line 2443) is one of 本级's seven.
    found = [(str(unit), v.toPython()) for unit, v in seed_graph.query("""
        PREFIX pkg: <https://w3id.org/policykg#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?unit ?v WHERE { ?s rdfs:label "科普项目"@zh ; pkg:partOf ?parent .
                                ?parent pkg:annualFunds ?v ; pkg:budgetUnit/rdfs:label ?unit FILTER(lang(?unit) = "zh") }""")]
    assert [v for _, v in found] == [3350000]
    children = {str(c) for (c,) in seed_graph.query("""
        PREFIX pkg: <https://w3id.org/policykg#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?child WHERE { ?s rdfs:label ?child ; pkg:partOf ?parent .
                              ?parent rdfs:label "科普工作"@zh ; pkg:budgetUnit/rdfs:label "上海市松江区科技馆"@zh }""")}
    assert children == set()
