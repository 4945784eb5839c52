"""The build at scale: cache use and invalidation, parallel = sequential, fast path = rdflib path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from bench.generate import generate
from policykg.graph.linking.link import link_policies
from policykg.graph.rdf.build import union_graph
from policykg.graph.run import cache, pipeline
from policykg.graph.run.pipeline import build_dataset
from policykg.loaders import load
from tests.conftest import SEEDS

OUTPUTS = ("graph.ttl", "graph.trig", "graph.nt")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the build hands to a loader (in-process builds: workers=1)."""
    seen: list[str] = []

    def counting_load(path: str):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return load(path)

    monkeypatch.setattr(pipeline, "load", counting_load)
    return seen


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def test_a_second_build_parses_nothing(seeds: Path, tmp_path: Path, parses: list[str]) -> None:
    _, first = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert len(parses) == 5 and (first.parsed, first.cached, first.graphs_built) == (5, 0, 5)
    written = _files(tmp_path / "out")
    parses.clear()
    _, second = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert parses == [] and (second.parsed, second.cached, second.graphs_built) == (0, 5, 0)
    assert _files(tmp_path / "out") == written
    assert [d.file_name for d in second.documents] == [d.file_name for d in first.documents]
    assert second.triples == first.triples == sum(len(g) for g in build_dataset(first.documents).graphs())


def test_the_same_documents_are_not_linked_again_and_a_changed_one_is(
        seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linked: list[int] = []

    def counting_link(documents):  # type: ignore[no-untyped-def]
        linked.append(len(documents))
        return link_policies(documents)

    monkeypatch.setattr(pipeline, "link_policies", counting_link)
    pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    written = _files(tmp_path / "out")
    assert linked == [5]
    _, again = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert linked == [5] and again.graphs_built == 0 and _files(tmp_path / "out") == written
    # a damaged entry is a miss: linked again, the same files
    entry = next((tmp_path / "out" / ".cache" / "links").iterdir())
    entry.write_bytes(b"not a pickle")
    pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert linked == [5, 5] and _files(tmp_path / "out") == written
    # one changed document: linked again, and only the entry of this set of documents is kept
    changed = seeds / "002_5ed4d149ac1e0066.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("250,000.00", "260,000.00"), encoding="utf-8")
    pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert linked == [5, 5, 5]
    assert len(list((tmp_path / "out" / ".cache" / "links").iterdir())) == 1
    pipeline.build([seeds], tmp_path / "fresh", dataset=False, workers=1, cache=False)
    assert _files(tmp_path / "out") == _files(tmp_path / "fresh")


def test_a_changed_document_is_the_only_one_parsed_and_its_graph_the_only_one_rebuilt(
        seeds: Path, tmp_path: Path, parses: list[str]) -> None:
    pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    changed = seeds / "002_5ed4d149ac1e0066.txt"
    text = changed.read_text(encoding="utf-8")
    assert "项目资金总额 250,000.00 年度资金申请总额 250,000.00" in text  # 宣传阵地建设, line 75
    changed.write_text(text.replace("项目资金总额 250,000.00 年度资金申请总额 250,000.00",
                                    "项目资金总额 260,000.00 年度资金申请总额 260,000.00"), encoding="utf-8")
    parses.clear()
    _, report = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert parses == ["002_5ed4d149ac1e0066.txt"]
    assert (report.parsed, report.cached, report.graphs_built) == (1, 4, 1)
    nt = (tmp_path / "out" / "graph.nt").read_text(encoding="utf-8")
    assert '"260000"^^<http://www.w3.org/2001/XMLSchema#decimal>' in nt
    # the same files as a build without any cache
    pipeline.build([seeds], tmp_path / "fresh", dataset=False, workers=1, cache=False)
    assert _files(tmp_path / "out") == _files(tmp_path / "fresh")
    assert not (tmp_path / "fresh" / ".cache").exists()
    # the old record and graph are pruned: one entry per document remains
    assert len(list((tmp_path / "out" / ".cache" / "documents").iterdir())) == 5
    assert len(list((tmp_path / "out" / ".cache" / "graphs").iterdir())) == 5


def test_new_loader_code_invalidates_every_cached_record(seeds: Path, tmp_path: Path, parses: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    monkeypatch.setattr(cache, "loader_fingerprint", lambda: "another-loader")
    monkeypatch.setattr(cache, "graph_fingerprint", lambda: "another-graph")
    parses.clear()
    _, report = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert sorted(parses) == sorted(p.name for p in seeds.glob("*.txt"))
    assert report.graphs_built == 5


def test_a_damaged_cache_entry_is_read_again(seeds: Path, tmp_path: Path, parses: list[str]) -> None:
    pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    entry = next((tmp_path / "out" / ".cache" / "documents").iterdir())
    entry.write_bytes(b"not a pickle")
    parses.clear()
    _, report = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert len(parses) == 1 and report.parsed == 1


def test_a_moved_file_is_read_again_so_its_findings_name_the_new_path(seeds: Path, tmp_path: Path,
                                                                      parses: list[str]) -> None:
    pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    moved = tmp_path / "moved"
    seeds.rename(moved)
    parses.clear()
    _, report = pipeline.build([moved], tmp_path / "out", dataset=False, workers=1)
    assert len(parses) == 5
    assert all(d.path.startswith(str(moved)) for d in report.documents)


def test_the_files_hold_the_graph_build_dataset_makes(seeds: Path, tmp_path: Path) -> None:
    dataset, report = pipeline.build([seeds], tmp_path / "out")
    expected = union_graph(build_dataset([load(p) for p in sorted(seeds.glob("*.txt"))]))
    for name in ("graph.ttl", "graph.nt"):
        written = Graph().parse(tmp_path / "out" / name)
        same = to_isomorphic(written) == to_isomorphic(expected)
        if not same:
            _, only_written, only_expected = graph_diff(to_isomorphic(written), to_isomorphic(expected))
            pytest.fail(f"{name}: {len(only_written)} extra, {len(only_expected)} missing triples, e.g. "
                        f"{sorted(only_expected)[:3]}")
    assert to_isomorphic(union_graph(dataset)) == to_isomorphic(expected)
    lines = (tmp_path / "out" / "graph.nt").read_bytes().splitlines()
    assert lines == sorted(set(lines))  # sorted N-Triples, no duplicates
    assert report.triples == sum(len(g) for g in dataset.graphs())


def test_parallel_build_writes_the_same_files_as_a_sequential_one(tmp_path: Path) -> None:
    generate(24, tmp_path / "corpus", seed=3)
    docs = tmp_path / "corpus" / "documents"
    (docs / "zz_empty.txt").write_text("", encoding="utf-8")
    _, parallel = pipeline.build([docs], tmp_path / "parallel", dataset=False, workers=2)
    _, sequential = pipeline.build([docs], tmp_path / "sequential", dataset=False, workers=1)
    assert _files(tmp_path / "parallel") == _files(tmp_path / "sequential")
    assert parallel.parsed == sequential.parsed == 24
    assert [e.message for e in parallel.errors] == [f"{docs / 'zz_empty.txt'}: the file is empty; nothing to read"]
    assert [d.file_name for d in parallel.documents] == [d.file_name for d in sequential.documents]


def test_an_unchanged_build_leaves_the_files_alone_unless_one_was_touched(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build([seeds], out, dataset=False, workers=1)
    stamps = {name: (out / name).stat().st_mtime_ns for name in OUTPUTS}
    written = _files(out)
    _, report = pipeline.build([seeds], out, dataset=False, workers=1)
    assert {name: (out / name).stat().st_mtime_ns for name in OUTPUTS} == stamps
    assert set(report.outputs) == {"turtle", "trig", "nt", "jsonld", "context"} and not report.outputs_written
    (out / "graph.ttl").write_text("edited by hand", encoding="utf-8")
    pipeline.build([seeds], out, dataset=False, workers=1)
    assert _files(out) == written
    (out / "graph.nt").unlink()
    pipeline.build([seeds], out, dataset=False, workers=1)
    assert _files(out) == written


def test_an_unchanged_build_reads_no_graph_and_a_missing_graph_entry_is_encoded_again(
        seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _, first = pipeline.build([seeds], out, dataset=False, workers=1)
    written = _files(out)
    read: list[str] = []
    real = cache.BuildCache.get_graph

    def counting(self, key):  # type: ignore[no-untyped-def]
        read.append(key)
        return real(self, key)

    monkeypatch.setattr(cache.BuildCache, "get_graph", counting)
    _, second = pipeline.build([seeds], out, dataset=False, workers=1)
    assert read == [] and second.triples == first.triples and second.validation == first.validation
    assert not second.outputs_written and second.outputs == first.outputs
    assert len(list((out / ".cache" / "graphs").iterdir())) == 5  # kept, although not read
    next((out / ".cache" / "graphs").iterdir()).unlink()
    _, third = pipeline.build([seeds], out, dataset=False, workers=1)
    assert len(read) == 5 and third.graphs_built == 1 and third.triples == first.triples
    assert _files(out) == written and len(list((out / ".cache" / "graphs").iterdir())) == 5


def test_the_validation_of_unchanged_graphs_is_reused_and_a_change_is_validated_again(
        seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[int] = []
    real = pipeline.validate_graphs

    def counting(graphs):  # type: ignore[no-untyped-def]
        checked.append(len(graphs))
        return real(graphs)

    monkeypatch.setattr(pipeline, "validate_graphs", counting)
    _, first = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert checked == [6] and first.validation is not None and first.validation.conforms  # 5 documents + derived
    parts = tmp_path / "out" / ".cache" / "validation-parts"
    first_parts = sorted(p.name for p in parts.iterdir())
    assert first_parts
    _, second = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert checked == [6] and second.validation == first.validation
    assert sorted(p.name for p in parts.iterdir()) == first_parts  # kept for the next change, though not read
    changed = seeds / "002_5ed4d149ac1e0066.txt"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("项目资金总额 250,000.00 年度资金申请总额 250,000.00",
                                    "项目资金总额 260,000.00 年度资金申请总额 260,000.00"), encoding="utf-8")
    _, third = pipeline.build([seeds], tmp_path / "out", dataset=False, workers=1)
    assert checked == [6, 6] and third.validation is not None
    assert len(list((tmp_path / "out" / ".cache" / "validation").iterdir())) == 1  # the old report is pruned


def test_validation_beside_the_writing_reports_what_validation_in_process_does(seeds: Path, tmp_path: Path) -> None:
    _, forked = pipeline.build([seeds], tmp_path / "two", dataset=False, workers=2, cache=False)
    _, alone = pipeline.build([seeds], tmp_path / "one", dataset=False, workers=1, cache=False)
    assert forked.validation is not None and forked.validation == alone.validation
    assert _files(tmp_path / "two") == _files(tmp_path / "one")


def test_formats_written_at_once_are_the_bytes_written_one_after_another(
        seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.graph.run import export

    dataset, _ = pipeline.build([seeds], None, workers=1)
    graphs = export.dataset_graphs(dataset)
    monkeypatch.setattr(export, "PARALLEL_WRITE_FROM", 0)  # the seeds are far below the size that forks
    forked = export.write_graphs(graphs, tmp_path / "forked", workers=2)
    alone = export.write_graphs(graphs, tmp_path / "alone", workers=1)
    assert set(forked) == set(alone) == {"turtle", "trig", "nt", "jsonld", "context"}
    for name in forked:
        assert forked[name].read_bytes() == alone[name].read_bytes(), name
    assert (tmp_path / "forked" / "graph.trig").stat().st_size > 100_000
