"""analyze, evolution and view give the same answers from every store: rdflib in memory and Oxigraph on disk
(with the merged default graph, and with the union of the named graphs), all built from the seeds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import DCTERMS
from typer.testing import CliRunner

from policykg.graph.answers import analysis
from policykg.graph.answers.evolution import evolution, timeline_dict
from policykg.graph.cli import app
from policykg.graph.errors import QueryError
from policykg.graph.sparql.server import Server
from policykg.graph.sparql.store import MemoryStore, OxigraphStore, load_oxigraph
from policykg.graph.views import html as views
from policykg.ontology import ID, ORG, PKG
from tests.conftest import SEEDS

STORES = ("oxigraph_store", "oxigraph_union_store")


@pytest.mark.parametrize("name", STORES)
def test_analyze_is_the_same_from_oxigraph(name: str, memory_store: MemoryStore, request: pytest.FixtureRequest) -> None:
    other: OxigraphStore = request.getfixturevalue(name)
    for policy in (None, "沪松府规〔2019〕23号"):
        expected = analysis.analyze(memory_store, policy=policy, top=200)
        assert analysis.analyze(other, policy=policy, top=200) == expected
    # 004 gives 沪松府规〔2019〕23号 as the 立项依据 of one project, with its line: the source comes from the store too
    lines = (SEEDS / "004_b5c1e20c1c71ec69.txt").read_text(encoding="utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if "高新技术企业认定专项补贴项目（" in line]
    (path,) = analysis.analyze(other, policy="沪松府规〔2019〕23号").paths
    assert path[1].source == f"004_b5c1e20c1c71ec69.txt line {number}"


@pytest.mark.parametrize("name", STORES)
@pytest.mark.parametrize("indicators", [False, True])
def test_the_skeleton_asked_of_a_store_is_the_projection_of_the_whole_graph(
        name: str, indicators: bool, seed_graph: Graph, request: pytest.FixtureRequest) -> None:
    other: OxigraphStore = request.getfixturevalue(name)
    expected = analysis.to_networkx(seed_graph, indicators=indicators)
    got = analysis.skeleton(other, indicators=indicators)
    # the same nodes with the same attributes, and the same edges, in the same order (betweenness samples
    # its sources from the node order)
    assert list(got.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(got.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
    kinds = {d["kind"] for _, d in got.nodes(data=True)}
    assert {"project", "policy", "organization", "budget-line"} <= kinds
    assert ("indicator" in kinds) == indicators
    assert any(d["yuan"] is not None for _, d in got.nodes(data=True) if d["kind"] == "budget-line")


@pytest.mark.parametrize("name", STORES)
@pytest.mark.parametrize("project", ["金融赋能", "宣传阵地建设", "G60科创走廊建设"])
def test_evolution_is_the_same_from_oxigraph(name: str, project: str, memory_store: MemoryStore,
                                              request: pytest.FixtureRequest) -> None:
    other: OxigraphStore = request.getfixturevalue(name)
    assert timeline_dict(evolution(other, project)) == timeline_dict(evolution(memory_store, project))


def test_evolution_error_names_similar_projects_from_oxigraph(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match="宣传阵地建设"):
        evolution(oxigraph_store, "宣传推广工作")


@pytest.mark.parametrize("name", STORES)
@pytest.mark.parametrize("ask", [
    {}, {"year": "2025"}, {"year": "2023"}, {"focus_on": "沪松府规〔2019〕23号"},
    {"focus_on": "沪松府规〔2019〕23号", "depth": 2}, {"focus_on": "宣传与推广", "year": "2022"},
    {"focus_on": "宣传与推广", "depth": 3}, {"focus_on": "https://w3id.org/policykg/id/place/songjiang"},
    {"lineage_of": "G60科创走廊建设"},
])
def test_views_are_the_same_from_oxigraph(name: str, ask: dict, memory_store: MemoryStore,
                                          request: pytest.FixtureRequest) -> None:
    other: OxigraphStore = request.getfixturevalue(name)
    assert views.make_view(other, **ask) == views.make_view(memory_store, **ask)


def test_a_store_and_its_whole_graph_give_the_same_view(oxigraph_store: OxigraphStore, seed_graph: Graph) -> None:
    """The subgraph fetched through SPARQL describes the chosen nodes as the whole graph does."""
    from policykg.graph.views.select import focus, overview

    assert views.make_view(oxigraph_store) == overview(seed_graph)
    spec = "沪松府规〔2019〕23号"
    assert views.make_view(oxigraph_store, focus_on=spec, depth=2) == focus(seed_graph, spec, depth=2)


def test_cli_commands_read_an_oxigraph_store(built: Path, oxigraph_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    graph = ["--graph", str(built / "graph.ttl")]
    store = ["--store", str(oxigraph_dir)]
    for command in (["analyze", "--top", "3"], ["evolution", "金融赋能", "--format", "json"],
                    ["trace", "沪松府规〔2019〕23号"]):
        from_memory = runner.invoke(app, [*command, *graph])
        from_store = runner.invoke(app, [*command, *graph, *store])
        assert from_memory.exit_code == from_store.exit_code == 0, from_store.output
        assert from_store.stdout == from_memory.stdout
    for ask in (["--focus", "沪松府规〔2019〕23号"], [], ["--year", "2023"]):
        pages = []
        for where in ([], store):
            out = tmp_path / f"view{len(pages)}.html"
            result = runner.invoke(app, ["view", *ask, "--out", str(out), *graph, *where])
            assert result.exit_code == 0, result.output
            pages.append(out.read_text(encoding="utf-8"))
        assert pages[0] == pages[1], ask


def test_cli_commands_read_the_projects_own_endpoint(built: Path, oxigraph_dir: Path, tmp_path: Path) -> None:
    """`policykg serve`'s server (graph.sparql.server) on a free port of 127.0.0.1 over the seeds' store: the commands
    asked with --endpoint URL print what they print with --store DIR."""
    runner = CliRunner()
    graph = ["--graph", str(built / "graph.ttl")]
    with Server(oxigraph_dir) as server:
        where = {"store": ["--store", str(oxigraph_dir)], "endpoint": ["--endpoint", server.query_url]}
        for command in (["evolution", "金融赋能", "--format", "json"], ["trace", "沪松府规〔2019〕23号"],
                        ["analyze", "--top", "3"]):
            printed = {}
            for name, option in where.items():
                result = runner.invoke(app, [*command, *graph, *option])
                assert result.exit_code == 0, result.output
                printed[name] = result.stdout
            assert printed["endpoint"] == printed["store"], command
        for ask in ([], ["--focus", "沪松府规〔2019〕23号"]):
            pages = {}
            for name, option in where.items():
                out = tmp_path / f"{name}.html"
                result = runner.invoke(app, ["view", *ask, "--out", str(out), *graph, *option])
                assert result.exit_code == 0, result.output
                pages[name] = out.read_text(encoding="utf-8")
            assert pages["endpoint"] == pages["store"], ask


def test_the_skeleton_reads_titles_sums_of_parts_and_nodes_of_no_class(tmp_path: Path) -> None:
    """What the seeds do not show: a policy named by its dcterms:title only, a project whose money is the sum of
    its sub-projects (one of them declared with two amounts: the full-year budget comes first), a Chinese and an
    English label, and linked nodes of no class, with a label or none."""
    graph = Graph()
    parent, first, second, line = ID["project/p"], ID["project/p-a"], ID["project/p-b"], ID["line/p-1"]
    policy, unclassed, bare, unit = ID["policy/t"], ID["policy/u"], ID["place/x"], ID["org/o"]
    graph.add((policy, RDF.type, PKG.PolicyDocument))
    graph.add((policy, DCTERMS.title, Literal("关于某事的通知")))
    for project, label in ((parent, "主项目"), (first, "子项目一"), (second, "子项目二")):
        graph.add((project, RDF.type, PKG.Project))
        graph.add((project, RDFS.label, Literal(label, lang="zh")))
        graph.add((project, PKG.fiscalYear, Literal("2024")))
    graph.add((parent, RDFS.label, Literal("Main project", lang="en")))
    graph.add((first, PKG.partOf, parent))
    graph.add((second, PKG.partOf, parent))
    graph.add((first, PKG.annualFunds, Literal(Decimal("1000000"))))
    graph.add((second, PKG.initialBudget, Literal(Decimal("400000"))))
    graph.add((second, PKG.adjustedBudget, Literal(Decimal("505000.50"))))
    graph.add((parent, PKG.justifiedBy, policy))
    graph.add((parent, PKG.cites, policy))
    graph.add((parent, PKG.cites, unclassed))
    graph.add((unclassed, RDFS.label, Literal("某文件")))
    graph.add((parent, PKG.mentionsPlace, bare))
    graph.add((parent, PKG.department, unit))
    graph.add((unit, RDF.type, ORG.Organization))
    graph.add((unit, RDFS.label, Literal("某局", lang="zh")))
    graph.add((first, PKG.hasBudgetLine, line))
    graph.add((line, RDF.type, PKG.BudgetLine))
    graph.add((line, RDFS.label, Literal("课题研究")))
    graph.add((line, PKG.amount, Literal(Decimal("250000"))))
    graph.serialize(tmp_path / "hand.nt", format="nt", encoding="utf-8")
    with load_oxigraph(tmp_path / "hand.nt", tmp_path / "store") as store:
        got = analysis.skeleton(store)
    expected = analysis.to_networkx(graph)
    assert list(got.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(got.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
    assert got.nodes[str(parent)] == {"kind": "project", "label": "主项目", "year": "2024",
                                      "yuan": Decimal("1505000.50")}
    assert got.nodes[str(second)]["yuan"] == Decimal("505000.50")
    assert got.nodes[str(policy)]["label"] == "关于某事的通知"
    assert got.nodes[str(unclassed)] == {"kind": "other", "label": "某文件", "year": None, "yuan": None}
    assert got.nodes[str(bare)]["label"] == "x"
    assert got.nodes[str(line)] == {"kind": "budget-line", "label": "课题研究", "year": None, "yuan": Decimal("250000")}
    # one edge for the citation that is the legal basis too
    assert sorted(r for _, _, r in got.out_edges(str(policy), data="relation")) == ["justifies"]
