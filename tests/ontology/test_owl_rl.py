"""The ontology with the graph built from the seeds survives an OWL RL closure (owlrl)
without inconsistency; a graph that breaks a disjointness or asymmetry axiom does not."""

from __future__ import annotations

import owlrl
from rdflib import OWL, RDF, XSD, Graph, Literal, Namespace

from policykg.ontology import ID, PKG, ontology_path

# owlrl records inconsistencies as nodes of this type (owlrl.Closure.Core.closure)
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


def closure(*graphs: Graph) -> Graph:
    merged = Graph()
    for name in ("policykg.ttl", "indicator_framework.ttl"):
        merged.parse(ontology_path(name), format="turtle")
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(merged)
    return merged


def errors(graph: Graph) -> list[str]:
    return sorted(str(graph.value(m, ERR.error)) for m in graph.subjects(RDF.type, ERR.ErrorMessage))


def test_seed_graph_is_consistent_under_owl_rl(seed_graph: Graph) -> None:
    closed = closure(seed_graph)
    assert errors(closed) == []
    assert list(closed.subjects(RDF.type, OWL.Nothing)) == []
    # the closure did its work: subproperty and subclass axioms fired
    assert (None, PKG.cites, None) in closed
    assert len(set(closed.subjects(RDF.type, PKG.SourceDocument))) == 5


def test_closure_finds_a_broken_graph() -> None:
    broken = Graph()
    indicator, later, earlier = ID["project/x/indicator/1"], ID["project/x"], ID["project/y"]
    broken.add((indicator, RDF.type, PKG.Indicator))
    broken.add((indicator, PKG.fiscalYear, Literal("2023", datatype=XSD.gYear)))  # domain: a project
    broken.add((later, PKG.continues, earlier))
    broken.add((earlier, PKG.continues, later))  # pkg:continues is asymmetric
    found = errors(closure(broken))
    assert any("Disjoint classes" in e and str(indicator) in e for e in found), found
    assert any("asymmetric property https://w3id.org/policykg#continues" in e for e in found), found
