"""The named query catalog: ``graph/queries/*.rq``, each with a header comment.

A header is the leading ``#`` lines: ``# title: …``, ``# description: …`` and
``# param: name — meaning`` lines. ``resolve`` accepts a catalog name, a path
to a .rq file, or SPARQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from loaders.errors import QueryError


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[str, ...]
    text: str


def _parse(name: str, text: str) -> NamedQuery:
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*(\w+):\s*(.*)$", line)
        if m:
            header.setdefault(m.group(1), []).append(m.group(2).strip())
    return NamedQuery(
        name=name,
        title=(header.get("title") or [name])[0],
        description=" ".join(header.get("description", [])),
        params=tuple(p.split()[0] for p in header.get("param", []) if p),
        text=text,
    )


def catalog() -> list[NamedQuery]:
    """Every named query, sorted by name."""
    folder = resources.files("graph").joinpath("queries")
    entries = sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".rq"))
    return [_parse(name[:-3], text) for name, text in entries]


def resolve(spec: str) -> NamedQuery:
    """A query from a catalog name, a .rq file path, or SPARQL text. Raises: QueryError."""
    for query in catalog():
        if query.name == spec:
            return query
    if spec.endswith(".rq"):
        path = Path(spec)
        if not path.exists():
            raise QueryError(f"{spec}: no such query file")
        return _parse(path.stem, path.read_text(encoding="utf-8"))
    if re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", spec, re.IGNORECASE):
        return _parse("query", spec)
    names = ", ".join(q.name for q in catalog())
    raise QueryError(f"{spec!r} is neither a named query ({names}), a .rq file, nor SPARQL text")
