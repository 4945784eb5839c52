"""Shared fixtures: the seed documents, their golden files, and the built graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from policykg.graph.rdf.build import union_graph
from policykg.graph.run.pipeline import build_dataset
from policykg.loaders import Document, load

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))


def golden(name: str) -> dict:
    return json.loads((GOLDEN / name.replace(".txt", ".json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def documents() -> dict[str, Document]:
    return {name: load(SEEDS / name) for name in SEED_FILES}


@pytest.fixture(scope="session")
def seed_graph(documents: dict[str, Document]) -> Graph:
    return union_graph(build_dataset(documents.values()))
