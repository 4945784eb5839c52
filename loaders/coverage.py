"""Honest coverage: which lines of a document became facts, judged from the records, the same for every layout.

A line of the file's text rendering (1-based) counts as understood when

- a record states a fact starting there (a project's name, an amount of its
  funds or budget lines, an indicator row, a citation: every record with a
  ``line``; mentions of places are not, they are found in text read for other
  facts), or
- the layout read it and what it says is held by a record: each piece of the
  line is the form's structure (a title, a field label, a column head, a level
  name, a section heading, a fragment of one wrapped over lines, a unit, a page
  number) or stands in a record — in a name, organization, period or date, in a
  narrative field (项目概述, 年度绩效目标, 实际完成情况 …), an indicator's name,
  target or note, a citation, a budget line — or is a number or amount a record
  holds (money in yuan or 万元, weights, scores, rates, years). OCR text counts
  when nine tenths of its characters stand in four-character runs of the records.

A line the layout read whose content no record holds (prose of a section no
record keeps, such as 实施方案, or a form whose project was lost) is not
understood. What it was becomes a finding: a 项目名称, money row or indicator row
that reaches no project is ``missing``; other lines are ``unexplained``, one
finding per run of consecutive lines. A document whose money rows (项目资金总额 /
年度资金总额 …) add up to more than the amounts its records took from them says
so (``inconsistent``), naming the rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import fields, is_dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from policykg.loaders.labels import (
    field_labels,
    head_of,
    indicator_heads,
    key,
    level_of,
    levels,
    money_unit,
    title_kind,
    whole_label,
)
from policykg.loaders.labels import titles as form_titles
from policykg.loaders.narrative import SECTION_NAMES
from policykg.loaders.records import Amount, Document, Finding, Mention
from policykg.loaders.text import clean, is_page_number

# Label fields whose row states a project's headline money (项目资金总额, 年度资金总额, 年度资金申请总额).
_HEADLINE = ("total", "annual")
_MONEY = _HEADLINE + ("fiscal", "appropriation", "carry_over", "other", "local", "central", "provincial")
# Headings a declaration of narratives and forms has besides the narrative sections (SECTION_NAMES): the summary,
# the narrative's title, the goal rows' heads and the forms' titles.
_HEADINGS = ("绩效目标设置情况", "项目经费情况说明", "项目绩效目标", "项目总目标", "年度总体目标", "年度总目标", "年度目标",
             "具体信息如下", "财政项目支出绩效目标申报表", "财政项目支出绩效目标填报表")
_ENUM = re.compile(r"^(?:[((]?[一二三四五六七八九十\d]{1,3}[))、.．]|[((][一二三四五六七八九十\d]{1,3}[))])")
_PUNCT = re.compile(r"[\s\W_]+")
_EDGES = re.compile(r"^[\s\W_]+|[\s\W_]+$")
_NUMERIC = re.compile(r"^[\d.,%万元年月日度()≥≤<>=~至\-—/:]+$")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|万|元)(?![/每])")
_DATE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")
# A project or sub-project named by a numbered heading of a narrative: 1.“X”项目 , (一)“X”项目
# and a parent project named by the summary of a declaration: “X”项目包含N个二级项目
_NAMED_ITEM = re.compile(r"(?:^|[\s。;；|:：])[（(]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）.、．]\s*[“\"]"
                         r"([^“”\"]{2,40})[”\"]项目|[“\"]([^“”\"]{2,40})[”\"]项目包含")
_TARGET = re.compile(r"^[≥≤<>=]=?\s*\d")
_GRAM = 4


def honest(document: Document, lines: Sequence[str]) -> Document:
    """``document`` with ``covered_lines`` recomputed from its records and the findings of what was lost.

    ``lines``: the file's text rendering (``lines[0]`` is line 1), as the layout read it.
    Returns: a new Document; ``covered_lines`` only shrinks (a line no layout read stays not understood).
    """
    facts = _Facts(document)
    path = document.path
    reported = {f.line for f in document.findings if f.line is not None}
    problems = {f.line for f in document.findings if f.line is not None and f.kind != "unexplained"}
    understood: set[int] = set()
    runs: list[list[int]] = [[]]  # lines read but held by no record, in runs of consecutive text lines
    extra: list[Finding] = []
    for n in sorted(document.text_lines):
        raw = lines[n - 1] if 0 < n <= len(lines) else ""
        if n in facts.lines or (n in document.covered_lines and facts.holds(raw)):
            understood.add(n)
        elif (what := _lost_fact(raw)) is not None and n not in problems:
            extra.append(Finding("missing", n, f"{path}:{n}: {what} reaches no project", clean(raw)[:200]))
        elif n not in reported:
            runs[-1].append(n)
            continue
        if runs[-1]:
            runs.append([])
    for run in runs:
        if run:
            span = f"{run[0]}" if len(run) == 1 else f"{run[0]}-{run[-1]}"
            says = "this line says" if len(run) == 1 else f"these {len(run)} lines say"
            extra.append(Finding("unexplained", run[0], f"{path}:{span}: read, but no record holds what {says}",
                                 clean(lines[run[0] - 1])[:200]))
    extra += _money_rows(document, lines, facts)
    extra += _unread_headings(document, lines, problems)
    named = {f.line for f in extra if f.kind == "missing"}  # what was lost is named: no bare "not understood" beside it
    kept = tuple(f for f in document.findings
                 if not (f.kind == "unexplained" and f.line in named and f.message.endswith("not understood")))
    findings = kept + tuple(sorted(extra, key=lambda f: (f.line or 0, f.kind)))
    return replace(document, covered_lines=frozenset(understood), findings=findings)


class _Facts:
    """What the records of a document hold: the lines they start on, their texts, numbers and amounts."""

    def __init__(self, document: Document) -> None:
        self.lines: set[int] = set()
        self.texts: list[str] = []
        self.numbers: set[Decimal] = set()
        self.amounts: list[Amount] = []
        self.dates: set[date] = set()
        for project in document.projects:
            self._walk(project)
        for value in (document.declared_total, document.title, document.department, document.fiscal_year,
                      document.declared_project_count, document.declared_unit_count):
            self._walk(value)
        # runs of 2, 3 and 4 characters of every text a record holds: a piece of a line stands in the records
        # when its runs do (sets, so that a line is looked up in time of its own length, not of the document's)
        self.grams: set[str] = set()
        for text in set(self.texts):
            for size in (2, 3, _GRAM):
                self.grams.update(text[i:i + size] for i in range(len(text) - size + 1))

    def _walk(self, value: object) -> None:
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, str):
            k = _PUNCT.sub("", key(clean(value)))
            if k:
                self.texts.append(k)
            return
        if isinstance(value, Decimal | int):
            self._number(Decimal(value))
            return
        if isinstance(value, date):
            self.dates.add(value)
            self._number(Decimal(value.year))
            return
        if isinstance(value, tuple):
            for item in value:
                self._walk(item)
            return
        if isinstance(value, Amount):
            self.amounts.append(value)
            self._number(value.yuan)
            self._number(value.yuan / 10000)
            self._walk(value.text)
        if is_dataclass(value) and not isinstance(value, type):
            for f in fields(value):
                item = getattr(value, f.name)
                if f.name == "line":
                    if isinstance(item, int) and item > 0 and not isinstance(value, Mention):
                        self.lines.add(item)
                elif not (isinstance(value, Amount) and f.name in ("yuan", "text")):
                    self._walk(item)

    def _number(self, value: Decimal) -> None:
        try:
            self.numbers.add(value.normalize())
            self.numbers.add((value * 100).normalize())  # 执行率 1 is written 100%
        except InvalidOperation:
            pass

    def holds(self, raw: str) -> bool:
        """True when every piece of the line is structure or stands in a record."""
        if is_page_number(raw):
            return True
        return all(self._piece_held(piece) for piece in _pieces(raw))

    def _piece_held(self, part: str) -> bool:
        piece = _PUNCT.sub("", part)
        if not piece:
            return True
        if piece in _vocabulary() or len(piece) == 1 and not piece.isdigit():
            return True  # a label wrapped over lines (项目类 / 别), a fragment of a head, a stray character
        if _DATE.search(part):
            rest = _DATE.sub(lambda m: "" if _date(m) in self.dates else m.group(0), part)
            return rest != part and self._piece_held(rest)
        if _NUMERIC.match(part):  # a number is held when a record holds that value, not when its digits occur
            found = [_decimal(m.group(0)) for m in _NUMBER.finditer(part)]
            return all(n is not None and n in self.numbers for n in found)
        if len(piece) < _GRAM and piece in self.grams:
            return True
        money = [_yuan(m) for m in _AMOUNT.finditer(part)]
        if money and len(piece) <= 40 and all(v is not None and v in self.numbers for v in money):
            return True  # prose restating an amount a record holds (该项目年度财政资金预算安排金额200万元)
        if len(piece) >= _GRAM:  # every four-character run in the records; nine tenths of a long (OCR) piece
            hit = [False] * len(piece)
            for i in range(len(piece) - _GRAM + 1):
                if piece[i:i + _GRAM] in self.grams:
                    for j in range(i, i + _GRAM):
                        hit[j] = True
            return sum(hit) >= (0.9 * len(piece) if len(piece) >= 2 * _GRAM else len(piece))
        return False


def _date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return None


def _yuan(m: re.Match[str]) -> Decimal | None:
    value = _decimal(m.group(1))
    if value is None:
        return None
    return (value * 10000).normalize() if m.group(2).startswith("万") else value


def _cells(raw: str) -> list[str]:
    text = clean(raw)
    if "\t" in raw:
        parts = [clean(p) for p in raw.split("\t")]
    elif "|" in text:
        parts = text.split("|")
    else:
        parts = re.split(r"\s{2,}|\u3000", text)
    return [p.strip() for p in parts if p.strip()]


def _pieces(raw: str) -> list[str]:
    """The line's pieces of content: its cells with the form's structure words cut out, as matching keys."""
    out: list[str] = []
    for cell in _cells(raw):
        if whole_label(cell) or head_of(cell) or level_of(cell) or money_unit(cell) and len(key(cell)) <= 12:
            continue
        k = _ENUM.sub("", key(cell))
        if title_kind(k) and len(k) <= 60:
            continue
        for part in _structure().split(k):
            part = _EDGES.sub("", _ENUM.sub("", part))
            if part:
                out.append(part)
    return out


@lru_cache(maxsize=1)
def _structure() -> re.Pattern[str]:
    """Structure words found inside a cell: strong labels, column heads, level names, titles, section headings."""
    words = {lb.text for lb in field_labels() if lb.strong} | set(indicator_heads()) | set(levels())
    words |= {t for t, _ in form_titles()} | {key(s) for s in SECTION_NAMES + _HEADINGS}
    words |= {"(万元)", "(元)", "单位:万元", "单位:元", "(/项目)"}
    ordered = sorted((w for w in words if len(w) >= 2), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


@lru_cache(maxsize=1)
def _vocabulary() -> str:
    words = {lb.text for lb in field_labels()} | set(indicator_heads()) | set(levels())
    words |= {t for t, _ in form_titles()} | {key(s) for s in SECTION_NAMES + _HEADINGS}
    return "\0".join(sorted(words))


def _lost_fact(raw: str) -> str | None:
    """What a line not understood carried, when it is a fact a project should hold; ``None`` otherwise."""
    cells = _cells(raw)
    for i, cell in enumerate(cells):
        label = whole_label(cell)
        rest = [c for c in cells[i + 1:] if c]
        if label is not None and label.field == "name" and rest:
            return f"the project name {rest[0][:60]} ({cell})"
        if label is not None and label.field in _MONEY and any(_NUMBER.search(c) for c in rest[:6]):
            number = next(c for c in rest if _NUMBER.search(c))
            return f"money {number} ({cell})"
    if any(level_of(c) for c in cells) and len(cells) >= 2 or sum(1 for c in cells if _TARGET.match(c)) >= 1 \
            and len(cells) >= 2:
        name = next((c for c in cells if not level_of(c) and not _TARGET.match(c) and len(c) >= 2), cells[0])
        return f"the indicator row {name[:60]}"
    return None


def _unread_headings(document: Document, lines: Sequence[str], problems: set[int]) -> list[Finding]:
    """A ``missing`` finding per narrative heading ``1.“X”项目`` / ``(一)“X”项目``, or summary ``“X”项目包含N个二级项目``,
    naming no project of the document.

    A line holding such a heading may still count as understood (its prose went to another project's field):
    the project it names is lost all the same.
    """
    names = {key(p.name) for p in document.projects} | {key(p.heading) for p in document.projects if p.heading}
    out: list[Finding] = []
    for n, raw in enumerate(lines, start=1):
        if "项目" not in raw or n in problems:
            continue
        for m in _NAMED_ITEM.finditer(clean(raw)):
            named = m.group(1) or m.group(2)
            k = key(named)
            if k and not any(k in name or name in k for name in names if name):
                where = "a heading of the narrative" if m.group(1) else "the parent of 二级项目 in the summary"
                out.append(Finding("missing", n, f"{document.path}:{n}: the project name {named} ({where}) reaches "
                                   "no project", m.group(0).strip(" \t。;；|:：")))
    return out


def _money_rows(document: Document, lines: Sequence[str], facts: _Facts) -> list[Finding]:
    """An ``inconsistent`` finding when the headline money rows state more than the records took from them."""
    rows: list[tuple[int, Decimal, str]] = []
    unit = "元"
    for n, raw in enumerate(lines, start=1):
        found = money_unit(raw)
        if found:
            unit = found
        cells = _cells(raw)
        for i, cell in enumerate(cells):
            label = whole_label(cell)
            if label is None or label.field not in _HEADLINE:
                continue
            value = next((c for c in cells[i + 1:] if _NUMBER.fullmatch(c.replace(" ", "").rstrip("万元"))), None)
            if value is not None:
                amount = _decimal(value.replace(" ", "").rstrip("万元"))
                if amount is not None:
                    wan = value.endswith(("万元", "万")) or unit == "万元" or money_unit(cell) == "万元"
                    rows.append((n, amount * 10000 if wan else amount, cell))
            break
    if not rows:
        return []
    taken = {a.line for a in facts.amounts}
    stated = sum((y for _, y, _ in rows), Decimal(0))
    held = sum((y for n, y, _ in rows if n in taken), Decimal(0))
    left = [(n, y, label) for n, y, label in rows if n not in taken]
    if not left or stated <= held:
        return []
    named = ", ".join(f"{document.path}:{n} ({label} {_plain(y)})" for n, y, label in left[:10])
    more = f" and {len(left) - 10} more" if len(left) > 10 else ""
    return [Finding("inconsistent", left[0][0],
                    f"{document.path}: the money rows add up to {_plain(stated)} yuan, {_plain(stated - held)} more "
                    f"than the projects took from them ({_plain(held)}); not held by any project: {named}{more}")]


def _plain(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def covered_by_records(document: Document) -> frozenset[int]:
    """The 1-based lines some record of ``document`` states a fact on (mentions aside)."""
    return frozenset(_Facts(document).lines)

