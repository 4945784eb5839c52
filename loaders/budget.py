"""六、年度预算安排 (annual budget) text -> budget lines.

The section is prose with enumerated items, in every district's forms alike:

    （1）台式计算机 8台，单价 0.6 万，4.8 万；（2）差旅费 6 万；…
    1、派驻干部费用：八城市派驻干部每人每月 0.3 万元*16 人*12 月=57.6 万
    1.资金测算：高企专家评审费 39 万元（1300 家*300 元）；高企高转统计服务费 42 万元；…
    预计小巨人认定 6家*120 万=720 万、小巨人培育 5家*76 万=380 万，合计 1100 万元
    科技馆展厅运作费 35 万，科普活动费 40 万，…

An item is a label and a sum; a unit price (单价, 每…, a product ``0.3 万元*16 人*12 月=57.6 万``)
and a quantity are kept when the text gives them. Not items: totals (合计, 共计,
申请资金 …), a sum that adds up the items written next to it, a section whose
only sum is the project's own amount, and the 资金类型 / 执行计划 parts (fund
type, payment schedule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from policykg.loaders.amounts import amounts_in_text, to_yuan
from policykg.loaders.citations import TextSpan
from policykg.loaders.records import Amount, BudgetLine

_STOP = re.compile(r"(?:\d\s*[.、．]\s*)?(?:资金类型|资助类型|资金性质|执行计划|测算方式)")
_ENUMERATOR = re.compile(r"(?:[(（]\d{1,2}[)）]|(?<![\d.])\d{1,2}\s*[.、．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])")
_CLAUSE_END = re.compile(r"[；;。]")
_TOTAL_WORDS = re.compile(r"合计|共计|总计|申请资金|预算资金|总预算|预算金额|项目资金为|预算总额|总金额|综上所述|小计")
_HEADER = re.compile(r"^(?:\d\s*[.、．])?\s*(?:资金测算|测算如下|经费使用测算如下|测算依据|其中|主要包括|包括)$")
_LEAD = re.compile(r"^(?:资金测算|测算如下|经费使用测算如下|其中|主要包括|包括|预计|计划|开展|组织|制作|举办|用于)[:：,，]?")
_TAIL = re.compile(r"(?:预计(?:使用经费|拨付资金)?|使用经费|需|约|共|为|应为|计|金额为?|需求为|资金需求为?|按照?|[,，、])$")
_PRICE_WORDS = re.compile(r"单价|每(?:人|家|个|份|次|项|台|场|本|册|月|平)+")
_QUANTITY = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[台家个份人项次场本册篇间平月辆套讲节])")
_MONEY = r"(?:万元|万|元)"
# 0.3 万元*16 人*12 月=57.6 万 ; 10 万元／项*195 项=1950 万元 ; 6家*120 万=720 万
_FORMULA = re.compile(
    rf"(?P<factors>\d+(?:\.\d+)?\s*(?:{_MONEY}(?:\s*[/／]\s*[\u4e00-\u9fff])?|[\u4e00-\u9fff]{{0,2}})"
    rf"(?:\s*[*×]\s*\d+(?:\.\d+)?\s*(?:{_MONEY}(?:\s*[/／]\s*[\u4e00-\u9fff])?|[\u4e00-\u9fff]{{0,2}}))+)"
    rf"\s*=\s*(?P<total>\d+(?:\.\d+)?)\s*(?P<unit>{_MONEY})"
)
_FACTOR = re.compile(rf"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>{_MONEY}(?:\s*[/／]\s*[\u4e00-\u9fff])?|[\u4e00-\u9fff]{{0,2}})")


@dataclass(frozen=True, slots=True)
class _Formula:
    total: Decimal  # yuan
    total_text: str
    unit_price: Decimal | None
    price_text: str | None
    quantity: Decimal | None
    quantity_unit: str | None


def budget_lines(span: TextSpan, project_amount: Decimal | None = None) -> list[BudgetLine]:
    """Items of one 年度预算安排 section, in text order.

    ``span``: the section's text joined from its lines (cleaned, 1-based line map).
    ``project_amount``: the project's annual request in yuan, when known; a
    section whose only item is that amount states the total, not an item.
    Returns: BudgetLines with yuan amounts.
    """
    text = span.text
    stop = _STOP.search(text)
    body = text[:stop.start()] if stop else text
    groups: list[int] = []
    items: list[BudgetLine] = []
    heads: list[tuple[int, int]] = []  # (index of an item followed by 包括/其中, its enumerated group)
    group = 0
    for start, clause in _clauses(body):
        group += bool(_ENUMERATOR.match(clause.strip()))
        for part_start, part in _parts(clause):
            following = clause[part_start + len(part):]
            for item, breakdown in _items(part, span, start + part_start, following):
                if breakdown:
                    heads.append((len(items), group))
                items.append(item)
                groups.append(group)
    items = _drop_subtotals(items, heads, groups)
    if len(items) == 1 and items[0].unit_price is None and (
        project_amount is None or (items[0].amount is not None and items[0].amount.yuan == project_amount)
    ):
        return []
    return items


def _clauses(text: str) -> list[tuple[int, str]]:
    cuts = sorted({0, len(text)} | {m.start() for m in _ENUMERATOR.finditer(text)}
                  | {m.end() for m in _CLAUSE_END.finditer(text)})
    return [(a, text[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]


def _parts(clause: str) -> list[tuple[int, str]]:
    """Split "A 35 万，B 40 万" and "A 200 万元、B 100 万元" into items; keep "台式计算机 8台，单价 0.6 万，4.8 万" whole.

    Commas inside brackets do not split. A piece without a sum is the start of
    the next item's label; a sum without a label (or a unit price) stays with
    the item before it; a total (合计 …) is a piece of its own.
    """
    pieces, position, depth = [], 0, 0
    for i, ch in enumerate(clause):
        depth += ch in "(（"
        depth -= ch in ")）" and depth > 0
        if ch in ",，、" and depth == 0:
            pieces.append((position, clause[position:i]))
            position = i + 1
    pieces.append((position, clause[position:]))
    merged: list[tuple[int, str]] = []
    buffer: tuple[int, str] | None = None
    for start, piece in pieces:
        amounts = _sums(piece)
        if buffer is None:
            buffer = (start, piece)
            continue
        buffer_has_amount = bool(_sums(buffer[1]))
        formula = _FORMULA.search(piece)
        prefix = piece[:min(amounts[0][0], formula.start() if formula else len(piece))] if amounts else piece
        own_label = _label(prefix) if amounts else ""
        total = bool(amounts) and bool(_TOTAL_WORDS.search(prefix))
        if not amounts:
            if buffer_has_amount:
                merged.append(buffer)
                buffer = (start, piece)
            else:
                buffer = (buffer[0], clause[buffer[0]:start + len(piece)])
        elif not total and (not buffer_has_amount or not own_label or _PRICE_WORDS.search(prefix)):
            buffer = (buffer[0], clause[buffer[0]:start + len(piece)])
        else:
            merged.append(buffer)
            buffer = (start, piece)
    if buffer is not None:
        merged.append(buffer)
    return merged


def _sums(text: str) -> list[tuple[int, int, Amount]]:
    """Sums not inside brackets, unless the brackets hold the only sums ("…相关工作（50 万元）").

    Thresholds of a rate schedule ("50 万元以下 1000 元/个、50-300 万元 1%") are not sums.
    """
    found = [f for f in amounts_in_text(text, 0)
             if not re.match(r"\s*(?:以下|以上|以内|及以上|及以下)", text[f[1]:])
             and not re.search(r"\d\s*[-~至]\s*$", text[:f[0]])]
    outside = [f for f in found if text[:f[0]].count("(") + text[:f[0]].count("（")
               <= text[:f[0]].count(")") + text[:f[0]].count("）")]
    return outside or found


def _label(text: str) -> str:
    text = text.strip()
    text = _ENUMERATOR.sub("", text, count=1) if _ENUMERATOR.match(text) else text
    text = re.sub(r"^[\s:：,，。;；、]+|[\s:：,，;；=(（、]+$", "", text)
    head, colon, tail = re.split(r"([:：])", text, maxsplit=1) if re.search(r"[:：]", text) else (text, "", "")
    while colon and (_HEADER.match(head.strip()) or re.search(r"(?:测算如下|如下)$", head.strip())):
        head, colon, tail = re.split(r"([:：])", tail, maxsplit=1) if re.search(r"[:：]", tail) else (tail, "", "")
    label = head if colon and len(head.strip()) >= 2 else (head + colon + tail if colon else head)
    label = re.sub(r"[,，]?\s*(?:单价|每\s*[\u4e00-\u9fff]{1,2})$", "", label)
    previous = None
    while previous != label:
        previous = label
        label = _LEAD.sub("", label).strip(" :：,，")
        label = _TAIL.sub("", label).strip(" :：,，")
    if _QUANTITY.search(label[-6:]) and not _QUANTITY.fullmatch(label):
        label = label[:-6] + _QUANTITY.sub("", label[-6:])
    return re.sub(r"\s+", "", label).strip(" :：,，、")


def _formula(text: str) -> _Formula | None:
    m = _FORMULA.search(text)
    if m is None:
        return None
    total_unit = m.group("unit")
    factors = [(f.group("n"), f.group("unit").strip()) for f in _FACTOR.finditer(m.group("factors"))]
    money = [(n, u) for n, u in factors if re.match(_MONEY, u)]
    others = [(n, u) for n, u in factors if not re.match(_MONEY, u)]
    price = price_text = None
    if len(money) == 1:
        number, unit = money[0]
        price, price_text = to_yuan(Decimal(number), re.match(_MONEY, unit).group(0)), f"{number}{unit}"  # type: ignore[union-attr]
    quantity = None
    if others and price is not None:
        quantity = Decimal(1)
        for number, _ in others:
            quantity *= Decimal(number)
    units = [u for _, u in others if u]
    return _Formula(to_yuan(Decimal(m.group("total")), total_unit), f"{m.group('total')}{total_unit}",
                    price, price_text, quantity, "·".join(units) or None)


def _items(part: str, span: TextSpan, offset: int, following: str = "") -> list[tuple[BudgetLine, bool]]:
    """One item per formula in ``part`` (6家*120 万=720 万、5家*76 万=380 万), else one for the part.

    Returns: (item, followed by 包括/其中 — it may add up the items after it).
    """
    formulas = list(_FORMULA.finditer(part))
    if len(formulas) > 1:
        items, position = [], 0
        for m in formulas:
            items += _items(part[position:m.end()], span, offset + position, "")
            position = m.end()
        return items
    amounts = _sums(part)
    if not amounts:
        return []
    first_start = formulas[0].start() if formulas else amounts[0][0]
    label = _label(part[:first_start])
    if not label or _TOTAL_WORDS.search(part[max(0, first_start - 10):first_start]) or _TOTAL_WORDS.fullmatch(label):
        return []
    at = part.find(label[:3]) if label[:3] in part else first_start
    line = span.line_at(offset + at)
    after = (part[amounts[-1][1]:] + following) if not formulas else ""
    breakdown = bool(re.match(r"[^。；;]{0,4}?(?:主要)?(?:包括|其中)", after))
    amount_line = span.line_at(offset + (formulas[-1].end() - 1 if formulas else amounts[-1][0]))
    return [(item, breakdown) for item in _item(part, label, line, amount_line, amounts, formulas)]


def _item(part: str, label: str, line: int, amount_line: int, amounts: list[tuple[int, int, Amount]],
          formulas: list[re.Match[str]]) -> list[BudgetLine]:
    first_start = formulas[0].start() if formulas else amounts[0][0]
    formula = _formula(part)
    if formula is not None:
        amount = Amount(formula.total, formula.total_text, amount_line)
        unit_price = Amount(formula.unit_price, formula.price_text or "", line) if formula.unit_price else None
        quantity, quantity_unit = formula.quantity, formula.quantity_unit
        if unit_price is None:
            price = next((a for s, _, a in amounts if _PRICE_WORDS.search(part[max(0, s - 4):s])), None)
            found = re.search(r"共\s*(?P<n>\d+)\s*(?P<unit>[\u4e00-\u9fff])", part)
            if price is not None and found:
                unit_price, quantity, quantity_unit = Amount(price.yuan, price.text, line), Decimal(found.group("n")), found.group("unit")
        return [BudgetLine(label=label, amount=amount, line=line, quantity=quantity, quantity_unit=quantity_unit,
                           unit_price=unit_price)]
    return _plain_item(part, label, line, amount_line, amounts, first_start)


def _plain_item(part: str, label: str, line: int, amount_line: int, amounts: list[tuple[int, int, Amount]],
                first_start: int) -> list[BudgetLine]:
    """An item without a product: its sum, and a unit price (单价, 每…, "（1300 家*300 元）") when given."""
    if len(amounts) == 1 and _PRICE_WORDS.search(part[max(0, amounts[0][0] - 16):amounts[0][0]]):
        return []  # a unit price on its own ("每个场所平均综合测试费用约 0.2 万元") is not a sum of the budget
    amount_found = amounts[-1][2]
    unit_price: Amount | None = None
    quantity: Decimal | None = None
    quantity_unit: str | None = None
    priced = next(((s, e, a) for s, e, a in amounts if _PRICE_WORDS.search(part[max(0, s - 4):s])), None)
    if priced is not None and len(amounts) >= 2:
        unit_price = priced[2]
        amount_found = next(a for s, e, a in reversed(amounts) if (s, e, a) != priced)
        found = _QUANTITY.search(part[:first_start])
        if found:
            quantity, quantity_unit = Decimal(found.group("n")), found.group("unit")
    paren = re.search(r"[(（]\s*(?P<n>\d+)\s*(?P<unit>[\u4e00-\u9fff]{1,2})\s*[*×]\s*(?P<price>\d+(?:\.\d+)?\s*(?:万元|元|万))\s*[)）]", part)
    if paren and unit_price is None:
        found_price = amounts_in_text(paren.group("price"), line)
        if found_price:
            unit_price = found_price[0][2]
            quantity, quantity_unit = Decimal(paren.group("n")), paren.group("unit")
            amount_found = amounts[0][2]
    return [BudgetLine(label=label, amount=Amount(amount_found.yuan, amount_found.text, amount_line), line=line,
                       quantity=quantity, quantity_unit=quantity_unit,
                       unit_price=Amount(unit_price.yuan, unit_price.text, line) if unit_price else None)]


def _drop_subtotals(items: list[BudgetLine], heads: list[tuple[int, int]], groups: list[int]) -> list[BudgetLine]:
    """Drop an item followed by 包括/其中 whose amount is the sum of the items after it in its enumerated item
    ("工业互联网项目 80 万元，包括 …（50 万元），…（20 万元）；…（10 万元）")."""
    dropped = set()
    for index, group in heads:
        head = items[index]
        parts = [items[k] for k in range(index + 1, len(items)) if groups[k] == group]
        if head.amount is not None and len(parts) >= 2 and all(p.amount for p in parts) and \
                sum((p.amount.yuan for p in parts if p.amount), Decimal(0)) == head.amount.yuan:
            dropped.add(index)
    return [item for k, item in enumerate(items) if k not in dropped]


_YEAR_COLUMN = re.compile(r"^(?P<year>\d{4})年(?:计划|预算)?(?:\((?P<unit>万元|元)\))?$")
_TOTAL_COLUMN = re.compile(r"^(?:合计|小计|总计)(?:\((?P<unit>万元|元)\))?$")
_UNIT_CELL = re.compile(r"^\((?P<unit>万元|元)\)$")
_NUMBERS = re.compile(r"(?:^|\s|(?<=[\u4e00-\u9fff)）]))(?P<nums>\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)+)$")


def year_plan(lines: list[tuple[int, str]], year: int) -> tuple[list[BudgetLine], Amount | None]:
    """A multi-year budget table in 年度预算安排: columns ``2021年计划（万元）`` … ``合计``.

    Returns: the rows' amounts in the column of ``year`` (yuan; the column
    header's unit applies) and the 合计 row's amount for that year, or
    ([], None) when the section has no such table or no column for ``year``.
    """
    columns: list[tuple[str, str]] = []  # (year or "total", unit)
    items: list[BudgetLine] = []
    total: Amount | None = None
    label: list[str] = []
    label_line: int | None = None
    for line, text in lines:
        squashed = re.sub(r"\s+", "", text)
        if m := _YEAR_COLUMN.match(squashed):
            columns.append((m.group("year"), m.group("unit") or "万元"))
            continue
        if (m := _TOTAL_COLUMN.match(squashed)) and not _NUMBERS.search(text):
            columns.append(("total", m.group("unit") or "万元"))
            continue
        if (m := _UNIT_CELL.match(squashed)) and columns:
            columns[-1] = (columns[-1][0], m.group("unit"))
            continue
        numbers = _NUMBERS.search(text)
        if not numbers or not columns:
            if not re.fullmatch(r"\d{1,2}|序号|费用名称|序号费用名称", squashed):
                label.append(squashed)
                label_line = label_line or line
            continue
        values = numbers.group("nums").split()
        if len(values) != len(columns) or str(year) not in [c for c, _ in columns]:
            label, label_line = [], None
            continue
        index = [c for c, _ in columns].index(str(year))
        unit = columns[index][1]
        name = re.sub(r"^\d{1,2}", "", "".join(label) + re.sub(r"\s+", "", text[:numbers.start()])).strip()
        amount = Amount(to_yuan(Decimal(values[index]), unit), f"{values[index]}{unit}", line)
        if name.startswith(("合计", "总计")):
            total = amount
        else:
            items.append(BudgetLine(label=name, amount=amount, line=label_line or line))
        label, label_line = [], None
    return items, total
