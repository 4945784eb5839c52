"""The named query catalog: ``graph/sparql/queries/*.rq``, each with a header comment.

A header is the leading ``#`` lines: ``# title: …``, ``# description: …`` and
one ``# param: NAME [TYPE] [optional] — meaning`` line per parameter. TYPE is
one of ``graph.sparql.bindings.TYPES`` (default ``xsd:string``); parameter NAME is
the variable ``?_NAME`` in the query. ``resolve`` accepts a catalog name, a
path to a .rq file, or SPARQL text; ``run_named`` binds ``name=value`` texts
as RDF terms and runs the query on any ``graph.sparql.store`` store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib.term import Node

from policykg.graph.errors import QueryError
from policykg.graph.sparql.bindings import TYPES, bind, variables
from policykg.graph.sparql.store import Store, Table, run


@dataclass(frozen=True, slots=True)
class Param:
    """One declared parameter: ``name`` (the variable ``?_name``), RDF type, whether it may be left out."""

    name: str
    type: str = "xsd:string"
    optional: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[str, ...]
    text: str
    parameters: tuple[Param, ...] = ()


def _parse(name: str, text: str) -> NamedQuery:
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*(\w+):\s*(.*)$", line)
        if m:
            header.setdefault(m.group(1), []).append(m.group(2).strip())
    parameters = tuple(_param(name, p) for p in header.get("param", []) if p)
    return NamedQuery(
        name=name,
        title=(header.get("title") or [name])[0],
        description=" ".join(header.get("description", [])),
        params=tuple(p.name for p in parameters),
        text=text,
        parameters=parameters,
    )


def _param(query: str, line: str) -> Param:
    m = re.match(r"(?P<head>.*?)(?:\s+[—–-]\s+(?P<meaning>.*))?$", line)
    head, meaning = (m.group("head"), m.group("meaning") or "") if m else (line, "")
    words = head.split()
    type_ = next((w for w in words[1:] if w in TYPES), "xsd:string")
    unknown = [w for w in words[1:] if w not in TYPES and w != "optional"]
    if unknown:
        raise QueryError(f"query {query}: parameter line '# param: {line}' has unknown words {unknown}; "
                         f"write '# param: NAME [{'|'.join(TYPES)}] [optional] — meaning'")
    return Param(words[0], type_, "optional" in words[1:], meaning.strip())


def catalog() -> list[NamedQuery]:
    """Every named query, sorted by name."""
    folder = resources.files("policykg.graph.sparql").joinpath("queries")
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


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``["policy=建设方案", "year=2023"]`` -> ``{"policy": "建设方案", "year": "2023"}``.

    Only the first ``=`` splits, so values may contain ``=``. Raises: QueryError for a pair without ``=``.
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {pair!r}: write --param NAME=VALUE")
        params[name.strip()] = value
    return params


def bind_params(query: NamedQuery, values: Mapping[str, str]) -> dict[str, Node]:
    """Typed RDF terms for the ``name -> text`` values of ``query``'s parameters.

    A catalog query accepts its declared parameters (every one not marked optional is required);
    a query without ``# param:`` lines accepts any ``?_name`` variable it uses, as a string.
    Raises: QueryError naming a missing, unknown or ill-typed parameter.
    """
    declared = {p.name: p for p in query.parameters}
    if not declared:
        declared = {name: Param(name, optional=True) for name in sorted(variables(query.text))}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name} has no parameter {', '.join(unknown)} (its parameters: {known})")
    missing = [p.name for p in declared.values() if not p.optional and p.name not in values]
    if missing:
        raise QueryError(f"query {query.name} needs --param {missing[0]}=VALUE"
                         + (f" ({declared[missing[0]].description})" if declared[missing[0]].description else ""))
    return {name: bind(name, text, declared[name].type) for name, text in values.items()}


def run_named(store: Store, spec: str | NamedQuery, values: Mapping[str, str] | None = None) -> Table:
    """Run a named query (or .rq file, or SPARQL text) on ``store`` with ``name -> text`` parameters.

    Returns: the SELECT answer. Raises: QueryError (unknown query, bad parameter, bad SPARQL, store error).
    """
    query = spec if isinstance(spec, NamedQuery) else resolve(spec)
    return run(store, query.text, bind_params(query, values or {}))
