"""The narrative part of a 绩效目标申报表: 项目经费情况说明 and its seven sections.

Every declaration explains each project in the same seven sections —
一、项目概述 (overview), 二、立项依据 (legal basis), 三、实施主体 (responsible
division), 四、实施方案, 五、实施周期, 六、年度预算安排 (annual budget),
七、绩效目标 — numbered 一、… or 1、…, one per line or run together in one
OCR paragraph. A project with sub-projects (子项目 / 二级项目) repeats the seven
sections under headings such as ``1、手机信号检测（10 万）`` or
``（一）、项目推进及社保卡宣传活动``.

This module turns the lines of one narrative into a ``Narrative`` tree; it
knows nothing about the form tables that follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.loaders.amounts import amounts_in_text
from policykg.loaders.citations import TextSpan, join_lines
from policykg.loaders.records import Amount

SECTION_NAMES = ("项目概述", "立项依据", "实施主体", "实施方案", "实施周期", "年度预算安排", "绩效目标")
_ORDINAL = r"[一二三四五六七八九十]+、|\d{1,2}、|[(（][一二三四五六七八九十\d]+[)）]、?"
_SECTION = re.compile(rf"(?:^|(?<=[。;；.!！\s]))(?:{_ORDINAL})\s*(?P<name>{'|'.join(SECTION_NAMES)})")
_TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、(?P<title>[^，。；:：]{2,40})$")
_SUB_HEADING = re.compile(
    r"^(?:\d{1,2}、|[(（][一二三四五六七八九十]+[)）]、?)(?P<title>[^。；:：]{2,60}?)"
    r"\s*(?:[(（](?P<amount>\d[\d.\s]*\s*万元?)[)）])?$"
)
_NAME_LINE = re.compile(r"^项目名称[:：]\s*(?P<name>.+)$")
_NAMED_EXPLANATION = re.compile(r"^(?P<name>.{2,40}?)项目经费情况说明\s*\d*$")
_EXPLANATION = re.compile(r"^项目经费情况说明\s*(?P<n>\d+)?$")
_CHILD_COUNT = re.compile(r"共包含\s*(?P<n>\d+|[一二两三四五六七八九十]+)\s*个(?:子项目|二级项目)")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def cn_number(text: str) -> int:
    """``4`` or ``四`` or ``十二`` -> int (numbers up to 99)."""
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (_CN_DIGITS[text[1]] if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


@dataclass
class Narrative:
    """One project's (or sub-project's) explanation, section by section."""

    heading: str | None = None
    heading_line: int | None = None
    start_line: int | None = None  # first line of the narrative
    heading_amount: Amount | None = None
    declared_children: int | None = None
    sections: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    preamble: list[tuple[int, str]] = field(default_factory=list)
    children: list[Narrative] = field(default_factory=list)

    def section(self, name: str) -> TextSpan:
        return join_lines(self.sections.get(name, []))

    def section_lines(self, name: str) -> list[tuple[int, str]]:
        return self.sections.get(name, [])


def is_top_heading(text: str) -> bool:
    """``一、城市数字化`` (a project heading of a multi-project narrative), not ``一、项目概述``."""
    m = _TOP_HEADING.match(text)
    return m is not None and not any(m.group("title").startswith(s) for s in SECTION_NAMES)


def is_explanation(text: str) -> bool:
    """True for the title line of a project's narrative: ``项目经费情况说明 N`` or ``X项目经费情况说明``."""
    return bool(_EXPLANATION.match(text) or _NAMED_EXPLANATION.match(text))


def starts_narrative(text: str) -> bool:
    """True for a line that opens a project's narrative: 项目经费情况说明 N, ``X项目经费情况说明``, ``一、X``."""
    return is_explanation(text) or is_top_heading(text)


def parse_narrative(lines: list[tuple[int, str]]) -> tuple[Narrative, set[int]]:
    """Parse the cleaned lines of one narrative region into a ``Narrative`` tree.

    ``lines`` are (1-based line, cleaned text) pairs without blank lines.
    Returns: the tree and the set of lines it used as structure (headings);
    section text lines are kept in the tree for the caller to interpret.
    """
    root = Narrative(start_line=lines[0][0] if lines else None)
    used: set[int] = set()
    current = root
    section: str | None = None
    for index, (line, text) in enumerate(lines):
        if _EXPLANATION.match(text):
            used.add(line)
            continue
        named = _NAMED_EXPLANATION.match(text) or _NAME_LINE.match(text)
        if named and root.heading is None:
            root.heading, root.heading_line = named.group("name").strip(), line
            used.add(line)
            continue
        top = _TOP_HEADING.match(text) if is_top_heading(text) else None
        if top and root.heading is None and not root.sections:
            root.heading, root.heading_line = top.group("title"), line
            used.add(line)
            continue
        child = _sub_heading(lines, index)
        if child is not None:
            root.children.append(child)
            current, section = child, None
            used.add(line)
            continue
        count = _CHILD_COUNT.search(text)
        if count and section is None:
            current.declared_children = cn_number(count.group("n"))
            used.add(line)
        pieces = _split_sections(text)
        for name, piece in pieces:
            if name is not None:
                section = name
                current.sections.setdefault(section, [])
                used.add(line)
            if piece:
                if section is None:
                    current.preamble.append((line, piece))
                else:
                    current.sections[section].append((line, piece))
    return root, used


def _split_sections(text: str) -> list[tuple[str | None, str]]:
    """Split a line at section headings: ``…应用转化。五、实施周期`` -> [(None, …应用转化。), (实施周期, '')]."""
    pieces: list[tuple[str | None, str]] = []
    position, name = 0, None
    for m in _SECTION.finditer(text):
        pieces.append((name, text[position:m.start()].strip()))
        name, position = m.group("name"), m.end()
    pieces.append((name, text[position:].strip().lstrip(":：").strip()))
    return [(n, p) for n, p in pieces if n is not None or p]


def _sub_heading(lines: list[tuple[int, str]], index: int) -> Narrative | None:
    """A sub-project heading is a numbered title followed within two lines by a 项目概述 section."""
    line, text = lines[index]
    m = _SUB_HEADING.match(text)
    if not m or any(m.group("title").startswith(s) for s in SECTION_NAMES):
        return None
    following = [t for _, t in lines[index + 1:index + 3]]
    if not any((s := _SECTION.match(t)) is not None and s.group("name") == "项目概述" for t in following):
        return None
    amount = None
    if m.group("amount"):
        found = amounts_in_text(m.group("amount"), line)
        amount = found[0][2] if found else None
    return Narrative(heading=m.group("title").strip(), heading_line=line, heading_amount=amount)
