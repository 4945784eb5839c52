"""六、年度预算安排 (annual budget) text -> budget lines.

The section is prose with enumerated items, in every district's forms alike:

    （1）台式计算机 8台，单价 0.6 万，4.8 万；（2）差旅费 6 万；…
    1、派驻干部费用：八城市派驻干部每人每月 0.3 万元*16 人*12 月=57.6 万
    1.资金测算：高企专家评审费 39 万元（1300 家*300 元）；高企高转统计服务费 42 万元；…
    科技馆展厅运作费 35 万，科普活动费 40 万，…

An item is a label and a sum; a unit price (单价, 每…, a product ``0.3 万元*16 人*12 月=57.6 万``)
and a quantity are kept when the text gives them. Totals (合计, 共计, 申请资金 …)
and the 资金类型 / 执行计划 parts (fund type, payment schedule) are not items.
"""

from __future__ import annotations

import re
from decimal import Decimal

from loaders.amounts import amounts_in_text
from loaders.citations import TextSpan
from loaders.records import Amount, BudgetLine

_STOP = re.compile(r"(?:\d\s*[.、．]\s*)?(?:资金类型|资助类型|资金性质|执行计划|测算方式)")
_ENUMERATOR = re.compile(r"(?:[(（]\d{1,2}[)）]|(?<![\d.])\d{1,2}\s*[.、．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])")
_CLAUSE_END = re.compile(r"[；;。]")
_TOTAL_WORDS = re.compile(r"合计|共计|总计|申请资金|预算资金|总预算|预算金额|项目资金|资金需求为?|预算总额|预计预算|总金额|综上所述|估算资金")
_HEADER = re.compile(r"^(?:\d\s*[.、．])?\s*(?:资金测算|测算如下|经费使用测算如下|测算依据|其中|主要包括|包括)$")
_FILLER = re.compile(r"^(?:资金测算|测算如下|经费使用测算如下|其中|主要包括|包括)[:：,，]?|(?:预计(?:使用经费|拨付资金)?|需|约|共|为|应为|计|金额为?|需求为|按照?)$")
_PRICE_WORDS = re.compile(r"单价|每(?:人|家|个|份|次|项|台|场|本|册|月|平)+")
_QUANTITY = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[台家个份人项次场本册篇间平月辆套])")
_FACTOR = re.compile(r"[*×]\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[\u4e00-\u9fff]{0,2})")


def budget_lines(span: TextSpan) -> list[BudgetLine]:
    """Items of one 年度预算安排 section, in text order.

    ``span``: the section's text joined from its lines (cleaned, 1-based line map).
    Returns: BudgetLines with yuan amounts; an empty list when the section only
    states the project's total (e.g. "预算资金 25 万元").
    """
    text = span.text
    stop = _STOP.search(text)
    body = text[:stop.start()] if stop else text
    items: list[BudgetLine] = []
    for start, clause in _clauses(body):
        for part_start, part in _parts(clause):
            item = _item(part, span, start + part_start)
            if item is not None:
                items.append(item)
    if len(items) == 1 and _TOTAL_WORDS.search(body):
        return []
    return items


def _clauses(text: str) -> list[tuple[int, str]]:
    cuts = sorted({0, len(text)} | {m.start() for m in _ENUMERATOR.finditer(text)}
                  | {m.end() for m in _CLAUSE_END.finditer(text)})
    return [(a, text[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]


def _parts(clause: str) -> list[tuple[int, str]]:
    """Split "A 35 万，B 40 万" into items; keep "台式计算机 8台，单价 0.6 万，4.8 万" whole.

    Commas inside brackets do not split. A piece without a sum is the start of
    the next item's label; a sum without a label (or a unit price) stays with
    the item before it.
    """
    pieces, position, depth = [], 0, 0
    for i, ch in enumerate(clause):
        depth += ch in "(（"
        depth -= ch in ")）" and depth > 0
        if ch in ",，" and depth == 0:
            pieces.append((position, clause[position:i]))
            position = i + 1
    pieces.append((position, clause[position:]))
    merged: list[tuple[int, str]] = []
    buffer: tuple[int, str] | None = None
    for start, piece in pieces:
        amounts = _outside_brackets(piece)
        if buffer is None:
            buffer = (start, piece)
            continue
        buffer_has_amount = bool(_outside_brackets(buffer[1]))
        own_label = _label(piece[:amounts[0][0]]) if amounts else ""
        if not amounts:
            if buffer_has_amount:
                merged.append(buffer)
                buffer = (start, piece)
            else:
                buffer = (buffer[0], clause[buffer[0]:start + len(piece)])
        elif not buffer_has_amount or not own_label or _PRICE_WORDS.search(piece[:amounts[0][0]]):
            buffer = (buffer[0], clause[buffer[0]:start + len(piece)])
        else:
            merged.append(buffer)
            buffer = (start, piece)
    if buffer is not None:
        merged.append(buffer)
    return merged


def _outside_brackets(text: str) -> list[tuple[int, int, Amount]]:
    """Sums not inside brackets, unless the brackets hold the only sums ("…相关工作（50 万元）")."""
    found = amounts_in_text(text, 0)
    outside = [f for f in found if text[:f[0]].count("(") + text[:f[0]].count("（")
               <= text[:f[0]].count(")") + text[:f[0]].count("）")]
    return outside or found


def _label(text: str) -> str:
    text = text.strip()
    text = _ENUMERATOR.sub("", text, count=1) if _ENUMERATOR.match(text) else text
    text = re.sub(r"^[\s:：,，。;；]+|[\s:：,，;；=(（]+$", "", text)
    head, colon, tail = re.split(r"([:：])", text, maxsplit=1) if re.search(r"[:：]", text) else (text, "", "")
    while colon and (_HEADER.match(head.strip()) or re.search(r"(?:测算如下|如下)$", head.strip())):
        head, colon, tail = re.split(r"([:：])", tail, maxsplit=1) if re.search(r"[:：]", tail) else (tail, "", "")
    label = head if colon and len(head.strip()) >= 2 else (head + colon + tail if colon else head)
    label = re.sub(r"[,，]?\s*(?:单价|每\s*[\u4e00-\u9fff]{1,2})$", "", label)
    previous = None
    while previous != label:
        previous = label
        label = _FILLER.sub("", label).strip(" :：,，")
    label = _QUANTITY.sub("", label) if _QUANTITY.fullmatch(label) is None and re.search(r"\d", label) and _QUANTITY.search(label[-6:]) else label
    return re.sub(r"\s+", "", label).strip(" :：,，、")


def _item(part: str, span: TextSpan, offset: int) -> BudgetLine | None:
    amounts = _outside_brackets(part)
    if not amounts:
        return None
    first_start = amounts[0][0]
    label = _label(part[:first_start])
    if not label or _TOTAL_WORDS.search(part[:first_start]):
        return None
    line = span.line_at(offset + first_start)
    amount: Amount = amounts[-1][2]
    unit_price: Amount | None = None
    quantity: Decimal | None = None
    quantity_unit: str | None = None
    if "=" in part and len(amounts) >= 2:
        # 0.3 万元*16 人*12 月=57.6 万 ; 10 万元／项*195 项=1950 万元
        unit_price = amounts[0][2]
        factors = list(_FACTOR.finditer(part[amounts[0][1]:part.index("=")]))
        if factors:
            quantity = Decimal(1)
            for f in factors:
                quantity *= Decimal(f.group("n"))
            units = [f.group("unit") for f in factors if f.group("unit")]
            quantity_unit = "·".join(units) or None
    else:
        price = next(((s, e, a) for s, e, a in amounts if _PRICE_WORDS.search(part[max(0, s - 4):s])), None)
        if price is not None and len(amounts) >= 2:
            unit_price = price[2]
            amount = next(a for s, e, a in reversed(amounts) if (s, e, a) != price)
            found = _QUANTITY.search(part[:first_start])
            if found:
                quantity, quantity_unit = Decimal(found.group("n")), found.group("unit")
        paren = re.search(r"[(（]\s*(?P<n>\d+)\s*(?P<unit>[\u4e00-\u9fff]{1,2})\s*[*×]\s*(?P<price>\d+(?:\.\d+)?\s*(?:万元|元|万))\s*[)）]", part)
        if paren and unit_price is None:
            found_price = amounts_in_text(paren.group("price"), line)
            if found_price:
                unit_price = found_price[0][2]
                quantity, quantity_unit = Decimal(paren.group("n")), paren.group("unit")
                amount = amounts[0][2]
    return BudgetLine(label=label, amount=Amount(amount.yuan, amount.text, line), line=line, quantity=quantity,
                      quantity_unit=quantity_unit,
                      unit_price=Amount(unit_price.yuan, unit_price.text, line) if unit_price else None)


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
            continue
        values = numbers.group("nums").split()
        if len(values) != len(columns) or str(year) not in [c for c, _ in columns]:
            label = []
            continue
        index = [c for c, _ in columns].index(str(year))
        unit = columns[index][1]
        name = re.sub(r"^\d{1,2}", "", "".join(label) + re.sub(r"\s+", "", text[:numbers.start()])).strip()
        amount = Amount(_to_yuan(values[index], unit), f"{values[index]}{unit}", line)
        if _TOTAL_COLUMN.match(re.sub(r"\(.*\)$", "", name)) or name.startswith(("合计", "总计")):
            total = amount
        else:
            items.append(BudgetLine(label=name, amount=amount, line=line))
        label = []
    return items, total


def _to_yuan(value: str, unit: str) -> Decimal:
    from loaders.amounts import to_yuan

    return to_yuan(Decimal(value), unit)
