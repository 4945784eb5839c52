"""Per-document costs of a build, and the cross-document stages at growing N, for projecting a national corpus.

    python -m bench.generate 4000 /tmp/corpus
    python -m bench.national /tmp/corpus/documents --sample 400 --sizes 1000,2000,4000

Per document, in this one process (no pool, so the numbers are one core's): reading and parsing
(``loaders.load``), the size of the record a worker sends back (``graph.run.cache.document_entry``,
pickled), and encoding its named graph (``graph.rdf.ntriples.document_ntriples``, after linking the
sample): CPU and wall seconds, triples, N-Triples bytes. Then, for the first ``--sizes`` documents of
the corpus, the stages that need every record at once and run in the building process whatever the
scheduler: policy linking, the organization index, and the lineage across years, on one core.

Prints one JSON object (medians, means, totals); nothing is asserted. bench/results.md holds a run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

from policykg.graph.linking.lineage import compute_lineage
from policykg.graph.linking.link import link_policies
from policykg.graph.linking.orgs import index_organizations
from policykg.graph.rdf.ntriples import count_lines, document_ntriples
from policykg.graph.run.cache import document_entry
from policykg.loaders import Document, load, source_files


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _summary(values: list[float]) -> dict[str, float]:
    return {"mean": round(statistics.fmean(values), 5), "median": round(statistics.median(values), 5),
            "p95": round(sorted(values)[int(0.95 * (len(values) - 1))], 5)}


def per_document(files: list[Path]) -> tuple[list[Document], dict[str, object]]:
    docs: list[Document] = []
    read_wall, read_cpu, record_bytes = [], [], []
    for file in files:
        doc, wall, cpu = _timed(load, file)
        docs.append(doc)
        read_wall.append(wall)
        read_cpu.append(cpu)
        record_bytes.append(float(len(document_entry(doc))))
    index, orgs = link_policies(docs), index_organizations(docs)
    encode_wall, encode_cpu, triples, nt_bytes = [], [], [], []
    for doc in docs:
        blob, wall, cpu = _timed(document_ntriples, doc, index, orgs)
        encode_wall.append(wall)
        encode_cpu.append(cpu)
        triples.append(float(count_lines(blob)))
        nt_bytes.append(float(len(blob)))
    return docs, {
        "documents": len(docs), "projects": sum(len(d.projects) for d in docs),
        "file_bytes": _summary([float(f.stat().st_size) for f in files]),
        "read_cpu_s": _summary(read_cpu), "read_wall_s": _summary(read_wall),
        "encode_cpu_s": _summary(encode_cpu), "encode_wall_s": _summary(encode_wall),
        "triples": _summary(triples), "ntriples_bytes": _summary(nt_bytes), "record_bytes": _summary(record_bytes),
    }


def cross_document(docs: list[Document]) -> dict[str, float]:
    index, link_wall, link_cpu = _timed(link_policies, docs)
    orgs, orgs_wall, orgs_cpu = _timed(index_organizations, docs)
    lineage, lineage_wall, lineage_cpu = _timed(compute_lineage, docs, orgs)
    return {"documents": len(docs), "link_cpu_s": round(link_cpu, 3), "link_wall_s": round(link_wall, 3),
            "orgs_cpu_s": round(orgs_cpu, 3), "lineage_cpu_s": round(lineage_cpu, 3),
            "lineage_wall_s": round(lineage_wall, 3), "lineage_links": len(lineage.links),
            "policy_nodes": len(index.nodes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sample", type=int, default=400, help="documents timed one by one (spread over the corpus)")
    parser.add_argument("--sizes", default="1000,2000,4000", help="corpus prefixes for the cross-document stages")
    args = parser.parse_args()
    files = source_files([args.corpus])
    step = max(1, len(files) // args.sample)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_start = os.getloadavg()
    _, costs = per_document(files[::step][:args.sample])
    sizes = [int(n) for n in args.sizes.split(",") if n]
    largest = max(sizes, default=0)
    docs = [load(f) for f in files[:largest]]
    cross = [cross_document(docs[:n]) for n in sizes]
    print(json.dumps({"machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                                  "python": platform.python_version(), "started": started,
                                  "load_start": [round(x, 2) for x in load_start],
                                  "load_end": [round(x, 2) for x in os.getloadavg()]},
                      "per_document": costs, "cross_document": cross}, indent=1))


if __name__ == "__main__":
    main()
