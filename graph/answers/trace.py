"""Trace a policy to the money: which projects a policy document justifies, and how much, per year.

``trace(store, policy)`` answers the question policykg exists for on any
``graph.sparql.store`` store, through three named queries of the catalog
(policy-search, policy-projects-money, policy-money-by-year), so that the
answer and the SPARQL a researcher runs never disagree. Amounts are in yuan.
"""

from __future__ import annotations

from dataclasses import dataclass

from policykg.graph.errors import QueryError
from policykg.graph.sparql.queries import run_named
from policykg.graph.sparql.store import Store, Table
from policykg.loaders.text import normalize_brackets, squash


@dataclass(frozen=True, slots=True)
class Trace:
    """What ``trace`` found: the policies matching the text, the projects they justify, money per year."""

    asked: str
    searched: str
    policies: Table
    projects: Table
    totals: Table


def policy_text(text: str) -> str:
    """A policy as a user may type it, in the graph's spelling: 《》 and spaces removed, NFKC, 文号 brackets unified.

    ``"《长三角 G60 科创走廊建设方案》"`` -> ``"长三角G60科创走廊建设方案"``;
    ``"沪松府规[2019]23 号"`` -> ``"沪松府规〔2019〕23号"``.
    """
    return squash(normalize_brackets(text)).strip("《》〈〉<>\"“”")


def trace(store: Store, policy: str) -> Trace:
    """Which projects and how much money the policy documents matching ``policy`` justify, with totals per year.

    ``policy``: a 文号 (``沪松府规〔2019〕23号``), a title or part of one, or a short form a document uses
    (``建设方案``). Runs the catalog queries policy-search, policy-projects-money and policy-money-by-year.
    Raises: QueryError when no policy document matches.
    """
    searched = policy_text(policy)
    if not searched:
        raise QueryError("give a policy: a 文号 such as 沪松府规〔2019〕23号, a title, or part of a title")
    found = run_named(store, "policy-search", {"policy": searched})
    if not found.rows:
        raise QueryError(f"no policy document matches {searched!r} (searched 文号, titles and short forms); "
                         "list them with `policykg query policies-by-issuer`")
    projects = run_named(store, "policy-projects-money", {"policy": searched})
    totals = run_named(store, "policy-money-by-year", {"policy": searched})
    return Trace(policy, searched, found, projects, totals)
