"""Time every named query on the embedded store (rdflib) and on Oxigraph, for one built graph.

    python bench/catalog_stores.py out/graph.trig [--no-rdflib]

Loads the TriG into a fresh Oxigraph store folder (timed), parses the sibling graph.ttl into rdflib
(timed, unless --no-rdflib), runs each catalog query with its example parameters on both, reports
seconds and row counts, and whether the two stores gave the same rows. Numbers go to stdout; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from policykg.graph.sparql import queries
from policykg.graph.sparql.store import MemoryStore, OxigraphStore, Store, cell_text, describe, load_oxigraph

EXAMPLES = {"policy": "建设方案", "programme": "G60科创走廊建设", "project": "G60科创走廊建设"}


def timed(store: Store, name: str) -> tuple[float, list[tuple[str, ...]]]:
    query = queries.resolve(name)
    params = {p.name: EXAMPLES[p.name] for p in query.parameters if not p.optional}
    start = time.perf_counter()
    table = queries.run_named(store, query, params)
    return time.perf_counter() - start, [tuple(cell_text(c) for c in row) for row in table.rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trig", type=Path)
    parser.add_argument("--no-rdflib", action="store_true", help="skip the embedded store (slow on large graphs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        load_oxigraph(args.trig, folder).close()
        oxigraph = OxigraphStore(folder)
        print(f"oxigraph load {args.trig} ({args.trig.stat().st_size / 1e6:.0f} MB): {time.perf_counter() - start:.1f} s;"
              f" {describe(folder)}")
        memory = None
        if not args.no_rdflib:
            start = time.perf_counter()
            memory = MemoryStore.open(args.trig.with_suffix(".ttl"))
            print(f"rdflib parse {args.trig.with_suffix('.ttl')}: {time.perf_counter() - start:.1f} s")
        print(f"{'query':34} {'oxigraph s':>10} {'rdflib s':>9} {'rows':>6} same")
        for query in queries.catalog():
            ox_s, ox_rows = timed(oxigraph, query.name)
            mem_s, mem_rows = timed(memory, query.name) if memory else (float("nan"), ox_rows)
            print(f"{query.name:34} {ox_s:10.3f} {mem_s:9.3f} {len(ox_rows):6} {ox_rows == mem_rows}")
        oxigraph.close()


if __name__ == "__main__":
    main()
