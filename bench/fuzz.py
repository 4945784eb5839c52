"""Fuzzing the loaders: mutated seed and dev forms must give a Document or a PolicyKGError, never a traceback.

The mutations are those a hostile but fair user (or a careless export) makes:
delete, duplicate or swap lines, insert control characters (terminal escapes
included) or CJK text, flip digits, cut the file anywhere, and re-encode it
(GB18030, UTF-16 with a byte-order mark). ``mutated`` is the hypothesis
strategy; ``tests/test_fuzz.py`` runs it with a small budget in ``make test``,
and this script with a large one::

    python -m bench.fuzz --inputs 10000 [--seconds 3600] [--max-file-seconds 60]

It prints, and with ``--results`` appends to a Markdown file, the figures:
inputs tried, tracebacks (an exception that is not a PolicyKGError), hangs
(a reading over the per-file limit of ``graph.run.limits``) and projects lost
without a finding: a project of the source that the mutated text still names
(quoted, as a cell, after 项目名称 or as a heading), missing from the mutated
document, which has no more problems (``missing`` / ``inconsistent``
findings) than its source. A project whose name the mutations deleted is
counted apart (nothing is left to report).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.graph.run.limits import FileTimeout, time_limit
from policykg.loaders import Document, load
from policykg.loaders.errors import PolicyKGError
from policykg.loaders.labels import key
from policykg.loaders.readers import read_grid

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT.parent / "shared" / "forms" / "docs").glob("*.txt"))
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9B)] + [
    "\x1b]0;title\x07", "\x1b[2J", "\u202e", "\ufeff"]
CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12)
ENCODINGS = ("utf-8", "gb18030", "utf-16")  # Python's "utf-16" writes a byte-order mark


@st.composite
def _edit(draw: st.DrawFn, lines: list[str]) -> tuple[list[str], str]:
    """One edit of a document's lines, and what it was (``delete line 12``)."""
    if not lines:
        return lines, "nothing"
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "control", "cjk", "digits"]))
    i = draw(st.integers(0, len(lines) - 1))
    return _apply(draw, lines, kind, i), f"{kind} line {i + 1}"


def _apply(draw: st.DrawFn, lines: list[str], kind: str, i: int) -> list[str]:
    line = lines[i]
    if kind == "delete":
        return lines[:i] + lines[i + 1:]
    if kind == "duplicate":
        return lines[:i + 1] + [line] + lines[i + 1:]
    if kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines = list(lines)
        lines[i], lines[j] = lines[j], lines[i]
        return lines
    at = draw(st.integers(0, len(line)))
    if kind == "control":
        return lines[:i] + [line[:at] + draw(st.sampled_from(CONTROLS)) + line[at:]] + lines[i + 1:]
    if kind == "cjk":
        return lines[:i] + [line[:at] + draw(CJK) + line[at:]] + lines[i + 1:]
    digits = [k for k, ch in enumerate(line) if ch.isdigit()]
    if not digits:
        return lines
    k = draw(st.sampled_from(digits))
    return lines[:i] + [line[:k] + str(draw(st.integers(0, 9))) + line[k + 1:]] + lines[i + 1:]


@st.composite
def mutated(draw: st.DrawFn, sources: list[Path] | None = None) -> tuple[Path, bytes, str]:
    """(source file, mutated bytes, what was done): up to five line edits, then an encoding, then maybe a cut."""
    source = draw(st.sampled_from(sources or SOURCES))
    lines = source.read_text(encoding="utf-8").split("\n")
    edits = []
    for _ in range(draw(st.integers(1, 5))):
        lines, edit = draw(_edit(lines))
        edits.append(edit)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = "\n".join(lines).encode(encoding, errors="replace")
    done = f"{'; '.join(edits)}; {encoding}"
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data, done = data[:cut], done + f", cut at byte {cut}"
    return source, data, done


@dataclass
class Figures:
    inputs: int = 0
    documents: int = 0  # read into a Document
    refused: Counter[str] = field(default_factory=Counter)  # PolicyKGError subclasses raised
    tracebacks: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # a project named in the text is missing, no new problem (not cut)
    cut_short: int = 0  # the same after a cut: the file ends early, which a line boundary cannot show
    removed: int = 0  # fewer projects because the mutations deleted their names
    seconds: float = 0.0


_ORIGINALS: dict[Path, Document] = {}


def try_one(source: Path, data: bytes, done: str, figures: Figures, folder: Path, max_seconds: float) -> None:
    """Load one mutated file and count what happened."""
    path = folder / f"{source.stem}.txt"
    path.write_bytes(data)
    figures.inputs += 1
    try:
        with time_limit(max_seconds):
            document = load(path)
    except FileTimeout:
        figures.hangs.append(f"{source.name} ({done})")
        return
    except PolicyKGError as exc:
        figures.refused[type(exc).__name__] += 1
        return
    except Exception:  # noqa: BLE001 - counting these is the point
        figures.tracebacks.append(f"{source.name} ({done}):\n{traceback.format_exc()}")
        return
    figures.documents += 1
    original = _ORIGINALS.get(source) or _ORIGINALS.setdefault(source, load(source))
    if len(document.projects) < len(original.projects) and _problems(document) <= _problems(original):
        lines = read_grid(path).source().lines
        read = {key(p.name) for p in document.projects}
        missing = [p.name for p in original.projects if key(p.name) not in read and _names(lines, p.name)]
        if not missing:
            figures.removed += 1
        elif ", cut at byte" in done:
            figures.cut_short += 1
        else:
            figures.lost.append(f"{source.name} ({done}): {len(original.projects)} -> {len(document.projects)} "
                                f"projects ({', '.join(missing[:3])} not read)")


def _names(lines: tuple[str, ...], name: str) -> bool:
    """True when the text still names the project: quoted (“X”), as a whole cell, after 项目名称, or as a heading.

    Not a name running inside other words (《长三角G60科创走廊建设方案》 does not name G60科创走廊建设).
    """
    k = key(name)
    if not k:
        return False
    heading = re.compile(rf"^(?:[((]?[一二三四五六七八九十\d]{{1,3}}[))、.]|项目名称:?|项目名称\|?)?{re.escape(k)}(?:项目)?$")
    for line in lines:
        if k not in key(line):
            continue
        cells = [key(c) for c in re.split(r"\t|\||\s{2,}", line) if c.strip()]
        if any(heading.match(c) for c in cells) or re.search(rf"[“\"「]{re.escape(k)}[”\"」]", key(line)):
            return True
    return False


def _problems(document: Document) -> int:
    """The findings that say a part is missing or contradicts the rest (lines not understood aside)."""
    return sum(1 for f in document.findings if f.kind != "unexplained")


def run(inputs: int, seconds: float, max_seconds: float) -> Figures:
    """Fuzz until ``inputs`` were tried or ``seconds`` passed. Returns: the figures."""
    figures = Figures()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="policykg-fuzz-") as tmp:
        folder = Path(tmp)

        @settings(max_examples=inputs, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(mutated())
        def fuzz(case: tuple[Path, bytes, str]) -> None:
            if time.monotonic() - started < seconds:
                try_one(*case, figures, folder, max_seconds)

        fuzz()
    figures.seconds = time.monotonic() - started
    return figures


def report(figures: Figures, max_seconds: float) -> str:
    """The figures as a Markdown section of bench/results.md."""
    refused = ", ".join(f"{name} {count}" for name, count in figures.refused.most_common()) or "none"
    lines = [
        f"- inputs tried: {figures.inputs:,} in {figures.seconds:,.0f} s ({len(SOURCES)} source files: "
        "seeds and dev forms); read into a document: "
        f"{figures.documents:,}; refused with a message: {sum(figures.refused.values()):,} ({refused})",
        f"- tracebacks (an exception that is not a PolicyKGError): {len(figures.tracebacks)}",
        f"- hangs (a reading over {max_seconds:g} s): {len(figures.hangs)}",
        f"- projects lost without a finding (named in the mutated text, not read, no new missing/inconsistent "
        f"finding; line edits and re-encodings): {len(figures.lost)}; after a cut, which may end a file at a line "
        f"boundary: {figures.cut_short}; documents with fewer projects because the edits deleted their names: "
        f"{figures.removed}",
    ]
    for title, cases in (("traceback", figures.tracebacks), ("hang", figures.hangs), ("lost", figures.lost)):
        for case in cases[:5]:
            lines.append(f"  - {title}: {case.splitlines()[0]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=float("inf"), help="stop earlier after this long")
    parser.add_argument("--max-file-seconds", type=float, default=60.0, help="a reading longer is a hang")
    parser.add_argument("--results", type=Path, help="append the figures to this Markdown file")
    args = parser.parse_args(argv)
    figures = run(args.inputs, args.seconds, args.max_file_seconds)
    text = report(figures, args.max_file_seconds)
    print(text, end="")
    for case in figures.tracebacks:
        print(case)
    if args.results:
        with args.results.open("a", encoding="utf-8") as stream:
            stream.write(f"\n## Fuzzing the loaders ({time.strftime('%Y-%m-%d')}, `python -m bench.fuzz "
                         f"--inputs {args.inputs} --seconds {args.seconds:g}`)\n\n{text}")


if __name__ == "__main__":
    main()
