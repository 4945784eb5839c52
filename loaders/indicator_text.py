"""Indicator tables (三级指标) of 绩效目标申报表 as text: PDF text extraction's rows, and a table OCR flattened.

The table has four columns — 一级指标, 二级指标, 三级指标 (the indicator),
年度指标值 (the target) — and PDF text gives it row by row with every cell
wrapped at its column width:

    产出指                         <- 一级 label wrapped over two lines
    标
    数量指标
    举办院士专家企业家进 G60 巡回活  <- indicator name wrapped at the name column
    动
    =4 场                          <- target on its own line
    检测业务类目                    <- short name, then a target wrapped in the
    语音、短                         narrow target column
    信、数据业 …

Labels are recognized wherever they are cut; a target is recognized by its form
(comparator and number, a qualitative word, a deadline); wrapped names and
targets are told apart by column width. Rows that cannot be read are returned
as findings, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from policykg.loaders.labels import simplified
from policykg.loaders.levels import (
    HEADER_WORDS,
    LABEL_AT_START,
    LEVEL1,
    LEVEL2,
    LEVEL2_PARENT,
    label_prefix,
    level1_for,
    level_of,
)
from policykg.loaders.records import Finding, Indicator
from policykg.loaders.targets import is_target, parse_target
from policykg.loaders.text import clean, display_width

_VERTICAL = set("绩效指标项目一二三级")
_SHORT = 10  # display columns of the narrow target column (five CJK characters)
_TAIL_CHARS = set("次时内钟月底前份个家人元册条项天年篇场/")
_WORDS = sorted(set(HEADER_WORDS) | {label for label in HEADER_WORDS}, key=len, reverse=True)


def spaced(text: str) -> str:
    """NFKC and HTML removal, keeping the spaces that separate table cells."""
    text = re.sub(r"</?(?:p|u|br|span)\b[^>]*>", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@dataclass
class _Row:
    name: list[tuple[int, str]] = field(default_factory=list)
    value: list[tuple[int, str]] = field(default_factory=list)
    level1: str | None = None
    level2: str | None = None


@dataclass
class IndicatorParse:
    indicators: list[Indicator]
    covered: set[int]
    findings: list[Finding]


_WHITESPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _header_prefix(text: str) -> bool:
    squashed = _squash(text)
    return len(squashed) >= 2 and any(_squash(w).startswith(squashed) for w in _WORDS)


def _is_header_word(text: str) -> bool:
    return _squash(text) in {_squash(w) for w in _WORDS}


def _label_cells(lines: list[tuple[int, str]]) -> list[tuple[str, int, str]]:
    """Turn lines into ('label', line, label) / ('header', line, word) / ('text', line, text) cells."""
    cells: list[tuple[str, int, str]] = []
    pending_rest: str | None = None
    i = 0
    while i < len(lines):
        line, text = lines[i]
        consumed = _stacked_label(lines, i)
        if consumed:
            kind, word, n = consumed
            for ln, _ in lines[i:i + n]:
                cells.append(("skip", ln, ""))
            cells[-1] = (kind, lines[i + n - 1][0], word)
            i += n
            continue
        if all(_is_header_word(token) or _header_prefix(token) for token in text.split(" ")) or (
            len(text) == 1 and text in "绩效指标"
        ):
            cells.append(("header", line, text))
            i += 1
            continue
        rest = text
        while True:
            tokens = rest.split(" ", 1)
            if pending_rest and tokens[0] == pending_rest:
                rest, pending_rest = (tokens[1] if len(tokens) > 1 else ""), None
                continue
            if len(tokens[0]) == 1 and tokens[0] in _VERTICAL and len(tokens) > 1:
                following = tokens[1]
                if LABEL_AT_START.match(following) or label_prefix(following.split(" ")[0]):
                    rest = following
                    continue
            m = LABEL_AT_START.match(rest)
            if m:
                cells.append(("label", line, _squash(m.group("label"))))
                rest = rest[m.end():].strip()
                continue
            # A label cut after 指 with the row on the same line: 时效指 平台建设及时性 及时 / 标 …
            prefix = label_prefix(tokens[0]) if tokens[0].endswith("指") and (len(tokens) > 1 or rest != text) else None
            if prefix:
                cells.append(("label", line, prefix))
                pending_rest = prefix[len(_squash(tokens[0])):]
                rest = tokens[1] if len(tokens) > 1 else ""
                continue
            break
        if rest:
            cells.append(("text", line, rest))
        elif not cells or cells[-1][1] != line:
            cells.append(("skip", line, ""))
        i += 1
    return cells


def _stacked_label(lines: list[tuple[int, str]], i: int) -> tuple[str, str, int] | None:
    """A label or header word written over whole consecutive short lines (产/出/指/标, 满意度指/标)."""
    combined = ""
    targets = [(w, "header") for w in _WORDS] + [(w, "label") for w in _label_words()]
    for n in range(i, min(i + 6, len(lines))):
        part = lines[n][1]
        if " " in part.strip() and n > i:
            return None
        combined += _squash(part)
        exact = [kind for word, kind in targets if _squash(word) == combined]
        if exact and (n > i or len(combined) > 1):
            return exact[0], combined, n - i + 1
        if not any(_squash(word).startswith(combined) for word, _ in targets):
            return None
    return None


def _label_words() -> list[str]:
    from policykg.loaders.levels import LEVEL1, LEVEL2

    return list(LEVEL1 + LEVEL2)


def _split_target(text: str) -> tuple[str, str] | None:
    """Split ``name target`` at the last whitespace run where the tail reads as a target."""
    tokens = text.split(" ")
    for k in range(min(4, len(tokens)), 0, -1):
        tail = " ".join(tokens[-k:])
        if is_target(tail):
            return " ".join(tokens[:-k]), tail
    return None


def _incomplete(value: str) -> bool:
    """A target cut by the narrow column: ``≥1300`` (unit below), ``=3 万条/``, ``=7×24 小``, ``运行率≥``."""
    t = parse_target(value)
    squashed = _squash(value)
    return (
        (t.comparator is not None and t.unit is None)
        or squashed.endswith(("/", "小", "分", "≥", "≤", "平方"))
    )


def parse_indicator_rows(lines: list[tuple[int, str]], path: str = "") -> IndicatorParse:
    """Read the indicator rows of one table.

    ``lines``: (1-based line, raw text) of the table from its column header to
    its end, blank and page-number lines removed.
    Returns: indicators with level labels carried down, the lines used, and a
    finding for every line that could not be placed.
    """
    items = [(ln, spaced(t)) for ln, t in lines if spaced(t)]
    cells = _label_cells(items)
    widths = [display_width(t) for kind, _, t in cells if kind == "text" and not _split_target(t)]
    name_width = max(widths, default=28)
    rows: list[_Row] = []
    findings: list[Finding] = []
    covered: set[int] = set()
    level1: str | None = None
    level2: str | None = None
    current = _Row()
    open_value = False  # the last row's target may continue on the next short line
    collecting_value = False  # reading an unrecognized target wrapped in the narrow column

    def flush_unfinished() -> None:
        nonlocal current
        if current.name:
            for ln, text in current.name:
                findings.append(Finding("unexplained", ln, f"{path}:{ln}: indicator text without a target", text))
        current = _Row()

    def emit(value: list[tuple[int, str]]) -> None:
        nonlocal current, open_value, collecting_value
        current.value, current.level1, current.level2 = value, level1, level2
        if len(value) > 1:
            value_starts.add(_squash(value[0][1]))
        rows.append(current)
        current = _Row()
        open_value, collecting_value = True, False

    previous_label_level1 = False
    value_starts: set[str] = set()  # first lines of wrapped targets seen in this table
    texts = [i for i, c in enumerate(cells) if c[0] in ("text", "label")]

    def next_text(index: int) -> str | None:
        later = [i for i in texts if i > index]
        return cells[later[0]][2] if later and cells[later[0]][0] == "text" else None

    for index, (kind, line, text) in enumerate(cells):
        if kind in ("skip", "header"):
            covered.add(line)
            continue
        if kind == "label":
            covered.add(line)
            if collecting_value:
                emit(current.value)
            flush_unfinished()
            open_value = False
            if level_of(text) == 1 and not (text == "成本指标" and level1 is not None and not previous_label_level1):
                level1, level2, previous_label_level1 = text, None, True
            else:
                level2, previous_label_level1 = text, False
            continue
        previous_label_level1 = False
        width = display_width(text)
        if collecting_value:
            if width <= _SHORT and not _split_target(text):
                current.value.append((line, text))
                continue
            emit(current.value)
        if is_target(text):
            if current.name:
                emit([(line, text)])
            elif open_value and rows and width <= _SHORT:
                rows[-1].value.append((line, text))
            else:
                findings.append(Finding("unexplained", line, f"{path}:{line}: a target without an indicator name", text))
            continue
        split = _split_target(text)
        if split and split[0]:
            current.name.append((line, split[0]))
            emit([(line, split[1])])
            continue
        if open_value and rows and not current.name and width <= 6 and set(_squash(text)) <= _TAIL_CHARS:
            rows[-1].value.append((line, text))
            continue
        if open_value and rows and not current.name and width <= _SHORT and _incomplete(rows[-1].value[-1][1]):
            rows[-1].value.append((line, text))
            continue
        following = next_text(index)
        after = _split_target(following) if following else None
        if open_value and rows and not current.name and width <= _SHORT and after and after[0]:
            # The next line is a whole row (name and target), so this short line ends the target above: =4 月前 / 配送
            rows[-1].value.append((line, text))
            continue
        open_value = False
        if current.name and width <= _SHORT and (display_width(current.name[-1][1]) < name_width - 4
                                                 or _squash(text) in value_starts):
            # A short line after a short name: the target column, wrapped (检测业务类目 / 语音、短 / …).
            last_line, last_text = current.name[-1]
            tokens = last_text.split(" ")
            if len(tokens) > 1 and display_width(tokens[-1]) <= _SHORT:
                current.name[-1] = (last_line, " ".join(tokens[:-1]))
                current.value = [(last_line, tokens[-1]), (line, text)]
            else:
                current.value = [(line, text)]
            collecting_value = True
            continue
        current.name.append((line, text))
    if collecting_value:
        emit(current.value)
    flush_unfinished()

    indicators = []
    for row in rows:
        name = clean("".join(t for _, t in row.name)) if row.name else ""
        value = clean("".join(t for _, t in row.value))
        for ln, _ in row.name + row.value:
            covered.add(ln)
        indicators.append(
            Indicator(
                name=name,
                line=(row.name or row.value)[0][0],
                level1=level1_for(row.level2, row.level1),
                level2=row.level2,
                target=parse_target(value),
            )
        )
    return IndicatorParse(indicators, covered, findings)


# ---------------------------------------------------------------- a table flattened into running text
#
# When an OCR export loses a table's cell structure, the cells of every row come out as one stream of words:
# label fragments of merged cells (成本, 经济成本, 可持续影, 响指标 …), the indicator name, its target
# (``… 成本 经济成本 单个课题成本 ≤160000.00(元/个) 指标 …``). A target closes a row; its name is the nearest
# preceding word that is not a label fragment. A fragment stands for the label it begins (成本 -> 成本指标,
# 可持续影 -> 可持续影响指标, 服务对象 -> 服务对象满意度指标). The last 二级 label among the words of a row is
# that row's; an earlier one in the same stretch belongs to the row above when that row has none (a label
# centred in its merged cell is printed after the first of its rows). The 一级 label follows from the
# framework, or from a 一级 fragment in the row's words.

_FRAGMENT_WORDS = tuple(LEVEL1 + LEVEL2) + tuple(HEADER_WORDS) + ("一级", "二级", "三级")


def is_fragment(word: str) -> bool:
    """A piece of a level label or header cut by the table (成本, 可持续影, 响指标, 绩, 标)."""
    squashed = simplified(re.sub(r"\s+", "", word))
    return bool(squashed) and any(squashed in w for w in _FRAGMENT_WORDS)


def _label_of(word: str) -> str | None:
    """The level label a fragment begins, when only one label begins with it (≥ 2 characters)."""
    squashed = simplified(re.sub(r"\s+", "", word))
    if len(squashed) < 2 or squashed in ("指标",):
        return None
    labels = [label for label in LEVEL1 + LEVEL2 if label.startswith(squashed)]
    return labels[0] if len(labels) == 1 else None


def parse_stream(units: list[tuple[int, str]], path: str) -> IndicatorParse:
    """Read the rows of a table flattened into running text from (1-based line, word) units in reading order.

    Returns: indicators, the lines used, and a finding for words left over
    after the last target (a row cut off by the page or the OCR).
    """
    indicators: list[Indicator] = []
    covered: set[int] = set()
    findings: list[Finding] = []
    since: list[tuple[int, str]] = []
    for line, word in units:
        if not re.sub(r"\s+", "", clean(word)):
            continue
        if is_target(word) and not is_fragment(word):
            names = [(ln, w) for ln, w in since if not is_fragment(w)]
            if names:
                labels = [label for _, w in since if (label := _label_of(w))]
                level2s = [label for label in labels if label in LEVEL2]
                if len(level2s) > 1 and indicators and indicators[-1].level2 is None:
                    above = level2s[0]
                    indicators[-1] = replace(indicators[-1], level2=above,
                                             level1=LEVEL2_PARENT.get(above, indicators[-1].level1))
                level2 = level2s[-1] if level2s else None
                level1s = [label for label in labels if label in LEVEL1]
                level1 = LEVEL2_PARENT.get(level2 or "") or (level1s[-1] if level1s else None)
                name_line, name = names[-1]
                indicators.append(Indicator(name=clean(name), line=name_line, level1=level1, level2=level2,
                                            target=parse_target(word)))
                covered.update({ln for ln, _ in since} | {line})
            else:
                findings.append(Finding("unexplained", line, f"{path}:{line}: a target without an indicator name", word))
            since = []
            continue
        since.append((line, word))
    leftover = [(ln, w) for ln, w in since if not is_fragment(w)]
    for ln, w in leftover:
        findings.append(Finding("unexplained", ln, f"{path}:{ln}: indicator text without a target (row cut off)", w))
    covered.update(ln for ln, w in since if is_fragment(w) and ln not in {x for x, _ in leftover})
    return IndicatorParse(indicators, covered, findings)
