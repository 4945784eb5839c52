"""A build whose per-document stages run on a Dask cluster writes the same files as the local build."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.graph.cli import app
from policykg.graph.run import pipeline
from tests.conftest import SEED_FILES, SEEDS

distributed = pytest.importorskip("distributed")

runner = CliRunner()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != ".policykg.lock"}


@pytest.fixture(scope="module")
def cluster():  # two worker processes on this machine, one thread each
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local


def test_build_on_a_local_cluster_writes_the_local_build_byte_for_byte(cluster, tmp_path: Path) -> None:
    on_dask, local = tmp_path / "dask", tmp_path / "local"
    result = runner.invoke(app, ["build", str(SEEDS), "--out", str(on_dask), "--no-cache", "--no-validate",
                                 "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["build", str(SEEDS), "--out", str(local), "--no-cache", "--no-validate"])
    assert result.exit_code == 0, result.output
    written = _files(on_dask)
    assert sorted(written) == ["context.jsonld", "graph.jsonld", "graph.nt", "graph.trig", "graph.ttl"]
    assert written == _files(local)


def test_the_per_document_work_runs_on_the_workers(cluster) -> None:
    with distributed.Client(cluster, set_as_default=False) as client, distributed.get_task_stream(client) as tasks:
        _, report = pipeline.build([SEEDS], None, dataset=False, validate_graph=False, scheduler=client)
    ran = sorted(task["key"].split("-")[0] for task in tasks.data)
    # five seeds: one chunk of files to read (8 a chunk), one chunk of records to encode (32 a chunk)
    assert ran == ["_graph_records", "_read_chunk"]
    assert report.parsed == len(SEED_FILES) == 5
    assert report.graphs_built == 5
    assert not report.errors


def test_a_worker_that_reads_other_bytes_than_the_build_is_an_error(cluster, tmp_path: Path) -> None:
    docs, out = tmp_path / "docs", tmp_path / "out"
    docs.mkdir()
    changing, cached = docs / "a.txt", docs / "b.txt"
    changing.write_bytes((SEEDS / SEED_FILES[1]).read_bytes())
    cached.write_bytes((SEEDS / SEED_FILES[3]).read_bytes())
    pipeline.build([cached], out, dataset=False, validate_graph=False)  # b.txt is in the cache from now on

    def rewrite(file: Path) -> None:  # called for b.txt, taken from the cache after a.txt was hashed
        if file == cached:
            changing.write_bytes((SEEDS / SEED_FILES[0]).read_bytes())

    _, report = pipeline.build([docs], out, rewrite, dataset=False, validate_graph=False,
                               scheduler=cluster.scheduler_address)
    assert [doc.path for doc in report.documents] == [str(cached)]
    assert [e.message for e in report.errors] == [
        f"{changing}: a Dask worker read other bytes at this path than the build (workers must see the same "
        "files: a shared filesystem, absolute paths)"]
