"""The default view stays drawable: at most MAX_NODES nodes, the largest annual requests first."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph

from graph.views import MAX_NODES, default_view, limit_view


def test_the_seed_view_is_under_the_limit_and_left_whole(seed_graph: Graph) -> None:
    nodes, edges = default_view(seed_graph)
    assert len(nodes) <= MAX_NODES
    assert limit_view(nodes, edges) == (nodes, edges)


def test_a_limited_view_keeps_the_largest_requests_with_their_policies_and_departments(seed_graph: Graph) -> None:
    nodes, edges = default_view(seed_graph)
    kept, kept_edges = limit_view(nodes, edges, max_nodes=40)
    assert 30 <= len(kept) <= 40
    ids = {n.id for n in kept}
    assert all(a in ids and b in ids for a, b, _ in kept_edges)
    # every edge of a kept project whose other end is a policy or department is kept with it
    for a, b, kind in edges:
        if b in ids and kind in ("justifies", "department"):
            assert a in ids, (a, b, kind)
    # 科技创新创业 (004, 区科委 2023, line 2049) asks 291,170,000 yuan, the largest request of the seeds,
    # and its sub-project 高新技术企业认定专项补贴项目 130,000,000 yuan
    by_label = {n.label: n for n in nodes if n.kind == "project"}
    for label, yuan in (("科技创新创业", "291170000"), ("高新技术企业认定专项补贴项目", "130000000")):
        assert by_label[label].yuan == Decimal(yuan) and by_label[label].id in ids
    smallest = min((n for n in nodes if n.kind == "project" and n.yuan), key=lambda n: n.yuan or Decimal(0))
    assert smallest.id not in ids


def test_the_view_of_a_graph_file_read_through_oxigraph_is_the_view_of_the_whole_graph(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from graph import pipeline
    from graph.store import open_graph
    from graph.views import view_graph
    from tests.conftest import SEEDS

    pipeline.build([SEEDS], tmp_path, dataset=False)
    for name in ("graph.ttl", "graph.trig", "graph.nt"):
        assert default_view(view_graph(tmp_path / name)) == default_view(open_graph(tmp_path / "graph.ttl")), name
