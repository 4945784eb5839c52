"""Audit findings in RDF: written into a document's named graph, and read back from a built graph.

The findings come from ``graph.audit`` (rules over the records). ``add_audit``: each finding is a ``pkg:Finding`` with ``pkg:findingKind
"inconsistent"``, ``pkg:rule``, ``pkg:severity``, ``pkg:concerns`` (projects),
``pkg:message`` @zh/@en and one ``pkg:hasEvidence`` node per side
(``pkg:evidenceOrder``, ``pkg:sourceLine``, ``rdfs:label`` the part of the form,
``pkg:statedValue`` what it says). ``findings_from_graph`` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from policykg.graph.audit.engine import audit_across_years, audit_document
from policykg.graph.audit.model import AuditFinding, DocContext, Evidence
from policykg.graph.linking.lineage import Lineage, ProjectRef
from policykg.graph.linking.link import key_hash
from policykg.graph.rdf.iris import project_iri
from policykg.loaders.records import Document
from policykg.ontology import ID, PKG


def _node(base: str, finding: AuditFinding) -> URIRef:
    return ID[f"{base}audit/{key_hash(finding.rule, *map(str, finding.lines), *(p.name for p in finding.projects))}"]


def _project_iri(documents: dict[str, Document], ref: ProjectRef) -> URIRef | None:
    doc = documents.get(ref.sha256)
    return project_iri(doc, doc.projects[ref.index]) if doc and ref.index < len(doc.projects) else None


def _add(graph: Graph, node: URIRef, finding: AuditFinding, documents: dict[str, Document], source: URIRef,
         *, new: bool) -> None:
    if new:
        graph.add((source, PKG.hasFinding, node))
        graph.add((node, RDF.type, PKG.Finding))
        graph.add((node, PKG.findingKind, Literal("inconsistent")))
        graph.add((node, PKG.message, Literal(finding.message_en, lang="en")))
        if finding.lines:
            graph.add((node, PKG.sourceLine, Literal(min(finding.lines))))
    graph.add((node, PKG.message, Literal(finding.message_zh, lang="zh")))
    graph.add((node, PKG.rule, Literal(finding.rule)))
    graph.add((node, PKG.severity, Literal(finding.severity)))
    graph.add((node, PROV.wasDerivedFrom, source))
    for ref in finding.projects:
        iri = _project_iri(documents, ref)
        if iri is not None:
            graph.add((node, PKG.concerns, iri))
    for k, ev in enumerate(finding.evidence, 1):
        side = URIRef(f"{node}/evidence/{k}")
        graph.add((node, PKG.hasEvidence, side))
        graph.add((side, RDF.type, PKG.Evidence))
        graph.add((side, PKG.evidenceOrder, Literal(k)))
        graph.add((side, RDFS.label, Literal(ev.label, lang="zh")))
        graph.add((side, PKG.statedValue, Literal(ev.text, lang="zh")))
        graph.add((side, PROV.wasDerivedFrom, ID[f"source/{ev.source[:16]}"] if ev.source else source))
        if ev.line is not None:
            graph.add((side, PKG.sourceLine, Literal(ev.line)))


def add_audit(graph: Graph, doc: Document, lines: tuple[str, ...] | None = None) -> list[AuditFinding]:
    """Add the audit findings of one document to its named graph ``graph``; return them.

    A finding mapped from a loader finding extends that finding's node
    (``…/finding/N``); the others get ``…/audit/<hash of rule, lines, projects>``.
    """
    ctx = DocContext.of(doc, lines)
    findings = audit_document(ctx)
    source = ID[f"source/{doc.sha256[:16]}"]
    documents = {doc.sha256: doc}
    for finding in findings:
        if finding.loader_finding:
            _add(graph, ID[f"source/{doc.sha256[:16]}/finding/{finding.loader_finding}"], finding, documents, source,
                 new=False)
        else:
            _add(graph, _node(f"source/{doc.sha256[:16]}/", finding), finding, documents, source, new=True)
    return findings


def add_across_years(graph: Graph, lineage: Lineage, documents: Sequence[Document]) -> list[AuditFinding]:
    """Add the findings across years (``years.*``) to the derived graph; each belongs to the later document."""
    by_sha = {doc.sha256: doc for doc in documents}
    contexts = [DocContext(doc, ()) for doc in documents]  # the rules across years read records only
    findings = audit_across_years(contexts, lineage)
    for finding in findings:
        later = finding.projects[-1]
        _add(graph, _node("", finding), finding, by_sha, ID[f"source/{later.sha256[:16]}"], new=True)
    return findings


def _text(graph: Graph, node: Node, prop: URIRef, lang: str | None = None) -> str:
    values = sorted(str(o) for o in graph.objects(node, prop)
                    if lang is None or getattr(o, "language", None) == lang)
    return values[0] if values else ""


def _int(graph: Graph, node: Node, prop: URIRef) -> int | None:
    text = _text(graph, node, prop)
    return int(text) if text.lstrip("-").isdigit() else None


def findings_from_graph(graph: Graph, rules: Iterable[str] | None = None) -> list[AuditFinding]:
    """The audit findings stated in a built graph (``pkg:Finding`` with a ``pkg:rule``), sorted as ``audit``.

    Projects come back as ``ProjectRef`` with name, file, line and year (``index`` is -1).
    """
    wanted = set(rules) if rules is not None else None
    files = {str(s): str(o) for s, o in graph.subject_objects(PKG.fileName)}
    out = []
    for node in sorted(set(graph.subjects(PKG.rule, None)), key=str):
        rule_id = _text(graph, node, PKG.rule)
        if wanted is not None and rule_id not in wanted:
            continue
        projects = []
        for p in sorted(graph.objects(node, PKG.concerns), key=str):
            src = _text(graph, p, PROV.wasDerivedFrom)
            projects.append(ProjectRef(src.rsplit("/", 1)[-1], -1, files.get(src, ""), _int(graph, p, PKG.sourceLine) or 0,
                                       _text(graph, p, RDFS.label), _int(graph, p, PKG.fiscalYear) or 0, None, None))
        evidence = []
        for side in graph.objects(node, PKG.hasEvidence):
            evidence.append((_int(graph, side, PKG.evidenceOrder) or 0,
                             Evidence(files.get(_text(graph, side, PROV.wasDerivedFrom), ""),
                                      _int(graph, side, PKG.sourceLine), _text(graph, side, RDFS.label),
                                      _text(graph, side, PKG.statedValue))))
        out.append(AuditFinding(rule_id, _text(graph, node, PKG.severity), tuple(sorted(projects, key=lambda r: r.line)),
                                tuple(e for _, e in sorted(evidence, key=lambda e: e[0])),
                                _text(graph, node, PKG.message, "zh"), _text(graph, node, PKG.message, "en")))
    return sorted(out, key=lambda f: f.sort_key())
