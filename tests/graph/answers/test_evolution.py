"""`evolution`: the timeline of a project with department, money and indicator targets, read from the seeds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph

from policykg.graph.answers.evolution import evolution, timeline_dict
from policykg.graph.errors import QueryError


def test_finance_timeline_raises_the_bond_target(seed_graph: Graph) -> None:
    # 2022 (003, G60科创走廊建设): 积极推动双创债发行，力争九城市累计发行双创债企业达到50家； >=50家
    # 2023 (000, on the parent G60科创走廊建设, which 金融赋能 is part of): the same indicator, target 完成
    # 2024 (001 line 176, 金融赋能): 九城市累计发行双创债企业数量 ≥100.00(家)
    timeline = evolution(seed_graph, "金融赋能")
    assert [(e.year, e.name) for e in timeline.entries] == [
        (2022, "G60科创走廊建设"), (2023, "金融赋能"), (2024, "金融赋能")]
    assert [e.amount for e in timeline.entries] == [Decimal("10580000"), Decimal("500000"), Decimal("500000")]
    assert timeline.entries[1].via_parent == "G60科创走廊建设"
    bonds = [c for c in timeline.changes if "双创债" in c.after.name]
    assert [(c.before_year, c.after_year, c.before.target.value, c.after.target.value, c.direction) for c in bonds] == [
        (2022, 2023, Decimal(50), Decimal(50), "unchanged"), (2023, 2024, Decimal(50), Decimal(100), "raised")]
    assert bonds[1].after.name == "九城市累计发行双创债企业数量"
    assert str(bonds[1].after.target) == "≥100家"
    assert bonds[1].before.target.from_name and bonds[1].before.inherited


def test_publicity_timeline_across_departments(seed_graph: Graph) -> None:
    timeline = evolution(seed_graph, "宣传阵地建设")
    assert [(e.year, e.name, e.department, e.amount) for e in timeline.entries] == [
        (2022, "宣传与推广", "上海市松江区科创发展办公室", Decimal("700000")),  # 003 line 54, 年初预算数
        (2024, "宣传推广", "上海市松江区长三角G60科创走廊创新研究中心", Decimal("200000")),  # 001
        (2025, "宣传阵地建设", "上海市松江区科创发展办公室", Decimal("250000")),  # 002 line 80
    ]
    assert timeline_dict(timeline)["entries"][2]["yuan"] == "250000"


def test_unknown_project_names_similar_ones(seed_graph: Graph) -> None:
    with pytest.raises(QueryError, match="no project named '宣传推广工作' in the graph; similar names: ") as error:
        evolution(seed_graph, "宣传推广工作")
    assert {"宣传与推广", "宣传推广"} <= set(str(error.value).split(": ", 1)[1].split(", "))
