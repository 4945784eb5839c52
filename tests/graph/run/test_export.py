"""policykg.graph.run.export: every output file is byte-identical across builds (and hash seeds); TriG has one
named graph per source document; JSON-LD carries the context and the same triples as Turtle."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import XSD, Dataset, Graph, Literal

from policykg.graph.run import export
from tests.conftest import ROOT, SEEDS

FILES = ("graph.ttl", "graph.trig", "graph.nt", "graph.jsonld", "context.jsonld")
SOURCES = 5  # seeds/README.md lists five documents


def build_in_process(out: Path, seed: str) -> None:
    """`policykg build seeds --out out` in a fresh Python with the given hash seed."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", "from policykg.graph.cli import app; app()", "build", str(SEEDS), "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    build_in_process(first, "1")
    build_in_process(second, "2")  # another hash seed: set and dict-of-hash orders differ
    return first, second


@pytest.mark.parametrize("name", FILES)
def test_byte_identical_builds(builds: tuple[Path, Path], name: str) -> None:
    first, second = builds
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_trig_has_one_named_graph_per_source_in_order(builds: tuple[Path, Path]) -> None:
    dataset = Dataset()
    dataset.parse(builds[0] / "graph.trig", format="trig")
    names = sorted(str(g.identifier) for g in dataset.graphs() if len(g) and str(g.identifier).startswith("https://"))
    sources = [n for n in names if "/id/source/" in n]
    assert len(sources) == SOURCES and names == sorted(sources + ["https://w3id.org/policykg/id/graph/derived"])
    text = (builds[0] / "graph.trig").read_text(encoding="utf-8")
    assert [line.split()[0].strip("<>") for line in text.splitlines() if line.endswith("{")] == names


def _values(graph: Graph) -> set[tuple[object, ...]]:
    """Triples with decimals compared by value (Turtle writes 500000.0, JSON-LD keeps 500000)."""
    def term(x: object) -> object:
        if isinstance(x, Literal) and x.datatype == XSD.decimal:
            return ("decimal", Decimal(str(x)).normalize())
        return x
    return {(s, p, term(o)) for s, p, o in graph}


def test_jsonld_has_the_triples_of_turtle_and_the_context(builds: tuple[Path, Path]) -> None:
    out = builds[0]
    turtle = Graph().parse(out / "graph.ttl", format="turtle")
    jsonld = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert len(jsonld) == len(turtle)
    assert _values(jsonld) == _values(turtle)
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert document["@context"] == context
    assert context["pkg"] == "https://w3id.org/policykg#"
    assert context["dcterms"] == "http://purl.org/dc/terms/"
    assert context["prov"] == "http://www.w3.org/ns/prov#"
    assert any("pkg:fiscalYear" in node for node in document["@graph"])  # compacted with the context


def test_the_forked_writers_write_the_same_bytes(builds: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = Dataset()
    dataset.parse(builds[0] / "graph.trig", format="trig")
    graphs = export.dataset_graphs(dataset)
    export.write_graphs(graphs, tmp_path / "one", workers=1)
    monkeypatch.setattr(export, "PARALLEL_WRITE_FROM", 0)  # the seeds are small: fork the writers anyway
    export.write_graphs(graphs, tmp_path / "forked", workers=2)
    for name in FILES:
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    assert (tmp_path / "one" / "graph.nt").read_bytes() == (builds[0] / "graph.nt").read_bytes()


@pytest.mark.parametrize("size", [1, 3, 1 << 20])
def test_the_chunk_reader_gives_the_chunks_in_order(size: int) -> None:
    chunks = [b"<a> <b> <c> .\n", b"", b"x" * 10, "中文 .\n".encode(), b"", b"end"]
    reader = io.BufferedReader(export._ChunkReader(chunks), buffer_size=size)
    read = []
    while piece := reader.read(size):
        read.append(piece)
    assert b"".join(read) == b"".join(chunks)


def test_the_union_has_every_line_once_in_order() -> None:
    first = b'<a> <p> "1" .\n<b> <p> "\\u4e2d" .\n<c> <p> <d> .\n'
    second = b'<a> <p> "0" .\n<b> <p> "\\u4e2d" .\n<e> <p> <f> .\n'  # one triple shared with the first graph
    union = export.union_ntriples([("g1", first), ("g2", second), ("g3", b"")])
    assert union == b'<a> <p> "0" .\n<a> <p> "1" .\n<b> <p> "\\u4e2d" .\n<c> <p> <d> .\n<e> <p> <f> .\n'
