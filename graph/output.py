"""The output folder of a build: created and checked before any work, then held by one build at a time.

``prepare`` turns every way a folder can be unusable (a file, under a file,
read-only, immutable, a pseudo file system such as /proc) into one
``OutputError`` naming the folder and what to do, before a single document is
read.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from loaders.errors import PolicyKGError

_CHOOSE = "choose another --out"


class OutputError(PolicyKGError):
    """The output folder cannot be created or written, or another build holds it."""


def _file_above(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` (or ``path`` itself) that is not a folder, if any."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


def prepare(out_dir: str | Path) -> Path:
    """Create ``out_dir`` (with its parents) and check that files can be created and renamed in it.

    Returns: the folder as a ``Path``.
    Raises: OutputError with a one-line message naming the folder, the reason
    (a file is in the way, permission denied, read-only file system, …) and
    what to do.
    """
    out = Path(out_dir)
    blocker = _file_above(out)
    if blocker == out:
        raise OutputError(f"{out}: is a file, not a folder; {_CHOOSE} or move the file away")
    if blocker is not None:
        raise OutputError(f"{out}: cannot create the folder, {blocker} is a file; {_CHOOSE}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the folder ({_reason(exc)}); {_CHOOSE} on a disk you can write") \
            from None
    try:
        handle, probe = tempfile.mkstemp(prefix=".policykg-probe-", dir=out)
        os.close(handle)
        os.replace(probe, probe + ".renamed")
        os.unlink(probe + ".renamed")
    except OSError as exc:
        raise OutputError(f"{out}: cannot write into the folder ({_reason(exc)}); {_CHOOSE} on a disk you can write") \
            from None
    return out


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; the folder may be read-only or immutable"
    if exc.errno == errno.ENOENT:
        return "no files can be made there; it is not an ordinary folder"
    return exc.strerror or type(exc).__name__


def write_error(out_dir: str | Path, exc: OSError) -> OutputError:
    """An OSError met while writing into ``out_dir`` (disk full, folder removed …) as a one-line OutputError."""
    where = exc.filename or out_dir
    return OutputError(f"{where}: cannot be written ({_reason(exc)}); free space or {_CHOOSE}, then build again")
