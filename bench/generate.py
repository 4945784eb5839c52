"""A synthetic corpus of budget performance documents at the scale researchers bring.

Every department of every Shanghai district publishes a 绩效目标申报表
(declaration) or 绩效自评表 (self-evaluation) each year: 16 districts × 60
departments × 4 years (2022–2025) ≈ 4,000 documents. ``generate(n, seed)``
writes ``n`` of them in the three layouts of ``seeds/``:

- ``declaration-text`` (like 000/002/004): PDF text with blank lines between
  visual lines, a 项目经费情况说明 narrative (seven sections) before each form,
  cells wrapped over lines, vertical labels, budget-unit headings when a
  department reports for several units, and parents whose 项目概述 lists
  二级项目 (“X”项目包含N个二级项目 …) with quoted 年度预算安排 items;
- ``declaration-tsv`` (like 001): narrative lines without tabs, forms as
  tab-separated rows with spaced OCR numbers (``2, 000, 000. 00``);
- ``self-evaluation-tsv`` (like 003): tab-separated 绩效自评表 with budget,
  execution and scores.

The corpus is deterministic from ``seed`` (same seed → byte-identical files).
Departments keep their programmes over the years (amounts drift, some are
renamed or start later), cite shared policies (same titles and 文号 across
districts, short forms such as 《建设方案》, a 文号 alone, title and 文号
together, bracket variants 〔〕[]【】), so that policy linking and project
lineage have real work to do.

``generate`` returns a manifest: for each file what it states (department,
year, projects with their money in yuan, indicators and citations as the
loaders should read them), so tests can compare ``loaders.load`` with it.

Command line::

    python -m bench.generate N OUT_DIR [--seed S]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from bench.corpus_data import (
    DEPARTMENTS,
    DISTRICT_POLICIES,
    DISTRICTS,
    FILLER,
    INDICATORS,
    PROJECT_STEMS,
    SHARED_POLICIES,
    SUBPROJECT_STEMS,
)
from bench.inject import Context
from bench.inject import inject as inject_contradiction

YEARS = (2022, 2023, 2024, 2025)
DECLARATION_LAYOUTS = (("declaration-text", 80), ("declaration-tsv", 20))  # weights
WRAP = 30  # characters per visual line of the PDF text
BRACKETS = (("〔", "〕"), ("[", "]"), ("【", "】"))
_CJK_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])")
DIVISIONS = ("综合科", "业务科", "规划发展科", "信息化推进科", "宣传组", "财务科")


@dataclass(frozen=True)
class Policy:
    """A policy document the corpus cites."""

    key: str  # identity within the corpus (same key = same real document)
    title: str  # as written inside 《》 (may hold spaces); normalized titles drop them
    short: str  # short form a document may use after citing the full title, or ""
    doc_number: str  # normalized 文号 (沪府发〔2021〕2号) or ""


@dataclass
class ExpectedCitation:
    title: str | None  # normalized (no spaces, no 《》)
    doc_number: str | None  # normalized 文号
    legal_basis: bool
    policy: str  # Policy.key it names


@dataclass
class ExpectedProject:
    name: str
    parent: str | None
    annual_yuan: str | None  # declarations: 年度资金申请总额 (a sub-project: its own amount)
    total_yuan: str | None = None
    initial_yuan: str | None = None  # self-evaluations: 年初预算数, 全年预算数, 全年执行数
    adjusted_yuan: str | None = None
    executed_yuan: str | None = None
    budget_unit: str | None = None
    indicators: list[tuple[str, str]] = field(default_factory=list)  # (三级指标, target as written)
    citations: list[ExpectedCitation] = field(default_factory=list)


@dataclass
class ExpectedDocument:
    file: str
    layout: str
    kind: str
    department: str
    fiscal_year: int
    district: str
    projects: list[ExpectedProject] = field(default_factory=list)
    injected: dict[str, str] | None = None  # the contradiction bench.inject wrote in (rule, change), if any


@dataclass
class Programme:
    """A department's recurring project: the same work declared year after year."""

    name: str
    theme: str
    base_wan: Decimal  # annual amount in 万元 (one decimal)
    first_year: int
    renamed: tuple[int, str] | None  # (from year, new name)
    subprojects: list[str]
    policies: list[Policy]
    indicators: list[int]
    division: str
    unit: str | None  # budget unit (预算单位) when the department reports for several
    steady: bool = False  # keeps its indicator targets and sub-project shares from year to year

    def draws(self, rng: random.Random, what: str) -> random.Random:
        """The generator of a year's draws of ``what``: the corpus's own, or the programme's fixed one when steady."""
        return random.Random(f"{self.name}:{self.theme}:{what}") if self.steady else rng

    def name_in(self, year: int) -> str:
        if self.renamed and year >= self.renamed[0]:
            return self.renamed[1]
        return self.name


# ---------------------------------------------------------------------------- corpus plan


def _policies(rng: random.Random) -> tuple[list[Policy], dict[str, list[Policy]]]:
    shared = []
    for k, (title, short, prefix, year, number) in enumerate(SHARED_POLICIES):
        doc_number = f"{prefix}〔{year}〕{number}号" if prefix else ""
        shared.append(Policy(f"shared-{k}", title, short, doc_number))
    by_district: dict[str, list[Policy]] = {}
    for district, abbr in DISTRICTS:
        own = []
        for k, (template, short, prefix) in enumerate(DISTRICT_POLICIES):
            year = rng.choice((2019, 2020, 2021, 2022, 2023))
            doc_number = f"{prefix.format(a=abbr)}〔{year}〕{rng.randint(1, 60)}号"
            own.append(Policy(f"{abbr}-{k}", template.format(d=district), short, doc_number))
        by_district[district] = own
    return shared, by_district


def _programmes(rng: random.Random, themes: tuple[str, ...], shared: list[Policy], local: list[Policy],
                units: list[str | None]) -> list[Programme]:
    count = rng.randint(3, 10)
    names: list[str] = []
    programmes = []
    for _ in range(count):
        theme = rng.choice(themes)
        name = theme + rng.choice(PROJECT_STEMS)
        if name in names:
            continue
        names.append(name)
        renamed = None
        if rng.random() < 0.1:
            renamed = (rng.choice(YEARS[1:]), name + rng.choice(("(二期)", "提升", "专项")))
        subprojects = rng.sample(SUBPROJECT_STEMS, rng.randint(2, 4)) if rng.random() < 0.2 else []
        cited = rng.sample(shared, rng.randint(1, 2)) + rng.sample(local, rng.randint(0, 2))
        programmes.append(Programme(
            name=name,
            theme=theme,
            base_wan=Decimal(rng.randint(50, 8000)) / 10,
            first_year=rng.choice(YEARS) if rng.random() < 0.2 else YEARS[0],
            renamed=renamed,
            subprojects=subprojects,
            policies=cited,
            indicators=sorted(rng.sample(range(len(INDICATORS)), rng.randint(4, 9))),
            division=rng.choice(DIVISIONS),
            unit=rng.choice(units),
        ))
    return programmes


def _slots(n: int, rng: random.Random) -> list[tuple[str, str, str, tuple[str, ...], int, str]]:
    """(district, abbreviation, department, themes, year, kind) of n documents.

    Whole departments, five documents each: a declaration for every year
    2022–2025 and the self-evaluation of one year (960 departments: up to 4,800).
    """
    pairs = [(d, a, dept, themes) for d, a in DISTRICTS for dept, themes in DEPARTMENTS]
    rng.shuffle(pairs)
    slots = []
    for d, a, dept, themes in pairs:
        for year in YEARS:
            slots.append((d, a, dept, themes, year, "declaration"))
        slots.append((d, a, dept, themes, rng.choice(YEARS[:3]), "self-evaluation"))
    return slots[:n]


# ---------------------------------------------------------------------------- text helpers


def _spaced(text: str) -> str:
    """PDF text puts spaces between CJK characters and Latin letters or digits (长三角 G60 科创走廊)."""
    return _CJK_LATIN.sub(" ", text)


def _wrap(text: str, width: int = WRAP) -> list[str]:
    """Cut text into visual lines of ``width`` characters, never inside a Latin word or number."""
    lines, current = [], ""
    for token in _tokens(text):
        if current and len(current) + len(token) > width:
            lines.append(current)
            current = token.lstrip()
        else:
            current += token
    if current:
        lines.append(current)
    return lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for ch in text:
        if tokens and ch.isascii() and (ch.isalnum() or ch in ".,%") and tokens[-1][-1:].isascii() \
                and (tokens[-1][-1:].isalnum() or tokens[-1][-1:] in ".,%"):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _wan(value: Decimal) -> str:
    """万元 as the narratives write it: ``25``, ``73.5``."""
    return format(value.normalize(), "f")


def _yuan(value: Decimal, spaced: bool = False) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", ", ").replace(".", ". ") if spaced else text


def _sentence(rng: random.Random, theme: str) -> str:
    return rng.choice(FILLER).format(t=theme) + "。"


def _docnumber_as_written(number: str, rng: random.Random) -> str:
    left, right = rng.choice(BRACKETS)
    return number.replace("〔", left).replace("〕", right)


def _norm_title(title: str) -> str:
    return "".join(title.split())


def _cite(policy: Policy, rng: random.Random, legal_basis: bool, *, allow_short: bool) -> tuple[str, list[ExpectedCitation]]:
    """Text citing ``policy`` and the citations the loaders should find in it."""
    styles = ["title"]
    if policy.doc_number:
        styles += ["title+number", "title+number", "number"]
    style = rng.choice(styles)
    title = _norm_title(policy.title)
    if style == "number":
        text = f"根据{_docnumber_as_written(policy.doc_number, rng)}文件要求，"
        found = [ExpectedCitation(None, policy.doc_number, legal_basis, policy.key)]
    elif style == "title+number":
        text = f"贯彻落实《{_spaced(policy.title)}》（{_docnumber_as_written(policy.doc_number, rng)}）的明确要求。"
        found = [ExpectedCitation(title, policy.doc_number, legal_basis, policy.key)]
    else:
        text = f"贯彻落实《{_spaced(policy.title)}》的明确要求。"
        found = [ExpectedCitation(title, None, legal_basis, policy.key)]
    if allow_short and policy.short and style != "number" and rng.random() < 0.6:
        text += f"《{policy.short}》指出，要加强统筹协调，强化政策支撑。"
        found.append(ExpectedCitation(policy.short, None, legal_basis, policy.key))
    return text, found


def _citing(policies: list[Policy], rng: random.Random, *, legal_basis: bool) -> tuple[list[str], list[ExpectedCitation]]:
    """Citations of ``policies`` in one text, a 文号 standing alone after every 《title》.

    (A 文号 written before a title in the same section is paired with that
    title by ``loaders.citations.find_citations``; the documents seen so far
    write lone 文号 after the titles, and so does the corpus.)
    """
    cited = [_cite(p, rng, legal_basis, allow_short=legal_basis) for p in policies]
    cited.sort(key=lambda c: c[1][0].title is None)
    return [text for text, _ in cited], [c for _, found in cited for c in found]


def _indicator_rows(programme: Programme, rng: random.Random) -> list[tuple[str, str, str, str]]:
    rows = []
    rng = programme.draws(rng, "targets")
    for k in programme.indicators:
        level1, level2, name, target = INDICATORS[k]
        rows.append((level1, level2, name, target.format(n=rng.randint(1, 40), d=rng.randint(1, 9))))
    return rows


# ---------------------------------------------------------------------------- one project, shared by layouts


@dataclass
class ProjectText:
    """What a project says, before it is laid out as PDF text or OCR cells."""

    name: str
    annual: Decimal  # yuan
    sections: dict[str, str]  # section name -> text (ordered as in the document)
    children: list[tuple[str, Decimal, str]]  # (二级项目 name, yuan, budget item label)
    indicators: list[tuple[str, str, str, str]]
    goal: str
    expected: list[ExpectedProject]


def _project_text(programme: Programme, year: int, department: str, rng: random.Random) -> ProjectText:
    name = programme.name_in(year)
    drift = Decimal(rng.randint(80, 125)) / 100
    annual_wan = (programme.base_wan * drift).quantize(Decimal("0.1"))
    children: list[tuple[str, Decimal, str]] = []
    if programme.subprojects:
        shares = programme.draws(rng, "shares")
        parts = [Decimal(shares.randint(2, 9)) for _ in programme.subprojects]
        scale = annual_wan / sum(parts)
        amounts = [(p * scale).quantize(Decimal("0.1")) for p in parts[:-1]]
        amounts.append(annual_wan - sum(amounts, Decimal(0)))
        for stem, wan in zip(programme.subprojects, amounts, strict=True):
            children.append((stem, wan * 10000, f"{stem}-{programme.theme}{rng.choice(('专题', '活动', '服务'))}"))
    annual = annual_wan * 10000
    basis_parts, citations = _citing(programme.policies, rng, legal_basis=True)
    overview = f"{name}项目：" + _sentence(rng, programme.theme)
    if children:
        items = "".join(f"（{'一二三四五六七八九十'[k]}）“{c[0]}”项目。主要实施内容为：" + _sentence(rng, programme.theme)
                        for k, c in enumerate(children))
        overview = f"“{name}”项目包含{'一二三四五六七八九十'[len(children) - 1]}个二级项目。" + items
        budget = f"该项目年度财政资金预算安排金额 {_wan(annual_wan)} 万元。其中，" + "，".join(
            f"“{label}”项目预计 {_wan(yuan / 10000)} 万元" for _, yuan, label in children) + "。"
    else:
        budget = f"预算资金 {_wan(annual_wan)} 万元。"
    sections = {
        "项目概述": overview,
        "立项依据": "1.文件依据：" + "".join(basis_parts) + _sentence(rng, programme.theme),
        "实施主体": f"{programme.division}负责项目的组织实施。" + _sentence(rng, programme.theme),
        "实施方案": _sentence(rng, programme.theme) + _sentence(rng, programme.theme),
        "实施周期": f"{year} 年 1 月 1 日至 {year} 年 12 月 31 日",
        "年度预算安排": budget,
        "绩效目标": "详见单位的项目绩效目标表",
    }
    indicators = _indicator_rows(programme, rng)
    unit = programme.unit
    expected = [ExpectedProject(name, None, str(annual), str(annual), budget_unit=unit,
                                indicators=[(n, t) for _, _, n, t in indicators], citations=citations)]
    for stem, yuan, _ in children:
        expected.append(ExpectedProject(stem, name, str(yuan), budget_unit=unit))
    goal = "".join(f.format(t=programme.theme) + "。" for f in rng.sample(FILLER, 2))
    return ProjectText(name, annual, sections, children, indicators, goal, expected)


# ---------------------------------------------------------------------------- layouts


def _pdf_lines(lines: list[str]) -> list[str]:
    """PDF text: a blank line after every visual line."""
    out = []
    for line in lines:
        out += [line, ""]
    return out


def _title_and_summary(department: str, year: int, units: int, projects: list[ProjectText]) -> list[str]:
    total = sum((p.annual for p in projects), Decimal(0)) / 10000
    return [
        f" {_spaced(department)}{year}",
        "年财政支出项目绩效目标申报表",
        "绩效目标设置情况",
        f"按照本市预算绩效管理工作的总体要求，本部门 {units}个预算单位开",
        f"展了 {year} 年项目预算绩效目标编报工作，编报绩效目标的项目 {len(projects)}个，",
        f"涉及项目预算资金 {total:.2f} 万元。",
    ]


def _narrative(k: int, project: ProjectText, *, wrap: bool) -> list[str]:
    lines = [f"项目经费情况说明 {k}"]
    numerals = "一二三四五六七"
    for i, (section, text) in enumerate(project.sections.items()):
        lines.append(f"{numerals[i]}、{section}")
        lines += _wrap(_spaced(text)) if wrap else [_spaced(text)]
    return lines


def _text_form(k: int, project: ProjectText, department: str, year: int) -> list[str]:
    dept = _spaced(department)
    half = len(dept) // 2
    money = _yuan(project.annual)
    lines = [
        f"财政项目支出绩效目标申报表 {k}",
        f"（{year} 年度）",
        f"项目名称 {_spaced(project.name)} 项目性质 其他经常性项目",
        "项目类", "别", "其他运转类",
        "主管部门", dept[:half], dept[half:],
        f"实施单位 {dept}",
        f"计划开始日期 {year}-01-01 计划完成日期 {year}-12-31",
        "项目资金", "（元）",
        f"项目资金总额 {money} 年度资金申请总额 {money}",
        f"其中：财政资金 {money}",
        f"其中：当年财政拨款 {money}",
        "上年结转资金 0.00",
        "其他资金 其他资金 0.00",
        "项", "目", "绩", "效", "目", "标",
        "项目总目标 年度总体目标",
    ]
    lines += _wrap(_spaced(project.goal), 24)
    lines += ["一级指标 二级指标 三级指标 年度(/项目)指标值", "绩", "效", "指", "标"]
    level1 = level2 = None
    for l1, l2, name, target in project.indicators:
        if l1 != level1:
            lines.append(l1)
            level1, level2 = l1, None
        if l2 != level2:
            lines.append(l2)
            level2 = l2
        lines.append(f"{_spaced(name)} {target}")
    return lines


def write_declaration_text(department: str, year: int, projects: list[ProjectText], units: list[str]) -> str:
    lines = _title_and_summary(department, year, max(1, len(units)), projects)
    current_unit: str | None = None
    for k, project in enumerate(projects, 1):
        unit = project.expected[0].budget_unit
        if unit and unit != current_unit:
            lines.append(unit)
            current_unit = unit
        lines += _narrative(k, project, wrap=True)
        lines += _text_form(k, project, department, year)
    return "\n".join(_pdf_lines(lines))


def _tsv_form(k: int, project: ProjectText, department: str, year: int) -> list[str]:
    dept = _spaced(department)
    money = _yuan(project.annual, spaced=True)
    rows = [
        f"\t财政项目支出绩效目标申报表 {k}\t\t\t\t\t\t",
        f"\t\t\t({year}年度)\t\t\t\t",
        f"项目名称\t{_spaced(project.name)}\t项目性质\t其他经常性项目\t项目类别\t其他运转类\t",
        f"主管部门\t{dept}\t实施单位\t{dept}\t\t\t",
        f"计划开始日期\t{year}-01-01\t计划完成日期\t{year}-12-31\t\t",
        f"\t\t项目资金总额\t{money}\t年度资金申请总额\t\t{money}\t",
        f"\t\t其中:财政资金\t{money}\t其中: 当年财政拨款\t\t{money}\t",
        "\t(元)\t上年结转资金\t\t0\t\t\t",
        "\t\t其他资金\t\t其他资金\t\t0\t",
        "\t\t项目总目标\t\t年度总体目标\t\t",
        _spaced(project.goal),
        "\t一级指标\t二级指标\t三级指标\t\t年度(/项目)指标值\t",
    ]
    level1 = level2 = None
    for l1, l2, name, target in project.indicators:
        cells = [l1 if l1 != level1 else "", l2 if l2 != level2 else ""]
        level1, level2 = l1, l2
        rows.append("\t" + "\t".join(cells) + f"\t{_spaced(name)}\t{target}")
    return rows


def write_declaration_tsv(department: str, year: int, projects: list[ProjectText]) -> str:
    total = sum((p.annual for p in projects), Decimal(0)) / 10000
    lines = [
        f"{_spaced(department)} {year} 年财政支出项目绩效目标申报表", "",
        "绩效目标设置情况", "",
        f"按照本市预算绩效管理工作的总体要求,本部门1个预算单位开展了{year}年项目预算绩效目标编报工作,"
        f"编报绩效目标的项目{len(projects)}个,涉及项目预算资金{total:.2f}万元。", "",
    ]
    for k, project in enumerate(projects, 1):
        for line in _narrative(k, project, wrap=False):
            lines += [line, ""]
        lines += _tsv_form(k, project, department, year)
        lines.append("")
    return "\n".join(lines)


def _self_evaluation(programme: Programme, year: int, department: str, rng: random.Random) -> tuple[list[str], ExpectedProject]:
    name = programme.name_in(year)
    initial = (programme.base_wan * Decimal(rng.randint(80, 125)) / 100).quantize(Decimal("0.1")) * 10000
    adjusted = (initial * Decimal(rng.randint(70, 100)) / 100).quantize(Decimal("0.01"))
    executed = (adjusted * Decimal(rng.randint(85, 100)) / 100).quantize(Decimal("0.01"))
    rate = (executed / adjusted * 100).quantize(Decimal("1")) if adjusted else Decimal(0)
    goal_parts, citations = _citing(programme.policies[:2], rng, legal_basis=False)
    goal = "".join(goal_parts) + _sentence(rng, programme.theme)
    achieved = "已完成年度目标。" + _sentence(rng, programme.theme)
    dept = department
    rows = [
        "财政项目支出绩效自评表\t\t\t\t\t\t\t",
        f"({year} 年度)\t\t\t\t\t\t\t",
        f"项目名称\t{name}\t\t\t\t\t\t",
        f"主管部门\t{dept}\t\t\t实施单位\t{dept}\t\t",
        "项目资金 (元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
        f"\t年度资金总额\t{_yuan(initial)}\t{_yuan(adjusted)}\t{_yuan(executed)}\t10\t{rate}%\t10",
        f"\t其中：当年财政拨款\t{initial:.0f}\t{_yuan(adjusted)}\t{_yuan(executed)}\t—\t\t",
        "\t上年结转资金\t0\t0\t\t—\t\t",
        "\t其他资金\t0\t0\t\t—\t\t",
        "年度 总体 目标\t预期目标\t\t\t实际完成情况\t\t\t",
        f"\t<p>{goal}</p>\t\t\t{achieved}\t\t\t",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
    ]
    indicators = _indicator_rows(programme, rng)
    weights = _weights(len(indicators), rng)
    level1 = level2 = None
    for (l1, l2, ind, target), weight in zip(indicators, weights, strict=True):
        cells = [l1 if l1 != level1 else "", l2 if l2 != level2 else ""]
        level1, level2 = l1, l2
        rows.append("\t".join(cells) + f"\t{ind}\t{target}\t{target}\t{weight}\t{weight}\t无")
    rows.append("总分\t\t\t\t\t100\t100\t\t")
    expected = ExpectedProject(name, None, None, initial_yuan=str(initial), adjusted_yuan=str(adjusted),
                               executed_yuan=str(executed), indicators=[(n, t) for _, _, n, t in indicators],
                               citations=citations)
    return rows, expected


def _weights(n: int, rng: random.Random) -> list[int]:
    base = [90 // n] * n
    base[0] += 90 - sum(base)
    return base


def write_self_evaluation(department: str, year: int, programmes: list[Programme],
                          rng: random.Random) -> tuple[str, list[ExpectedProject]]:
    lines: list[str] = ["", ""]
    expected = []
    for programme in programmes:
        rows, project = _self_evaluation(programme, year, department, rng)
        lines += rows + [""]
        expected.append(project)
    return "\n".join(lines), expected


# ---------------------------------------------------------------------------- the corpus


def _layout(rng: random.Random, kind: str) -> str:
    if kind == "self-evaluation":
        return "self-evaluation-tsv"
    pick = rng.randrange(sum(w for _, w in DECLARATION_LAYOUTS))
    for name, weight in DECLARATION_LAYOUTS:
        if pick < weight:
            return name
        pick -= weight
    return DECLARATION_LAYOUTS[0][0]


def plan(n: int, seed: int = 0, inject: float = 0.0, steady: bool = False) -> list[tuple[str, ExpectedDocument]]:
    """The ``n`` documents of the corpus: (file text, what it states), in file order.

    ``steady``: each programme keeps its indicator targets and its sub-projects' shares from year to year
    (its money still drifts 80–125 %), so the corpus holds no contradiction across years; without it
    each year's targets and shares are drawn afresh.

    ``inject``: the fraction of documents (drawn from a generator of their own, so the others are
    unchanged) into which ``bench.inject`` writes one known contradiction, recorded in ``injected``.
    """
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    history: dict[tuple[str, str, int], list[dict[str, object]]] = {}
    shared, local = _policies(rng)
    programmes: dict[tuple[str, str], tuple[list[Programme], list[str]]] = {}
    documents = []
    for index, (district, _abbr, dept, themes, year, kind) in enumerate(_slots(n, rng)):
        department = f"上海市{district}{dept}"
        if (district, dept) not in programmes:
            units: list[str] = []
            if rng.random() < 0.15:
                units = [f"{department}(本级)", f"上海市{district}{rng.choice(DEPARTMENTS[43:])[0]}"]
            programmes[(district, dept)] = (
                _programmes(rng, themes, shared, local[district], units or [None]),  # type: ignore[arg-type]
                units,
            )
            for programme in programmes[(district, dept)][0]:
                programme.steady = steady
        pool, units = programmes[(district, dept)]
        active = [p for p in pool if p.first_year <= year] or pool[:1]
        if units:
            active = sorted(active, key=lambda p: units.index(p.unit))  # type: ignore[arg-type]
        layout = _layout(rng, kind)
        if layout == "self-evaluation-tsv":
            text, expected = write_self_evaluation(department, year, active, rng)
        else:
            texts = [_project_text(p, year, department, rng) for p in active]
            if layout == "declaration-text":
                text = write_declaration_text(department, year, texts, units)
            else:
                texts = [t for t in texts if not t.children] or texts[:1]
                for t in texts:
                    t.expected[0].budget_unit = None
                text = write_declaration_tsv(department, year, [t for t in texts if not t.children] or texts)
            expected = [e for t in texts for e in t.expected]
        injected = None
        if inject and random.Random(f"{seed}:{index}:inject").random() < inject:
            context = Context(layout, year, [asdict(e) for e in expected], history.get((district, dept, year - 1), []))
            done = inject_contradiction(text, context, counts)
            if done is not None:
                text, injected = done
        if kind == "declaration":  # a rule across years compares with last year's document as generated
            history[(district, dept, year)] = [] if injected else [asdict(e) for e in expected]
        text += "\n"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        file = f"{index:05d}_{digest}.txt"
        documents.append((text, ExpectedDocument(file, layout, kind, department, year, district, expected, injected)))
    return documents


def generate(n: int, out_dir: str | Path, seed: int = 0, inject: float = 0.0,
             steady: bool = False) -> list[ExpectedDocument]:
    """Write ``n`` documents into ``out_dir`` (emptied first) and ``manifest.json`` beside them.

    ``inject`` > 0 writes a known contradiction into that fraction of the documents (``plan``); each
    manifest entry then says which (``injected``: rule and change), entries without one say nothing.

    Returns: what each document states, in file order. Deterministic: the same
    ``n`` and ``seed`` give byte-identical files.
    """
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    docs_dir = out / "documents"
    docs_dir.mkdir(parents=True)
    manifest = []
    for text, expected in plan(n, seed, inject, steady):
        (docs_dir / expected.file).write_bytes(text.encode("utf-8"))
        manifest.append(expected)
    (out / "manifest.json").write_text(
        json.dumps([{k: v for k, v in asdict(m).items() if k != "injected" or v is not None} for m in manifest],
                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("out", type=Path, help="folder to write (emptied first): documents/ and manifest.json")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inject", type=float, default=0.0,
                        help="fraction of documents given one known contradiction (recorded in the manifest)")
    parser.add_argument("--steady", action="store_true",
                        help="programmes keep their targets and sub-project shares from year to year")
    args = parser.parse_args(argv)
    manifest = generate(args.n, args.out, args.seed, args.inject, args.steady)
    print(f"wrote {len(manifest)} documents to {args.out / 'documents'}")


if __name__ == "__main__":
    main()
