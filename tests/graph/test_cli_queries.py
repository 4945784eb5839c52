"""The query commands through typer's CliRunner (and `serve` as a real process): messages and exit codes."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.graph.cli import app
from policykg.graph.sparql import queries
from policykg.graph.sparql.server import Server
from policykg.graph.sparql.store import EndpointStore
from policykg.loaders.errors import PolicyKGError
from tests.conftest import ROOT

runner = CliRunner()
HIGH_TECH = ("松江区关于加快推进G60科创走廊高新技术企业发展的若干政策,沪松府规〔2019〕23号,高新技术企业认定专项补贴项目,"
             "科技创新创业,2023,130000000,13000")


def test_queries_lists_name_and_title_one_line_each() -> None:
    result = runner.invoke(app, ["queries"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines == [f"{q.name}\t{q.title}" for q in queries.catalog()]
    assert "policy-money-by-year\tHow much money each policy justifies, per year and in all years" in lines


def test_query_with_a_parameter(built: Path) -> None:
    result = runner.invoke(app, ["query", "policy-projects-money", "--param", "policy=沪松府规〔2019〕23号",
                                 "--graph", str(built / "graph.ttl"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["policy,docNumber,project,parent,year,yuan,wan", HIGH_TECH]


def test_query_parameter_errors(built: Path) -> None:
    graph = str(built / "graph.ttl")
    result = runner.invoke(app, ["query", "policy-search", "--graph", graph])
    assert result.exit_code == 2
    assert "error: query policy-search needs --param policy=VALUE" in result.stderr
    result = runner.invoke(app, ["query", "policy-search", "-p", "policy", "--graph", graph])
    assert result.exit_code == 2
    assert "error: --param 'policy': write --param NAME=VALUE" in result.stderr


def test_query_on_an_oxigraph_store_loads_it_once(built: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph.trig"
    graph.write_bytes((built / "graph.trig").read_bytes())
    store = tmp_path / "store"
    args = ["query", "policy-projects-money", "-p", "policy=沪松府规〔2019〕23号", "--graph", str(graph),
            "--store", str(store), "--format", "csv"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert HIGH_TECH in first.stdout.splitlines()
    assert re.search(rf"loaded {re.escape(str(graph))} into {re.escape(str(store))}: \d+ quads in 6 named graphs, merged into \d+ distinct triples", first.stderr)
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "loaded" not in again.stderr
    graph.write_text(graph.read_text(encoding="utf-8").replace('"130000000"^^xsd:decimal', '"1"^^xsd:decimal'), encoding="utf-8")
    rebuilt = runner.invoke(app, args)
    assert "loaded" in rebuilt.stderr  # the graph changed: the store is loaded anew
    assert rebuilt.stdout.splitlines()[1].endswith(",2023,1,0.0001")


def test_trace_a_policy_by_its_number_as_written(built: Path) -> None:
    # spaced and with [] as OCR and some documents write it (004 line 1619: 沪松府规〔2019〕23 号)
    result = runner.invoke(app, ["trace", "沪松府规[2019]23 号", "--graph", str(built / "graph.ttl"), "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["policy"] == "沪松府规〔2019〕23号"
    assert [(p["project"], p["yuan"]) for p in answer["projects"]] == [("高新技术企业认定专项补贴项目", "130000000")]
    assert [(t["year"], t["yuan"]) for t in answer["totals"]] == [("2023", "130000000"), ("all years", "130000000")]


def test_trace_table_shows_projects_and_totals(built: Path) -> None:
    result = runner.invoke(app, ["trace", "《长三角 G60 科创走廊建设方案》", "--graph", str(built / "graph.ttl")])
    assert result.exit_code == 0, result.output
    assert "money justified per year" in result.stdout and "13,828,000" in result.stdout


def test_trace_of_a_policy_only_cited(built: Path) -> None:
    result = runner.invoke(app, ["trace", "长三角G60科创走廊联合攻关行动方案", "--graph", str(built / "graph.ttl")])
    assert result.exit_code == 0
    assert "no project gives these documents as 立项依据 (legal basis); they are only cited" in result.stderr


def test_trace_of_an_unknown_policy(built: Path) -> None:
    result = runner.invoke(app, ["trace", "沪松府规〔2099〕1号", "--graph", str(built / "graph.ttl")])
    assert result.exit_code == 2
    assert "error: no policy document matches '沪松府规〔2099〕1号'" in result.stderr


def test_serve_until_interrupted(built: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from policykg.graph.cli import main; main()", "serve", "--port", "0",
               "--store", str(tmp_path / "store"), "--graph", str(built / "graph.trig")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), line + (process.stderr.read() if process.stderr else "")
        endpoint = line.split()[-1]
        assert process.stdout.readline().startswith("query UI: http://127.0.0.1:")
        answer = runner.invoke(app, ["trace", "沪松府规〔2019〕23号", "--endpoint", endpoint, "--format", "csv"])
        assert answer.stdout.splitlines()[1] == HIGH_TECH
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "stopping the server" in stderr
    with pytest.raises(PolicyKGError, match="cannot reach the endpoint"):
        EndpointStore(endpoint, timeout_s=2).select("ASK {}")


def test_push_command(built: Path) -> None:
    with Server(None, writable=True) as server:
        result = runner.invoke(app, ["push", server.store_url, "--graph", str(built / "graph.trig")])
        assert result.exit_code == 0, result.output
        assert re.fullmatch(rf"pushed 6 graphs, \d+ triples to {re.escape(server.store_url)}\n", result.stdout)


def test_push_to_nowhere(built: Path) -> None:
    result = runner.invoke(app, ["push", "ftp://example.org/store", "--graph", str(built / "graph.trig")])
    assert result.exit_code == 2
    assert "ftp://example.org/store: not an http(s) URL of a Graph Store endpoint" in result.stderr


def test_every_named_query_in_the_readme_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"policykg (?:query|trace)\s+([a-z][a-z0-9-]+)", readme)) - {"policy"}
    assert named and named <= {q.name for q in queries.catalog()}
