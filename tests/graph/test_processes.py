"""Children die with their parent: the build's worker processes and the server behind `policykg serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
POLICYKG = str(Path(sys.executable).parent / "policykg")


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``, from /proc/*/stat."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()  # a zombie has ended
    except OSError:
        return False


def wait_for_children(process: subprocess.Popen[bytes], timeout_s: float = 120) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        found = children(process.pid)
        if found:
            return found
        time.sleep(0.02)
    pytest.fail("the build started no worker process")


def gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(60, folder, seed=3)  # enough files (≥ 16) for the parsing pool
    return folder / "documents"


def start_build(corpus: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([POLICYKG, "build", str(corpus), "--out", str(out), "--no-cache", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_workers_die_when_the_build_is_killed(corpus: Path, tmp_path: Path) -> None:
    """The regression: after kill -9 the forked processes went on (218 MB, still alive after 90 s)."""
    build = start_build(corpus, tmp_path)
    workers = wait_for_children(build)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert gone_within(workers, 5) == []


def test_sigterm_stops_the_build_as_ctrl_c_does(corpus: Path, tmp_path: Path) -> None:
    build = start_build(corpus, tmp_path)
    workers = wait_for_children(build)
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=90)  # the whole suite loads both cores; a hang still fails
    assert build.returncode == 130
    assert f"error: build interrupted; every file in {tmp_path} is either whole or untouched" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert gone_within(workers, 5) == []


def test_the_server_dies_when_serve_is_killed(built: Path, tmp_path: Path) -> None:
    serve = subprocess.Popen([POLICYKG, "serve", "--port", "0", "--store", str(tmp_path / "store"),
                              "--graph", str(built / "graph.trig")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert serve.stdout is not None
    assert serve.stdout.readline().startswith(b"SPARQL endpoint: http://127.0.0.1:")
    servers = children(serve.pid)
    assert len(servers) == 1 and "oxigraph" in Path(f"/proc/{servers[0]}/cmdline").read_text()
    os.kill(serve.pid, signal.SIGKILL)
    serve.wait(timeout=30)
    assert gone_within(servers, 5) == []
