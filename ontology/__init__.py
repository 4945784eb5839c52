"""The policykg vocabulary: namespace objects, the indicator framework, and the Turtle files.

``PKG`` is a ``DefinedNamespace`` with ``_fail = True``: a misspelt term
(``PKG.fiscalYaer``) fails at import time instead of in a query that silently
returns nothing. ``ID`` is the namespace of data IRIs. The OWL ontology, the
SKOS indicator framework and the SHACL shapes are Turtle files next to this
module (``ontology_path``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ID = Namespace("https://w3id.org/policykg/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
FW = Namespace("https://w3id.org/policykg/framework/")  # concepts of the SKOS indicator framework
SHP = Namespace("https://w3id.org/policykg/shapes#")  # the SHACL shapes


class PKG(DefinedNamespace):
    """Terms of ``https://w3id.org/policykg#`` (see ARCHITECTURE.md, vocabulary contract)."""

    _NS = Namespace("https://w3id.org/policykg#")
    _fail = True

    # classes
    Project: URIRef
    PolicyDocument: URIRef
    Indicator: URIRef
    SourceDocument: URIRef
    Declaration: URIRef  # a 绩效目标申报表
    SelfEvaluation: URIRef  # a 绩效自评表
    Place: URIRef
    BudgetLine: URIRef
    Citation: URIRef  # one mention of a policy document in a project's text
    Finding: URIRef  # something a document says that was not understood or does not add up
    IndicatorFramework: URIRef  # the SKOS concept scheme of 一级/二级指标
    PrintedLevels: URIRef  # 一级/二级指标 as the forms print them, skos:exactMatch the framework

    # project
    fiscalYear: URIRef
    department: URIRef
    implementingUnit: URIRef
    budgetUnit: URIRef
    division: URIRef
    partOf: URIRef
    nature: URIRef
    category: URIRef
    overview: URIRef
    overallGoal: URIRef
    annualGoal: URIRef
    achievedResult: URIRef
    totalScore: URIRef
    startDate: URIRef
    endDate: URIRef
    implementationPeriod: URIRef
    continues: URIRef
    mentionsPlace: URIRef
    mentionsOrganization: URIRef

    # money (always yuan, xsd:decimal) and the text as written
    totalFunds: URIRef
    annualFunds: URIRef
    fiscalFunds: URIRef
    appropriation: URIRef
    carryOver: URIRef
    otherFunds: URIRef
    initialBudget: URIRef
    adjustedBudget: URIRef
    executedAmount: URIRef
    executionRate: URIRef
    fundsWeight: URIRef
    fundsScore: URIRef
    amountAsWritten: URIRef
    writtenFor: URIRef

    # citations and policy documents
    justifiedBy: URIRef
    cites: URIRef
    hasCitation: URIRef
    citedDocument: URIRef
    inLegalBasis: URIRef
    textAsWritten: URIRef
    quote: URIRef
    docNumber: URIRef
    issuer: URIRef

    # indicators
    hasIndicator: URIRef
    level1: URIRef
    level2: URIRef
    targetText: URIRef
    comparator: URIRef
    targetValue: URIRef
    unit: URIRef
    actualText: URIRef
    actualValue: URIRef
    weight: URIRef
    score: URIRef
    deviationNote: URIRef

    # budget lines
    hasBudgetLine: URIRef
    amount: URIRef
    quantity: URIRef
    quantityUnit: URIRef
    unitPrice: URIRef

    # provenance and source documents
    sourceLine: URIRef
    sourcePage: URIRef  # 1-based PDF / scan page (files other than text)
    sourceCell: URIRef  # sheet!A1 (spreadsheets) or "table 1 row 4 col 2" (DOCX, HTML, PDF tables)
    fileName: URIRef
    sha256: URIRef
    layout: URIRef
    declaredTotal: URIRef
    declaredProjectCount: URIRef
    hasFinding: URIRef
    findingKind: URIRef
    message: URIRef
    rule: URIRef  # Finding -> the audit rule's id (arithmetic.budget-lines)
    severity: URIRef  # Finding -> error, warning or notice
    concerns: URIRef  # Finding -> a Project it is about
    hasEvidence: URIRef  # Finding -> one Evidence per side compared
    Evidence: URIRef  # what a document says at one line, as one side of a finding
    evidenceOrder: URIRef  # Evidence -> its position among the finding's sides (1, 2 …)
    statedValue: URIRef  # Evidence -> what the document says there, as written

    # linking across documents and years (graph.linking.link, graph.linking.orgs, graph.linking.places, graph.linking.lineage)
    LineageLink: URIRef  # one pkg:continues statement with its score and evidence (in the derived graph)
    successor: URIRef  # LineageLink -> the later Project
    predecessor: URIRef  # LineageLink -> the earlier Project it continues
    linkScore: URIRef  # LineageLink -> xsd:decimal 0..1
    evidence: URIRef  # LineageLink -> why, in words (one literal per reason)
    noPredecessor: URIRef  # Project -> true: no project of an earlier year in the corpus continues into it
    titleQualifier: URIRef  # PolicyDocument -> status its title ends with: 修订稿, 试行 …
    AmountAsWritten: URIRef  # the text as written of an amount (object of pkg:amountAsWritten)
    Link: URIRef  # a link made by the linking step, with evidence and a score


# 一级/二级 indicator labels -> concept IRIs of the SKOS scheme pkg:IndicatorFramework
# (ontology/indicator_framework.ttl holds the labels and the broader/narrower structure).
INDICATOR_CONCEPTS: dict[str, str] = {
    "产出指标": "output",
    "效益指标": "outcome",
    "满意度指标": "satisfaction",
    "成本指标": "cost",
    "数量指标": "quantity",
    "质量指标": "quality",
    "时效指标": "timeliness",
    "经济成本指标": "economic-cost",
    "社会成本指标": "social-cost",
    "生态环境成本指标": "environmental-cost",
    "经济效益指标": "economic-benefit",
    "社会效益指标": "social-benefit",
    "生态效益指标": "ecological-benefit",
    "可持续影响指标": "sustainability",
    "服务对象满意度指标": "beneficiary-satisfaction",
}


def concept(label: str) -> URIRef | None:
    """The SKOS concept of an indicator level label, ``None`` for an unknown label."""
    slug = INDICATOR_CONCEPTS.get(label)
    return FW[slug] if slug else None


def ontology_path(name: str) -> Path:
    """Path of a Turtle file shipped in this package (``policykg.ttl``, ``shapes.ttl`` …)."""
    return Path(str(resources.files("policykg.ontology").joinpath(name)))
