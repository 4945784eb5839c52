"""Provenance grows with the format: pkg:sourcePage for PDFs, pkg:sourceCell for sheets and tables.

The forms are ``bench.office_files.SELF_EVALUATION`` (read by the self-evaluation layout): its
年度资金总额 row is line 6 of the rendering — sheet row 6 of 自评表, row 4 of the PDF's first table on page 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal

from bench import office_files as of
from policykg.graph.answers.describe import source_of
from policykg.graph.cli import _with_place
from policykg.graph.rdf.build import source_cell, union_graph
from policykg.graph.run.pipeline import build_dataset
from policykg.loaders import load
from policykg.loaders.grid import Origin
from policykg.ontology import PKG

FORM = (of.SELF_EVALUATION,)


def _executed_note(graph):  # noqa: ANN001, ANN202 - the amountAsWritten node of pkg:executedAmount
    return next(n for n in graph.subjects(PKG.writtenFor, PKG.executedAmount))


def _graph(path: Path):  # noqa: ANN202
    return union_graph(build_dataset([load(path)]))


def test_sheet_cell_beside_the_line(tmp_path: Path) -> None:
    path = tmp_path / "selfeval.xlsx"
    path.write_bytes(of.xlsx_bytes(FORM))
    graph = _graph(path)
    note = _executed_note(graph)
    assert graph.value(note, PKG.sourceLine) == Literal(6)
    assert graph.value(note, PKG.sourceCell) == Literal("自评表!A6")
    assert graph.value(note, PKG.sourcePage) is None


def test_pdf_page_and_table_cell(tmp_path: Path) -> None:
    path = tmp_path / "selfeval.pdf"
    data, lines = of.pdf_bytes(FORM)
    path.write_bytes(data)
    graph = _graph(path)
    note = _executed_note(graph)
    assert lines[5].startswith("\t年度资金总额")  # line 6 of the rendering
    assert (graph.value(note, PKG.sourceLine), graph.value(note, PKG.sourcePage), graph.value(note, PKG.sourceCell)) == (
        Literal(6), Literal(1), Literal("table 1 row 4 col 1"))
    project = next(graph.subjects(PKG.executedAmount, None))
    assert source_of(graph, project) == "selfeval.pdf line 3 (p. 1, table 1 row 1 col 1)"


def test_text_documents_carry_only_the_line(tmp_path: Path) -> None:
    path = tmp_path / "selfeval.txt"
    path.write_text("\n".join(of.text_lines(FORM)), encoding="utf-8")
    graph = _graph(path)
    assert not list(graph.subject_objects(PKG.sourcePage)) and not list(graph.subject_objects(PKG.sourceCell))
    assert graph.value(_executed_note(graph), PKG.sourceLine) == Literal(6)


@pytest.mark.parametrize(("origin", "expected"), [
    (Origin(6, sheet="自评表", cell="C6", row=6, column=3), "自评表!C6"),
    (Origin(9, page=2, table=1, row=4, column=2), "table 1 row 4 col 2"),
    (Origin(3, page=1, row=3, column=2), "row 3 col 2"),
    (Origin(1, page=1), None),
    (None, None),
])
def test_source_cell(origin: Origin | None, expected: str | None) -> None:
    assert source_cell(origin) == expected


def test_coverage_names_page_and_cell(tmp_path: Path) -> None:
    path = tmp_path / "selfeval.pdf"
    path.write_bytes(of.pdf_bytes(FORM)[0])
    document = load(path)
    assert _with_place(document, f"{path}:6: not understood", 6) == f"{path}:6 (p. 1, table 1 row 4 col 1): not understood"
    assert _with_place(document, "cut off", 1) == "selfeval.pdf:1 (p. 1): cut off"
