"""The default view stays drawable on big corpora: the largest annual requests first, read without long texts."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from policykg.graph.views.select import overview


def test_a_limited_overview_keeps_the_largest_requests(seed_graph: Graph) -> None:
    whole = overview(seed_graph)
    small = overview(seed_graph, max_projects=5)
    projects = [n for n in small.nodes if n.kind == "project"]
    assert len(projects) == 5
    # 科技创新创业 (004 line 2049) asks 291,170,000 yuan, the largest request of the seeds; 法律咨询与服务
    # (004 line 438) asks 50,000 yuan, among the smallest top-level requests.
    labels = {n.label for n in projects}
    assert "科技创新创业" in labels and "法律咨询与服务" not in labels
    assert {n.label for n in whole.nodes if n.kind == "project"} >= labels
    ids = {n.id for n in small.nodes}
    assert all(e.source in ids and e.target in ids for e in small.edges)


def test_the_overview_of_a_graph_file_read_through_oxigraph_is_the_overview_of_the_whole_graph(tmp_path: Path) -> None:
    from policykg.graph.run import pipeline
    from policykg.graph.sparql.store import open_graph
    from policykg.graph.views.html import view_graph
    from tests.conftest import SEEDS

    pipeline.build([SEEDS], tmp_path, dataset=False)
    expected = overview(open_graph(tmp_path / "graph.ttl"))
    for name in ("graph.ttl", "graph.trig", "graph.nt"):
        view = overview(view_graph(tmp_path / name))
        assert (view.nodes, view.edges) == (expected.nodes, expected.edges), name
