"""The synthetic corpus: deterministic, and read back by the loaders as what it states."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from bench.generate import generate
from policykg.loaders import load

# 40 documents: eight whole departments (declaration-text, declaration-tsv and self-evaluation-tsv,
# sub-projects, budget units) is enough to meet every layout and citation style the generator writes.
SIZE = 40


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(SIZE, folder, seed=7)
    return folder


def test_same_seed_gives_a_byte_identical_corpus(corpus: Path, tmp_path: Path) -> None:
    generate(SIZE, tmp_path / "again", seed=7)
    assert _digests(tmp_path / "again") == _digests(corpus)


def test_another_seed_gives_another_corpus(corpus: Path, tmp_path: Path) -> None:
    generate(SIZE, tmp_path / "other", seed=8)
    assert _digests(tmp_path / "other") != _digests(corpus)


def test_the_corpus_has_every_layout_and_the_linking_work(corpus: Path) -> None:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest) == SIZE == len(list((corpus / "documents").iterdir()))
    assert {m["layout"] for m in manifest} == {"declaration-text", "declaration-tsv", "self-evaluation-tsv"}
    citations = [c for m in manifest for p in m["projects"] for c in p["citations"]]
    by_policy: dict[str, set[tuple[str | None, str | None]]] = {}
    for c in citations:
        by_policy.setdefault(c["policy"], set()).add((c["title"], c["doc_number"]))
    # one policy named in several ways (title, 文号 alone, both, a short form) across documents
    assert any(len(forms) >= 3 for forms in by_policy.values())
    assert any(p["parent"] for m in manifest for p in m["projects"])  # 二级项目
    files_per_policy = {c["policy"]: {m["file"] for m in manifest for p in m["projects"] for x in p["citations"]
                                      if x["policy"] == c["policy"]} for c in citations}
    assert max(len(files) for files in files_per_policy.values()) >= 5


def _expected_rows(project: dict) -> dict:
    return {
        "parent": project["parent"],
        "annual": Decimal(project["annual_yuan"]) if project["annual_yuan"] else None,
        "executed": Decimal(project["executed_yuan"]) if project["executed_yuan"] else None,
        "budget_unit": project["budget_unit"],
        "indicators": [tuple(i) for i in project["indicators"]],
        "citations": sorted((c["title"] or "", c["doc_number"] or "", c["legal_basis"]) for c in project["citations"]),
    }


def _read_rows(project) -> dict:  # type: ignore[no-untyped-def]
    return {
        "parent": project.parent,
        "annual": project.funds.annual.yuan if project.funds.annual else None,
        "executed": project.funds.executed.yuan if project.funds.executed else None,
        "budget_unit": project.budget_unit,
        "indicators": [(i.name, i.target.text if i.target else None) for i in project.indicators],
        "citations": sorted((c.title or "", c.doc_number or "", c.legal_basis) for c in project.citations),
    }


# The reader of each way the generator writes: a declaration written like 000/002/004 or a self-evaluation written like seed 003 is read by the
# general form reader, as the seed itself is.
READ_BY = {"declaration-text": "form", "declaration-tsv": "form", "self-evaluation-tsv": "form"}


def test_every_document_reads_back_as_generated(corpus: Path) -> None:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        doc = load(corpus / "documents" / entry["file"])
        assert (doc.layout, doc.kind, doc.department, doc.fiscal_year) == (
            READ_BY[entry["layout"]], entry["kind"], entry["department"], entry["fiscal_year"]), entry["file"]
        assert [p.name for p in doc.projects] == [p["name"] for p in entry["projects"]], entry["file"]
        for project, expected in zip(doc.projects, entry["projects"], strict=True):
            assert _read_rows(project) == _expected_rows(expected), (entry["file"], project.name)
        # Nothing is missing or contradictory; what is reported is narrative prose no record field holds
        # (实施主体 duties, 实施方案, the summary's sentences), as honest coverage says of any document.
        problems = [f for f in doc.findings if f.kind != "unexplained" or "no record holds" not in f.message]
        assert problems == [], (entry["file"], problems[:3])
