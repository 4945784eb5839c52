"""Money summed by the store (graph.answers.rollup) equals the sums graph.answers.describe computes on the whole graph: on the
seeds in Oxigraph (merged and union default graph), and on a hand-made programme nested two levels deep."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, Graph

from policykg.graph.answers.describe import COUNTED, LINKED, GraphRollup, label_of, project_money
from policykg.graph.answers.rollup import StoreRollup, top_projects
from policykg.graph.sparql.store import OxigraphStore, load_oxigraph
from policykg.graph.views.select import overview_choice
from policykg.ontology import ID, ORG, PKG
from tests.graph import handmade

STORES = ("oxigraph_store", "oxigraph_union_store")


def _described(graph: Graph) -> list:
    return sorted({n for cls in (PKG.PolicyDocument, ORG.Organization, PKG.Place)
                   for n in graph.subjects(RDF.type, cls)}, key=str)


@pytest.mark.parametrize("name", STORES)
def test_counts_money_and_citation_places_are_those_of_the_whole_graph(
        name: str, seed_graph: Graph, request: pytest.FixtureRequest) -> None:
    store: OxigraphStore = request.getfixturevalue(name)
    nodes = _described(seed_graph)
    assert len(nodes) > 20  # the seeds' policies, organizations and places
    expected, found = GraphRollup(seed_graph), StoreRollup.ask(store, nodes)
    for node in nodes:
        for prop in (*LINKED, *COUNTED):
            assert found.count(node, prop) == expected.count(node, prop), (node, prop)
        for prop in LINKED:
            assert found.money(node, prop) == expected.money(node, prop), (node, prop)
        assert found.cited_at(node) == expected.cited_at(node), node


def _ranked(graph: Graph, year: str | None, limit: int) -> list:
    return overview_choice(graph, year=year, max_projects=limit).shown


@pytest.mark.parametrize("name", STORES)
@pytest.mark.parametrize(("year", "limit"), [(None, 5), (None, 60), ("2023", 3), ("2025", 4), ("2030", 5)])
def test_the_largest_top_level_projects_are_those_of_the_whole_graph(
        name: str, year: str | None, limit: int, seed_graph: Graph, request: pytest.FixtureRequest) -> None:
    store: OxigraphStore = request.getfixturevalue(name)
    tops, total = top_projects(store, year=year, limit=limit)
    every = [p for p in seed_graph.subjects(RDF.type, PKG.Project) if seed_graph.value(p, PKG.partOf) is None
             and (year is None or str(seed_graph.value(p, PKG.fiscalYear)) == year)]
    assert total == len(every)
    for p, yuan in tops.items():
        money = project_money(seed_graph, p)
        assert yuan == (money.yuan if money else Decimal(0)), label_of(seed_graph, p)
    assert overview_choice(seed_graph, year=year, max_projects=limit, tops=tops, total=total).shown == \
        _ranked(seed_graph, year, limit)


def nested() -> Graph:
    """A programme two levels deep: 总项目 (no amount of its own) -> 子项目A (none either) -> 课题1 100 and
    课题2 200 yuan; 总项目 -> 子项目B 50 yuan; a policy justifying 总项目 and 课题1, one justifying 子项目B
    only; one department for all."""
    g = handmade._graph()
    top = handmade.project(g, "top", "总项目", "2023", line=1)
    a = handmade.project(g, "a", "子项目A", "2023", line=2, parent=top)
    one = handmade.project(g, "a1", "课题1", "2023", "100", line=3, parent=a)
    handmade.project(g, "a2", "课题2", "2023", "200", line=4, parent=a)
    b = handmade.project(g, "b", "子项目B", "2023", "50", line=5, parent=top)
    handmade.project(g, "alone", "另一项目", "2023", "300", line=6)
    plan, rule = handmade.policy(g, "plan", "总体方案"), handmade.policy(g, "rule", "管理办法")
    handmade.justify(g, top, plan, 1)
    handmade.justify(g, one, plan, 3)
    handmade.justify(g, b, rule, 5)
    dept = ID["org/dept"]
    g.add((dept, RDF.type, ORG.Organization))
    for p in (top, a, one, b):
        g.add((p, PKG.department, dept))
    return g


def test_money_is_summed_over_sub_projects_at_any_depth(tmp_path: Path) -> None:
    graph = nested()
    graph.serialize(tmp_path / "graph.nt", format="nt", encoding="utf-8")
    with load_oxigraph(tmp_path / "graph.nt", tmp_path / "store") as store:
        tops, total = top_projects(store, limit=1)
        assert (tops, total) == ({ID["project/2023-top"]: Decimal(350)}, 2)  # 100 + 200 + 50, above 另一项目's 300
        tops, _ = top_projects(store, limit=5)
        assert tops == {ID["project/2023-top"]: Decimal(350), ID["project/2023-alone"]: Decimal(300)}
        found = StoreRollup.ask(store, [ID["policy/plan"], ID["policy/rule"], ID["org/dept"]])
    assert (found.count(ID["policy/plan"], PKG.justifiedBy), found.money(ID["policy/plan"], PKG.justifiedBy)) == \
        (2, Decimal(350))  # 课题1 is part of 总项目: counted once
    assert found.money(ID["policy/rule"], PKG.justifiedBy) == Decimal(50)
    assert (found.count(ID["org/dept"], PKG.department), found.money(ID["org/dept"], PKG.department)) == \
        (4, Decimal(350))
    assert found.cited_at(ID["policy/rule"]) == ["handmade.txt line 5"]
    expected = GraphRollup(graph)
    for node in (ID["policy/plan"], ID["policy/rule"], ID["org/dept"]):
        for prop in LINKED:
            assert (found.count(node, prop), found.money(node, prop)) == (expected.count(node, prop),
                                                                          expected.money(node, prop))
    with pytest.raises(LookupError):
        found.count(ID["policy/other"], PKG.justifiedBy)
