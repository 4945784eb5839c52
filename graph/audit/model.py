"""The audit's data: findings, their evidence, and what a rule sees of a document.

A finding (``AuditFinding``) says that a document contradicts itself: which
rule found it, how serious it is, which projects it concerns, and the evidence
side by side — one ``Evidence`` per thing compared, each with the 1-based line
and what the document says there, as written. The audit only points; it never
corrects a record.

``DocContext`` is what a rule reads: the ``loaders.records.Document`` and, for
text sources whose bytes are unchanged, the source lines (``lines[0]`` is line
1), so that rules comparing what the records do not keep (a computation in 六、
年度预算安排, a section's label) can cite the line it is on. Rules over records
only never need the lines; with no lines, text rules find nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from policykg.graph.linking.lineage import ProjectRef
from policykg.loaders.errors import SourceError
from policykg.loaders.records import Document, Project
from policykg.loaders.text import read_source

F = TypeVar("F", bound=Callable[..., Any])
SEVERITIES = ("error", "warning", "notice")  # error: figures that cannot all be true; warning: very likely a slip


@dataclass(frozen=True, slots=True)
class Evidence:
    """One side of a comparison: what the document says at one line.

    ``label`` names the part of the form (``年度资金申请总额``, ``实施周期``,
    ``三级指标``); ``text`` is what stands there, as written (normalized spacing).
    ``line`` is 1-based in ``file_name``; ``None`` when the loader gave no line.
    """

    file_name: str
    line: int | None
    label: str
    text: str
    source: str = ""  # SHA-256 of the document the line is in


@dataclass(frozen=True, slots=True)
class AuditFinding:
    """A place where a document (or a programme across years) contradicts itself.

    ``rule`` is a rule id of ``graph.audit.engine.RULES`` (``arithmetic.budget-lines``);
    ``severity`` one of ``SEVERITIES``; ``projects`` the projects concerned
    (several for rules across projects or years); ``evidence`` one entry per
    side compared; ``message_zh`` / ``message_en`` say what does not add up,
    with the values. ``source`` is the SHA-256 of the document for findings
    within one document, ``""`` for findings across years.
    """

    rule: str
    severity: str
    projects: tuple[ProjectRef, ...]
    evidence: tuple[Evidence, ...]
    message_zh: str
    message_en: str
    source: str = ""
    loader_finding: int = 0  # 1-based position in Document.findings when a loader recorded it first

    @property
    def file_name(self) -> str:
        return self.evidence[0].file_name if self.evidence else (self.projects[0].file_name if self.projects else "")

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(e.line for e in self.evidence if e.line is not None)

    def sort_key(self) -> tuple[str, int, str, tuple[int, ...]]:
        first = min(self.lines, default=0)
        return (self.file_name, first, self.rule, self.lines)


def squash(text: str) -> str:
    """NFKC, without whitespace: how two writings of the same words are compared."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def yuan_text(value: Decimal) -> str:
    """``1010700`` -> ``1,010,700 元 (101.07 万元)``, for messages."""
    yuan = value.normalize()
    wan = (value / 10000).normalize()
    return f"{yuan:,f} 元 ({wan:f} 万元)"


def period_note(computed: Decimal, written: Decimal) -> tuple[str, str]:
    """("按月计", "per month") when ``written`` is 12 × ``computed`` (or the reverse), else empty strings."""
    if computed and abs(computed * 12 - written) < max(Decimal(1), written / 1000):
        return "，相差12倍：单价似按月、金额按年", "; 12 times: the price looks monthly, the amount yearly"
    if written and abs(written * 12 - computed) < max(Decimal(1), computed / 1000):
        return "，相差12倍：单价似按年、金额按月", "; 12 times: the price looks yearly, the amount monthly"
    return "", ""


@dataclass
class DocContext:
    """A document as the rules see it: records, its source lines when readable, and helpers."""

    doc: Document
    lines: tuple[str, ...] = ()
    _refs: dict[int, ProjectRef] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document, lines: tuple[str, ...] | None = None) -> DocContext:
        """``doc`` with ``lines`` given, or read from ``doc.path`` when it is the same text file (same SHA-256)."""
        return cls(doc, source_lines(doc) if lines is None else lines)

    def ref(self, project: Project) -> ProjectRef:
        """The ``ProjectRef`` of one of this document's projects (the same objects ``graph.linking.lineage`` uses)."""
        index = next(i for i, p in enumerate(self.doc.projects) if p is project)
        if index not in self._refs:
            self._refs[index] = ProjectRef(self.doc.sha256, index, self.doc.file_name, project.line, project.name,
                                           project.fiscal_year or 0, project.parent, project.department)
        return self._refs[index]

    def evidence(self, line: int | None, label: str, text: str) -> Evidence:
        return Evidence(self.doc.file_name, line, label, text, self.doc.sha256)

    def children(self, parent: Project) -> list[Project]:
        """The sub-projects of ``parent`` in this document (same name as their parent field, same budget unit)."""
        if parent.parent is not None:
            return []
        return [p for p in self.doc.projects if p.parent == parent.name
                and (parent.budget_unit is None or p.budget_unit in (None, parent.budget_unit))]

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    @cached_property
    def squashed(self) -> tuple[str, ...]:
        return tuple(squash(line) for line in self.lines)

    def find_line(self, text: str, near: int, span: int = 400) -> int | None:
        """The line nearest ``near`` (within ``span`` lines) whose text holds the start of ``text``.

        Compares without spaces (PDF text spaces CJK characters); a wrapped
        text is found by its first 8 characters.
        """
        probe = squash(text)[:8]
        if not probe or not self.lines:
            return None
        best: int | None = None
        for n in range(max(1, near - span), min(len(self.lines), near + span) + 1):
            if probe in self.squashed[n - 1] and (best is None or abs(n - near) < abs(best - near)):
                best = n
        return best

    @cached_property
    def windows(self) -> dict[int, tuple[int, int]]:
        """Per project (by index), the 1-based lines (first, last) of its narrative and form.

        Anchored on what the records place: the project's line, its citations,
        budget lines, mentions and money; widened back to its 项目概述 heading
        when that is within 60 lines before. Windows of a parent and its
        sub-projects overlap.
        """
        out: dict[int, tuple[int, int]] = {}
        for i, p in enumerate(self.doc.projects):
            anchors = [p.line, *(c.line for c in p.citations), *(b.line for b in p.budget_lines),
                       *(m.line for m in p.mentions)]
            anchors += [getattr(p.funds, f).line for f in ("total", "annual", "fiscal") if getattr(p.funds, f)]
            first, last = min(anchors), max(anchors)
            for n in range(min(first, len(self.squashed)), max(0, first - 60), -1):
                if "项目概述" in self.squashed[n - 1]:
                    first = n
                    break
            out[i] = (first, last)
        return out

    def window_of(self, project: Project) -> tuple[int, int]:
        index = next(i for i, p in enumerate(self.doc.projects) if p is project)
        return self.windows[index]

    @cached_property
    def owners(self) -> tuple[int | None, ...]:
        """Per line (``owners[line]``; index 0 unused), the index of the project whose text it is, or None.

        A top-level project owns its window; a sub-project owns the lines from
        its heading to the next project, cut at the parent's next numbered
        section (``二、立项依据``) when it has no 项目概述 of its own (sub-projects
        described inside the parent's 项目概述). Smaller spans win over larger.
        """
        owner: list[int | None] = [None] * (len(self.lines) + 1)
        projects = self.doc.projects
        starts = sorted(p.line for p in projects)
        spans: list[tuple[int, int, int, int]] = []  # (rank, -size, index, ...)
        for i, p in enumerate(projects):
            if p.parent is None:
                first, last = self.windows[i]
                spans.append((0, -(last - first), i, first))
                continue
            nxt = next((n for n in starts if n > p.line), len(self.lines) + 1)
            last = nxt - 1
            if not any("项目概述" in self.squashed[n - 1] for n in range(p.line, min(last, len(self.lines)) + 1)):
                last = next((n - 1 for n in range(p.line + 1, min(last, len(self.lines)) + 1)
                             if _SECTION.match(self.squashed[n - 1])), last)
            spans.append((1, -(last - p.line), i, p.line))
        for _rank, size, i, first in sorted(spans):
            last = first - size
            for n in range(max(1, first), min(last, len(self.lines)) + 1):
                owner[n] = i
        return tuple(owner)

    def owned_lines(self, project: Project, *, with_children: bool = False) -> list[int]:
        """The 1-based lines whose text belongs to ``project`` (and its sub-projects when asked)."""
        wanted = {i for i, p in enumerate(self.doc.projects)
                  if p is project or (with_children and any(p is c for c in self.children(project)))}
        return [n for n in range(1, len(self.lines) + 1) if self.owners[n] in wanted]

    def owner(self, line: int) -> Project | None:
        index = self.owners[line] if 0 < line < len(self.owners) else None
        return self.doc.projects[index] if index is not None else None


_TEXT_FORMATS = ("text",)
_SECTION = re.compile(r"^[一二三四五六七八九十]、")
_PAGE = re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$")


def source_lines(doc: Document) -> tuple[str, ...]:
    """The lines of ``doc``'s source file when it is a text file with the same SHA-256, else ``()``.

    Rules that cite a computation or a label the records do not keep read
    these; a file moved, changed or of another format (PDF, spreadsheet) gives
    ``()`` and those rules find nothing for it (records-only rules still run).
    """
    if doc.format not in _TEXT_FORMATS or not doc.path or not Path(doc.path).is_file():
        return ()
    try:
        source = read_source(doc.path)
    except SourceError:
        return ()
    if source.sha256 != doc.sha256:
        return ()
    return tuple("" if _PAGE.match(line) else line for line in source.lines)


@dataclass(frozen=True, slots=True)
class Rule:
    """A named audit rule: id, severity, what it compares (zh/en), and its check.

    ``scope`` is ``document`` (``check(ctx: DocContext)``), ``corpus``
    (across years: ``check(contexts, lineage)``) or ``loader`` (a finding the
    loaders record while parsing, mapped onto the rule id).
    """

    id: str
    severity: str
    compares_zh: str
    compares_en: str
    check: Callable[..., Iterable[AuditFinding]]
    scope: str = "document"


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, compares_zh: str, compares_en: str,
         scope: str = "document") -> Callable[[F], F]:
    """Register the decorated check as rule ``rule_id`` (ids are ``family.name``, unique)."""
    if severity not in SEVERITIES:
        raise ValueError(f"rule {rule_id}: severity {severity!r} is not one of {SEVERITIES}")

    def register(check: F) -> F:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} is defined twice")
        REGISTRY[rule_id] = Rule(rule_id, severity, compares_zh, compares_en, check, scope)
        return check
    return register


def make(ctx: DocContext | None, rule_id: str, projects: Iterable[ProjectRef], evidence: Iterable[Evidence],
         message_zh: str, message_en: str) -> AuditFinding:
    """A finding of ``rule_id`` (its severity from the registry); ``ctx`` None for findings across years."""
    return AuditFinding(rule_id, REGISTRY[rule_id].severity, tuple(projects), tuple(evidence), message_zh, message_en,
                        ctx.doc.sha256 if ctx else "")
