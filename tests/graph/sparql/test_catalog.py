"""The named query catalog on the seeds: every query runs, gives the documents' numbers, and both stores agree.

Expected values are read from the seed documents (file and line in the comments), never from the program.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from policykg.graph.errors import QueryError
from policykg.graph.sparql import queries
from policykg.graph.sparql.bindings import variables, with_values
from policykg.graph.sparql.store import MemoryStore, OxigraphStore, Store, Table, cell_text
from tests.conftest import SEEDS

REQUIRED = {"policy": "建设方案", "programme": "G60科创走廊建设", "project": "G60科创走廊建设"}
CATALOG = [q.name for q in queries.catalog()]


def text_rows(table: Table) -> list[tuple[str, ...]]:
    return [tuple(cell_text(c) for c in row) for row in table.rows]


def answer(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    table = queries.run_named(store, name, params)
    return [dict(zip(table.columns, row, strict=True)) for row in text_rows(table)]


@pytest.fixture(params=["memory", "oxigraph"])
def any_store(request: pytest.FixtureRequest, memory_store: MemoryStore, oxigraph_store: OxigraphStore) -> Store:
    return memory_store if request.param == "memory" else oxigraph_store


def test_the_catalog_answers_the_researchers_questions() -> None:
    assert {"policy-projects-money", "policy-money-by-year", "policy-search", "policies-by-issuer", "project-lineage",
            "indicator-targets-by-year", "target-vs-actual", "money-by-department", "organization-units",
            "projects-by-place", "policies-cited-not-legal-basis"} <= set(CATALOG)


@pytest.mark.parametrize("name", CATALOG)
def test_every_query_has_a_header_and_declares_its_parameters(name: str) -> None:
    query = queries.resolve(name)
    assert query.title != name and query.description
    assert {p.name for p in query.parameters} == variables(query.text)
    assert "PREFIX" in query.text  # Oxigraph ignores prefixes bound in Python: each query carries its own


@pytest.mark.parametrize("name", CATALOG)
def test_both_stores_give_the_same_answer(name: str, memory_store: MemoryStore, oxigraph_store: OxigraphStore,
                                          oxigraph_union_store: OxigraphStore) -> None:
    query = queries.resolve(name)
    params = {p.name: REQUIRED[p.name] for p in query.parameters if not p.optional}
    embedded = queries.run_named(memory_store, query, params)
    for on_disk in (queries.run_named(oxigraph_store, query, params), queries.run_named(oxigraph_union_store, query, params)):
        assert embedded.columns == on_disk.columns
        assert text_rows(embedded) == text_rows(on_disk)  # same rows in the same order


def test_a_policy_justifies_a_project_and_its_money(any_store: Store) -> None:
    # 004 line 1604: 4、高新技术企业认定专项补贴项目（13000 万）, sub-project of 科技创新创业;
    # line 1619: its 立项依据 cites 《松江区关于加快推进G60科创走廊高新技术企业发展的若干政策》（沪松府规〔2019〕23 号）.
    assert answer(any_store, "policy-projects-money", policy="沪松府规〔2019〕23号") == [{
        "policy": "松江区关于加快推进G60科创走廊高新技术企业发展的若干政策", "docNumber": "沪松府规〔2019〕23号",
        "project": "高新技术企业认定专项补贴项目", "parent": "科技创新创业", "year": "2023",
        "yuan": "130000000", "wan": "13000"}]


def test_sub_projects_of_a_justified_project_are_listed(any_store: Store) -> None:
    # 000 line 86 ff.: the 立项依据 of G60科创走廊建设 (530 万, line 285) cites 《长三角G60科创走廊建设方案》;
    # its four 二级项目 receive the money: 政策研究 200 万, 要素对接 180 万, 创新合作 100 万, 金融赋能 50 万.
    rows = answer(any_store, "policy-projects-money", policy="建设方案", year="2023")
    g60 = {r["project"]: r["yuan"] for r in rows if r["parent"] == "G60科创走廊建设"}
    assert g60 == {"政策研究": "2000000", "要素对接": "1800000", "创新合作": "1000000", "金融赋能": "500000"}
    assert {"project": "G60科创走廊建设", "parent": "", "yuan": "5300000"}.items() <= rows[0].items()


def test_money_a_policy_justifies_per_year_counts_each_yuan_once(any_store: Store) -> None:
    # 《长三角G60科创走廊建设方案》 in a 立项依据:
    # 2023: 000 G60科创走廊建设 5,300,000 (its sub-projects are inside it) + 004 科技馆 科普工作 2,000,000 (line 5635);
    # 2024: 001 政策研究 2,000,000 (l. 38), 产业研究 800,000 (l. 128), 金融赋能 500,000 (l. 180),
    #       宣传推广 200,000 (l. 226), 创新合作 800,000 (l. 277) — 要素对接 (735,000) cites it nowhere in its 立项依据;
    # 2025: 002 产业要素对接 330,000, 优化营商环境 120,000, 宣传阵地建设 250,000, 科创云平台 828,000, 科创要素对接 700,000.
    rows = answer(any_store, "policy-money-by-year", policy="国科发规〔2020〕287号")
    assert [(r["year"], r["projects"], r["yuan"]) for r in rows] == [
        ("2023", "2", "7300000"), ("2024", "5", "4300000"), ("2025", "5", "2228000"), ("all years", "12", "13828000")]
    assert {r["policy"] for r in rows} == {"长三角G60科创走廊建设方案"}


def test_policy_search_finds_a_short_form(any_store: Store) -> None:
    # 002 line 25 calls it 《建设方案》; line 1132 gives the 文号 （国科发规〔2020〕287号）.
    (row,) = answer(any_store, "policy-search", policy="建设方案")
    assert (row["policy"], row["docNumber"], row["issuer"]) == ("长三角G60科创走廊建设方案", "国科发规〔2020〕287号", "科学技术部")


def test_target_against_actual_with_scores(any_store: Store) -> None:
    # 003 line 63: 邀请一定数量主流媒体	=50家	>50家	5	5	无
    rows = answer(any_store, "target-vs-actual", project="宣传与推广")
    media = [r for r in rows if r["indicator"] == "邀请一定数量主流媒体"]
    assert media == [{"year": "2022", "project": "宣传与推广", "level1": "产出指标", "indicator": "邀请一定数量主流媒体",
                      "target": "=50家", "actual": ">50家", "weight": "5", "score": "5", "lost": "0",
                      "deviationNote": "无"}]
    assert sum(Decimal(r["weight"]) for r in rows) == 90  # 003: 90 of the 100 points are indicators, 10 are money


def test_indicator_targets_over_the_years(any_store: Store) -> None:
    rows = answer(any_store, "indicator-targets-by-year", programme="G60科创走廊建设")
    assert {r["year"] for r in rows} == {"2022", "2023", "2024"}
    found = {(r["year"], r["project"], r["indicator"], r["target"], r["comparator"], r["value"], r["unit"]) for r in rows}
    assert ("2022", "G60科创走廊建设", "推动产业链实质性合作和项目落地", ">=20次", "≥", "20", "次") in found  # 003 line 29
    assert ("2023", "G60科创走廊建设", "留学生专场招聘会", "=2场", "=", "2", "场") in found  # 000 line 656
    assert ("2024", "产业研究", "完成课题报告数量", "≥5.00(篇)", "≥", "5", "篇") in found  # 001 line 134 (a sub-project)


def test_money_by_department_unit_and_year(any_store: Store) -> None:
    rows = {(r["department"], r["unit"], r["year"], r["measure"]): (r["projects"], r["yuan"])
            for r in answer(any_store, "money-by-department")}
    office = "上海市松江区科创发展办公室"
    # 003 lines 8 and 54: 全年执行数 7,862,478.04 and 467,294.2
    assert rows[(office, office, "2022", "全年执行数 executed")] == ("2", "8329772.24")
    centre = "上海市松江区长三角G60科创走廊创新研究中心"
    # 001 lines 38, 81, 128, 180, 226, 277: 2,000,000 + 735,000 + 800,000 + 500,000 + 200,000 + 800,000
    assert rows[(centre, centre, "2024", "年度资金申请总额 annual request")] == ("6", "5035000")
    # 004 line 5688 ff.: 科普工作 of 上海市松江区科技馆, 项目资金总额 2000000
    assert rows[("上海市松江区科学技术委员会", "上海市松江区科技馆", "2023", "年度资金申请总额 annual request")] == ("1", "2000000")


def test_organizations_and_their_units(any_store: Store) -> None:
    rows = answer(any_store, "organization-units", organization="科学技术委员会")
    # 004, 三、实施主体 of six projects names 科技发展科 (lines 633, 741, 1559, 1641, 1718, 3596)
    assert {"organization": "上海市松江区科学技术委员会", "unit": "科技发展科", "projects": "6"} in rows
    assert {r["organization"] for r in rows} == {"上海市松江区科学技术委员会"}


def test_policies_by_issuer(any_store: Store) -> None:
    text = re.sub(r"\s", "", "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    written = {f"{m[1]}〔{m[2]}〕{m[3]}号" for m in re.finditer(r"(沪松府规?)[〔\[【﹝](20\d\d)[〕\]】﹞](\d+)号", text)}
    rows = answer(any_store, "policies-by-issuer", issuer="上海市松江区人民政府")
    district = {r["docNumber"] for r in rows if r["issuer"] == "上海市松江区人民政府"}
    assert district == written and len(written) == 6


def test_policies_cited_but_never_as_legal_basis(any_store: Store) -> None:
    rows = answer(any_store, "policies-cited-not-legal-basis")
    titles = {r["policy"] for r in rows}
    assert "长三角G60科创走廊联合攻关行动方案" in titles  # 002 line 1676, in a goal, not in a 立项依据
    assert "长三角G60科创走廊建设方案" not in titles


def test_hostile_parameter_stays_a_literal(any_store: Store) -> None:
    assert answer(any_store, "policy-projects-money", policy='"} UNION { ?s ?p ?o } #') == []
    assert answer(any_store, "policy-search", policy="\\u0022} UNION { ?s ?p ?o } #") == []


def test_parameters_are_checked_before_running(memory_store: MemoryStore) -> None:
    with pytest.raises(QueryError, match=r"query policy-search needs --param policy=VALUE \(文号, title"):
        queries.run_named(memory_store, "policy-search", {})
    with pytest.raises(QueryError, match=r"query policy-money-by-year has no parameter yaer \(its parameters: policy\)"):
        queries.run_named(memory_store, "policy-money-by-year", {"yaer": "2023"})
    with pytest.raises(QueryError, match="parameter year: '23' is not a year"):
        queries.run_named(memory_store, "policy-projects-money", {"year": "23"})


def test_an_ad_hoc_query_binds_its_underscore_variables(memory_store: MemoryStore) -> None:
    text = ("PREFIX pkg: <https://w3id.org/policykg#> SELECT (COUNT(?p) AS ?n) "
            "WHERE { ?p pkg:fiscalYear ?y FILTER(STR(?y) = ?_year) }")
    assert text_rows(queries.run_named(memory_store, text, {"year": "2025"})) == [("10",)]  # 002: ten projects


# audit-findings as one would first write it: each evidence side one OPTIONAL joined to the findings.
_PLAIN_SIDES = """
  OPTIONAL {
    ?f pkg:hasEvidence ?a .
    ?a pkg:evidenceOrder 1 ; rdfs:label ?labelA ; pkg:statedValue ?valueA ; prov:wasDerivedFrom ?srcA .
    ?srcA pkg:fileName ?fileA .
    OPTIONAL { ?a pkg:sourceLine ?a1 }
  }
  OPTIONAL {
    ?f pkg:hasEvidence ?b .
    ?b pkg:evidenceOrder 2 ; rdfs:label ?labelB ; pkg:statedValue ?valueB ; prov:wasDerivedFrom ?srcB .
    ?srcB pkg:fileName ?fileB .
    OPTIONAL { ?b pkg:sourceLine ?b1 }
  }
"""


@pytest.mark.parametrize("params", [{}, {"rule": "names.section-label"}, {"project": "产业要素对接"},
                                    {"rule": "names.section-label", "project": "产业要素对接"}])
def test_audit_findings_sides_are_those_of_the_plain_join(any_store: Store, params: dict[str, str]) -> None:
    """The catalog reads each side of the evidence in a sub-SELECT narrowed by the parameters (fast on
    Oxigraph); its rows must be those of the plain OPTIONAL join, with and without parameters."""
    query = queries.resolve("audit-findings")
    start, end = query.text.index("  # Each side of the evidence"), query.text.index("  BIND(IF(?fileA")
    plain = query.text[:start] + _PLAIN_SIDES + query.text[end:]
    bound = queries.bind_params(query, params)
    expected = text_rows(any_store.select(with_values(plain, bound) if bound else plain))
    assert expected  # the seeds have such findings: the comparison is not of two empty answers
    assert text_rows(queries.run_named(any_store, "audit-findings", params)) == expected
