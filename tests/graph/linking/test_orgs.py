"""One node per organization: aliases as skos:altLabel, budget units and divisions as sub-organizations.

Expected values are read from the seed documents (file and line given with each test).
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from policykg.graph.linking.orgs import OrgIndex, canonical_org
from policykg.graph.rdf.iris import org_iri
from tests.graph.records import rows


@pytest.mark.parametrize(("written", "name"), [
    ("区科委", "上海市松江区科学技术委员会"),  # 004 line 376, in the 区科委's own declaration
    ("上海市松江区科学技术委员会(本级)", "上海市松江区科学技术委员会"),  # 004 line 13, budget unit heading
    ("上交所", "上海证券交易所"),  # 002 line 170; 000 line 80 names 上海证券交易所
    ("G60联席办", "G60科创走廊联席会议办公室"),  # 002 line 37; 002 line 342 names the office
    ("区科创发展办", "上海市松江区科创发展办公室"),  # 002 line 37; 002 line 1
    ("市科委", "上海市科学技术委员会"),  # 004 line 1726
    ("区科技创服务中心", "上海市松江区科技创新服务中心"),  # 004 line 5094, 新 missing as written
])
def test_short_names_are_the_organization(written: str, name: str) -> None:
    assert canonical_org(written) == name


def test_budget_units_are_units_of_the_commission(seed_graph: Graph) -> None:
    # 004 lines 8-13: 本部门 3 个预算单位: 科学技术委员会(本级), 科技创新服务中心 (line 4068), 科技馆 (line 5617).
    found = rows(seed_graph, """
        SELECT DISTINCT ?unit WHERE { ?u org:subOrganizationOf ?d . ?d rdfs:label "上海市松江区科学技术委员会"@zh .
                                      ?u rdfs:label ?unit ; a org:Organization . ?p pkg:budgetUnit ?u
                                      FILTER(lang(?unit) = "zh") }""")
    assert sorted(str(u) for (u,) in found) == ["上海市松江区科技创新服务中心", "上海市松江区科技馆"]


def test_commission_node_keeps_every_name_used(seed_graph: Graph) -> None:
    commission = org_iri("上海市松江区科学技术委员会")
    labels = {str(x) for x in seed_graph.objects(commission, None) if isinstance(x, Literal)}
    assert {"上海市松江区科学技术委员会", "上海市松江区科学技术委员会(本级)", "上海市松江区科学技术委员会(本部)",
            "区科委", "松江区科委"} <= labels


@pytest.mark.parametrize(("project", "division", "parent"), [
    ("手机信号检测", "信息化推进科", "上海市松江区科学技术委员会"),  # 004 line 19, 实施主体 信息化推进科
    ("软课题项目", "科技发展科", "上海市松江区科学技术委员会"),  # 004 line 609
    ("项目推进及社保卡宣传活动", "社保卡服务部", "上海市松江区科技创新服务中心"),  # 004 line 4074
    ("宣传阵地建设", "宣传组", "上海市松江区科创发展办公室"),  # 002 line 37: 区科创发展办（G60 联席办）宣传组
    ("产业要素对接", "产业组", "上海市松江区科创发展办公室"),  # 002 line 929: 区科创发展办(G60联席办产业组）
])
def test_divisions_are_sub_organizations_of_the_unit(seed_graph: Graph, project: str, division: str, parent: str) -> None:
    found = rows(seed_graph, f"""
        SELECT ?name ?parent WHERE {{ ?p rdfs:label "{project}"@zh ; pkg:division ?d . ?d rdfs:label ?name ;
                                      a org:OrganizationalUnit ; org:subOrganizationOf/rdfs:label ?parent
                                      FILTER(lang(?parent) = "zh") }}""")
    assert [(str(n), str(p)) for n, p in found] == [(division, parent)]


def test_all_groups_means_the_office_itself(seed_graph: Graph) -> None:
    # 002 line 489: 重大活动经费项目实施主体：区科创发展办（G60 联席办各组）
    found = rows(seed_graph, """
        SELECT ?name WHERE { ?p rdfs:label "重大活动经费"@zh ; pkg:division/rdfs:label ?name FILTER(lang(?name) = "zh") }""")
    assert [str(n) for (n,) in found] == ["上海市松江区科创发展办公室"]


def test_joint_office_is_linked(seed_graph: Graph) -> None:
    # 002 line 168: 区科创发展办与长三角 G60 联席办合署办公
    assert (org_iri("上海市松江区科创发展办公室"), org_iri("G60科创走廊联席会议办公室")) in set(
        seed_graph.subject_objects(_ORG_LINKED))


def test_division_written_as_the_unit_is_the_unit() -> None:
    index = OrgIndex()
    index.add("上海市松江区科技馆")
    assert index.division_of("上海市松江区科技馆", "上海市松江区科技馆") is None  # 004 line 5672
    assert index.division_of("区科创发展办综合组", "上海市松江区科创发展办公室").name == "综合组"  # 002 line 179


_ORG_LINKED = __import__("rdflib").URIRef("http://www.w3.org/ns/org#linkedTo")
