"""Injected contradictions: recorded in the manifest, the other documents unchanged, and found by the audit."""

from __future__ import annotations

import json
from pathlib import Path

from bench.audit_precision import measure
from bench.generate import generate, plan


def test_injection_leaves_the_other_documents_as_they_were() -> None:
    plain = plan(30, seed=5)
    injected = plan(30, seed=5, inject=0.5)
    assert [t for t, _ in plain] == [t for t, _ in plan(30, seed=5, inject=0.0)]
    changed = [e.injected for _, e in injected if e.injected]
    assert changed and all(set(c) == {"rule", "change"} for c in changed)
    for (text, expected), (other, clean) in zip(injected, plain, strict=True):
        if expected.injected is None:
            assert text == other and expected.file == clean.file


def test_the_manifest_says_what_was_injected_only_when_injecting(tmp_path: Path) -> None:
    generate(12, tmp_path / "plain", seed=5)
    assert all("injected" not in m for m in json.loads((tmp_path / "plain" / "manifest.json").read_text("utf-8")))
    generate(12, tmp_path / "inj", seed=5, inject=1.0)
    rules = [m["injected"]["rule"] for m in json.loads((tmp_path / "inj" / "manifest.json").read_text("utf-8"))
             if "injected" in m]
    assert len(rules) >= 10 and len(set(rules)) >= 8  # the least injected applicable rule first


def test_the_audit_finds_what_was_injected(tmp_path: Path) -> None:
    figures = measure(40, 0.6, 1, tmp_path / "corpus")
    assert figures["found"] == figures["injected"]
    assert figures["false_alarm_documents"] == 0


def test_a_consistent_corpus_gives_no_finding(tmp_path: Path) -> None:
    """Programmes that keep their targets and shares from year to year contradict nothing, across years too."""
    figures = measure(60, 0.0, 1, tmp_path / "corpus")
    assert figures["clean"] == 60 and figures["findings"] == {}


def test_steady_programmes_keep_their_targets() -> None:
    def targets(steady: bool) -> dict[tuple[str, str, str], set[str]]:
        seen: dict[tuple[str, str, str], set[str]] = {}
        for _text, doc in plan(120, seed=2, steady=steady):
            for project in doc.projects:
                for name, target in project.indicators:
                    seen.setdefault((doc.department, project.name, name), set()).add(target)
        return seen

    steady, fresh = targets(True), targets(False)
    assert all(len(v) == 1 for v in steady.values())
    assert any(len(v) > 1 for v in fresh.values())  # without it, each year draws afresh
