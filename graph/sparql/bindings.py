"""Query parameters as RDF terms, bound with a SPARQL ``VALUES`` block.

A parameter ``name`` is the query variable ``?_name`` (the convention of
SPARQL API tools such as grlc). ``bind`` turns the text a user typed into an
RDF term of the declared type, and ``with_values`` adds
``VALUES (?_name …) { (term …) }`` as the first element of the query's
outermost ``WHERE`` group, so the binding means the same on every store
(rdflib, Oxigraph, any SPARQL 1.1 endpoint). The text is never pasted into the
query: a literal is written with every quote and backslash escaped, an IRI is
checked against the IRIREF grammar first. Hostile input such as
``"} UNION { ?s ?p ?o } #`` stays one literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from policykg.graph.errors import QueryError

TYPES = ("xsd:string", "@zh", "xsd:gYear", "xsd:integer", "xsd:decimal", "iri")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Comments, IRIs and strings are skipped when looking for the WHERE group; an IRI cannot hold a space or
# a brace, so a comparison such as ``?a < ?b`` in a SELECT expression is never mistaken for one.
_TOKEN = re.compile(
    r'#[^\n]*|<[^<>"{}|^`\\\x00-\x20]*>'
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|[(){}]|[?$]\w+|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*|[A-Za-z]+",
    re.DOTALL,
)


def bind(name: str, text: str, type_: str = "xsd:string") -> Node:
    """The RDF term for the value ``text`` of parameter ``name`` declared with ``type_`` (one of ``TYPES``).

    Raises: QueryError naming the parameter when the text is not a value of that type.
    """
    if type_ == "xsd:string":
        return Literal(text)
    if type_ == "@zh":  # a Chinese name, to match an rdfs:label exactly (and through the store's index)
        return Literal(text, lang="zh")
    if type_ == "xsd:gYear":
        if not re.fullmatch(r"\d{4}", text):
            raise QueryError(f"parameter {name}: {text!r} is not a year; give four digits such as 2023")
        return Literal(text, datatype=XSD.gYear)
    if type_ in ("xsd:integer", "xsd:decimal"):
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise QueryError(f"parameter {name}: {text!r} is not a number") from None
        if type_ == "xsd:integer" and number != number.to_integral_value():
            raise QueryError(f"parameter {name}: {text!r} is not a whole number")
        return Literal(str(int(number)) if type_ == "xsd:integer" else str(number),
                       datatype=XSD.integer if type_ == "xsd:integer" else XSD.decimal)
    if type_ == "iri":
        if not _IRI.fullmatch(text):
            raise QueryError(f"parameter {name}: {text!r} is not an absolute IRI (no spaces, quotes, <>, braces)")
        return URIRef(text)
    raise QueryError(f"parameter {name}: unknown type {type_!r}; use one of {', '.join(TYPES)}")


def sparql_term(node: Node) -> str:
    """``node`` written in SPARQL syntax: ``<iri>``, ``"text"``, ``"text"@zh`` or ``"2023"^^<…#gYear>``.

    Raises: QueryError for an IRI outside the IRIREF grammar or a node that is not an IRI or literal.
    """
    if isinstance(node, URIRef):
        if not _IRI.fullmatch(str(node)):
            raise QueryError(f"{str(node)!r} is not an absolute IRI")
        return f"<{node}>"
    if isinstance(node, Literal):
        text = _quote(str(node))
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^{sparql_term(node.datatype)}"
        return text
    raise QueryError(f"only IRIs and literals can be bound to query parameters, not {node!r}")


def _quote(text: str) -> str:
    # SPARQL turns \uXXXX into a character before parsing, even inside strings; a "u" right after an
    # escaped backslash is therefore written as \U00000075 so that "\\u0022" cannot become a quote.
    out: list[str] = []
    after_backslash = False
    for ch in text:
        if after_backslash and ch in "uU":
            out.append(f"\\U{ord(ch):08X}")
        else:
            out.append(_ECHAR.get(ch, ch))
        after_backslash = ch == "\\"
    return '"' + "".join(out) + '"'


def with_values(query: str, bindings: Mapping[str, Node]) -> str:
    """``query`` with ``VALUES (?_name …) { (term …) }`` opening its WHERE group and that of every sub-SELECT.

    A sub-SELECT sees only its own variables, so each one gets the block too: a parameter can then narrow
    the rows where they are found rather than after all were computed. ``bindings`` maps parameter names
    (without ``?_``) to RDF terms; an empty mapping returns ``query`` unchanged. Works for SELECT, ASK and
    DESCRIBE queries. Raises: QueryError when the query has no WHERE group or is a CONSTRUCT or an update.
    """
    if not bindings:
        return query
    names = sorted(bindings)
    block = ("VALUES (" + " ".join(f"?_{n}" for n in names) + ") { ("
             + " ".join(sparql_term(bindings[n]) for n in names) + ") }")
    for at in reversed(_where_groups(query)):
        query = f"{query[:at + 1]} {block}\n{query[at + 1:]}"
    return query


def _where_groups(query: str) -> list[int]:
    """Offsets of the ``{`` opening the outermost WHERE group and the WHERE group of each sub-SELECT."""
    found: list[int] = []
    depth = 0
    select_depth: int | None = None  # paren depth of a SELECT whose WHERE group is still to come
    for m in _TOKEN.finditer(query):
        token = m.group()
        word = token.upper()
        if word in ("CONSTRUCT", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE") and not found:
            raise QueryError("parameters can be bound in SELECT, ASK and DESCRIBE queries only")
        if word == "SELECT":
            select_depth = depth
        elif token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token == "{" and (select_depth == depth or not found and depth == 0):
            found.append(m.start())
            select_depth = None
    if not found:
        raise QueryError("the query has no WHERE { … } group to bind parameters in")
    return found


def variables(query: str) -> set[str]:
    """Names of the parameters a query uses: every ``?_name`` or ``$_name`` outside comments and strings."""
    found: set[str] = set()
    code = _TOKEN.sub(lambda m: " " if m.group()[0] in "#\"'" else m.group(), query)
    for m in re.finditer(r"[?$]_(\w+)", code):
        found.add(m.group(1))
    return found
