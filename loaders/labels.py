"""The knowledge of the form as data: labels, column heads, level names and titles, and how text is matched to them.

Tables (``loaders/data``, each with its sources in its header):

- ``form_labels.tsv``   field labels of declarations, self-evaluations and narratives (项目名称 / 资金名称 …)
- ``form_label_variants.tsv`` how offices vary the organization labels (主管部门 / 主管单位 / 主管部门及代码)
- ``indicator_heads.tsv`` column heads of the 绩效指标 table (一级指标 … 年度指标值, 实际完成值, 分值 …)
- ``indicator_levels.tsv`` 一级 / 二级 labels of every template, with the framework category each stands for
- ``form_titles.tsv``   titles that say which kind of form a text is

Matching is done on a *key*: the text after NFKC, traditional -> simplified
(OpenCC ``t2s``), with whitespace and the pinyin glosses of mirror sites
(``執(zhí)行``) removed. ``key_map`` returns the key with the offset of each key
character in the text as written, so a label found in the key splits the
original text at the right place and what is kept is what the document says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from policykg.loaders.text import data_table

_PINYIN = re.compile(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹɑ]{1,8}\)")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> object | None:
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # noqa: BLE001 - matching still works for simplified text without OpenCC
        return None


@lru_cache(maxsize=1 << 16)
def simplified(text: str) -> str:
    """Traditional characters converted to simplified (OpenCC t2s); the text unchanged without OpenCC.

    Cached: the reader asks for the same labels and cells again and again."""
    converter = _t2s()
    if converter is None or not text:
        return text
    out: str = converter.convert(text)  # type: ignore[attr-defined]
    return out if len(out) == len(text) else "".join(converter.convert(ch) for ch in text)  # type: ignore[attr-defined]


@lru_cache(maxsize=1 << 16)
def key_map(text: str) -> tuple[str, tuple[int, ...]]:
    """The matching key of ``text`` and, per key character, its offset in ``text``.

    NFKC per character (full-width ``：`` -> ``:``), simplified characters,
    whitespace and pinyin glosses dropped. Cached: a form repeats its labels and cells.
    """
    if "(" not in text and unicodedata.is_normalized("NFKC", text) and not _SPACE.search(text):
        # nothing to drop or fold: a string in NFKC is NFKC character by character too
        return simplified(text), tuple(range(len(text)))
    folded = list(map(_fold, text))  # per character: itself, "" (a space), or several (NFKC ㎡ -> m2)
    for m in _PINYIN.finditer(text):
        folded[m.start():m.end()] = [""] * (m.end() - m.start())
    joined = "".join(folded)
    offsets = tuple(compress(range(len(text)), folded))  # the characters that left something
    if len(offsets) != len(joined):  # some character folded to several: each of them keeps its offset
        offsets = tuple(i for i, one in enumerate(folded) for _ in one)
    return simplified(joined), offsets


@lru_cache(maxsize=1 << 14)
def _fold(ch: str) -> str:
    """One character after NFKC, whitespace dropped ("" for a space)."""
    if ch.isspace():
        return ""
    return "".join(c for c in unicodedata.normalize("NFKC", ch) if not c.isspace())


@lru_cache(maxsize=1 << 17)
def key(text: str) -> str:
    """The matching key of ``text`` (see ``key_map``; cached on its own: most calls want the key only)."""
    return key_map(text)[0]


@dataclass(frozen=True, slots=True)
class Label:
    field: str
    text: str  # the label's key
    strong: bool


@dataclass(frozen=True, slots=True)
class Level:
    level: int  # 1 or 2
    text: str  # key as printed
    category: str  # framework category (产出指标, 数量指标 …)


@lru_cache(maxsize=1)
def field_labels() -> tuple[Label, ...]:
    """Every label of ``form_labels.tsv`` and its variants (``form_label_variants.tsv``), longest first.

    A variant never displaces a label the table lists itself (``单位名称`` stays a budget unit's label).
    """
    rows = data_table("policykg.loaders", "form_labels.tsv")
    labels = [Label(r["field"], key(r["label"]), r["strength"] == "strong") for r in rows]
    listed = {lb.text for lb in labels}
    for rule in data_table("policykg.loaders", "form_label_variants.tsv"):
        fields = set(rule["fields"].split(","))
        for lb in [lb for lb in labels if lb.field in fields]:
            text = lb.text + key(rule["to"]) if rule["kind"] == "suffix" else lb.text.replace(rule["from"], rule["to"])
            if text not in listed:
                listed.add(text)
                labels.append(Label(lb.field, text, lb.strong))
    return tuple(sorted(labels, key=lambda lb: -len(lb.text)))


@lru_cache(maxsize=1)
def indicator_heads() -> dict[str, str]:
    """Column head key -> column kind (level1, level2, name, target, actual, weight, score, note, unit …)."""
    return {key(r["head"]): r["column"] for r in data_table("policykg.loaders", "indicator_heads.tsv")}


@lru_cache(maxsize=1)
def levels() -> dict[str, tuple[Level, ...]]:
    """Level label key -> the levels it can be (成本指标 is both a 一级 and a 二级 label)."""
    out: dict[str, list[Level]] = {}
    for r in data_table("policykg.loaders", "indicator_levels.tsv"):
        k = key(r["label"])
        out.setdefault(k, []).append(Level(int(r["level"]), k, r["category"]))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def titles() -> tuple[tuple[str, str], ...]:
    """(title key, kind) pairs, longest first."""
    rows = [(key(r["title"]), r["kind"]) for r in data_table("policykg.loaders", "form_titles.tsv")]
    return tuple(sorted(rows, key=lambda t: -len(t[0])))


_WEIGHT = re.compile(r"[((]\s*\d+(?:\.\d+)?\s*分?\s*[))]$")
_WEIGHT_AFTER = re.compile(r"[((]\d+(?:\.\d+)?分?[))]")


@lru_cache(maxsize=1 << 16)
def level_of(text: str) -> tuple[Level, ...]:
    """The levels a cell's text can be, allowing a weight after the label (``产出指标(50分)``); () when none."""
    k = key(text)
    found = levels().get(k)
    if found:
        return found
    stripped = _WEIGHT.sub("", k)
    if stripped != k:
        return levels().get(stripped, ())
    return ()


def framework_category(text: str, level: int) -> str | None:
    """The framework category (产出指标, 数量指标 …) a printed level label of that level stands for, or ``None``."""
    found = [lv.category for lv in level_of(text) if lv.level == level]
    return found[0] if found else None


def level_prefix(text: str) -> tuple[str, tuple[Level, ...]] | None:
    """A level label glued at the start of ``text`` (``数量指标培训完成率…``): (label as written, levels)."""
    k, offsets = key_map(text)
    best: tuple[int, tuple[Level, ...]] | None = None
    for label, lv in levels().items():
        if k.startswith(label) and len(label) < len(k) and (best is None or len(label) > best[0]):
            best = (len(label), lv)
    if best is None:
        return None
    end = offsets[best[0]] if best[0] < len(offsets) else len(text)
    m = _WEIGHT_AFTER.match(k[best[0]:])
    if m:
        end = offsets[best[0] + m.end()] if best[0] + m.end() < len(offsets) else len(text)
    return text[:end], best[1]


@lru_cache(maxsize=1)
def head_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Heads of ``indicator_heads.tsv`` to find glued in a header run: (distinctive, weak).

    Distinctive heads (一级指标, 年度指标值, 偏差原因分析及改进措施 …: five characters or more, or ending in 指标)
    cannot be a value and are split off anywhere; weak ones (分值, 得分, 单位 …) only right after another head.
    """
    heads = sorted(indicator_heads(), key=len, reverse=True)
    distinctive = [h for h in heads if len(h) >= 5 or (h.endswith("指标") and len(h) == 4)]
    weak = [h for h in heads if h not in distinctive]
    return (re.compile("|".join(re.escape(h) for h in distinctive)), re.compile("|".join(re.escape(h) for h in weak)))


@lru_cache(maxsize=1 << 16)
def head_of(text: str) -> str | None:
    """The indicator-table column a head cell names (``年度指标值`` -> target), or ``None``."""
    return indicator_heads().get(key(text).rstrip(":"))


@lru_cache(maxsize=1 << 16)
def whole_label(text: str) -> Label | None:
    """The field label a whole cell is (strong or weak), ignoring a trailing colon and unit (``年度资金总额:``)."""
    k = _UNIT_SUFFIX.sub("", key(text)).rstrip(":")
    k = re.sub(r"^(?:\(?[一二三四五六七八九十\d]+[)、.]|[((][一二三四五六七八九十\d]+[))])", "", k)
    return _labels_by_text().get(k)


@lru_cache(maxsize=1)
def _labels_by_text() -> dict[str, Label]:
    """Each label key -> the first label of ``field_labels`` with that key."""
    out: dict[str, Label] = {}
    for label in field_labels():
        out.setdefault(label.text, label)
    return out


_UNIT_SUFFIX = re.compile(r"[((](?:万元|元)[))]:?$")


@lru_cache(maxsize=1 << 16)
def money_unit(text: str) -> str | None:
    """``万元`` or ``元`` when the text states the unit of the money around it (``(万元)``, ``单位:万元``)."""
    k = key(text)
    m = re.search(r"[((](万元|元)[))]|单位:?(万元|元)", k)
    if m:
        return m.group(1) or m.group(2)
    return None


@lru_cache(maxsize=1)
def _strong_pattern() -> re.Pattern[str]:
    strong = [lb.text for lb in field_labels() if lb.strong]
    return re.compile("|".join(re.escape(s) for s in sorted(set(strong), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _strong_by_text() -> dict[str, Label]:
    return {lb.text: lb for lb in field_labels() if lb.strong}


def find_labels(text: str) -> list[tuple[int, int, Label]]:
    """Strong labels inside ``text`` (glued or not): (start, end, label) offsets into ``text`` as written."""
    k, offsets = key_map(text)
    by_text = _strong_by_text()
    out: list[tuple[int, int, Label]] = []
    for m in _strong_pattern().finditer(k):
        start = offsets[m.start()]
        end = offsets[m.end()] if m.end() < len(offsets) else len(text)
        out.append((start, end, by_text[m.group(0)]))
    return out


@lru_cache(maxsize=1 << 16)
def title_kind(text: str) -> str | None:
    """The kind of form a title names (declaration / self-evaluation / narrative), or ``None``."""
    k = key(text)
    for title, kind in titles():
        if title in k:
            return kind
    return None


# ---------------------------------------------------------------- labels as OCR prints them

_NEAR_MIN = 4  # a label is matched with one character slipped only from this many characters on
_HEAD_MIN = 2  # a label cut after this many characters (主管 | 部门 lost) is still read, if only one field has it


@dataclass(frozen=True, slots=True)
class CellLabel:
    """A label printed in one cell or across adjacent cells of a row.

    ``first`` / ``last``: 0-based indexes of the first cell and one past the last, in the sequence given to
    ``row_labels``; ``exact``: False when a slip of OCR was tolerated (a character replaced, dropped or added,
    the label cut short or its first characters lost).
    """

    first: int
    last: int
    label: Label
    exact: bool


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))}


def _within_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one inserted, dropped or replaced character."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:] if i < len(b) else True


@lru_cache(maxsize=1)
def _slip_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Indexes of the labels' keys for OCR slips: (one character deleted -> labels, tail -> labels, head -> labels).

    Tails are the last four characters or more of a label of five or more (``开始日期`` of ``计划开始日期``), heads
    the first half or more (``主管`` of ``主管部门``); a label of ``_NEAR_MIN`` characters or more is indexed.
    """
    deleted: dict[str, set[str]] = {}
    tails: dict[str, set[str]] = {}
    heads: dict[str, set[str]] = {}
    for text in _labels_by_text():
        if len(text) < _NEAR_MIN:
            continue
        for d in _deletions(text) | {text}:
            deleted.setdefault(d, set()).add(text)
        for n in range(_NEAR_MIN, len(text)):
            tails.setdefault(text[-n:], set()).add(text)
        for n in range(max(_HEAD_MIN, (len(text) + 1) // 2), len(text)):
            heads.setdefault(text[:n], set()).add(text)
    return ({k: frozenset(v) for k, v in deleted.items()}, {k: frozenset(v) for k, v in tails.items()},
            {k: frozenset(v) for k, v in heads.items()})


def _one_field(texts: set[str] | frozenset[str]) -> Label | None:
    """The label standing for ``texts`` when they all label one field (the longest of them), else ``None``."""
    order = {lb.text: n for n, lb in enumerate(field_labels())}  # longest first, then as the table lists them
    labels = sorted((_labels_by_text()[t] for t in texts), key=lambda lb: order[lb.text])
    return labels[0] if labels and len({lb.field for lb in labels}) == 1 else None


def slipped_label(text: str, *, cut: bool = True) -> Label | None:
    """The label an OCR-garbled cell stands for, when only one field fits; ``None`` otherwise.

    Tolerated: one character replaced, dropped or added (``頁目名称``, ``三管部门`` -> 项目名称, 主管部门), the label's
    first characters lost with at most one garbled one left (``川开始日期`` -> 计划开始日期), or the label cut after
    its first half (``主管`` -> 主管部门, ``其中:当年财`` -> 其中:当年财政拨款) when ``cut``. Exact labels are
    ``whole_label``'s.
    """
    k = _UNIT_SUFFIX.sub("", key(text)).rstrip(":")
    if len(k) < _HEAD_MIN or k in _labels_by_text():
        return None
    deleted, tails, heads = _slip_index()
    if len(k) >= _NEAR_MIN - 1:
        near = {t for d in _deletions(k) | {k} for t in deleted.get(d, ()) if _within_one(k, t)}
        if near:
            return _one_field(near)
        tail = tails.get(k) or (tails.get(k[1:]) if len(k) > _NEAR_MIN else None)
        if tail:
            return _one_field(tail)
    head = heads.get(k) if cut else None
    return _one_field(head) if head else None


def row_labels(cells: list[str], fields: frozenset[str] | None = None) -> list[CellLabel]:
    """The labels of a row of cells as OCR prints them: whole, split over up to three cells, or slipped.

    ``cells``: the row's cell texts (empty cells are skipped over when joining); ``fields``: the label fields
    to look for (all when ``None``). Cells are read left to right; at each cell the longest exact join wins
    (``项 | 目名称``, ``年度资金申请 | 总额``), then the longest slipped one (``项目 | 目名称``, ``其中:当年财 | 攻拨款``).
    Returns: the labels found, in order, never overlapping.
    """
    out: list[CellLabel] = []
    filled = [i for i, c in enumerate(cells) if key(c)]
    longest = _longest_label() + 1  # a join longer than every label (and a slip) is none
    p = 0
    while p < len(filled):
        found: CellLabel | None = None
        if len(key(cells[filled[p]])) > longest:
            p += 1
            continue
        for q in range(min(len(filled), p + 3), p, -1):
            if sum(len(key(cells[i])) for i in filled[p:q]) > longest:
                continue
            label = whole_label("".join(cells[i] for i in filled[p:q]))
            if label and (fields is None or label.field in fields):
                found = CellLabel(filled[p], filled[q - 1] + 1, label, True)
                break
        if found is None and not _is_value(cells[filled[p]]):
            for q in range(min(len(filled), p + 3), p, -1):
                if sum(len(key(cells[i])) for i in filled[p:q]) > longest:
                    continue
                if any(whole_label(cells[i]) or _is_value(cells[i]) for i in filled[p + 1:q]):
                    continue  # a label or a number of its own is never the rest of a slipped one
                # a label cut short only where the cell after it is empty: the rest was lost with that cell
                cut = filled[q - 1] + 1 < len(cells) and not key(cells[filled[q - 1] + 1])
                label = slipped_label("".join(cells[i] for i in filled[p:q]), cut=cut)
                if label and (fields is None or label.field in fields):
                    found = CellLabel(filled[p], filled[q - 1] + 1, label, False)
                    break
        if found is None:
            p += 1
            continue
        out.append(found)
        p = next((n for n, i in enumerate(filled) if i >= found.last), len(filled))
    return out


@lru_cache(maxsize=1)
def _longest_label() -> int:
    return max(len(text) for text in _labels_by_text())


_VALUE = re.compile(r"[\d.,%\-/:年月日]+")


def _is_value(text: str) -> bool:
    return bool(_VALUE.fullmatch(key(text)))
