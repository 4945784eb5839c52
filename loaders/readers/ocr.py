"""Scans -> grid: Tesseract (``chi_sim``) through pytesseract, for PNG / JPEG / TIFF files and PDF pages without text.

Tesseract's TSV output gives each word with its box and confidence. Words are
grouped into lines by Tesseract's own block / paragraph / line numbers, lines
side by side merged into one row (``_lines``), rows sorted top to bottom, and a
row's cells are split where the gap between two words is wider than 1.5 times
the line's height (a ruled form's column gap; the space between two words of
one cell is far narrower). Words inside a cell that touch are joined with
nothing, the others like wrapped text (nothing between CJK characters). The
page's ruling is whitened first (``_unruled``): table lines make Tesseract
lose whole rows. A word read with a confidence below ``MIN_CONFIDENCE`` is
kept as read and reported as a finding naming page and line, so nothing
low-confidence is taken silently.
"""

from __future__ import annotations

import io
import re
import statistics
from typing import Any

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Cell, Grid, Origin, Row, from_rows
from policykg.loaders.readers._common import CJK, OCR_INSTALL, Limits, join_wrapped

LANGUAGE = "chi_sim"
MIN_CONFIDENCE = 60  # Tesseract word confidence 0-100; below it a word is reported
CELL_GAP = 1.5  # a gap wider than this many line heights starts a new cell
_NEAR_CJK = re.compile(rf"(?<=[{CJK}]) +| +(?=[{CJK}])")
WORD_GAP = 0.25  # a gap narrower than this many line heights is no space (Tesseract splits "1000元" in two)


def read_image(path: str, sha256: str, data: bytes, limits: Limits) -> Grid:
    """A PNG / JPEG / TIFF scan's bytes -> grid (format ``ocr``; one row per recognized line).

    Raises: SourceError naming the file when the image cannot be decoded, when
    Tesseract or its Chinese data is missing (saying what to install), or when
    recognition takes longer than ``limits.ocr_seconds``.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise SourceError(path, f"not a readable image ({exc})") from None
    rows, findings = rows_from_image(path, image, page=None, seconds=limits.ocr_seconds)
    if not rows:
        raise SourceError(path, "no text was recognized in the image")
    return from_rows(path, sha256, "ocr", rows, [(line, message) for line, message in findings])


def rows_from_image(path: str, image: Any, page: int | None,
                    seconds: float) -> tuple[list[Row], list[tuple[int, str]]]:
    """Recognize one page image (a PIL image): its rows, and findings as (1-based row among these rows, message).

    ``page`` (1-based, ``None`` for an image file) goes into every origin and message.
    Raises: SourceError as ``read_image``.
    """
    import pytesseract

    where = f"p. {page}: " if page is not None else ""
    try:
        data = pytesseract.image_to_data(_unruled(image), lang=LANGUAGE, output_type=pytesseract.Output.DICT,
                                         timeout=seconds)
    except pytesseract.TesseractNotFoundError:
        raise SourceError(path, f"{where}a scan needs OCR, and Tesseract is not installed: {OCR_INSTALL}") from None
    except pytesseract.TesseractError as exc:
        if LANGUAGE in str(exc.message):
            raise SourceError(path, f"{where}Tesseract has no Chinese data ({LANGUAGE}): {OCR_INSTALL}") from None
        raise SourceError(path, f"{where}Tesseract failed: {exc.message}") from None
    except RuntimeError as exc:  # pytesseract's timeout
        raise SourceError(path, f"{where}OCR took longer than {seconds:g} s (POLICYKG_OCR_SECONDS): {exc}") from None
    rows: list[Row] = []
    findings: list[tuple[int, str]] = []
    for words in _lines(data):
        number = len(rows) + 1
        height = statistics.median(w["height"] for w in words)
        groups: list[list[dict[str, Any]]] = [[words[0]]]
        for before, word in zip(words, words[1:], strict=False):
            if word["left"] - (before["left"] + before["width"]) > CELL_GAP * height:
                groups.append([])
            groups[-1].append(word)
        cells = tuple(Cell(_cell_text(group, height), Origin(0, page=page, row=number, column=column))
                      for column, group in enumerate(groups, start=1))
        rows.append(Row(cells, in_table=len(cells) > 1))
        doubtful = [w for w in words if 0 <= w["conf"] < MIN_CONFIDENCE]
        if doubtful:
            listed = ", ".join(f"{w['text']!r} ({w['conf']:.0f})" for w in doubtful)
            findings.append((number, f"{where}OCR line {number}: low confidence (< {MIN_CONFIDENCE}) for {listed}; "
                                     "kept as read, check it against the scan"))
    return rows, findings


def _cell_text(words: list[dict[str, Any]], height: float) -> str:
    """The words of one cell: touching words (gap under ``WORD_GAP`` line heights) joined with nothing,
    others with a space, but none next to a CJK character (Tesseract's gaps around them mean nothing)."""
    parts: list[str] = []
    for before, word in zip([None, *words], words, strict=False):
        if before is not None and word["left"] - (before["left"] + before["width"]) < WORD_GAP * height:
            parts[-1] += word["text"]
        else:
            parts.append(word["text"])
    return _NEAR_CJK.sub("", join_wrapped(parts))


def _unruled(image: Any) -> Any:
    """The page in grey with its ruling removed: dark runs longer than 1/30 of the page width, across or down.

    A form's table lines make Tesseract lose whole rows (a character error rate
    of 44% on a ruled test page against 2% once the lines are whitened); no
    character's stroke is that long (a 10.5 pt character is 1/56 of an A4 page's width, a 20 pt title 1/30),
    and characters stand apart.
    """
    import numpy as np
    from PIL import Image

    grey = np.array(image.convert("L"))
    length = max(30, grey.shape[1] // 30)
    dark = grey < 128
    for view, out in ((dark, grey), (dark.T, grey.T)):
        edges = np.diff(np.pad(view, ((0, 0), (1, 1))).astype(np.int8), axis=1)
        rows, starts = np.nonzero(edges == 1)
        _rows, ends = np.nonzero(edges == -1)  # row-major order: the n-th end closes the n-th start
        for r, x0, x1 in zip(rows, starts, ends, strict=True):
            if x1 - x0 >= length:
                out[r, x0:x1] = 255
    return Image.fromarray(grey)


def _lines(data: dict[str, list[Any]]) -> list[list[dict[str, Any]]]:
    """Tesseract's words in rows, top to bottom, each row's words left to right.

    Tesseract's own lines (block, paragraph, line) are merged into one row when
    they stand side by side: a line whose vertical middle falls within the
    first line of a row joins it (Tesseract often reads a table row's cells as
    blocks of their own).
    """
    lines: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    for i, text in enumerate(data["text"]):
        if not str(text).strip():
            continue
        word = {"text": str(text).strip(), "conf": float(data["conf"][i]), "left": int(data["left"][i]),
                "top": int(data["top"][i]), "width": int(data["width"][i]), "height": int(data["height"][i])}
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        lines.setdefault(key, []).append(word)
    bands = sorted(((min(w["top"] for w in ws), max(w["top"] + w["height"] for w in ws), ws) for ws in lines.values()),
                   key=lambda band: ((band[0] + band[1]) / 2, min(w["left"] for w in band[2])))
    rows: list[tuple[int, int, list[dict[str, Any]]]] = []
    for top, bottom, words in bands:
        if rows and rows[-1][0] <= (top + bottom) / 2 <= rows[-1][1]:
            rows[-1][2].extend(words)
        else:
            rows.append((top, bottom, list(words)))
    return [sorted(words, key=lambda w: w["left"]) for _top, _bottom, words in rows]
