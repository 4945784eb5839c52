"""The ``policykg`` command line: a thin shell over library functions.

Exit codes: 0 success; 1 the command ran but found problems (unreadable
files in a build, a graph that violates the SHACL shapes; an empty answer is
*not* a problem); 2 usage or input error.
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

from graph import pipeline, queries, store, views
from graph import validate as shacl
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
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for graph.ttl, .trig, .nt, .jsonld and context.jsonld")] = Path("out"),
    check: Annotated[bool, typer.Option("--validate/--no-validate", help="Check the graph against the SHACL shapes")] = True,
) -> None:
    """Parse documents, build the graph, validate it, write it, and print a summary per document.

    Exit codes: 0 built and valid; 1 some file could not be read, or the graph
    violates the SHACL shapes (the files are still written; `policykg validate`
    lists every problem); 2 nothing could be built.
    """
    paths = list(sources or [Path("seeds")])
    try:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("reading", total=None)
            _, report = pipeline.build(paths, out_dir, progress=lambda f: progress.update(task, description=f"reading {f.name}"),
                                       validate_graph=check)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    table = RichTable(title="policykg build")
    for column in ("document", "layout", "projects", "lines understood", "findings"):
        table.add_column(column)
    for doc in report.documents:
        table.add_row(doc.file_name, doc.layout, str(len(doc.projects)),
                      f"{len(doc.covered_lines)}/{len(doc.text_lines)}", str(len(doc.findings)))
    err.print(table)
    for e in report.errors:
        _error(e.message)
    err.print(f"{report.projects} projects, {report.triples} triples")
    for _fmt, path in report.outputs.items():
        out.print(f"wrote {path}")
    if report.validation is not None:
        _print_validation(report.validation, limit=BUILD_REPORT_LINES)
    if report.errors or (report.validation is not None and not report.validation.conforms):
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


BUILD_REPORT_LINES = 20


def _print_validation(report: shacl.ValidationReport, limit: int | None = None, lang: str = "en") -> None:
    """Validation results on stderr, violations first, at most ``limit`` lines, then the summary."""
    lines = shacl.render(report, lang)
    for line in lines[:limit]:
        err.print(Text(line, style="red" if not line.startswith(("warning", "警告")) else "yellow"))
    if limit is not None and len(lines) > limit:
        err.print(f"… {len(lines) - limit} more; `policykg validate` lists them all")
    err.print(shacl.summary(report))


@app.command("validate")
def validate_graph(
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to check (.ttl, .trig, .nt, .jsonld)")] = DEFAULT_GRAPH,
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: en or zh")] = "en",
) -> None:
    """Check a built graph against the SHACL shapes and print every problem, with file and line.

    Exit codes (pySHACL's): 0 the graph conforms (warnings may be printed);
    1 it violates the shapes; 2 the graph could not be read or checked.
    """
    if lang not in ("en", "zh"):
        raise _fail(PolicyKGError(f"unknown --lang {lang!r}; use en or zh"))
    try:
        report = shacl.validate(store.open_graph(graph))
    except PolicyKGError as exc:
        raise _fail(exc) from None
    for line in shacl.render(report, lang):
        out.print(Text(line))
    err.print(shacl.summary(report))
    if not report.conforms:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console script entry
    app()
