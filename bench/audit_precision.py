"""How well the audit finds known contradictions: recall on injected ones, false alarms on the rest.

Generates a synthetic corpus with ``bench.inject`` writing one known
contradiction into a fraction of the documents (recorded in the manifest),
audits the whole corpus (``graph.audit.engine.audit``, lineage included) and reports:

- recall per rule: injected documents where a finding of the injected rule
  names that document (its projects or evidence);
- false alarms: documents with nothing injected that get a finding of any
  rule — within one document, or across years when none of the documents the
  finding names was injected. The corpus is generated ``steady`` (programmes
  keep their targets and sub-project shares from year to year; their money
  drifts 80–125 %), so a consistent corpus should give no finding at all.

A document given a ``bounds.count-target`` contradiction is written as DOCX
(``bench.office_files``): that rule reads the records of files without text
lines, where ``plans.narrative-vs-target`` cannot compare lines.

Command line::

    python -m bench.audit_precision [N] [--inject 0.5] [--seed 0] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.generate import generate
from bench.office_files import docx_bytes, text_form
from policykg.graph.audit.engine import RULES, AuditFinding, audit
from policykg.loaders import load_many

AS_DOCX = {"bounds.count-target"}  # rules read from the records where a file has no lines to compare


def _files(finding: AuditFinding) -> set[str]:
    return {p.file_name for p in finding.projects} | {e.file_name for e in finding.evidence}


def measure(n: int, inject: float, seed: int, folder: Path) -> dict[str, object]:
    """Generate, audit and count; returns the figures (see the module docstring)."""
    started = time.perf_counter()
    manifest = generate(n, folder, seed, inject, steady=True)
    names = {m.file: m.file for m in manifest}
    for m in manifest:  # bounds.count-target is the rule for files without lines: such a document goes as DOCX
        if m.injected and m.injected["rule"] in AS_DOCX:
            text = folder / "documents" / m.file
            names[m.file] = text.with_suffix(".docx").name
            text.with_suffix(".docx").write_bytes(docx_bytes((text_form(text.read_text(encoding="utf-8")),)))
            text.unlink()
    documents, errors = load_many(sorted((folder / "documents").iterdir()))
    findings = audit(documents)
    seconds = time.perf_counter() - started
    injected = {names[m.file]: m.injected["rule"] for m in manifest if m.injected}
    by_rule: dict[str, list[bool]] = {}
    for file, rule in injected.items():
        hit = any(f.rule == rule and file in _files(f) for f in findings)
        by_rule.setdefault(rule, []).append(hit)
    clean = [names[m.file] for m in manifest if not m.injected]
    within = {r for r, rule in RULES.items() if rule.scope != "corpus"}
    alarms: dict[str, set[str]] = {}
    for f in findings:
        if f.rule not in within and _files(f) & set(injected):
            continue  # across years, a finding naming an injected document is that injection's
        for file in _files(f) & set(clean):
            alarms.setdefault(f.rule, set()).add(file)
    alarmed = set().union(*alarms.values()) if alarms else set()
    return {
        "documents": n, "read": len(documents), "unreadable": len(errors), "injected": len(injected),
        "found": sum(sum(v) for v in by_rule.values()),
        "recall": {r: (sum(v), len(v)) for r, v in sorted(by_rule.items())},
        "clean": len(clean), "false_alarm_documents": len(alarmed),
        "false_alarms": {r: len(v) for r, v in sorted(alarms.items())},
        "findings": dict(Counter(f.rule for f in findings)), "seconds": round(seconds, 1),
    }


def markdown(figures: dict[str, object]) -> str:
    """The figures as the section of bench/results.md."""
    recall = figures["recall"]
    assert isinstance(recall, dict)
    found, injected = figures["found"], figures["injected"]
    assert isinstance(found, int) and isinstance(injected, int)
    clean, alarmed = figures["clean"], figures["false_alarm_documents"]
    assert isinstance(clean, int) and isinstance(alarmed, int)
    lines = [
        f"{figures['documents']} documents, {injected} with one injected contradiction, {clean} without; "
        f"generate + read + audit in {figures['seconds']} s.",
        "",
        f"- recall on injected contradictions: **{found}/{injected} = {100 * found / max(1, injected):.1f} %**",
        f"- false alarms (documents without an injection that get a finding, within one document or across years): "
        f"**{alarmed}/{clean} = {100 * alarmed / max(1, clean):.1f} %**",
        "",
        "| rule | found / injected | false alarms (documents) |",
        "|---|---|---|",
    ]
    alarms = figures["false_alarms"]
    assert isinstance(alarms, dict)
    for rule in sorted(set(recall) | set(alarms)):
        hit, total = recall.get(rule, (0, 0))
        lines.append(f"| `{rule}` | {hit}/{total} | {alarms.get(rule, 0)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=500)
    parser.add_argument("--inject", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, default=None, help="corpus folder (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = measure(args.n, args.inject, args.seed, args.dir or Path(tmp) / "corpus")
    print(json.dumps(figures, ensure_ascii=False, indent=1) if args.json else markdown(figures))


if __name__ == "__main__":
    main()
