"""The general form reader: any locality's 绩效目标申报表, 绩效自评表 or narrative, from a ``Grid``.

One piece of logic over one intermediate: the grid's rows are cut into cells
(tabs, ``|`` pipes, runs of spaces, one cell per line or paragraph — whatever
the export used), labels glued to their values are split off
(``主管部门某区财政局实施单位…``), and the cells are read in order by
what the labels, column heads and level names of ``loaders.labels`` say they
are. What varies between templates is data (``loaders/data/*.tsv``); what is
here is how a form is built: fields and their values, the money block with its
unit and columns, the indicator table with its header, levels carried down and
parallel long-term / annual columns, several forms in one file, and the
narrative sections (项目概述 / 立项依据 / 实施主体 / 年度预算安排 …) in prose.

Provenance: every record carries the 1-based line of the grid's text rendering
(a text file's own line). Whatever is not understood becomes a finding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache
from types import MappingProxyType

from policykg.loaders import glued
from policykg.loaders.amounts import to_yuan
from policykg.loaders.citations import find_citations, join_lines
from policykg.loaders.form_fields import parse_date
from policykg.loaders.goals import split_goals
from policykg.loaders.grid import Grid
from policykg.loaders.indicator_text import parse_indicator_rows, parse_stream
from policykg.loaders.labels import (
    Label,
    Level,
    find_labels,
    framework_category,
    head_of,
    head_patterns,
    key,
    key_map,
    level_of,
    level_prefix,
    money_unit,
    row_labels,
    simplified,
    title_kind,
    whole_label,
)
from policykg.loaders.mentions import find_mentions
from policykg.loaders.narrative import is_top_heading, starts_narrative
from policykg.loaders.records import Amount, Citation, Document, Finding, Funds, Indicator, Project
from policykg.loaders.targets import is_target, parse_target
from policykg.loaders.text import clean, data_words, drop_qualifier, drop_spaces_by_cjk, is_page_number, page_furniture

LAYOUT = "form"

_ENUM = re.compile(r"^(?:[((]?[一二三四五六七八九十\d]{1,2}[))、.．]|[((][一二三四五六七八九十\d]{1,2}[))])$")
_ENUM_PREFIX = re.compile(r"^(?:[((]?[一二三四五六七八九十\d]{1,2}[))、.．]|[((][一二三四五六七八九十\d]{1,2}[))])\s*")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|万|元)?")
_GLUED_NUMBERS = re.compile(r"^[\d.,%\-—]+$")
_YEAR = re.compile(r"[((]\s*(\d{4})\s*年度?\s*[))]|(\d{4})\s*年度")
_PERIOD = re.compile(r"[(（]?\d{4}年?[-—~至]+\d{4}年?[)）]?")  # （2023 年- 2023 年） under 项目总目标
_PUNCTUATION_ONLY = re.compile(r"[。.,，;；:：、!！?？”\"')）]+")
_UNIT_ONLY = re.compile(r"[(（]?(?:单位|金额单位)?[:：]?\s*(?:万元|元)[)）]?")
_YEAR_LINE = re.compile(r"[((]\s*\d{4}\s*年度?\s*[))]")
_HEADING = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})[.、．]\s*[“\"]?(?P<name>[^“”\"。:：]{2,40}?)[”\"]?(?:项目)?[。.]?$")
_END_OF_TABLE = re.compile(r"^(?:注(?:[:：]|$)|说明$|备注[:：]|附件|填报说明)")
_BOILERPLATE = re.compile(r"ICP|公网安备|网站标识码|(?:主办|承办)(?:单位)?[:：]|主办单位|承办单位|版权所有|内容保障|网站地图|联系我们|扫一扫|分享到")
_LEGAL_KIND = re.compile(r"(?:方案|办法|意见|通知|规划|条例|法|决定|细则|规定|纲要|计划|指南|标准)$")
# Money stated only in prose: (field, cue) — the amount follows the cue within a short clause.
_PROSE_MONEY = (
    ("annual", re.compile(r"(?:共|合计|总计)(?:计)?[^,,。;;]{0,6}?(?=\d)")),
    ("executed", re.compile(r"(?:支出|执行|使用资金|拨付资金)[^,,。;;]{0,8}?(?=\d)")),
    ("annual", re.compile(r"(?:预算安排|补助安排|安排资金|预算资金|下达[^,,。;;]{0,30}?资金|财政拨款|申请资金|资金)[^,,。;;]{0,6}?(?=\d)")),
)
MONEY_FIELDS = ("total", "annual", "fiscal", "appropriation", "carry_over", "other")
TEXT_FIELDS = ("department", "central_department", "provincial_department", "budget_unit", "implementing_unit",
               "division", "publisher", "organizer", "nature", "category", "period", "start", "end", "programme")
PROSE_FIELDS = ("overview", "overall_goal", "annual_goal", "achieved", "legal_basis")
# A district project of 10 billion yuan is not credible: such a number under a 万元 header was written in 元.
_IMPLAUSIBLE_WAN = Decimal(1_000_000)


@dataclass(slots=True)
class Tok:
    """One cell of the token stream: its text as written and what it is."""

    text: str
    line: int
    row: int
    label: Label | None = None
    head: str | None = None
    levels: tuple[Level, ...] = ()
    title: str | None = None
    piece: int = -1  # cells split out of one piece of text share its number
    slip: str | None = None  # the label an OCR-garbled or split label was read as (项目名称 for 頁目名称)
    spaced: bool = False  # cut out of a text line at its spaces (PDF text): a value may go on in the next piece
    more: tuple[int, ...] = ()  # further lines a label wrapped over (项目名 / 称): read with it


# ---------------------------------------------------------------- cells


_GLUED_UNIT = re.compile(r"\s*[(\uff08](?:万元|元)[)\uff09]")
_DEBRIS_BEFORE_NUMBER = re.compile(r"([\u4e00-\u9fff])\s+(\d{1,3}(?:\s*,\s*\d{3})+(?:\s*\.\s*\d+)?)")
OCR_ZERO = frozenset("CcOoD")  # a 0 as OCR reads it, alone in a money cell
_SPACED_NUMBER = re.compile(r"\d{1,3}(?:\s*,\s*\d{3})+(?:\s*\.\s*\d+)?|\d+\s*\.\s+\d+")
_PIECE_ENDS = re.compile(r"^[\s:：|。.,,;;]+|[\s:：|]+$")  # separators and stray punctuation around a piece
_FULL_WIDTH_NUMBERS = str.maketrans("０１２３４５６７８９％．＞＜＝", "0123456789%.><=")


_SHEETS = frozenset({"xlsx", "xls"})  # every row of a sheet is a table row; one with a single cell is a line of text


def tokenize(grid: Grid) -> list[Tok]:
    """The grid's cells in reading order, split at separators and at glued labels.

    Text rows are split on tabs, else on ``|``, else on runs of whitespace, and so is a paragraph outside
    tables (DOCX, HTML) or a sheet's row of one cell (a line of text); a page's footer (``3 / 12``) is left out; spaced-out labels (``项 目 名 称``) are joined
    back; strong labels glued to their values are split off. Cells of real tables (PDF, DOCX …) stay whole.
    Full-width digits, ``％``, ``．`` and the comparators ``＞ ＜ ＝`` are read as their ASCII forms
    (``１００％`` -> ``100%``, ``＞＝90%`` -> ``>=90%``), one character for one, so numbers and targets glued to
    labels and units parse as in any other form.
    """
    toks: list[Tok] = []
    n = 0
    for r, row in enumerate(grid.rows):
        as_text = grid.format == "text" or len(row.cells) == 1 and (not row.in_table or grid.format in _SHEETS)
        if as_text and len(row.cells) == 1 and is_page_number(row.cells[0].text):
            continue  # a page's footer (3 / 12), wherever the text extraction put it: no cell of the form
        if not as_text and len({cell.origin.line for cell in row.cells}) == 1:
            # a table row's cells are read together, as a tab row's are: a label OCR or the export cut over two
            # cells (年度 | (/项目)指标值, 其中: 当年财 | 攻拨款) is mended across them
            cells = [cell.text.translate(_FULL_WIDTH_NUMBERS).replace("\n", " ").strip() for cell in row.cells]
            n = _cell_toks(toks, _join_spaced(cells), row.cells[0].origin.line, r, n)
            continue
        for cell in row.cells:
            line = cell.origin.line
            written = cell.text.translate(_FULL_WIDTH_NUMBERS)
            if as_text:
                pieces = _split_line(written)
            else:
                pieces = [written.replace("\n", " ").strip()]
            n = _cell_toks(toks, pieces, line, r, n, spaced=as_text and not re.search(r"[\t|]", written))
    return _join_wrapped_labels(toks)


def _join_wrapped_labels(toks: list[Tok]) -> list[Tok]:
    """A label or column head a PDF text wraps over two or three lines (项目名 / 称, 主管单 / 位, 二级指 / 标,
    项目资 / 金（万 / 元）) made one cell: cells each at a line's end and the next line's start that are one label
    or head when joined."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        for n in (2, 3):
            run = toks[i:i + n]
            if len(run) < n or not _wraps(run):
                continue
            text = "".join(r.text for r in run)
            joined = whole_label(text)
            first, rest = run[0], run[1:]
            if joined is not None and (not first.label or first.slip or first.label.field == joined.field) \
                    and all(not r.label or not first.label or r.label.field == joined.field for r in rest):
                # 项目名 / 称, 计划完成日 / 期, 其中:当年 / 财政拨款 (财政拨款 alone is another label)
                out.append(_annotate(replace(first, text=text, slip=None, more=tuple(r.line for r in rest))))
                i += n
                break
            if not any(r.label and not r.slip or r.head for r in run) and head_of(text):  # 二级指 / 标, 年度指标 / 值
                out.append(_annotate(replace(first, text=text, more=tuple(r.line for r in rest))))
                i += n
                break
        else:
            out.append(t)
            i += 1
    return out


def _wraps(run: list[Tok]) -> bool:
    """Pieces of a PDF text each on a line of its own after the first, short, none a level or head yet."""
    first = run[0]
    return all(r.spaced for r in run) and not first.levels and not first.head \
        and all(b.line != a.line and len(b.text) <= 6 for a, b in zip(run, run[1:], strict=False))


def _cell_toks(toks: list[Tok], pieces: list[str], line: int, row: int, n: int, spaced: bool = False) -> int:
    """Append the tokens of one cell's pieces (labels mended, glued labels split) to ``toks``; returns the
    number of the last piece. ``spaced``: the pieces were cut at spaces, not at a separator."""
    mended, slipped = _mend_labels(tuple(pieces))
    for p, piece in enumerate(mended):
        n += 1
        if p in slipped:
            tok = _annotate(Tok(piece, line, row, piece=n, spaced=spaced))
            label, exact = slipped[p]
            tok.label, tok.slip = tok.label or label, None if exact else label.text
            toks.append(tok)
            continue
        debris = _DEBRIS_BEFORE_NUMBER.fullmatch(piece.strip())
        if debris:  # OCR read a stroke of the cell's border as a character: 金 735, 000. 00
            toks.append(Tok(debris.group(1), line, row, piece=n + 1, slip="debris"))
            piece = debris.group(2)
        if _SPACED_NUMBER.fullmatch(piece.strip()):
            piece = re.sub(r"\s+", "", piece)  # OCR spaces a number's separators: 2, 000, 000. 00
        for part in _split_glued(piece):
            text = _PIECE_ENDS.sub("", part)
            if text and not _ENUM.match(text):
                toks.append(_annotate(Tok(text, line, row, piece=n, spaced=spaced)))
    return n


def read_indicator_rows(rows: list[tuple[int, list[str]]], path: str, value_cols: tuple[str, ...] = ("target",),
                        ) -> tuple[list[Indicator], set[int], list[Finding]]:
    """The body rows of a 绩效指标 table read as the form reader reads any table's body.

    ``rows``: (1-based line, the row's cells) below the table's header; ``value_cols``: the columns after the
    三级指标 name (``target`` for a declaration; ``target``, ``actual``, ``weight``, ``score``, ``note`` for a
    self-evaluation). Returns: (indicators, lines read, findings).
    """
    toks: list[Tok] = []
    n = 0
    for r, (line, cells) in enumerate(rows):
        n = _cell_toks(toks, [c.translate(_FULL_WIDTH_NUMBERS).strip() for c in cells], line, r, n)
    state = _State(path, toks, ())
    body = [t for t in _merge_wrapped(_explode(_rejoin(toks))) if key(t.text) != "指标"]
    cur = _Builder()
    _read_body(state, cur, body, list(value_cols), parallel=False)
    _carry_up(cur.indicators, 0)
    return cur.indicators, state.covered, state.findings


@lru_cache(maxsize=1 << 15)
def _mend_labels(pieces: tuple[str, ...]) -> tuple[tuple[str, ...], Mapping[int, tuple[Label, bool]]]:
    """Labels split over cells or garbled by OCR (``项 | 目名称``, ``三管部门``) put back together.

    Returns: the pieces with each such label's cells joined into one, and piece index -> (the label it was
    read as, True when only cells were joined) for the labels that needed a slip tolerated or cells joined
    (``loaders.labels.row_labels``). Cached, hence tuples in and out and a read-only mapping: rows of labels
    repeat from form to form.
    """
    if len(pieces) < 2 and not any(len(p) <= 12 for p in pieces):
        return pieces, _NOTHING_SLIPPED
    found = [f for f in row_labels(list(pieces)) if not f.exact or f.last - f.first > 1]
    found = [f for f in found if f.last - f.first > 1 or not _is_known(pieces[f.first])]
    if not found:
        return pieces, _NOTHING_SLIPPED
    out: list[str] = []
    slipped: dict[int, tuple[Label, bool]] = {}
    i = 0
    for f in found:
        out += pieces[i:f.first]
        slipped[len(out)] = (f.label, f.exact)
        out.append("".join(p for p in pieces[f.first:f.last] if p.strip()))
        i = f.last
    return (*out, *pieces[i:]), MappingProxyType(slipped)


_NOTHING_SLIPPED: Mapping[int, tuple[Label, bool]] = MappingProxyType({})


def _split_line(line: str) -> list[str]:
    if "\t" in line:  # a head or label the export cut over two cells (年度 | (/项目)指标值) is one cell
        return _join_spaced([p.strip() for p in line.split("\t")])
    if "|" in line:
        out: list[str] = []
        cells = line.split("|")
        prose = sum(1 for p in cells if p.strip()) <= 2  # a line of prose with a stray pipe, not a table row
        if not prose:  # a table row: a head or label the export cut over two cells is one cell, as with tabs
            return _join_spaced([p.strip() for p in cells])
        for p in cells:  # there a long cell keeps its sentences apart (narrative sections run inline)
            out += _join_spaced([q for q in re.split(r"[\s\u3000\xa0]+", p) if q]) if len(p) > 40 else [p.strip()]
        return out
    pieces = [p for p in re.split(r"[\s\u3000\xa0]+", line) if p]
    return _join_spaced(pieces)


def _join_spaced(pieces: list[str]) -> list[str]:
    """Join runs of pieces that spell one label when put together (``项目 名称``, ``合 计``, ``年初预算 数``)."""
    out: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(min(len(pieces), i + 8), i + 1, -1):
            joined = "".join(pieces[i:j])
            if _is_known(joined) and not _is_known(pieces[i]) or (_is_known(joined) and j - i > 1 and len(key(joined)) <= 12
                                                                 and all(len(key(p)) <= 3 for p in pieces[i:j])):
                out.append(joined)
                i = j
                break
        else:
            out.append(pieces[i])
            i += 1
    return out


@lru_cache(maxsize=1 << 16)
def _is_known(text: str) -> bool:
    return bool(whole_label(text) or head_of(text) or level_of(text))


@lru_cache(maxsize=1 << 16)
def _split_glued(piece: str) -> tuple[str, ...]:
    """Split strong labels and indicator heads out of a piece of text; prose sentences keep their words.
    Cached (labels and heads repeat across a corpus's forms)."""
    return tuple(_split_glued_parts(piece))


def _split_glued_parts(piece: str) -> list[str]:
    heads = _head_runs(piece) + _title_runs(piece) + _money_heads(piece)
    found = [(s, e) for s, e in heads]
    for s, e, label in find_labels(piece):
        if any(hs <= s < he or hs < e <= he for hs, he in heads):
            continue
        after = simplified(piece[e:e + 4])
        if re.match(r"[(\uff08](?!万元|元|[A-Z][)\uff09])[\u4e00-\u9fff]", after) and label.field in MONEY_FIELDS + ("local",):
            continue  # 中央补助地方资金(公路建设) names a fund: the money label is part of the name
        if s > 0 and key(label.text).startswith("项目") and (shorter := whole_label(label.text[2:])) is not None \
                and shorter.field == label.field:
            s += 2  # 经常性项目主管部门: 项目 ends the value before it (项目主管部门 is 主管部门)
        unit = _GLUED_UNIT.match(after)
        found.append((s, e + unit.end() if unit else e))  # 预算资金(万元)282.92: the unit stays with its label
    if not found:
        return _label_run(piece) or [piece]
    found.sort(key=lambda se: (se[0], -se[1]))
    parts: list[str] = []
    pos = 0
    for s, e in found:
        if s < pos:
            continue
        if s > pos:
            parts.append(piece[pos:s])
        parts.append(piece[s:e])
        pos = e
    if pos < len(piece):
        parts.append(piece[pos:])
    out: list[str] = []
    for part in parts:
        out += _label_run(part) or [part]
    return out


def _money_heads(piece: str) -> list[tuple[int, int]]:
    """The money block's head with its unit glued inside text (…某县图书馆项目资金(万元)年度资金总额…): offsets."""
    k, offsets = key_map(piece)
    if "(" not in k:
        return []
    return [(offsets[m.start()], offsets[m.end()] if m.end() < len(offsets) else len(piece))
            for m in _money_head_pattern().finditer(k)]


@lru_cache(maxsize=1)
def _money_head_pattern() -> re.Pattern[str]:
    from policykg.loaders.labels import field_labels

    blocks = sorted({lb.text for lb in field_labels() if lb.field == "money_block"}, key=len, reverse=True)
    return re.compile(f"(?:{'|'.join(re.escape(b) for b in blocks)})\\((?:元|万元)\\)")


def _label_run(piece: str) -> list[str] | None:
    """A piece made only of labels and heads run together (``分值执行率得分``), split; ``None`` otherwise."""
    k, offsets = key_map(piece)
    if not k or len(k) > 60 or len(offsets) != len(k):
        return None
    words, lengths = _run_words()
    best: list[int | None] = [None] * (len(k) + 1)
    best[0] = 0
    back: dict[int, int] = {}
    for pos in range(len(k)):
        if best[pos] is None:
            continue
        for n in lengths:
            if pos + n <= len(k) and best[pos + n] is None and k[pos:pos + n] in words:
                best[pos + n] = pos
                back[pos + n] = pos
    if best[len(k)] is None or len(k) in (0,):
        return None
    cuts: list[int] = []
    pos = len(k)
    while pos > 0:
        cuts.append(pos)
        pos = back[pos]
    cuts.reverse()
    if len(cuts) < 2:
        return None
    out, start = [], 0
    for c in cuts:
        end = offsets[c] if c < len(offsets) else len(piece)
        out.append(piece[start:end])
        start = end
    return out


@lru_cache(maxsize=1)
def _run_words() -> tuple[frozenset[str], tuple[int, ...]]:
    """The labels and heads a label run is made of, and their lengths (longest first)."""
    from policykg.loaders.labels import field_labels, indicator_heads

    words = frozenset(w for w in {lb.text for lb in field_labels()} | set(indicator_heads()) if len(w) >= 2)
    return words, tuple(sorted({len(w) for w in words}, reverse=True))


def _title_runs(piece: str) -> list[tuple[int, int]]:
    """A form title glued inside a long run of text (a whole table flattened onto one line)."""
    if len(piece) < 40:
        return []
    from policykg.loaders.labels import titles

    k = simplified(piece)
    if len(k) != len(piece):
        return []
    out = []
    for title, kind in titles():
        if kind == "narrative":
            continue
        for m in re.finditer(re.escape(title), k):
            out.append((_title_start(k, m.start()), m.end()))
    return out


def _title_start(text: str, start: int) -> int:
    """Where a title found at ``start`` of glued text begins: before the words a title opens with
    (``loaders/data/title_prefixes.txt``: 省级, 部门预算, 项目支出 …), which are no part of the value before it
    (=99百分比 | 省级部门预算项目支出绩效目标表)."""
    prefixes = _title_prefixes()
    moved = True
    while moved:
        moved = False
        for word in prefixes:
            if text.endswith(word, 0, start):
                start -= len(word)
                moved = True
                break
    return start


@lru_cache(maxsize=1)
def _title_prefixes() -> tuple[str, ...]:
    return tuple(sorted(data_words("policykg.loaders", "title_prefixes.txt"), key=len, reverse=True))


def _head_runs(piece: str) -> list[tuple[int, int]]:
    """Offsets of the distinctive indicator-table heads inside a piece (only those that cannot be a value)."""
    k = simplified(piece)
    if "指标" not in k and "值" not in k and "原因" not in k or len(k) != len(piece):
        return []
    distinctive, weak = head_patterns()
    out = [(m.start(), m.end()) for m in distinctive.finditer(k)]
    # the weak heads glued in a header run right after a distinctive one: 分值 得分 指标值 …
    extra: list[tuple[int, int]] = []
    for _, e in out:
        pos = e
        while True:
            m = weak.match(k, pos)
            if not m:
                break
            extra.append((pos, m.end()))
            pos = m.end()
    return out + extra


def _annotate(tok: Tok) -> Tok:
    tok.label, tok.head, tok.levels, title = _annotation(tok.text)
    if title:
        tok.title = title
    return tok


@lru_cache(maxsize=1 << 16)
def _annotation(text: str) -> tuple[Label | None, str | None, tuple[Level, ...], str | None]:
    """What a cell's text is: (field label, indicator column head, levels, form title kind of a short text)."""
    kind = title_kind(text)
    return whole_label(text), head_of(text), level_of(text), kind if kind and len(key(text)) <= 60 else None


# ---------------------------------------------------------------- building projects


@dataclass
class _Builder:
    name: str | None = None
    line: int = 0
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    money: dict[str, Amount] = field(default_factory=dict)
    money_figures: dict[str, Decimal] = field(default_factory=dict)  # 执行率 (a fraction), 分值, 得分 of 年度资金总额
    prose: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    unit: str | None = None
    unit_line: int | None = None  # where the form states its money unit (项目资金（万元）)
    read_as_yuan: list[tuple[int, str]] = field(default_factory=list)  # amounts under 万元 only credible in 元
    total_score: Decimal | None = None
    from_label: bool = False  # named by a 项目名称 label (a form), not by a narrative heading
    pieced: dict[str, tuple[str, int]] = field(default_factory=dict)  # values cut over cells: (first cell, line)

    def empty(self) -> bool:
        return not (self.fields or self.money or self.indicators or self.prose)


@dataclass
class _State:
    path: str
    toks: list[Tok]
    lines: tuple[str, ...]
    projects: list[_Builder] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)
    preamble: _Builder = field(default_factory=_Builder)
    kinds: list[str] = field(default_factory=list)
    unit: str | None = None
    money_columns: list[str] = field(default_factory=list)
    money_columns_row: int = -1
    wrapped: bool = False  # the file is PDF text whose table cells wrap at their column width (``_pdf_text``)

    @property
    def current(self) -> _Builder:
        return self.projects[-1] if self.projects else self.preamble


@lru_cache(maxsize=1)
def _name_labels() -> re.Pattern[str]:
    from policykg.loaders.labels import field_labels

    return re.compile("|".join(re.escape(lb.text) for lb in field_labels() if lb.field == "name"))


def name_label_count(grid: Grid) -> int:
    """How many project-name labels (项目名称, 资金名称 …) the grid's text holds: at least that many projects."""
    return len(_name_labels().findall(key(grid.source().text)))


def detect(grid: Grid) -> str | None:
    """Why ``grid`` is a form this reader reads (a title and labels found), or ``None``.

    A file is such a form when it names one (绩效目标申报表, 绩效自评表, 自评报告 …)
    and holds at least two of the form's labels, or holds a project name label
    and two more labels, or a narrative's numbered sections.
    """
    return _reason(_tokens(grid))


_LAST: list[tuple[Grid, list[Tok], bool]] = []  # the last grid tokenized (its tokens, whether PDF text)


def _tokens(grid: Grid) -> list[Tok]:
    """``tokenize(grid)``, computed once for the grid being read (the tokens are not changed after)."""
    return list(_tokenized(grid)[1])


def _tokenized(grid: Grid) -> tuple[Grid, list[Tok], bool]:
    """The grid being read, its tokens and whether it is PDF text (``_pdf_text``), computed once for it."""
    if not _LAST or _LAST[0][0] is not grid:
        toks = tokenize(grid)
        wrapped = _pdf_text(toks)
        if not wrapped:
            stray = {id(t) for t in _interleaved_labels(toks)}
            toks = [t for t in toks if id(t) not in stray]
        _LAST[:] = [(grid, toks, wrapped)]
    return _LAST[0]


_LAST_LINES: list[tuple[Grid, tuple[str, ...]]] = []  # the last grid's lines, read as ``_ascii_lines`` gives them


def _ascii_lines(grid: Grid) -> tuple[str, ...]:
    """The grid's text lines (0-based tuple of 1-based lines) with full-width digits, ``％ ． ＞ ＜ ＝`` as ASCII;
    computed once for the grid being read (every part of a document reads them)."""
    if not _LAST_LINES or _LAST_LINES[0][0] is not grid:
        _LAST_LINES[:] = [(grid, tuple(line.translate(_FULL_WIDTH_NUMBERS) for line in grid.source().lines))]
    return _LAST_LINES[0][1]


def _interleaved_labels(toks: list[Tok]) -> list[Tok]:
    """The characters of a merged cell's vertical label (绩 / 效 / 目 / 标) that OCR wrote into the lines of the
    text beside it, one between two pieces of a sentence (``绩 作为经济发展的压舱石,…提 效 供了有力支撑。…制 目
    造业…``): single characters, each a cell or a word between spaces, that spell 项目绩效目标, 绩效目标 or 绩效指标 in order on one line
    of prose. They are no part of the sentence."""
    out: list[Tok] = []
    by_line: dict[int, list[Tok]] = {}
    for t in toks:
        by_line.setdefault(t.line, []).append(t)
    for cells in by_line.values():
        if not any(len(t.text) >= 6 for t in cells):
            continue
        singles = [t for t in cells if len(t.text) == 1 and simplified(t.text) in _VERTICAL_HEAD]
        k = 0
        while k < len(singles):
            word = next((w for w in sorted(_VERTICAL_WORDS, key=len, reverse=True)
                         if simplified("".join(t.text for t in singles[k:k + len(w)])) == w), None)
            if word is None:
                k += 1
                continue
            out += singles[k:k + len(word)]
            k += len(word)
    return out


def _reason(toks: list[Tok]) -> str | None:
    titles = sorted({t.title for t in toks if t.title})
    fields = sorted({t.label.field for t in toks if t.label} | {t.head for t in toks if t.head})
    has_name = any(t.label and t.label.field == "name" for t in toks)
    sections = {t.label.field for t in toks if t.label and t.label.field in PROSE_FIELDS + ("division", "period")}
    narrative = {"overview", "legal_basis"} <= sections
    if titles and (len(fields) >= 2 or len(sections) >= 2) or has_name and len(fields) >= 3 or len(sections) >= 3 \
            or narrative:
        title = next((t.text for t in toks if t.title), None)
        named = f"title {title[:30]}" if title else "no form title"
        return f"{named}; {len(fields)} labels ({', '.join(fields[:6])}{' …' if len(fields) > 6 else ''})"
    return None


def load(grid: Grid) -> Document:
    """Read a grid into a ``Document`` (see the module docstring for what is read).

    Raises: nothing for a form it detects; an empty project list is the caller's
    error (``loaders.load_grid`` raises LayoutError).
    """
    source = grid.source()
    toks = _tokens(grid)
    state = _State(grid.path, toks, tuple(line.translate(_FULL_WIDTH_NUMBERS) for line in source.lines),
                   wrapped=_tokenized(grid)[2])
    _read(state)
    projects, doc_findings = _finish(state, source.lines)
    kind = _kind(state, projects)
    text_lines = frozenset(i for i, line in enumerate(source.lines, start=1) if line.strip())
    unexplained = sorted(text_lines - state.covered)
    slips = _slips(grid.path, toks)
    findings = state.findings + slips + doc_findings + [
        Finding("unexplained", n, "not understood", clean(source.lines[n - 1])[:120]) for n in unexplained]
    reason = _reason(toks) or ""
    title = next((t.text for t in toks if t.title), None)
    origins = tuple(row.cells[0].origin for row in grid.rows if row.cells) if grid.format != "text" else ()
    return Document(
        path=grid.path, file_name=source.file_name, sha256=grid.sha256, layout=LAYOUT, kind=kind, title=title,
        department=projects[0].department if projects else None,
        fiscal_year=projects[0].fiscal_year if projects else None, line_count=len(source.lines),
        projects=tuple(projects), findings=tuple(findings), covered_lines=frozenset(state.covered & text_lines),
        text_lines=text_lines, format=grid.format, origins=origins if len(origins) == len(grid.rows) else (),
        reason=reason)


@dataclass(frozen=True, slots=True)
class Part:
    """What the form reader read from some lines of a grid (one form of a document that is more than forms).

    ``projects``: each form named in those lines, as a ``Project`` (money in yuan), with the 1-based lines and
    text of its goal cells (项目总目标 / 年度总体目标, for the places they mention); ``covered``: the lines whose
    cells were read; ``findings``: what was not understood or is missing, by line.
    """

    projects: tuple[tuple[Project, tuple[tuple[int, str], ...]], ...]
    covered: frozenset[int]
    findings: tuple[Finding, ...]
    unit: str | None  # the money unit the part's forms state (元, 万元), for the forms after it


def read_part(grid: Grid, first: int, last: int, unit: str | None = None,
              spilled: Mapping[int, int | None] | None = None) -> Part:
    """Read lines ``first`` .. ``last`` (1-based, inclusive) of ``grid`` as the form reader reads a whole file.

    For a document whose forms stand between narratives it does not read as cells (a 绩效目标申报表 with its
    项目经费情况说明, ``loaders.declaration``): only the forms' cells are read here. The fiscal year is the one the
    part's own lines give (the form's （2024年度）), else none. ``unit``: the money unit of the document's
    forms before this part, for amounts whose form states none (one template, one unit). ``spilled``: lines
    after ``last`` that hold rows of this form's table OCR printed below the next narrative's first lines (1-based
    line -> how many of its cells, from the left, are the table's; ``None`` for the whole line); they are read as
    the part's last lines.
    """
    spilled = spilled or {}
    toks = [t for t in _tokens(grid) if first <= t.line <= last]
    for line in sorted(spilled):
        cells = [t for t in _tokens(grid) if t.line == line]
        toks += cells[:spilled[line]] if spilled[line] is not None else cells
    lines = _ascii_lines(grid)
    state = _State(grid.path, toks, lines, wrapped=_tokenized(grid)[2])
    state.unit = unit
    _read(state)
    own = replace(state, lines=lines[first - 1:last])
    year = _year(own)
    findings = list(state.findings) + _resolve_pieced(state, state.preamble)
    projects: list[tuple[Project, tuple[tuple[int, str], ...]]] = []
    for b in state.projects:
        if not b.name:
            if not b.empty():
                findings.append(Finding("missing", b.line or first, f"{grid.path}:{b.line or first}: a form's fields "
                                        "were read but it names no project (cut off before 项目名称?)"))
            continue
        goals = tuple((line, clean(text)) for f in ("overall_goal", "annual_goal") for line, text in b.prose.get(f, []))
        findings += _resolve_pieced(state, b)
        projects.append((_project(state, b, year), goals))
    for ind in state.preamble.indicators:
        findings.append(Finding("missing", ind.line, "indicator row before any 项目名称; attached to no project",
                                ind.name))
    findings += [f for b in state.projects + [state.preamble] for f in _unit_slips(grid.path, b)]
    findings += _slips(grid.path, toks)
    return Part(tuple(projects), frozenset(state.covered), tuple(findings), state.unit)


def _unit_slips(path: str, b: _Builder) -> list[Finding]:
    """One ``inconsistent`` finding for a form whose amounts are headed 万元 but only credible in 元 (read as 元),
    at the line of the head (or of the first such amount), naming the amounts."""
    if not b.read_as_yuan:
        return []
    line = b.unit_line or b.read_as_yuan[0][0]
    return [Finding("inconsistent", line, f"{path}:{line}: the amounts are headed （万元） but are only credible in 元; "
                    "read as 元", ", ".join(text for _, text in b.read_as_yuan))]


def _slips(path: str, toks: list[Tok]) -> list[Finding]:
    """A ``doubtful`` finding for each label read with an OCR slip, and each character of debris set aside."""
    out: list[Finding] = []
    for t in toks:
        if t.slip == "debris":
            out.append(Finding("doubtful", t.line, f"{path}:{t.line}: {t.text} before a number set aside as OCR debris",
                               t.text))
        elif t.slip and t.label:
            out.append(Finding("doubtful", t.line, f"{path}:{t.line}: {t.text} read as a {t.label.field} label "
                               f"({t.slip})", t.text))
    return out


def _kind(state: _State, projects: list[Project]) -> str:
    if any(p.funds.executed or p.funds.adjusted or any(i.actual for i in p.indicators) for p in projects):
        return "self-evaluation"
    forms = [k for k in state.kinds if k != "narrative"]
    if forms:
        return forms[-1]
    return "narrative" if state.kinds or not any(p.indicators for p in projects) else "declaration"


def _read(state: _State) -> None:
    _read_toks(state)
    for t in state.toks:  # a label read covers the lines it wrapped over
        if t.more and t.line in state.covered:
            state.covered.update(t.more)
    lines = sorted({t.line for t in state.toks})
    if not lines:
        return
    previous = None
    for n in range(lines[0], lines[-1] + 2):  # the 。 a wrapped sentence leaves alone on a line ends the line above
        text = clean(state.lines[n - 1]) if n <= len(state.lines) else ""
        if text and _PUNCTUATION_ONLY.fullmatch(text) and previous in state.covered or is_page_number(text):
            state.covered.add(n)  # a page's footer is structure too
        if text:
            previous = n


def _read_toks(state: _State) -> None:
    toks = state.toks
    vertical = {id(t) for t in _vertical_heads(toks) + _vertical_runs(toks)} if state.wrapped else set()
    i = 0
    while i < len(toks):
        t = toks[i]
        if id(t) in vertical:  # a merged cell's label printed one character a line: structure
            state.covered.add(t.line)
            i += 1
            continue
        if t.title:
            state.kinds.append(t.title)
            state.covered.add(t.line)
            if state.projects and not state.current.empty() and t.title != "narrative":
                state.projects.append(_Builder())  # a new form starts; its name label fills it
                state.projects[-1].line = t.line
            i += 1
            continue
        if _YEAR_LINE.fullmatch(clean(t.text)):
            state.covered.add(t.line)  # the form's （2022年度） under its title: the fiscal year (see _year)
            i += 1
            continue
        if _YEAR_LINE.fullmatch(clean(state.lines[t.line - 1])):  # the same line cut at its spaces: （2022 / 年度）
            state.covered.add(t.line)
            while i < len(toks) and toks[i].line == t.line:
                i += 1
            continue
        unit = money_unit(t.text)
        if unit:
            if state.current.unit is None:
                state.current.unit_line = t.line
            state.current.unit = state.current.unit or unit
            state.unit = state.unit or unit
            if _UNIT_ONLY.fullmatch(clean(t.text)):
                state.covered.add(t.line)  # （元） under the money block's 项目资金
        if t.head in ("table", "level1") or t.head == "level2" and _next_head(toks, i):
            j = _read_indicators(state, i)
            if j > i:
                i = j
                continue
        heading = _HEADING.match(simplified(t.text))
        in_form = bool(state.projects) and state.projects[-1].from_label
        if heading and not t.label and not in_form and _section_follows(toks, i):
            _start_project(state, t.text[heading.start("name"):heading.end("name")].strip(), t.line)
            i += 1
            continue
        if t.label:
            i = _read_label(state, i)
            continue
        if not state.projects:
            state.preamble.prose.setdefault("preamble", []).append((t.line, t.text))
        i += 1


def _next_head(toks: list[Tok], i: int) -> bool:
    return i + 1 < len(toks) and toks[i + 1].head is not None


def _section_follows(toks: list[Tok], i: int) -> bool:
    for t in toks[i + 1:i + 4]:
        if t.label and t.label.field in ("overview", "legal_basis"):
            return True
    return False


def _start_project(state: _State, name: str, line: int) -> None:
    name = name.strip()
    if not name:
        return
    for b in state.projects:
        if b.name and key(b.name) == key(name):
            state.projects.remove(b)
            state.projects.append(b)  # the same project again (a narrative before its form, a repeated table)
            state.covered.add(line)
            return
    cur = state.projects[-1] if state.projects else None
    if cur is not None and cur.name is None:
        cur.name, cur.line = name, line
    else:
        b = _Builder(name=name, line=line)
        if not state.projects:
            b.unit = state.preamble.unit
        state.projects.append(b)
    state.covered.add(line)


def _values(toks: list[Tok], i: int, limit: int = 6) -> list[Tok]:
    """The cells after a label, up to the next label, head, title or level name."""
    out: list[Tok] = []
    for n, t in enumerate(toks[i + 1:i + 1 + limit], start=i + 1):
        if t.label or t.title or t.head or t.levels:
            break
        if _HEADING.match(simplified(t.text)) and _section_follows(toks, n):
            break  # the next project of a narrative
        out.append(t)
    return out


def _read_label(state: _State, i: int) -> int:
    toks = state.toks
    t = toks[i]
    assert t.label is not None
    f = t.label.field
    state.covered.add(t.line)
    vals = _values(toks, i)
    if f == "name":
        if vals and not _GLUED_NUMBERS.match(vals[0].text):
            name, n = _field_value(vals, f, state.wrapped)
            _start_project(state, name, t.line)  # the project stands at its 项目名称 label (its name may wrap below)
            state.projects[-1].from_label = True
            state.covered.update(v.line for v in vals[:n])
            return i + 1 + n
        return i + 1
    cur = state.current
    if f in TEXT_FIELDS:
        if vals:
            text, n = _field_value(vals, f, state.wrapped)
            if not vals[0].spaced and f not in cur.fields and (f in _ORG_FIELDS or f in ("start", "end")):
                text, n = _cut_over_cells(vals, f, text, n, cur)
            value = re.sub(r"[。.;;]+$", "", text)
            if f not in cur.fields:
                cur.fields[f] = (value, vals[0].line)
            state.covered.update(v.line for v in vals[:n])
            return i + 1 + n
        return i + 1
    if f in PROSE_FIELDS:
        paired = 0 if state.wrapped else _prose_columns(state, i)  # PDF text prints the goal cells one after the other
        if paired:
            return paired
        taken = _values(toks, i, limit=400 if state.wrapped else 40)  # PDF text: a line a token, goals run long
        taken = [v for v in taken if not v.levels and not v.head]
        after = i + 1 + len(taken)
        while taken and _goal_row_label(taken[0]):
            state.covered.add(taken.pop(0).line)  # the merged 项目绩效目标 cell before the goal text
        looped = [v for v in taken if _ocr_loop(v.text)]
        if looped:
            state.findings += [_loop_finding(state, v, t) for v in looped]
            state.covered.update(v.line for v in looped)
            return after
        if taken:
            overall = _overall_half(state, i, taken) if f == "annual_goal" else 0
            if overall:
                cur.prose.setdefault("overall_goal", []).extend((v.line, v.text) for v in taken[:overall])
            cur.prose.setdefault(f, []).extend((v.line, v.text) for v in taken[overall:])
            state.covered.update(v.line for v in taken)
        return after
    if f.startswith("col_"):
        cols: list[str] = []
        j = i
        while j < len(toks) and toks[j].label and toks[j].label.field.startswith("col_"):  # type: ignore[union-attr]
            cols.append(toks[j].label.field[4:])  # type: ignore[union-attr]
            state.covered.add(toks[j].line)
            j += 1
        if len(cols) >= 2:
            state.money_columns = cols
            state.money_columns_row = t.row
        return j
    if f in MONEY_FIELDS or f in ("local", "central", "provincial"):
        return _read_money(state, i, f)
    if f == "total_score" and vals:
        m = _NUMBER.match(vals[0].text)
        if m:
            cur.total_score = Decimal(m.group(1).replace(",", ""))
            state.covered.add(vals[0].line)
    return i + 1


_NOT_NAME = re.compile(r"[\d.,%]+$|[>=<≥≤≧≦±]|\d{4}[-年./]")  # an amount, a target or a date after a value
_QUALIFIER = re.compile(r"[(\uff08][^()\uff08\uff09]{1,8}[)\uff09]")  # （本部）, （本级） after a body's name
_ORG_FIELDS = frozenset({"department", "central_department", "provincial_department", "budget_unit",
                         "implementing_unit", "publisher", "organizer"})


def _field_value(vals: list[Tok], f: str, wrapped: bool = False) -> tuple[str, int]:
    """A field's value and how many cells it takes: the first cell after the label. In a PDF text whose cells
    wrap (``wrapped``, ``_pdf_text``) also the pieces its line was cut into at spaces (项目名称 G60 日常办公经费
    项目性质), up to the next label, and the lines a wrapped name, 项目性质 or organization goes on over
    (上海低碳技术创新功 / 能型平台建设 / 项目类别 …; 上海市松江区科创发展 / 办公室, up to the word a body's name
    ends with, ``org_suffixes.txt``). A number or date after the value is no part of it."""
    first = vals[0]
    if not wrapped:  # a text cut at its spaces is cut at its cells, unless it is a PDF text whose cells wrap
        return first.text, 1
    n = 1
    for v in vals[1:]:
        if v.line != first.line or v.row != first.row or _NOT_NAME.match(v.text):
            break
        if not (v.spaced and vals[n - 1].spaced):
            break
        n += 1
    if (f in _ORG_FIELDS or f in ("name", "nature", "category")) and first.spaced:  # wrapped (科创发展 / 办公室)
        while n < len(vals) and vals[n].spaced and vals[n].line != vals[n - 1].line \
                and not (f in _ORG_FIELDS and _whole_org(vals[:n]) and not _QUALIFIER.fullmatch(vals[n].text)) \
                and not _NOT_NAME.match(vals[n].text):
            line = vals[n].line
            while n < len(vals) and vals[n].line == line:
                n += 1
    if n == 1:
        return first.text, 1
    return drop_spaces_by_cjk(" ".join(v.text for v in vals[:n])), n


def _cut_over_cells(vals: list[Tok], f: str, text: str, n: int, cur: _Builder) -> tuple[str, int]:
    """A value OCR cut over the cells of its row (real cells, not the pieces of a line cut at its spaces), up to the
    next label: an organization that does not end as a
    body's name does (上海市松江区长三角 | 角 G60 科包 | 走廊创新研究中心), or a date cut in its day (2024-12-3 |
    31). The pieces are joined, a character OCR repeated at a cut written once; an organization so joined is
    resolved at the end against the names the document writes whole (``_resolve_pieced``). Returns the value and
    how many cells it takes; ``(text, n)`` unchanged when the value is whole."""
    row = [v for v in vals[n:] if v.row == vals[0].row]
    if not row:
        return text, n
    if f in ("start", "end"):
        if _dates(text) is not None and re.fullmatch(r"\d{1,2}", row[0].text) and re.search(r"-\d$", text):
            joined = _overlap_join(text, row[0].text)
            if _dates(joined) is not None:
                cur.pieced[f] = (text, vals[0].line)
                return joined, n + 1
        return text, n
    if _whole_org(vals[:n]):
        return text, n
    joined = text
    for v in row:
        if _NOT_NAME.match(v.text):
            break
        joined = _overlap_join(joined, v.text)
        n += 1
    cur.pieced[f] = (text, vals[0].line)
    return joined, n


def _resolve_pieced(state: _State, b: _Builder) -> list[Finding]:
    """Settle the values of ``b`` that were joined from cells (``_cut_over_cells``), with a ``doubtful`` finding
    each. An organization is the name the document writes whole elsewhere (a 主管部门, a 实施单位 of another form)
    when one is close enough (``difflib`` ratio ≥ 0.75: 上海市松江区长三角G60科包走廊创新研究中心 →
    上海市松江区长三角G60科创走廊创新研究中心); else the joined text when it ends as a body's name does; else the
    first cell alone, as before."""
    findings: list[Finding] = []
    known = {_clean_org(v[0]) for x in state.projects + [state.preamble] for f, v in x.fields.items()
             if f in _ORG_FIELDS | {"division"} and f not in x.pieced}
    names = sorted(n for n in known if n and n.endswith(_org_suffixes()))
    for f, (first, line) in sorted(b.pieced.items()):
        joined = b.fields[f][0]
        value, how = joined, "a date cut over two cells"
        if f not in ("start", "end"):
            how = "a name cut over cells"
            resolved = _closest(_clean_org(joined) or joined, names)
            if resolved is not None:
                value = resolved
            elif not drop_qualifier(clean(joined)).endswith(_org_suffixes()):
                value, how = first, how + " that could not be joined"
        b.fields[f] = (value, b.fields[f][1])
        findings.append(Finding("doubtful", line, f"{state.path}:{line}: {how}: {first} and the cells after it "
                                f"({joined}) read as {value}", joined))
    return findings


def _closest(name: str, known: list[str], threshold: float = 0.75) -> str | None:
    """The name of ``known`` an OCR-garbled ``name`` stands for (``difflib.SequenceMatcher`` ratio ≥ ``threshold``,
    the highest; the first of equals), or ``None``."""
    best, best_ratio = None, threshold
    for candidate in known:
        ratio = SequenceMatcher(None, name, candidate, autojunk=False).ratio()
        if ratio > best_ratio or ratio == best_ratio and best is None:
            best, best_ratio = candidate, ratio
    return best


def _overlap_join(left: str, right: str) -> str:
    """``left`` + ``right`` (spaces by CJK characters dropped), their longest overlap written once: OCR repeats the
    characters at a cut (长三角 | 角 G60 → 长三角G60; 2024-12-3 | 31 → 2024-12-31; …中心 | 廊创新研究中心 → …中心)."""
    a, b = drop_spaces_by_cjk(left).strip(), drop_spaces_by_cjk(right).strip(" -")
    for k in range(min(len(a), len(b)), 0, -1):
        if a.endswith(b[:k]):
            return a + b[k:]
    return a + b


def _whole_org(vals: list[Tok]) -> bool:
    """The cells read so far end with the word a body's name ends with (``org_suffixes.txt``), a （本部） aside."""
    return drop_qualifier(clean("".join(v.text for v in vals))).endswith(_org_suffixes())


@lru_cache(maxsize=1)
def _org_suffixes() -> tuple[str, ...]:
    return data_words("policykg.loaders", "org_suffixes.txt")


def _overall_half(state: _State, i: int, taken: list[Tok]) -> int:
    """How many of the lines after a 项目总目标 | 年度总体目标 head row are the overall goal's: PDF text prints the
    two goal cells one after the other, each wrapped at its width, often the same text twice
    (``loaders.goals.split_goals``). 0 when the head is not such a row or the text does not divide on one page."""
    toks = state.toks
    j = i - 1
    while j >= 0 and i - j <= 6 and not toks[j].label \
            and _PERIOD.fullmatch(clean(state.lines[toks[j].line - 1]).replace(" ", "")):
        j -= 1  # the overall goal's period under its head: （2023 年- 2023 年）
    before = toks[j] if j >= 0 else None
    if not state.wrapped or before is None or not before.label or before.label.field != "overall_goal":
        return 0
    lines: dict[int, list[str]] = {}
    for v in taken:
        lines.setdefault(v.line, []).append(v.text)
    overall, annual, understood = split_goals([(n, " ".join(parts)) for n, parts in lines.items()])
    if not understood or overall is None or annual is None:
        return 0
    size = 0
    for k, v in enumerate(taken):
        size += len(re.sub(r"\s+", "", clean(v.text)))
        if size == len(overall) and (k + 1 == len(taken) or taken[k + 1].line != v.line):
            return k + 1
    return 0


def _prose_columns(state: _State, i: int) -> int:
    """Prose labels side by side as the heads of columns (预期目标 | 实际完成情况) and, on the next row (after
    its own heading, if any: 年度总体目标), one text cell under each: each label takes the cell of its column.
    Returns the index after the cells, 0 when the labels at ``i`` are not such a head row."""
    toks = state.toks
    heads = [i]
    while heads[-1] + 1 < len(toks) and toks[heads[-1] + 1].row == toks[i].row and toks[heads[-1] + 1].label \
            and toks[heads[-1] + 1].label.field in PROSE_FIELDS:  # type: ignore[union-attr]
        heads.append(heads[-1] + 1)
    if len(heads) < 2:
        return 0
    j = heads[-1] + 1
    while j < len(toks) and toks[j].row == toks[i].row and not (toks[j].label or toks[j].head) \
            and len(key(toks[j].text)) <= 2:
        j += 1  # OCR debris at the end of the head row (a stray character): left unexplained
    own = toks[j].label if j < len(toks) else None
    if own is not None and own.field in PROSE_FIELDS and toks[j].row != toks[i].row:
        state.covered.add(toks[j].line)  # the row's own heading (年度总体目标) before the cells under the heads
        j += 1
    while j < len(toks) and toks[j].row != toks[i].row and _goal_row_label(toks[j]):
        state.covered.add(toks[j].line)  # the merged 项目绩效目标 cell beside the goal cells
        j += 1
    row = [t for t in toks[j:] if t.row == toks[j].row] if j < len(toks) else []
    cells = [t for t in toks[j:j + len(heads)] if t.row == toks[j].row] if j < len(toks) else []
    if j < len(toks) and toks[j].row != toks[i].row and len(row) > len(heads) and not any(t.spaced for t in row) \
            and not any(t.label or t.head or t.levels or t.title for t in row):
        state.findings.append(Finding(  # more text cells than heads: which column each belongs to is not known
            "unexplained", row[0].line, f"{state.path}:{row[0].line}: {len(row)} text cells under the "
            f"{len(heads)} goal heads; OCR ran the columns together, so the goals are not read",
            " | ".join(t.text for t in row)[:200]))
        return j + len(row)
    if len(cells) != len(heads) or toks[j].row == toks[i].row or any(t.label or t.head or t.levels or t.title for t in cells) \
            or j + len(cells) < len(toks) and toks[j + len(cells)].row == toks[j].row:
        return 0
    for h, cell in zip(heads, cells, strict=True):
        field_name = toks[h].label.field  # type: ignore[union-attr]
        if _ocr_loop(cell.text):
            state.findings.append(_loop_finding(state, cell, toks[h]))
            state.covered.add(toks[h].line)
            continue
        state.current.prose.setdefault(field_name, []).append((cell.line, cell.text))
        state.covered.update((toks[h].line, cell.line))
    return j + len(cells)


_LOOP = re.compile(r"(.{2,12}?)[,，。;；、]?(?:\1[,，。;；、]?){3,}")  # one phrase four times or more in a row


def _ocr_loop(text: str) -> bool:
    """Text in which OCR repeated one phrase over and over (``有效降低融资。有效降低融资。有效降低融资。…``)."""
    return bool(_LOOP.search(key(text)))


def _loop_finding(state: _State, cell: Tok, label: Tok) -> Finding:
    name = label.label.text if label.label else label.text
    return Finding("doubtful", cell.line, f"{state.path}:{cell.line}: the text repeats one phrase over and over, as "
                   f"OCR does when it loses its place; not read as the {name}", cell.text[:200])


def _goal_row_label(t: Tok) -> bool:
    """The merged cell that labels the goal rows (项目绩效目标, 绩效目标, or OCR's pieces of it: 目 绩 效 目)."""
    text = key(t.text)
    return len(text) >= 2 and set(text) <= _VERTICAL_HEAD and not t.label and not t.head


def _read_money(state: _State, i: int, f: str) -> int:
    toks = state.toks
    cur = state.current
    label = toks[i]
    vals = _values(toks, i, limit=8)
    numeric = [v for v in vals if _NUMBER.match(v.text) and not re.match(r"^\d{4}年", v.text)
               or re.search(r"\d\s*(?:万元|万|元)(?![/每])", simplified(v.text))]
    columns = state.money_columns if 0 <= label.row - state.money_columns_row <= 12 else []
    near = [money_unit(v.text) for v in vals[:vals.index(numeric[0])]] if numeric else []
    unit = money_unit(label.text) or next((u for u in near if u), None) or cur.unit or state.unit
    if columns and f in ("annual", "total") and numeric:
        if len(numeric) == 1 and _GLUED_NUMBERS.match(numeric[0].text) and len(columns) > 1:
            split = glued.best_money_split(numeric[0].text.replace(",", ""), columns)
            if split is None:
                state.findings.append(Finding("unexplained", numeric[0].line,
                                              "glued money cells could not be split into the columns "
                                              + "/".join(columns), numeric[0].text))
                return i + 2
            values = [(c, split[c], numeric[0].line) for c in columns if c in split]
        else:
            values = [(c, v.text, v.line) for c, v in zip(columns, _same_row(numeric, label), strict=False)]
        for column, text, line in values:
            target = {"initial": "initial", "adjusted": "adjusted", "executed": "executed",
                      "current": "annual"}.get(column)
            if target and text not in ("-", "—"):
                amount = _amount(state, text, line, unit)
                if amount is not None and target not in cur.money:
                    cur.money[target] = amount
            elif column in ("rate", "weight", "score") and f == "annual":
                number = _share(text, column == "rate")
                if number is not None:
                    cur.money_figures.setdefault(column, number)
            state.covered.add(line)
        state.covered.add(label.line)
        return i + 1 + len(vals)
    field_name = {"local": "other", "central": "fiscal", "provincial": "fiscal"}.get(f, f)
    if not numeric and vals and vals[0].text in OCR_ZERO and vals[0].row == label.row:
        v = vals[0]
        if field_name not in cur.money:
            cur.money[field_name] = Amount(Decimal(0), v.text, v.line)
            state.covered.add(v.line)
            state.findings.append(Finding("doubtful", v.line, f"{state.path}:{v.line}: {v.text} in a money cell read "
                                          "as 0 (OCR)", v.text))
        return i + 2
    if numeric:
        v = numeric[0]
        amount = _amount(state, v.text, v.line, unit)
        if amount is not None and field_name not in cur.money:
            cur.money[field_name] = amount
            state.covered.add(v.line)
        return i + 1 + vals.index(v) + 1
    return i + 1


def _share(text: str, percent: bool) -> Decimal | None:
    """A 执行率 cell as a fraction (``97%`` -> 0.97, ``100%`` -> 1), or a 分值 / 得分 cell as a number."""
    plain = "".join(simplified(text).split())
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(%?)", plain)
    if m is None or (percent and not m.group(2)) or (not percent and m.group(2)):
        return None
    return Decimal(m.group(1)) / 100 if percent else Decimal(m.group(1))


def _same_row(numeric: list[Tok], label: Tok) -> list[Tok]:
    row = [v for v in numeric if v.row == label.row]
    return row if row else numeric


def _amount(state: _State, text: str, line: int, unit: str | None) -> Amount | None:
    m = _NUMBER.search(simplified(text))
    if not m:
        return None
    value = Decimal(m.group(1).replace(",", ""))
    written_unit = m.group(2)
    u = written_unit or unit
    if u is None:
        u = _unit_below(state, line) or _unit_from_text(state, m.group(1))
    if u is None:
        state.findings.append(Finding("missing", line, f"amount {m.group(1)} has no unit anywhere in the form; not read",
                                      text))
        return None
    if u in ("万元", "万") and not written_unit and value >= _IMPLAUSIBLE_WAN:
        state.current.read_as_yuan.append((line, text.strip()))  # reported once for the form (_unit_slips)
        u = "元"
    return Amount(to_yuan(value, "万元" if u == "万" else u), text.strip(), line)


def _unit_below(state: _State, line: int, rows: int = 3) -> str | None:
    """The unit of a money block's head cell printed a few rows further down: a vertically merged
    ``项目资金（元）`` cell is printed beside its middle rows, after the first amounts. ``line`` is 1-based."""
    for text in state.lines[line:line + rows]:
        if _MONEY_HEAD_UNIT.search(text):
            return money_unit(text)
    return None


_MONEY_HEAD_UNIT = re.compile(r"(?:^|[\t|])\s*[((]\s*(?:万元|元)\s*[))]\s*(?:$|[\t|])")


def _unit_from_text(state: _State, number: str) -> str | None:
    """The unit the document writes this same number with elsewhere (``5.00`` in the table, ``5万元`` in prose)."""
    bare = number.rstrip("0").rstrip(".") if "." in number else number
    pattern = re.compile(rf"(?<![\d.]){re.escape(bare)}(?:\.0+)?\s*(万元|万|元)(?![/每])")
    for line in state.lines:
        m = pattern.search(simplified(line))
        if m:
            return "万元" if m.group(1).startswith("万") else "元"
    return None


# ---------------------------------------------------------------- indicator table


def _read_indicators(state: _State, i: int) -> int:
    """Read the 绩效指标 table starting at its header; returns the index after it (``i`` when it is no table)."""
    toks = state.toks
    columns: list[str] = []
    j = i
    while j < len(toks) and (toks[j].head or key(toks[j].text) in ("指标", "绩", "绩效")):
        if toks[j].head and toks[j].head not in ("table",):
            columns.append(toks[j].head)  # type: ignore[arg-type]
        state.covered.add(toks[j].line)
        j += 1
    if "name" not in columns and not ("level1" in columns and "level2" in columns):
        return i
    if "name" not in columns:
        columns.append("name")
    parallel = columns.count("name") > 1
    if parallel:
        columns = columns[len(columns) - 1 - columns[::-1].index("name"):]
    value_cols = [c for c in columns[columns.index("name") + 1:]
                  if c in ("target", "actual", "weight", "score", "note", "unit", "nature")]
    if "target" not in value_cols:
        value_cols.insert(0, "target")
    end = _table_end(state, j)
    if value_cols == ["target"] and j < end and all(t.spaced for t in toks[j:end]) and state.wrapped:
        return _read_text_table(state, i, end)
    body = [t for t in _merge_wrapped(_explode(_rejoin(toks[j:end]))) if key(t.text) != "指标"]
    stop = next((n for n, t in enumerate(body) if t.head in ("level1", "name")), None)
    if stop is not None:  # the template's footnote names the columns again
        body = body[:stop]
    if "self-evaluation" in state.kinds and "actual" not in value_cols:
        value_cols = ["target", "actual", "weight", "score"] + [c for c in value_cols if c not in ("target",)]
    if value_cols == ["target"] and not state.wrapped and _run_into_text(toks, i):
        return _read_stream(state, j, end)
    first = len(state.current.indicators)
    _read_body(state, state.current, body, value_cols, parallel)
    cur = state.current
    _carry_up(cur.indicators, first)
    at_end = end == len(toks) or bool(_BOILERPLATE.search(simplified(toks[end].text))) \
        or _furniture_line(state, toks, end)  # the form's text ends there (the site's footer, another page)
    if at_end and cur.indicators and cur.indicators[-1].target is None and cur.indicators[-1].actual is None:
        cut = cur.indicators.pop()  # the text ends inside this row (before the site's footer): keep complete rows
        state.findings.append(Finding("missing", cut.line, "the form is cut off inside this indicator row; "
                                      "the row is not read", cut.name))
    return end


def _read_text_table(state: _State, i: int, end: int) -> int:
    """A declaration's 绩效指标 table as PDF text gives it (cells cut at their spaces and wrapped at their column
    width, level labels over two lines): read line by line by ``loaders.indicator_text``, which tells wrapped names
    and targets apart by their form and width. ``i``: the head cell, ``end``: the cell after the body; returns
    ``end``."""
    toks = state.toks
    first, last = toks[i].line, toks[end - 1].line
    lines = [(n, state.lines[n - 1]) for n in range(first, last + 1)
             if state.lines[n - 1].strip() and not is_page_number(state.lines[n - 1])]
    parse = parse_indicator_rows(lines, state.path)
    state.current.indicators += parse.indicators
    state.covered |= parse.covered
    state.findings += parse.findings
    return end


def _run_into_text(toks: list[Tok], i: int) -> bool:
    """The table's head at ``i`` stands in a line of text after a sentence, with the rows after it on the same
    line, each cell a word (…有益支撑。 一级 二级指标 三级指标 年度(/项目)指标值 指标 成本 经济成本 单个课题成本
    ≤160000.00(元/个) …): OCR lost the table's cells and wrote the whole table as running text. (Cells glued
    without spaces are split at their labels instead: ``_split_glued``.)"""
    before = toks[i - 1] if i > 0 else None
    if before is None or before.line != toks[i].line or before.head or before.label or before.piece == toks[i].piece \
            or len(key(before.text)) < 8:
        return False
    after = [t for t in toks[i:] if t.line == toks[i].line]
    return len({t.piece for t in after}) >= 0.8 * len(after) and any(is_target(t.text) for t in after)


_BRACKETED_UNIT = re.compile(r"[(\uff08][^()\uff08\uff09\d]{1,6}[)\uff09]")


def _read_stream(state: _State, j: int, end: int) -> int:
    """A 绩效指标 table flattened into running text, read word by word by ``loaders.indicator_text.parse_stream``
    (a target closes a row; label fragments give its levels). ``j``: the first cell after the head, ``end``: the
    cell after the body; returns ``end``."""
    units: list[tuple[int, str]] = []
    for t in state.toks[j:end]:
        if units and units[-1][0] == t.line and _BRACKETED_UNIT.fullmatch(t.text) and is_target(units[-1][1]):
            units[-1] = (t.line, f"{units[-1][1]} {t.text}")  # a target's unit cut off at a space: ≥85 (%)
        else:
            units.append((t.line, t.text))
    parse = parse_stream(units, state.path)
    state.current.indicators += parse.indicators
    state.covered |= parse.covered
    state.findings += parse.findings
    return end


def _pdf_text(toks: list[Tok]) -> bool:
    """True for the text of a PDF whose table cells wrap at their column width, as PDF text extraction writes
    them: its merged cells are printed vertically, one character a line (项 / 目 / 绩 / 效 …, three or more)."""
    return len(_vertical_heads(toks)) >= 3


def _alone(toks: list[Tok]) -> list[Tok]:
    """The cells cut out of a text line at its spaces that stand alone on their line."""
    spaced = [t for t in toks if t.spaced]
    return [t for k, t in enumerate(spaced)
            if (k == 0 or spaced[k - 1].line != t.line) and (k + 1 == len(spaced) or spaced[k + 1].line != t.line)]


def _vertical_heads(toks: list[Tok]) -> list[Tok]:
    """The characters of a vertically printed merged cell (绩 / 效 / 指 / 标), each alone on its line."""
    return [t for t in _alone(toks) if len(t.text) == 1 and t.text in _VERTICAL_HEAD]


def _vertical_runs(toks: list[Tok]) -> list[Tok]:
    """A merged cell's label printed a few characters a line (项目绩效目 / 标, 项目 / 绩效 / 目标): pieces each alone
    on its line that spell 项目绩效目标 or 绩效指标 together."""
    alone = [t for t in _alone(toks) if set(t.text) <= _VERTICAL_HEAD]
    out: list[Tok] = []
    k = 0
    while k < len(alone):
        for n in (2, 3, 4):
            run = alone[k:k + n]
            if len(run) == n and "".join(t.text for t in run) in _VERTICAL_WORDS \
                    and all(b.line - a.line <= 2 for a, b in zip(run, run[1:], strict=False)):
                out += run
                k += n
                break
        else:
            k += 1
    return out


_VERTICAL_WORDS = frozenset({"项目绩效目标", "绩效指标", "绩效目标"})
_VERTICAL_HEAD = frozenset("项目绩效指标")  # the characters of the merged 项目绩效目标 / 绩效指标 cells


def _table_end(state: _State, j: int) -> int:
    """Index of the first cell after the indicator table: a new form, a note under the table, the site's footer."""
    toks = state.toks
    for k in range(j, len(toks)):
        t = toks[k]
        if t.title or (t.label and t.label.field in ("name", "total_score", "programme")) \
                or _END_OF_TABLE.match(simplified(t.text)) or _BOILERPLATE.search(simplified(t.text)) \
                or _opens_narrative(state, toks, k) or _furniture_line(state, toks, k):
            return k
    return len(toks)


def _starts_line(toks: list[Tok], k: int) -> bool:
    """The cell at ``k`` is the first of its line."""
    return not k or toks[k - 1].line != toks[k].line


def _furniture_line(state: _State, toks: list[Tok], k: int) -> bool:
    """The first cell of a line that opens a site's page furniture (发布时间：…, 首页 > …, 【字体：大 中 小】,
    ``loaders/data/page_furniture.txt``): the page of another document begins; no table row starts so."""
    if not _starts_line(toks, k):
        return False
    line = simplified(clean(state.lines[toks[k].line - 1])).lstrip("【[〔(（ ")
    return line.startswith(page_furniture())


def _opens_narrative(state: _State, toks: list[Tok], k: int) -> bool:
    """The first cell of a line that opens the next project's narrative (项目经费情况说明 2, 一、项目概述): no
    table row starts so, and a narrative placed between two forms must not be read as indicator rows."""
    t = toks[k]
    if not _starts_line(toks, k):
        return False
    line = clean(state.lines[t.line - 1])
    if starts_narrative(line) and not is_top_heading(line):
        return True
    numbered = _ENUM_PREFIX.match(line)
    return bool(t.label and t.label.field == "overview" and numbered and numbered.end() < len(line))


def _rejoin(toks: list[Tok]) -> list[Tok]:
    """Inside the table, labels found in a cell are words of its text (…预算执行率 as an indicator): join the cell back."""
    out: list[Tok] = []
    for t in toks:
        if out and t.piece == out[-1].piece and t.piece >= 0 and (t.label or out[-1].label) \
                and not (t.head or out[-1].head or t.levels or out[-1].levels):
            prev = out.pop()
            out.append(_annotate(Tok(prev.text + t.text, prev.line, prev.row, piece=prev.piece)))
        else:
            out.append(t)
    return [t for t in out if not _filler(t)]


def _merge_wrapped(toks: list[Tok]) -> list[Tok]:
    """A level label wrapped over two cells (``项目完成`` / ``指标``, ``服务对象`` / ``满意度指标``) made one cell."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if i + 1 < len(toks) and not t.levels or (i + 1 < len(toks) and key(toks[i + 1].text) == "指标"):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and len(key(t.text)) <= 8:
                joined = t.text + nxt.text
                if level_of(joined) and (not t.levels or key(nxt.text) == "指标" or len(key(joined)) > len(key(t.text))):
                    out.append(Tok(joined, t.line, t.row, levels=level_of(joined), piece=t.piece))
                    i += 2
                    continue
        if not t.levels and i + 1 < len(toks) and toks[i + 1].row == t.row:
            cut = _cut_level(t.text)
            if cut is not None:  # a level label OCR cut short (产出指 for 产出指标), with the row going on after it
                out.append(Tok(cut, t.line, t.row, levels=level_of(cut), piece=t.piece))
                i += 1
                continue
        out.append(t)
        i += 1
    return out


def _cut_level(text: str) -> str | None:
    """The level label ``text`` is the start of (two characters or more, one framework category only), or ``None``."""
    from policykg.loaders.labels import levels

    k = key(text)
    if not 2 <= len(k) <= 5 or level_of(text) or _value_like(text):
        return None
    framework = {lv.category for lvs in levels().values() for lv in lvs}
    found = sorted((label for label in levels() if label.startswith(k) and label != k),
                   key=lambda lb: (lb not in framework, len(lb), lb))  # 产出指标 before 产出值
    categories = {lv.category for label in found for lv in levels()[label]}
    return found[0] if found and len(categories) == 1 else None


def _filler(t: Tok) -> bool:
    """The vertical 绩效指标 cell beside the table (whole, or one or two of its characters per row: 绩, 效 指, ·绩·效;
    not 指标 or 标, which may end a wrapped level label), or dots."""
    k = re.sub(r"[·•・]", "", key(t.text))
    return k == "绩效指标" or 0 < len(k) <= 3 and set(k) <= set("绩效指标") and bool(set(k) & set("绩效")) or bool(re.fullmatch(r"[….。·•・ ]+", t.text))


def _explode(body: list[Tok]) -> list[Tok]:
    """Cells of the table body with glued level labels (``产出指标(50分)数量指标…``) made cells of their own.

    A label is split off only where a name can follow it (not before ``%``, ``=`` or a digit:
    a level label followed by ``%`` is an indicator's name). A body flattened into one run ends at its notes
    (``……``, ``总分``, ``注:``).
    """
    out: list[Tok] = []
    for t in body:
        text = t.text
        if t.levels or t.head or len(text) < 4:
            out.append(t)
            continue
        cut = re.search(r"……|总分|注[:：]", text)
        if cut and cut.start() > 0:
            text = text[:cut.start()]
        pieces: list[str] = []
        rest = text
        while rest:
            pre = level_prefix(rest)
            if pre and re.match(r"[\u4e00-\u9fffA-Za-z“(（]", rest[len(pre[0]):]):
                pieces.append(pre[0])
                rest = rest[len(pre[0]):]
                continue
            m = _next_level(rest)
            if m is None:
                pieces.append(rest)
                break
            pieces.append(rest[:m])
            rest = rest[m:]
        out += [Tok(p, t.line, t.row, levels=level_of(p), piece=t.piece) for p in pieces if p]
    return out


@lru_cache(maxsize=1)
def _level_regex() -> re.Pattern[str]:
    from policykg.loaders.labels import levels

    names = sorted((k for k in levels() if len(k) >= 4), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


def _next_level(text: str) -> int | None:
    """Offset of the first level label inside ``text`` that starts a new row, or ``None``.

    Not where a value follows the label (a level label then ``%=90``: the label is the indicator's name).
    """
    k = simplified(text)
    if len(k) != len(text):
        return None
    for m in _level_regex().finditer(k, 1):
        after = k[m.end():m.end() + 1]
        if after and not re.match(r"[%=<>≥≤≧≦\d.]", after):
            return m.start()
    return None


def _value_like(text: str) -> bool:
    plain = simplified(text)
    return bool(re.match(r"[>=<≥≤≧≦±\d]", plain)) or glued.is_value(plain) \
        or len(plain) <= 6 and bool(re.search(r"\d", plain))


def _read_body(state: _State, cur: _Builder, cells: list[Tok], value_cols: list[str], parallel: bool) -> None:
    """Read indicator rows from the body's cells in order: levels, a name, then its value cells.

    Where the export kept rows (several cells on a line), a row's values stand on its line;
    where it put one cell per line, the values are the next cells; a cell holding a whole row
    glued together is split by ``loaders.glued``.
    """
    rows: dict[int, int] = {}
    for c in cells:
        rows[c.row] = rows.get(c.row, 0) + 1
    row_mode = sum(1 for n in rows.values() if n >= 2) >= 0.5 * len(rows) if rows else False
    l1: str | None = None
    l2: str | None = None
    level_row = -1  # the row of the level labels read last
    k = 0
    while k < len(cells):
        c = cells[k]
        state.covered.add(c.line)
        if c.levels:
            run = [c]
            while k + len(run) < len(cells) and cells[k + len(run)].levels and len(run) < 2:
                run.append(cells[k + len(run)])
            if len(run) == 2 and not _parent_of(run[0], run[1]):
                _, _, l1, l2 = _peel_levels(run[:1], l1, l2)  # an empty row: its label stands alone
                run_n = 1
                k += run_n
                continue
            _, _, l1, l2 = _peel_levels(run, l1, l2)
            level_row = c.row
            k += len(run)
            continue
        if c.head:  # table header text inside the rows (a header row glued into a cell by the export)
            run = [c]
            while k + len(run) < len(cells) and cells[k + len(run)].head:
                run.append(cells[k + len(run)])
            state.findings.append(Finding("inconsistent", c.line, f"{state.path}:{c.line}: 实际完成值 cell holds "
                                          "table header text; the header words are not read as values",
                                          " ".join(t.text for t in run)))
            k += len(run)
            k = _after_header_text(state, cur, cells, k, c, value_cols)
            continue
        name = c
        k += 1
        if row_mode and value_cols == ["target"] and k + 1 < len(cells) and cells[k].row == name.row == cells[k + 1].row \
                and not cells[k].levels and not _value_like(cells[k].text) and _value_like(cells[k + 1].text):
            # the row's values follow the cell after this one: this one is debris left of the name (OCR noise)
            state.findings.append(Finding("unexplained", name.line, f"{state.path}:{name.line}: a cell between the "
                                          "level labels and the indicator's name; not read", name.text))
            name = cells[k]
            k += 1
        if parallel:
            k, name, l2 = _annual_half(cells, k, name, l2, row_mode)
        nxt = cells[k] if k < len(cells) else None
        boundary = nxt is None or nxt.levels or (row_mode and nxt.row != name.row)
        if boundary:
            several = glued.split_rows(name.text, value_cols + ([] if "note" in value_cols else ["note"]))
            if several and any(v for _, v in several):
                for row_name, row_values in several:
                    _add_indicator(cur, row_name, row_values, name.line, l1, l2)
                continue
        values: dict[str, str] = {}
        if len(rows) == 1 and len(cells) > 3 * (len(value_cols) + 1):
            k = _sequence_values(cells, k, value_cols, values)  # a whole table on one line: values by their look
            _add_indicator(cur, name.text, values, name.line, l1, l2)
            continue
        for col in value_cols:
            if k >= len(cells):
                break
            v = cells[k]
            if v.levels or v.head or (row_mode and v.row != name.row):
                break
            if col in ("weight", "score") and not re.fullmatch(r"\d+(?:\.\d+)?", v.text):
                continue
            if col == "actual" and not row_mode and not _value_like(v.text) and values:
                break
            if col == "note" and (not row_mode or (k + 1 < len(cells) and cells[k + 1].row == v.row)):
                break
            if col in ("target", "actual") and not row_mode and len(rows) == 1 and not _value_like(v.text):
                break
            values[col] = v.text
            state.covered.add(v.line)
            k += 1
        if not values and row_mode and _continues(cur, name):
            prev = cur.indicators[-1]  # a wrapped name cell: its second line is a row with no values
            labels_here = level_row == name.row
            cur.indicators[-1] = replace(prev, name=clean(prev.name + name.text),
                                         level1=l1 if labels_here else prev.level1,
                                         level2=l2 if labels_here and l2 else prev.level2)
            continue
        _add_indicator(cur, name.text, values, name.line, l1, l2)


def _after_header_text(state: _State, cur: _Builder, cells: list[Tok], k: int, head: Tok, value_cols: list[str]) -> int:
    """The rest of a 实际完成值 cell that holds header text: the cell's last word is the row's 实际完成值, what
    stands between the header words and it (another row's cells, glued in by OCR) is reported and not read,
    and the row's 分值 / 得分 / 偏差原因 cells follow. Returns the index of the next cell to read."""
    rest = []
    while k < len(cells) and head.piece >= 0 and cells[k].piece == head.piece:
        rest.append(cells[k])
        k += 1
    last = cur.indicators[-1] if cur.indicators else None
    if not rest or last is None or last.line != head.line or last.actual is not None or "actual" not in value_cols:
        return k - len(rest)
    words = rest[-1].text.split()
    debris = " ".join([t.text for t in rest[:-1]] + words[:-1])
    if debris:
        state.findings.append(Finding("unexplained", head.line, f"{state.path}:{head.line}: cells of another row glued "
                                      "into the 实际完成值 cell after its header text; not read", debris))
    values: dict[str, str] = {}
    for col in value_cols[value_cols.index("actual") + 1:]:
        if k >= len(cells) or cells[k].row != head.row or cells[k].levels or cells[k].head:
            break
        if col in ("weight", "score") and not re.fullmatch(r"\d+(?:\.\d+)?", cells[k].text):
            break
        values[col] = cells[k].text
        k += 1
    cur.indicators[-1] = replace(last, actual=parse_target(words[-1]), weight=_decimal(values.get("weight")),
                                 score=_decimal(values.get("score")), deviation_note=values.get("note"))
    return k


_WRAP_WIDTH = 15  # a name cell this long or longer may wrap onto a second line
_SENTENCE_END = "。;；!！"


def _continues(cur: _Builder, name: Tok) -> bool:
    """True when ``name``, a row of the table with no values, is the second line of the last indicator's name:
    that name is long enough to have wrapped, has its values, does not end a sentence, and stands just above."""
    if not cur.indicators:
        return False
    prev = cur.indicators[-1]
    text = prev.name.rstrip()
    return (prev.target is not None or prev.actual is not None) and len(text) >= _WRAP_WIDTH \
        and text[-1] not in _SENTENCE_END and 0 <= name.line - prev.line <= 3 and not _value_like(name.text) \
        and not name.levels and bool(re.search(r"[\u4e00-\u9fff]", name.text))


def _sequence_values(cells: list[Tok], k: int, value_cols: list[str], values: dict[str, str]) -> int:
    """The value cells after a name when the table has no row breaks: as many as look like values.

    Values with a unit or comparator fill 年度指标值 then 实际完成值; bare numbers after them are 分值 and 得分.
    """
    taken: list[str] = []
    while k < len(cells) and len(taken) < 4 and not cells[k].levels and _value_like(cells[k].text):
        taken.append(cells[k].text)
        k += 1
    measured = [t for t in taken if not re.fullmatch(r"\d+(?:\.\d+)?", t)]
    order: list[str] = [c for c in ("target", "actual") if c in value_cols]
    numbers: list[str] = [c for c in ("weight", "score") if c in value_cols]
    if measured:
        pairs = list(zip(order, taken[:len(measured)], strict=False))
        pairs += list(zip(numbers, taken[len(measured):], strict=False))
    else:
        pairs = list(zip([c for c in value_cols if c != "note"], taken, strict=False))
    for col, text in pairs:
        values[col] = text
    return k


def _parent_of(first: Tok, second: Tok) -> bool:
    """True when ``first`` can be the 一级 label of the 二级 label ``second`` (by the framework's categories)."""
    from policykg.loaders.levels import LEVEL2_PARENT

    ones = {lv.category for lv in first.levels if lv.level == 1}
    if not ones:
        return False
    twos = [lv for lv in second.levels if lv.level == 2]
    if not twos:
        return False
    parents = {LEVEL2_PARENT.get(lv.category) for lv in twos}
    return None in parents or bool(ones & parents) or "成本指标" in {lv.category for lv in twos} and "产出指标" in ones


def _annual_half(cells: list[Tok], k: int, name: Tok, l2: str | None, row_mode: bool) -> tuple[int, Tok, str | None]:
    """Parallel 实施周期 / 年度 columns: skip the long-term value, take the annual level, name and value."""
    if k < len(cells) and not cells[k].levels:
        k += 1  # the 实施周期指标值
    if k < len(cells) and cells[k].levels and (not row_mode or cells[k].row == name.row):
        l2 = cells[k].text
        k += 1
    if k < len(cells) and not cells[k].levels and (not row_mode or cells[k].row == name.row):
        name = cells[k]
        k += 1
    return k, name, l2


def _peel_levels(cells: list[Tok], l1: str | None, l2: str | None) -> tuple[list[str], list[Tok], str | None, str | None]:
    """Level labels at the start of a row: (labels, rest, level 1, level 2) with the levels carried down.

    A label that can be either level (成本指标, 满意度指标) is a 一级 label when another level
    label follows it, else a 二级 label under the current 一级 one.
    """
    found: list[tuple[str, tuple[Level, ...]]] = []
    rest = list(cells)
    while rest and rest[0].levels and len(found) < 2:
        found.append((drop_spaces_by_cjk(rest[0].text), rest[0].levels))  # 成本指 标 as OCR spaced it
        rest.pop(0)
    new_l1, new_l2 = l1, l2
    for n, (text, lv) in enumerate(found):
        can1 = any(x.level == 1 for x in lv)
        can2 = any(x.level == 2 for x in lv)
        followed = n + 1 < len(found)
        # a label of either level (满意度指标) whose 二级 reading would not sit under the current 一级 label is a 一级 one
        foreign = can1 and can2 and not followed and new_l1 is not None and _parent_category(text) is not None \
            and _parent_category(text) != framework_category(new_l1, 1)
        if can1 and (followed or not can2 or foreign):
            # a 一级 label printed mid-way down its merged cell, after the 二级 labels under it, keeps the 二级 one
            keep = not followed and new_l2 is not None and _parent_category(new_l2) == framework_category(text, 1)
            new_l1, new_l2 = text, new_l2 if keep else None
        elif can2:
            new_l2 = text
        else:
            new_l1, new_l2 = text, None
    return [t for t, _ in found], rest, new_l1, new_l2


def _parent_category(level2: str | None) -> str | None:
    """The framework 一级 category of a printed 二级 label (数量指标 -> 产出指标); ``None`` when it has no fixed one."""
    from policykg.loaders.levels import LEVEL2_PARENT

    category = framework_category(level2, 2) if level2 else None
    return LEVEL2_PARENT.get(category or "")


_MERGED_ROWS_ABOVE = 8  # rows a merged cell's label is written below its first row, at most (half a large group)


def _carry_up(indicators: list[Indicator], first: int) -> None:
    """Rows at the top of a table with no level cells take the first levels printed below them.

    An export writes a merged 一级/二级 cell's label on one of its rows (often the middle one), so the rows
    above it come out with empty level cells though the merged cell spans them. In such a table a 一级 label
    comes out below some of the rows it spans, so a row's 一级 label is its 二级 label's framework parent
    (数量指标 -> 产出指标, written as the table prints that 一级 label) wherever the two disagree; in any table
    where that parent's label is printed further down than the row.
    """
    labelled = next((n for n in range(first, len(indicators)) if indicators[n].level1 or indicators[n].level2), None)
    if labelled is None or labelled - first > _MERGED_ROWS_ABOVE:
        return  # labels far down the table head their own rows, not the ones at its top
    top = indicators[labelled]
    for n in range(first, labelled):
        indicators[n] = replace(indicators[n], level1=top.level1, level2=top.level2)
    centred = labelled > first  # rows above the first label: the labels stand half-way down their cells
    printed: dict[str, tuple[int, str]] = {}  # 一级 category -> (first row it is printed on, as printed)
    for n in range(first, len(indicators)):
        l1 = indicators[n].level1
        category = framework_category(l1, 1) if l1 else None
        if category and l1 and category not in printed:
            printed[category] = (n, l1)
    if not printed:
        return  # the table prints no 一级 labels: none is added
    for n in range(first, len(indicators)):
        parent = _parent_category(indicators[n].level2)
        l1 = indicators[n].level1
        if not parent or l1 is not None and framework_category(l1, 1) == parent:
            continue
        # the row's 一级 label disagrees with its 二级 one: the right one is printed further down (its merged
        # cell's label stands below the row), or the table prints its labels half-way down their cells
        if centred or parent in printed and printed[parent][0] > n:
            indicators[n] = replace(indicators[n], level1=printed[parent][1] if parent in printed else parent)


def _add_indicator(cur: _Builder, name: str, values: dict[str, str], line: int, l1: str | None, l2: str | None) -> None:
    name = clean(name)
    if re.match(r"[<>=≤≥≦≧≪≫]", name):
        return  # a target with no name before it (the row's name cell is empty): no indicator
    if len(name) < 2 or not re.search(r"[\u4e00-\u9fffA-Za-z]", name) or head_of(name) or whole_label(name) \
            or (_value_like(name) and len(name) <= 8 and not values):
        return  # a stray value, head or label cell of a scrambled table is no indicator
    if not values and not cur.indicators and level_of(name):
        return
    unit = values.get("unit")
    target_text = values.get("target")
    if target_text is not None and unit and not re.search(re.escape(unit) + r"\)?$", target_text):
        if values.get("nature"):
            target_text = values["nature"] + target_text + unit
        else:
            target_text = target_text + unit
    elif target_text is not None and values.get("nature") and not re.match(r"[=<>≥≤]", target_text):
        target_text = values["nature"] + target_text
    cur.indicators.append(Indicator(
        name=name, line=line, level1=l1, level2=l2,
        target=parse_target(target_text) if target_text else None,
        actual=parse_target(values["actual"]) if values.get("actual") else None,
        weight=_decimal(values.get("weight")), score=_decimal(values.get("score")),
        deviation_note=values.get("note")))


def _decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", text)
    return Decimal(m.group(1)) if m else None


# ---------------------------------------------------------------- finishing


def _finish(state: _State, lines: tuple[str, ...]) -> tuple[list[Project], list[Finding]]:
    findings = _resolve_pieced(state, state.preamble)
    builders = [b for b in state.projects if b.name]
    for b in state.projects:
        if not b.name and not b.empty():
            findings.append(Finding("missing", b.line or None,
                                    "a form's fields were read but it names no project (cut off before 项目名称?)"))
    if not builders and (state.preamble.prose or state.kinds):
        name, line = _name_from_title(state)
        if name:
            b = state.preamble
            b.name, b.line = name, line
            builders = [b]
    elif builders and not state.preamble.empty():
        first = builders[0]
        for k, v in state.preamble.fields.items():
            first.fields.setdefault(k, v)
        for k, p in state.preamble.prose.items():
            first.prose.setdefault(k, p)
        # money and indicator rows read before any project is named belong to none: said, not attached
        for field_name, amount in sorted(state.preamble.money.items(), key=lambda fa: fa[1].line):
            findings.append(Finding("missing", amount.line, f"{field_name} amount {amount.text} stands before any "
                                    "项目名称 and is attached to no project", amount.text))
        for ind in state.preamble.indicators:
            findings.append(Finding("missing", ind.line, "indicator row before any 项目名称; attached to no project",
                                    ind.name))
    findings += [f for b in state.projects + [state.preamble] for f in _unit_slips(state.path, b)]
    publisher = state.preamble.fields.get("publisher")
    year = _year(state)
    projects = []
    for b in builders:
        if publisher and not any(f in b.fields for f in ("department", "budget_unit", "central_department")):
            b.fields.setdefault("publisher", publisher)
        if not any(k in b.money for k in ("total", "annual", "adjusted", "executed", "initial")):
            _prose_money(state, b)
        findings += _resolve_pieced(state, b)
        projects.append(_project(state, b, year))
    return projects, findings


def _name_from_title(state: _State) -> tuple[str | None, int]:
    """A narrative with no 项目名称: the project is what its title names, without year, place and report words."""
    lines = [(n, clean(text)) for n, text in enumerate(state.lines, start=1)]
    candidates = [(n, t) for n, t in lines[:60] if t and len(t) <= 60 and title_kind(t) == "narrative"]
    if not candidates:
        counts: dict[str, int] = {}
        for _, t in lines[:40]:
            if 4 <= len(t) <= 40 and re.search(r"\d{4}年", t) and not re.search(r"[::]", t):
                counts[t] = counts.get(t, 0) + 1
        for n, t in lines[:40]:
            if counts.get(t):
                candidates.append((n, t))
                break
    if not candidates:
        return None, 0
    n, text = min(candidates, key=lambda c: len(c[1]))
    text = re.sub(r"^(?:信息名称|名称)\s*", "", text)
    name = re.sub(r"^.{0,8}?\d{4}\s*年度?", "", text)
    plain = simplified(name)
    end = re.search(r"转移支付|\d{4}\s*年度|绩效自评报告|自评报告|部门项目|项目支出|及绩效目标", plain)
    name = name[:end.start()] if end and len(plain) == len(name) else name
    name = name.strip(" 《》“”\"")
    return (name or None), n


def _prose_money(state: _State, b: _Builder) -> None:
    """Money given only in sentences (年度预算安排。财政拨款634万元): the first amount after a cue, per field."""
    texts = [(line, text) for f in ("annual_goal", "overview", "achieved", "legal_basis") for line, text in b.prose.get(f, [])]
    if b is state.preamble or (not texts and len(state.projects) <= 1):
        texts += [(n, t) for n, t in enumerate(state.lines, start=1)]
    for f, cue in _PROSE_MONEY:
        if f in b.money:
            continue
        for line, text in texts:
            t = simplified(clean(text)).replace(" ", "")
            for m in cue.finditer(t):
                amount = re.match(r"(\d+(?:\.\d+)?)\s*(万元|万|元)(?![/每])", t[m.end():])
                if amount:
                    b.money[f] = Amount(to_yuan(Decimal(amount.group(1)), amount.group(2)), amount.group(0), line)
                    state.covered.add(line)
                    break
            if f in b.money:
                break


def _year(state: _State) -> int | None:
    for line in state.lines:
        m = _YEAR.search(clean(line))
        if m and m.group(1):
            return int(m.group(1))
    for line in state.lines[:30]:
        m = _YEAR.search(clean(line))
        if m:
            return int(m.group(1) or m.group(2))
    for line in state.lines[:20]:
        m = re.search(r"(20\d{2})\s*年", line)
        if m:
            return int(m.group(1))
    return None


def _project(state: _State, b: _Builder, year: int | None) -> Project:
    f = {k: v[0] for k, v in b.fields.items()}
    department = (f.get("department") or f.get("provincial_department") or f.get("central_department")
                  or f.get("budget_unit") or f.get("publisher"))
    unit = f.get("implementing_unit") or f.get("division")
    legal = [(line, text) for line, text in b.prose.get("legal_basis", [])]
    citations = _citations(legal)
    if not citations:  # 根据《…》(文号) in the overview or the notice around the form: the basis it names
        around = [part for parts in state.preamble.prose.values() for part in parts] if len(state.projects) == 1 else []
        citations = _cited_as_basis(b.prose.get("overview", []) + around)
    citations += _cited_in_text(b, citations)
    start, end = _dates(f.get("start")), _dates(f.get("end"))
    period = f.get("period")
    money = b.money
    funds = Funds(total=money.get("total"), annual=money.get("annual"), fiscal=money.get("fiscal"),
                  appropriation=money.get("appropriation"), carry_over=money.get("carry_over"),
                  other=money.get("other"), initial=money.get("initial"), adjusted=money.get("adjusted"),
                  executed=money.get("executed"), execution_rate=b.money_figures.get("rate"),
                  weight=b.money_figures.get("weight"), score=b.money_figures.get("score"))
    return Project(
        name=b.name or "", line=b.line, fiscal_year=year, department=_clean_org(department),
        implementing_unit=_clean_org(unit), budget_unit=f.get("budget_unit"), division=f.get("division"),
        nature=f.get("nature"), category=f.get("category"), start_date=start, end_date=end, period=period,
        funds=funds, overview=_join(b.prose.get("overview")), overall_goal=_join(b.prose.get("overall_goal")),
        annual_goal=_join(b.prose.get("annual_goal")), achieved=_join(b.prose.get("achieved")),
        total_score=b.total_score, citations=tuple(citations), indicators=tuple(b.indicators),
        mentions=tuple(find_mentions(_prose_lines(b), (_clean_org(department), _clean_org(unit), f.get("budget_unit")))))


def _prose_lines(b: _Builder) -> list[tuple[int, str]]:
    """The project's prose (项目概述, 立项依据, goals, 实际完成情况) as (1-based line, cleaned text), in text order."""
    parts = [(line, clean(text)) for f in PROSE_FIELDS for line, text in b.prose.get(f, [])]
    return sorted(parts, key=lambda p: p[0])


def _clean_org(name: str | None) -> str | None:
    """An organization's name as written, without the spaces an export or OCR put between its characters
    (``长三角 G60 科创走廊创新研究 中心`` -> ``长三角G60科创走廊创新研究中心``: a name has none next to a CJK character)."""
    if not name:
        return None
    name = drop_spaces_by_cjk(name).strip("。. ")
    return name or None




def _join(parts: list[tuple[int, str]] | None) -> str | None:
    if not parts:
        return None
    return clean("".join(text for _, text in parts)) or None  # widths (NFKC) and spaces as text.clean makes them


def _citations(parts: list[tuple[int, str]]) -> list[Citation]:
    if not parts:
        return []
    span = join_lines([(line, simplified(text)) for line, text in parts])
    found = find_citations(span, legal_basis=True)
    if found:
        return found
    text = re.sub(r"^[\s。.;;]+|[\s。.;;]+$", "", "".join(t for _, t in parts))
    if 2 <= len(text) <= 40 and _LEGAL_KIND.search(simplified(text)) and not re.search(r"[,,。]", text):
        return [Citation(text.strip("《》"), None, parts[0][0], True, text)]
    return []


_BASIS_CUE = re.compile(r"(?:根据|依据|按照|依照)")


def _cited_as_basis(parts: list[tuple[int, str]]) -> list[Citation]:
    """Citations a sentence introduces with 根据 / 依据 / 按照 (``根据某财教〔2024〕1号文件``), as legal bases."""
    out: list[Citation] = []
    for line, text in parts:
        t = simplified(text)
        for m in _BASIS_CUE.finditer(t):
            clause = re.split(r"[,,。;;]", t[m.end():], maxsplit=1)[0]
            clause = t[m.end():m.end() + len(clause)]
            for c in find_citations(join_lines([(line, clause)]), legal_basis=True):
                if c not in out:
                    out.append(c)
    return out


def _cited_in_text(b: _Builder, bases: list[Citation]) -> list[Citation]:
    """Policy documents the project's other prose cites (项目概述, goals, 实际完成情况), not as its legal basis:
    each 《title》 or 文号 once, those already cited as a basis left out."""
    known = {(c.title, c.doc_number) for c in bases}
    out: list[Citation] = []
    for field_name in ("overview", "overall_goal", "annual_goal", "achieved"):
        parts = b.prose.get(field_name, [])
        if not parts:
            continue
        for c in find_citations(join_lines([(line, simplified(clean(text))) for line, text in parts]), legal_basis=False):
            if (c.title, c.doc_number) not in known:
                known.add((c.title, c.doc_number))
                out.append(c)
    return out


def _dates(text: str | None) -> date | None:
    return parse_date(text) if text else None
