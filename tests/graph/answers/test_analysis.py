"""networkx analyses, read against the documents and against small graphs made by hand."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from policykg.graph.answers import analysis
from policykg.graph.cli import app
from policykg.ontology import ID, PKG
from tests.conftest import SEEDS
from tests.graph import handmade


def test_most_cited_policy_on_the_seeds(seed_graph: Graph) -> None:
    top = analysis.most_cited(seed_graph, top=3)[0]
    assert (top.title, top.doc_number) == ("长三角G60科创走廊建设方案", "国科发规〔2020〕287号")
    # cited in the 立项依据 of: 000 G60科创走廊建设 (line 88); 001 二级项目 at lines 15, 101, 154, 201, 250;
    # 002 projects at lines 23, 915, 1132, 1410, 1606; 004 科普工作 (line 5635)
    assert top.justified_by == 12
    assert top.cites >= top.justified_by
    by_cites = analysis.most_cited(seed_graph, top=200, by="cites")
    assert [c.cites for c in by_cites] == sorted((c.cites for c in by_cites), reverse=True)


def test_justification_path_reaches_the_declared_amount(seed_graph: Graph) -> None:
    lines = (SEEDS / "004_b5c1e20c1c71ec69.txt").read_text(encoding="utf-8").splitlines()
    (number, heading), = [(n, line) for n, line in enumerate(lines, 1) if "高新技术企业认定专项补贴项目（" in line]
    wan = Decimal(re.search(r"（(\d+) 万）", heading).group(1))  # type: ignore[union-attr]
    report = analysis.analyze(seed_graph, policy="沪松府规〔2019〕23号")
    (path,) = report.paths  # one project, no sub-projects or budget lines below it in the document
    assert [s.kind for s in path] == ["policy", "project"]
    assert path[1].label == "高新技术企业认定专项补贴项目"
    assert path[1].yuan == wan * 10000
    assert path[1].source == f"004_b5c1e20c1c71ec69.txt line {number}"


def test_paths_go_down_to_sub_projects_and_budget_lines() -> None:
    graph = handmade.programme()
    g = analysis.to_networkx(graph)
    paths = analysis.justification_paths(graph, str(ID["policy/plan"]), g)
    assert [[s.label for s in p] for p in paths] == [
        ["长三角G60科创走廊建设方案", "G60走廊建设"],
        ["长三角G60科创走廊建设方案", "政策研究", "课题研究"],
    ]
    assert paths[1][-1].yuan == Decimal("1500000") and paths[1][-1].kind == "budget-line"


def test_a_project_justified_with_its_parent_is_reached_once() -> None:
    graph = handmade.programme()
    doc = handmade.policy(graph, "both", "同时引用的文件")
    handmade.justify(graph, ID["project/2023-g60"], doc, 21)
    handmade.justify(graph, ID["project/2023-g60-a"], doc, 31)
    paths = analysis.justification_paths(graph, str(doc))
    assert [[s.label for s in p][1:] for p in paths] == [
        ["G60走廊建设", "政策研究", "课题研究"], ["G60走廊建设", "金融赋能"]]


def test_components_with_and_without_departments() -> None:
    graph = handmade.programme()
    groups = analysis.components(graph)
    # the programme (3 years, 2 sub-projects, the policy, the budget line) and the unrelated 科普活动
    assert [(c.size, c.projects, c.policies) for c in groups] == [(7, 5, 1), (1, 1, 0)]
    assert groups[0].years == ("2022", "2023", "2024")
    assert groups[0].yuan == Decimal("1000000") + Decimal("2500000") + Decimal("3000000")  # sub-projects inside 2023
    with_departments = analysis.components(graph, through_organizations=True)
    assert [(c.size, c.organizations) for c in with_departments] == [(8, 1), (1, 0)]


def test_centrality_of_leaves_and_hubs(seed_graph: Graph) -> None:
    graph = handmade.programme()
    central = {c.label: c for c in analysis.centrality(analysis.to_networkx(graph), top=20)}
    assert central["金融赋能"].betweenness == 0  # a leaf: one sub-project of 2023
    assert central["科普活动"].degree == 0  # linked to nothing
    # 区科委 is the 主管部门 of all 56 projects and sub-projects of 004: it holds the seed graph together
    assert analysis.centrality(analysis.to_networkx(seed_graph), top=1)[0].label == "上海市松江区科学技术委员会"


def test_betweenness_of_a_path_and_a_star() -> None:
    # a path a - b - c - d: b lies on (a, c) and (a, d), c on (a, d) and (b, d); 3 pairs of other nodes each
    path = nx.path_graph(["a", "b", "c", "d"])
    assert analysis.betweenness_centrality(path) == pytest.approx({"a": 0.0, "b": 2 / 3, "c": 2 / 3, "d": 0.0})
    # the hub of a star lies on every path between two leaves
    star = nx.star_graph(5)
    assert analysis.betweenness_centrality(star) == pytest.approx({0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0})
    assert analysis.betweenness_centrality(nx.Graph([("a", "b")])) == {"a": 0.0, "b": 0.0}


@pytest.mark.parametrize("k", [None, 1, 40, 299])
def test_betweenness_is_networkx_s_from_the_same_sources(k: int | None) -> None:
    graph = nx.gnm_random_graph(300, 700, seed=3)  # several groups: isolated nodes, small islands
    graph.add_edges_from([(300, 301), (301, 302), (303, 303)])  # a path apart, and a self-loop
    mine = analysis.betweenness_centrality(graph, k)
    reference = nx.betweenness_centrality(graph, k=k, seed=0 if k else None)
    assert mine.keys() == reference.keys()
    if k == 1:  # networkx gives NaN to the one source (no other source to count its paths)
        assert all(math.isnan(v) for n, v in reference.items() if math.isnan(mine[n]))
        mine = {n: v for n, v in mine.items() if not math.isnan(v)}
    assert mine == pytest.approx({n: reference[n] for n in mine}, rel=1e-9, abs=1e-15)


def test_projection_keeps_money_and_leaves_indicators_out(seed_graph: Graph) -> None:
    g = analysis.to_networkx(seed_graph)
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert "indicator" not in kinds and {"project", "policy", "organization"} <= kinds
    (node,) = [n for n, d in g.nodes(data=True) if d["label"] == "高新技术企业认定专项补贴项目"]
    assert g.nodes[node]["yuan"] == Decimal("130000000") and g.nodes[node]["year"] == "2023"
    with_indicators = analysis.to_networkx(seed_graph, indicators=True)
    assert sum(1 for _, d in with_indicators.nodes(data=True) if d["kind"] == "indicator") == len(
        set(seed_graph.subjects(predicate=None, object=PKG.Indicator)))


def test_cli_analyze(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    graph = str(tmp_path / "graph.ttl")
    result = runner.invoke(app, ["analyze", "--graph", graph, "--policy", "沪松府规〔2019〕23号"])
    assert result.exit_code == 0, result.output
    for text in ("Most-cited policies", "长三角G60科创走廊建设方案", "Central nodes", "Connected groups",
                 "13,000.00", "004_b5c1e20c1c71ec69.txt line 1604"):
        assert text in result.stdout
    result = runner.invoke(app, ["analyze", "--graph", graph, "--policy", "管理办法"])
    assert result.exit_code == 2
    assert "'管理办法' names" in result.stderr and "use its 文号 or IRI" in result.stderr
