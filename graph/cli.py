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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from graph import pipeline, queries, store
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
    workers: Annotated[int, typer.Option("--workers", help="Processes for parsing (0: one per core)")] = 0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-read every document; ignore OUT/.cache")] = False,
) -> None:
    """Parse documents, build the graph, write it, and print a summary per document.

    Documents read before are taken from OUT/.cache (keyed by their content), so
    a re-run after one file changed re-parses only that file.
    """
    paths = list(sources or [Path("seeds")])
    try:
        report = _build_with_progress(paths, out_dir, workers or None, not no_cache)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    err.print(_summary(report))
    for e in report.errors:
        _error(e.message)
    err.print(f"{report.projects} projects, {report.triples} triples; {report.parsed} documents parsed, "
              f"{report.cached} from the cache, {report.graphs_built} named graphs rebuilt")
    err.print("seconds: " + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in report.seconds.items()))
    for _fmt, path in report.outputs.items():
        out.print(f"wrote {path}" if report.outputs_written else f"up to date {path}")
    if report.errors:
        raise typer.Exit(1)


SUMMARY_ROWS = 50  # above this many documents the summary groups them by layout


def _build_with_progress(paths: list[Path], out_dir: Path, workers: int | None, cache: bool) -> pipeline.BuildReport:
    """Run the build with a progress bar on stderr (files read of total, then the writing stage)."""
    from loaders import source_files

    total = len(source_files(list(paths)))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("reading", total=total or None)

        def advance(file: Path) -> None:
            progress.update(task, advance=1, description=f"reading {file.name}")
            if progress.tasks[0].completed >= total:
                progress.update(task, description="linking and writing the graph")

        _, report = pipeline.build(paths, out_dir, progress=advance, dataset=False, workers=workers, cache=cache)
    return report


def _summary(report: pipeline.BuildReport) -> RichTable:
    """One row per document for a few documents; per layout for many."""
    table = RichTable(title="policykg build")
    if len(report.documents) <= SUMMARY_ROWS:
        for column in ("document", "layout", "projects", "lines understood", "findings"):
            table.add_column(column)
        for doc in report.documents:
            table.add_row(doc.file_name, doc.layout, str(len(doc.projects)),
                          f"{len(doc.covered_lines)}/{len(doc.text_lines)}", str(len(doc.findings)))
        return table
    for column in ("layout", "documents", "projects", "lines understood", "findings"):
        table.add_column(column)
    for layout in sorted({d.layout for d in report.documents}):
        docs = [d for d in report.documents if d.layout == layout]
        covered = sum(len(d.covered_lines) for d in docs)
        lines = sum(len(d.text_lines) for d in docs)
        table.add_row(layout, str(len(docs)), str(sum(len(d.projects) for d in docs)), f"{covered}/{lines}",
                      str(sum(len(d.findings) for d in docs)))
    return table


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
    from graph import views  # pyvis, jinja2 and networkx are imported only for this command

    try:
        path = views.write_view(views.view_graph(graph), out_file)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    out.print(f"wrote {path}")


def main() -> None:  # pragma: no cover - console script entry
    app()
