"""Identity across documents: one node per real policy document.

A policy mention (《title》 and/or 文号 document number) joins the node of
every other mention that shares

- its 文号 (compared without leading zeros, GB/T 9704-2012 7.2.3 "不编虚位"),
- its title, compared by ``title_key`` (no spaces, quotation marks or angle
  brackets; one kind of parenthesis and dash), or a variant title listed in
  ``graph/data/policy_aliases.tsv``,
- a title + 文号 pair seen anywhere (《…》（沪松府〔2017〕120号） links the two),
- within one document, a title that differs from it in one Chinese character
  only (《…全面推行…》 / 《…全面推进…》, 12 characters or more, no digits involved).

A short form (《建设方案》 after 《长三角G60科创走廊建设方案》, 《计划》 after
《…三年行动计划(2023-2025年)》) is resolved per mention: to the nearest full title
before it in the same project that ends with it, else to the only such title in
the document, else to the only such title in the whole corpus. An unresolved
short generic form (《计划》 alone) stays a node of its own document and is never
merged across documents. Every form seen is kept for ``skos:altLabel``.

Works on loader records only; RDF is written by ``graph.rdf.build``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from policykg.loaders.citations import docnumber_prefixes, issuer_of
from policykg.loaders.records import Citation, Document
from policykg.loaders.text import data_table

_SELF = re.compile(r"\((?:本级|本部)\)$")
_TRAILING_YEARS = re.compile(r"\(\d{4}\s*-\s*\d{4}年?\)$")
_QUALIFIER = re.compile(r"\((修订稿|修订|试行|暂行|征求意见稿|送审稿|草案|讨论稿)\)$")
_DOCNUMBER = re.compile(r"^(?P<prefix>[^〔(]+)(?P<open>[〔(])(?P<year>\d{4})[〕)](?P<mid>\D*?)第?0*(?P<num>\d+)号$")
_DROP = str.maketrans("", "", "“”\"'‘’「」『』<>〈〉＜＞《》")
_GENERIC_SHORT = re.compile(r"^.{0,4}(?:计划|方案|意见|规划|纲要|通知|办法|条例|细则|规定|决定|报告)$")
SHORT_FORM_MAX = 8  # characters; longer titles are never taken for a short form of another


def key_hash(*parts: str) -> str:
    """A short, stable hash of an identifying key (ASCII, for IRIs)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def org_key(name: str) -> str:
    """The identity of an organization name: spaces removed, ``(本级)``/``(本部)`` dropped."""
    return _SELF.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)))


def title_key(title: str) -> str:
    """The identity of a cited title: NFKC, no spaces, no quotation marks or angle brackets, ``-`` for dashes.

    ``国家“十四五”规划和 2035 远景目标纲要`` and ``国家"十四五"规划和2035远景目标纲要``
    have the same key; so have ``（2023-2025年）`` and ``(2023—2025年)``.
    """
    text = unicodedata.normalize("NFKC", title)
    text = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")
    text = re.sub(r"[—–‐‑−－-]+", "-", text)
    return text.translate(_DROP)


def docnumber_key(doc_number: str) -> str:
    """The identity of a normalized 文号: no ``第``, no leading zeros, the year in 〔〕 however it was bracketed
    (``松委督〔2021〕034号`` -> ``松委督〔2021〕34号``; ``鲁财科教(2024)67号`` -> ``鲁财科教〔2024〕67号``)."""
    m = _DOCNUMBER.match(doc_number)
    if not m:
        return doc_number
    return f"{m['prefix']}〔{m['year']}〕{m['mid']}{m['num']}号"


def docnumber_as_cited(doc_number: str) -> str:
    """``docnumber_key`` with the year's brackets as the citation wrote them: ``鲁财科教(2024)067号`` ->
    ``鲁财科教(2024)67号`` (the spelling a policy node's ``pkg:docNumber`` keeps)."""
    m = _DOCNUMBER.match(doc_number)
    if not m or m["open"] == "〔":
        return docnumber_key(doc_number)
    return f"{m['prefix']}({m['year']}){m['mid']}{m['num']}号"


def docnumber_year(doc_number: str) -> int | None:
    """The year written in a 文号 (the year of issue), ``None`` if there is none."""
    m = _DOCNUMBER.match(doc_number)
    return int(m["year"]) if m else None


def title_qualifier(title: str) -> str | None:
    """The status a title ends with, e.g. ``修订稿`` for ``…实施意见(修订稿)``; ``None`` for a plain title."""
    m = _QUALIFIER.search(title_key(title))
    return m.group(1) if m else None


@dataclass(frozen=True, slots=True)
class PolicyAlias:
    variant: str
    title: str
    source: str


@lru_cache(maxsize=1)
def policy_aliases() -> dict[str, PolicyAlias]:
    """``graph/data/policy_aliases.tsv``: title_key of a variant title -> the title it stands for."""
    rows = data_table("policykg.graph", "policy_aliases.tsv")
    return {title_key(r["variant"]): PolicyAlias(r["variant"], r["title"], r["source"]) for r in rows}


@dataclass
class PolicyNode:
    """One real policy document and every way the sources name it.

    ``titles`` counts each written title used in full (short forms count 0 and
    only give alternative labels); ``numbered_titles`` are the titles seen with
    a 文号 right after them.
    """

    key: str
    titles: Counter[str] = field(default_factory=Counter)
    doc_numbers: Counter[str] = field(default_factory=Counter)
    numbered_titles: set[str] = field(default_factory=set)
    known_title: str | None = None  # the title policy_aliases.tsv gives for a variant that was cited

    @property
    def title(self) -> str | None:
        """The canonical title: a known official title, else the most used full title.

        Ties go to a title seen with a 文号, then the longest, then alphabetical.
        """
        full = [(t, n) for t, n in self.titles.items() if n > 0]
        if self.known_title:
            known = title_key(self.known_title)
            full = [(t, n) for t, n in full if title_key(t) == known] or [(self.known_title, 1)]
        if not full:
            # Only a short or generic form was cited (《巡检报告》, 004 line 5118): it is the only name there is.
            full = list(self.titles.items())
        if not full:
            return None
        return sorted(full, key=lambda kv: (-kv[1], kv[0] not in self.numbered_titles, -len(kv[0]), kv[0]))[0][0]

    @property
    def alt_labels(self) -> list[str]:
        """Every other written form of the title (sorted)."""
        return sorted(t for t in self.titles if t != self.title)

    @property
    def doc_number(self) -> str | None:
        if not self.doc_numbers:
            return None
        return sorted(self.doc_numbers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    @property
    def year(self) -> int | None:
        """The year of issue written in the 文号."""
        return docnumber_year(self.doc_number) if self.doc_number else None

    @property
    def issuer(self) -> str | None:
        """The issuing body: by the 文号 prefix table, else named before 关于 in the title."""
        number = self.doc_number
        found = issuer_of(number) if number else None
        if found:
            return found.name
        title = self.title or ""
        m = re.match(r"(.{2,20}?)关于", title)
        names = {i.name for i in docnumber_prefixes().values()}
        return m.group(1) if m and m.group(1) in names else None

    @property
    def issuer_en(self) -> str | None:
        names = {i.name: i.name_en for i in docnumber_prefixes().values()}
        return names.get(self.issuer or "")

    @property
    def qualifier(self) -> str | None:
        """The status the canonical title ends with (``修订稿``, ``试行`` …)."""
        return title_qualifier(self.title) if self.title else None


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
    """Maps each citation (of a document) to the policy node it names."""

    nodes: dict[str, PolicyNode]
    _member: dict[str, str]
    _occurrence: dict[tuple[str, Citation], str] = field(default_factory=dict)

    def node_of(self, citation: Citation, doc: Document | None = None) -> PolicyNode:
        """The node of ``citation``; pass its ``doc`` so that a short form resolves as in that document."""
        if doc is not None and (doc.sha256, citation) in self._occurrence:
            return self.nodes[self._occurrence[(doc.sha256, citation)]]
        return self.nodes[self._member[_member(citation)]]


def _member(citation: Citation) -> str:
    if citation.doc_number:
        return f"n:{docnumber_key(citation.doc_number)}"
    key = title_key(citation.title or "")
    alias = policy_aliases().get(key)
    return f"t:{title_key(alias.title) if alias else key}"


def _is_short_of(short: str, full: str) -> bool:
    """``short`` (a title_key) abbreviates ``full``: it ends ``full`` (years stripped) and is short."""
    if len(short) > SHORT_FORM_MAX or len(full) <= len(short) + 1:
        return False
    return _TRAILING_YEARS.sub("", full).endswith(short) or full.endswith(short)


def _one_char_apart(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < 12:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and all("\u4e00" <= ch <= "\u9fff" for ch in diff[0])


def link_policies(documents: list[Document]) -> PolicyIndex:
    """Cluster every citation of every document into policy nodes (rules in the module docstring).

    Returns: a ``PolicyIndex``; ``node_of(citation, doc)`` gives the node of a mention.
    """
    uf = _UnionFind()
    full_titles: set[str] = set()
    for doc in documents:
        for project in doc.projects:
            for c in project.citations:
                members = [_member(c)]
                if c.doc_number and c.title:
                    members.append(_member(Citation(c.title, None, c.line, c.legal_basis, c.text)))
                for m in members:
                    uf.find(m)
                for a, b in zip(members, members[1:], strict=False):
                    uf.union(a, b)
                if c.title:
                    full_titles.add(_member(Citation(c.title, None, 0, False, ""))[2:])
    shorts = {t for t in full_titles if any(_is_short_of(t, f) for f in full_titles)}
    longs = full_titles - shorts
    occurrence: dict[tuple[str, Citation], str] = {}
    for doc in documents:
        doc_titles = sorted({k for p in doc.projects for c in p.citations if c.title
                             for k in [_member(Citation(c.title, None, 0, False, ""))[2:]] if k in longs})
        for a_index, a in enumerate(doc_titles):
            for b in doc_titles[a_index + 1:]:
                if _one_char_apart(a, b):
                    uf.union(f"t:{a}", f"t:{b}")
        for project in doc.projects:
            for c in project.citations:
                key = _member(c)[2:]
                if c.doc_number or not (key in shorts or _GENERIC_SHORT.match(key)):
                    continue
                full = _resolve_short(key, c, project.citations, doc_titles, longs) if key in shorts else None
                if full:
                    occurrence[(doc.sha256, c)] = f"t:{full}"
                elif _GENERIC_SHORT.match(key):
                    occurrence[(doc.sha256, c)] = f"o:{doc.sha256[:16]}:{key}"
                    uf.find(occurrence[(doc.sha256, c)])
    return _collect(documents, uf, occurrence)


def _resolve_short(short: str, citation: Citation, in_project: tuple[Citation, ...], doc_titles: list[str],
                   longs: set[str]) -> str | None:
    before = [_member(Citation(c.title, None, 0, False, ""))[2:] for c in in_project
              if c.title and c.line <= citation.line and c is not citation]
    for key in reversed(before):
        if key in longs and _is_short_of(short, key):
            return key
    for pool in (doc_titles, sorted(longs)):
        found = [t for t in pool if _is_short_of(short, t)]
        if len(found) == 1:
            return found[0]
    return None


def _collect(documents: list[Document], uf: _UnionFind, occurrence: dict[tuple[str, Citation], str]) -> PolicyIndex:
    nodes: dict[str, PolicyNode] = {}
    member_of: dict[str, str] = {}
    resolved: dict[tuple[str, Citation], str] = {}
    for doc in documents:
        for project in doc.projects:
            for c in project.citations:
                member = _member(c)
                short = occurrence.get((doc.sha256, c))
                root = uf.find(short or member)
                node = nodes.setdefault(root, PolicyNode(key=root))
                if c.title:
                    node.titles[c.title] += 0 if short else 1
                    alias = policy_aliases().get(title_key(c.title))
                    if alias and not short:
                        node.known_title = alias.title
                if c.doc_number:
                    node.doc_numbers[docnumber_as_cited(c.doc_number)] += 1
                    if c.title:
                        node.numbered_titles.add(c.title)
                if short:
                    resolved[(doc.sha256, c)] = root
                    member_of.setdefault(member, root)
                else:
                    member_of[member] = root
    for node in nodes.values():
        node.key = _node_key(node)
    return PolicyIndex(nodes, member_of, resolved)


def _node_key(node: PolicyNode) -> str:
    if node.doc_number:
        return f"n:{docnumber_key(node.doc_number)}"
    if node.key.startswith("o:"):
        return node.key
    return f"t:{title_key(node.title or node.key[2:])}"
