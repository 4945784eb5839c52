"""The documentation keeps up with the code: every command, every named query.

Every command of the ``policykg`` command line (sub-commands such as
``export tables`` included) has help text of its own and a section of the
README's command reference (a ``### `policykg NAME``` heading); every named
query of the catalog has a header (title, description, one ``# param:`` line
per ``?_NAME`` variable) and a row in the README's table of queries.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from policykg.graph.cli import app
from policykg.graph.sparql import queries

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(name, click command) of every command under ``group`` (typer builds them with its own copy of click)."""
    found: list[tuple[str, Any]] = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix}{name}", command))
        if hasattr(command, "commands"):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_the_command_line_was_read() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"build", "query", "trace", "serve", "export", "export tables"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_and_a_readme_section(name: str, command: Any) -> None:
    assert (command.help or "").strip(), f"policykg {name} has no help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert (param.help or "").strip(), f"policykg {name} {param.opts[0]} has no help text"
    assert f"### `policykg {name}`" in README, f"README.md has no section for policykg {name}"


CATALOG = queries.catalog()


@pytest.mark.parametrize("query", CATALOG, ids=[q.name for q in CATALOG])
def test_every_named_query_has_a_header_and_a_readme_row(query: queries.NamedQuery) -> None:
    assert query.title.strip() and query.description.strip(), f"{query.name}.rq has no title or description"
    used = set(re.findall(r"\?_(\w+)", query.text))
    assert {p.name for p in query.parameters} == used, f"{query.name}.rq: # param lines and ?_NAME variables differ"
    assert all(p.description.strip() for p in query.parameters), f"{query.name}.rq: a parameter without its meaning"
    assert f"| `{query.name}` |" in README, f"README.md's table of queries has no row for {query.name}"
