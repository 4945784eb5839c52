"""What the views choose to draw, read against the documents (no browser here; see test_browser.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from policykg.graph.answers.describe import describe, find_nodes
from policykg.graph.cli import app
from policykg.graph.errors import QueryError
from policykg.graph.views import html as views
from policykg.graph.views.select import View
from policykg.ontology import ID, PKG
from tests.conftest import SEEDS
from tests.graph import handmade

DEPARTMENTS = {"上海市松江区长三角G60科创走廊创新研究中心", "上海市松江区科创发展办公室", "上海市松江区科学技术委员会"}
HIGH_TECH_POLICY = "松江区关于加快推进G60科创走廊高新技术企业发展的若干政策"  # 沪松府规〔2019〕23号, 004 line 1619


def labels(view: View, kind: str) -> list[str]:
    return sorted(n.label for n in view.nodes if n.kind == kind)


def node(view: View, label: str, year: str | None = None) -> views.ViewNode:
    (found,) = [n for n in view.nodes if n.label == label and (year is None or n.year == year)]
    return found


def test_overview_draws_top_level_projects_shared_policies_and_departments(seed_graph: Graph) -> None:
    view = views.make_view(seed_graph)
    # seeds/README.md: top-level projects 2022: 2 (003), 2023: 1 (000) + 14 (004), 2024: 1 (001), 2025: 10 (002)
    projects = [n for n in view.nodes if n.kind == "project"]
    assert len(projects) == 28
    assert "高新技术企业认定专项补贴项目" not in labels(view, "project")  # a sub-project of 科技创新创业 (004 line 1604)
    assert set(labels(view, "organization")) == DEPARTMENTS
    # 《长三角G60科创走廊建设方案》 is in the 立项依据 of G60科创走廊建设 2023 (000 line 88) and of 二级项目 of 2024 (001 line 15)
    plan = node(view, "长三角G60科创走廊建设方案")
    targets = {(n.label, n.year) for e in view.edges if e.source == plan.id for n in view.nodes if n.id == e.target}
    assert {("G60科创走廊建设", "2023"), ("G60科创走廊建设", "2024")} <= targets
    # a policy cited by one project only is named in that project's tooltip instead of being drawn
    assert HIGH_TECH_POLICY not in labels(view, "policy")
    assert HIGH_TECH_POLICY in node(view, "科技创新创业").tooltip
    assert "28 top-level projects" in view.description and "tooltip" in view.description


def test_overview_of_one_year(seed_graph: Graph) -> None:
    view = views.make_view(seed_graph, year="2025")
    assert len(labels(view, "project")) == 10  # 002 declares ten projects for 2025
    assert {n.year for n in view.nodes if n.kind == "project"} == {"2025"}
    assert labels(view, "organization") == ["上海市松江区科创发展办公室"]


@pytest.mark.parametrize("spec", ["沪松府规〔2019〕23号", "沪松府规[2019]23号", "沪松府规(2019)23号", " 沪松府规〔2019〕23 号"])
def test_focus_by_docnumber_in_any_bracket_style(seed_graph: Graph, spec: str) -> None:
    (found,) = find_nodes(seed_graph, spec)
    assert describe(seed_graph, found).splitlines()[0] == f"《{HIGH_TECH_POLICY}》 沪松府规〔2019〕23号"


def test_focus_on_a_policy_by_depth(seed_graph: Graph) -> None:
    # 004 lines 1604-1619: 高新技术企业认定专项补贴项目, a sub-project of 科技创新创业 run by 区科委, cites in its
    # 立项依据 沪府发〔2018〕40号 and 沪松府规〔2019〕23号; 沪松府规 is issued by 上海市松江区人民政府 (文号 prefix table)
    one = views.make_view(seed_graph, focus_on="沪松府规〔2019〕23号")
    assert sorted((n.kind, n.label) for n in one.nodes) == [
        ("organization", "上海市松江区人民政府"), ("policy", HIGH_TECH_POLICY), ("project", "高新技术企业认定专项补贴项目")]
    two = views.make_view(seed_graph, focus_on="沪松府规〔2019〕23号", depth=2)
    # The project's text names 上海市 (line 1621, 上海市高新技术企业培育库), 长三角 and 松江 (line 1629).
    assert sorted((n.kind, n.label) for n in two.nodes) == sorted([
        ("organization", "上海市松江区人民政府"), ("organization", "上海市松江区科学技术委员会"),
        ("place", "上海市"), ("place", "松江区"), ("place", "长江三角洲"),
        ("policy", "上海市人民政府关于加快本市高新技术企业发展的若干意见"), ("policy", HIGH_TECH_POLICY),
        ("project", "高新技术企业认定专项补贴项目"), ("project", "科技创新创业")])
    assert "the 9 nodes within 2 link(s)" in two.description


def test_focus_on_a_project_shows_its_indicators(seed_graph: Graph) -> None:
    view = views.make_view(seed_graph, focus_on="宣传与推广", year="2022")
    project = node(view, "宣传与推广")
    indicators = [n for n in view.nodes if n.kind == "indicator"]
    assert len(indicators) == len(set(seed_graph.objects(URIRef(project.id), PKG.hasIndicator))) > 0
    assert all(any(e.source == project.id and e.target == i.id for e in view.edges) for i in indicators)
    # 003 line 65: 质量指标 | 完成一定数量深度报道 | =3篇 | >3篇 | 10 | 10 | 无
    (report,) = [i for i in indicators if i.label == "完成一定数量深度报道"]
    for fact in ("target 指标值: =3篇", "actual 实际完成值: >3篇", "score 得分: 10", "003_9ccbaafc82c3a09f.txt line 65"):
        assert fact in report.tooltip


def test_focus_with_year_keeps_that_year(seed_graph: Graph) -> None:
    view = views.make_view(seed_graph, focus_on="G60科创走廊建设", year="2024")
    assert {n.year for n in view.nodes if n.kind == "project"} == {"2024"}
    # 001: G60科创走廊建设 (2024) has six 二级项目
    assert len(labels(view, "project")) == 7


def test_focus_errors_say_what_to_do(seed_graph: Graph) -> None:
    with pytest.raises(QueryError, match="nothing matches 'no such project'.*a 文号 such as"):
        find_nodes(seed_graph, "no such project")
    with pytest.raises(QueryError, match="'项目' matches \\d+ nodes .* use a longer part of the name, --year, or an IRI"):
        find_nodes(seed_graph, "项目")
    with pytest.raises(QueryError, match="no project / policy / organization / place with this IRI"):
        find_nodes(seed_graph, str(ID["project/none"]))


def test_lineage_follows_continues_and_part_of() -> None:
    graph = handmade.programme()
    view = views.make_view(graph, lineage_of="G60走廊建设")
    assert sorted((n.label, n.year, n.level) for n in view.nodes) == [
        ("G60科创走廊协同建设", "2024", 4),  # renamed, reached through pkg:continues only
        ("G60走廊建设", "2022", 0), ("G60走廊建设", "2023", 2),
        ("政策研究", "2023", 3), ("金融赋能", "2023", 3),
    ]
    years = {n.id: n.year for n in view.nodes}
    continued = sorted((years[e.source], years[e.target]) for e in view.edges if e.relation.startswith("continued"))
    assert continued == [("2022", "2023"), ("2023", "2024")]  # drawn earlier -> later
    assert view.hierarchical and "2 pkg:continues link(s)" in view.description


def test_lineage_of_the_seeds_follows_continues(seed_graph: Graph) -> None:
    view = views.make_view(seed_graph, lineage_of="G60科创走廊建设")
    # 003 (2022), 000 (2023, four 二级项目), 001 (2024, six 二级项目) and, continuing them, 002 (2025):
    # 宣传阵地建设 keeps the publicity work of 2024 宣传推广 (G60 微信公众号、网站运维, 002 lines 17-19).
    assert {n.year for n in view.nodes} == {"2022", "2023", "2024", "2025"}
    assert ("2025", "宣传阵地建设") in {(n.year, n.label) for n in view.nodes}
    assert "pkg:continues link(s)" in view.description


def test_tooltip_facts_in_wan_with_sources() -> None:
    graph = handmade.programme()
    text = describe(graph, ID["project/2023-g60-a"])
    assert "annual request 年度资金申请总额: 150.00 万元" in text
    assert "part of 上级项目: G60走廊建设" in text
    assert "budget lines 预算安排 (1): 课题研究 150.00 万元" in text
    assert "justified by 立项依据 (1): 《长三角G60科创走廊建设方案》 国科发规〔2020〕287号" in text
    assert text.endswith("source: handmade.txt line 30")


def test_node_size_grows_with_money() -> None:
    view = views.make_view(handmade.programme(), lineage_of="G60走廊建设")
    sizes = {(n.label, n.year): n.size for n in view.nodes}
    assert sizes[("G60科创走廊协同建设", "2024")] == 60  # the largest, 300 万
    assert sizes[("G60走廊建设", "2022")] < sizes[("G60走廊建设", "2023")] < sizes[("G60科创走廊协同建设", "2024")]


def test_page_is_offline_escaped_and_deterministic() -> None:
    graph = handmade.hostile()
    view = views.make_view(graph, focus_on="沪松府规〔2019〕23号")
    page = views.render_view(view)
    assert page == views.render_view(view)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?https?:|@import""", page)
    assert "new TomSelect" in page and "vis.Network" in page
    for name in (handmade.SCRIPT_NAME, handmade.IMG_NAME, handmade.LINK_TITLE):
        assert name not in page  # never raw: escaped in markup, \u003c-escaped in the JSON
        assert html.escape(name) in page  # the menu lists it as text


def test_iframe_is_isolated() -> None:
    frame = views.iframe_html("<p title=\"x\">a&b</p>")
    assert '<iframe srcdoc="&lt;p title=&quot;x&quot;&gt;a&amp;b&lt;/p&gt;" sandbox="allow-scripts"' in frame
    assert "allow-same-origin" not in frame


def test_cli_view_focus_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    graph = str(tmp_path / "graph.ttl")
    result = runner.invoke(app, ["view", "--graph", graph, "--out", str(tmp_path / "f.html"), "--focus", "沪松府规〔2019〕23号",
                                 "--depth", "2"])
    assert result.exit_code == 0, result.output
    assert "(9 nodes)" in result.stdout  # as in test_focus_on_a_policy_by_depth
    assert 'data-node-count="9"' in (tmp_path / "f.html").read_text(encoding="utf-8")
    result = runner.invoke(app, ["view", "--graph", graph, "--out", str(tmp_path / "x.html"), "--focus", "no such thing"])
    assert result.exit_code == 2
    assert "error: nothing matches 'no such thing'" in result.stderr
