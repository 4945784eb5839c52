"""Time graph.linking.lineage.compute_lineage on the seeds replicated N times (python bench/bench_lineage.py [N...]).

Each copy gets its own sha256 and project names suffixed with the copy number, so the
corpus grows like a real one with N times as many departments. Prints projects,
links and seconds; nothing is asserted.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from policykg.graph.linking.lineage import compute_lineage
from policykg.loaders import load_many

ROOT = Path(__file__).resolve().parent.parent


def replicate(docs, copies):  # type: ignore[no-untyped-def]
    out = []
    for n in range(copies):
        for doc in docs:
            projects = tuple(dataclasses.replace(p, name=f"{p.name}{n}", parent=f"{p.parent}{n}" if p.parent else None)
                             for p in doc.projects)
            out.append(dataclasses.replace(doc, sha256=f"{doc.sha256[:-4]}{n:04d}", projects=projects))
    return out


def main() -> None:
    docs, _ = load_many(sorted((ROOT / "seeds").glob("*.txt")))
    for copies in [int(a) for a in sys.argv[1:]] or [1, 4, 16]:
        corpus = replicate(docs, copies)
        start = time.perf_counter()
        lineage = compute_lineage(corpus)
        seconds = time.perf_counter() - start
        projects = sum(len(d.projects) for d in corpus)
        print(f"{copies:3d} copies  {len(corpus):5d} documents  {projects:6d} projects  "
              f"{len(lineage.links):6d} links  {seconds:8.2f} s")


if __name__ == "__main__":
    main()
