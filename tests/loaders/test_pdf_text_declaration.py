"""A declaration as PDF text extraction writes it, read by the general reader.

The document is invented in the shape of the Shanghai district declarations (the template of seeds 000, 002
and 004): a title and 绩效目标设置情况 summary, then per project a 项目经费情况说明 narrative followed by its
财政项目支出绩效目标申报表. PDF text wraps every table cell at its column width: a merged cell's label is
printed one character a line (绩 / 效 / 指 / 标), labels and names run over two lines (项目名 / 称,
某县文化和 / 旅游局), a level label is cut (满意度指 / 标), a name cell wraps (… / 活动场次). Expected values
are read off the text below.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from policykg import loaders
from policykg.loaders import Document

DECLARATION = """某县文化和旅游局 2024 年财政支出项目绩效目标申报表

绩效目标设置情况

本部门 1个预算单位开展了 2024 年项目预算绩效目标编报工作，编报绩效目标的项目 1个，

涉及项目预算资金 30.00 万元。

项目经费情况说明 1

一、项目概述

“全民阅读”项目包含两个二级项目。（一）“社区图书角”项目。主要实施内容为：在

十个社区建设图书角。（二）“阅读推广”项目。主要实施内容为：开展阅读活动。

二、立项依据

《某县全民阅读促进办法》（某政办〔2023〕12号）。

三、实施主体

公共服务科负责项目实施。

六、年度预算安排

该项目年度财政资金预算安排金额 30 万元。其中，“社区图书角”项目预计 20 万元；

“阅读推广”项目预计 10 万元。

七、绩效目标

详见单位的项目绩效目标表

财政项目支出绩效目标申报表 1

（2024 年度）

项目名

称

全民阅读 项目类别 经常性项目

主管部门

某县文化和

旅游局

实施单位 某县图书馆

计划开始日期 2024-01-01 计划完成日期 2024-12-31

项目资金

（元）

项目资金总额 300,000.00 年度资金申请总额 300,000.00

项

目

绩

效

目

标

项目总目标 年度总体目标

建成社区图书角十个，开展阅读活动十二场。

一级指标 二级指标 三级指标 年度(/项目)指标值

绩

效

指

标

产出指标 数量指标 新建图书角数量 ≥10 个

开展社区居民阅读推广

活动场次

≥12 场

满意度指

标

服务对象满意度

指标

读者满意度 ≥90%
"""


@pytest.fixture(scope="module")
def declaration(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("pdf") / "declaration.txt"
    path.write_text(DECLARATION, encoding="utf-8")
    return loaders.load(path)


def test_the_project_and_its_sub_projects_from_the_narrative(declaration: Document) -> None:
    assert declaration.layout == "form"
    assert declaration.declared_total is not None and declaration.declared_total.yuan == Decimal("300000")
    assert [(p.name, p.parent) for p in declaration.projects] == [
        ("全民阅读", None), ("社区图书角", "全民阅读"), ("阅读推广", "全民阅读")]
    parent, corner, reading = declaration.projects
    assert corner.funds.annual is not None and corner.funds.annual.yuan == Decimal("200000")
    assert reading.funds.annual is not None and reading.funds.annual.yuan == Decimal("100000")
    assert [c.doc_number for c in parent.citations if c.legal_basis] == ["某政办〔2023〕12号"]


def test_labels_and_values_wrapped_over_lines_are_read_whole(declaration: Document) -> None:
    parent = declaration.projects[0]
    assert parent.line == 39  # its 项目名 / 称 label
    assert parent.department == "某县文化和旅游局"
    assert parent.implementing_unit == "某县图书馆"
    assert parent.category == "经常性项目"
    assert parent.funds.total is not None and parent.funds.total.yuan == Decimal("300000")
    assert (str(parent.start_date), str(parent.end_date)) == ("2024-01-01", "2024-12-31")


def test_the_indicator_table_is_read_line_by_line(declaration: Document) -> None:
    rows = [(i.level1, i.level2, i.name, i.target.text if i.target else None)  # spaces beside CJK dropped
            for i in declaration.projects[0].indicators]
    assert rows == [
        ("产出指标", "数量指标", "新建图书角数量", "≥10个"),
        ("产出指标", "数量指标", "开展社区居民阅读推广活动场次", "≥12场"),
        ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%"),
    ]


def test_the_vertical_labels_and_wrapped_pieces_are_structure_not_unexplained(declaration: Document) -> None:
    unexplained = {f.line: f.text for f in declaration.findings if f.kind == "unexplained"}
    lines = DECLARATION.split("\n")
    for n in (41, 49, 57):  # 称 of 项目名称, 旅游局 of the department, （元） of 项目资金
        assert n not in unexplained, (n, lines[n - 1])
    vertical = [n for n, text in enumerate(lines, start=1) if text in tuple("项目绩效指标")]
    assert vertical and not set(vertical) & set(unexplained)
