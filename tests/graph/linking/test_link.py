"""One node per real policy document: merges by 文号, title, title+文号, short forms; issuer and year.

Expected values are read from the seed documents (file and line given with each test).
"""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import XSD

from policykg.graph.linking.link import docnumber_key, link_policies, title_key
from tests.graph.records import citations, document, project, rows


def test_construction_plan_its_number_and_short_form_are_one_node(seed_graph: Graph) -> None:
    # 《长三角G60科创走廊建设方案》: bare in 000 line 88, 001 line 15, 002 line 23; with （国科发规〔2020〕287号）
    # in 002 line 1132; as 《建设方案》 in 002 line 25 right after the full title at line 23.
    found = rows(seed_graph, """
        SELECT DISTINCT ?doc ?number WHERE { ?doc dcterms:title "长三角G60科创走廊建设方案"@zh ; pkg:docNumber ?number ;
                                                  skos:altLabel "建设方案"@zh }""")
    assert [str(n) for _, n in found] == ["国科发规〔2020〕287号"]
    short_nodes = rows(seed_graph, """SELECT ?doc WHERE { ?doc a pkg:PolicyDocument ; rdfs:label "建设方案"@zh }""")
    assert short_nodes == []
    cited_by_publicity = rows(seed_graph, """
        SELECT DISTINCT ?doc WHERE { ?p rdfs:label "宣传阵地建设"@zh ; pkg:hasCitation/pkg:citedDocument ?doc }""")
    assert cited_by_publicity == [(found[0][0],)]


def test_short_form_of_the_manufacturing_plan_resolves_in_its_project() -> None:
    # 001 line 134 (产业研究, 年度总体目标): 《上海市推动制造业高质量发展三年行动计划(2023-2025年)》 … 《计划》要求…
    text = ("上海市政府发布《上海市推动制造业高质量发展三年行动计划(2023-2025年)》,为未来三年上海制造业高质量发展"
            "提出了任务书和路线图。《计划》要求打造世界级产业集群")
    cites = citations(text, 134)
    assert [c.title for c in cites] == ["上海市推动制造业高质量发展三年行动计划(2023-2025年)", "计划"]
    doc = document("001.txt", 2024, project("产业研究", 2024, cites=cites))
    index = link_policies([doc])
    full, short = (index.node_of(c, doc) for c in cites)
    assert full is short
    assert full.title == "上海市推动制造业高质量发展三年行动计划(2023-2025年)"
    assert full.alt_labels == ["计划"]


def test_unresolved_generic_short_form_is_not_merged_across_documents() -> None:
    a = document("a.txt", 2024, project("甲", 2024, cites=citations("按照《计划》要求")))
    b = document("b.txt", 2024, project("乙", 2024, cites=citations("根据《计划》安排")))
    index = link_policies([a, b])
    node_a = index.node_of(a.projects[0].citations[0], a)
    node_b = index.node_of(b.projects[0].citations[0], b)
    assert node_a is not node_b


def test_short_form_across_documents_when_only_one_title_fits() -> None:
    a = document("a.txt", 2023, project("甲", 2023, cites=citations("落实《长三角G60科创走廊建设方案》")))
    b = document("b.txt", 2025, project("乙", 2025, cites=citations("《建设方案》指出")))
    index = link_policies([a, b])
    assert index.node_of(b.projects[0].citations[0], b) is index.node_of(a.projects[0].citations[0], a)


def test_title_written_with_other_quotes_spaces_and_brackets_is_one_node(seed_graph: Graph) -> None:
    # 002 line 1410 (2023-2025年) and line 1543 （2023-2025年） name the same 行动方案.
    found = rows(seed_graph, """
        SELECT DISTINCT ?doc WHERE { ?doc a pkg:PolicyDocument ; rdfs:label|skos:altLabel ?t
                                     FILTER(CONTAINS(STR(?t), "持续优化营商环境行动方案")) }""")
    assert len(found) == 1
    assert title_key("国家“十四五”规划和 2035 远景目标纲要") == title_key('国家"十四五"规划和2035远景目标纲要')
    assert title_key("行动方案（2023—2025年）") == title_key("行动方案(2023-2025年)")


def test_fourteenth_plan_outline_variants_are_the_official_document() -> None:
    # 002 lines 1126 and 1600 cite the outline by its popular title; policy_aliases.tsv gives the official one.
    official = "中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
    a = document("a.txt", 2025, project("甲", 2025, cites=citations("《国家“十四五”规划和 2035 远景目标纲要》")))
    b = document("b.txt", 2025, project("乙", 2025, cites=citations(f"《{official}》")))
    index = link_policies([a, b])
    node = index.node_of(a.projects[0].citations[0], a)
    assert node is index.node_of(b.projects[0].citations[0], b)
    assert node.title == official


def test_document_number_with_a_leading_zero_is_the_same_number() -> None:
    # 004 line 35 writes 松委督〔2021〕034号; GB/T 9704-2012 writes sequence numbers without leading zeros.
    assert docnumber_key("松委督〔2021〕034号") == "松委督〔2021〕34号"
    a = document("a.txt", 2023, project("甲", 2023, cites=citations("松委督〔2021〕034号")))
    b = document("b.txt", 2023, project("乙", 2023, cites=citations("松委督〔2021〕34号")))
    index = link_policies([a, b])
    assert index.node_of(a.projects[0].citations[0], a) is index.node_of(b.projects[0].citations[0], b)


def test_a_number_in_round_brackets_is_the_same_number_and_keeps_its_spelling() -> None:
    # 文号 brackets are 〔〕; a form that types round ones cites the same document
    a = document("a.txt", 2025, project("甲", 2025, cites=citations("根据鲁财科教(2024)67号文件")))
    b = document("b.txt", 2025, project("乙", 2025, cites=citations("根据鲁财科教〔2024〕67号文件")))
    c = document("c.txt", 2025, project("丙", 2025, cites=citations("根据鲁财科教(2024)67号文件")))
    index = link_policies([a, b, c])
    node = index.node_of(a.projects[0].citations[0], a)
    assert node is index.node_of(b.projects[0].citations[0], b)
    assert node.doc_number == "鲁财科教(2024)67号"  # the spelling two of the three citations use
    assert docnumber_key(node.doc_number) == "鲁财科教〔2024〕67号"


def test_titles_one_year_apart_stay_apart() -> None:
    a = document("a.txt", 2023, project("甲", 2023, cites=citations(
        "《2021年度创新型产业集群统计报表》和《2022年度创新型产业集群统计报表》")))
    index = link_policies([a])
    first, second = (index.node_of(c, a) for c in a.projects[0].citations)
    assert first is not second


def test_issuer_and_year_from_the_document_number(seed_graph: Graph) -> None:
    # 004 line 1617: 《松江区关于加快推进G60科创走廊高新技术企业发展的若干政策》（沪松府规〔2019〕23号）;
    # 沪松府规 is the 上海市松江区人民政府 (loaders/data/docnumber_prefixes.tsv).
    found = rows(seed_graph, """
        SELECT ?issuer ?en ?year WHERE { ?doc pkg:docNumber "沪松府规〔2019〕23号" ; dcterms:issued ?year ;
            pkg:issuer ?o . ?o a org:Organization ; rdfs:label ?issuer , ?en
            FILTER(lang(?issuer) = "zh" && lang(?en) = "en") }""")
    assert found == [(Literal("上海市松江区人民政府", lang="zh"), Literal("Songjiang District People's Government", lang="en"),
                      Literal("2019", datatype=XSD.gYear))]


def test_issuer_named_in_the_title_when_there_is_no_number(seed_graph: Graph) -> None:
    # 004 line 1883: 《国务院关于深化“互联网+先进制造业”发展工业互联网的指导意见》, no 文号.
    found = rows(seed_graph, """
        SELECT ?issuer WHERE { ?doc dcterms:title ?t ; pkg:issuer/rdfs:label ?issuer
            FILTER(STRSTARTS(STR(?t), "国务院关于深化") && lang(?issuer) = "zh") }""")
    assert [str(i) for (i,) in found] == ["国务院"]


def test_revised_draft_title_and_its_one_character_variant(seed_graph: Graph) -> None:
    # 004 line 382: 《松江区关于全面推行法律顾问制度的实施意见(修订稿)》（松委发〔2021〕12号）;
    # 004 line 415, same project: 《松江区关于全面推进法律顾问制度的实施意见(修订稿)》 (推进 for 推行).
    found = rows(seed_graph, """
        SELECT ?title ?alt ?q WHERE { ?doc pkg:docNumber "松委发〔2021〕12号" ; dcterms:title ?title ;
                                      skos:altLabel ?alt ; pkg:titleQualifier ?q }""")
    assert [(str(t), str(a), str(q)) for t, a, q in found] == [
        ("松江区关于全面推行法律顾问制度的实施意见(修订稿)", "松江区关于全面推进法律顾问制度的实施意见(修订稿)", "修订稿")]
