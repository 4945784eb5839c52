"""The SPARQL endpoint and the Graph Store upload, tested as a client would: over HTTP on loopback."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from policykg.graph.sparql import queries
from policykg.graph.sparql.bindings import bind, with_values
from policykg.graph.sparql.push import push
from policykg.graph.sparql.server import Server, ServerError
from policykg.graph.sparql.store import EndpointStore, MemoryStore, cell_text, load_oxigraph, unmerge
from policykg.loaders.errors import PolicyKGError

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


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # days of work on the seeds


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_the_endpoint_has_a_query_timeout(oxigraph_dir: Path) -> None:
    assert Server(oxigraph_dir).command()[-2:] == ["--timeout-s", "30"]
    assert "--timeout-s" not in Server(oxigraph_dir, timeout_s=None).command()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="the watchdog reads Linux /proc")
def test_a_runaway_query_stops_within_the_timeout(oxigraph_dir: Path) -> None:
    """The regression: the cross join kept a core busy long after its client gave up."""
    restarted: list[str] = []
    with Server(oxigraph_dir, timeout_s=2, on_restart=restarted.append) as server:
        first = server._process.pid  # type: ignore[union-attr]
        sent = time.monotonic()
        with pytest.raises((urllib.error.URLError, http.client.HTTPException, OSError)):
            url = f"{server.query_url}?{urllib.parse.urlencode({'query': CROSS_JOIN})}"
            urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 (loopback)
        while server.restarts == 0 and time.monotonic() < sent + 30:
            time.sleep(0.1)
        assert time.monotonic() - sent < 2 + 3  # the limit, the watchdog's interval and a restart
        assert not Path(f"/proc/{first}").exists()
        current = server._process.pid  # type: ignore[union-attr]
        before = cpu_seconds(current)
        time.sleep(1)
        assert cpu_seconds(current) - before < 0.2  # idle again
        assert restarted == [f"a query ran over 2 s and was stopped; the server was restarted on {server.url}"]
        assert server.restarts == 1
        assert sparql(server.query_url, "SELECT (1 AS ?n) {}") == [{"n": "1"}]  # and it answers on the same port


def test_an_in_memory_server_is_never_restarted() -> None:
    with Server(None, writable=True, timeout_s=2) as server:
        assert server._watchdog is None  # a restart would lose what was written into it


def test_serve_stops_a_runaway_query_and_says_so(built: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from policykg.graph.cli import main; main()", "serve", "--port", "0", "--timeout", "2",
               "--store", str(tmp_path / "store"), "--graph", str(built / "graph.trig")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        endpoint = process.stdout.readline().split()[-1]  # type: ignore[union-attr]
        with pytest.raises((urllib.error.URLError, http.client.HTTPException, OSError)):
            urllib.request.urlopen(f"{endpoint}?{urllib.parse.urlencode({'query': CROSS_JOIN})}", timeout=30).read()  # noqa: S310
        time.sleep(1)
        assert sparql(endpoint, "SELECT (1 AS ?n) {}") == [{"n": "1"}]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "read-only, queries stopped after 2 s" in stderr
    assert "a query ran over 2 s and was stopped; the server was restarted on http://127.0.0.1:" in stderr
