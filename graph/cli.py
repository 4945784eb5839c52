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

from graph import analysis, pipeline, queries, store, views
from graph import evolution as lineage_view
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
    focus: Annotated[str, typer.Option("--focus", help="A project, policy or organization: part of its name, a 文号, or an IRI")] = "",
    depth: Annotated[int, typer.Option("--depth", help="Links out from the focus")] = 1,
    year: Annotated[str, typer.Option("--year", help="Only projects of this fiscal year, e.g. 2023")] = "",
    lineage: Annotated[str, typer.Option("--lineage", help="A programme across years (pkg:continues, pkg:partOf)")] = "",
) -> None:
    """Write a pyvis HTML view that opens without a network: the overview, a --focus, or a --lineage."""
    try:
        kg = store.open_graph(graph)
        chosen = views.make_view(kg, focus_on=focus or None, depth=depth, year=year or None, lineage_of=lineage or None)
        path = views.write_view(kg, out_file, view=chosen)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    err.print(chosen.description)
    out.print(f"wrote {path} ({len(chosen.nodes)} nodes)")


def _wan(yuan: Decimal | None) -> str:
    return "" if yuan is None else f"{yuan / 10000:,.2f}"


@app.command()
def analyze(
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to analyse")] = DEFAULT_GRAPH,
    policy: Annotated[str, typer.Option("--policy", help="Policy whose path to the money is shown (name, 文号 or IRI)")] = "",
    top: Annotated[int, typer.Option("--top", help="Rows per table")] = 10,
) -> None:
    """Most-cited policies, central nodes, connected groups, and one policy's path to the money (networkx)."""
    try:
        report = analysis.analyze(store.open_graph(graph), policy=policy or None, top=top)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    cited = RichTable(title="Most-cited policies (projects whose 立项依据 legal basis cites them)")
    for column in ("policy", "文号", "立项依据", "all citations", "万元 justified"):
        cited.add_column(column, justify="right" if column[0] in "立a万" else "left")
    for c in report.most_cited:
        cited.add_row(c.title, c.doc_number or "", str(c.justified_by), str(c.cites), _wan(c.yuan))
    central = RichTable(title=f"Central nodes (betweenness on {report.nodes} nodes, {report.edges} links)")
    for column in ("node", "kind", "betweenness", "degree"):
        central.add_column(column, justify="right" if column in ("betweenness", "degree") else "left")
    for n in report.central:
        central.add_row(n.label, n.kind, f"{n.betweenness:.3f}", f"{n.degree:.3f}")
    groups = RichTable(title="Connected groups of policies and projects (departments left out)")
    for column in ("nodes", "projects", "policies", "years", "万元", "largest projects"):
        groups.add_column(column, justify="left" if column in ("years", "largest projects") else "right")
    for g in report.components[:top]:
        groups.add_row(str(g.size), str(g.projects), str(g.policies), " ".join(g.years), _wan(g.yuan), "; ".join(g.largest))
    paths = RichTable(title="From the policy to the money: policy -> project -> sub-project -> budget line (万元)")
    for column in ("policy", "project", "sub-project / budget line", "万元", "source"):
        paths.add_column(column, justify="right" if column == "万元" else "left")
    for path in report.paths:
        last = path[-1]
        paths.add_row(path[0].label, path[1].label, " / ".join(s.label for s in path[2:]), _wan(last.yuan), last.source)
    for table in (cited, central, groups, paths):
        out.print(table)
    if len(report.components) > top:
        err.print(f"{len(report.components) - top} smaller groups not shown (--top)")


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
