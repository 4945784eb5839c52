"""One pathological file is an error naming it, and the others are built (graph.run.limits)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.graph.cli import app
from tests.conftest import SEEDS

runner = CliRunner()
GOOD = SEEDS / "003_9ccbaafc82c3a09f.txt"
# The declaration 004 eight times over: about 1.1 MB that take the loaders some seconds.
REPEATED = (SEEDS / "004_b5c1e20c1c71ec69.txt").read_bytes() * 8


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.txt")
    (folder / "repeated.txt").write_bytes(REPEATED)
    return folder


def build(corpus: Path, out: Path, *options: str) -> tuple[int, str]:
    result = runner.invoke(app, ["build", str(corpus), "--out", str(out), "--no-validate", *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, " ".join(result.stderr.split())


def test_a_file_over_the_size_limit_is_named_and_not_read(corpus: Path, tmp_path: Path) -> None:
    code, stderr = build(corpus, tmp_path / "out", "--max-file-mb", "0.5")
    assert code == 1
    size = f"{len(REPEATED) / 1_000_000:,.1f}"
    assert (f"error: {corpus / 'repeated.txt'}: {size} MB, more than the 0.5 MB a file may have; not read "
            "(split it, or raise the limit with --max-file-mb)") in stderr
    assert (tmp_path / "out" / "graph.ttl").exists() and "good.txt" in stderr  # the other file was built


def test_a_file_over_the_time_limit_is_stopped_and_named(corpus: Path, tmp_path: Path) -> None:
    code, stderr = build(corpus, tmp_path / "out", "--max-file-seconds", "1")
    assert code == 1
    assert (f"error: {corpus / 'repeated.txt'}: reading took more than 1 s and was stopped; the file may repeat "
            "itself or be damaged (check it, or raise the limit with --max-file-seconds)") in stderr
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_the_time_limit_holds_in_worker_processes(corpus: Path, tmp_path: Path) -> None:
    for k in range(16):  # enough files for the parallel reading
        shutil.copy(GOOD, corpus / f"good{k:02}.txt")
    code, stderr = build(corpus, tmp_path / "out", "--max-file-seconds", "1", "--workers", "2")
    assert code == 1
    assert f"error: {corpus / 'repeated.txt'}: reading took more than 1 s and was stopped" in stderr
    assert stderr.count("error:") == 1


def test_within_the_limits_the_file_is_read(corpus: Path, tmp_path: Path) -> None:
    code, stderr = build(corpus, tmp_path / "out")
    assert code == 0, stderr
