"""ontology/indicator_framework.ttl against the two dicts the code uses:
ontology.INDICATOR_CONCEPTS (labels -> concept IRIs) and loaders.levels (LEVEL1, LEVEL2_PARENT)."""

from __future__ import annotations

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from policykg.loaders.levels import LEVEL1, LEVEL2, LEVEL2_PARENT
from policykg.ontology import INDICATOR_CONCEPTS, PKG, concept, ontology_path

SCHEME = PKG.IndicatorFramework


@pytest.fixture(scope="module")
def framework() -> Graph:
    return Graph().parse(ontology_path("indicator_framework.ttl"), format="turtle")


def pref_labels(graph: Graph, node: URIRef, lang: str) -> list[str]:
    return [str(x) for x in graph.objects(node, SKOS.prefLabel) if isinstance(x, Literal) and x.language == lang]


def test_the_concepts_are_exactly_those_of_indicator_concepts(framework: Graph) -> None:
    concepts = set(framework.subjects(RDF.type, SKOS.Concept))
    assert concepts == {concept(label) for label in INDICATOR_CONCEPTS}
    assert all(str(c).startswith("https://w3id.org/policykg/framework/") for c in concepts)
    assert set(INDICATOR_CONCEPTS) == set(LEVEL1) | set(LEVEL2)


@pytest.mark.parametrize("label", sorted(INDICATOR_CONCEPTS))
def test_concept_labels_and_scheme(framework: Graph, label: str) -> None:
    node = concept(label)
    assert node is not None
    assert pref_labels(framework, node, "zh") == [label]
    assert len(pref_labels(framework, node, "en")) == 1
    assert (node, SKOS.inScheme, SCHEME) in framework


def test_top_concepts_are_the_level1_labels(framework: Graph) -> None:
    top = {concept(label) for label in LEVEL1}
    assert set(framework.subjects(SKOS.topConceptOf, SCHEME)) == top
    assert set(framework.objects(SCHEME, SKOS.hasTopConcept)) == top
    assert all(framework.value(node, SKOS.broader) is None for node in top)


def test_broader_agrees_with_level2_parent(framework: Graph) -> None:
    broader = {(str(s), str(o)) for s, o in framework.subject_objects(SKOS.broader)}
    expected = {(str(concept(child)), str(concept(parent))) for child, parent in LEVEL2_PARENT.items()}
    assert broader == expected


def test_narrower_is_the_inverse_of_broader(framework: Graph) -> None:
    narrower = {(str(o), str(s)) for s, o in framework.subject_objects(SKOS.narrower)}
    broader = {(str(s), str(o)) for s, o in framework.subject_objects(SKOS.broader)}
    assert narrower == broader


def test_scheme_has_zh_and_en_labels(framework: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in framework
    assert pref_labels(framework, SCHEME, "zh") and pref_labels(framework, SCHEME, "en")
