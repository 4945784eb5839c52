"""Child processes that die with their parent: worker pools of the build and the Oxigraph server.

A build forks workers (parsing, encoding, lineage, validation beside the
writing) and ``policykg serve`` starts the Oxigraph server. When the parent is
killed — ``kill -9`` included, which no handler sees — Linux sends each child
SIGTERM (``prctl(PR_SET_PDEATHSIG)``, set in the child right after the fork).
On other systems children stop when their pool is shut down, as before.

``pool`` is a ``ProcessPoolExecutor`` (forked where the system can fork) whose
workers die with the parent, and which, when the ``with`` block ends with an
exception (``KeyboardInterrupt`` from Ctrl-C or SIGTERM), ends its workers at
once instead of waiting for their tasks.

``SHARED`` is the one place for what forked workers read without pickling (the
build's records and indexes, lineage profiles, graphs being written): a stage
puts its values in with ``sharing(...)`` just before its pool forks, under keys
named ``stage.value``, and they are taken out when the block ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

SHARED: dict[str, Any] = {}  # what forked workers inherit: see ``sharing``
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Loaded in the parent, so that a child between fork and exec only calls into it (no dynamic loading there).
LINUX = sys.platform.startswith("linux")
_LIBC = ctypes.CDLL(None, use_errno=True) if LINUX else None


def die_with_parent(parent: int | None = None) -> None:
    """In a child process: ask Linux to send SIGTERM when the parent dies, and let SIGTERM end this process.

    ``parent``: the pid of the parent that forked; when it is already gone (it died between the fork and
    this call), the child exits at once. A no-op outside Linux.
    """
    if _LIBC is None:
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler (SIGTERM as Ctrl-C) is not for workers
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


@contextlib.contextmanager
def pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes (forked where possible) that die with this process.

    On an exception inside the ``with`` block (KeyboardInterrupt included) the workers are terminated and
    pending tasks cancelled; otherwise the pool is shut down as usual, after its tasks.
    """
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=die_with_parent,
                                   initargs=(os.getpid(),))
    try:
        yield executor
    except BaseException:
        # ProcessPoolExecutor has no public way to end running tasks before Python 3.14 (terminate_workers)
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def preexec_die_with_parent() -> None:
    """``subprocess.Popen(preexec_fn=...)`` for a server the parent starts: SIGTERM when the parent dies.

    Popen waits in the parent until the child has run this and exec'd, so the parent is alive here. The
    signal comes when the parent *thread* that started the child ends, so start servers from a thread that
    lives as long as they do.
    """
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


@contextlib.contextmanager
def sharing(**values: Any) -> Iterator[None]:
    """Put ``values`` into ``SHARED`` for the workers forked inside the ``with`` block (they inherit them);
    remove them, and only them, when it ends. Raises ``RuntimeError`` when a key is already shared (two
    stages must not share under one name)."""
    taken = sorted(set(values) & set(SHARED))
    if taken:
        raise RuntimeError(f"already shared with workers: {', '.join(taken)}")
    SHARED.update(values)
    try:
        yield
    finally:
        for key in values:
            SHARED.pop(key, None)
