"""The derived named graph: lineage links, the place gazetteer, relations stated in reference tables.

Everything here is computed across documents (or read from ``graph/data``
tables), so it lives in its own named graph ``DERIVED_GRAPH`` rather than in a
source document's graph.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from policykg.graph.linking.lineage import Lineage, ProjectRef
from policykg.graph.linking.link import key_hash
from policykg.graph.linking.orgs import stated_relations
from policykg.graph.linking.places import gazetteer
from policykg.graph.rdf.findings import add_across_years
from policykg.graph.rdf.iris import org_iri, place_iri, project_iri
from policykg.loaders.records import Document
from policykg.ontology import ID, ORG, PKG, SCHEMA, WD

PLACES_TABLE = ID["reference/places"]
ORG_RELATIONS_TABLE = ID["reference/org-relations"]
LINEAGE_METHOD = ID["method/lineage"]
# The lineage method's rdfs:label as graphs publish it: the function's name when it was first published, kept
# so that graphs built by different versions compare equal (the code is graph/linking/lineage.py, compute_lineage).
LINEAGE_METHOD_NAME = "graph.lineage.compute_lineage"


def add_places(graph: Graph) -> None:
    """Every place of ``graph/data/places.tsv``: pkg:Place, labels, containment, owl:sameAs Wikidata."""
    graph.add((PLACES_TABLE, RDF.type, PROV.Entity))
    graph.add((PLACES_TABLE, RDFS.label, Literal("graph/data/places.tsv")))
    for place in gazetteer().values():
        node = place_iri(place.key)
        graph.add((node, RDF.type, PKG.Place))
        graph.add((node, RDFS.label, Literal(place.name, lang="zh")))
        graph.add((node, RDFS.label, Literal(place.name_en, lang="en")))
        for alias in place.aliases:
            if alias != place.name:
                graph.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
        for parent in place.within:
            graph.add((node, SCHEMA.containedInPlace, place_iri(parent)))
        if place.wikidata:
            graph.add((node, OWL.sameAs, WD[place.wikidata]))
        graph.add((node, PROV.wasDerivedFrom, PLACES_TABLE))
        graph.add((node, DCTERMS.source, Literal(place.source)))


def add_stated_org_relations(graph: Graph) -> None:
    """Relations of ``graph/data/org_relations.tsv`` (e.g. 合署办公 as org:linkedTo)."""
    graph.add((ORG_RELATIONS_TABLE, RDF.type, PROV.Entity))
    graph.add((ORG_RELATIONS_TABLE, RDFS.label, Literal("graph/data/org_relations.tsv")))
    for relation in stated_relations():
        subject, obj = org_iri(relation.subject), org_iri(relation.object)
        for node, name in ((subject, relation.subject), (obj, relation.object)):
            graph.add((node, RDF.type, ORG.Organization))
            graph.add((node, RDFS.label, Literal(name, lang="zh")))
        graph.add((subject, ORG[relation.predicate], obj))
        statement = ID[f"statement/{key_hash(relation.subject, relation.predicate, relation.object)}"]
        graph.add((statement, RDF.type, RDF.Statement))
        graph.add((statement, RDF.subject, subject))
        graph.add((statement, RDF.predicate, ORG[relation.predicate]))
        graph.add((statement, RDF.object, obj))
        graph.add((statement, PROV.wasDerivedFrom, ORG_RELATIONS_TABLE))
        graph.add((statement, DCTERMS.source, Literal(relation.source)))


def add_lineage(graph: Graph, lineage: Lineage, documents: list[Document]) -> None:
    """``pkg:continues`` links, one ``pkg:LineageLink`` each (score, evidence), and ``pkg:noPredecessor``."""
    by_sha = {doc.sha256: doc for doc in documents}

    def iri(ref: ProjectRef) -> URIRef:
        doc = by_sha[ref.sha256]
        return project_iri(doc, doc.projects[ref.index])

    graph.add((LINEAGE_METHOD, RDF.type, PROV.Activity))
    graph.add((LINEAGE_METHOD, RDFS.label, Literal(LINEAGE_METHOD_NAME, lang="en")))
    for link in lineage.links:
        later, earlier = iri(link.successor), iri(link.predecessor)
        graph.add((later, PKG.continues, earlier))
        node = ID[f"lineage/{key_hash(str(later), str(earlier))}"]
        graph.add((node, RDF.type, PKG.LineageLink))
        graph.add((node, PKG.successor, later))
        graph.add((node, PKG.predecessor, earlier))
        graph.add((node, PKG.linkScore, Literal(Decimal(f"{link.score:.3f}"), datatype=XSD.decimal)))
        for reason in link.evidence:
            graph.add((node, PKG.evidence, Literal(reason)))
        graph.add((node, PROV.wasGeneratedBy, LINEAGE_METHOD))
    for ref in lineage.unmatched:
        graph.add((iri(ref), PKG.noPredecessor, Literal(True)))
    add_across_years(graph, lineage, documents)  # audit findings across years (graph.audit.years)
