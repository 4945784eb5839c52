"""The audit on the seeds: per rule, a contradiction read in a document and a place where it adds up.

Expected lines and values come from reading the seed files (cited as file:line).
Where no seed contradicts itself in a rule's way, the positive case is a seed
record with one value changed, and the test says so.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from bench.generate import generate
from policykg.graph.audit.engine import RULES, AuditFinding, audit, audit_document
from policykg.graph.audit.model import DocContext
from policykg.graph.cli import app
from policykg.graph.rdf.findings import findings_from_graph
from policykg.graph.sparql import queries
from policykg.graph.sparql.store import MemoryStore, cell_text
from policykg.graph.views.html import make_view
from policykg.loaders import Document, load
from policykg.loaders.records import Amount, Indicator, Project, Target
from tests.conftest import SEEDS

F000, F001, F002, F003, F004 = ("000_f23fd64354a9b39b.txt", "001_02eda4b669ee2409.txt", "002_5ed4d149ac1e0066.txt",
                                "003_9ccbaafc82c3a09f.txt", "004_b5c1e20c1c71ec69.txt")


@pytest.fixture(scope="module")
def found(documents: dict[str, Document]) -> list[AuditFinding]:
    return audit(documents.values())


def of(found: list[AuditFinding], rule: str, file: str) -> list[AuditFinding]:
    return [f for f in found if f.rule == rule and f.file_name == file]


def with_lines(found: list[AuditFinding], rule: str, file: str, *lines: int) -> list[AuditFinding]:
    return [f for f in of(found, rule, file) if set(lines) <= set(f.lines)]


def project(doc: Document, name: str) -> Project:
    return next(p for p in doc.projects if p.name == name)


def changed(doc: Document, name: str, **fields: object) -> Document:
    """``doc`` with one project's record changed (for rules no seed breaks)."""
    projects = tuple(replace(p, **fields) if p.name == name else p for p in doc.projects)  # type: ignore[arg-type]
    return replace(doc, projects=projects)


def rules_of(doc: Document, rule: str) -> list[AuditFinding]:
    return audit_document(DocContext(doc, ()), [rule])


def test_every_rule_has_an_id_severity_and_both_languages() -> None:
    for rule_id, rule in RULES.items():
        assert rule_id == rule.id and "." in rule_id
        assert rule.severity in ("error", "warning", "notice")
        assert rule.compares_zh and rule.compares_en and rule.check.__doc__


# ---------------------------------------------------------------------------- arithmetic


def test_subprojects_sum(found: list[AuditFinding]) -> None:
    # 004:3708 网络信息系统运行与维护 年度资金申请总额 1010710.0 / 0 (the cell wraps its last digit onto 3710);
    # its four sub-projects 004:3449 58.5万, 3510 33.97万, 3575 3.6万, 3628 5万 make 101.07万 = 1010700 元
    # (the loader recorded it too: one finding, not two)
    hits = of(found, "arithmetic.subprojects-sum", F004)
    assert len(hits) == 1
    assert hits[0].lines == (3708, 3449, 3510, 3575, 3628)
    assert "1,010,700" in hits[0].message_en and "1,010,710" in hits[0].message_en
    # 000:285 G60科创走廊建设 5300000 = 200万 + 180万 + 100万 + 50万 (000:19, 23, 52, 76): no finding
    assert of(found, "arithmetic.subprojects-sum", F000) == []


def test_budget_lines(found: list[AuditFinding]) -> None:
    # 004:1000 举行区科协代表大会工作经费（20 万） but 六、年度预算安排 (004:1037) spends 30万元
    hits = with_lines(found, "arithmetic.budget-lines", F004, 1000, 1037)
    assert len(hits) == 1 and hits[0].projects[0].name == "举行区科协代表大会工作经费"
    # 002:199-213 G60日常办公经费: 4.8+6+0.4+6.5+0.76+14.9+4.5+62.14 = 100万 = 002:240 1,000,000.00
    assert of(found, "arithmetic.budget-lines", F002) == []


def test_quantity_price_written_out(found: list[AuditFinding]) -> None:
    # 002:811-813: 展示馆面积 1469 平方米，9元/平方能源费，合计 15.8652 万元 — 1469 × 9 = 13221 元; 15.8652万
    # is twelve months of it (9 元/平/月)
    hits = of(found, "arithmetic.quantity-price", F002)
    assert [f.lines[0] for f in hits] == [811]
    assert "12" in hits[0].message_en and "monthly" in hits[0].message_en
    # consistent products of the same document: 002:364-366 0.3万元*16人*12月=57.6万, 002:807-809
    # 1469平*16*12=28.2048万元, 002:809-811 3.1524万元*12=37.8288万元, 002:199 8台 单价0.6万 4.8万
    assert not [f for f in hits if {364, 366, 807, 809, 199} & set(f.lines)]


def test_quantity_price_of_a_budget_line(documents: dict[str, Document]) -> None:
    doc = documents[F004]
    # 004:4474 政策宣传书籍 200本 × 50元 = 1万元, as written: no finding
    assert rules_of(doc, "arithmetic.quantity-price") == []
    line = next(b for b in project(doc, "科技金融宣传活动费").budget_lines if b.label == "政策宣传书籍")
    wrong = replace(line, amount=Amount(Decimal(12000), "1.2万元", line.line))
    bad = changed(doc, "科技金融宣传活动费",
                  budget_lines=tuple(wrong if b is line else b for b in project(doc, "科技金融宣传活动费").budget_lines))
    hits = rules_of(bad, "arithmetic.quantity-price")
    assert [f.lines for f in hits] == [(4474, 4474)]


def test_funds_sources(documents: dict[str, Document], found: list[AuditFinding]) -> None:
    # every seed form adds up, e.g. 000:285-296 项目资金总额 5300000 = 财政资金 5300000 + 其他资金 0
    assert [f for f in found if f.rule == "arithmetic.funds-sources"] == []
    # no seed breaks it: 002:1752 财政资金 1,587,640.00 changed to 1,500,000 under 项目资金总额 1,587,640.00
    doc = documents[F002]
    p = project(doc, "松江区长三角G60科创云平台信息化建设项目")
    bad = changed(doc, p.name, funds=replace(p.funds, fiscal=Amount(Decimal(1500000), "1,500,000.00", 1752)))
    hits = rules_of(bad, "arithmetic.funds-sources")
    assert len(hits) == 1 and hits[0].lines == (1750, 1752, 1758)


def test_execution_rate(documents: dict[str, Document], found: list[AuditFinding]) -> None:
    # 003:8 全年预算数 7,862,478.04, 全年执行数 7,862,478.04, 执行率 100%: consistent
    assert of(found, "arithmetic.execution-rate", F003) == []
    doc = documents[F003]
    p = project(doc, "G60科创走廊建设")
    bad = changed(doc, p.name, funds=replace(p.funds, execution_rate=Decimal("0.9")))  # not the seed: 90%
    hits = rules_of(bad, "arithmetic.execution-rate")
    assert len(hits) == 1 and "100.00%" in hits[0].message_en and "90%" in hits[0].message_en


def test_scores_total(documents: dict[str, Document], found: list[AuditFinding]) -> None:
    # 003: 宣传与推广 scores 10+5+5+10+10+5+5+30+10 = 90, + 10 for the budget execution = 总分 100
    assert of(found, "arithmetic.scores-total", F003) == []
    doc = documents[F003]
    p = project(doc, "宣传与推广")
    bad = changed(doc, p.name, total_score=Decimal(95))  # not the seed
    assert len(rules_of(bad, "arithmetic.scores-total")) == 1


# ---------------------------------------------------------------------------- units and bounds


def test_money_without_currency(found: list[AuditFinding]) -> None:
    # 002:440 补贴标准 =3000.00(人/月), 002:588 人均餐费 ≤130.00(人/天), 002:1359 and 1563 市外差旅补助费
    # =180.00(人/天); 002:1080 市外差旅费补助费 =180.00(元/人/天) says 元
    hits = of(found, "units.money-without-currency", F002)
    assert sorted(f.lines[0] for f in hits) == [440, 588, 1359, 1563]


def test_rate_in_count(found: list[AuditFinding]) -> None:
    # 004:548 审核合同出错率 ≤3份; 004:519 重大决策、政府合同等审核质量达标率 ≥90% is a percentage
    hits = of(found, "units.rate-in-count", F004)
    assert [f.lines for f in hits] == [(548,)]


def test_wan_header(found: list[AuditFinding]) -> None:
    # 004:5695 项目资金（万元） over 2000000 (004:5702): read as yuan; the loader's finding, one per document
    hits = of(found, "units.wan-header", F004)
    assert len(hits) == 1 and 5695 in hits[0].lines and hits[0].projects[0].name == "科普工作"
    assert of(found, "units.wan-header", F002) == []  # 002 heads its amounts （元）


def test_same_indicator_units(found: list[AuditFinding]) -> None:
    # 002:294 能源费单价 =9.00(元/平) vs 002:881 =9.00(元/平方米); 002:1080 市外差旅费补助费 (元/人/天) vs 002:1359
    # 市外差旅补助费 (人/天); 001:46 单个课题成本 (元/个) vs 001:47 (元)
    assert {f.lines[:2] for f in of(found, "units.same-indicator-units", F002)} == {(294, 881), (1080, 1359)}
    assert [f.lines[:2] for f in of(found, "units.same-indicator-units", F001)] == [(46, 47)]
    # 相关方满意度 is in % in every project of 001 (001:52, 146, 193, 240, 296)
    assert not [f for f in found if "相关方满意度" in f.message_zh]


def test_cost_ceiling(found: list[AuditFinding]) -> None:
    # 001:47 单个课题成本 ≤3000000.00(元) above 政策研究's 2,000,000.00 (001:38); 001:89 活动成本 ≪800000.00(元)
    # above 要素对接's 735,000.00 (001:81)
    assert sorted(f.lines for f in of(found, "bounds.cost-ceiling", F001)) == [(47, 38), (89, 81)]
    # 002:126 影像库维护费 ≤6.00(万元) within 宣传阵地建设's 250,000.00 (002:84)
    assert of(found, "bounds.cost-ceiling", F002) == []


# ---------------------------------------------------------------------------- time


def test_period_dates(found: list[AuditFinding]) -> None:
    hits = of(found, "time.period-dates", F004)
    # 004:411 实施周期 2023年4月13日—2024年4月12日 vs 004:450 计划开始日期 2023-01-01 and 004:454 2023-12-31
    assert with_lines(found, "time.period-dates", F004, 411, 450, 454)
    # 004:376 拟于2023年5月实施 vs the period starting 2023年4月 (004:411)
    assert with_lines(found, "time.period-dates", F004, 376, 411)
    # 002:1709 2025年1月至2025年12月 vs 002:1744 计划开始日期 2024-01-01
    assert [f.lines for f in of(found, "time.period-dates", F002)] == [(1709, 1744)]
    # 004:60 手机信号检测 2023年4月1日-2023年8月31日 is its own (no form dates to contradict)
    assert not [f for f in hits if 60 in f.lines]


def test_activity_outside_period(found: list[AuditFinding]) -> None:
    # 000:207 将在2022年10月启动报名 — a step of the 2023 project whose 实施周期 is 2023年1月1日—12月31日 (000:233)
    hits = of(found, "time.activity-outside-period", F000)
    assert [f.lines for f in hits] == [(207, 233)]
    # 004:423 余款于2024年4月12日前付清 lies within 004:411's period (to 2024年4月12日)
    assert not [f for f in found if f.rule == "time.activity-outside-period" and 423 in f.lines]


def test_period_ended(found: list[AuditFinding]) -> None:
    # 004:3328 （2023年度） for 网络信息系统开发、升级、建设(历年已批复), 实施周期 2022年9月至2022年12月 (004:3310)
    assert with_lines(found, "time.period-ended", F004, 3328, 3310)
    # 002 declares 2025 projects whose periods are 2025 (002:1709 …)
    assert of(found, "time.period-ended", F002) == []


# ---------------------------------------------------------------------------- names


def test_heading_vs_form(found: list[AuditFinding]) -> None:
    # 004:3894 九、信息化服务项目管理费 vs 004:3953 项目名称 信息化服务; 002:774 展示馆物业管理、能源费、水电费项目
    # vs 002:827 展示馆物业管理、能源和水电费
    assert [f.lines for f in of(found, "names.heading-vs-form", F004)] == [(3894, 3953)]
    assert [f.lines for f in of(found, "names.heading-vs-form", F002)] == [(774, 827)]
    # 002:17 宣传阵地建设项目 = 002:66 宣传阵地建设
    assert not [f for f in found if f.rule == "names.heading-vs-form" and 17 in f.lines]


def test_section_label(found: list[AuditFinding]) -> None:
    # 002:913 展示馆运维费项目： opens 产业要素对接's 立项依据 (form 002:999); 002:1159 重大活动经费项目实施主体
    # opens 科创要素对接's 实施主体 (form 002:1242)
    assert [f.lines for f in of(found, "names.section-label", F002)] == [(913, 999), (1159, 1242)]
    # 002:929 产业要素对接项目实施主体 is its own name
    assert not [f for f in found if f.rule == "names.section-label" and 929 in f.lines]


def test_policy_spellings(found: list[AuditFinding]) -> None:
    # 004:382 《松江区关于全面推行法律顾问制度的实施意见（修订稿）》 vs 004:415 《…全面推进法律顾问制度…》
    assert [f.lines for f in of(found, "names.policy-spellings", F004)] == [(382, 415)]
    # 002:1410 and 002:1543 write 《…行动方案（2023-2025年）》 with other bracket widths: the same spelling
    assert of(found, "names.policy-spellings", F002) == []


# ---------------------------------------------------------------------------- plans and copies


def test_narrative_vs_target(found: list[AuditFinding]) -> None:
    # 004:2539-2541 初步计划为科普讲座72讲 vs 004:2942 科普讲座 =85讲; 003:60 争取完成各级报道超300篇 vs 003:64
    # 完成一定数量报道 =300篇
    assert with_lines(found, "plans.narrative-vs-target", F004, 2541, 2942)
    assert [f.lines for f in of(found, "plans.narrative-vs-target", F003)] == [(60, 64)]
    # 004:4233 全年做好宣传单56850份、宣传品4400份 = 004:4278 =56850份 and 004:4283 =4400份
    assert not [f for f in found if f.rule == "plans.narrative-vs-target" and 4233 in f.lines]


def retarget(doc: Document, name: str, line: int, target: Target) -> Document:
    """``doc`` with the target of project ``name``'s indicator at ``line`` changed."""
    p = project(doc, name)
    return changed(doc, name, indicators=tuple(replace(i, target=target) if i.line == line else i
                                               for i in p.indicators))


def test_count_target(documents: dict[str, Document], found: list[AuditFinding]) -> None:
    # No seed asks more than it plans. 002:301 台式计算机购置台数 =8.00(台) is what 002:199 六、年度预算安排
    # buys (（1）台式计算机 8台); 004:4278 宣传单 =56850份 and 004:4283 宣传品 =4400份 are what 年度总目标 plans
    # (004:4233-4235 全年做好宣传单 56850 份、宣传品 4400 份)
    assert of(found, "bounds.count-target", F002) == of(found, "bounds.count-target", F004) == []
    # Positive case made by changing one value: 002:301 raised to =10.00(台), above the 8台 bought at 002:199
    doc = retarget(documents[F002], "G60日常办公经费", 301, Target("=10.00(台)", "=", Decimal(10), "台"))
    hits = rules_of(doc, "bounds.count-target")
    assert [f.lines for f in hits] == [(301, 199)]
    assert "8台" in hits[0].message_zh and "=10.00(台)" in hits[0].message_zh
    # Changed the same way, 004:4278 raised to =60000份 above 年度总目标's 56850份: with the source lines
    # plans.narrative-vs-target reports the indicator (against 004:4115 其中宣传单印发 56850份, the first plan of
    # it in the text) and this rule stays silent
    doc = retarget(documents[F004], "市民服务", 4278, Target("=60000份", "=", Decimal(60000), "份"))
    with_text = audit_document(DocContext.of(doc), ["plans.narrative-vs-target", "bounds.count-target"])
    assert [(f.rule, f.lines) for f in with_text if 4278 in f.lines] == [("plans.narrative-vs-target", (4115, 4278))]
    # from the records alone (no source lines: a PDF) it is this rule that tells
    assert [f.lines for f in rules_of(doc, "bounds.count-target")] == [(4278,)]


def test_foreign_activity(found: list[AuditFinding]) -> None:
    # 项目服务管理 (短信平台月租费, 科技金融宣传活动费) carries 004:4708 系统安全性可持续发展 (等保测评分) and
    # 004:4730 用户对测评完成后…投诉次数, rows of 网络信息系统运行与维护 (004:5585, 5609)
    hits = {f.lines for f in of(found, "copy.foreign-activity", F004)}
    assert {(4708, 5585), (4730, 5609)} <= hits
    # 相关方满意度 and 单位满意度 stand in many projects of 001 and 002 and name no project's work
    assert of(found, "copy.foreign-activity", F001) == of(found, "copy.foreign-activity", F002) == []


# ---------------------------------------------------------------------------- across years


def test_amount_jump(found: list[AuditFinding]) -> None:
    # 2022 宣传与推广 700,000.00 (003:54) -> 2024 宣传推广 200,000.00 (001:226): 3.5 times less, no reason given
    hits = [f for f in found if f.rule == "years.amount-jump"]
    assert [(e.file_name, e.line) for f in hits for e in f.evidence] == [(F003, 54), (F001, 226)]
    # 金融赋能 50万 in 2023 (000:253) and 500,000.00 in 2024 (001:180): no jump
    assert not [f for f in hits if "金融赋能" in f.message_zh]


def test_target_lowered(documents: dict[str, Document]) -> None:
    docs = [documents[F000], documents[F001]]
    # 2023 金融赋能 50万 (000:253) -> 2024 500,000.00 (001:180): the money did not grow
    assert [f for f in audit(docs) if f.rule == "years.target-lowered"] == []
    # no seed lowers a target while the money grows. 2023's goal 000:682 (双创债企业达到50家) as 金融赋能's
    # indicator ≥50家, and 2024's 001:189 ≥100.00(家) cut to ≥30家 with the money raised to 600,000
    name = "九城市累计发行双创债企业数量"
    earlier = changed(documents[F000], "金融赋能", indicators=(
        Indicator(name, 682, "产出指标", "数量指标", Target("≥50家", "≥", Decimal(50), "家")),))
    p = project(documents[F001], "金融赋能")
    bad = changed(documents[F001], "金融赋能",
                  indicators=tuple(replace(i, target=Target("≥30.00(家)", "≥", Decimal(30), "家")) if i.line == 189
                                   else i for i in p.indicators),
                  funds=replace(p.funds, annual=Amount(Decimal(600000), "600,000.00", 180)))
    hits = [f for f in audit([earlier, bad]) if f.rule == "years.target-lowered"]
    assert [(e.file_name, e.line) for f in hits for e in f.evidence] == [(F000, 682), (F001, 189)]


# ---------------------------------------------------------------------------- loaders' findings and no flood


def test_header_text_from_the_loader(found: list[AuditFinding]) -> None:
    # 003:70: the 实际完成值 cell holds 实际完成值 分值 得分 … (a header leaked into the cell)
    assert [f.lines for f in of(found, "cells.header-text", F003)] == [(70,)]


def test_rule_filter(documents: dict[str, Document]) -> None:
    only = audit(documents.values(), rules=["units.rate-in-count"])
    assert {f.rule for f in only} == {"units.rate-in-count"}
    with pytest.raises(KeyError, match="units.nonsense"):
        audit(documents.values(), rules=["units.nonsense"])


def test_a_consistent_synthetic_form_yields_no_finding(tmp_path: Path) -> None:
    generate(10, tmp_path, seed=3)
    docs = [load(p) for p in sorted((tmp_path / "documents").glob("*.txt"))]
    assert [f for doc in docs for f in audit_document(DocContext.of(doc))] == []


# ---------------------------------------------------------------------------- graph, query, CLI, view


def test_the_graph_holds_the_findings_as_audit_reads_them(found: list[AuditFinding], seed_graph: Graph) -> None:
    back = findings_from_graph(seed_graph)
    assert sorted((f.rule, f.lines, f.message_zh) for f in back) == sorted((f.rule, f.lines, f.message_zh) for f in found)
    # 004:548 审核合同出错率 ≤3份 concerns 法律咨询与服务 (form 004:438) in the graph
    (rate,) = [f for f in back if f.rule == "units.rate-in-count"]
    assert [(p.name, p.line, p.fiscal_year) for p in rate.projects] == [("法律咨询与服务", 438, 2023)]
    assert [(e.file_name, e.line, e.text) for e in rate.evidence] == [(F004, 548, "审核合同出错率 ≤3份")]


def test_the_named_query_lists_the_sides(memory_store: MemoryStore) -> None:
    table = queries.run_named(memory_store, "audit-findings", {"rule": "names.section-label"})
    rows = [dict(zip(table.columns, (cell_text(c) for c in row), strict=True)) for row in table.rows]
    # 002:913 展示馆运维费项目： in 产业要素对接 (002:999), which it names, and in 展示馆运维费 (002:678) it concerns
    first = [r for r in rows if r["project"] == "产业要素对接"]
    assert [(r["lineA"], r["saysA"], r["lineB"]) for r in first] == [("913", "说明小节: 展示馆运维费项目:", "999")]
    assert {r["project"] for r in rows} == {"产业要素对接", "展示馆运维费", "科创要素对接", "重大活动经费"}


def test_cli_prints_the_findings_of_sources() -> None:
    result = CliRunner().invoke(app, ["audit", str(SEEDS / F004), "--rule", "units.rate-in-count", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("file,project,project_line,rule,severity,line_a,says_a,line_b,says_b")
    assert lines[1].startswith(f"{F004},法律咨询与服务,438,units.rate-in-count,warning,548,三级指标: 审核合同出错率 ≤3份")


def test_cli_reads_the_built_graph_and_refuses_an_unknown_rule(built: Path) -> None:
    ok = CliRunner().invoke(app, ["audit", "--graph", str(built / "graph.ttl"), "--rule", "time.period-ended",
                                  "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert {(r["file"], r["project"]) for r in json.loads(ok.stdout)} == {
        (F004, "网络信息系统开发、升级、建设(历年已批复)"), (F004, "网络信息系统开发、升级、建设")}
    bad = CliRunner().invoke(app, ["audit", "--graph", str(built / "graph.ttl"), "--rule", "units.nonsense"])
    assert bad.exit_code == 2 and "unknown audit rule(s) units.nonsense" in bad.output


def test_the_view_marks_projects_with_findings(seed_graph: Graph) -> None:
    view = make_view(seed_graph)
    (legal,) = [n for n in view.nodes if n.label == "法律咨询与服务"]
    assert legal.findings == 4  # 004: period vs overview, period vs form dates, policy spellings, rate in a count
    assert "audit findings 审核发现 (4): " in legal.tooltip and "units.rate-in-count (line 548)" in legal.tooltip
    (office,) = [n for n in view.nodes if n.label == "G60日常办公经费"]
    assert office.findings == 1 and "units.same-indicator-units (lines 294, 881)" in office.tooltip
