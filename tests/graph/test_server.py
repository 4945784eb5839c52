"""The SPARQL endpoint and the Graph Store upload, tested as a client would: over HTTP on loopback."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from graph import queries
from graph.bindings import bind, with_values
from graph.push import push
from graph.server import Server, ServerError
from graph.store import EndpointStore, MemoryStore, cell_text, load_oxigraph, unmerge
from loaders.errors import PolicyKGError

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def read_only(oxigraph_dir: Path) -> Iterator[Server]:
    with Server(oxigraph_dir) as server:
        yield server


def sparql(url: str, query: str) -> list[dict[str, str]]:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    return [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]  # type: ignore[index]


def test_the_endpoint_answers_like_the_embedded_store(read_only: Server, memory_store: MemoryStore) -> None:
    query = queries.resolve("policy-projects-money")
    text = with_values(query.text, {"policy": bind("policy", "沪松府规〔2019〕23号")})
    over_http = sparql(read_only.query_url, text)
    assert [(r["project"], r["year"], r["yuan"]) for r in over_http] == [("高新技术企业认定专项补贴项目", "2023", "130000000")]
    embedded = queries.run_named(memory_store, query, {"policy": "沪松府规〔2019〕23号"})
    assert [tuple(cell_text(r.get(c)) for c in ("project", "year")) for r in over_http] == \
        [tuple(cell_text(v) for v in row[2:5:2]) for row in embedded.rows]


@pytest.mark.parametrize("name", ["policy-money-by-year", "target-vs-actual", "money-by-department"])
def test_catalog_queries_over_http_match_the_embedded_store(read_only: Server, memory_store: MemoryStore,
                                                            name: str) -> None:
    remote = queries.run_named(EndpointStore(read_only.query_url), name)
    embedded = queries.run_named(memory_store, name)
    assert [[cell_text(c) for c in row] for row in remote.rows] == [[cell_text(c) for c in row] for row in embedded.rows]


def test_a_read_only_endpoint_refuses_updates(read_only: Server) -> None:
    before = sparql(read_only.query_url, COUNT)
    client = SPARQLWrapper(read_only.update_url)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    assert refused.value.code == 403
    assert sparql(read_only.query_url, COUNT) == before


def test_the_query_ui_is_served(read_only: Server) -> None:
    import urllib.request
    with urllib.request.urlopen(read_only.url + "/") as page:  # noqa: S310 (loopback)
        assert b"<html" in page.read().lower()


def test_a_taken_port_is_reported(read_only: Server, oxigraph_dir: Path) -> None:
    with pytest.raises(ServerError, match=r"did not start on 127\.0\.0\.1:\d+: .*choose another --port"):
        Server(oxigraph_dir, port=read_only.port, startup_timeout_s=10).start()


def test_stop_releases_the_port(oxigraph_dir: Path) -> None:
    server = Server(oxigraph_dir).start()
    url = server.query_url
    server.stop()
    assert not server.running
    with pytest.raises(PolicyKGError, match="cannot reach the endpoint"):
        EndpointStore(url, timeout_s=2).select("ASK {}")


def quads(path: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def test_push_replaces_each_source_graph(built: Path, tmp_path: Path) -> None:
    with Server(None, writable=True) as server:
        first = push(built / "graph.trig", server.store_url)
        assert len(first.graphs) == 6 and first.triples == quads(built / "graph.trig")  # five seed documents and the derived links
        assert sparql(server.query_url, COUNT) == [{"n": str(first.triples)}]
        push(built / "graph.trig", server.store_url)
        assert sparql(server.query_url, COUNT) == [{"n": str(first.triples)}]  # pushed twice: nothing doubled

        # the document 004 changes: 高新技术企业认定专项补贴项目 asks 1 yuan instead of 130,000,000
        changed = tmp_path / "graph.trig"
        text = (built / "graph.trig").read_text(encoding="utf-8")
        assert text.count('"130000000"^^xsd:decimal') == 2  # pkg:annualFunds and the amount as written (rdf:value)
        changed.write_text(text.replace('"130000000"^^xsd:decimal', '"1"^^xsd:decimal'), encoding="utf-8")
        push(changed, server.store_url)
        amounts = sparql(server.query_url, """PREFIX pkg: <https://w3id.org/policykg#>
            SELECT ?yuan WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> "高新技术企业认定专项补贴项目"@zh ;
                                    pkg:annualFunds ?yuan }""")
        assert amounts == [{"yuan": "1"}]
        assert sparql(server.query_url, COUNT) == [{"n": str(first.triples)}]


def test_push_to_a_read_only_server_says_so(read_only: Server, built: Path) -> None:
    with pytest.raises(PolicyKGError, match=r"refused graph https://w3id.org/policykg/id/(?:source/\w+|graph/derived) \(HTTP 403"):
        push(built / "graph.trig", read_only.store_url)


def test_a_merged_store_is_served_as_it_is_and_an_unmerged_one_as_the_union(oxigraph_dir: Path) -> None:
    assert "--union-default-graph" not in Server(oxigraph_dir).command()
    assert "--union-default-graph" in Server(None, writable=True).command()


def test_push_into_a_writable_store_is_seen_by_queries(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    load_oxigraph(built / "graph.trig", folder).close()
    unmerge(folder)  # what `policykg serve --writable` does before it starts
    changed = tmp_path / "graph.trig"
    changed.write_text((built / "graph.trig").read_text(encoding="utf-8").replace('"130000000"^^xsd:decimal', '"2"^^xsd:decimal'),
                       encoding="utf-8")
    with Server(folder, writable=True) as server:
        assert "--union-default-graph" in server.command()
        push(changed, server.store_url)
        answer = queries.run_named(EndpointStore(server.query_url), "policy-projects-money",
                                   {"policy": "沪松府规〔2019〕23号"})
    assert [cell_text(c) for c in answer.rows[0][4:6]] == ["2023", "2"]
