"""Lineage across years: which earlier project a project continues, with evidence and a score.

Computed from the documents only (names, departments, activities, indicators,
money), never from a hand-written table. Each pair (later P, earlier Q) gets a
score in 0..1, a weighted sum (``WEIGHTS``) of features, each 0..1:

- ``name``: the names once generic words (项目, 经费, 费, 与 …,
  ``graph/data/generic_words.txt``) are removed: 1 when equal, else Dice over
  character bigrams, at least 0.85 when one contains the other (要素对接 in 产业要素对接);
- ``text``: cosine of TF-IDF character-bigram vectors of name, overview, goals,
  achieved results, indicator names and budget lines (a sub-project without
  indicators of its own is described with its parent's, as its form is);
- ``phrases``: IDF weight of the SHINGLE-character phrases both descriptions use
  (a goal copied from last year's form), over the weight of the smaller one;
- ``indicators``: the TF-IDF cosine over indicator names only;
- ``department``: 1 same department (主管部门), 0.5 related organizations, else 0;
- ``money``: smaller / larger annual amount (yuan);
- ``context``: name similarity of the parents (of the projects themselves when top level).

Candidates of another place's department are never paired: two unrelated department names that differ
only before a shared ending of ``SAME_OFFICE`` characters (甲区…执法局 / 乙区…执法局) are the same kind
of office in two places, and a programme continues within its own department.

Matching, year by year from the nearest earlier year back: P continues every
candidate of that year with score ≥ ``THRESHOLD`` within ``MERGE_MARGIN`` of the
best (a *strong* link; several = a merge); failing that, the best candidate when
its score is ≥ ``WEAK_THRESHOLD``, ``RATIO`` times the second best, and P is also
the best successor of it among P's year (a *weak*, mutual link). The first year
with a link ends the search. Several later projects may continue one earlier
project (a split). Calibrated on the seeds: an equal name (0.35) with any shared
context links; a shared word alone (宣传, 研究: about 0.12) does not.

A project of a year after the corpus's first with no link is ``unmatched``
(``via_parent`` when its parent project has a link).
Records in, records out; RDF is written by ``graph.rdf.derived``.
"""

from __future__ import annotations

import math
import multiprocessing
import operator
import os
import re
import sys
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import TypeAlias

from policykg.graph import processes
from policykg.graph.linking.orgs import OrgIndex, canonical_org, index_organizations
from policykg.loaders.records import Document, Indicator, Project

SAME_OFFICE = 4  # characters of a shared ending that make two department names one kind of office
WEIGHTS = {"name": 0.35, "text": 0.20, "phrases": 0.15, "indicators": 0.10, "department": 0.10, "money": 0.05,
           "context": 0.05}
THRESHOLD = 0.33  # a link on its own
WEAK_THRESHOLD = 0.22  # a link when mutual best by a clear margin
RATIO = 1.3  # best / second best for a weak link
MERGE_MARGIN = 0.05
SHINGLE = 5  # characters in a shared phrase
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """A project of a document, by position, with what a reader needs to recognise it."""

    sha256: str  # of the source document
    index: int  # position in Document.projects
    file_name: str
    line: int  # 1-based line where the project starts
    name: str
    fiscal_year: int
    parent: str | None
    department: str | None  # canonical name

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.name} ({self.file_name}:{self.line})"


@dataclass(frozen=True, slots=True)
class LineageLink:
    """``successor`` continues ``predecessor``; ``score`` 0..1 from ``features``; ``evidence`` in words."""

    successor: ProjectRef
    predecessor: ProjectRef
    score: float
    features: tuple[tuple[str, float], ...]
    evidence: tuple[str, ...]


@dataclass
class Lineage:
    """All links of a corpus.

    ``unmatched``: projects of a year after ``first_year`` with no predecessor;
    ``via_parent``: those of them that are sub-projects of a project that has one
    (2023 金融赋能, part of 2023 G60科创走廊建设, which continues 2022 G60科创走廊建设).
    """

    links: list[LineageLink] = field(default_factory=list)
    unmatched: list[ProjectRef] = field(default_factory=list)
    via_parent: list[ProjectRef] = field(default_factory=list)
    first_year: int | None = None

    def predecessors(self, ref: ProjectRef) -> list[LineageLink]:
        return [link for link in self.links if link.successor == ref]


@lru_cache(maxsize=1)
def generic_words() -> tuple[str, ...]:
    """``graph/data/generic_words.txt``, longest first."""
    text = resources.files("policykg.graph").joinpath("data/generic_words.txt").read_text(encoding="utf-8")
    words = [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=65536)
def core_name(name: str) -> str:
    """A project name without generic words and spaces (``宣传与推广`` -> ``宣传推广``)."""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    text = re.sub(r"\(.*?\)", "", text)
    for word in generic_words():
        text = text.replace(word, "")
    return text or name


def bigrams(text: str) -> list[str]:
    """Character bigrams of the CJK characters and Latin/digit words of ``text``, in order."""
    tokens = _CJK_OR_WORD.findall(unicodedata.normalize("NFKC", text))
    if len(tokens) == 1:
        return tokens
    return [a + b for a, b in zip(tokens, tokens[1:], strict=False)]


@lru_cache(maxsize=1 << 16)
def _bigram_set(text: str) -> frozenset[str]:
    return frozenset(bigrams(text))


@lru_cache(maxsize=1 << 18)
def name_similarity(a: str, b: str) -> float:
    """Dice over bigrams of the core names; 0.85 when one core name (≥ 2 characters) contains the other."""
    ca, cb = core_name(a), core_name(b)
    if ca == cb:
        return 1.0
    ga, gb = _bigram_set(ca), _bigram_set(cb)
    dice = 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0
    shorter, longer = sorted((ca, cb), key=len)
    contained = 0.85 if len(shorter) >= 2 and shorter in longer else 0.0
    return max(dice, contained)


# A unit TF-IDF vector: each term's position in the weights, and the weights. Positions are below
# VECTOR_TERMS, so they are Python's shared small ints, and the weights are one array, not a float object
# each: scoring workers forked from the build read vectors without writing to (and copying) their pages.
_Vector: TypeAlias = "tuple[dict[str, int], array[float]]"


@dataclass(slots=True)
class _Profile:
    """What lineage compares of one project. Every term and phrase string is interned: one object per
    distinct string for the whole corpus (memory), which forked scoring workers share."""

    ref: ProjectRef
    project: Project
    text: Counter[str] | None  # bigrams of all the project's words (None once the scorer has its vectors)
    indicators: Counter[str] | None  # bigrams of its indicator names (likewise)
    shingles: frozenset[str]  # SHINGLE-character runs of its goals, activities and indicators
    amount: Decimal | None
    context: str
    serial: int  # the profile's position in the corpus's list, one int object for every index entry naming it
    vectors: tuple[_Vector, _Vector] = (({}, array("d")), ({}, array("d")))


def amount_of(project: Project) -> Decimal | None:
    """The project's own annual money in yuan: 年度资金申请总额, else 年初预算数, 项目资金总额, 全年预算数."""
    funds = project.funds
    for amount in (funds.annual, funds.initial, funds.total, funds.adjusted, funds.executed):
        if amount is not None:
            return amount.yuan
    return None


def own_indicators(doc: Document, project: Project) -> tuple[tuple[Indicator, ...], bool]:
    """The project's indicators, or its parent's when it has none (``True`` = inherited)."""
    if project.indicators or not project.parent:
        return project.indicators, False
    for other in doc.projects:
        if other.name == project.parent and other.parent is None:
            return other.indicators, True
    return (), False


def _plain(text: str) -> str:
    return "".join(_CJK_OR_WORD.findall(unicodedata.normalize("NFKC", text)))


def _profiles(documents: Iterable[Document]) -> list[_Profile]:
    profiles: list[_Profile] = []
    for doc in documents:
        for i, project in enumerate(doc.projects):
            year = project.fiscal_year or doc.fiscal_year
            if year is None:
                continue
            department = project.department or doc.department
            ref = ProjectRef(doc.sha256, i, doc.file_name, project.line, project.name, year, project.parent,
                             canonical_org(department) if department else None)
            indicators, _ = own_indicators(doc, project)
            names = " ".join(ind.name for ind in indicators)
            content = " ".join(filter(None, (project.overview, project.overall_goal, project.annual_goal,
                                             project.achieved, names)))
            words = " ".join(filter(None, (project.name, content, " ".join(b.label for b in project.budget_lines))))
            plain = _plain(content)
            shingles = frozenset(map(sys.intern, (plain[k:k + SHINGLE] for k in range(len(plain) - SHINGLE + 1))))
            profiles.append(_Profile(ref, project, Counter(map(sys.intern, bigrams(words))),
                                     Counter(map(sys.intern, bigrams(names))), shingles, amount_of(project),
                                     project.parent or project.name, len(profiles)))
    return profiles


def _idf(counts: Iterable[Iterable[str]], n: int) -> dict[str, float]:
    df: Counter[str] = Counter()
    for items in counts:
        df.update(set(items))
    return {g: math.log((1 + n) / (1 + c)) + 1 for g, c in df.items()}


VECTOR_TERMS = 160  # the heaviest bigrams of a text; the long tail adds memory (30,000 projects) and little else


def _vector(counts: Counter[str], idf: dict[str, float]) -> _Vector:
    """The unit TF-IDF vector of ``counts`` ((1 + log tf) × idf), its ``VECTOR_TERMS`` heaviest terms."""
    vec = {g: (1 + math.log(c)) * idf[g] for g, c in counts.items()}
    if len(vec) > VECTOR_TERMS:
        vec = dict(sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:VECTOR_TERMS])
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {g: i for i, g in enumerate(vec)}, array("d", (v / norm for v in vec.values()))


def _cosine(a: _Vector, b: _Vector) -> float:
    """Dot product of two unit vectors over the terms they share (exactly rounded: the same in any order)."""
    (terms_a, weights_a), (terms_b, weights_b) = a, b
    if len(terms_a) > len(terms_b):
        terms_a, weights_a, terms_b, weights_b = terms_b, weights_b, terms_a, weights_a
    other = terms_b.get  # the smaller vector's terms looked up in the larger one: no set of shared terms made
    return math.fsum([weights_a[i] * weights_b[j] for term, i in terms_a.items() if (j := other(term)) is not None])


class _Scorer:
    """Pair scores of one corpus, cached."""

    def __init__(self, profiles: list[_Profile], orgs: OrgIndex) -> None:
        n = len(profiles)
        text_idf = _idf((p.text or () for p in profiles), n)
        ind_idf = _idf((p.indicators or () for p in profiles), n)
        # a phrase found in most projects (长三角G60科创走廊 …) says little: idf without the +1 floor
        self.shingle_idf = {g: w - 1 for g, w in _idf((p.shingles for p in profiles), n).items()}
        for p in profiles:
            p.vectors = (_vector(p.text or Counter(), text_idf), _vector(p.indicators or Counter(), ind_idf))
        # the summed weight of each profile's phrases (by serial), exactly rounded: the same in any set order
        self.weights = array("d", (math.fsum(map(self.shingle_idf.__getitem__, p.shingles)) for p in profiles))
        self.orgs = orgs
        self.cache: dict[tuple[int, int], float] = {}  # scores only: features are recomputed for the few links made
        self._index(profiles)
        for p in profiles:  # the counts are in the vectors and the index now
            p.text = p.indicators = None

    def _index(self, profiles: list[_Profile]) -> None:
        """Blocking: an inverted index of what two projects can share (name bigrams, phrases, rarer bigrams).

        A pair sharing none of them has no name or phrase in common and only
        common bigrams in its text, so it cannot reach ``THRESHOLD``; such pairs
        are never scored. Keys shared by more than ``cap`` projects are too
        common to tell projects apart and are left out of the index.
        """
        cap = max(20, min(len(profiles) // 20, 60))
        # One table per kind of key (name bigram, phrase, text bigram, indicator bigram, department and name
        # bigram): the keys are the profiles' own interned strings, no prefixed copy of each is made.
        tables: list[dict[str, list[int]]] = [defaultdict(list) for _ in range(5)]
        for p in profiles:
            for table, keys in zip(tables, self._keys(p), strict=True):
                for key in keys:
                    table[key].append(p.serial)
        # the profiles (by ``serial``) under each key
        postings = [{k: tuple(v) for k, v in table.items() if 1 < len(v) <= cap} for table in tables]
        del tables
        # Each profile keeps the postings of its keys that made it into the index (the index's own tuples).
        self.keys: list[list[tuple[int, ...]]] = [
            [found for table, keys in zip(postings, self._keys(p), strict=True) for key in keys
             if (found := table.get(key)) is not None] for p in profiles]
        self.profiles = profiles
        self.years = array("i", (p.ref.fiscal_year for p in profiles))  # by serial
        self._found: tuple[int, dict[int, list[int]]] = (-1, {})

    @staticmethod
    def _keys(p: _Profile) -> tuple[Iterable[str], ...]:
        """The profile's keys of each kind: name bigrams, phrases, text bigrams, indicator bigrams, and name
        bigrams within its department (a good key there however common it is corpus-wide)."""
        name = set(map(sys.intern, bigrams(core_name(p.ref.name))))
        return (name, p.shingles, p.text or (), p.indicators or (), {f"{p.ref.department}\0{g}" for g in name})

    def candidates(self, profile: _Profile, year: int) -> list[_Profile]:
        """The profiles of ``year`` that share an index key with ``profile`` and are not another place's
        department, in corpus order (serial). The keys are looked up once for the profile asked last."""
        serial, by_year = self._found
        if serial != profile.serial:
            found: set[int] = set()
            for posting in self.keys[profile.serial]:
                found.update(posting)
            by_year = defaultdict(list)
            years = self.years
            for other in found:
                by_year[years[other]].append(other)
            self._found = (profile.serial, by_year)
        dept = profile.ref.department
        pool = [self.profiles[i] for i in sorted(by_year.get(year, ()))]
        if not dept:
            return pool
        return [other for other in pool if not (other.ref.department and self._elsewhere(dept, other.ref.department))]

    def _elsewhere(self, a: str, b: str) -> bool:
        """True for the same kind of office in two places (``甲区城市管理行政执法局`` / ``乙区城市管理行政执法局``):
        unrelated names that differ only before a shared ending of ``SAME_OFFICE`` characters or more. A
        programme continues within its department (or one related to it), never in another place's."""
        known: dict[tuple[str, str], bool] = self.__dict__.setdefault("_elsewhere_pairs", {})
        if (a, b) not in known:
            n = len(os.path.commonprefix([a[::-1], b[::-1]]))  # the shared ending
            known[a, b] = not (a == b or self.orgs.related(a, b)) and SAME_OFFICE <= n < min(len(a), len(b))
        return known[a, b]

    def phrases(self, a: _Profile, b: _Profile) -> float:
        """Weight of the phrases both use, over the weight of the smaller description (0..1)."""
        if not a.shingles or not b.shingles:
            return 0.0
        small, large = (a.shingles, b.shingles) if len(a.shingles) <= len(b.shingles) else (b.shingles, a.shingles)
        shared = math.fsum(map(self.shingle_idf.__getitem__, small & large))
        smaller = min(self.weights[a.serial], self.weights[b.serial])
        return min(1.0, shared / smaller) if smaller else 0.0

    def score(self, later: _Profile, earlier: _Profile) -> tuple[float, dict[str, float]]:
        """The score of a pair and its features (not cached)."""
        features = self._features(later, earlier)
        return _weighted(features), dict(zip(_FEATURES, features, strict=True))

    def value(self, later: _Profile, earlier: _Profile) -> float:
        """The score of a pair (cached)."""
        key = (later.serial, earlier.serial)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = _weighted(self._features(later, earlier))
        return found

    def _features(self, later: _Profile, earlier: _Profile) -> tuple[float, ...]:
        """The features of a pair, in ``_FEATURES`` order."""
        dept_a, dept_b = later.ref.department, earlier.ref.department
        department = 0.0
        if dept_a and dept_b:
            department = 1.0 if dept_a == dept_b else 0.5 if self.orgs.related(dept_a, dept_b) else 0.0
        money = 0.0
        if later.amount and earlier.amount:
            money = float(min(later.amount, earlier.amount) / max(later.amount, earlier.amount))
        return (name_similarity(later.ref.name, earlier.ref.name), _cosine(later.vectors[0], earlier.vectors[0]),
                self.phrases(later, earlier), _cosine(later.vectors[1], earlier.vectors[1]), department, money,
                name_similarity(later.context, earlier.context))


_FEATURES = ("name", "text", "phrases", "indicators", "department", "money", "context")  # ``_features`` order
_WEIGHT_VALUES = tuple(WEIGHTS[k] for k in _FEATURES)


def _weighted(features: tuple[float, ...]) -> float:
    """The score: the weighted sum of ``features`` (``_FEATURES`` order), added in that order."""
    total: float = sum(map(operator.mul, _WEIGHT_VALUES, features))
    return total


_PARALLEL_FROM = 2000  # projects; below, a pool costs more than it saves


def _links_of(positions: list[int]) -> list[tuple[int, list[LineageLink]]]:
    # set by ``compute_lineage`` before its pool forks: the workers read the profiles without pickling them
    ordered: list[_Profile] = processes.SHARED["lineage.ordered"]
    years: list[int] = processes.SHARED["lineage.years"]
    scorer: _Scorer = processes.SHARED["lineage.scorer"]
    out = []
    for i in positions:
        later = ordered[i]
        out.append((i, _best_links(later, [y for y in reversed(years) if y < later.ref.fiscal_year], scorer)))
    return out


def compute_lineage(documents: Iterable[Document], orgs: OrgIndex | None = None, workers: int = 1) -> Lineage:
    """Link every project to the earlier project(s) it continues (rules in the module docstring).

    ``workers``: processes scoring the candidates (forked, on large corpora only).
    Returns: a ``Lineage`` with links in order of successor (year, file, position)
    then score; deterministic for the same documents, whatever ``workers``.
    """
    docs = list(documents)
    profiles = _profiles(docs)
    scorer = _Scorer(profiles, orgs or index_organizations(docs))
    years = sorted({p.ref.fiscal_year for p in profiles})
    lineage = Lineage(first_year=years[0] if years else None)
    linked: set[tuple[str, str]] = set()
    orphans = []
    ordered = sorted(profiles, key=lambda p: (p.ref.fiscal_year, p.ref.file_name, p.ref.index))
    shared = {"lineage.ordered": ordered, "lineage.years": years, "lineage.scorer": scorer}
    with processes.sharing(**shared):
        positions = list(range(len(ordered)))
        if workers > 1 and len(ordered) >= _PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
            chunks = [positions[k::workers * 8] for k in range(workers * 8)]
            found: dict[int, list[LineageLink]] = {}
            with processes.pool(workers) as pool:  # workers that die with the build
                for result in pool.map(_links_of, chunks):
                    found.update(result)
            all_links = [found[i] for i in positions]
        else:
            all_links = [links for _, links in _links_of(positions)]
    for later, links in zip(ordered, all_links, strict=True):
        if links:
            lineage.links.extend(links)
            linked.add((later.ref.sha256, later.ref.name))
        elif later.ref.fiscal_year != lineage.first_year:
            orphans.append(later.ref)
    lineage.unmatched = orphans
    lineage.via_parent = [r for r in orphans if r.parent is not None and (r.sha256, r.parent) in linked]
    return lineage


def _best_links(later: _Profile, earlier_years: list[int], scorer: _Scorer) -> list[LineageLink]:
    """Links to the nearest of ``earlier_years`` (nearest first) with a strong candidate, or a mutual, clear
    best (weak link)."""
    for year in earlier_years:
        ranked = sorted(((scorer.value(later, e), e) for e in scorer.candidates(later, year)),
                        key=lambda s: (-s[0], s[1].ref.file_name, s[1].ref.index))
        scored = [(value, _Lazy(scorer, later, e), e) for value, e in ranked]
        if not scored:
            continue
        best = scored[0][0]
        strong = [s for s in scored if s[0] >= THRESHOLD and s[0] >= best - MERGE_MARGIN]
        if strong:
            return [_link(later, e, score, features.get(), "strong") for score, features, e in strong]
        score, features, earlier = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        if score >= WEAK_THRESHOLD and score >= RATIO * second and _best_successor(earlier, later.ref.fiscal_year, scorer) is later:
            return [_link(later, earlier, score, features.get(),
                          f"weak: best by {score / max(second, 1e-9):.1f}x, mutual")]
    return []


def _best_successor(earlier: _Profile, year: int, scorer: _Scorer) -> _Profile | None:
    pool = scorer.candidates(earlier, year)
    return max(pool, key=lambda p: (scorer.value(p, earlier), -p.ref.index)) if pool else None


class _Lazy:
    """A pair's features, computed only if a link is made from it."""

    def __init__(self, scorer: _Scorer, later: _Profile, earlier: _Profile) -> None:
        self.args = (scorer, later, earlier)

    def get(self) -> dict[str, float]:
        scorer, later, earlier = self.args
        return scorer.score(later, earlier)[1]


def _link(later: _Profile, earlier: _Profile, score: float, features: dict[str, float], kind: str) -> LineageLink:
    rounded = tuple((k, round(v, 3)) for k, v in features.items())
    evidence = (f"{kind} link, score {score:.2f}", *_evidence(later, earlier, features))
    return LineageLink(later.ref, earlier.ref, round(score, 3), rounded, evidence)


def _evidence(later: _Profile, earlier: _Profile, features: dict[str, float]) -> tuple[str, ...]:
    notes = [f"name similarity {features['name']:.2f}: {earlier.ref.name} -> {later.ref.name}"]
    if features["text"] > 0:
        notes.append(f"goal and activity text similarity {features['text']:.2f}")
    shared = sorted(_shared_indicators(later.project, earlier.project))
    if shared:
        notes.append("shared indicators: " + "; ".join(shared[:5]))
    if features["department"] == 1:
        notes.append(f"same department {later.ref.department}")
    elif features["department"]:
        notes.append(f"related departments {earlier.ref.department} -> {later.ref.department}")
    else:
        notes.append(f"department changed {earlier.ref.department} -> {later.ref.department}")
    if later.amount is not None and earlier.amount is not None:
        notes.append(f"money {earlier.amount:,.2f} -> {later.amount:,.2f} yuan")
    gap = later.ref.fiscal_year - earlier.ref.fiscal_year
    if gap > 1:
        notes.append(f"{gap} years apart: no match in the years between")
    return tuple(notes)


def _shared_indicators(a: Project, b: Project) -> set[str]:
    names_b = {ind.name: ind for ind in b.indicators}
    shared = set()
    for ind in a.indicators:
        for name in names_b:
            if name_similarity(ind.name, name) >= 0.6:
                shared.add(ind.name if ind.name == name else f"{name} ~ {ind.name}")
    return shared
