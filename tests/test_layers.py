"""The import rules each package's ``__init__`` docstring states, read from the sources.

Every ``import`` and ``from … import`` of every module (inside functions and
``TYPE_CHECKING`` blocks too) is collected with ``ast`` and checked against
the rules: one importable name (``policykg.…``, never the bare folder names),
loaders below graph, ontology below both, and the rooms of ``policykg.graph``
in the order data flows through them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"policykg": "policykg", "loaders": "policykg.loaders", "graph": "policykg.graph",
           "ontology": "policykg.ontology"}


def _module_name(path: Path) -> str:
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    parts = [FOLDERS[folder], *rest]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}:{node.lineno}: a relative import; the project imports policykg.… by name"
            found.add(node.module or "")
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {_module_name(p): _imports(p) for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))}


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _offending(modules: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{module} imports {name}" for module, names in MODULES.items() if _within(module, modules)
                  for name in names if _within(name, forbidden))


def test_the_sources_were_found() -> None:
    assert {"policykg.loaders", "policykg.graph.cli", "policykg.graph.run.pipeline", "policykg.ontology"} <= set(MODULES)


def test_every_import_uses_the_one_package_name() -> None:
    assert _offending(("policykg",), ("loaders", "graph", "ontology")) == []


RULES = [
    # (modules, what they must never import, why)
    (("policykg.loaders",), ("rdflib", "pyoxigraph", "policykg.graph"), "loaders return records, never RDF"),
    (("policykg.ontology",), ("policykg.loaders", "policykg.graph"), "the vocabulary depends on nothing of ours"),
    (("policykg.graph.linking", "policykg.graph.audit"),
     ("rdflib", "pyoxigraph", "policykg.graph.rdf", "policykg.graph.run", "policykg.graph.sparql",
      "policykg.graph.answers", "policykg.graph.views", "policykg.graph.validation", "policykg.graph.cli"),
     "identity and the audit are computed over the records"),
    (("policykg.graph.rdf",), ("policykg.graph.run", "policykg.graph.sparql", "policykg.graph.answers",
                               "policykg.graph.views", "policykg.graph.cli"), "emission knows no build or store"),
    (("policykg.graph.run",), ("policykg.graph.sparql", "policykg.graph.answers", "policykg.graph.views",
                               "policykg.graph.cli"), "the build knows no consumer"),
    (("policykg.graph.sparql",), ("policykg.graph.answers", "policykg.graph.views", "policykg.graph.run",
                                  "policykg.graph.cli"), "stores and queries know no answer"),
    (("policykg.graph.answers",), ("policykg.graph.views", "policykg.graph.run", "policykg.graph.cli"),
     "answers are drawn by views, not the other way"),
    (("policykg.graph.views",), ("policykg.graph.run", "policykg.graph.cli"), "views read stores"),
]


@pytest.mark.parametrize(("modules", "forbidden", "why"), RULES, ids=[r[0][0] for r in RULES])
def test_a_room_never_imports_what_its_docstring_forbids(modules: tuple[str, ...], forbidden: tuple[str, ...],
                                                          why: str) -> None:
    assert _offending(modules, forbidden) == [], why


def _importers(names: tuple[str, ...]) -> set[str]:
    return {module for module, imported in MODULES.items() if any(_within(n, names) for n in imported)}


def test_only_the_command_line_imports_typer_and_rich() -> None:
    assert _importers(("typer", "rich")) == {"policykg.graph.cli"}


def test_only_the_views_import_pyvis() -> None:
    assert _importers(("pyvis",)) and all(_within(m, ("policykg.graph.views",)) for m in _importers(("pyvis",)))


def test_every_package_says_what_it_owns() -> None:
    packages = [p for p in sorted(ROOT.glob("*/**/__init__.py")) if p.relative_to(ROOT).parts[0] in FOLDERS]
    assert len(packages) >= 10
    for init in packages:
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 12, f"{init.relative_to(ROOT)} has no docstring saying what it owns"
