"""The main job as a library call: documents -> graph -> validation -> files, with a report.

``build`` is what ``policykg build`` runs and what a notebook calls. The graph
is checked against the SHACL shapes (``graph.validate``); a graph that does not
conform is still written, so that it can be inspected and queried, and the
report says so (``policykg build`` then exits with 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from graph.build import build_dataset
from graph.export import write_graph
from graph.validate import ValidationReport, validate
from loaders import Document, LoadError, load, source_files
from loaders.errors import PolicyKGError


@dataclass
class BuildReport:
    """What a build read, wrote and could not understand."""

    documents: list[Document] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    triples: int = 0
    validation: ValidationReport | None = None  # None when built with validate=False

    @property
    def projects(self) -> int:
        return sum(len(d.projects) for d in self.documents)


def build(sources: Sequence[str | Path], out_dir: str | Path | None = None,
          progress: Callable[[Path], None] | None = None, validate_graph: bool = True) -> tuple[Dataset, BuildReport]:
    """Read every document under ``sources``, build the graph, validate it, write it to ``out_dir``.

    A file that cannot be read is reported in ``report.errors`` and the others
    are still built. ``progress`` is called with each file before it is read.
    With ``validate_graph`` the SHACL report is in ``report.validation``; the
    files are written whether or not the graph conforms.
    Returns: (the dataset, the report). Raises: PolicyKGError when no file could be read at all.
    """
    report = BuildReport()
    files = source_files(sources)
    if not files:
        raise PolicyKGError(f"no document files under {', '.join(map(str, sources))} (looked for *.txt, *.tsv)")
    for file in files:
        if progress:
            progress(file)
        try:
            report.documents.append(load(file))
        except PolicyKGError as exc:
            report.errors.append(LoadError(str(file), str(exc)))
    if not report.documents:
        raise PolicyKGError("no document could be read: " + "; ".join(e.message for e in report.errors))
    dataset = build_dataset(report.documents)
    report.triples = len(set(dataset.quads((None, None, None, None))))
    if validate_graph:
        report.validation = validate(dataset)
    if out_dir is not None:
        report.outputs = write_graph(dataset, out_dir)
    return dataset, report
