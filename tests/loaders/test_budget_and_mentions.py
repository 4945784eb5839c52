"""Budget lines and mentions of places and organizations, checked on the seeds (values read from the documents)."""

from __future__ import annotations

from decimal import Decimal

from policykg.loaders import Document


def project(doc: Document, name: str, unit: str | None = None):
    return next(p for p in doc.projects if p.name == name and (unit is None or p.implementing_unit == unit))


def lines(doc: Document, name: str, unit: str | None = None) -> list[tuple]:
    return [(b.label, b.amount.yuan if b.amount else None, b.quantity, b.quantity_unit,
             b.unit_price.yuan if b.unit_price else None) for b in project(doc, name, unit).budget_lines]


def test_office_expenses_with_quantity_and_unit_price(documents: dict[str, Document]) -> None:
    # 002 lines 199-213
    assert lines(documents["002_5ed4d149ac1e0066.txt"], "G60日常办公经费") == [
        ("台式计算机", Decimal(48000), Decimal(8), "台", Decimal(6000)),
        ("差旅费", Decimal(60000), None, None, None),
        ("水费", Decimal(4000), None, None, None),
        ("电费", Decimal(65000), None, None, None),
        ("公务接待费", Decimal(7600), None, None, None),
        ("物业管理费", Decimal(149000), None, None, None),
        ("邮电费", Decimal(45000), None, None, None),
        ("其余", Decimal(621400), None, None, None),
    ]


def test_a_product_gives_quantity_and_unit_price(documents: dict[str, Document]) -> None:
    # 002 lines 364-366: 每人每月 0.3 万元*16 人*12 月=57.6 万
    first = lines(documents["002_5ed4d149ac1e0066.txt"], "派驻干部费用")[0]
    assert first[1:] == (Decimal(576000), Decimal(192), "人·月", Decimal(3000))


def test_items_of_a_wan_list(documents: dict[str, Document]) -> None:
    # 004 lines 5660-5662: 科技馆 年度预算安排
    found = lines(documents["004_b5c1e20c1c71ec69.txt"], "科普工作", "上海市松江区科技馆")
    assert [(label, amount) for label, amount, *_ in found] == [
        ("科技馆展厅运作费", Decimal(350000)), ("科普活动费", Decimal(400000)), ("科普临时展览引进费", Decimal(800000)),
        ("科普书刊采购费", Decimal(50000)), ("展区展品改造费", Decimal(400000))]


def test_unit_price_in_brackets(documents: dict[str, Document]) -> None:
    # 004 line 759: 高企专家评审费 39 万元（1300 家*300 元）
    assert lines(documents["004_b5c1e20c1c71ec69.txt"], "科技发展管理费项目")[0] == (
        "高企专家评审费", Decimal(390000), Decimal(1300), "家", Decimal(300))


def test_payment_schedule_is_not_a_budget_line(documents: dict[str, Document]) -> None:
    # 004 lines 766-774 (三季度：拨付高企专家评审费 39 万元 …) repeat the estimate; only the estimate counts.
    found = lines(documents["004_b5c1e20c1c71ec69.txt"], "科技发展管理费项目")
    assert sum(amount for _, amount, *_ in found) == Decimal(1210000)


def test_places_and_organizations(documents: dict[str, Document]) -> None:
    g60 = project(documents["000_f23fd64354a9b39b.txt"], "G60科创走廊建设")
    places = {m.canonical for m in g60.mentions if m.kind == "place"}
    assert {"松江", "嘉兴", "杭州", "金华", "苏州", "湖州", "宣城", "芜湖", "合肥", "三省一市"} <= places  # lines 366-368, 33
    orgs = {(m.name, m.canonical) for m in g60.mentions if m.kind == "organization"}
    assert ("上海证券交易所", "上海证券交易所") in orgs  # line 80
    finance = project(documents["001_02eda4b669ee2409.txt"], "金融赋能")
    assert ("上交所", "上海证券交易所") in {(m.name, m.canonical) for m in finance.mentions}  # line 150
    industry = project(documents["002_5ed4d149ac1e0066.txt"], "产业要素对接")
    assert {"中国商飞", "腾讯"} <= {m.name for m in industry.mentions}  # line 978
