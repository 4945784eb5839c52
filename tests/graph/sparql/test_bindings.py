"""Parameters are RDF terms bound by VALUES, never text pasted into a query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from policykg.graph.errors import QueryError
from policykg.graph.sparql.bindings import bind, sparql_term, variables, with_values
from policykg.graph.sparql.store import MemoryStore

ECHO = "SELECT ?echo WHERE { BIND(STR(?_x) AS ?echo) }"
HOSTILE = ['"} UNION { ?s ?p ?o } #', "\\u0022} UNION { ?s ?p ?o } #", "\\\\u0022", "'''", '"""', "a\nb\r\t", "\\"]


def echo_rdflib(text: str) -> str:
    table = MemoryStore(Graph()).select(with_values(ECHO, {"x": Literal(text)}))
    return str(table.rows[0][0])


def echo_oxigraph(text: str) -> str:
    (solution,) = ox.Store().query(with_values(ECHO, {"x": Literal(text)}))
    return str(solution["echo"].value)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_one_literal(text: str) -> None:
    assert echo_rdflib(text) == text
    assert echo_oxigraph(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips_through_values(text: str) -> None:
    assert echo_rdflib(text) == text
    assert echo_oxigraph(text) == text


def test_values_opens_the_where_group_of_the_query_and_of_each_sub_select() -> None:
    query = """# a comment with { braces }
PREFIX pkg: <https://w3id.org/policykg#>
SELECT ?p (COUNT(?x) AS ?n) (EXISTS { ?p ?q ?r } AS ?e) WHERE { ?p pkg:label "{" . { SELECT ?x WHERE { ?x ?y ?z } } }"""
    bound = with_values(query, {"policy": Literal("x"), "year": Literal("2023", datatype=XSD.gYear)})
    block = 'VALUES (?_policy ?_year) { ("x" "2023"^^<http://www.w3.org/2001/XMLSchema#gYear>) }'
    assert f'WHERE {{ {block}\n ?p pkg:label "{{" .' in bound
    assert f"{{ SELECT ?x WHERE {{ {block}\n ?x ?y ?z }}" in bound
    assert bound.count("VALUES") == 2
    assert with_values(query, {}) == query


def test_where_may_be_left_out() -> None:
    assert with_values("ASK { ?s ?p ?o }", {"a": URIRef("http://e/x")}) == \
        "ASK { VALUES (?_a) { (<http://e/x>) }\n ?s ?p ?o }"


def test_construct_and_updates_are_refused() -> None:
    with pytest.raises(QueryError, match="SELECT, ASK and DESCRIBE"):
        with_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"a": Literal("x")})
    with pytest.raises(QueryError, match="SELECT, ASK and DESCRIBE"):
        with_values("DELETE WHERE { ?s ?p ?o }", {"a": Literal("x")})


def test_a_variable_named_like_a_keyword_is_not_one() -> None:
    assert "VALUES" in with_values("SELECT ?delete WHERE { ?delete ?p ?o }", {"a": Literal("x")})


@pytest.mark.parametrize(("type_", "text", "expected"), [
    ("xsd:string", "建设方案", Literal("建设方案")),
    ("xsd:gYear", "2023", Literal("2023", datatype=XSD.gYear)),
    ("xsd:integer", "80", Literal("80", datatype=XSD.integer)),
    ("xsd:decimal", "130000000.00", Literal("130000000.00", datatype=XSD.decimal)),
    ("iri", "https://w3id.org/policykg/id/policy/e839bc3f4fa4", URIRef("https://w3id.org/policykg/id/policy/e839bc3f4fa4")),
])
def test_bind_types(type_: str, text: str, expected: object) -> None:
    assert bind("p", text, type_) == expected


@pytest.mark.parametrize(("type_", "text", "message"), [
    ("xsd:gYear", "二〇二三", "parameter p: '二〇二三' is not a year; give four digits such as 2023"),
    ("xsd:integer", "1.5", "parameter p: '1.5' is not a whole number"),
    ("xsd:decimal", "13000万", "parameter p: '13000万' is not a number"),
    ("iri", "http://e/> } UNION { ?s ?p ?o", "is not an absolute IRI"),
    ("xsd:date", "2023-01-01", "unknown type 'xsd:date'"),
])
def test_bind_refuses_ill_typed_text(type_: str, text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace("?", r"\?").replace("{", r"\{")):
        bind("p", text, type_)


def test_sparql_term_writes_language_and_datatype() -> None:
    assert sparql_term(Literal('他说"好"', lang="zh")) == '"他说\\"好\\""@zh'
    assert sparql_term(Literal("1.5", datatype=XSD.decimal)) == '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'


def test_variables_are_read_outside_comments_and_strings() -> None:
    query = '# ?_ignored\nSELECT * WHERE { ?s ?p "?_alsoIgnored" FILTER(?o = ?_policy || $_year) }'
    assert variables(query) == {"policy", "year"}
