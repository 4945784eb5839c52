"""项目总目标 / 年度总目标: the two goal cells of a form, printed one after the other.

PDF and OCR text give the goal cells sequentially: on each page, the part of
the overall goal (项目总目标) cell wrapped at its column width, then the part of
the annual goal (年度总目标) cell wrapped at another. The two are often the same
text. This module finds, page by page, where the second cell begins:

- on one page, at the line boundary where the two halves are most alike
  (≥ 85 %; the cells may differ slightly, "完成 3 件" / "完成 2 件");
- over a page break, at the pair of boundaries where the two cells' texts
  read the same;
- for two different texts, where the lines become narrower after a sentence.

A single text that does not repeat is the annual goal (forms that print one
merged goal cell). Text that repeats but cannot be divided is left to the
caller to report.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import product

from policykg.loaders.text import clean

_MIN_SIMILARITY = 0.85
_REPEAT_PROBE = 24  # characters: a goal text this long seen twice means two cells


def split_goals(lines: list[tuple[int, str]], page_starts: frozenset[int] = frozenset()) -> tuple[str | None, str | None, bool]:
    """Split goal lines into (overall goal, annual goal, understood).

    ``lines``: (1-based line, text) of the goal cells only, headers removed.
    ``page_starts``: lines that begin a new page of the PDF.
    Returns: both goals when the lines divide into two like texts; (None, text,
    True) for a single non-repeating text; (None, None, False) when the text
    repeats but no division reproduces it.
    """
    if len(lines) == 1:  # both cells on one line: "详见明细 详见明细"
        lines = [(lines[0][0], token) for token in lines[0][1].split()]
    texts = [re.sub(r"\s+", "", clean(t)) for _, t in lines]
    whole = "".join(texts)
    if not whole:
        return None, None, True
    pages = _pages(lines, page_starts)
    if len(pages) == 1:
        split = _split_one_page(texts)
        if split:
            return split[0], split[1], True
    elif len(pages) <= 3:
        split = _split_pages([[texts[i] for i in page] for page in pages])
        if split:
            return split[0], split[1], True
    if len(pages) == 1:
        by_width = _split_by_width(texts)
        if by_width:
            return by_width[0], by_width[1], True
    probe = whole[:_REPEAT_PROBE]
    if len(whole) >= 2 * _REPEAT_PROBE and whole.find(probe, 1) > 0:
        return None, None, False
    return None, whole, True


def _pages(lines: list[tuple[int, str]], page_starts: frozenset[int]) -> list[list[int]]:
    pages: list[list[int]] = [[]]
    for index, (line, _) in enumerate(lines):
        if line in page_starts and pages[-1]:
            pages.append([])
        pages[-1].append(index)
    return pages


def _split_one_page(texts: list[str]) -> tuple[str, str] | None:
    whole = "".join(texts)
    best, best_ratio, position = None, 0.0, 0
    for k in range(1, len(texts)):
        position += len(texts[k - 1])
        first, second = whole[:position], whole[position:]
        if min(len(first), len(second)) < 0.6 * max(len(first), len(second)):
            continue
        ratio = SequenceMatcher(None, first, second, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = k, ratio
    if best is None or best_ratio < _MIN_SIMILARITY:
        return None
    return "".join(texts[:best]), "".join(texts[best:])


def _split_by_width(texts: list[str]) -> tuple[str, str] | None:
    """Two different texts: the second cell is narrower, so its lines are shorter.

    Splits after a sentence end where the median line length drops by at least
    two characters; both parts need three lines or more.
    """
    best, best_drop = None, 1
    for k in range(3, len(texts) - 2):
        if not texts[k - 1].endswith(("。", ";", "；")):
            continue
        before = sorted(len(t) for t in texts[:k - 1])
        after = sorted(len(t) for t in texts[k:-1])
        if not before or not after:
            continue
        drop = before[len(before) // 2] - after[len(after) // 2]
        if drop > best_drop:
            best, best_drop = k, drop
    if best is None:
        return None
    return "".join(texts[:best]), "".join(texts[best:])


def _split_pages(pages: list[list[str]]) -> tuple[str, str] | None:
    """Boundaries, one per page, after which the annual cell's part begins; exact match required."""
    for cuts in product(*(range(len(page) + 1) for page in pages)):
        first = "".join("".join(page[:cut]) for page, cut in zip(pages, cuts, strict=False))
        second = "".join("".join(page[cut:]) for page, cut in zip(pages, cuts, strict=False))
        if first and first == second:
            return first, second
    return None
