"""The one prefix map of policykg, built from the ontology's namespaces.

Every place that writes a prefix — Turtle and TriG files, the JSON-LD
context, SPARQL ``PREFIX`` lines, SHACL reports, Graph Store uploads — takes
its prefixes from ``NAMESPACES`` by name, so that ``pkg:`` means the same
everywhere. Which names a place uses (and in what order) stays its own choice:
the files written keep their prefix lines.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from policykg.ontology import ELI, FW, ID, ORG, PKG, SCHEMA, SHP, WD

NAMESPACES: dict[str, str] = {
    "pkg": str(PKG._NS), "id": str(ID), "fw": str(FW), "shp": str(SHP),
    "org": str(ORG), "prov": str(PROV), "dcterms": str(DCTERMS), "skos": str(SKOS), "eli": str(ELI),
    "schema": str(SCHEMA), "wd": str(WD), "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
}


def prefixes(*names: str) -> dict[str, str]:
    """``{prefix: namespace IRI}`` for ``names``, in that order. Raises ``KeyError`` for an unknown prefix."""
    return {name: NAMESPACES[name] for name in names}


def sparql_prefixes(*names: str) -> str:
    """``PREFIX name: <IRI>`` lines for ``names``, each ending in a newline, to put before a query."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes(*names).items())


def bind(graph: Graph, *names: str) -> None:
    """Bind ``names`` in ``graph``'s namespace manager (for Turtle written by rdflib, and for reports)."""
    for name, iri in prefixes(*names).items():
        graph.bind(name, iri)
