"""An unusable --out is one line naming the folder and what to do, exit code 2, before anything is read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.graph.cli import app
from policykg.graph.run import output
from tests.conftest import SEEDS

runner = CliRunner()
ONE_SEED = str(SEEDS / "003_9ccbaafc82c3a09f.txt")


def build_into(out: Path | str) -> tuple[int, str]:
    result = runner.invoke(app, ["build", ONE_SEED, "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_out_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "graph").write_text("not a folder", encoding="utf-8")
    code, stderr = build_into(tmp_path / "graph")
    assert code == 2
    assert one_error_line(stderr) == f"error: {tmp_path / 'graph'}: is a file, not a folder; choose another --out or move the file away"


def test_out_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file", encoding="utf-8")
    out = tmp_path / "notes.txt" / "out" / "deeper"
    code, stderr = build_into(out)
    assert code == 2
    assert one_error_line(stderr) == f"error: {out}: cannot create the folder, {tmp_path / 'notes.txt'} is a file; choose another --out"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; see the immutable test")
def test_out_read_only(tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir(mode=0o555)
    code, stderr = build_into(tmp_path / "ro")
    assert code == 2
    assert "cannot write into the folder (permission denied" in one_error_line(stderr)


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "immutable"
    folder.mkdir()
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("chattr +i needs root on a file system that supports it")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_out_immutable(immutable: Path) -> None:
    code, stderr = build_into(immutable)
    assert code == 2
    assert one_error_line(stderr) == (f"error: {immutable}: cannot write into the folder (permission denied; the folder "
                                      "may be read-only or immutable); choose another --out on a disk you can write")


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="Linux /proc")
@pytest.mark.parametrize("out", ["/proc", "/proc/policykg-out"])
def test_out_under_proc(out: str) -> None:
    code, stderr = build_into(out)
    assert code == 2
    line = one_error_line(stderr)
    assert line.startswith(f"error: {out}: cannot ")
    assert line.endswith("it is not an ordinary folder); choose another --out on a disk you can write")


def test_a_usable_out_is_created_with_its_parents(tmp_path: Path) -> None:
    code, stderr = build_into(tmp_path / "a" / "b")
    assert code == 0, stderr
    assert (tmp_path / "a" / "b" / "graph.ttl").exists()
    assert not list((tmp_path / "a" / "b").glob(".policykg-probe-*"))


POLICYKG = str(Path(sys.executable).parent / "policykg")


def build_process(out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([POLICYKG, "build", ONE_SEED, "--out", str(out), "--no-cache", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_builds_into_one_out_both_succeed(tmp_path: Path) -> None:
    """The regression: the second build renamed the first one's .graph.nt.tmp away (FileNotFoundError)."""
    first, second = build_process(tmp_path), build_process(tmp_path)
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in (first, second)]  # type: ignore[union-attr]
    for code, stderr in outcomes:
        assert code == 0, stderr
        assert "Traceback" not in stderr and "FileNotFoundError" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".policykg.lock", "context.jsonld", "graph.jsonld",
                                                           "graph.nt", "graph.trig", "graph.ttl"]


def test_a_second_build_waits_and_says_so(tmp_path: Path) -> None:
    with output.hold(output.prepare(tmp_path)):
        waiting = build_process(tmp_path)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the lock held here
        assert not (tmp_path / "graph.ttl").exists()
    code, stderr = waiting.wait(timeout=120), waiting.stderr.read()  # type: ignore[union-attr]
    assert code == 0, stderr
    assert f"{tmp_path}: another build is writing into this folder; waiting for it to end (--no-wait stops instead)" in stderr
    assert (tmp_path / "graph.ttl").exists()


def test_no_wait_reports_a_busy_folder(tmp_path: Path) -> None:
    with output.hold(output.prepare(tmp_path)):
        busy = build_process(tmp_path, "--no-wait")
        code, stderr = busy.wait(timeout=120), busy.stderr.read()  # type: ignore[union-attr]
    assert code == 2
    assert one_error_line(stderr) == (f"error: {tmp_path}: another build is writing into this folder; "
                                      "wait until it ends, or choose another --out")


def test_temporary_files_left_by_a_killed_build_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".graph.nt.12345.tmp").write_bytes(b"half a graph")
    code, stderr = build_into(tmp_path)
    assert code == 0, stderr
    assert not list(tmp_path.glob(".graph*.tmp"))
