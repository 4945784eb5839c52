"""Typed records the loaders return: plain, frozen data with provenance.

Records never hold RDF terms. Money is always ``Decimal`` yuan (万元 is
multiplied by 10 000 when parsed) and keeps the text as written. Every record
that states a fact carries the 1-based line of the source file where it starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from policykg.loaders.grid import Origin
from policykg.loaders.pickling import fast_pickling


@fast_pickling
@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money as written in a form or in the narrative."""

    yuan: Decimal  # always yuan; 万元 × 10 000 at parse time
    text: str  # as written, e.g. "530.00万元" or "2, 000, 000. 00"
    line: int  # 1-based line in the source file


@fast_pickling
@dataclass(frozen=True, slots=True)
class Target:
    """An indicator value (年度指标值 or 实际完成值), as written and parsed.

    ``comparator`` is one of ``≥ ≤ = > <`` (``>=`` and ``≪`` are normalized),
    ``value`` the first number, ``unit`` the text after it (``%``, ``场``,
    ``元/个``). Qualitative targets (完成, 及时, 提升 …) keep only ``text``.
    """

    text: str
    comparator: str | None = None
    value: Decimal | None = None
    unit: str | None = None


@fast_pickling
@dataclass(frozen=True, slots=True)
class Indicator:
    """One performance indicator row (三级指标) of a project's table."""

    name: str
    line: int
    level1: str | None  # 一级指标 as written, e.g. 产出指标
    level2: str | None  # 二级指标 as written, e.g. 数量指标
    target: Target | None  # 年度指标值
    actual: Target | None = None  # 实际完成值 (self-evaluation)
    weight: Decimal | None = None  # 分值
    score: Decimal | None = None  # 得分
    deviation_note: str | None = None  # 偏差原因分析及改进措施


@fast_pickling
@dataclass(frozen=True, slots=True)
class Citation:
    """A policy document cited in a project's text: 《title》 and/or 文号."""

    title: str | None  # normalized, without 《》
    doc_number: str | None  # normalized 文号, e.g. 沪松府规〔2019〕23号
    line: int
    legal_basis: bool  # True when it stands in 立项依据 (legal basis)
    text: str  # the mention as written (normalized spacing)
    quote: str | None = None  # the requirement quoted from it ("《建设方案》指出要：“……”")


@fast_pickling
@dataclass(frozen=True, slots=True)
class Mention:
    """A place or organization named in a project's text."""

    kind: str  # "place" or "organization"
    name: str  # as written, normalized (上交所, 九城市, 毕马威中国)
    line: int
    canonical: str | None = None  # the name the pattern data gives it (上交所 -> 上海证券交易所)


@fast_pickling
@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One item of 六、年度预算安排: label and amount, quantity × unit price if given."""

    label: str
    amount: Amount | None
    line: int
    quantity: Decimal | None = None
    quantity_unit: str | None = None
    unit_price: Amount | None = None


@fast_pickling
@dataclass(frozen=True, slots=True)
class Funds:
    """The money fields of a project's form, each ``None`` when the form lacks it.

    Declarations (绩效目标申报表): 项目资金总额 ``total``, 年度资金申请总额
    ``annual``, 财政资金 ``fiscal``, 当年财政拨款 ``appropriation``, 上年结转资金
    ``carry_over``, 其他资金 ``other``. Self-evaluations (绩效自评表): 年初预算数
    ``initial``, 全年预算数 ``adjusted``, 全年执行数 ``executed`` of 年度资金总额,
    with 执行率 ``execution_rate`` (a fraction, 100% = 1), 分值 and 得分.
    """

    total: Amount | None = None
    annual: Amount | None = None
    fiscal: Amount | None = None
    appropriation: Amount | None = None
    carry_over: Amount | None = None
    other: Amount | None = None
    initial: Amount | None = None
    adjusted: Amount | None = None
    executed: Amount | None = None
    execution_rate: Decimal | None = None
    weight: Decimal | None = None
    score: Decimal | None = None


@fast_pickling
@dataclass(frozen=True, slots=True)
class Project:
    """One budgeted project or sub-project (二级项目/子项目) of one document.

    ``parent`` names the project it belongs to in the same document (``None``
    for a top-level project). ``department`` is 主管部门, ``implementing_unit``
    实施单位, ``budget_unit`` the 预算单位 heading it is listed under, and
    ``division`` the 实施主体 (responsible division) as written.
    """

    name: str
    line: int
    fiscal_year: int | None
    department: str | None = None
    implementing_unit: str | None = None
    parent: str | None = None
    budget_unit: str | None = None
    division: str | None = None
    nature: str | None = None  # 项目性质
    category: str | None = None  # 项目类别
    start_date: date | None = None
    end_date: date | None = None
    period: str | None = None  # 实施周期 as written ("2023 年 1 月至 2023 年 12 月")
    funds: Funds = field(default_factory=Funds)
    overview: str | None = None
    overall_goal: str | None = None
    annual_goal: str | None = None
    achieved: str | None = None  # 实际完成情况 of a self-evaluation
    total_score: Decimal | None = None  # 总分 of a self-evaluation
    heading: str | None = None  # the narrative heading when it differs from the form's name
    citations: tuple[Citation, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    budget_lines: tuple[BudgetLine, ...] = ()
    mentions: tuple[Mention, ...] = ()


@fast_pickling
@dataclass(frozen=True, slots=True)
class Finding:
    """Something in a document that was not understood or does not add up.

    ``kind`` is ``unexplained`` (a line, or run of lines, whose content no record holds),
    ``inconsistent`` (the document contradicts itself; recorded, not corrected),
    ``missing`` (a part the form should have but does not) or ``doubtful`` (read, but only by tolerating
    an OCR slip: a garbled or split label, kept as written).
    """

    kind: str
    line: int | None
    message: str
    text: str = ""


@fast_pickling
@dataclass(frozen=True, slots=True)
class Document:
    """Everything read from one source file."""

    path: str  # as given by the caller
    file_name: str
    sha256: str
    layout: str  # registry name of the layout that read it
    kind: str  # "declaration" (绩效目标申报表) or "self-evaluation" (绩效自评表)
    title: str | None
    department: str | None  # the department (主管部门) the document is issued for
    fiscal_year: int | None
    line_count: int
    declared_total: Amount | None = None  # 涉及项目预算资金 of 绩效目标设置情况
    declared_project_count: int | None = None  # 编报绩效目标的项目 N 个
    declared_unit_count: int | None = None  # N 个预算单位
    projects: tuple[Project, ...] = ()
    findings: tuple[Finding, ...] = ()
    covered_lines: frozenset[int] = frozenset()  # 1-based lines whose fact reached a record, or structure
    text_lines: frozenset[int] = frozenset()  # 1-based lines holding any text
    format: str = "text"  # the reader that read the file: text, pdf, docx, xlsx, xls, html, ocr
    # For files other than text: the origin (page, sheet!cell, table/row/column) of each
    # 1-based line of the file's text rendering, origins[line - 1]; empty for text files.
    origins: tuple[Origin, ...] = ()
    reason: str = ""  # why the file was read as this kind of form (title, labels found)
