"""analyze, evolution and view give the same answers from every store: rdflib in memory and Oxigraph on disk
(with the merged default graph, and with the union of the named graphs), all built from the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from policykg.graph.answers import analysis
from policykg.graph.answers.evolution import evolution, timeline_dict
from policykg.graph.cli import app
from policykg.graph.errors import QueryError
from policykg.graph.sparql.server import Server
from policykg.graph.sparql.store import MemoryStore, OxigraphStore
from policykg.graph.views import html as views
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
