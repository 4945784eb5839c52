"""Per-file limits of a build: a file too large, or too slow to read, is an error naming it, not a stalled build.

One pathological file (a form repeated into 50 MB, say) must not take the
other 3,999 documents down with it. Before a file is read its size is compared
with ``FileLimits.max_mb``; while it is read (loader and form reader together),
a timer stops it after ``FileLimits.max_seconds``. Either way the file becomes
a ``LoadError`` with a message naming it, the limit and the option that raises
it, and the other files are built.

The time limit is a backstop for a reading that does not end: it is set above
the readers' own time per file (``loaders.readers.Limits``, 300 s, which stop
a long PDF or OCR reading between pages and report the rest as a finding).
It uses ``SIGALRM`` and so applies in the main thread of a process (the
build's worker processes, or the build itself); elsewhere, and on systems
without ``setitimer``, files are read without a time limit.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MEGABYTE = 1_000_000


@dataclass(frozen=True, slots=True)
class FileLimits:
    """``max_mb``: largest file read, in megabytes (10^6 bytes); ``max_seconds``: wall-clock time to read one
    file. ``None`` (or 0 on the command line) means no limit."""

    max_mb: float | None = 20.0
    max_seconds: float | None = 600.0

    def size_problem(self, path: Path) -> str | None:
        """The message for a file over ``max_mb``, else ``None`` (also for a file that cannot be stat'ed:
        reading it will say why)."""
        if not self.max_mb:
            return None
        try:
            size = path.stat().st_size
        except OSError:
            return None
        if size <= self.max_mb * MEGABYTE:
            return None
        return (f"{path}: {size / MEGABYTE:,.1f} MB, more than the {self.max_mb:g} MB a file may have; not read "
                "(split it, or raise the limit with --max-file-mb)")

    def time_problem(self, path: str) -> str:
        return (f"{path}: reading took more than {self.max_seconds:g} s and was stopped; the file may repeat "
                "itself or be damaged (check it, or raise the limit with --max-file-seconds)")


class FileTimeout(BaseException):
    """Raised inside a reading that ran over ``FileLimits.max_seconds``.

    A BaseException, so that a loader's ``except Exception`` does not swallow it.
    """


def _expire(signum: int, frame: object) -> None:
    raise FileTimeout


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``FileTimeout`` in the ``with`` block once ``seconds`` have passed (no limit for ``None`` or 0,
    outside the main thread, or without ``signal.setitimer``)."""
    usable = bool(seconds) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds or 0))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
