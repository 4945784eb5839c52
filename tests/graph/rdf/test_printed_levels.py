"""pkg:level1 / pkg:level2: the category as the form prints it, mapped to the framework by skos:exactMatch.

Expected labels come from the forms' gold files (written by reading the forms) and the framework's
categories from reading the labels: 产出指标(50分) is the output category with its weight, 产出值 the
output category of a template that writes 值 for 指标, 数量值 its quantity category.
"""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest
from rdflib import RDF, SKOS, Dataset, Graph, URIRef

from policykg import loaders
from policykg.graph.run.pipeline import build_dataset
from policykg.graph.validation import validate
from policykg.ontology import PKG, concept

FORMS = Path(__file__).resolve().parents[2] / "forms"
WEIGHTED = "02_anhui-huoqiu-kjj-selfeval-2022"  # 产出指标(50分), 效益指标(30分) …
VALUES = "23_shandong-linyi-fuxiao-decl-2025"  # 产出值 / 数量值


def _build(*paths: Path) -> Dataset:
    return build_dataset([loaders.load(p) for p in paths])


def _levels(graph: Graph) -> set[tuple[str, str, URIRef | None]]:
    """(property, printed label, framework category) of every indicator's levels."""
    found = set()
    for ind in graph.subjects(RDF.type, PKG.Indicator):
        for prop, name in ((PKG.level1, "level1"), (PKG.level2, "level2")):
            for c in graph.objects(ind, prop):
                labels = list(graph.objects(c, SKOS.prefLabel))
                assert len(labels) == 1, f"{c} has {labels}"
                found.add((name, str(labels[0]), graph.value(c, SKOS.exactMatch)))  # type: ignore[arg-type]
    return found


def _gold_levels(stem: str) -> set[tuple[str, str]]:
    gold = json.loads((FORMS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    return {(name, ind[name]) for p in gold["projects"] for ind in p.get("indicators", [])
            for name in ("level1", "level2") if ind.get(name)}


@pytest.mark.parametrize("stem", [WEIGHTED, VALUES])
def test_levels_are_the_labels_as_printed(stem: str) -> None:
    graph = _build(FORMS / "docs" / f"{stem}.txt")
    assert {(name, label) for name, label, _c in _levels(graph)} == _gold_levels(stem)


def test_printed_levels_map_to_the_framework() -> None:
    graph = _build(FORMS / "docs" / f"{WEIGHTED}.txt", FORMS / "docs" / f"{VALUES}.txt")
    found = {(name, label): category for name, label, category in _levels(graph)}
    assert found[("level1", "产出指标(50分)")] == concept("产出指标")
    assert found[("level1", "效益指标(30分)")] == concept("效益指标")
    assert found[("level1", "产出值")] == concept("产出指标")
    assert found[("level2", "数量值")] == concept("数量指标")
    assert found[("level2", "数量指标")] == concept("数量指标")
    assert validate(graph).conforms


def test_one_concept_per_level_and_label_across_documents() -> None:
    graph = _build(FORMS / "docs" / f"{WEIGHTED}.txt", FORMS / "docs" / "07_anhui-huaibei-wlt-nongcunwenhua-decl-2025.txt")
    quantity = {c for ind in graph.subjects(RDF.type, PKG.Indicator) for c in graph.objects(ind, PKG.level2)
                if str(graph.value(c, SKOS.prefLabel)) == "数量指标"}
    assert len(quantity) == 1
    assert all((c, SKOS.inScheme, PKG.PrintedLevels) in graph for c in quantity)


def test_traditional_labels_keep_the_script_and_add_a_simplified_label(tmp_path: Path) -> None:
    text = (FORMS / "docs" / f"{WEIGHTED}.txt").read_text(encoding="utf-8")
    path = tmp_path / "traditional.txt"
    path.write_text(opencc.OpenCC("s2t").convert(text), encoding="utf-8")
    graph = _build(path)
    output = {c for ind in graph.subjects(RDF.type, PKG.Indicator) for c in graph.objects(ind, PKG.level1)
              if str(graph.value(c, SKOS.prefLabel)) == "產出指標(50分)"}
    assert len(output) == 1
    (c,) = output
    assert [str(x) for x in graph.objects(c, SKOS.altLabel)] == ["产出指标(50分)"]
    assert graph.value(c, SKOS.exactMatch) == concept("产出指标")
