"""Table cells of tab-separated exports (OCR output, HTML tables saved as text).

Shared by the TSV layouts: splitting rows into cells, recognizing form labels
even when OCR garbled or split them (``頁 目名称``, ``三管部门``, ``年度资金申请`` /
``总额``), reading amounts from noisy cells (``金 735, 000. 00``, ``C`` for 0) and
resolving garbled organization names against names the document states cleanly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from loaders.amounts import parse_amount
from loaders.errors import AmountError
from loaders.form import OCR_ZERO
from loaders.form_fields import HEADER_FIELDS
from loaders.labels import find_labels, row_labels
from loaders.records import Amount
from loaders.text import clean

# The fields a TSV declaration's header block labels (those of every header block); the labels are form_labels.tsv's.
CELL_FIELDS = frozenset(HEADER_FIELDS)
_MONEY_HEAD = frozenset({"money_block"})  # the vertical 项目资金（元） cell beside the money rows
_UNIT_PIECE = re.compile(r"\(*元\)?|\(\)")
_NUMBER = re.compile(r"\d[\d,\s]*(?:\.\s*\d+)?")


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: tuple[str, ...]

    @property
    def squashed(self) -> str:
        return "".join(squash_cell(c) for c in self.cells)

    def nonempty(self) -> list[str]:
        return [c for c in self.cells if c.strip()]


def squash_cell(text: str) -> str:
    return re.sub(r"\s+", "", clean(text))


def split_row(line: int, raw: str) -> Row:
    return Row(line, tuple(raw.split("\t")))


def segments(row: Row, slips: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """A row as ('label', field) / ('text', value) / ('rest', piece) segments.

    Labels are found as ``loaders.labels.row_labels`` finds them: whole, split over adjacent cells
    (``项 | 目名称``) or garbled by OCR (``三管部门``); a label at the end of a value cell splits it
    (``其他经常性 项目 项目类别`` -> ('text', 其他经常性项目), ('label', category)); the pieces of the vertical
    ``项目资金（元）`` cell are ('rest', …). Each label read only by tolerating an OCR slip is appended to
    ``slips`` as (its cells as written, what it was read as: ``a start label (计划开始日期)``).
    """
    cells = [squash_cell(c) for c in row.cells]
    spans = {f.first: f for f in row_labels(cells, CELL_FIELDS | _MONEY_HEAD)}
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(cells):
        squashed = cells[i]
        span = spans.get(i)
        if span is not None:
            kind = "rest" if span.label.field in _MONEY_HEAD else "label"
            out.append((kind, squashed if kind == "rest" else span.label.field))
            if not span.exact and slips is not None:
                slips.append((" ".join(c for c in row.cells[span.first:span.last] if c.strip()),
                              f"a {span.label.field} label ({span.label.text})"))
            i = span.last
            continue
        i += 1
        if not squashed:
            continue
        embedded = [(s, e, lb) for s, e, lb in find_labels(squashed) if e == len(squashed) and s > 0
                    and lb.field in CELL_FIELDS]
        if embedded:
            s, _, lb = embedded[-1]
            out += [("text", squashed[:s]), ("label", lb.field)]
        elif _UNIT_PIECE.fullmatch(squashed):
            out.append(("rest", squashed))
        else:
            out.append(("text", squashed))
    return out


def noisy_amount(text: str, line: int) -> Amount | None:
    """An amount from an OCR cell: ``2, 000, 000. 00``, ``金 735, 000. 00``, ``C`` (0). ``None`` if none."""
    stripped = text.strip()
    if stripped in OCR_ZERO:
        return Amount(parse_amount("0", line).yuan, stripped, line)
    m = _NUMBER.search(text)
    if not m:
        return None
    try:
        amount = parse_amount(m.group(0), line)
    except AmountError:
        return None
    return Amount(amount.yuan, stripped, line)


def resolve_name(garbled: str, known: list[str], threshold: float = 0.75) -> str | None:
    """The known name an OCR-garbled organization name stands for, if one is close enough.

    ``上海市松江区长三角角G60科包走廊创新研究中心`` -> ``上海市松江区长三角G60科创走廊创新研究中心``.
    """
    best, best_ratio = None, threshold
    for name in known:
        ratio = SequenceMatcher(None, garbled, name, autojunk=False).ratio()
        if ratio >= best_ratio:
            best, best_ratio = name, ratio
    return best
