"""The memory of a process tree: a page shared by forked processes is counted once by PSS, twice by RSS."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.run import run_measured
from bench.tree_memory import main

# 300 MB written by the parent, then a forked child that only reads it (its pages stay shared); both keep
# reading one byte of every page while the child lives, so that no page goes cold and is reclaimed meanwhile
_SHARED = """
import os, time
block = bytearray(300 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
pid = os.fork()
end = time.monotonic() + 1.5
while time.monotonic() < end:
    sum(block[::4096])
    time.sleep(0.05)
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
"""


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc/PID/smaps_rollup")
def test_pages_shared_by_a_forked_child_are_counted_once_by_pss(tmp_path: Path) -> None:
    run = run_measured([sys.executable, "-c", _SHARED], cwd=tmp_path)
    assert run.result.returncode == 0
    assert run.peak_rss_tree_mb > 550  # parent and child each show the 300 MB as resident
    assert 280 < run.peak_pss_tree_mb < 450  # held once, shared between the two
    assert run.largest_process_mb > 280  # the largest child this process ever waited for: at least this one


def test_the_command_line_needs_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([])
    [run] = main(["--", sys.executable, "-c", "pass"])
    assert run.result.returncode == 0 and "peak PSS tree" in capsys.readouterr().out
