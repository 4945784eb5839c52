"""Cells of an Oxigraph answer as rdflib terms: each kind of term, unbound cells, and values repeated across rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from policykg.graph.sparql.store import MemoryStore, load_oxigraph, open_graph, values

TRIG = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:g1 { ex:a ex:name "甲"@zh ; ex:amount "12.5"^^xsd:decimal ; ex:note "plain" ; ex:link _:b . }
ex:g2 { ex:c ex:name "甲"@zh ; ex:amount "12.5"^^xsd:decimal . }
"""


def test_each_kind_of_term_and_an_unbound_cell(tmp_path: Path) -> None:
    source = tmp_path / "graph.trig"
    source.write_text(TRIG, encoding="utf-8")
    store = load_oxigraph(source, tmp_path / "store")
    try:
        table = store.select("PREFIX ex: <http://example.org/> SELECT ?s ?name ?amount ?note ?link WHERE { "
                             "?s ex:name ?name ; ex:amount ?amount OPTIONAL { ?s ex:note ?note } "
                             "OPTIONAL { ?s ex:link ?link } } ORDER BY ?s")
    finally:
        store.close()
    assert table.columns == ("s", "name", "amount", "note", "link")
    (a, name_a, amount_a, note, link), (c, name_c, amount_c, no_note, no_link) = table.rows
    assert (a, c) == (URIRef("http://example.org/a"), URIRef("http://example.org/c"))
    # a value repeated in two rows reads back equal in both, with its language or datatype kept
    assert name_a == name_c == Literal("甲", lang="zh")
    assert amount_a == amount_c == Literal("12.5", datatype=XSD.decimal)
    assert amount_a.toPython() == Decimal("12.5")
    assert note == Literal("plain") and note.datatype is None  # xsd:string is written as a plain literal
    assert isinstance(link, BNode)
    assert no_note is None and no_link is None


def test_cells_as_text_from_oxigraph_and_from_rdflib(tmp_path: Path) -> None:
    source = tmp_path / "graph.trig"
    source.write_text(TRIG, encoding="utf-8")
    query = ("PREFIX ex: <http://example.org/> SELECT ?s ?name (LANG(?name) AS ?l) ?amount ?note WHERE { "
             "?s ex:name ?name ; ex:amount ?amount OPTIONAL { ?s ex:note ?note } } ORDER BY ?s")
    expected = [("http://example.org/a", "甲", "zh", "12.5", "plain"), ("http://example.org/c", "甲", "zh", "12.5", None)]
    store = load_oxigraph(source, tmp_path / "store")
    try:
        assert values(store, query) == expected
    finally:
        store.close()
    assert values(MemoryStore(open_graph(source)), query) == expected
