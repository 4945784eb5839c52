"""Identity across documents: one node per real policy document and per organization.

Policy mentions (《title》 and/or 文号) are merged when they share a 文号, a
normalized title, or appear together as a title + 文号 pair anywhere; a short
form a document uses for a title it cited in full (《建设方案》 after
《长三角G60科创走廊建设方案》) joins that title's node. Every form seen is kept
so the graph can give it as ``skos:altLabel``. Organizations are keyed by their
normalized name; ``（本级）`` / ``（本部）`` name the department itself.

Works on loader records only; RDF is written by ``graph.build``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.citations import issuer_of
from loaders.records import Citation, Document

_SELF = re.compile(r"\((?:本级|本部)\)$")
_TRAILING_YEARS = re.compile(r"\(\d{4}\s*[-—–]\s*\d{4}年?\)$")


def key_hash(*parts: str) -> str:
    """A short, stable hash of an identifying key (ASCII, for IRIs)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def org_key(name: str) -> str:
    """The identity of an organization name: spaces removed, ``(本级)``/``(本部)`` dropped."""
    return _SELF.sub("", re.sub(r"\s+", "", name))


@dataclass
class PolicyNode:
    """One real policy document and every way the sources name it."""

    key: str
    titles: Counter[str] = field(default_factory=Counter)
    doc_numbers: Counter[str] = field(default_factory=Counter)

    @property
    def title(self) -> str | None:
        """The most used full title (ties: the longest, then alphabetical)."""
        if not self.titles:
            return None
        return sorted(self.titles.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]

    @property
    def doc_number(self) -> str | None:
        if not self.doc_numbers:
            return None
        return sorted(self.doc_numbers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    @property
    def issuer(self) -> str | None:
        number = self.doc_number
        found = issuer_of(number) if number else None
        return found.name if found else None


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class PolicyIndex:
    """Maps each citation to the policy node it names."""

    nodes: dict[str, PolicyNode]
    _member: dict[str, str]

    def node_of(self, citation: Citation) -> PolicyNode:
        member = f"n:{citation.doc_number}" if citation.doc_number else f"t:{citation.title}"
        return self.nodes[self._member[member]]


def _short_forms(titles: set[str]) -> dict[str, str]:
    """Short title -> the full title it abbreviates, when exactly one full title ends with it."""
    mapping: dict[str, str] = {}
    for short in titles:
        candidates = [t for t in titles if t != short and len(t) > len(short) + 1
                      and _TRAILING_YEARS.sub("", t).endswith(short)]
        if len(candidates) == 1:
            mapping[short] = candidates[0]
    return mapping


def link_policies(documents: list[Document]) -> PolicyIndex:
    """Cluster every citation of every document into policy nodes.

    Short forms are resolved within the document that uses them (a document
    abbreviates titles it has cited in full).
    """
    uf = _UnionFind()
    for doc in documents:
        titles = {c.title for p in doc.projects for c in p.citations if c.title}
        short = _short_forms(titles)
        for project in doc.projects:
            for c in project.citations:
                members = []
                if c.title:
                    members.append(f"t:{c.title}")
                    if c.title in short:
                        members.append(f"t:{short[c.title]}")
                if c.doc_number:
                    members.append(f"n:{c.doc_number}")
                for m in members:
                    uf.find(m)
                for a, b in zip(members, members[1:], strict=False):
                    uf.union(a, b)
    nodes: dict[str, PolicyNode] = {}
    member_of: dict[str, str] = {}
    for doc in documents:
        titles = {c.title for p in doc.projects for c in p.citations if c.title}
        short = _short_forms(titles)
        for project in doc.projects:
            for c in project.citations:
                root = uf.find(f"n:{c.doc_number}" if c.doc_number else f"t:{c.title}")
                node = nodes.setdefault(root, PolicyNode(key=root))
                if c.title and c.title not in short:
                    node.titles[c.title] += 1
                elif c.title:
                    node.titles[c.title] += 0  # kept as an alternative label, never the canonical title
                if c.doc_number:
                    node.doc_numbers[c.doc_number] += 1
                member_of[f"n:{c.doc_number}" if c.doc_number else f"t:{c.title}"] = root
    for node in nodes.values():
        full = [t for t, n in node.titles.items() if n > 0]
        if full:
            node.key = f"n:{node.doc_number}" if node.doc_number else f"t:{sorted(full, key=lambda t: (-node.titles[t], -len(t), t))[0]}"
        else:
            node.key = f"n:{node.doc_number}" if node.doc_number else node.key
    return PolicyIndex(nodes, member_of)
