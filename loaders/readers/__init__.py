"""File-format readers: a file's bytes -> ``loaders.grid.Grid`` (cells in rows with their origin).

The format is recognized by content (magic bytes), not by extension; the
extension only decides between formats that share a container (an OLE2 file
is an ``.xls`` or a ``.doc``/``.wps``). Readers know a file format and nothing
of the forms; ``loaders.form`` reads the grid.

| format | recognized by | reader |
|---|---|---|
| ``pdf`` | ``%PDF`` | ``readers.pdf`` (pdfplumber; pages without text layer OCR'd) |
| ``docx`` / ``xlsx`` | a zip holding ``word/`` / ``xl/`` | ``readers.docx`` / ``readers.xlsx`` |
| ``xls`` / ``doc`` | OLE2 ``D0 CF 11 E0`` with a Workbook / WordDocument stream | ``readers.xls`` / ``readers.office`` |
| ``html`` | ``<html``, ``<!DOCTYPE html`` or ``<table`` at the start | ``readers.html`` |
| ``image`` | PNG, JPEG, TIFF signatures | ``readers.ocr`` (Tesseract) |
| ``text`` | anything else | ``loaders.text`` (UTF-8 / GB18030) |
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Grid, from_source
from policykg.loaders.readers._common import Limits
from policykg.loaders.text import decode_source, read_bytes

__all__ = ["SUFFIXES", "Limits", "grid_from_bytes", "read_grid", "sniff"]

# File name endings of the formats read here (for finding document files in a folder).
SUFFIXES = (".txt", ".tsv", ".text", ".pdf", ".docx", ".doc", ".wps", ".xlsx", ".xlsm", ".xls",
            ".html", ".htm", ".png", ".jpg", ".jpeg", ".tif", ".tiff")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes, name: str = "") -> str:
    """The format of a file's bytes: ``pdf``, ``docx``, ``xlsx``, ``xls``, ``doc``, ``encrypted``, ``zip``,
    ``html``, ``image`` or ``text``.

    ``encrypted`` is a password-protected Office file (an OLE2 container holding
    an ``EncryptedPackage``); ``zip`` a zip that is neither DOCX nor XLSX, or
    one that cannot be opened. ``name`` (the file name) only breaks ties.
    """
    head = data[:2048]
    suffix = Path(name).suffix.lower()
    if b"%PDF-" in head[:1024]:  # readers accept a few bytes of junk before the header
        return "pdf"
    if head.startswith(b"PK"):
        return _sniff_zip(data)
    if head.startswith(_OLE2):
        if _utf16("EncryptedPackage") in data:
            return "encrypted"
        if suffix in (".doc", ".wps", ".dot", ".wpt"):
            return "doc"
        if suffix in (".xls", ".xlt", ".et"):
            return "xls"
        return "doc" if _utf16("WordDocument") in data else "xls"
    if head.startswith(_IMAGES):
        return "image"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<") and any(tag in start for tag in (b"<html", b"<!doctype html", b"<table")):
        return "html"
    return "text"


def _sniff_zip(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


def read_grid(path: str | Path, limits: Limits | None = None) -> Grid:
    """Read one file of any supported format into a ``Grid``.

    ``limits`` bounds the pages and seconds spent on one file (default:
    ``Limits.from_environment()``); what is past them is a finding of the grid.
    Raises: SourceError naming the file (and page or cell) when it is missing,
    empty, encrypted, corrupt, of an unsupported kind, or needs a program that
    is not installed (LibreOffice for .doc/.wps, Tesseract for scans).
    """
    return grid_from_bytes(str(path), read_bytes(path), limits)


def grid_from_bytes(path: str, data: bytes, limits: Limits | None = None) -> Grid:
    """The same as ``read_grid`` for bytes already read (the parallel build reads files in workers)."""
    fmt = sniff(data, path)
    if fmt == "text":
        return from_source(decode_source(path, data))
    limits = limits or Limits.from_environment()
    sha256 = hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        from policykg.loaders.readers import pdf
        return pdf.read(path, sha256, data, limits)
    if fmt == "docx":
        from policykg.loaders.readers import docx
        return docx.read(path, sha256, data)
    if fmt == "xlsx":
        from policykg.loaders.readers import xlsx
        return xlsx.read(path, sha256, data)
    if fmt == "xls":
        from policykg.loaders.readers import xls
        return xls.read(path, sha256, data)
    if fmt == "doc":
        from policykg.loaders.readers import office
        return office.read(path, sha256, data, limits)
    if fmt == "html":
        from policykg.loaders.readers import html
        return html.read(path, sha256, data)
    if fmt == "image":
        from policykg.loaders.readers import ocr
        return ocr.read_image(path, sha256, data, limits)
    if fmt == "encrypted":
        raise SourceError(path, "password-protected (encrypted) Office file; save it without a password and read it again")
    raise SourceError(path, "a zip archive that is neither a DOCX nor an XLSX document, or a broken one "
                            "(cut off or damaged); open it in Word/Excel and save it again")
