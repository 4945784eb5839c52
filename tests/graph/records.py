"""Hand-made records for graph tests: small documents written the way the loaders return them."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import Graph

from policykg.loaders.citations import find_citations, join_lines
from policykg.loaders.records import Amount, Citation, Document, Funds, Indicator, Mention, Project, Target


def citations(text: str, line: int = 1, *, legal_basis: bool = False) -> tuple[Citation, ...]:
    """The citations the loaders find in one line of text."""
    return tuple(find_citations(join_lines([(line, text)]), legal_basis=legal_basis))


def project(name: str, year: int, *, department: str = "上海市松江区科创发展办公室", line: int = 1,
            overview: str | None = None, yuan: int | None = None, cites: tuple[Citation, ...] = (),
            indicators: tuple[Indicator, ...] = (), mentions: tuple[Mention, ...] = (),
            parent: str | None = None, division: str | None = None) -> Project:
    funds = Funds(annual=Amount(Decimal(yuan), f"{yuan}", line)) if yuan is not None else Funds()
    return Project(name, line, year, department=department, implementing_unit=department, parent=parent,
                   division=division, overview=overview, funds=funds, citations=cites, indicators=indicators,
                   mentions=mentions)


def indicator(name: str, target: str, value: str | None = None, unit: str | None = None) -> Indicator:
    return Indicator(name, 1, "产出指标", "数量指标",
                     Target(target, "≥" if value else None, Decimal(value) if value else None, unit))


def document(file_name: str, year: int, *projects: Project, department: str = "上海市松江区科创发展办公室") -> Document:
    sha = hashlib.sha256(file_name.encode()).hexdigest()
    return Document(file_name, file_name, sha, "declaration-text", "declaration", None, department, year, 100,
                    projects=tuple(projects))


PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX id: <https://w3id.org/policykg/id/>
"""


def rows(graph: Graph, query: str) -> list[tuple]:
    """The answer of a SELECT query (with the prefixes above) as a list of tuples."""
    return [tuple(r) for r in graph.query(PREFIXES + query)]
