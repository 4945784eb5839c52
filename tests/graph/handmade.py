"""Small graphs made by hand, in the shape graph.rdf.build writes, for views and analyses.

``programme()``: one programme over three years linked by pkg:continues
(2024 -> 2023 -> 2022), the 2023 project with two sub-projects, a policy that
justifies the 2022 project and one sub-project, a budget line, and an unrelated
project. ``hostile()``: projects and a policy whose names are HTML and script.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from policykg.ontology import ID, ORG, PKG

SOURCE = ID["source/handmade"]


def _graph() -> Graph:
    g = Graph()
    g.add((SOURCE, RDF.type, PKG.SourceDocument))
    g.add((SOURCE, PKG.fileName, Literal("handmade.txt")))
    return g


def project(g: Graph, key: str, name: str, year: str, yuan: str | None = None, line: int = 1,
            parent: URIRef | None = None) -> URIRef:
    node = ID[f"project/{year}-{key}"]
    g.add((node, RDF.type, PKG.Project))
    g.add((node, RDFS.label, Literal(name, lang="zh")))
    g.add((node, PKG.fiscalYear, Literal(year, datatype=XSD.gYear)))
    g.add((node, PROV.wasDerivedFrom, SOURCE))
    g.add((node, PKG.sourceLine, Literal(line)))
    if yuan is not None:
        g.add((node, PKG.annualFunds, Literal(Decimal(yuan), datatype=XSD.decimal)))
    if parent is not None:
        g.add((node, PKG.partOf, parent))
    return node


def policy(g: Graph, key: str, title: str, number: str | None = None) -> URIRef:
    node = ID[f"policy/{key}"]
    g.add((node, RDF.type, PKG.PolicyDocument))
    g.add((node, DCTERMS.title, Literal(title, lang="zh")))
    g.add((node, RDFS.label, Literal(title, lang="zh")))
    g.add((node, PROV.wasDerivedFrom, SOURCE))
    if number:
        g.add((node, PKG.docNumber, Literal(number)))
    return node


def justify(g: Graph, project_node: URIRef, doc: URIRef, line: int) -> None:
    g.add((project_node, PKG.justifiedBy, doc))
    g.add((project_node, PKG.cites, doc))
    mention = URIRef(f"{project_node}/citation/{line}")
    g.add((project_node, PKG.hasCitation, mention))
    g.add((mention, RDF.type, PKG.Citation))
    g.add((mention, PKG.citedDocument, doc))
    g.add((mention, PKG.inLegalBasis, Literal(True)))
    g.add((mention, PROV.wasDerivedFrom, SOURCE))
    g.add((mention, PKG.sourceLine, Literal(line)))


def programme() -> Graph:
    g = _graph()
    p22 = project(g, "g60", "G60走廊建设", "2022", "1000000", line=10)
    p23 = project(g, "g60", "G60走廊建设", "2023", "2500000", line=20)
    s23a = project(g, "g60-a", "政策研究", "2023", "1500000", line=30, parent=p23)
    s23b = project(g, "g60-b", "金融赋能", "2023", "1000000", line=40, parent=p23)
    p24 = project(g, "g60-renamed", "G60科创走廊协同建设", "2024", "3000000", line=50)
    project(g, "other", "科普活动", "2023", "200000", line=60)
    g.add((p23, PKG.continues, p22))
    g.add((p24, PKG.continues, p23))
    plan = policy(g, "plan", "长三角G60科创走廊建设方案", "国科发规〔2020〕287号")
    justify(g, p22, plan, 11)
    justify(g, s23a, plan, 31)
    budget = URIRef(f"{s23a}/budget/1")
    g.add((s23a, PKG.hasBudgetLine, budget))
    g.add((budget, RDF.type, PKG.BudgetLine))
    g.add((budget, RDFS.label, Literal("课题研究", lang="zh")))
    g.add((budget, PKG.amount, Literal(Decimal("1500000"), datatype=XSD.decimal)))
    g.add((budget, PKG.sourceLine, Literal(33)))
    g.add((budget, PROV.wasDerivedFrom, SOURCE))
    dept = ID["org/dept"]
    g.add((dept, RDF.type, ORG.Organization))
    g.add((dept, RDFS.label, Literal("创新研究中心", lang="zh")))
    for p in (p22, p23, p24):
        g.add((p, PKG.department, dept))
    _ = s23b
    return g


SCRIPT_NAME = "<script>window.__pwned=1</script>补贴项目"
IMG_NAME = '<img src=x onerror="window.__pwned=2">专项'
LINK_TITLE = '<a href="javascript:window.__pwned=3">若干政策</a>'


def hostile() -> Graph:
    g = _graph()
    a = project(g, "script", SCRIPT_NAME, "2023", "130000000", line=7)
    b = project(g, "img", IMG_NAME, "2023", "5000000", line=9)
    doc = policy(g, "link", LINK_TITLE, "沪松府规〔2019〕23号")
    justify(g, a, doc, 8)
    justify(g, b, doc, 10)
    return g
