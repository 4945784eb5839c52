"""Same input, byte-identical files: whatever the document order or the interpreter's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from policykg.graph.run.export import write_graph
from policykg.graph.run.pipeline import build_dataset
from policykg.loaders import Document
from tests.conftest import ROOT, SEEDS

BUILD = """
import sys
from policykg.graph.run.pipeline import build_dataset
from policykg.graph.run.export import write_graph
from policykg.loaders import load
write_graph(build_dataset([load(p) for p in sys.argv[2:]]), sys.argv[1])
"""


def test_files_do_not_depend_on_document_order(documents: dict[str, Document], tmp_path: Path) -> None:
    docs = list(documents.values())
    first = write_graph(build_dataset(docs), tmp_path / "a")
    second = write_graph(build_dataset(list(reversed(docs))), tmp_path / "b")
    for fmt in ("trig", "nt", "turtle"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes(), fmt


def test_trig_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    # regression: rdflib writes named graphs in store order, which changed from run to run
    seeds = [str(SEEDS / "003_9ccbaafc82c3a09f.txt"), str(SEEDS / "001_02eda4b669ee2409.txt")]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", BUILD, str(tmp_path / seed), *seeds], check=True, env=env, cwd=ROOT)
    assert (tmp_path / "1" / "graph.trig").read_bytes() == (tmp_path / "2" / "graph.trig").read_bytes()
