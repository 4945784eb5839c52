"""ontology/policykg.ttl: it parses, declares every PKG term with Chinese and English
labels and comments, aligns to standard vocabularies, and covers what the build emits."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from policykg.ontology import ORG, PKG, ontology_path

ONTOLOGY_IRI = URIRef("https://w3id.org/policykg")
PKG_NS = str(PKG._NS)
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme)
MONEY = ("totalFunds", "annualFunds", "fiscalFunds", "appropriation", "carryOver", "otherFunds",
         "initialBudget", "adjustedBudget", "executedAmount")
CITO = "http://purl.org/spar/cito/"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path("policykg.ttl"), format="turtle")


def pkg_terms() -> list[str]:
    """The terms of the PKG namespace class in ontology/__init__.py."""
    return sorted(name for name in PKG.__annotations__ if not name.startswith("_"))


def texts(graph: Graph, node: URIRef, prop: URIRef, lang: str) -> list[str]:
    return [str(x) for x in graph.objects(node, prop) if isinstance(x, Literal) and x.language == lang and str(x).strip()]


def test_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)) == version("policykg")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://www.apache.org/licenses/LICENSE-2.0")
    assert texts(ontology, ONTOLOGY_IRI, DCTERMS.title, "zh") and texts(ontology, ONTOLOGY_IRI, DCTERMS.title, "en")


@pytest.mark.parametrize("name", pkg_terms())
def test_every_pkg_term_is_declared_with_zh_and_en_label_and_comment(ontology: Graph, name: str) -> None:
    term = PKG[name]
    kinds = set(ontology.objects(term, RDF.type)) & set(DECLARATIONS)
    assert kinds, f"pkg:{name} is not declared as a class, property or concept scheme in policykg.ttl"
    for prop in (RDFS.label, RDFS.comment):
        for lang in ("zh", "en"):
            assert len(texts(ontology, term, prop, lang)) == 1, f"pkg:{name} needs exactly one {prop.n3()}@{lang}"
    assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI


def test_every_declared_term_is_labelled(ontology: Graph) -> None:
    # terms declared in the Turtle but not (yet) in the PKG class still carry both languages
    declared = {s for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind) if str(s).startswith(PKG_NS)}
    unlabelled = sorted(str(t) for t in declared
                        if not all(texts(ontology, t, p, lang) for p in (RDFS.label, RDFS.comment) for lang in ("zh", "en")))
    assert unlabelled == []


@pytest.mark.parametrize(("sub", "relation", "sup"), [
    (PKG.partOf, RDFS.subPropertyOf, DCTERMS.isPartOf),
    (PKG.justifiedBy, RDFS.subPropertyOf, PKG.cites),
    (PKG.cites, RDFS.subPropertyOf, DCTERMS.references),
    (PKG.docNumber, RDFS.subPropertyOf, DCTERMS.identifier),
    (PKG.issuer, RDFS.subPropertyOf, DCTERMS.creator),
    (PKG.continues, RDFS.subPropertyOf, PROV.wasInfluencedBy),
    (PKG.citedDocument, RDFS.subPropertyOf, URIRef(CITO + "hasCitedEntity")),
    (PKG.SourceDocument, RDFS.subClassOf, PROV.Entity),
    (PKG.Project, RDFS.subClassOf, PROV.Entity),
    (PKG.PolicyDocument, RDFS.subClassOf, FOAF.Document),
    (PKG.Citation, RDFS.subClassOf, URIRef(CITO + "Citation")),
    (PKG.Declaration, RDFS.subClassOf, PKG.SourceDocument),
    (PKG.SelfEvaluation, RDFS.subClassOf, PKG.SourceDocument),
    (PKG.LineageLink, RDFS.subClassOf, PKG.Link),
    (PKG.department, RDFS.range, ORG.Organization),
    (PKG.implementingUnit, RDFS.range, ORG.Organization),
    (PKG.mentionsPlace, RDFS.range, PKG.Place),
    (PKG.mentionsOrganization, RDFS.range, ORG.Organization),
    (PKG.continues, RDFS.domain, PKG.Project),
    (PKG.continues, RDFS.range, PKG.Project),
    (PKG.fiscalYear, RDFS.range, XSD.gYear),
    (PKG.sourceLine, RDFS.range, XSD.integer),
    (PKG.level1, RDFS.range, SKOS.Concept),
])
def test_alignment(ontology: Graph, sub: URIRef, relation: URIRef, sup: URIRef) -> None:
    assert (sub, relation, sup) in ontology


@pytest.mark.parametrize("name", MONEY + ("declaredTotal", "unitPrice"))
def test_money_is_a_decimal_datatype_property_in_yuan(ontology: Graph, name: str) -> None:
    term = PKG[name]
    assert (term, RDF.type, OWL.DatatypeProperty) in ontology
    assert (term, RDFS.range, XSD.decimal) in ontology
    assert (term, RDFS.subPropertyOf, PKG.amount) in ontology
    assert any("元" in t for t in texts(ontology, term, RDFS.label, "zh"))


def test_the_build_uses_only_declared_terms(ontology: Graph, seed_graph: Graph) -> None:
    """Every pkg: class and property in the graph built from the seeds is declared in the ontology."""
    used = {p for p in seed_graph.predicates() if str(p).startswith(PKG_NS)}
    used |= {o for o in seed_graph.objects(None, RDF.type) if str(o).startswith(PKG_NS)}
    declared = {s for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind)}
    assert sorted(str(t) for t in used - declared) == []
    assert len(used) > 60  # the seeds exercise most of the vocabulary
