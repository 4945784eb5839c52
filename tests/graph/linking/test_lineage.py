"""Lineage 2022-2025: which project continues which, read from the seeds.

Expected links, from reading the documents:
- 2022 G60科创走廊建设 (003) -> 2023 G60科创走廊建设 (000): same name; the 2023 form repeats the 2022 targets
  (双创债 50家, 金融支持15+1条, 科创板培训体系) -> 2024 G60科创走廊建设 (001, the parent of six 二级项目).
- 2023 sub-projects 政策研究, 要素对接, 创新合作, 金融赋能 (000) -> the 2024 二级项目 of the same name (001):
  same department, 政策研究 200万 both years, 创新合作 goes from the 第二届 to the 第三届 "创赢未来" contest.
- 2022 宣传与推广 (003) -> 2024 宣传推广 (001): no publicity project in 2023.
- 2024 宣传推广 (001) -> 2025 宣传阵地建设 (002): both quote the 建设方案's publicity goal
  (营造全社会关注支持推动G60科创走廊建设的浓厚氛围); the department changes to the 科创发展办公室.
- 2024 要素对接 (001) -> 2025 产业要素对接 and 科创要素对接 (002): a split.
- New: 2024 产业研究 (七大战新产业发展评估报告; 2023's research money stays with 政策研究), 2025 派驻干部费用
  and G60日常办公经费 (no earlier document has them).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal

from policykg.graph.linking.lineage import THRESHOLD, Lineage, compute_lineage, core_name, name_similarity
from policykg.loaders import Document
from policykg.ontology import PKG
from tests.graph.records import document, indicator, project, rows

EXPECTED = {
    ((2023, "G60科创走廊建设"), (2022, "G60科创走廊建设")),
    ((2024, "G60科创走廊建设"), (2023, "G60科创走廊建设")),
    ((2024, "政策研究"), (2023, "政策研究")),
    ((2024, "要素对接"), (2023, "要素对接")),
    ((2024, "创新合作"), (2023, "创新合作")),
    ((2024, "金融赋能"), (2023, "金融赋能")),
    ((2024, "宣传推广"), (2022, "宣传与推广")),
    ((2025, "宣传阵地建设"), (2024, "宣传推广")),
    ((2025, "产业要素对接"), (2024, "要素对接")),
    ((2025, "科创要素对接"), (2024, "要素对接")),
}


@pytest.fixture(scope="module")
def seed_lineage(documents: dict[str, Document]) -> Lineage:
    return compute_lineage(documents.values())


def test_links_of_the_g60_projects(seed_lineage: Lineage) -> None:
    g60 = {link for link in seed_lineage.links if not link.successor.file_name.startswith("004")}
    found = {((x.successor.fiscal_year, x.successor.name), (x.predecessor.fiscal_year, x.predecessor.name)) for x in g60}
    assert found == EXPECTED


def test_new_projects_have_no_predecessor(seed_lineage: Lineage) -> None:
    unmatched = {(r.fiscal_year, r.name) for r in seed_lineage.unmatched}
    assert {(2024, "产业研究"), (2025, "派驻干部费用"), (2025, "G60日常办公经费")} <= unmatched
    assert not {(2024, "金融赋能"), (2025, "宣传阵地建设")} & unmatched


def test_sub_projects_follow_their_parent(seed_lineage: Lineage) -> None:
    # 2023 金融赋能 has no link of its own; its parent 2023 G60科创走廊建设 continues the 2022 project.
    # 2024 产业研究 is new, in a project (2024 G60科创走廊建设) that continues.
    assert {(2023, "金融赋能"), (2024, "产业研究")} <= {(r.fiscal_year, r.name) for r in seed_lineage.via_parent}


def test_links_carry_score_and_evidence(seed_lineage: Lineage) -> None:
    (link,) = [x for x in seed_lineage.links if x.successor.name == "宣传推广"]
    assert link.predecessor.fiscal_year == 2022
    assert THRESHOLD <= link.score <= 1
    assert "name similarity 1.00: 宣传与推广 -> 宣传推广" in link.evidence
    assert "2 years apart: no match in the years between" in link.evidence
    assert any("department changed" in e for e in link.evidence)


def test_lineage_is_deterministic(documents: dict[str, Document]) -> None:
    assert compute_lineage(documents.values()).links == compute_lineage(reversed(list(documents.values()))).links


def test_generic_words_do_not_count() -> None:
    assert core_name("宣传与推广") == core_name("宣传推广") == "宣传推广"
    assert core_name("G60日常办公经费") == "G60日常办公"
    assert name_similarity("宣传阵地建设", "宣传推广") < 0.5
    assert name_similarity("产业要素对接", "要素对接") >= 0.85


def test_nearest_year_with_a_match_and_no_spurious_link() -> None:
    publicity = "做好G60微信公众号、官方网站运营维护，营造全社会关注支持推动G60科创走廊建设的浓厚氛围"
    y2022 = document("y2022.txt", 2022, project("宣传与推广", 2022, overview=publicity, yuan=700000),
                     project("派驻干部费用", 2022, overview="对八城市派驻干部予以生活补助", yuan=1418000))
    y2023 = document("y2023.txt", 2023, project("科普活动项目", 2023, overview="开展青少年科技创新、科普讲解活动",
                                                 yuan=500000, department="上海市松江区科学技术委员会"))
    y2024 = document("y2024.txt", 2024, project("宣传推广", 2024, overview=publicity, yuan=200000),
                     project("优化营商环境", 2024, overview="推进九城市一网通办", yuan=120000))
    lineage = compute_lineage([y2022, y2023, y2024])
    found = {(x.successor.name, x.predecessor.fiscal_year, x.predecessor.name) for x in lineage.links}
    assert found == {("宣传推广", 2022, "宣传与推广")}
    assert {(r.fiscal_year, r.name) for r in lineage.unmatched} == {(2023, "科普活动项目"), (2024, "优化营商环境")}


def test_merge_of_two_earlier_projects() -> None:
    goal = "举办长三角G60科创走廊科技成果拍卖会，推进跨区域创新协同"
    y2024 = document("y2024.txt", 2024,
                     project("科创要素对接", 2024, overview=goal, yuan=350000,
                             indicators=(indicator("会议次数", "≥10次", "10", "次"),)),
                     project("产业要素对接", 2024, overview=goal, yuan=350000,
                             indicators=(indicator("会议次数", "≥10次", "10", "次"),)))
    y2025 = document("y2025.txt", 2025, project("要素对接", 2025, overview=goal, yuan=700000,
                                                 indicators=(indicator("会议次数", "≥20次", "20", "次"),)))
    lineage = compute_lineage([y2024, y2025])
    assert sorted(x.predecessor.name for x in lineage.links) == ["产业要素对接", "科创要素对接"]


def test_the_same_office_of_another_place_is_no_predecessor() -> None:
    goal = "开展违法建筑治理能力培训，提升基层执法水平"
    here, there = "某市甲区城市管理行政执法局", "某市乙区城市管理行政执法局"
    y2024 = document("y2024.txt", 2024, project("执法能力提升", 2024, overview=goal, yuan=800000, department=there),
                     department=there)
    y2025 = document("y2025.txt", 2025, project("执法能力提升", 2025, overview=goal, yuan=900000, department=here),
                     department=here)
    assert list(compute_lineage([y2024, y2025]).links) == []
    same = document("y2024b.txt", 2024, project("执法能力提升", 2024, overview=goal, yuan=800000, department=here),
                    department=here)
    assert [x.predecessor.file_name for x in compute_lineage([same, y2025]).links] == ["y2024b.txt"]


def test_rdf_links_in_the_derived_graph(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?score WHERE { ?later rdfs:label "金融赋能"@zh ; pkg:fiscalYear "2024"^^xsd:gYear ;
                                     pkg:continues ?earlier .
                              ?earlier rdfs:label "金融赋能"@zh ; pkg:fiscalYear "2023"^^xsd:gYear .
                              ?link a pkg:LineageLink ; pkg:successor ?later ; pkg:predecessor ?earlier ;
                                    pkg:linkScore ?score ; pkg:evidence ?why }""".replace(
        "SELECT", "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT"))
    assert found and all(THRESHOLD <= s.toPython() <= Decimal(1) for (s,) in found)
    new = rows(seed_graph, """SELECT ?p WHERE { ?p rdfs:label "派驻干部费用"@zh ; pkg:noPredecessor true }""")
    assert len(new) == 1
    # nothing earlier than 2022 is in the corpus: a 2022 project is not said to have no predecessor
    first = rows(seed_graph, """SELECT ?p WHERE { ?p rdfs:label "宣传与推广"@zh ; pkg:noPredecessor ?x }""")
    assert first == []
    assert (None, PKG.noPredecessor, Literal(False)) not in seed_graph


_SCORES = """
import sys
from policykg.graph.linking import lineage
from policykg.loaders import load, source_files
docs = [load(str(f)) for f in source_files([sys.argv[1]])]
profiles = lineage._profiles(docs)
scorer = lineage._Scorer(profiles, lineage.index_organizations(docs))
for later in profiles:
    for earlier in profiles:
        if earlier.ref.fiscal_year < later.ref.fiscal_year:
            print(later.serial, earlier.serial, repr(scorer.value(later, earlier)))
"""


def test_pair_scores_do_not_depend_on_the_hash_seed() -> None:
    """Unrounded scores of every earlier/later pair of the seeds, in two interpreters whose set orders differ:
    sums over sets of phrases and terms must not depend on the order the set gives them in."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, SEEDS

    answers = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", _SCORES, str(SEEDS)], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}, timeout=600)
        assert done.returncode == 0, done.stderr
        answers.append(done.stdout)
    assert answers[0].count("\n") > 1000  # every pair of five documents across years
    assert answers[0] == answers[1]
