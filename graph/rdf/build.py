"""Loader records -> RDF: one named graph per source document, plus the derived graph.

IRIs are ASCII and deterministic from content (``graph.rdf.iris``). Chinese text
lives in ``@zh`` literals; money is ``xsd:decimal`` yuan with the text as
written kept in ``pkg:amountAsWritten``. Policy documents, organizations and
places are one node each across sources (``graph.linking.link``, ``graph.linking.orgs``,
``graph.linking.places``); lineage links across years and reference tables go to the
named graph ``DERIVED_GRAPH`` (``graph.rdf.derived``).
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from policykg.graph.linking.link import PolicyIndex, PolicyNode, docnumber_key, key_hash
from policykg.graph.linking.orgs import OrgIndex, canonical_org, index_organizations, unit_of
from policykg.graph.linking.places import find_place
from policykg.graph.rdf.findings import add_audit
from policykg.graph.rdf.iris import DERIVED_GRAPH, org_iri, place_iri, policy_iri, project_iri, source_iri
from policykg.graph.rdf.prefixes import bind
from policykg.loaders.citations import docnumber_prefixes
from policykg.loaders.grid import Origin
from policykg.loaders.labels import framework_category, simplified
from policykg.loaders.records import Amount, BudgetLine, Citation, Document, Funds, Indicator, Mention, Project, Target
from policykg.ontology import ID, ORG, PKG, concept

__all__ = ["DERIVED_GRAPH", "union_graph", "add_document", "source_iri", "project_iri",
           "org_iri", "policy_iri", "place_iri"]

MONEY = (
    ("total", PKG.totalFunds), ("annual", PKG.annualFunds), ("fiscal", PKG.fiscalFunds),
    ("appropriation", PKG.appropriation), ("carry_over", PKG.carryOver), ("other", PKG.otherFunds),
    ("initial", PKG.initialBudget), ("adjusted", PKG.adjustedBudget), ("executed", PKG.executedAmount),
)


def union_graph(dataset: Dataset) -> Graph:
    """All triples of a dataset in one ``Graph`` (for Turtle and the embedded store)."""
    graph = Graph()
    _bind(graph)
    for g in dataset.graphs():
        for triple in g:
            graph.add(triple)
    return graph


def _bind(graph: Graph) -> None:
    bind(graph, "schema", "pkg", "id", "org", "prov", "dcterms", "skos")


def add_document(graph: Graph, doc: Document, index: PolicyIndex, orgs: OrgIndex | None = None) -> None:
    """Add one document's triples to ``graph`` (``orgs`` defaults to the organizations of ``doc`` alone).

    For a document read from a PDF, sheet, DOCX or HTML file (``doc.origins``), each ``pkg:sourceLine`` is
    accompanied by the line's ``pkg:sourcePage`` and ``pkg:sourceCell``; a text document's triples are
    exactly those of ``pkg:sourceLine`` alone.
    """
    orgs = orgs or index_organizations([doc])
    if doc.origins:
        graph = _SourcePlaces(graph, doc)  # type: ignore[assignment]  # only .add is used
    src = source_iri(doc)
    graph.add((src, RDF.type, PKG.SourceDocument))
    graph.add((src, RDF.type, PKG.SelfEvaluation if doc.kind == "self-evaluation" else PKG.Declaration))
    graph.add((src, RDF.type, PROV.Entity))
    graph.add((src, PKG.fileName, Literal(doc.file_name)))
    graph.add((src, PKG.sha256, Literal(doc.sha256)))
    graph.add((src, PKG.layout, Literal(doc.layout)))
    if doc.title:
        graph.add((src, DCTERMS.title, Literal(doc.title, lang="zh")))
    if doc.declared_total:
        graph.add((src, PKG.declaredTotal, _decimal(doc.declared_total.yuan)))
    if doc.declared_project_count is not None:
        graph.add((src, PKG.declaredProjectCount, Literal(doc.declared_project_count)))
    for n, finding in enumerate(doc.findings, 1):
        node = ID[f"source/{doc.sha256[:16]}/finding/{n}"]
        graph.add((src, PKG.hasFinding, node))
        graph.add((node, RDF.type, PKG.Finding))
        graph.add((node, PKG.findingKind, Literal(finding.kind)))
        graph.add((node, PKG.message, Literal(finding.message, lang="en")))
        if finding.line is not None:
            graph.add((node, PKG.sourceLine, Literal(finding.line)))
    # Two top-level projects may share a name (004: 科普工作 of 本级 and of 科技馆); a sub-project belongs to
    # the one of its own budget unit, and to the project of that name when the unit does not tell.
    parents: dict[tuple[str, str | None], URIRef] = {}
    for p in doc.projects:
        if p.parent is None:
            parents[(p.name, None)] = parents[(p.name, p.budget_unit)] = project_iri(doc, p)
    for project in doc.projects:
        _add_project(graph, doc, project, parents, index, orgs)
    add_audit(graph, doc)  # where the document contradicts itself (graph.audit.engine), in its own named graph


def _add_project(graph: Graph, doc: Document, project: Project, parents: dict[tuple[str, str | None], URIRef],
                 index: PolicyIndex, orgs: OrgIndex) -> None:
    node = project_iri(doc, project)
    src = source_iri(doc)
    graph.add((node, RDF.type, PKG.Project))
    graph.add((node, RDFS.label, Literal(project.name, lang="zh")))
    _provenance(graph, node, src, project.line)
    if project.fiscal_year:
        graph.add((node, PKG.fiscalYear, Literal(str(project.fiscal_year), datatype=XSD.gYear)))
    parent = parents.get((project.parent, project.budget_unit)) or parents.get((project.parent, None)) \
        if project.parent else None
    if parent is not None:
        graph.add((node, PKG.partOf, parent))
    _add_project_orgs(graph, node, project, src, orgs)
    for prop, value in ((PKG.nature, project.nature), (PKG.category, project.category), (PKG.overview, project.overview),
                        (PKG.overallGoal, project.overall_goal), (PKG.annualGoal, project.annual_goal),
                        (PKG.achievedResult, project.achieved)):
        if value:
            graph.add((node, prop, Literal(value, lang="zh")))
    if project.heading:
        graph.add((node, SKOS.altLabel, Literal(project.heading, lang="zh")))
    if project.start_date:
        graph.add((node, PKG.startDate, Literal(project.start_date)))
    if project.end_date:
        graph.add((node, PKG.endDate, Literal(project.end_date)))
    if project.period:
        graph.add((node, PKG.implementationPeriod, Literal(project.period, lang="zh")))
    if project.total_score is not None:
        graph.add((node, PKG.totalScore, _decimal(project.total_score)))
    _add_funds(graph, node, project.funds)
    for n, citation in enumerate(project.citations, 1):
        _add_citation(graph, node, src, n, citation, index.node_of(citation, doc), orgs)
    for mention in project.mentions:
        _add_mention(graph, node, src, mention, orgs)
    for n, indicator in enumerate(project.indicators, 1):
        _add_indicator(graph, node, src, n, indicator)
    for n, line in enumerate(project.budget_lines, 1):
        _add_budget_line(graph, node, src, n, line)


def _add_funds(graph: Graph, node: URIRef, funds: Funds) -> None:
    for field_name, prop in MONEY:
        amount: Amount | None = getattr(funds, field_name)
        if amount is not None:
            graph.add((node, prop, _decimal(amount.yuan)))
            note = URIRef(f"{node}/amount/{field_name}")
            graph.add((node, PKG.amountAsWritten, note))
            graph.add((note, RDF.value, _decimal(amount.yuan)))
            graph.add((note, RDFS.label, Literal(amount.text)))
            graph.add((note, PKG.writtenFor, prop))
            graph.add((note, PKG.sourceLine, Literal(amount.line)))
    for prop, number in ((PKG.executionRate, funds.execution_rate), (PKG.fundsWeight, funds.weight),
                         (PKG.fundsScore, funds.score)):
        if number is not None:
            graph.add((node, prop, _decimal(number)))


def _add_citation(graph: Graph, project: URIRef, src: URIRef, n: int, citation: Citation, policy: PolicyNode,
                  orgs: OrgIndex) -> None:
    doc_node = policy_iri(policy.key)
    graph.add((doc_node, RDF.type, PKG.PolicyDocument))
    graph.add((doc_node, PROV.wasDerivedFrom, src))
    if policy.title:
        graph.add((doc_node, DCTERMS.title, Literal(policy.title, lang="zh")))
        graph.add((doc_node, RDFS.label, Literal(policy.title, lang="zh")))
    elif policy.doc_number:
        graph.add((doc_node, RDFS.label, Literal(policy.doc_number, lang="zh")))
    for title in policy.alt_labels:
        graph.add((doc_node, SKOS.altLabel, Literal(title, lang="zh")))
    if policy.doc_number:
        graph.add((doc_node, PKG.docNumber, Literal(policy.doc_number)))
        if docnumber_key(policy.doc_number) != policy.doc_number and "(" in policy.doc_number:
            # written with round brackets: the 〔〕 spelling a search may use names it too
            graph.add((doc_node, SKOS.altLabel, Literal(docnumber_key(policy.doc_number), lang="zh")))
    if policy.year:
        graph.add((doc_node, DCTERMS.issued, Literal(str(policy.year), datatype=XSD.gYear)))
    if policy.qualifier:
        graph.add((doc_node, PKG.titleQualifier, Literal(policy.qualifier, lang="zh")))
    if policy.issuer:
        graph.add((doc_node, PKG.issuer, _org(graph, policy.issuer, src, orgs)))
    graph.add((project, PKG.cites, doc_node))
    if citation.legal_basis:
        graph.add((project, PKG.justifiedBy, doc_node))
    mention = URIRef(f"{project}/citation/{n}")
    graph.add((project, PKG.hasCitation, mention))
    graph.add((mention, RDF.type, PKG.Citation))
    graph.add((mention, PKG.citedDocument, doc_node))
    graph.add((mention, PKG.inLegalBasis, Literal(citation.legal_basis)))
    graph.add((mention, PKG.textAsWritten, Literal(citation.text, lang="zh")))
    if citation.quote:
        graph.add((mention, PKG.quote, Literal(citation.quote, lang="zh")))
    _provenance(graph, mention, src, citation.line)


def _add_indicator(graph: Graph, project: URIRef, src: URIRef, n: int, indicator: Indicator) -> None:
    node = URIRef(f"{project}/indicator/{n}")
    graph.add((project, PKG.hasIndicator, node))
    graph.add((node, RDF.type, PKG.Indicator))
    graph.add((node, RDFS.label, Literal(indicator.name, lang="zh")))
    _provenance(graph, node, src, indicator.line)
    for level, prop, label in ((1, PKG.level1, indicator.level1), (2, PKG.level2, indicator.level2)):
        if label:
            graph.add((node, prop, _printed_level(graph, level, label)))
    _target(graph, node, indicator.target, PKG.targetText, PKG.targetValue, with_comparator=True)
    _target(graph, node, indicator.actual, PKG.actualText, PKG.actualValue, with_comparator=False)
    for prop, number in ((PKG.weight, indicator.weight), (PKG.score, indicator.score)):
        if number is not None:
            graph.add((node, prop, _decimal(number)))
    if indicator.deviation_note:
        graph.add((node, PKG.deviationNote, Literal(indicator.deviation_note, lang="zh")))


def _printed_level(graph: Graph, level: int, label: str) -> URIRef:
    """The concept of a 一级/二级指标 label as the form prints it (``产出指标(50分)``, ``数量值``, ``產出指標``).

    One concept per level and written label (whitespace removed), in pkg:PrintedLevels, with that label as
    its only skos:prefLabel (a simplified skos:altLabel when it is written in traditional characters) and
    skos:exactMatch to the pkg:IndicatorFramework category it stands for, when the label table knows it.
    """
    written = "".join(label.split())
    iri = ID[f"level/{level}-{key_hash(written)}"]
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.inScheme, PKG.PrintedLevels))
    graph.add((iri, SKOS.prefLabel, Literal(written, lang="zh")))
    plain = simplified(written)
    if plain != written:
        graph.add((iri, SKOS.altLabel, Literal(plain, lang="zh")))
    category = concept(written) or concept(framework_category(written, level) or "")
    if category is not None:
        graph.add((iri, SKOS.exactMatch, category))
    return iri


def _target(graph: Graph, node: URIRef, target: Target | None, text_prop: URIRef, value_prop: URIRef,
            *, with_comparator: bool) -> None:
    if target is None:
        return
    graph.add((node, text_prop, Literal(target.text, lang="zh")))
    if target.value is not None:
        graph.add((node, value_prop, _decimal(target.value)))
    if with_comparator and target.comparator:
        graph.add((node, PKG.comparator, Literal(target.comparator)))
    if with_comparator and target.unit:
        graph.add((node, PKG.unit, Literal(target.unit, lang="zh")))


def _add_budget_line(graph: Graph, project: URIRef, src: URIRef, n: int, line: BudgetLine) -> None:
    node = URIRef(f"{project}/budget/{n}")
    graph.add((project, PKG.hasBudgetLine, node))
    graph.add((node, RDF.type, PKG.BudgetLine))
    graph.add((node, RDFS.label, Literal(line.label, lang="zh")))
    _provenance(graph, node, src, line.line)
    if line.amount is not None:
        graph.add((node, PKG.amount, _decimal(line.amount.yuan)))
    if line.quantity is not None:
        graph.add((node, PKG.quantity, _decimal(line.quantity)))
    if line.quantity_unit:
        graph.add((node, PKG.quantityUnit, Literal(line.quantity_unit, lang="zh")))
    if line.unit_price is not None:
        graph.add((node, PKG.unitPrice, _decimal(line.unit_price.yuan)))


def _add_project_orgs(graph: Graph, node: URIRef, project: Project, src: URIRef, orgs: OrgIndex) -> None:
    """主管部门, 实施单位, 预算单位 and 实施主体 of a project, with the hierarchy the form states."""
    department = _org(graph, project.department, src, orgs) if project.department else None
    for prop, written in ((PKG.department, project.department), (PKG.implementingUnit, project.implementing_unit),
                          (PKG.budgetUnit, project.budget_unit)):
        if written:
            unit = _org(graph, written, src, orgs)
            graph.add((node, prop, unit))
            if department is not None and unit != department:
                graph.add((unit, ORG.subOrganizationOf, department))
    parent = unit_of(project)
    if project.division and parent:
        division = orgs.division_of(project.division, parent)
        if division is None:  # the unit itself (区科技馆, 各组) or another organization it names
            named = orgs.named_org(project.division, parent) or parent
            graph.add((node, PKG.division, _org(graph, named, src, orgs)))
            return
        unit = org_iri(division.key)
        graph.add((unit, RDF.type, ORG.Organization))
        graph.add((unit, RDF.type, ORG.OrganizationalUnit))
        graph.add((unit, RDFS.label, Literal(division.name, lang="zh")))
        if division.written != division.name:
            graph.add((unit, SKOS.altLabel, Literal(division.written, lang="zh")))
        graph.add((unit, ORG.subOrganizationOf, org_iri(division.parent)))
        graph.add((unit, PROV.wasDerivedFrom, src))
        graph.add((node, PKG.division, unit))


def _org(graph: Graph, written: str, src: URIRef, orgs: OrgIndex) -> URIRef:
    """The node of an organization as written: canonical label, every other form seen as skos:altLabel."""
    name = canonical_org(written)
    node = org_iri(name)
    graph.add((node, RDF.type, ORG.Organization))
    graph.add((node, RDFS.label, Literal(name, lang="zh")))
    english = _ISSUERS_EN.get(name)
    if english:
        graph.add((node, RDFS.label, Literal(english, lang="en")))
    forms = {written.strip(), *orgs.names.get(name, ()), *orgs.aliases_of(name)}
    for form in sorted(forms - {name}):
        graph.add((node, SKOS.altLabel, Literal(form, lang="zh")))
    graph.add((node, PROV.wasDerivedFrom, src))
    return node


_ISSUERS_EN = {issuer.name: issuer.name_en for issuer in docnumber_prefixes().values()}


def _add_mention(graph: Graph, project: URIRef, src: URIRef, mention: Mention, orgs: OrgIndex) -> None:
    """A place or organization named in the project's text: pkg:mentionsPlace / pkg:mentionsOrganization."""
    if mention.kind == "organization":
        node = _org(graph, mention.canonical or mention.name, src, orgs)
        if mention.name != (mention.canonical or mention.name):
            graph.add((node, SKOS.altLabel, Literal(mention.name, lang="zh")))
        graph.add((project, PKG.mentionsOrganization, node))
        return
    place = find_place(mention.name) or (find_place(mention.canonical) if mention.canonical else None)
    node = place_iri(place.key if place else f"name:{mention.name}")
    graph.add((node, RDF.type, PKG.Place))
    graph.add((node, RDFS.label, Literal(place.name if place else mention.name, lang="zh")))
    if place and mention.name != place.name:
        graph.add((node, SKOS.altLabel, Literal(mention.name, lang="zh")))
    graph.add((project, PKG.mentionsPlace, node))


class _SourcePlaces:
    """Passes triples on to a graph; after each ``pkg:sourceLine`` adds that line's page and cell (from
    ``Document.origins``, the origin of the first cell of each 1-based line of the file's text rendering)."""

    __slots__ = ("_graph", "_origins")

    def __init__(self, graph: Graph, doc: Document) -> None:
        self._graph = graph
        self._origins = doc.origins

    def add(self, triple: tuple[URIRef, URIRef, Literal | URIRef]) -> _SourcePlaces:
        self._graph.add(triple)
        node, prop, line = triple
        if prop == PKG.sourceLine and 1 <= int(line) <= len(self._origins):
            origin = self._origins[int(line) - 1]
            if origin is not None and origin.page is not None:
                self._graph.add((node, PKG.sourcePage, Literal(origin.page)))
            cell = source_cell(origin)
            if cell is not None:
                self._graph.add((node, PKG.sourceCell, Literal(cell)))
        return self


def source_cell(origin: Origin | None) -> str | None:
    """The ``pkg:sourceCell`` of an origin: ``自评表!C6`` (a sheet), ``table 1 row 4 col 2`` (a DOCX, HTML or
    PDF table), ``row 3 col 2`` (an OCR'd line), ``None`` outside tables."""
    if origin is None:
        return None
    if origin.sheet is not None and origin.cell is not None:
        return f"{origin.sheet}!{origin.cell}"
    if origin.table is not None:
        return f"table {origin.table} row {origin.row} col {origin.column}"
    if origin.row is not None and origin.column is not None:
        return f"row {origin.row} col {origin.column}"
    return None


def _provenance(graph: Graph, node: URIRef, src: URIRef, line: int | None) -> None:
    graph.add((node, PROV.wasDerivedFrom, src))
    if line:
        graph.add((node, PKG.sourceLine, Literal(line)))


def _decimal(value: Decimal) -> Literal:
    return Literal(value, datatype=XSD.decimal)
