"""The ``policykg`` command line: a thin shell over library functions.

Exit codes: 0 success; 1 the command ran but found problems (unreadable
files in a build, an empty answer is *not* a problem); 2 usage or input error.
Results go to stdout, progress and messages to stderr.
"""

from __future__ import annotations

import csv
import json
import signal
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
from graph import push as push_module
from graph import server as server_module
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
    if report.errors:
        raise typer.Exit(1)


def _cell(value: object, *, pretty: bool = False) -> str:
    """A result value as text; ``pretty`` groups digits of decimals for tables (CSV and JSON stay plain)."""
    return store.cell_text(value, pretty=pretty)


def _open_store(graph: Path, store_dir: Path | None, endpoint: str | None) -> store.Store:
    """The store a command asked for: --endpoint URL, --store DIR (Oxigraph, loaded when needed), or --graph."""
    if endpoint and store_dir:
        raise PolicyKGError("give --store DIR or --endpoint URL, not both")
    if endpoint:
        return store.EndpointStore(endpoint)
    if store_dir is None:
        return store.MemoryStore.open(graph)
    source = graph.with_suffix(".trig") if graph.suffix == ".ttl" and graph.with_suffix(".trig").exists() else graph
    with err.status(f"loading {source} into {store_dir}"):
        opened, loaded = store.open_oxigraph(store_dir, source if source.exists() else None)
    if loaded:
        err.print(f"loaded {source} into {store_dir}: {store.describe(store_dir)}", highlight=False)
    return opened


def _print_table(result: store.Table, fmt: str, title: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
    elif fmt == "json":
        out.print_json(json.dumps(_records(result), ensure_ascii=False))
    elif fmt == "table":
        numeric = [all(v is None or isinstance(v, Literal) and isinstance(v.toPython(), int | Decimal) for v in column)
                   for column in zip(*result.rows, strict=True)] if result.rows else [False] * len(result.columns)
        table = RichTable(title=title, show_lines=False)
        for column, is_number in zip(result.columns, numeric, strict=True):
            table.add_column(column, justify="right" if is_number or column in ("yuan", "wan") else "left")
        for row in result.rows:
            table.add_row(*(_cell(v, pretty=True) for v in row))
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
            found = queries.trace(opened, policy)
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
) -> None:
    """Serve the graph as a SPARQL 1.1 endpoint with a query UI on 127.0.0.1 until Ctrl-C."""
    try:
        with err.status(f"loading {graph} into {store_dir}"):
            opened, loaded = store.open_oxigraph(store_dir, graph if graph.exists() else None)
            opened.close()
            if writable:
                store.unmerge(store_dir)  # writes go to named graphs: queries must see their union
        if loaded:
            err.print(f"loaded {graph} into {store_dir}: {store.describe(store_dir)}", highlight=False)
        server = server_module.Server(store_dir, port=port, writable=writable).start()
    except PolicyKGError as exc:
        raise _fail(exc) from None
    out.print(f"SPARQL endpoint: {server.query_url}", highlight=False)
    out.print(f"query UI: {server.url}/", highlight=False)
    if writable:
        out.print(f"SPARQL update: {server.update_url}\ngraph store: {server.store_url}", highlight=False)
    err.print(f"serving {store_dir} ({'writable' if writable else 'read-only'}): {store.describe(store_dir)}; "
              "Ctrl-C stops", highlight=False)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the server in order too, as Ctrl-C does
    try:
        code = server.wait()
        _error(f"the Oxigraph server stopped by itself (exit code {code})")
        raise typer.Exit(1)
    except KeyboardInterrupt:
        err.print("stopping the server")
    finally:
        server.stop()


def _interrupt(signum: int, frame: object) -> None:
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
        err.print(f"{iri or 'default graph'}: {triples} triples (HTTP {code})", highlight=False)
    out.print(f"pushed {len(report.graphs)} graphs, {report.triples} triples to {url}", highlight=False)


def main() -> None:  # pragma: no cover - console script entry
    app()
