"""Wall time of whole ``policykg build`` processes on the seeds: cold and with nothing changed.

``python -m bench.seed_build [--runs 3] [--code DIR] [--docs DIR]`` runs, ``--runs`` times each:

- **cold**: a fresh ``--out`` folder (no cache);
- **unchanged**: the same ``--out`` again (every cache entry there).

Each run is a new process (``python -c "from policykg.graph.cli import main; main()" build DOCS --out OUT``)
timed from start to exit, with the 1-minute load average read from ``/proc/loadavg`` before it and the
build's own stage times (its ``seconds:`` line). ``--code``: a folder holding the ``graph``, ``loaders``
and ``ontology`` packages to time instead of the installed ones (put first on ``PYTHONPATH``; e.g. a
``git archive`` of an older commit, to time before and after on the same machine). Prints one line per
run and the medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_MAIN = 'import sys; sys.argv[0] = "policykg"; from policykg.graph.cli import main; main()'


def load_average() -> float:
    """The 1-minute load average (``/proc/loadavg``)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_build(docs: Path, out: Path, code: Path | None) -> tuple[float, float, str]:
    """(wall seconds, load average before, the build's ``seconds:`` line) of one build process.

    Raises: RuntimeError when the build exits with code 2 (nothing built); code 1 (problems found) is a
    finished build."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    load = load_average()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MAIN, "build", str(docs), "--out", str(out)], env=env,
                          cwd=tempfile.gettempdir(), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode == 2:
        raise RuntimeError(f"build failed: {done.stderr[-2000:]}")
    stages = next((line for line in (done.stdout + done.stderr).splitlines() if line.startswith("seconds:")), "")
    return wall, load, stages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, default=None)
    parser.add_argument("--docs", type=Path, default=SEEDS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="seed-build-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        for path in sorted(args.docs.glob("*.txt")) + sorted(args.docs.glob("*.tsv")):
            shutil.copy(path, docs / path.name)
        figures: dict[str, list[float]] = {"cold": [], "unchanged": []}
        for i in range(args.runs):
            out = Path(tmp) / f"out{i}"
            for kind in ("cold", "unchanged"):
                wall, load, stages = run_build(docs, out, args.code)
                figures[kind].append(wall)
                print(f"{kind:9} {wall:6.2f} s  load {load:.2f}  {stages}", flush=True)
        for kind, walls in figures.items():
            print(f"median {kind}: {statistics.median(walls):.2f} s of {len(walls)} runs "
                  f"({', '.join(f'{w:.2f}' for w in walls)})")


if __name__ == "__main__":
    main()
