"""Queries over facts the seeds do not give yet (pkg:continues, pkg:mentionsPlace), on a small hand-made graph.

Three years of one programme: 宣传与推广 (2022) -> 宣传推广 (2024, a sub-project of G60科创走廊建设) ->
宣传阵地建设 (2025), each in its own named graph as a source document would be, the department described in
every graph (so a union default graph sees its label more than once).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from policykg.graph.run.export import write_graph
from policykg.graph.sparql.queries import run_named
from policykg.graph.sparql.store import MemoryStore, OxigraphStore, Store, cell_text, load_oxigraph
from policykg.ontology import ID, ORG, PKG

DEPARTMENT = ID["org/office"]
JIAXING, HUZHOU = ID["place/jiaxing"], ID["place/huzhou"]


def project(graph, name: str, year: str, yuan: str, **links: URIRef) -> URIRef:  # type: ignore[no-untyped-def]
    node = ID[f"project/{year}-{len(list(graph.subjects(RDF.type, PKG.Project)))}"]
    graph.add((node, RDF.type, PKG.Project))
    graph.add((node, RDFS.label, Literal(name, lang="zh")))
    graph.add((node, PKG.fiscalYear, Literal(year, datatype=XSD.gYear)))
    graph.add((node, PKG.annualFunds, Literal(Decimal(yuan), datatype=XSD.decimal)))
    graph.add((node, PKG.department, DEPARTMENT))
    graph.add((DEPARTMENT, RDF.type, ORG.Organization))
    graph.add((DEPARTMENT, RDFS.label, Literal("上海市松江区科创发展办公室", lang="zh")))
    for prop, target in links.items():
        graph.add((node, PKG[prop], target))
    return node


def indicator(graph, owner: URIRef, name: str, target: str) -> None:  # type: ignore[no-untyped-def]
    node = URIRef(f"{owner}/indicator/1")
    graph.add((owner, PKG.hasIndicator, node))
    graph.add((node, RDFS.label, Literal(name, lang="zh")))
    graph.add((node, PKG.targetText, Literal(target, lang="zh")))
    graph.add((node, PKG.sourceLine, Literal(1)))


def place(graph, node: URIRef, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    graph.add((node, RDF.type, PKG.Place))
    graph.add((node, RDFS.label, Literal(zh, lang="zh")))
    graph.add((node, RDFS.label, Literal(en, lang="en")))


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dataset = Dataset(default_union=True)
    g2022, g2024, g2025 = (dataset.graph(ID[f"source/{y}"]) for y in ("2022", "2024", "2025"))
    first = project(g2022, "宣传与推广", "2022", "700000")
    indicator(g2022, first, "邀请一定数量主流媒体", "=50家")
    parent = project(g2024, "G60科创走廊建设", "2024", "0")
    second = project(g2024, "宣传推广", "2024", "200000", partOf=parent, continues=first, mentionsPlace=JIAXING)
    g2024.add((second, PKG.mentionsPlace, HUZHOU))
    place(g2024, JIAXING, "嘉兴市", "Jiaxing")
    place(g2024, HUZHOU, "湖州市", "Huzhou")
    third = project(g2025, "宣传阵地建设", "2025", "250000", continues=second, mentionsPlace=JIAXING)
    indicator(g2025, third, "宣传阵地数量", "≥1个")
    place(g2025, JIAXING, "嘉兴市", "Jiaxing")
    project(g2025, "展示馆运维费", "2025", "1680000")
    out = tmp_path_factory.mktemp("handmade")
    write_graph(dataset, out)
    return out


def opened(engine: str, out: Path) -> Iterator[Store]:
    """The graph written into ``out``, in rdflib (``memory``) or loaded into an Oxigraph store."""
    if engine == "memory":
        yield MemoryStore.open(out / "graph.ttl")
    else:
        load_oxigraph(out / "graph.trig", out / "store").close()
        with OxigraphStore(out / "store") as oxigraph:
            yield oxigraph


@pytest.fixture(params=["memory", "oxigraph"], scope="module")
def store(request: pytest.FixtureRequest, handmade: Path) -> Iterator[Store]:
    yield from opened(request.param, handmade)


def rows(store: Store, name: str, **params: str) -> list[tuple[str, ...]]:
    return [tuple(cell_text(c) for c in row) for row in run_named(store, name, params).rows]


LINEAGE = [
    ("2022", "宣传与推广", "上海市松江区科创发展办公室", "700000", "", ""),
    ("2024", "宣传推广", "上海市松江区科创发展办公室", "200000", "宣传与推广", "2022"),
    ("2025", "宣传阵地建设", "上海市松江区科创发展办公室", "250000", "宣传推广", "2024"),
]


@pytest.mark.parametrize("start", ["宣传与推广", "宣传推广", "宣传阵地建设"])
def test_lineage_from_any_year(store: Store, start: str) -> None:
    assert rows(store, "project-lineage", project=start) == LINEAGE


def test_a_project_without_links_has_no_lineage(store: Store) -> None:
    assert rows(store, "project-lineage", project="展示馆运维费") == []
    assert rows(store, "project-lineage", project="宣传阵地建设", year="2024") == []  # the name is a 2025 project


def test_targets_follow_the_lineage(store: Store) -> None:
    found = [(r[0], r[1], r[4], r[5]) for r in rows(store, "indicator-targets-by-year", programme="宣传阵地建设")]
    assert found == [("2022", "宣传与推广", "邀请一定数量主流媒体", "=50家"), ("2025", "宣传阵地建设", "宣传阵地数量", "≥1个")]


def test_projects_by_place(store: Store) -> None:
    assert rows(store, "projects-by-place", place="嘉兴") == [
        ("嘉兴市", "2024", "宣传推广", "上海市松江区科创发展办公室", "200000"),
        ("嘉兴市", "2025", "宣传阵地建设", "上海市松江区科创发展办公室", "250000"),
    ]
    assert [r[0] for r in rows(store, "projects-by-place")] == ["嘉兴市", "嘉兴市", "湖州市"]


@pytest.fixture(params=["memory", "oxigraph"], scope="module")
def merged(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Two programmes merged: 2024 宣传阵地建设 continues both 2023 宣传推广 (which continues 2022 宣传与推广) and
    2023 媒体合作 (which continues 2022 媒体宣传); 2025 阵地运维 continues 2024 宣传阵地建设."""
    dataset = Dataset(default_union=True)
    g = dataset.graph(ID["source/merged"])
    publicity = project(g, "宣传与推广", "2022", "700000")
    press = project(g, "媒体宣传", "2022", "300000")
    publicity_2023 = project(g, "宣传推广", "2023", "200000", continues=publicity)
    press_2023 = project(g, "媒体合作", "2023", "300000", continues=press)
    joined = project(g, "宣传阵地建设", "2024", "500000", continues=publicity_2023)
    g.add((joined, PKG.continues, press_2023))
    indicator(g, press, "媒体报道数量", "≥10篇")
    indicator(g, joined, "宣传阵地数量", "≥1个")
    project(g, "阵地运维", "2025", "400000", continues=joined)
    out = tmp_path_factory.mktemp("merged")
    write_graph(dataset, out)
    yield from opened(request.param, out)


def test_lineage_follows_predecessors_and_successors_not_other_branches(merged: Store) -> None:
    """From 2022 宣传与推广 the line goes forward through the merge; the other programme merged into it
    (媒体宣传, 媒体合作) is not its history. From the merged project back, both programmes are."""
    forward = [(r[0], r[1], r[4]) for r in rows(merged, "project-lineage", project="宣传与推广")]
    assert forward == [("2022", "宣传与推广", ""), ("2023", "宣传推广", "宣传与推广"),
                       ("2024", "宣传阵地建设", "媒体合作"), ("2024", "宣传阵地建设", "宣传推广"),  # what it continues
                       ("2025", "阵地运维", "宣传阵地建设")]
    back = {(r[0], r[1]) for r in rows(merged, "project-lineage", project="宣传阵地建设")}
    assert back == {("2022", "宣传与推广"), ("2022", "媒体宣传"), ("2023", "宣传推广"), ("2023", "媒体合作"),
                    ("2024", "宣传阵地建设"), ("2025", "阵地运维")}


def test_targets_follow_predecessors_and_successors_not_other_branches(merged: Store) -> None:
    assert [(r[1], r[4]) for r in rows(merged, "indicator-targets-by-year", programme="宣传与推广")] == [
        ("宣传阵地建设", "宣传阵地数量")]
    assert [(r[1], r[4]) for r in rows(merged, "indicator-targets-by-year", programme="阵地运维")] == [
        ("媒体宣传", "媒体报道数量"), ("宣传阵地建设", "宣传阵地数量")]


def policy(graph, key: str, title: str, number: str | None = None) -> URIRef:  # type: ignore[no-untyped-def]
    node = ID[f"policy/{key}"]
    graph.add((node, RDF.type, PKG.PolicyDocument))
    graph.add((node, DCTERMS.title, Literal(title)))
    if number:
        graph.add((node, PKG.docNumber, Literal(number)))
    return node


@pytest.fixture(params=["memory", "oxigraph"], scope="module")
def cited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Three policy documents: 《若干意见》 沪财预〔2022〕45号 (issued by 上海市财政局) cited by two projects and the
    立项依据 of one of them; 《管理办法》 沪财预〔2022〕46号 the 立项依据 of a third project that cites nothing;
    《建设方案》 (no 文号) cited by nobody."""
    dataset = Dataset(default_union=True)
    g = dataset.graph(ID["source/cited"])
    opinions = policy(g, "opinions", "关于加强财政科技投入管理的若干意见", "沪财预〔2022〕45号")
    finance = ID["org/finance"]
    g.add((opinions, PKG.issuer, finance))
    g.add((finance, RDFS.label, Literal("上海市财政局", lang="zh")))
    measures = policy(g, "measures", "财政科技项目管理办法", "沪财预〔2022〕46号")
    policy(g, "plan", "长三角G60科创走廊建设方案")
    project(g, "科技成果转化", "2023", "500000", cites=opinions, justifiedBy=opinions)
    project(g, "产学研合作", "2023", "300000", cites=opinions)
    project(g, "科技项目评审", "2023", "200000", justifiedBy=measures)
    out = tmp_path_factory.mktemp("cited")
    write_graph(dataset, out)
    yield from opened(request.param, out)


def test_policy_search_counts_the_citing_projects_and_those_it_is_the_legal_basis_of(cited: Store) -> None:
    assert rows(cited, "policy-search", policy="沪财预〔2022〕") == [
        ("关于加强财政科技投入管理的若干意见", "沪财预〔2022〕45号", "上海市财政局", "2", "1"),
        ("财政科技项目管理办法", "沪财预〔2022〕46号", "", "0", "1")]
    assert rows(cited, "policy-search", policy="建设方案") == [("长三角G60科创走廊建设方案", "", "", "0", "0")]
    assert rows(cited, "policy-search", policy="通知") == []
