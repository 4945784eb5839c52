"""Reading source files and normalizing Chinese form text.

Handles what every layout shares: encodings (UTF-8, GB18030), binary and empty
files, page-number lines ("25 / 85"), HTML remnants (<p>, <u>), NFKC width
folding and the spaces PDF and OCR extraction put between CJK characters.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from policykg.loaders.errors import SourceError

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20“”‘’《》〔〕【】（）、，。；：！？·—"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+|[ \t\u3000]+(?=[{_CJK}])")
_HTML_TAG = re.compile(r"</?(?:p|u|br|span|div|b|i|strong|em)\b[^>]*>", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_BLANKS = re.compile(r"[ \t]+")
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "﹝": "〔", "﹞": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕"})


@dataclass(frozen=True, slots=True)
class Source:
    """A source file read into lines. ``lines[0]`` is line 1."""

    path: str
    text: str
    lines: tuple[str, ...]
    sha256: str
    encoding: str
    truncated: bool = False  # the file ends inside a character (cut off)

    @property
    def file_name(self) -> str:
        return Path(self.path).name


def read_source(path: str | Path) -> Source:
    """Read a document file as text.

    Tries UTF-8 (with or without BOM), then GB18030, the two encodings these
    forms are published in.

    Returns: a ``Source`` with the text split into lines (1-based by index + 1).
    Raises: SourceError naming the file when it is missing, empty, binary
    (NUL bytes) or in neither encoding.
    """
    return decode_source(str(path), read_bytes(path))


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a document file. Raises: SourceError naming the file when it is missing, a folder or unreadable."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError(str(path), "no such file") from None
    except IsADirectoryError:
        raise SourceError(str(path), "is a directory, not a document file") from None
    except OSError as exc:
        raise SourceError(str(path), f"cannot be read ({exc.strerror})") from None


def decode_source(path: str, data: bytes) -> Source:
    """Decode the bytes of a document file; see ``read_source`` for the rules. A file that starts with a
    UTF-16 byte-order mark (Windows "Unicode" text) is read as UTF-16; one that looks like UTF-16
    without a mark, and any undecodable byte, raise SourceError with line, column and offset."""
    if not data.strip():
        raise SourceError(path, "the file is empty; nothing to read")
    utf16 = _decode_utf16(data) if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
    if utf16 is not None:  # Windows "Unicode" text: a NUL byte in every ASCII character
        text, encoding, truncated = utf16
    elif b"\x00" in data[:65536]:
        offset = data.index(b"\x00")
        head = data[:65536]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        # ASCII (tabs, digits) as UTF-16 LE or BE puts NULs on one side; CJK such as 一 (U+4E00) a few on the other
        if max(odd, even) >= len(head) // 64 and min(odd, even) * 10 <= max(odd, even):
            raise SourceError(path, f"looks like UTF-16 without a byte-order mark (NUL bytes at every other offset, "
                                    f"from {offset}); save it as UTF-8, or as UTF-16 with a BOM")
        raise SourceError(path, f"binary file (NUL byte at offset {offset}); expected the text of a form")
    else:
        text, encoding, truncated = _decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(
        path=path,
        text=text,
        lines=tuple(text.split("\n")),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        truncated=truncated,
    )


def _decode_utf16(data: bytes) -> tuple[str, str, bool] | None:
    """(text, "utf-16", cut inside the last character) of bytes that start with a UTF-16 BOM, or ``None``
    when they are not UTF-16 text after all (invalid, or mostly unprintable: bytes that merely start
    with ``FF FE``)."""
    try:
        text = data[:len(data) - len(data) % 2].decode("utf-16")
    except UnicodeDecodeError:
        return None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
    return (text, "utf-16", len(data) % 2 == 1) if printable >= 0.9 * len(text) else None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column in characters) of byte ``offset``, where the bytes before it are valid UTF-8."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", "replace")) + 1


def _decode(path: str, data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, cut inside the last character)."""
    try:
        return data.decode("utf-8-sig"), "utf-8", False
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            # The file was cut inside its last character: read what is there, and say so.
            return data[:error.start].decode("utf-8-sig"), "utf-8", True
        utf8_error = error
    try:
        return data.decode("gb18030"), "gb18030", False
    except UnicodeDecodeError:
        bad = data[utf8_error.start]
        line, column = _position(data, utf8_error.start)
        raise SourceError(
            path, f"not UTF-8 or GB18030 (byte 0x{bad:02x} at line {line}, column {column}, offset {utf8_error.start}); "
                  "convert it to UTF-8"
        ) from None


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """Normalize one piece of form text without changing its meaning (cached: cells repeat).

    NFKC (full-width digits and punctuation to half-width), HTML remnants
    removed, spaces next to CJK characters removed (``长三角 G60 科创走廊`` ->
    ``长三角G60科创走廊``), runs of other spaces collapsed, ends stripped.
    """
    text = _HTML_TAG.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return _BLANKS.sub(" ", text).strip()


def drop_spaces_by_cjk(text: str) -> str:
    """``text`` without the spaces an export or OCR put next to CJK characters (``长三角 G60 科创走廊`` ->
    ``长三角G60科创走廊``), as ``clean`` drops them, and nothing else changed (no NFKC)."""
    return _SPACE_NEAR_CJK.sub("", text)


def squash(text: str) -> str:
    """``clean`` and then drop every whitespace character (for matching labels)."""
    return re.sub(r"\s+", "", clean(text))


def normalize_brackets(text: str) -> str:
    """Unify 文号 brackets: ``[] ［］ ﹝﹞ 【】`` become ``〔〕``."""
    return text.translate(_BRACKETS)


def is_page_number(line: str) -> bool:
    """True for page-number lines of PDF text such as ``25 / 85``."""
    return bool(_PAGE_NUMBER.match(line))


def has_ideograph(text: str) -> bool:
    return bool(_IDEOGRAPH.search(text))


def display_width(text: str) -> int:
    """Width in columns: CJK characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def data_words(package: str, name: str) -> tuple[str, ...]:
    """A word list shipped as ``<package>/data/<name>``: one word a line, ``#`` comment lines, in file order.

    Raises: FileNotFoundError for an unknown list.
    """
    text = resources.files(package).joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def page_furniture() -> tuple[str, ...]:
    """The words of a government site's page furniture around a published document (breadcrumbs, publishing
    metadata, font and print controls: 首页, 发布时间, 字体 …), ``loaders/data/page_furniture.txt``."""
    return data_words("policykg.loaders", "page_furniture.txt")


_QUALIFIER_AT_END = re.compile(r"[(\uff08][^()\uff08\uff09]{1,8}[)\uff09]$")


def drop_qualifier(name: str) -> str:
    """``name`` without a bracketed qualifier at its end (``某委员会（本部）`` -> ``某委员会``; ASCII or full width)."""
    return _QUALIFIER_AT_END.sub("", name)


def data_table(package: str, name: str) -> list[dict[str, str]]:
    """A reference table shipped as ``<package>/data/<name>``: tab-separated, a header row, ``#`` comment lines.

    Returns: one dict per row, column name -> cell text. Raises: FileNotFoundError for an unknown table.
    """
    text = resources.files(package).joinpath(f"data/{name}").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))
