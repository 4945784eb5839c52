"""The ``policykg`` command line: a thin shell over library functions.

Exit codes: 0 success; 1 the command ran but found problems (unreadable
files in a build, a graph that violates the SHACL shapes; an empty answer is
*not* a problem); 2 usage or input error.
Results go to stdout, progress and messages to stderr.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rdflib import Literal
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from policykg.graph import validation as shacl
from policykg.graph.audit import engine as audit_module
from policykg.graph.lazy import lazy
from policykg.graph.printable import printable
from policykg.graph.rdf.findings import findings_from_graph
from policykg.graph.run import pipeline
from policykg.graph.run.limits import FileLimits
from policykg.loaders import Document, coverage, load_many
from policykg.loaders.errors import PolicyKGError

if TYPE_CHECKING:  # loaded on first use: only some commands need networkx, the SPARQL store or the server
    from policykg.graph import tables as tables_module
    from policykg.graph.answers import analysis
    from policykg.graph.answers import evolution as lineage_view
    from policykg.graph.answers import trace as trace_module
    from policykg.graph.sparql import push as push_module
    from policykg.graph.sparql import queries, store
    from policykg.graph.sparql import server as server_module
else:
    analysis, queries, store = lazy("policykg.graph.answers.analysis"), lazy("policykg.graph.sparql.queries"), lazy("policykg.graph.sparql.store")
    lineage_view, push_module, server_module = lazy("policykg.graph.answers.evolution"), lazy("policykg.graph.sparql.push"), lazy("policykg.graph.sparql.server")
    trace_module, tables_module = lazy("policykg.graph.answers.trace"), lazy("policykg.graph.tables")

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


def safe(text: object) -> Text:
    """Text that may come from a document, for the terminal: control characters escaped
    (``graph.printable``: ESC as ``\\x1b``), never read as rich markup."""
    return Text(printable(str(text)))


def _error(message: str) -> None:
    err.print(Text("error: ", style="red") + safe(message))


def _fail(exc: Exception, code: int = 2) -> typer.Exit:
    _error(str(exc))
    return typer.Exit(code)


@app.command()
def build(
    sources: Annotated[list[Path], typer.Argument(help="Document files or folders (default: seeds)")] = None,  # type: ignore[assignment]
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for graph.ttl, .trig, .nt, .jsonld and context.jsonld")] = Path("out"),
    check: Annotated[bool | None, typer.Option("--validate/--no-validate",
                                               help="Check the SHACL shapes (default: for up to 200 documents)")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Processes for parsing (0: one per core)")] = 0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-read every document; ignore OUT/.cache")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="When another build writes into --out, stop "
                                          "(exit code 2) instead of waiting for it")] = False,
    max_file_mb: Annotated[float, typer.Option("--max-file-mb", min=0, help="A larger file is not read but "
                                               "reported (0: no limit)")] = 20.0,
    max_file_seconds: Annotated[float, typer.Option("--max-file-seconds", min=0, help="Reading one file "
                                                    "longer is stopped and reported (0: no limit)")] = 600.0,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler (tcp://HOST:8786): read, "
                                                  "parse and encode each document on its workers, which see the "
                                                  "files at the same paths; needs policykg[distributed]")] = None,
) -> None:
    """Parse documents, build the graph, validate it, write it, and print a summary per document.

    Documents read before are taken from OUT/.cache (keyed by their content), so
    a re-run after one file changed re-parses only that file.

    Exit codes: 0 built and valid; 1 some file could not be read, or the graph
    violates the SHACL shapes (the files are still written; `policykg validate`
    lists every problem); 2 nothing could be built, or --out cannot be used
    (a file, read-only, not an ordinary folder); 130 interrupted (Ctrl-C or
    SIGTERM; the worker processes end with the build).
    """
    paths = list(sources or [Path("seeds")])
    _stop_on_sigterm()
    try:
        limits = FileLimits(max_mb=max_file_mb or None, max_seconds=max_file_seconds or None)
        report = _build_with_progress(paths, out_dir, workers or None, not no_cache, check, wait=not no_wait,
                                      limits=limits, scheduler=scheduler)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        _error(f"build interrupted; every file in {out_dir} is either whole or untouched (each is written "
               "beside and renamed into place)")
        raise typer.Exit(130) from None
    err.print(_summary(report))
    if len(report.documents) <= SUMMARY_ROWS:
        for doc in report.documents:
            _print_findings(doc, limit=10)
    for e in report.errors:
        _error(e.message)
    err.print(f"{report.projects} projects, {report.triples} triples; {report.parsed} documents parsed, "
              f"{report.cached} from the cache, {report.graphs_built} named graphs rebuilt")
    err.print("seconds: " + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in report.seconds.items()))
    for _fmt, path in report.outputs.items():
        out.print(safe(f"wrote {path}" if report.outputs_written else f"up to date {path}"))
    for note in report.notes:
        err.print(Text(f"note: {note}", style="yellow"))
    if report.validation is not None:
        _print_validation(report.validation, limit=BUILD_REPORT_LINES)
    if report.errors or (report.validation is not None and not report.validation.conforms):
        raise typer.Exit(1)


def _print_findings(doc: Document, limit: int | None = None) -> None:
    """Lines not understood and the document's own contradictions, on stderr."""
    report = coverage(doc)
    shown = list(report.problems) + list(report.unexplained)
    for finding in shown[:limit]:
        style = "yellow" if finding.kind != "unexplained" else "dim"
        err.print(Text(f"{finding.kind}: ", style=style) + safe(finding.message + (f"  «{finding.text[:60]}»" if finding.text else "")))
    if limit is not None and len(shown) > limit:
        err.print(safe(f"… and {len(shown) - limit} more in {doc.file_name}; see `policykg coverage {doc.path}`"))


def _with_place(doc: Document, message: str, line: int | None) -> str:
    """``form.pdf:40 (p. 3, table 2 row 4 col 1): …`` — the page / cell of a finding's line, for files other than text."""
    origin = doc.origins[line - 1] if line is not None and 0 < line <= len(doc.origins) else None
    place = origin.describe() if origin is not None else ""
    if not place or place.startswith("line "):
        return message
    for prefix in (f"{doc.path}:{line}", f"{doc.file_name}:{line}"):
        if message.startswith(prefix):
            return f"{prefix} ({place}){message[len(prefix):]}"
    return f"{doc.file_name}:{line} ({place}): {message}"


@app.command("coverage")
def coverage_command(
    sources: Annotated[list[Path], typer.Argument(help="Document files or folders (default: seeds)")] = None,  # type: ignore[assignment]
) -> None:
    """Per document: how many lines became facts, and every line that could not be explained."""
    documents, errors = load_many(list(sources or [Path("seeds")]))
    for doc in documents:
        report = coverage(doc)
        out.print(safe(f"{doc.file_name}: {report.understood}/{report.text_lines} lines became facts ({report.ratio:.1%}); "
                       f"{len(report.unexplained)} lines or cells not understood; {len(report.problems)} problems"))
        for finding in report.problems + report.unexplained:
            out.print(safe(f"  {finding.kind}: {_with_place(doc, finding.message, finding.line)}" + (f"  «{finding.text}»" if finding.text else "")))
    for e in errors:
        _error(e.message)
    if errors:
        raise typer.Exit(1)


SUMMARY_ROWS = 50  # above this many documents the summary groups them by layout


def _build_with_progress(paths: list[Path], out_dir: Path, workers: int | None, cache: bool,
                         check: bool | None = None, *, wait: bool = True,
                         limits: FileLimits | None = None, scheduler: str | None = None) -> pipeline.BuildReport:
    """Run the build with a progress bar on stderr (files read of total, then the writing stage)."""
    from policykg.loaders import source_files

    total = len(source_files(list(paths)))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("reading", total=total or None)

        def advance(file: Path) -> None:
            progress.update(task, advance=1, description=f"reading {file.name}")
            if progress.tasks[0].completed >= total:
                progress.update(task, description="linking and writing the graph")

        def waiting(message: str) -> None:
            progress.update(task, description="waiting for the other build")
            progress.console.print(Text(message))

        _, report = pipeline.build(paths, out_dir, progress=advance, dataset=False, workers=workers, cache=cache,
                                   validate_graph=check, wait=wait, waiting=waiting, limits=limits,
                                   scheduler=scheduler)
    return report


def _summary(report: pipeline.BuildReport) -> RichTable:
    """One row per document for a few documents; per layout for many."""
    table = RichTable(title="policykg build")
    if len(report.documents) <= SUMMARY_ROWS:
        for column in ("document", "read as (why)", "projects", "lines → facts", "not understood", "problems"):
            table.add_column(column)
        for doc in report.documents:
            cov = coverage(doc)
            read_as = safe(f"{doc.kind} · {doc.layout} · {doc.format}")
            if doc.reason:
                read_as = read_as + Text("\n") + safe(doc.reason)
            table.add_row(safe(doc.file_name), read_as, str(len(doc.projects)), f"{cov.understood}/{cov.text_lines}",
                          str(cov.text_lines - cov.understood), str(len(cov.problems)))
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
    return store.cell_text(value, pretty=pretty)


def _open_store(graph: Path, store_dir: Path | None, endpoint: str | None) -> store.Store:
    """The store a command asked for (``graph.sparql.store.open_store``), loading with a spinner on stderr."""
    return store.open_store(graph, store_dir, endpoint, loading=err.status,
                            loaded=lambda message: err.print(message, highlight=False))


def _print_table(result: store.Table, fmt: str, title: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        # exact values for pipes and files; escaped control characters on a terminal
        shown = printable if sys.stdout.isatty() else str
        writer.writerows([[shown(_cell(v)) for v in row] for row in result.rows])
    elif fmt == "json":
        out.print_json(json.dumps(_records(result), ensure_ascii=False))
    elif fmt == "table":
        numeric = [all(v is None or isinstance(v, Literal) and isinstance(v.toPython(), int | Decimal) for v in column)
                   for column in zip(*result.rows, strict=True)] if result.rows else [False] * len(result.columns)
        table = RichTable(title=safe(title), show_lines=False)
        for column, is_number in zip(result.columns, numeric, strict=True):
            table.add_column(column, justify="right" if is_number or column in ("yuan", "wan") else "left")
        for row in result.rows:
            table.add_row(*(safe(_cell(v, pretty=True)) for v in row))
        out.print(table)
        err.print(f"{len(result.rows)} rows")
    else:
        raise _fail(PolicyKGError(f"unknown --format {fmt!r}; use table, csv or json"))


def _records(result: store.Table) -> list[dict[str, str]]:
    return [dict(zip(result.columns, (_cell(v) for v in row), strict=False)) for row in result.rows]


StoreOption = Annotated[Path | None, typer.Option("--store", help="Query an Oxigraph store in this folder "
                                                  "(created from the built graph.trig when missing or older)")]
EndpointOption = Annotated[str | None, typer.Option("--endpoint", help="Query a SPARQL 1.1 endpoint at this URL")]


@app.command()
def query(
    spec: Annotated[str, typer.Argument(help="A named query, a .rq file, or SPARQL text")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, bound as an RDF term")] = None,
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to query")] = DEFAULT_GRAPH,
    store_dir: StoreOption = None,
    endpoint: EndpointOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
) -> None:
    """Run SPARQL against the built graph and print the answer."""
    if fmt not in ("table", "csv", "json"):
        raise _fail(PolicyKGError(f"unknown --format {fmt!r}; use table, csv or json"))
    try:
        named = queries.resolve(spec)
        values = queries.parse_params(param or [])
        queries.bind_params(named, values)  # parameter errors before a store is opened or loaded
        opened = _open_store(graph, store_dir, endpoint)
        try:
            result = queries.run_named(opened, named, values)
        finally:
            opened.close()
    except PolicyKGError as exc:
        raise _fail(exc) from None
    _print_table(result, fmt, named.title)


@app.command("queries")
def list_queries() -> None:
    """List the named query catalog: name and title."""
    for q in queries.catalog():
        typer.echo(f"{q.name}\t{q.title}")  # tab-separated as written (rich would expand the tab)


export_app = typer.Typer(help="Write the graph as files for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("tables")
def export_tables_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the tables into")],
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to export")] = DEFAULT_GRAPH,
    store_dir: StoreOption = None,
    endpoint: EndpointOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet (one file per table) or xlsx "
                                                      "(tables.xlsx, one sheet per table)")] = "csv",
    table: Annotated[list[str] | None, typer.Option("--table", help="Only this table; repeat for several: "
                                                    "projects, indicators, citations, policies, lineage, "
                                                    "findings")] = None,
) -> None:
    """Write tidy tables for pandas, R, Stata and Excel: one row per project, indicator, citation, policy,
    lineage link and audit finding, money in yuan. Each table is the answer of the named query table-NAME."""
    try:
        names = tables_module.chosen_tables(fmt, table or None)  # a wrong --format or --table before any loading
        opened = _open_store(graph, store_dir, endpoint)
        try:
            written = tables_module.export_tables(opened, out_dir, fmt, names)
        finally:
            opened.close()
    except PolicyKGError as exc:
        raise _fail(exc) from None
    for path in written:
        out.print(safe(f"wrote {path}"))


@app.command()
def view(
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to draw")] = DEFAULT_GRAPH,
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write")] = Path("out/graph.html"),
    focus: Annotated[str, typer.Option("--focus", help="A project, policy or organization: part of its name, a 文号, or an IRI")] = "",
    depth: Annotated[int, typer.Option("--depth", help="Links out from the focus")] = 1,
    year: Annotated[str, typer.Option("--year", help="Only projects of this fiscal year, e.g. 2023")] = "",
    lineage: Annotated[str, typer.Option("--lineage", help="A programme across years (pkg:continues, pkg:partOf)")] = "",
    store_dir: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Write a pyvis HTML view that opens without a network: the overview, a --focus, or a --lineage."""
    from policykg.graph.views import html as views  # pyvis and jinja2 are imported only for this command

    try:
        opened = _open_store(graph, store_dir, endpoint)
        try:
            chosen = views.make_view(opened, focus_on=focus or None, depth=depth, year=year or None,
                                     lineage_of=lineage or None)
        finally:
            opened.close()
        path = views.write_view(opened, out_file, view=chosen)
    except PolicyKGError as exc:
        raise _fail(exc) from None
    err.print(safe(chosen.description))
    out.print(safe(f"wrote {path} ({len(chosen.nodes)} nodes)"))


def _wan(yuan: Decimal | None) -> str:
    return "" if yuan is None else f"{yuan / 10000:,.2f}"


@app.command()
def analyze(
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to analyse")] = DEFAULT_GRAPH,
    policy: Annotated[str, typer.Option("--policy", help="Policy whose path to the money is shown (name, 文号 or IRI)")] = "",
    top: Annotated[int, typer.Option("--top", help="Rows per table")] = 10,
    store_dir: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Most-cited policies, central nodes, connected groups, and one policy's path to the money (networkx)."""
    try:
        opened = _open_store(graph, store_dir, endpoint)
        try:
            report = analysis.analyze(opened, policy=policy or None, top=top)
        finally:
            opened.close()
    except PolicyKGError as exc:
        raise _fail(exc) from None
    cited = RichTable(title="Most-cited policies (projects whose 立项依据 legal basis cites them)")
    for column in ("policy", "文号", "立项依据", "all citations", "万元 justified"):
        cited.add_column(column, justify="right" if column[0] in "立a万" else "left")
    for c in report.most_cited:
        cited.add_row(safe(c.title), safe(c.doc_number or ""), str(c.justified_by), str(c.cites), _wan(c.yuan))
    central = RichTable(title=f"Central nodes (betweenness on {report.nodes} nodes, {report.edges} links)")
    for column in ("node", "kind", "betweenness", "degree"):
        central.add_column(column, justify="right" if column in ("betweenness", "degree") else "left")
    for n in report.central:
        central.add_row(safe(n.label), n.kind, f"{n.betweenness:.3f}", f"{n.degree:.3f}")
    groups = RichTable(title="Connected groups of policies and projects (departments left out)")
    for column in ("nodes", "projects", "policies", "years", "万元", "largest projects"):
        groups.add_column(column, justify="left" if column in ("years", "largest projects") else "right")
    for g in report.components[:top]:
        groups.add_row(str(g.size), str(g.projects), str(g.policies), safe(" ".join(g.years)), _wan(g.yuan),
                       safe("; ".join(g.largest)))
    paths = RichTable(title="From the policy to the money: policy -> project -> sub-project -> budget line (万元)")
    for column in ("policy", "project", "sub-project / budget line", "万元", "source"):
        paths.add_column(column, justify="right" if column == "万元" else "left")
    for path in report.paths:
        last = path[-1]
        paths.add_row(safe(path[0].label), safe(path[1].label), safe(" / ".join(s.label for s in path[2:])),
                      _wan(last.yuan), safe(last.source))
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
    store_dir: StoreOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Lineage of a project across years: department, money (yuan), and how indicator targets changed."""
    try:
        opened = _open_store(graph, store_dir, endpoint)
        try:
            timeline = lineage_view.evolution(opened, name)
        finally:
            opened.close()
    except PolicyKGError as exc:
        raise _fail(exc) from None
    if fmt == "json":
        out.print_json(json.dumps(lineage_view.timeline_dict(timeline), ensure_ascii=False))
        return
    if fmt != "table":
        raise _fail(PolicyKGError(f"unknown --format {fmt!r}; use table or json"))
    table = RichTable(title=safe(f"evolution of {name}"))
    for column in ("year", "project", "department", "yuan", "continues (score)", "source"):
        table.add_column(column, justify="right" if column == "yuan" else "left")
    labels = {e.iri: f"{e.year} {e.name}" for e in timeline.entries}
    for e in timeline.entries:
        links = [f"{labels.get(iri, iri)} ({score})" for iri, score in e.continues]
        if e.via_parent:
            links.append(f"via parent {e.via_parent}")
        table.add_row(str(e.year), safe(e.name), safe(e.department or ""), "" if e.amount is None else f"{e.amount:,.2f}",
                      safe("; ".join(links)), safe(f"{e.file_name}:{e.line}"))
    out.print(table)
    changes = RichTable(title="indicator targets")
    for column in ("from", "to", "indicator", "before", "after", "change"):
        changes.add_column(column)
    for c in timeline.changes:
        if all_targets or c.direction != "unchanged" or c.before.target.from_name or c.after.target.from_name:
            changes.add_row(str(c.before_year), str(c.after_year), safe(c.after.name), safe(c.before.target),
                            safe(c.after.target), c.direction)
    out.print(changes)


@app.command()
def trace(
    policy: Annotated[str, typer.Argument(help="A 文号 (沪松府规〔2019〕23号), a title or part of one, or a short form (建设方案)")],
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to query")] = DEFAULT_GRAPH,
    store_dir: StoreOption = None,
    endpoint: EndpointOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table; csv (the project rows) or json (everything)")] = "table",
) -> None:
    """Which projects and how much money a policy justifies, with totals per year."""
    try:
        opened = _open_store(graph, store_dir, endpoint)
        try:
            found = trace_module.trace(opened, policy)
        finally:
            opened.close()
    except PolicyKGError as exc:
        raise _fail(exc) from None
    if fmt == "json":
        out.print_json(json.dumps({"policy": found.searched, "policies": _records(found.policies),
                                   "projects": _records(found.projects), "totals": _records(found.totals)},
                                  ensure_ascii=False))
        return
    if fmt == "csv":
        _print_table(found.projects, fmt, "")
        return
    _print_table(found.policies, fmt, f"policy documents matching {found.searched}")
    if not found.projects.rows:
        err.print("no project gives these documents as 立项依据 (legal basis); they are only cited")
        return
    _print_table(found.projects, fmt, "projects justified (a parent's amount includes its sub-projects)")
    _print_table(found.totals, fmt, "money justified per year (each yuan once)")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 picks a free one)")] = 7878,
    store_dir: Annotated[Path, typer.Option("--store", help="Oxigraph store folder (created from the built "
                                            "graph when missing or older)")] = Path("out/store"),
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to load")] = Path("out/graph.trig"),
    writable: Annotated[bool, typer.Option("--writable", help="Allow SPARQL update and Graph Store writes")] = False,
    timeout: Annotated[int, typer.Option("--timeout", min=0, help="Seconds a query may run; one that runs "
                                         "longer is stopped (0: no limit)")] = server_module.TIMEOUT_S,
) -> None:
    """Serve the graph as a SPARQL 1.1 endpoint with a query UI on 127.0.0.1 until Ctrl-C.

    A query may run --timeout seconds (default 30); one that cannot be stopped
    otherwise is stopped by restarting the server on the same port.
    """
    try:
        server = server_module.serve(store_dir, graph, port=port, writable=writable, timeout_s=timeout or None,
                                     loading=err.status, loaded=lambda message: err.print(message, highlight=False),
                                     on_restart=lambda message: err.print(Text(message, style="yellow")))
    except PolicyKGError as exc:
        raise _fail(exc) from None
    out.print(f"SPARQL endpoint: {server.query_url}", highlight=False)
    out.print(f"query UI: {server.url}/", highlight=False)
    if writable:
        out.print(f"SPARQL update: {server.update_url}\ngraph store: {server.store_url}", highlight=False)
    limit = f"queries stopped after {timeout} s" if timeout else "no query time limit"
    err.print(f"serving {store_dir} ({'writable' if writable else 'read-only'}, {limit}): {store.describe(store_dir)}; "
              "Ctrl-C stops", highlight=False)
    _stop_on_sigterm()  # the server stops in order too
    try:
        code = server.wait()
        _error(f"the Oxigraph server stopped by itself (exit code {code})")
        raise typer.Exit(1)
    except KeyboardInterrupt:
        err.print("stopping the server")
    finally:
        server.stop()


_MAIN_PID: list[int] = []  # the process ``_stop_on_sigterm`` installed the handler in


def _stop_on_sigterm() -> None:
    """`kill` stops this command (and its workers) as Ctrl-C does."""
    _MAIN_PID[:] = [os.getpid()]
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    if _MAIN_PID and os.getpid() != _MAIN_PID[0]:
        os._exit(128 + signum)  # a worker forked with this handler, stopped before it set its own: no traceback
    raise KeyboardInterrupt


@app.command()
def push(
    url: Annotated[str, typer.Argument(help="Graph Store endpoint, e.g. http://127.0.0.1:7878/store or "
                                             "http://localhost:3030/ds/data")],
    graph: Annotated[Path, typer.Option("--graph", help="The built graph (TriG: one named graph per document)")]
    = Path("out/graph.trig"),
) -> None:
    """Upload the graph to a SPARQL 1.1 Graph Store, replacing each source document's named graph."""
    try:
        with err.status("pushing") as status:
            report = push_module.push(graph, url, progress=lambda iri: status.update(f"pushing {iri}"))
    except PolicyKGError as exc:
        raise _fail(exc) from None
    for iri, triples, code in report.graphs:
        err.print(safe(f"{iri or 'default graph'}: {triples} triples (HTTP {code})"), highlight=False)
    out.print(f"pushed {len(report.graphs)} graphs, {report.triples} triples to {url}", highlight=False)


BUILD_REPORT_LINES = 20


@app.command()
def audit(
    sources: Annotated[list[Path] | None, typer.Argument(help="Documents or folders to audit (default: the built graph)")] = None,
    graph: Annotated[Path, typer.Option("--graph", help="The built graph to read the findings from")] = DEFAULT_GRAPH,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule id (repeatable), e.g. units.rate-in-count")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    lang: Annotated[str, typer.Option("--lang", help="Language of the messages: en or zh")] = "en",
) -> None:
    """Where the documents contradict themselves: findings grouped by project, the evidence side by side.

    With SOURCES the documents are read and audited; without, the findings are read from the built
    graph. Exit codes: 0 done (findings or none); 2 the sources or graph could not be read, or an unknown rule.
    """
    if fmt not in ("table", "csv", "json") or lang not in ("en", "zh"):
        raise _fail(PolicyKGError(f"unknown --format {fmt!r} or --lang {lang!r}; use table, csv or json and en or zh"))
    try:
        if sources:
            documents, errors = load_many(sources)
            for error in errors:
                _error(str(error))
            found = audit_module.audit(documents, rule)
        else:
            unknown = sorted(set(rule or ()) - set(audit_module.RULES))
            if unknown:
                raise KeyError(f"unknown audit rule(s) {', '.join(unknown)}")
            found = findings_from_graph(store.open_graph(graph), rule)
    except (PolicyKGError, KeyError) as exc:
        raise _fail(PolicyKGError(str(exc).strip("'\""))) from None
    rows = audit_module.flat_rows(found, lang)
    if fmt == "json":
        out.print_json(json.dumps(audit_module.rows(found, lang), ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["file", "project", "rule"])
        writer.writeheader()
        writer.writerows([{k: v if not sys.stdout.isatty() else printable(v) for k, v in r.items()} for r in rows])
    else:
        table = RichTable(title="audit: where the documents contradict themselves", show_lines=True)
        for column in ("project", "rule", "line a: says", "line b: says", "message"):
            table.add_column(column)
        previous = None
        for r in rows:
            group = (r["file"], r["project"], r["project_line"])
            head = f"{r['project']} ({r['file']}:{r['project_line']})" if group != previous else ""
            previous = group
            more = f" | {r['more']}" if r["more"] else ""
            table.add_row(safe(head), safe(f"{r['rule']} [{r['severity']}]"), safe(f"{r['line_a']} {r['says_a']}"),
                          safe(f"{r['line_b']} {r['says_b']}{more}".strip()), safe(r["message"]))
        out.print(table)
    err.print(f"{len(found)} findings")


def _print_validation(report: shacl.ValidationReport, limit: int | None = None, lang: str = "en") -> None:
    """Validation results on stderr, violations first, at most ``limit`` lines, then the summary."""
    lines = shacl.render(report, lang)
    for line in lines[:limit]:
        err.print(Text(printable(line), style="red" if not line.startswith(("warning", "警告")) else "yellow"))
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
        out.print(safe(line))
    err.print(shacl.summary(report))
    if not report.conforms:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console script entry
    app()
