"""One node per organization across documents, with its hierarchy.

Names are made canonical by ``org_key`` (spaces and ``(本级)``/``(本部)`` dropped)
and the alias table ``graph/data/org_aliases.tsv`` (区科委 -> 上海市松江区科学技术委员会,
上交所 -> 上海证券交易所 …). The hierarchy comes from the forms themselves — a
budget unit (预算单位) or implementing unit (实施单位) other than the department
(主管部门) is one of its units; a division (实施主体 such as 信息化推进科 or
区科创发展办(G60联席办)宣传组) belongs to the project's implementing unit — and
from relations the documents state in words (``graph/data/org_relations.tsv``).

Works on loader records only; RDF is written by ``graph.rdf.build``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from policykg.graph.linking.link import org_key
from policykg.loaders.citations import docnumber_prefixes
from policykg.loaders.records import Document, Project
from policykg.loaders.text import data_table

# 实施主体 values that name every group of the unit rather than one division.
_COLLECTIVE = {"各组", "各科室", "各部门", "各处室"}


@dataclass(frozen=True, slots=True)
class Relation:
    """``subject`` is ``predicate`` (an org: term) ``object``; ``source`` says where this is written."""

    subject: str
    predicate: str  # "subOrganizationOf" or "linkedTo"
    object: str
    source: str


@lru_cache(maxsize=1)
def org_aliases() -> dict[str, tuple[str, str]]:
    """``graph/data/org_aliases.tsv``: org_key of a short name -> (canonical name, source)."""
    return {org_key(r["alias"]): (r["name"], r["source"]) for r in data_table("policykg.graph", "org_aliases.tsv")}


@lru_cache(maxsize=1)
def stated_relations() -> tuple[Relation, ...]:
    """``graph/data/org_relations.tsv`` as Relations."""
    return tuple(Relation(r["subject"], r["predicate"], r["object"], r["source"])
                 for r in data_table("policykg.graph", "org_relations.tsv"))


def canonical_org(name: str) -> str:
    """The canonical name of an organization as written (``区科委`` -> ``上海市松江区科学技术委员会``)."""
    key = org_key(name)
    found = org_aliases().get(key)
    return found[0] if found else key


@dataclass(frozen=True, slots=True)
class Division:
    """A division (科, 部, 组) named in 实施主体, as part of ``parent`` (a canonical name)."""

    name: str  # e.g. 宣传组, 信息化推进科
    parent: str
    written: str  # as the document wrote it, e.g. 区科创发展办(G60联席办)宣传组

    @property
    def key(self) -> str:
        return f"{self.parent}/{self.name}"


@dataclass
class OrgIndex:
    """Every organization of a corpus: canonical names, written forms, hierarchy.

    ``names`` maps each canonical name to the written forms seen; ``relations``
    holds ``subOrganizationOf`` (unit -> department, division -> unit) and the
    relations of ``org_relations.tsv``, each with the first place that states
    it; ``divisions`` the divisions found (by ``Division.key``).
    """

    names: dict[str, set[str]] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], Relation] = field(default_factory=dict)
    divisions: dict[str, Division] = field(default_factory=dict)

    def relate(self, relation: Relation) -> None:
        """Record a relation unless the same one is already known."""
        self.relations.setdefault((relation.subject, relation.predicate, relation.object), relation)

    def parents(self, name: str) -> set[str]:
        """Organizations ``name`` is a sub-organization of (directly)."""
        return {o for s, p, o in self.relations if s == name and p == "subOrganizationOf"}

    def related(self, a: str, b: str) -> bool:
        """True when one is a (transitive) sub-organization of the other, they share one, or are linked."""
        if a == b:
            return True
        if "_related" not in self.__dict__:  # computed once: relations do not change after indexing
            self.__dict__["_related"] = {}
            self.__dict__["_pairs"] = {frozenset((s, o)) for s, _, o in self.relations}
            parents: dict[str, set[str]] = defaultdict(set)
            for s, p, o in self.relations:
                if p == "subOrganizationOf":
                    parents[s].add(o)
            self.__dict__["_parents"] = parents
        cache: dict[tuple[str, str], bool] = self.__dict__["_related"]
        pairs: set[frozenset[str]] = self.__dict__["_pairs"]
        key = (a, b) if a < b else (b, a)
        if key not in cache:
            up_a, up_b = self._ancestors(a), self._ancestors(b)
            cache[key] = frozenset(key) in pairs or a in up_b or b in up_a or bool(up_a & up_b)
        return cache[key]

    def _ancestors(self, name: str) -> set[str]:
        parents: dict[str, set[str]] | None = self.__dict__.get("_parents")
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            for parent in (parents.get(current, set()) if parents is not None else self.parents(current)):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def add(self, written: str) -> str:
        """Record a written name; returns its canonical name."""
        name = canonical_org(written)
        self.names.setdefault(name, set()).add(unicodedata.normalize("NFKC", written).strip())
        return name

    def aliases_of(self, name: str) -> list[str]:
        """Keys of every short name of ``name`` in the alias table, longest first."""
        return sorted((a for a, (n, _) in org_aliases().items() if n == name), key=lambda a: (-len(a), a))

    def named_org(self, written: str, parent: str) -> str | None:
        """The organization a 实施主体 names when it is not a division: itself if known, else None."""
        name = canonical_org(written)
        return name if name == parent or name in self.names else None

    def division_of(self, written: str, parent: str) -> Division | None:
        """The division ``written`` names inside ``parent``; ``None`` when it names the unit itself.

        Strips a leading name of the parent (区科创发展办…) and a bracketed name
        of another office (…(G60联席办)宣传组, …(G60联席办产业组)); 各组 means the
        whole unit.
        """
        text = org_key(written)
        if self.named_org(written, parent):
            return None
        for alias in [*self.aliases_of(parent), org_key(parent)]:
            if text.startswith(alias):
                text = text[len(alias):]
                break
        m = re.fullmatch(r"\((.*)\)(.*)", text)
        if m:
            inner, after = m.groups()
            for alias in sorted(org_aliases(), key=lambda a: (-len(a), a)):
                if inner.startswith(alias):
                    inner = inner[len(alias):]
                    break
            text = after or inner
        if not text or text in _COLLECTIVE:
            return None
        return Division(text, parent, unicodedata.normalize("NFKC", written))


def index_organizations(documents: Iterable[Document]) -> OrgIndex:
    """Collect every organization the documents name in form fields, with the hierarchy the forms imply."""
    index = OrgIndex()
    issuers = {i.name for i in docnumber_prefixes().values()}
    for name in issuers:
        index.add(name)
    for alias_name, _ in org_aliases().values():
        index.add(alias_name)
    docs = list(documents)
    for doc in docs:
        for project in doc.projects:
            for written in (project.department, project.implementing_unit, project.budget_unit):
                if written:
                    index.add(written)
    for doc in docs:
        for project in doc.projects:
            _add_hierarchy(index, doc, project)
    for relation in stated_relations():
        index.add(relation.subject)
        index.add(relation.object)
        index.relate(relation)
    return index


def unit_of(project: Project) -> str | None:
    """The canonical name of the unit that carries out ``project`` (实施单位, else 主管部门)."""
    written = project.implementing_unit or project.budget_unit or project.department
    return canonical_org(written) if written else None


def _add_hierarchy(index: OrgIndex, doc: Document, project: Project) -> None:
    department = canonical_org(project.department) if project.department else None
    where = f"{doc.file_name} line {project.line}"
    for written in (project.budget_unit, project.implementing_unit):
        unit = canonical_org(written) if written else None
        if unit and department and unit != department:
            index.relate(Relation(unit, "subOrganizationOf", department,
                                         f"{where}: unit of 主管部门 {department}"))
    parent = unit_of(project)
    if project.division and parent:
        division = index.division_of(project.division, parent)
        if division:
            index.divisions.setdefault(division.key, division)
            index.relate(Relation(division.key, "subOrganizationOf", parent,
                                         f"{where}: 实施主体 {division.written}"))
