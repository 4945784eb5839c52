"""Wall time, CPU time and peak memory of one command's whole process tree.

``python -m bench.tree_memory [--runs N] -- COMMAND ARG…`` runs the command ``--runs`` times (default 1)
and prints, per run, the 1-minute load average before it, wall and CPU seconds (the command and every
worker it waited for), the peak of the summed ``VmRSS`` over the tree (pages shared by forked workers
counted once per process: an over-statement), the peak of the summed ``Pss`` (each shared page divided
among the processes sharing it: the memory the tree holds) and the largest single process; then the
medians. Memory in MB (2**20 bytes), sampled as ``bench.run.run_measured`` does. The command runs in the
current folder; its output is discarded, and a non-zero exit code is printed with the run.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.run import Measured, run_measured
from bench.seed_build import load_average


def main(argv: list[str] | None = None) -> list[Measured]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    runs = []
    for _ in range(args.runs):
        load = load_average()
        run = run_measured(command, cwd=Path.cwd())
        runs.append(run)
        print(f"load {load:.2f}  wall {run.wall_s:.2f} s  cpu {run.cpu_s:.1f} s  "
              f"peak RSS tree {run.peak_rss_tree_mb:,.0f} MB  peak PSS tree {run.peak_pss_tree_mb:,.0f} MB  "
              f"largest process {run.largest_process_mb:,.0f} MB  exit {run.result.returncode}", flush=True)
    if len(runs) > 1:
        print(f"median: wall {statistics.median(r.wall_s for r in runs):.2f} s  "
              f"peak PSS tree {statistics.median(r.peak_pss_tree_mb for r in runs):,.0f} MB")
    return runs


if __name__ == "__main__":
    main()
