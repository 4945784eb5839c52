"""What OCR and PDF text exports do to a form's cells, read as the printed form has them.

- Labels garbled by OCR or split over cells (``頁 目名称``, ``三管部门``, ``项 | 目名称``, ``主管 |  |``) are
  matched against ``form_labels.tsv`` with one slip tolerated, and reported as ``doubtful``;
  cells that are values are never taken for labels.
- A merged 一级 / 二级 cell whose label the export prints half-way down its rows, and a name cell wrapped
  onto a row of its own, are read as the printed table has them.
- Goals laid out as columns (预期目标 | 实际完成情况 heads, one text cell under each) go to their columns.

The label cells are those of OCR'd Songjiang declarations (seed 001, lines 35-41 and 78-82); the forms are
invented in the shape of the national templates. Expected values are read off the text.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from policykg import loaders
from policykg.loaders import form
from policykg.loaders.labels import row_labels, slipped_label
from policykg.loaders.readers import read_grid


@pytest.mark.parametrize(("cell", "field"), [
    ("頁 目名称", "name"),        # one character replaced
    ("三管部门", "department"),
    ("川开始日期", "start"),      # the label's first characters lost, one garbled one left
    ("开始日期", "start"),
    ("其中: 当年财", "appropriation"),  # cut after more than half
])
def test_a_garbled_label_is_read_as_the_one_field_it_can_be(cell: str, field: str) -> None:
    label = slipped_label(cell)
    assert label is not None and label.field == field


@pytest.mark.parametrize("cell", ["其他运转类", "政策研究", "2024-01-01", "项目", "计划", "名称", "年度", "预算",
                                  "上海市松江区", "项目实施"])
def test_values_and_ambiguous_pieces_are_no_label(cell: str) -> None:
    assert slipped_label(cell, cut=False) is None
    assert slipped_label(cell) is None or cell == "项目实施"  # 项目实施 is the head of 项目实施单位 only


@pytest.mark.parametrize(("cells", "expected"), [
    (["项", "目名称", "要素对接"], [(0, 2, "name", True)]),
    (["项目", "目名称", "宣传推广"], [(0, 2, "name", False)]),
    (["主行", "管部门", "某中心"], [(0, 2, "department", False)]),
    (["", "", "项目资金总额", "735, 000. 00", "年度资金申请", "总额", "735, 000. 00"],
     [(2, 3, "total", True), (4, 6, "annual", True)]),
    (["项", "目资金", "", "", "其中: 当年财", "攻拨款", "735, 000. 00"],
     [(0, 2, "money_block", True), (4, 6, "appropriation", False)]),
    (["主管", "", "某中心"], [(0, 1, "department", False)]),  # the rest of the label was lost with its cell
    (["主管", "某中心"], []),  # ... but not where a value follows at once
    (["计划", "开始日期", "2024-01-01", "计划完成日期", "", "2024-12-31"], [(0, 2, "start", True), (3, 4, "end", True)]),
])
def test_row_labels_join_split_cells(cells: list[str], expected: list[tuple[int, int, str, bool]]) -> None:
    assert [(f.first, f.last, f.label.field, f.exact) for f in row_labels(cells)] == expected


def _glued(tmp_path: Path, text: str) -> loaders.Document:
    path = tmp_path / "glued.txt"
    path.write_text("项目支出绩效目标申报表\n" + text + "\n", encoding="utf-8")
    return form.load(read_grid(path))


def test_header_labels_are_matched_in_traditional_script_and_the_values_kept_as_written(tmp_path: Path) -> None:
    doc = _glued(tmp_path, "項目名稱社區圖書角建設主管部門某縣文化和旅遊局實施單位某縣圖書館項目資金(萬元)年度資金總額20")
    (project,) = doc.projects
    assert project.name == "社區圖書角建設"
    assert project.department == "某縣文化和旅遊局"
    assert project.implementing_unit == "某縣圖書館"
    assert project.funds.annual is not None and project.funds.annual.yuan == Decimal("200000")  # 20 万元


def test_project_before_a_label_ends_the_value_before_it(tmp_path: Path) -> None:
    (project,) = _glued(tmp_path, "项目名称社区图书角项目类别经常性项目主管部门某县文化和旅游局").projects
    assert project.category == "经常性项目"
    assert project.department == "某县文化和旅游局"


OCR_FORM = """项目支出绩效目标申报表
（2024年度）
頁 目名称\t社区图书角建设\t项目性质\t其他经常性项目
三管部门\t某县文化和旅游局\t实施单位\t某县 图书馆
\t项目资金总额\t2, 000, 000. 00\t年度资金申请\t总额\t2, 000, 000. 00
瓦 目资金\t其中:财政资金\t2, 000, 000. 00\t其中: 当年财\t攻拨款\t2, 000, 000. 00
\t(元)\t上年结转资金\t0\t其他资金\t0
一级指标\t二级指标\t三级指标\t年度指标值
\t\t新建图书角数量\t≥10个
\t数量指标\t配送图书册数\t≥5000册
\t\t开展阅读活动场次\t≥12场
产出指标\t\t图书验收合格率\t100%
\t质量指标\t图书角建成后通过县文化和旅游局组织的验收并投入\t100%
\t\t使用\t
\t\t建成时限\t≤6个月
效益指标\t社会效益指标\t居民借阅人次\t≥3000人次
满意度指标\t服务对象满意度指标\t读者满意度\t≥90%
"""


@pytest.fixture
def ocr_form(tmp_path: Path) -> loaders.Document:
    path = tmp_path / "form.txt"
    path.write_text(OCR_FORM, encoding="utf-8")
    return loaders.load(path)


def test_an_ocr_form_is_read_with_its_slips_reported(ocr_form: loaders.Document) -> None:
    (project,) = ocr_form.projects
    assert project.name == "社区图书角建设"
    assert project.department == "某县文化和旅游局"
    assert project.implementing_unit == "某县图书馆"  # the space OCR put inside the name is not kept
    assert project.funds.total is not None and project.funds.total.yuan == Decimal("2000000")
    assert project.funds.annual is not None and project.funds.annual.yuan == Decimal("2000000")
    assert project.funds.appropriation is not None and project.funds.appropriation.yuan == Decimal("2000000")
    doubtful = {f.text for f in ocr_form.findings if f.kind == "doubtful"}
    assert {"頁 目名称", "三管部门", "瓦 目资金"} <= doubtful
    assert not any("年度资金申请" in t for t in doubtful)  # a label split over two cells is no slip


def test_levels_printed_half_way_down_their_merged_cells(ocr_form: loaders.Document) -> None:
    (project,) = ocr_form.projects
    levels = {i.name: (i.level1, i.level2) for i in project.indicators}
    assert levels["新建图书角数量"] == ("产出指标", "数量指标")
    assert levels["配送图书册数"] == ("产出指标", "数量指标")
    assert levels["开展阅读活动场次"] == ("产出指标", "数量指标")
    assert levels["图书验收合格率"] == ("产出指标", "数量指标")  # 产出指标 printed on its row: 数量指标 goes on
    assert levels["建成时限"] == ("产出指标", "质量指标")
    assert levels["居民借阅人次"] == ("效益指标", "社会效益指标")
    assert levels["读者满意度"] == ("满意度指标", "服务对象满意度指标")


def test_a_wrapped_name_cell_is_one_indicator(ocr_form: loaders.Document) -> None:
    (project,) = ocr_form.projects
    names = [i.name for i in project.indicators]
    assert "图书角建成后通过县文化和旅游局组织的验收并投入使用" in names
    assert "使用" not in names
    assert len(names) == 8


SELF_EVALUATION = """项目支出绩效自评表
（2023年度）
项目名称\t社区图书角建设
主管部门\t某县文化和旅游局\t实施单位\t某县图书馆
年度总体目标\t预期目标\t\t实际完成情况
\t<p>新建图书角10个，配送图书5000册。</p>\t\t<p>新建图书角10个，配送图书5200册。</p>
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出指标\t数量指标\t新建图书角数量\t≥10个\t10个\t10\t10\t无
"""


def test_goals_in_columns_go_to_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "self.txt"
    path.write_text(SELF_EVALUATION, encoding="utf-8")
    (project,) = loaders.load(path).projects
    assert project.annual_goal == "新建图书角10个,配送图书5000册。"  # NFKC, the page's <p> tags left out
    assert project.achieved == "新建图书角10个,配送图书5200册。"


# The body of an OCR'd declaration's 绩效指标 table, cut into cells as a tab-separated export has them: the vertical
# 绩效指标 cell comes out one or two characters per row (绩, 效 指, 标), a level label is cut (产出指) or spaced
# (经济成本指 标), a row holds OCR debris left of the name, one row has a target but no name.
TABLE = [
    (10, ["", "成本指标", "经济成本指 标", "图书采购成本", "≤50000.00(元)"]),
    (11, ["绩", "产出指", "数量指标", "新建图书角数量", "≥10.00(个)"]),
    (12, ["效 指", "标", "质量指标", "图书验收合格率", "=100.00(%)"]),
    (13, ["标", "", "双里泪", "图书角开放时长", "≥40.00(小时/周)"]),
    (14, ["", "效益指 标", "社会效益指标", "居民借阅人次", "≥3000.00(人次)"]),
    (15, ["", "", "", "", "≥1.00(次)"]),
    (16, ["", "满意度 指标", "服务对象满意度指标", "读者满意度", "≥90.00(%)"]),
]


def test_an_ocr_indicator_table_reads_as_printed() -> None:
    indicators, read, _ = form.read_indicator_rows(TABLE, "table.txt")
    assert [(i.name, i.level1, i.level2, i.target.text if i.target else None, i.line) for i in indicators] == [
        ("图书采购成本", "成本指标", "经济成本指标", "≤50000.00(元)", 10),
        ("新建图书角数量", "产出指标", "数量指标", "≥10.00(个)", 11),
        ("图书验收合格率", "产出指标", "质量指标", "=100.00(%)", 12),
        ("图书角开放时长", "产出指标", "质量指标", "≥40.00(小时/周)", 13),
        ("居民借阅人次", "效益指标", "社会效益指标", "≥3000.00(人次)", 14),
        ("读者满意度", "满意度指标", "服务对象满意度指标", "≥90.00(%)", 16),
    ]
    assert read >= {10, 11, 12, 13, 14, 16}
    assert not any("双里泪" in str(i) for i in indicators)  # the debris is not read into any record


TWO_FORMS_WITH_NARRATIVES = """项目经费情况说明1
一、项目概述
“图书角”项目主要实施内容为：在社区建设图书角。
六、年度预算安排
该项目年度财政资金预算安排金额 20 万元。
\t财政项目支出绩效目标申报表 1
项目名称\t社区图书角建设\t主管部门\t某县文化和旅游局
年度资金申请总额\t200000
\t一级指标\t二级指标\t三级指标\t\t年度\t(/项目)指标值\t
\t产出指标\t数量指标\t新建图书角数量\t≥10个
一、项目概述
“阅读推广”项目，主要实施内容为：开展阅读活动 12 场，服务居民 3000 人次。
六、年度预算安排
该项目年度财政资金预算安排金额 5 万元。
\t财政项目支出绩效目标申报表 2
项目名称\t阅读推广\t主管部门\t某县文化和旅游局
年度资金申请总额\t50000
\t一级指标\t二级指标\t三级指标\t年度指标值
\t产出指标\t数量指标\t开展阅读活动场次\t≥12场
"""


def test_a_narrative_between_two_forms_is_no_indicator_row_and_a_cut_head_is_one_head(tmp_path: Path) -> None:
    path = tmp_path / "two.txt"
    path.write_text(TWO_FORMS_WITH_NARRATIVES, encoding="utf-8")
    doc = form.load(read_grid(path))
    first, second = doc.projects
    # 年度 | (/项目)指标值 is the target head cut over two cells, not a row; the next narrative ends the table
    assert [(i.name, i.target.text if i.target else None) for i in first.indicators] == [("新建图书角数量", "≥10个")]
    assert [i.name for i in second.indicators] == ["开展阅读活动场次"]
