"""The output folder of a build: created and checked before any work, then held by one build at a time.

``prepare`` turns every way a folder can be unusable (a file, under a file,
read-only, immutable, a pseudo file system such as /proc) into one
``OutputError`` naming the folder and what to do, before a single document is
read. ``hold`` takes the folder's lock (``OUT/.policykg.lock``, an advisory
``flock`` through the ``filelock`` package, released by the system even when
a build is killed), so that two builds into one folder run one after the
other instead of renaming each other's files away.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import filelock

from policykg.loaders.errors import PolicyKGError

_CHOOSE = "choose another --out"
LOCK_NAME = ".policykg.lock"
# Temporary files of graph.run.export, named .<file>.<pid>.tmp: a build killed while writing leaves one behind.
_LEFTOVERS = (".graph.*.tmp", ".graph.jsonld.*.expanded", ".context.jsonld.*.tmp")


class OutputError(PolicyKGError):
    """The output folder cannot be created or written, or another build holds it."""


class OutputBusy(OutputError):
    """Another build holds the output folder's lock (and the caller asked not to wait)."""


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


@contextlib.contextmanager
def hold(out_dir: str | Path, *, wait: bool = True, waiting: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the lock of an output folder (``prepare`` it first) for the length of a ``with`` block.

    ``wait``: when another build holds the folder, wait for it (after calling
    ``waiting`` with a message saying so), else raise ``OutputBusy`` at once.
    Once held, temporary files left by a killed build are removed.
    Yields: the folder. Raises: OutputBusy; OutputError when the lock file cannot be made.
    """
    out = Path(out_dir)
    lock = filelock.FileLock(out / LOCK_NAME)
    try:
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            if not wait:
                raise OutputBusy(f"{out}: another build is writing into this folder; wait until it ends, "
                                 f"or {_CHOOSE}") from None
            if waiting is not None:
                waiting(f"{out}: another build is writing into this folder; waiting for it to end "
                        "(--no-wait stops instead)")
            lock.acquire()
    except OSError as exc:
        raise OutputError(f"{out / LOCK_NAME}: cannot create the lock file ({_reason(exc)}); {_CHOOSE}") from None
    try:
        for pattern in _LEFTOVERS:
            for leftover in out.glob(pattern):
                leftover.unlink(missing_ok=True)
        yield out
    finally:
        lock.release()
