"""Cells glued together with no separator, split back by what each column can hold and what must add up.

Some exports drop every separator: ``培训完成率100%95%1212`` is 三级指标
培训完成率 | 年度指标值 100% | 实际完成值 95% | 分值 12 | 得分 12, and
``320000.00320000.00288000.001090.0%9`` is 年初预算数 | 全年预算数 |
全年执行数 | 分值 | 执行率 | 得分. Every split that fits the columns' patterns is
tried; the one that is most consistent wins (equal target and actual, equal
weight and score, an 执行率 that is 执行数 / 预算数, no number written with a
leading zero). When no split fits, ``None``: the caller keeps the text as one
cell and reports it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from policykg.loaders.targets import qualitative_targets

# 二 before a number is how OCR reads = (kept as written; only the split needs to know it)
_CMP = r"(?:>=|<=|≥|≤|≧|≦|=|>|<|±|≈|二(?=\d))"
_NUM = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_UNIT = r"(?:%|‰|[\u4e00-\u9fff]{1,4}(?:/[\u4e00-\u9fff]{1,3}){0,2}|百分比)?"
_DATE = r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|前|之前|以前|内|全年)?(?:[-—至]\d{1,2}月)?"
_NUMBERS = {
    "weight": re.compile(r"(?:0|[1-9]\d?)(?:\.\d+)?"),
    "score": re.compile(r"(?:0|[1-9]\d?)(?:\.\d+)?"),
    "amount": re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,2})?|-"),
    "rate": re.compile(r"(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?%|-"),
}
MAX_CANDIDATES = 5000
# a name does not end in two measured values (举办培训1次2次): those are the target and actual
_TWO_VALUES_AT_END = re.compile(r"\d+(?:\.\d+)?[^\d]{0,3}\d+(?:\.\d+)?[^\d]{0,3}$")
MAX_LENGTH = 120  # longer text is prose or a whole flattened table, not one glued row


@lru_cache(maxsize=1)
def _qualitative() -> re.Pattern[str]:
    words = sorted(qualitative_targets(), key=len, reverse=True)
    return re.compile(r"(?:较|基本|比较|不|未|已|显著|明显|有效|持续|进一步|全面)?(?:"
                      + "|".join(re.escape(w) for w in words) + ")")

_VALUE = re.compile(rf"{_CMP}?{_NUM}{_UNIT}|{_DATE}")


def is_value(text: str) -> bool:
    """True when ``text`` as a whole reads as a target or actual value: ``≥95%``, ``12次``, ``2025年12月``, 较及时."""
    return _fits("target", text)


def _fits(kind: str, text: str) -> bool:
    if kind in _NUMBERS:
        return bool(_NUMBERS[kind].fullmatch(text))
    if kind in ("target", "actual"):
        return bool(_VALUE.fullmatch(text) or _qualitative().fullmatch(text))
    return False


def split_rows(text: str, columns: list[str]) -> list[tuple[str, dict[str, str]]]:
    """Several rows glued one after another (``设备采购完成率10≥95%≥95%10宣传册印制10≥500份…``).

    Each row is a name and the values of ``columns``; a new row starts where a
    name begins right after a value. Returns the rows of the most plausible
    reading, or ``[]`` when no reading fits.
    """
    if len(text) > 4 * MAX_LENGTH:
        return []
    memo: dict[int, tuple[float, list[tuple[str, dict[str, str]]]]] = {}

    def best(pos: int) -> tuple[float, list[tuple[str, dict[str, str]]]]:
        if pos in memo:
            return memo[pos]
        rest = text[pos:]
        found: tuple[float, list[tuple[str, dict[str, str]]]] = (float("-inf"), [])
        single = _best_row(rest, columns)
        if single is not None:
            found = (single[0], [(single[1], single[2])])
        for cut in range(pos + 2, len(text) - 1):
            if not re.match(r"[\u4e00-\u9fffA-Za-z(（]", text[cut]) or not re.search(r"[\d%\u4e00-\u9fff)）]", text[cut - 1]):
                continue
            head = _best_row(text[pos:cut], [c for c in columns if c != "note"])
            if head is None or len(head[1]) < 2 or any(c not in head[2] for c in columns if c != "note"):
                continue  # a row glued before another has all its values
            tail = best(cut)
            if tail[1] and len(tail[1][0][0]) >= 2 and head[0] + tail[0] - 1.5 > found[0]:
                found = (head[0] + tail[0] - 1.5, [(head[1], head[2])] + tail[1])
        memo[pos] = found
        return found

    return best(0)[1]


def split_row(text: str, columns: list[str], *, with_name: bool = True) -> tuple[str, dict[str, str]] | None:
    """Split glued text into a name and the values of ``columns`` (in order).

    ``columns`` holds column kinds: target, actual, weight, score (indicator
    rows), amount, rate (money rows), note (free text, last and optional).
    Missing trailing values are allowed (cells left empty), at a cost.

    Returns: (name, {column: value}) or ``None`` when nothing fits. Without
    ``with_name`` the whole text must be values.
    """
    found = _best_row(text, columns, with_name=with_name)
    return (found[1], found[2]) if found else None


def _best_row(text: str, columns: list[str], *, with_name: bool = True) -> tuple[float, str, dict[str, str]] | None:
    if len(text) > MAX_LENGTH:
        return None
    from policykg.loaders.labels import simplified

    plain = simplified(text)
    if plain != text and len(plain) == len(text):  # traditional characters: match the simplified, keep the written
        found = _best_row(plain, columns, with_name=with_name)
        if found is None:
            return None
        score, name, values = found
        pos = len(name)
        written = {}
        for column in [c for c in columns if c in values]:
            written[column] = text[pos:pos + len(values[column])]
            pos += len(values[column])
        return score, text[:len(name)], written
    best: tuple[float, str, dict[str, str]] | None = None
    count = 0
    starts = range(1, len(text)) if with_name else (0,)
    for start in starts:
        name = text[:start]
        if with_name and not re.search(r"[\u4e00-\u9fffA-Za-z]", name):
            continue
        for values in _assign(text, start, columns, 0):
            count += 1
            score = _plausibility(values, columns)
            if with_name:  # a name does not end inside a number or on a comparator; shorter names first on a tie
                score -= 4 * bool(re.search(r"[\d%.≥≤=<>≧≦±]$", name)) + 3 * bool(re.search(r"[≥≤=<>≧≦]", name)) \
                    + 4 * bool(_TWO_VALUES_AT_END.search(name)) + 0.01 * start
            if best is None or score > best[0]:
                best = (score, name, values)
            if count > MAX_CANDIDATES:
                break
    return best


def _assign(text: str, pos: int, columns: list[str], i: int) -> list[dict[str, str]]:
    if i == len(columns):
        return [{}] if pos == len(text) else []
    kind = columns[i]
    if kind == "note":
        rest = text[pos:]
        if not rest:
            return [{}]
        if rest[0].isdigit() or re.search(r"[=≥≤<>≧≦]|\d%", rest):
            return []  # a note is words, not another value
        return [{"note": rest}]
    out: list[dict[str, str]] = []
    for end in range(pos + 1, len(text) + 1):
        piece = text[pos:end]
        if _fits(kind, piece):
            for tail in _assign(text, end, columns, i + 1):
                out.append({kind: piece, **tail})
                if len(out) > 200:
                    return out
    if pos == len(text):  # trailing cells left empty
        out.append({})
    return out


def _plausibility(values: dict[str, str], columns: list[str]) -> float:
    score = -2.0 * sum(1 for c in columns if c != "note" and c not in values) - 1.0 * ("note" in values)
    score += 0.001 * len(values.get("target", ""))
    if "target" in values and values.get("target") == values.get("actual"):
        score += 3
    if "weight" in values and values.get("weight") == values.get("score"):
        score += 2
    w, s = _dec(values.get("weight")), _dec(values.get("score"))
    if w is not None and s is not None and s > w:
        score -= 3
    return score


def _dec(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.rstrip("%"))
    except InvalidOperation:
        return None


def money_splits(text: str, columns: list[str]) -> list[dict[str, str]]:
    """Every split of a glued money row into ``columns`` (see ``best_money_split``), unranked."""
    kinds = ["amount" if c in ("initial", "adjusted", "executed", "previous", "current") else c for c in columns]
    out: list[dict[str, str]] = []

    def walk(pos: int, i: int, acc: dict[str, str]) -> None:
        if len(out) > MAX_CANDIDATES:
            return
        if i == len(columns):
            if pos == len(text):
                out.append(dict(acc))
            return
        for end in range(pos + 1, len(text) + 1):
            piece = text[pos:end]
            if _fits(kinds[i], piece):
                acc[columns[i]] = piece
                walk(end, i + 1, acc)
                del acc[columns[i]]
        if pos == len(text):
            out.append(dict(acc))

    walk(0, 0, {})
    return out


def best_money_split(text: str, columns: list[str]) -> dict[str, str] | None:
    """Split a glued money row (``25002500100%``) into the values of ``columns``.

    ``columns`` are the kinds of a money row in order: ``initial`` (年初预算数),
    ``adjusted`` (全年预算数), ``executed`` (全年执行数), ``weight`` (分值),
    ``rate`` (执行率), ``score`` (得分), ``previous`` / ``current`` (上年度 /
    本年度). The split whose 执行率 is closest to 执行数 / 预算数 wins; equal
    budget columns and equal weight and score count in its favour; a row may
    end early (empty trailing cells), at a cost.

    Returns: column -> value as written, or ``None`` when no split fits or two fit equally well.
    """
    candidates = money_splits(text, columns) if len(text) <= MAX_LENGTH else []
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda v: -(_money_score(v) - 1.5 * (len(columns) - len(v))))
    if len(ranked) > 1:
        first, second = (_money_score(v) - 1.5 * (len(columns) - len(v)) for v in ranked[:2])
        if first - second < 0.5:
            return None  # two readings fit as well as each other: not guessed
    return ranked[0]


def _money_score(values: dict[str, str]) -> float:
    score = 0.0
    budget = _dec(values.get("adjusted")) or _dec(values.get("initial"))
    executed = _dec(values.get("executed"))
    rate = _dec(values.get("rate"))
    if budget and executed is not None and rate is not None:
        diff = abs(executed / budget * 100 - rate)
        score += 6 if diff < Decimal("0.5") else 4 if diff < Decimal(1) else 2 if diff < 5 else -2
    elif rate is not None and budget == 0 and rate == 0:
        score += 2
    if values.get("initial") is not None and values.get("initial") == values.get("adjusted"):
        score += 2
    if values.get("adjusted") is not None and values.get("adjusted") == values.get("executed"):
        score += 2
    if values.get("weight") is not None and values.get("weight") == values.get("score"):
        score += 1
    decimals = {len(v.split(".")[1]) if "." in v else 0 for k, v in values.items()
                if k in ("initial", "adjusted", "executed") and v != "-"}
    score -= len(decimals) - 1 if decimals else 0
    return score
