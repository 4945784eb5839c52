"""What the format readers share: joining wrapped cell text, numbers as a cell holds them, limits per file."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal

# Characters between which a line break is no space: CJK ideographs, CJK and full-width punctuation.
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》〔〕【】（）、，。；：！？·—"
_CJK_END = re.compile(rf"[{CJK}]$")
_CJK_START = re.compile(rf"^[{CJK}]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")

OCR_INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"


def join_wrapped(lines: Iterable[str]) -> str:
    """Join the lines of text that wrap inside one cell or paragraph.

    Each line is stripped and runs of spaces (also no-break spaces) become one;
    two lines meet with nothing between them when both sides are CJK
    (``项目资金`` + ``总额`` -> ``项目资金总额``) and with one space otherwise
    (``G60`` + ``科创`` -> ``G60 科创``; ``loaders.text.clean`` drops that space later).
    """
    out = ""
    for raw in lines:
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            continue
        if out and not (_CJK_END.search(out) and _CJK_START.search(line)):
            out += " "
        out += line
    return out


def number_text(value: float | int | Decimal) -> str:
    """A spreadsheet number as the cell holds it: ``387664.62`` (shortest round-trip form), ``10580000`` (no ``.0``).

    Floats are written through their shortest repr (never ``387664.6199999``) and
    without exponent (``1e-05`` -> ``0.00001``).
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(exact, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def date_text(value: datetime | date | clock) -> str:
    """A date cell as an ISO date (``2021-01-01``); with its time only when it has one (``2021-01-01T08:30:00``)."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == clock(0) else value.isoformat()
    return value.isoformat()


def column_letters(column: int) -> str:
    """The A1 letters of a 1-based column: 1 -> ``A``, 28 -> ``AB``."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of one file a reader reads before it stops and says so (a finding), so no file hangs a build.

    ``max_pages``: PDF pages read (the rest are reported, not read);
    ``seconds``: wall-clock time per file, checked between pages;
    ``ocr_seconds``: the time Tesseract gets for one page or image.
    Defaults come from ``POLICYKG_MAX_PAGES``, ``POLICYKG_READ_SECONDS`` and
    ``POLICYKG_OCR_SECONDS`` when set.
    """

    max_pages: int = 300
    seconds: float = 300.0
    ocr_seconds: float = 120.0

    @classmethod
    def from_environment(cls) -> Limits:
        """The limits of the environment variables above, the defaults for those not set."""
        default = cls()
        return cls(
            max_pages=int(os.environ.get("POLICYKG_MAX_PAGES", default.max_pages)),
            seconds=float(os.environ.get("POLICYKG_READ_SECONDS", default.seconds)),
            ocr_seconds=float(os.environ.get("POLICYKG_OCR_SECONDS", default.ocr_seconds)),
        )


class Deadline:
    """The time left for one file under ``Limits.seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() > self._end
