"""Every project of every seed, checked against the golden files (read from the documents)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policykg.loaders import Document
from tests.conftest import SEED_FILES, golden

MONEY = ("total", "annual", "fiscal", "appropriation", "carry_over", "other", "initial", "adjusted", "executed")


def _key(name: str, parent: str | None, unit: str | None) -> tuple[str, str | None, str | None]:
    return name, parent, unit


def _projects(doc: Document) -> dict:
    found: dict = {}
    for p in doc.projects:
        key = _key(p.name, p.parent, p.budget_unit)
        assert key not in found, f"{doc.file_name}: project {key} read twice"
        found[key] = p
    return found


@pytest.mark.parametrize("name", SEED_FILES)
def test_document_header(documents: dict[str, Document], name: str) -> None:
    doc, expected = documents[name], golden(name)
    assert doc.layout == expected["layout"]
    assert doc.kind == expected["kind"]
    assert doc.fiscal_year == expected["fiscal_year"]
    assert doc.department == expected["department"]
    total = expected["declared_total_yuan"]
    assert (doc.declared_total.yuan if doc.declared_total else None) == (Decimal(total) if total else None)
    assert doc.declared_project_count == expected["declared_project_count"]


@pytest.mark.parametrize("name", SEED_FILES)
def test_every_project_and_only_those(documents: dict[str, Document], name: str) -> None:
    expected = {_key(p["name"], p["parent"], p.get("budget_unit")) for p in golden(name)["projects"]}
    assert set(_projects(documents[name])) == expected


def _cases() -> list[tuple[str, dict]]:
    return [(name, p) for name in SEED_FILES for p in golden(name)["projects"]]


@pytest.mark.parametrize(("name", "expected"), _cases(), ids=lambda v: v if isinstance(v, str) else v["name"])
def test_project_facts(documents: dict[str, Document], name: str, expected: dict) -> None:
    project = _projects(documents[name])[_key(expected["name"], expected["parent"], expected.get("budget_unit"))]
    assert project.fiscal_year == expected["fiscal_year"]
    for field in ("department", "implementing_unit", "nature", "category", "heading", "line"):
        if field in expected:
            assert getattr(project, field) == expected[field], field
    for field in ("start_date", "end_date"):
        if field in expected:
            assert str(getattr(project, field)) == expected[field], field
    for field in MONEY:
        amount = getattr(project.funds, field)
        if field in expected["funds"]:
            assert amount is not None, f"{field} missing"
            assert amount.yuan == Decimal(expected["funds"][field]), field
    if "execution_rate" in expected:
        assert project.funds.execution_rate == Decimal(expected["execution_rate"])
    if "total_score" in expected:
        assert project.total_score == Decimal(expected["total_score"])


@pytest.mark.parametrize("name", SEED_FILES)
def test_top_level_projects_add_up_to_the_declared_total(documents: dict[str, Document], name: str) -> None:
    doc = documents[name]
    if doc.declared_total is None:
        pytest.skip("a self-evaluation declares no total")
    top = [p for p in doc.projects if p.funds.total is not None or p.funds.annual is not None]
    top = [p for p in top if p.parent is None or not any(q.name == p.parent and q.funds.annual for q in doc.projects)]
    total = sum((p.funds.annual.yuan for p in top if p.funds.annual), Decimal(0))
    assert abs(total - doc.declared_total.yuan) < 100  # the summary rounds to 0.01 万元
