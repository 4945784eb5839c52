"""The command line through typer's CliRunner: exact messages and exit codes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from policykg.graph.cli import app
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
    assert 'src="http' not in page and 'href="http' not in page
    assert "vis.Network" in page


def test_evolution_prints_the_timeline_and_target_changes(tmp_path: Path) -> None:
    runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    result = runner.invoke(app, ["evolution", "金融赋能", "--graph", str(tmp_path / "graph.ttl")])
    assert result.exit_code == 0, result.output
    assert "via parent G60科创走廊建设" in result.stdout and "2023 金融赋能 (" in result.stdout
    assert "九城市累计发行双创债企业数量" in result.stdout and "≥100家" in result.stdout and "raised" in result.stdout
    missing = runner.invoke(app, ["evolution", "没有这个项目", "--graph", str(tmp_path / "graph.ttl")])
    assert missing.exit_code == 2
    assert "no project named '没有这个项目' in the graph" in missing.stderr


F004 = "004_b5c1e20c1c71ec69.txt"


def test_validate_exit_codes(tmp_path: Path) -> None:
    runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    ok = runner.invoke(app, ["validate", "--graph", str(tmp_path / "graph.ttl")])
    assert ok.exit_code == 0, ok.output
    assert "the graph conforms to the SHACL shapes: 0 violations" in ok.stderr
    # a second fiscal year on 城市数字化 (004 line 190: 项目名称 城市数字化, 2023 年度)
    broken = tmp_path / "broken.ttl"
    text = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    broken.write_text(text + '\n<https://w3id.org/policykg/id/project/2023-8126be2ee3c8> '
                      '<https://w3id.org/policykg#fiscalYear> "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n',
                      encoding="utf-8")
    bad = runner.invoke(app, ["validate", "--graph", str(broken)])
    assert bad.exit_code == 1
    assert (f"project 城市数字化 ({F004}:190): has 2 pkg:fiscalYear values; "
            "a project has exactly one fiscal year (pkg:fiscalYear, an xsd:gYear)") in bad.stdout.splitlines()
    assert "the graph does NOT conform to the SHACL shapes" in bad.stderr
    zh = runner.invoke(app, ["validate", "--graph", str(broken), "--lang", "zh"])
    assert zh.exit_code == 1 and f"项目 城市数字化（{F004}:190）：pkg:fiscalYear 有 2 个值" in zh.stdout
    missing = runner.invoke(app, ["validate", "--graph", str(tmp_path / "nothing.ttl")])
    assert missing.exit_code == 2
    assert "no such graph; run `policykg build SOURCES --out" in missing.stderr
    wrong_lang = runner.invoke(app, ["validate", "--graph", str(broken), "--lang", "fr"])
    assert wrong_lang.exit_code == 2 and "unknown --lang 'fr'; use en or zh" in wrong_lang.stderr


def test_build_fails_on_a_violation_but_writes_the_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Graph

    import policykg.graph.validation as validation
    from policykg.ontology import ontology_path

    # a stricter rule than the shipped shapes: every project states its 项目资金总额. The sub-projects of
    # 004 give only their own amount in the heading, e.g. line 19: 1、手机信号检测（10 万）.
    strict = Graph().parse(ontology_path("shapes.ttl"), format="turtle")
    strict.parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix pkg: <https://w3id.org/policykg#> .
        <urn:test:TotalFunds> a sh:NodeShape ; sh:targetClass pkg:Project ;
            sh:property [ sh:path pkg:totalFunds ; sh:minCount 1 ; sh:message "test rule: a project states its total funds"@en ] .""",
                 format="turtle")
    monkeypatch.setattr(validation, "_shapes", lambda: strict)
    result = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert f"project 手机信号检测 ({F004}:19): has no pkg:totalFunds; test rule: a project states its total funds" in result.stderr
    assert "`policykg validate` lists them all" in result.stderr
    assert "the graph does NOT conform to the SHACL shapes" in result.stderr
    assert all((tmp_path / name).exists() for name in ("graph.ttl", "graph.trig", "graph.nt", "graph.jsonld", "context.jsonld"))
    skipped = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path / "unchecked"), "--no-validate"])
    assert skipped.exit_code == 0 and "SHACL" not in skipped.stderr


def test_a_second_build_takes_every_document_from_the_cache(tmp_path: Path) -> None:
    first = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    assert "80 projects, " in first.stderr and "; 5 documents parsed, 0 from the cache, 5 named graphs rebuilt" in first.stderr
    second = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path)])
    assert second.exit_code == 0, second.output
    assert "; 0 documents parsed, 5 from the cache, 0 named graphs rebuilt" in second.stderr
    fresh = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path), "--no-cache", "--workers", "2"])
    assert "5 documents parsed, 0 from the cache, 5 named graphs rebuilt" in fresh.stderr
