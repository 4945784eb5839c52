"""Rows real exports write, read alike whatever separates the cells: merged level cells labelled below
their first row, the money block headed 万元 with the 执行率 / 分值 / 得分 of its money row, 其中：当年财政拨款,
and table header text inside the rows.

The form below is invented in the shape of the national 项目支出绩效自评表; expected values are read off it.
Tab-separated or pipe-separated, the general form reader reads it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from policykg import loaders

FORM = """项目支出绩效自评表
（2023年度）
项目名称\t社区图书角建设
主管部门\t某县文化和旅游局\t实施单位\t某县图书馆
项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额\t20\t20\t18\t10\t90%\t9
\t其中：当年财政拨款\t20\t20\t18\t—\t\t—
\t上年结转资金\t0\t0\t0\t—\t\t—
\t其他资金\t0\t0\t0\t—\t\t—
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
\t\t新建图书角数量\t≥10个\t10个\t10\t10\t无
\t\t配送图书册数\t≥5000册\t5200册\t10\t10\t无
产出指标\t数量指标\t开展阅读活动场次\t≥12场\t12场\t10\t10\t无
\t质量指标\t图书验收合格率\t100%\t100%\t10\t10\t无
效益指标\t社会效益指标\t居民借阅人次\t≥3000人次\t实际完成值 分值 得分\t10\t8\t统计口径调整
满意度指标\t服务对象满意度指标\t读者满意度\t≥90%\t93%\t10\t10\t无
总分\t\t\t\t\t70\t68\t
"""


SEPARATORS = {"tabs": "\t", "pipes": " | "}


@pytest.fixture(params=sorted(SEPARATORS))
def separator(request: pytest.FixtureRequest) -> str:
    return SEPARATORS[request.param]


def _project(tmp_path: Path, separator: str) -> loaders.Document:
    path = tmp_path / "form.txt"
    path.write_text(FORM.replace("\t", separator), encoding="utf-8")
    return loaders.load(path)


def test_rows_above_a_merged_label_take_it(tmp_path: Path, separator: str) -> None:
    (project,) = _project(tmp_path, separator).projects
    levels = {i.name: (i.level1, i.level2) for i in project.indicators}
    assert levels["新建图书角数量"] == ("产出指标", "数量指标")
    assert levels["配送图书册数"] == ("产出指标", "数量指标")
    assert levels["开展阅读活动场次"] == ("产出指标", "数量指标")
    assert levels["图书验收合格率"] == ("产出指标", "质量指标")


def test_the_money_row_gives_rate_weight_and_score(tmp_path: Path, separator: str) -> None:
    (project,) = _project(tmp_path, separator).projects
    funds = project.funds
    assert (funds.execution_rate, funds.weight, funds.score) == (Decimal("0.9"), Decimal(10), Decimal(9))
    assert funds.executed is not None and funds.executed.yuan == Decimal(180000)
    assert funds.appropriation is not None and funds.appropriation.yuan == Decimal(200000)
    assert funds.fiscal is None  # 当年财政拨款 is the appropriation of the year, as in the seeds


def test_header_text_in_a_cell_is_no_value_and_is_reported(tmp_path: Path, separator: str) -> None:
    document = _project(tmp_path, separator)
    (project,) = document.projects
    borrowed = next(i for i in project.indicators if i.name == "居民借阅人次")
    assert borrowed.target is not None and borrowed.target.text == "≥3000人次"
    assert borrowed.actual is None or "实际完成值" not in borrowed.actual.text
    assert any("header text" in f.message and f.line == 15 for f in document.findings)
    assert [i.name for i in project.indicators].count("读者满意度") == 1


def test_a_cut_form_on_a_saved_page_ends_at_the_site_furniture(tmp_path: Path, separator: str) -> None:
    # The form cut inside its last row (满意度指标 … 读者满意度, no value), then another page of the site begins
    # (发布时间 …, a search box): the cut row is not read, the page's lines are no indicators.
    cut = FORM[:FORM.index("读者满意度") + len("读者满意度")]
    page = "\n发布时间：2024-03-01 浏览次数：56\n你还可以输入40字\n"
    path = tmp_path / "form.txt"
    path.write_text((cut + page).replace("\t", separator), encoding="utf-8")
    document = loaders.load(path)
    (project,) = document.projects
    names = [i.name for i in project.indicators]
    assert names[-1] == "居民借阅人次"
    assert not any("发布时间" in n or "输入" in n for n in names)
    assert any(f.kind == "missing" and f.line == 16 for f in document.findings)  # the cut row, reported
