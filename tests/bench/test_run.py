"""The benchmark runs end to end on the seeds (N = 5) and reports what it measured."""

from __future__ import annotations

from pathlib import Path

from bench.run import NOTES_MARKER, main
from tests.conftest import SEEDS


def _seed_bytes() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(SEEDS.iterdir())}


def test_benchmark_on_the_seeds(tmp_path: Path) -> None:
    before = _seed_bytes()
    results_file = tmp_path / "results.md"
    results_file.write_text(f"old numbers\n{NOTES_MARKER}\nhand-written notes\n", encoding="utf-8")
    [result] = main(["--sizes", "5", "--repeats", "1", "--out", str(tmp_path / "out"),
                     "--results", str(results_file), "--view-max", "0"])
    assert result.documents == 5
    assert result.cold and (result.cold.parsed, result.cold.cached) == (5, 0)
    assert result.warm and (result.warm.parsed, result.warm.cached, result.warm.graphs_rebuilt) == (0, 5, 0)
    assert result.incremental and (result.incremental.parsed, result.incremental.cached) == (1, 4)
    assert result.cold.triples == result.warm.triples > 10_000
    assert result.cold.peak_rss_mb > 0 and result.cold.wall_s > 0
    assert result.oxigraph and result.rdflib
    for engine in (result.oxigraph, result.rdflib):
        assert engine.medians_ms and engine.rows["policy-projects-money"] > 0, engine
        # as asked: one policy by its 文号, one programme with its earlier years
        assert "〔" in engine.asked["policy-projects-money"]["policy"], engine.asked
        assert engine.asked_rows["policy-projects-money"] > 0 and engine.asked_rows["project-lineage"] > 0, engine
        assert engine.asked_rows["indicator-targets-by-year"] > 0, engine
    assert result.oxigraph.asked_rows == result.rdflib.asked_rows
    text = results_file.read_text(encoding="utf-8")
    assert "| 5 | 5 | cold |" in text and "policy-projects-money" in text and "- cores: " in text
    assert "**As asked**" in text and "**Whole corpus**" in text
    assert text.endswith(f"{NOTES_MARKER}\nhand-written notes\n") and "old numbers" not in text
    assert _seed_bytes() == before  # the benchmark changes a copy, never the seeds
