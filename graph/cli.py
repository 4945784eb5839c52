"""The ``policykg`` command line: a thin shell over library functions.

Exit codes: 0 success; 1 the command ran but found problems (unreadable
files in a build, an empty answer is *not* a problem); 2 usage or input error.
Results go to stdout, progress and messages to stderr.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rdflib import Literal
from rich.console import Console
from rich.progress import Progress
from rich.table import Table as RichTable
from rich.text import Text

from graph import evolution as lineage_view
from graph import pipeline, queries, store, views
from loaders import Document, coverage, load_many
from loaders.errors import PolicyKGError

app = typer.Typer(help="Chinese budget performance documents -> an RDF knowledge graph of projects, "
                       "policies, money, organizations and indicators.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
out = Console(soft_wrap=False)
if not out.is_terminal:
    out = Console(width=240, soft_wrap=False)  # pipes and files get whole cells, not a terminal's 80 columns
err = Console(stderr=True, soft_wrap=True, highlight=False)
if not err.is_terminal:
    err = Console(stderr=True, soft_wrap=True, highlight=False, width=160)
DEFAULT_GRAPH = Path("out/graph.ttl")


def _error(message: str) -> None:
    err.print(Text("error: ", style="red") + Text(message))


def _fail(exc: Exception, code: int = 2) -> typer.Exit:
    _error(str(exc))
    return typer.Exit(code)


@app.command()
def build(
    sources: Annotated[list[Path], typer.Argument(help="Document files or folders (default: seeds)")] = None,  # type: ignore[assignment]
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for graph.ttl, graph.trig, graph.nt")] = Path("out"),
) -> None:
    """Parse documents, build the graph, write it, and print a summary per document."""
    paths = list(sources or [Path("seeds")])
    try:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("reading", total=None)
            _, report = pipeline.build(paths, out_dir, progress=lambda f: progress.update(task, description=f"reading {f.name}"))
    except PolicyKGError as exc:
        raise _fail(exc) from None
    table = RichTable(title="policykg build")
    for column in ("document", "layout", "projects", "lines → facts", "not understood", "problems"):
        table.add_column(column)
    for doc in report.documents:
        cov = coverage(doc)
        table.add_row(doc.file_name, doc.layout, str(len(doc.projects)), f"{cov.understood}/{cov.text_lines}",
                      str(len(cov.unexplained)), str(len(cov.problems)))
    err.print(table)
    for doc in report.documents:
        _print_findings(doc, limit=10)
    for e in report.errors:
        _error(e.message)
    err.print(f"{report.projects} projects, {report.triples} triples")
    for _fmt, path in report.outputs.items():
        out.print(f"wrote {path}")
    if report.errors:
        raise typer.Exit(1)


def _print_findings(doc: Document, limit: int | None = None) -> None:
    """Lines not understood and the document's own contradictions, on stderr."""
    report = coverage(doc)
    shown = list(report.problems) + list(report.unexplained)
    for finding in shown[:limit]:
        style = "yellow" if finding.kind != "unexplained" else "dim"
        err.print(Text(f"{finding.kind}: ", style=style) + Text(finding.message + (f"  «{finding.text[:60]}»" if finding.text else "")))
    if limit is not None and len(shown) > limit:
        err.print(f"… and {len(shown) - limit} more in {doc.file_name}; see `policykg coverage {doc.path}`")


@app.command("coverage")
def coverage_command(
    sources: Annotated[list[Path], typer.Argument(help="Document files or folders (default: seeds)")] = None,  # type: ignore[assignment]
) -> None:
    """Per document: how many lines became facts, and every line that could not be explained."""
    documents, errors = load_many(list(sources or [Path("seeds")]))
    for doc in documents:
        report = coverage(doc)
        out.print(f"{doc.file_name}: {report.understood}/{report.text_lines} lines became facts ({report.ratio:.1%}); "
                  f"{len(report.unexplained)} lines or cells not understood; {len(report.problems)} problems")
        for finding in report.problems + report.unexplained:
            out.print(Text(f"  {finding.kind}: {finding.message}" + (f"  «{finding.text}»" if finding.text else "")))
    for e in errors:
        _error(e.message)
    if errors:
        raise typer.Exit(1)


def _cell(value: object, *, pretty: bool = False) -> str:
    """A result value as text; ``pretty`` groups digits of decimals for tables (CSV and JSON stay plain)."""
    if value is None:
        return ""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, Decimal):
            if not pretty:
                return format(python.normalize(), "f")
            return f"{python:,.2f}" if python != python.to_integral_value() else f"{python:,.0f}"
        return str(python)
    return str(value)


@app.command()
def query(
    spec: Annotated[str, typer.Argument(help="A named query, a .rq file, or SPARQL text")],
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to query")] = DEFAULT_GRAPH,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """Run SPARQL against the built graph and print the answer."""
    try:
        named = queries.resolve(spec)
        result = store.select(store.open_graph(graph), named.text)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
    elif fmt == "json":
        out.print_json(json.dumps([dict(zip(result.columns, (_cell(v) for v in row), strict=False)) for row in result.rows],
                                  ensure_ascii=False))
    elif fmt == "table":
        table = RichTable(title=named.title, show_lines=False)
        for column in result.columns:
            table.add_column(column, justify="right" if column in ("yuan", "wan") else "left")
        for row in result.rows:
            table.add_row(*(_cell(v, pretty=True) for v in row))
        out.print(table)
        err.print(f"{len(result.rows)} rows")
    else:
        raise _fail(PolicyKGError(f"unknown --format {fmt!r}; use table, csv or json"))


@app.command("queries")
def list_queries() -> None:
    """List the named query catalog: name and title."""
    for q in queries.catalog():
        out.print(f"{q.name}\t{q.title}")


@app.command()
def view(
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to draw")] = DEFAULT_GRAPH,
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write")] = Path("out/graph.html"),
) -> None:
    """Write a pyvis HTML view of the graph that opens without a network."""
    try:
        path = views.write_view(store.open_graph(graph), out_file)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    out.print(f"wrote {path}")


@app.command()
def evolution(
    name: Annotated[str, typer.Argument(help="Project name, e.g. 金融赋能 (exact, else any project containing it)")],
    graph: Annotated[Path, typer.Option("--graph", help="The built graph")] = DEFAULT_GRAPH,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    all_targets: Annotated[bool, typer.Option("--all", help="Also list targets that did not change")] = False,
) -> None:
    """Lineage of a project across years: department, money (yuan), and how indicator targets changed."""
    try:
        timeline = lineage_view.evolution(store.open_graph(graph), name)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    if fmt == "json":
        out.print_json(json.dumps(lineage_view.timeline_dict(timeline), ensure_ascii=False))
        return
    if fmt != "table":
        raise _fail(PolicyKGError(f"unknown --format {fmt!r}; use table or json"))
    table = RichTable(title=f"evolution of {name}")
    for column in ("year", "project", "department", "yuan", "continues (score)", "source"):
        table.add_column(column, justify="right" if column == "yuan" else "left")
    labels = {e.iri: f"{e.year} {e.name}" for e in timeline.entries}
    for e in timeline.entries:
        links = [f"{labels.get(iri, iri)} ({score})" for iri, score in e.continues]
        if e.via_parent:
            links.append(f"via parent {e.via_parent}")
        table.add_row(str(e.year), e.name, e.department or "", "" if e.amount is None else f"{e.amount:,.2f}",
                      "; ".join(links), f"{e.file_name}:{e.line}")
    out.print(table)
    changes = RichTable(title="indicator targets")
    for column in ("from", "to", "indicator", "before", "after", "change"):
        changes.add_column(column)
    for c in timeline.changes:
        if all_targets or c.direction != "unchanged" or c.before.target.from_name or c.after.target.from_name:
            changes.add_row(str(c.before_year), str(c.after_year), c.after.name, str(c.before.target),
                            str(c.after.target), c.direction)
    out.print(changes)


def main() -> None:  # pragma: no cover - console script entry
    app()
