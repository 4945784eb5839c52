"""Deterministic ASCII IRIs of the data (see ARCHITECTURE.md, conventions).

A source by its SHA-256, a project by its source, year, parent and name, a
policy document by its 文号 or canonical title key, an organization by its
canonical name, a place by its gazetteer key (or a hash of its name).
"""

from __future__ import annotations

from rdflib import URIRef

from policykg.graph.linking.link import key_hash, org_key
from policykg.loaders.records import Document, Project
from policykg.ontology import ID

DERIVED_GRAPH = ID["graph/derived"]


def source_iri(doc: Document) -> URIRef:
    return ID[f"source/{doc.sha256[:16]}"]


def project_iri(doc: Document, project: Project) -> URIRef:
    key = key_hash(doc.sha256, str(project.fiscal_year), project.parent or "", project.name,
                   project.budget_unit or "", project.implementing_unit or "")
    return ID[f"project/{project.fiscal_year or 'unknown'}-{key}"]


def org_iri(name: str) -> URIRef:
    return ID[f"org/{key_hash(org_key(name))}"]


def policy_iri(key: str) -> URIRef:
    return ID[f"policy/{key_hash(key)}"]


def place_iri(key: str) -> URIRef:
    """A gazetteer place by its slug (``hefei``); a place not in the gazetteer by ``name:<its name>``."""
    if key.startswith("name:"):
        return ID[f"place/{key_hash(key)}"]
    return ID[f"place/{key}"]
