"""Word 97-2003 ``.doc`` and WPS ``.wps`` -> grid: converted to DOCX by LibreOffice headless, then ``readers.docx``.

LibreOffice (``soffice`` or ``libreoffice`` on PATH; Debian
``libreoffice-writer-nogui``) converts the file in a temporary folder that is
removed afterwards; the grid's format is ``doc``. Without LibreOffice the file
is not read, and the error says what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from policykg.loaders.errors import SourceError
from policykg.loaders.grid import Grid
from policykg.loaders.readers import docx
from policykg.loaders.readers._common import Limits

INSTALL = "apt-get install libreoffice-writer-nogui"


def soffice() -> str | None:
    """The LibreOffice program on PATH (``soffice``, else ``libreoffice``), or ``None``."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: str, sha256: str, data: bytes, limits: Limits) -> Grid:
    """Convert a .doc / .wps file's bytes to DOCX with LibreOffice and read that (format ``doc``).

    The conversion gets ``limits.seconds``. Raises: SourceError naming the file
    when LibreOffice is not installed (saying what to install), fails, times
    out, or writes no DOCX.
    """
    program = soffice()
    if program is None:
        raise SourceError(path, f".doc/.wps needs LibreOffice to be read: {INSTALL}")
    suffix = Path(path).suffix.lower() if Path(path).suffix.lower() in (".doc", ".wps", ".dot", ".wpt") else ".doc"
    with tempfile.TemporaryDirectory(prefix="policykg-doc-") as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        # A profile of its own, so that a LibreOffice already running for the user does not take the job.
        command = [program, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", folder, str(source)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=limits.seconds, check=False)
        except subprocess.TimeoutExpired:
            raise SourceError(path, f"LibreOffice took longer than {limits.seconds:g} s to convert it "
                                    "(POLICYKG_READ_SECONDS)") from None
        converted = Path(folder) / "document.docx"
        if done.returncode != 0 or not converted.exists():
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:300]
            raise SourceError(path, f"LibreOffice could not convert it to DOCX (exit {done.returncode}: {said})")
        return docx.read(path, sha256, converted.read_bytes(), fmt="doc")
