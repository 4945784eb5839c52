"""Cells of an Oxigraph answer as rdflib terms: each kind of term, unbound cells, and values repeated across rows;
the same answers from queries asked side by side (``gather``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from policykg.graph.errors import QueryError
from policykg.graph.sparql.store import MemoryStore, OxigraphStore, gather, load_oxigraph, open_graph, values

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


# Literals that the SPARQL TSV a query is written through inside ``gather`` must escape and read back exactly.
TRICKY = ['a\tb', 'line one\nline two', 'back\\slash', 'say "hi"', "", " both ends ", "\r\n", "控制\u0001字符",
          "x\u2028y", "〔2023〕12号"]


def _tricky_store(tmp_path: Path) -> OxigraphStore:
    ex = Namespace("http://example.org/")
    dataset = Dataset()
    graph = dataset.graph(ex.g)
    for i, text in enumerate(TRICKY):
        graph.add((ex[f"n{i}"], ex.text, Literal(text, lang="zh" if i % 2 else None)))
        graph.add((ex[f"n{i}"], ex.order, Literal(i)))
    blank = BNode()
    graph.add((blank, ex.text, Literal("blank")))
    graph.add((blank, ex.order, Literal(99)))
    source = tmp_path / "graph.trig"
    dataset.serialize(source, format="trig", encoding="utf-8")
    return load_oxigraph(source, tmp_path / "store")


def test_answers_inside_gather_are_those_asked_one_by_one(tmp_path: Path) -> None:
    store = _tricky_store(tmp_path)
    queries = [
        "PREFIX ex: <http://example.org/> SELECT ?s ?text (LANG(?text) AS ?l) ?none WHERE { ?s ex:text ?text ; "
        "ex:order ?o OPTIONAL { ?s ex:missing ?none } } ORDER BY ?o",
        "PREFIX ex: <http://example.org/> SELECT ?none WHERE { ?s ex:order ?o OPTIONAL { ?s ex:missing ?none } }",
        "PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s ex:missing ?x }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    ]
    try:
        alone = [(store.select(q), values(store, q)) for q in queries]
        together = gather(store, [lambda q=q: (store.select(q), values(store, q)) for q in queries])
    finally:
        store.close()
    assert together == alone
    texts = [row[1] for row in alone[0][1]]
    assert texts == [*TRICKY, "blank"]  # read from the document, not from either way of asking
    assert [row for row in alone[1][1]] == [(None,)] * (len(TRICKY) + 1)  # one unbound cell per row, kept
    assert alone[2][0].rows == () and alone[2][1] == []


def test_gather_keeps_the_order_of_the_calls_and_raises_the_first_error(tmp_path: Path) -> None:
    store = _tricky_store(tmp_path)
    count = "PREFIX ex: <http://example.org/> SELECT (COUNT(*) AS ?n) WHERE {{ ?s ex:order ?o FILTER(?o < {}) }}"
    try:
        answers = gather(store, [lambda k=k: values(store, count.format(k)) for k in range(8)])
        assert answers == [[(str(k),)] for k in range(8)]
        with pytest.raises(QueryError, match="SPARQL query failed"):
            gather(store, [lambda: values(store, count.format(1)), lambda: values(store, "SELECT nonsense"),
                           lambda: values(store, "SELECT also nonsense")])
    finally:
        store.close()
    # rdflib: the same calls, one after another
    memory = MemoryStore(open_graph(tmp_path / "graph.trig"))
    assert gather(memory, [lambda k=k: values(memory, count.format(k)) for k in range(3)]) == [[("0",)], [("1",)], [("2",)]]


def test_rdflib_running_out_of_memory_is_said_so(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = Graph()

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError  # what a query over millions of triples raises under a memory limit: no message

    monkeypatch.setattr(graph, "query", exhausted)
    with pytest.raises(QueryError, match=r"ran out of memory \(MemoryError\).*--store"):
        MemoryStore(graph).select("SELECT ?s WHERE { ?s ?p ?o }")


def test_an_error_without_a_message_is_named_by_its_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = Graph()

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError

    monkeypatch.setattr(graph, "query", broken)
    with pytest.raises(QueryError, match="failed: RecursionError$"):
        MemoryStore(graph).select("SELECT ?s WHERE { ?s ?p ?o }")
