"""Errors of the graph: queries and validation (subclasses of ``PolicyKGError``).

Every message says what was wrong, where, and what to do about it. The output
folder's errors are ``graph.run.output.OutputError`` (and ``OutputBusy``), the
endpoint's ``graph.sparql.server.ServerError``.
"""

from __future__ import annotations

from policykg.loaders.errors import PolicyKGError

__all__ = ["PolicyKGError", "QueryError", "ValidationError"]


class ValidationError(PolicyKGError):
    """The built graph violates the SHACL shapes of the ontology (``graph.validation``)."""


class QueryError(PolicyKGError):
    """A SPARQL query is missing, malformed or was given bad parameters, or a name matches nothing
    (``graph.sparql``, ``graph.answers``, ``graph.views``)."""
