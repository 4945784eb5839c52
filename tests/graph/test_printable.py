"""Terminal escapes in documents reach no terminal and no menu raw: they are shown escaped (graph.printable)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.graph.cli import app
from policykg.graph.printable import printable
from tests.conftest import SEEDS

runner = CliRunner()
TITLE = "\x1b]0;title\x07"  # sets a terminal window's title
CLEAR = "\x1b[2J"  # clears the screen
RAW = ("\x1b", "\x07", "\x9b")


def test_printable_writes_controls_out() -> None:
    assert printable(f"G60{TITLE}科创{CLEAR}") == "G60\\x1b]0;title\\x07科创\\x1b[2J"
    assert printable("a\tb\nc\r\x7f\x9b\u202e") == "a\\tb\\nc\\r\\x7f\\x9b\\u202e"
    assert printable("长三角G60科创走廊 《建设方案》 ≥50家 😀") == "长三角G60科创走廊 《建设方案》 ≥50家 😀"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The self-evaluation 003 under a name holding both escapes, and its project renamed with them."""
    folder = tmp_path_factory.mktemp("hostile")
    text = (SEEDS / "003_9ccbaafc82c3a09f.txt").read_text(encoding="utf-8")
    assert text.count("项目名称\tG60科创走廊建设") == 1
    text = text.replace("项目名称\tG60科创走廊建设", f"项目名称\tG60科创{TITLE}走廊{CLEAR}建设")
    (folder / f"hostile{TITLE}{CLEAR}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["build", str(hostile), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    return out, result.stderr + result.stdout


def assert_escaped(output: str) -> None:
    for char in RAW:
        assert char not in output
    assert "\\x1b]0;title\\x07" in output


def test_build_findings_and_summary(built: tuple[Path, str]) -> None:
    _, output = built
    assert_escaped(output)
    assert "hostile\\x1b]0;title\\x07\\x1b[2J.txt" in output  # the summary table
    assert "hostile\\x1b]0;title\\x07\\x1b[2J.txt:70: 实际完成值 cell holds table header text" in output  # a finding


def test_query_table(built: tuple[Path, str]) -> None:
    out, _ = built
    text = ("SELECT ?name WHERE { ?p a <https://w3id.org/policykg#Project> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER(CONTAINS(?name, 'G60')) }")
    result = runner.invoke(app, ["query", text, "--graph", str(out / "graph.ttl")])
    assert result.exit_code == 0, result.output
    assert_escaped(result.stdout)
    assert "G60科创\\x1b]0;title\\x07走廊\\x1b[2J建设" in result.stdout


def test_csv_into_a_pipe_keeps_the_exact_text(built: tuple[Path, str]) -> None:
    out, _ = built
    text = ("SELECT ?name WHERE { ?p a <https://w3id.org/policykg#Project> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER(CONTAINS(?name, 'G60')) }")
    result = runner.invoke(app, ["query", text, "--graph", str(out / "graph.ttl"), "--format", "csv"])
    assert f"G60科创{TITLE}走廊{CLEAR}建设" in result.stdout  # data for a program, not a terminal


def test_coverage(hostile: Path) -> None:
    result = runner.invoke(app, ["coverage", str(hostile)])
    assert_escaped(result.stdout + result.stderr)
    assert "hostile\\x1b]0;title\\x07\\x1b[2J.txt:" in result.stdout


def test_an_unreadable_file_named_with_escapes(tmp_path: Path) -> None:
    (tmp_path / f"empty{TITLE}.txt").write_text("", encoding="utf-8")
    (tmp_path / "good.txt").write_bytes((SEEDS / "003_9ccbaafc82c3a09f.txt").read_bytes())
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert_escaped(result.stderr)
    assert "empty\\x1b]0;title\\x07.txt: the file is empty" in result.stderr


def test_view_menus(built: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = built
    page = tmp_path / "view.html"
    result = runner.invoke(app, ["view", "--graph", str(out / "graph.ttl"), "--out", str(page), "--focus", "G60科创"])
    assert result.exit_code == 0, result.output
    assert_escaped(result.stdout + result.stderr)
    html = page.read_text(encoding="utf-8")
    for char in RAW:
        assert char not in html
    assert ">G60科创\\x1b]0;title\\x07走廊\\x1b[2J建设 (project" in html
