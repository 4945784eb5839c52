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
from loaders.records import Amount
from loaders.text import clean

# Label patterns on squashed cell text; OCR keeps the end of a label more often than its start.
CELL_LABELS: tuple[tuple[str, str], ...] = (
    ("name", r"^(?:.?目名称|项目全称|名称)$"),
    ("nature", r"^(?:项目)?性质$"),
    ("category", r"^(?:项目)?类别$"),
    ("department", r"^(?:.?管部门|主管单位|主管|主行)$"),
    ("implementing_unit", r"^(?:项目)?实施单位$"),
    ("start", r"^.{0,3}开始日\s*期$|^始日期$"),
    ("end", r"^.{0,3}完成日\s*期$"),
    ("total", r"^项目资金总额$"),
    ("annual", r"^年度资金申请(?:总额)?$"),
    ("fiscal", r"^其中:?财政资金$"),
    ("appropriation", r"^其中:?当年财.{0,3}$"),
    ("carry_over", r"^上年结转资金$"),
    ("other", r"^其他资金$"),
)
_EMBEDDED = re.compile(r"(项目类别|项目性质|实施单位|主管部门|计划完成日期|计划开始日期)$")
_LABEL_REST = {"总额", "别", "攻拨款", "款", "期"}
_OCR_ZERO = {"C", "O", "o", "c", "D"}
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


def cell_label(text: str) -> str | None:
    """The form field a cell labels, or ``None``."""
    squashed = squash_cell(text)
    for name, pattern in CELL_LABELS:
        if re.match(pattern, squashed):
            return name
    return None


def segments(row: Row) -> list[tuple[str, str]]:
    """A row as ('label', field) / ('text', value) segments; a label at the end of a cell splits it.

    ``其他经常性 项目 项目类别`` -> ('text', 其他经常性项目), ('label', category).
    """
    out: list[tuple[str, str]] = []
    for cell in row.cells:
        squashed = squash_cell(cell)
        if not squashed:
            continue
        label = cell_label(cell)
        if label:
            out.append(("label", label))
            continue
        embedded = _EMBEDDED.search(squashed)
        if embedded and embedded.start() > 0 and cell_label(embedded.group(1)):
            out.append(("text", squashed[:embedded.start()]))
            out.append(("label", cell_label(embedded.group(1)) or ""))
            continue
        if squashed in _LABEL_REST or re.fullmatch(r".?目资金|项目资金|\(*元\)?|\(\)", squashed):
            # pieces of the vertical "项目资金（元）" header cell
            out.append(("rest", squashed))
            continue
        out.append(("text", squashed))
    return out


def noisy_amount(text: str, line: int) -> Amount | None:
    """An amount from an OCR cell: ``2, 000, 000. 00``, ``金 735, 000. 00``, ``C`` (0). ``None`` if none."""
    stripped = text.strip()
    if stripped in _OCR_ZERO:
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
