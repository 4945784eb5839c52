"""The general form reader on real forms of other localities (tests/forms: 25 forms from 11 provinces).

Expected values come from each form's gold file, written by reading the form (tests/forms/README.md).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from policykg.loaders import load
from policykg.loaders.errors import LayoutError
from policykg.loaders.records import Document, Project
from tests.loaders.forms_common import DOCS, NAMES, gold, norm, same, yuan

MONEY = {
    "declaration": {"total_funds_yuan": ("total",), "annual_funds_yuan": ("annual",), "executed_yuan": ("executed",)},
    "self-evaluation": {"total_funds_yuan": ("initial",), "annual_funds_yuan": ("adjusted",),
                        "executed_yuan": ("executed",)},
    "narrative": {"total_funds_yuan": ("total", "initial"), "annual_funds_yuan": ("annual", "adjusted"),
                  "executed_yuan": ("executed",)},
}


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {name: load(DOCS / f"{name}.txt") for name in NAMES}


def _match(doc: Document, name: str, used: set[int]) -> Project | None:
    want = norm(name)
    for i, p in enumerate(doc.projects):
        if i not in used and same(want, norm(p.name)):
            used.add(i)
            return p
    return None


def _figures(documents: dict[str, Document]) -> dict[str, float]:
    hit = {k: [0, 0] for k in ("amounts", "orgs", "targets", "actuals", "levels")}
    f1 = {k: [0, 0, 0] for k in ("projects", "legal_bases", "indicators")}
    for name, doc in documents.items():
        g = gold(name)
        used: set[int] = set()
        for pr in g["projects"]:
            p = _match(doc, pr["name"], used)
            if p is None:
                f1["projects"][2] += 1
                continue
            f1["projects"][0] += 1
            for field, attrs in MONEY[g["kind"].split(" ")[0]].items():
                if pr.get(field) is not None:
                    got = {getattr(p.funds, a).yuan.normalize() for a in attrs if getattr(p.funds, a)}
                    hit["amounts"][1] += 1
                    hit["amounts"][0] += yuan(pr[field]) in got
            for field in ("department", "implementing_unit"):
                if pr.get(field):
                    hit["orgs"][1] += 1
                    hit["orgs"][0] += same(norm(pr[field]), norm(getattr(p, field)))
            bases = [c for c in p.citations if c.legal_basis]
            free = list(bases)
            for lb in pr["legal_bases"]:
                c = next((c for c in free if (lb["title"] and same(norm(lb["title"]), norm(c.title)))
                          or (lb["doc_number"] and norm(lb["doc_number"]) == norm(c.doc_number))), None)
                if c is None:
                    f1["legal_bases"][2] += 1
                else:
                    free.remove(c)
                    f1["legal_bases"][0] += 1
            f1["legal_bases"][1] += len(free)
            inds = list(p.indicators)
            for gi in pr["indicators"]:
                i = next((i for i in inds if norm(i.name) == norm(gi["name"])), None) or next(
                    (i for i in inds if same(norm(gi["name"]), norm(i.name))), None)
                if i is None:
                    f1["indicators"][2] += 1
                    continue
                inds.remove(i)
                f1["indicators"][0] += 1
                hit["targets"][1] += 1
                hit["targets"][0] += norm(gi["target"]) == norm(i.target.text if i.target else None)
                if gi.get("actual") is not None:
                    hit["actuals"][1] += 1
                    hit["actuals"][0] += norm(gi["actual"]) == norm(i.actual.text if i.actual else None)
                hit["levels"][1] += 1
                hit["levels"][0] += (norm(gi["level1"]), norm(gi["level2"])) == (norm(i.level1), norm(i.level2))
            f1["indicators"][1] += len(inds)
        f1["projects"][1] += len(doc.projects) - len(used)
    out = {k: ok / total if total else 1.0 for k, (ok, total) in hit.items()}
    for k, (tp, fp, fn) in f1.items():
        p_, r_ = (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)
        out[k] = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
    return out


def test_every_form_is_read(documents: dict[str, Document]) -> None:
    assert len(documents) == 25
    assert all(doc.projects and doc.layout == "form" and doc.reason for doc in documents.values())


def test_figures_over_the_forms_reach_090(documents: dict[str, Document]) -> None:
    figures = _figures(documents)
    assert min(figures.values()) >= 0.90, figures


def _one(documents: dict[str, Document], name: str, project: str) -> Project:
    doc = documents[name]
    found = [p for p in doc.projects if norm(p.name) == norm(project)]
    assert len(found) == 1, [p.name for p in doc.projects]
    return found[0]


def test_glued_self_evaluation_rows(documents: dict[str, Document]) -> None:
    # 01: '年度资金总额145000000.00145000000.00145000000.0010100.0%10' under a 万元 header that the numbers contradict
    p = _one(documents, "01_shanghai-songjiang-jiuting-selfeval-2020", "城镇建设管理")
    assert p.funds.adjusted is not None and p.funds.adjusted.yuan == Decimal(145000000)
    assert any(f.kind == "inconsistent" and "万元" in f.message for f in documents[
        "01_shanghai-songjiang-jiuting-selfeval-2020"].findings)
    rows = {i.name: i for i in p.indicators}
    # '项目完成及时性及时较及时77受进度影响拖延'
    timely = rows["项目完成及时性"]
    assert (timely.target.text, timely.actual.text) == ("及时", "较及时")  # type: ignore[union-attr]
    assert (timely.weight, timely.score, timely.deviation_note) == (Decimal(7), Decimal(7), "受进度影响拖延")


def test_glued_money_split_by_the_execution_rate(documents: dict[str, Document]) -> None:
    # 04: '年度資金總額:1484631.00%' is 148 | 46 | 31.00% (46/148 = 31.08%)
    doc = documents["04_anhui-xuancheng-nyj-dongwufangyi-selfeval-2023-trad"]
    funds = doc.projects[0].funds
    assert (funds.adjusted.yuan, funds.executed.yuan) == (Decimal(1480000), Decimal(460000))  # type: ignore[union-attr]


def test_multi_year_and_annual_columns_side_by_side(documents: dict[str, Document]) -> None:
    # 10: '中期资金总额: 39.96   年度资金总额: 21.22'
    p = documents["10_anhui-luan-nyj-nongji-decl-2024"].projects[0]
    assert (p.funds.total.yuan, p.funds.annual.yuan) == (Decimal(399600), Decimal(212200))  # type: ignore[union-attr]
    assert p.department == "[066]六安市农业农村局"


def test_parallel_long_term_and_annual_indicators_read_once(documents: dict[str, Document]) -> None:
    p = documents["13_guangdong-dongguan-jtj-decl-2019"].projects[0]
    names = [i.name for i in p.indicators]
    assert len(names) == len(set(names)) == 5  # the cut-off 6th row is reported, not read
    timely = next(i for i in p.indicators if i.name == "结算款支付及时性")
    assert timely.level2 == "时效指标(工期指标、形象进度指标)"  # the annual side's wording
    assert (p.funds.total.yuan, p.funds.annual.yuan) == (Decimal(2845000000), Decimal(9190000))  # type: ignore[union-attr]


def test_weight_before_target_column_order(documents: dict[str, Document]) -> None:
    # 20: 三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分, all on one line: '项目计划总投资1020万元20万元10'
    p = documents["20_sichuan-zhongjiang-slj-selfeval-2022"].projects[0]
    cost = next(i for i in p.indicators if i.name == "项目计划总投资")
    assert (cost.weight, cost.target.text, cost.actual.text, cost.score) == (  # type: ignore[union-attr]
        Decimal(10), "20万元", "20万元", Decimal(10))
    assert len(p.indicators) == 9


def test_two_forms_glued_in_one_paragraph(documents: dict[str, Document]) -> None:
    doc = documents["21_gansu-jiayuguan-wlj-decl-2023"]
    assert [p.name for p in doc.projects] == ["博物馆纪念馆市级免费开放补助资金", "博物馆提升改造项目"]
    assert doc.projects[0].citations[0].doc_number == "甘财科〔2022〕78号"
    assert doc.projects[1].funds.total.yuan == Decimal(1747800)  # type: ignore[union-attr]
    # the first form's last target is glued to the second's title, 省级部门预算项目支出绩效目标表 (gold: =99百分比)
    last = doc.projects[0].indicators[-1]
    assert last.target is not None and last.target.text == "=99百分比"


def test_narrative_projects_and_money_in_prose(documents: dict[str, Document]) -> None:
    doc = documents["08_anhui-yeji-wlt-narrative-2025"]
    assert [p.name for p in doc.projects] == ["文化中心运营专项经费", "文旅体专项经费", "快乐健身暖民心建设资金"]
    assert [p.funds.annual.yuan if p.funds.annual else None for p in doc.projects] == [
        Decimal(6340000), Decimal(3061800), None]  # a cut-off third project gets no other project's money
    report = documents["22_neimenggu-linhe-tyjr-narrative-2023"].projects[0]
    assert report.name == "优抚对象生活补助经费"
    assert (report.funds.annual.yuan, report.funds.executed.yuan) == (  # type: ignore[union-attr]
        Decimal(23309000), Decimal(23104000))


def test_unit_column_is_not_joined_twice(documents: dict[str, Document]) -> None:
    # 17: 单位 | 指标值 rows print '% |' then '≥95% |'
    p = documents["17_chongqing-zhongxian-nyw-shengzhu-decl-2022"].projects[0]
    assert [i.target.text for i in p.indicators] == ["≥95%", "90%"]  # type: ignore[union-attr]
    assert p.department == "忠县农业农村委员会"
    assert {c.doc_number for c in p.citations} == {"渝财农〔2021〕111号", "财预〔2015〕153号", "财建〔2015〕778号"}


@pytest.mark.parametrize("text", [
    "本报讯 昨日，区里召开了全区经济工作会议，会议总结了今年的工作。\n与会人员一致表示要继续努力。\n",
    "2024年区级一般公共预算支出表\n单位：万元\n科目\t预算数\n一般公共服务支出\t1200\n教育支出\t3400\n",
])
def test_a_file_that_is_no_form_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "other.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError, match="other.txt: not a 绩效目标申报表"):
        load(path)


def test_money_and_rows_before_any_project_are_reported_not_attached(tmp_path: Path) -> None:
    # a file that starts in the middle of the previous form: its orphan rows belong to no project
    text = ("年度资金总额:\t120万元\n产出指标\t数量指标\t培训场次\t≥4场\n"
            "项目支出绩效目标申报表\n(2023年度)\n项目名称\t社区文化活动\n主管部门\t某区文化旅游局\n"
            "项目资金(万元)\t年度资金总额:\t30\n")
    path = tmp_path / "orphans.txt"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    [project] = doc.projects
    assert project.name == "社区文化活动" and project.funds.annual.yuan == Decimal(300000)  # type: ignore[union-attr]
    assert project.indicators == ()
    reported = {f.line for f in doc.findings if f.kind in ("missing", "unexplained")}
    assert {1, 2} <= reported  # the orphan amount and the orphan row are findings
    assert any(f.line == 1 and "attached to no project" in f.message for f in doc.findings)
