"""The benchmark: build time, memory, triples, query latency and the HTML view at corpus scale.

For each size N (default 5 = the seeds, 500 and 4,000 generated documents, see
``bench.generate``) it measures, on this machine:

- ``policykg build`` as a user runs it (a separate process, wall and CPU time,
  documents per second, peak memory of the process tree), cold (no cache),
  warm (nothing changed) and incremental (one document changed);
- the triples written;
- the median latency of every named query (``graph/sparql/queries/*.rq``) over
  ``--repeats`` runs, on rdflib in memory (``graph.sparql.store.open_graph`` of
  ``graph.ttl``) and on an in-memory pyoxigraph ``Store`` whose default graph
  is loaded with ``graph.nt`` (the union of the named graphs: pyoxigraph 0.5's
  ``use_default_graph_as_union`` repeats a triple once per named graph holding
  it, oxigraph issue 1919, so it would answer different rows), and their ratio;
- the default HTML view (``policykg view``): nodes and the time headless
  Chromium needs to open and lay it out (Playwright driving Debian's chromium
  when installed; otherwise ``chromium --headless --dump-dom``, which stops at
  the load event).

Results are written to ``bench/results.md`` (the part above the notes marker;
hand-written notes below it are kept) and ``<out>/results.json``.

    python -m bench.run                       # 5, 500, 4000
    python -m bench.run --sizes 5 --repeats 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NOTES_MARKER = "<!-- notes: everything below this line is kept by bench/run.py -->"
RDFLIB_TIMEOUT = 1800  # seconds for loading + querying one size on one engine before giving up
VIEW_TIMEOUT = 900
MEMORY_LIMIT_GB = 8.0  # per query engine process


@dataclass
class BuildRun:
    wall_s: float
    cpu_s: float  # user + system of the build process and its workers
    peak_rss_mb: float  # sum of resident memory over the process tree, sampled every 20 ms (over-states)
    max_process_rss_mb: float  # the largest single process
    parsed: int
    cached: int
    graphs_rebuilt: int
    triples: int
    stages: dict[str, float]
    exit_code: int
    peak_pss_mb: float = 0.0  # sum of proportional set sizes over the tree (``tree_pss_kb``): what the tree holds


@dataclass
class QueryTimes:
    engine: str
    load_s: float | None
    medians_ms: dict[str, float] = field(default_factory=dict)  # whole corpus: no parameter given
    rows: dict[str, int] = field(default_factory=dict)
    asked_ms: dict[str, float] = field(default_factory=dict)  # with the parameters in ``asked``
    asked_rows: dict[str, int] = field(default_factory=dict)
    asked: dict[str, dict[str, str]] = field(default_factory=dict)
    note: str = ""


@dataclass
class SizeResult:
    n: int
    documents: int
    corpus: str
    generate_s: float | None
    cold: BuildRun | None = None
    warm: BuildRun | None = None
    incremental: BuildRun | None = None
    rdflib: QueryTimes | None = None
    oxigraph: QueryTimes | None = None
    view: dict[str, object] = field(default_factory=dict)


# ---------------------------------------------------------------------------- machine


def machine() -> dict[str, str]:
    """Cores, memory, CPU model, Python and library versions, date, load."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    import pyoxigraph
    import rdflib

    return {
        "cores": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "memory": memory,
        "cpu": model,
        "python": platform.python_version(),
        "rdflib": rdflib.__version__,
        "pyoxigraph": getattr(pyoxigraph, "__version__", "?"),
        "os": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# ---------------------------------------------------------------------------- processes


def _descendants(pid: int) -> list[int]:
    """A process and all its descendants (``/proc/PID/task/*/children``); processes gone meanwhile are left out."""
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _tree_rss_kb(pid: int) -> int:
    """Resident memory summed over a process and its descendants (kB, ``VmRSS``): a page shared by forked
    workers is counted once per process, so this over-states the tree."""
    total = 0
    for p in _descendants(pid):
        try:
            m = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text())
        except OSError:
            continue
        total += int(m.group(1)) if m else 0
    return total


def tree_pss_kb(pid: int) -> int:
    """Proportional set size summed over a process and its descendants (kB, ``Pss`` of
    ``/proc/PID/smaps_rollup``): each page shared by n processes counts 1/n in each, so the sum is the memory
    the whole tree holds (Linux 4.14 or later; 0 where the file cannot be read)."""
    total = 0
    for p in _descendants(pid):
        try:
            m = re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{p}/smaps_rollup").read_text(), re.MULTILINE)
        except OSError:
            continue
        total += int(m.group(1)) if m else 0
    return total


@dataclass
class Measured:
    """One command run by ``run_measured``."""

    result: subprocess.CompletedProcess[str]
    wall_s: float
    cpu_s: float  # user + system of the command and every descendant it waited for
    peak_rss_tree_mb: float  # the largest sum of VmRSS over the tree, sampled every 20 ms
    peak_pss_tree_mb: float  # the largest sum of Pss over the tree, sampled every 100 ms: what the tree holds
    # getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest process among every child this process has waited
    # for so far (this command's tree included; run commands from a fresh process to read it as this one's)
    largest_process_mb: float


def run_measured(command: list[str], timeout: float | None = None, memory_limit_gb: float | None = None,
                 cwd: Path = ROOT) -> Measured:
    """Run a command and measure it (``Measured``: wall and CPU seconds, the peak memory of its process tree).

    ``memory_limit_gb`` caps the address space of the command (the machine is shared: an engine that
    needs more fails with MemoryError instead of pushing others out of memory).
    """

    def limit() -> None:
        if memory_limit_gb is not None:
            size = int(memory_limit_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                               preexec_fn=limit if memory_limit_gb else None)
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        n = 0
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            if n % 5 == 0:  # smaps_rollup walks the page tables: five times rarer
                peak_pss = max(peak_pss, tree_pss_kb(process.pid))
            n += 1
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return Measured(result, wall, cpu, peak / 1024, peak_pss / 1024, after.ru_maxrss / 1024)


def _policykg() -> str:
    script = Path(sys.executable).parent / "policykg"
    return str(script) if script.exists() else shutil.which("policykg") or "policykg"


# ---------------------------------------------------------------------------- build


def build(corpus: Path, out: Path, *, clean: bool) -> BuildRun:
    if clean and out.exists():
        shutil.rmtree(out)
    run = run_measured([_policykg(), "build", str(corpus), "--out", str(out)])
    result = run.result
    counts = re.search(r"(\d+) triples; (\d+) documents parsed, (\d+) from the cache, (\d+) named graphs rebuilt",
                       result.stderr)
    stages = dict((m.group(1), float(m.group(2))) for m in re.finditer(r"(\w+) (\d+\.\d+)", _line(result.stderr, "seconds:")))
    if result.returncode not in (0, 1) or counts is None:
        raise RuntimeError(f"policykg build failed ({result.returncode}):\n{result.stderr[-2000:]}")
    triples, parsed, cached, rebuilt = (int(x) for x in counts.groups())
    return BuildRun(round(run.wall_s, 3), round(run.cpu_s, 3), round(run.peak_rss_tree_mb, 1),
                    round(run.largest_process_mb, 1), parsed, cached, rebuilt, triples, stages, result.returncode,
                    round(run.peak_pss_tree_mb, 1))


def _line(text: str, prefix: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(prefix)), "")


def touch_one(corpus: Path) -> tuple[Path, bytes]:
    """Change one document the way an editor would (a corrected amount); returns (file, original bytes)."""
    file = sorted(p for p in corpus.rglob("*") if p.suffix == ".txt")[0]
    original = file.read_bytes()
    text = original.decode("utf-8")
    changed = re.sub(r"预算资金 (\d+(?:\.\d+)?) 万元", lambda m: f"预算资金 {m.group(1)} 万元 ", text, count=1)
    if changed == text:
        changed = text + "\n"
    file.write_bytes(changed.encode("utf-8"))
    return file, original


# ---------------------------------------------------------------------------- queries

_QUERY_SCRIPT = r"""
import json, signal, statistics, sys, time
from policykg.graph.sparql import queries
from policykg.graph.errors import QueryError
from policykg.graph.sparql.bindings import with_values
engine, path, repeats, limit_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
catalog = queries.catalog()
out = {"medians_ms": {}, "rows": {}, "asked_ms": {}, "asked_rows": {}, "asked": {}, "over_limit": [], "over_memory": []}
start = time.perf_counter()
if engine == "rdflib":
    from policykg.graph.sparql.store import open_graph, select
    graph = open_graph(path)
    answer = lambda text: select(graph, text).rows
else:
    import pyoxigraph
    store = pyoxigraph.Store()
    store.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_TRIPLES)
    answer = lambda text: [tuple(None if v is None else v.value for v in s) for s in store.query(text)]
out["load_s"] = round(time.perf_counter() - start, 3)

class OverLimit(BaseException):  # not an Exception: rdflib's errors are caught as QueryError, the alarm must not be
    pass

def alarm(*_):
    raise OverLimit()

signal.signal(signal.SIGALRM, alarm)

def timed(text):
    times, rows = [], 0
    for _ in range(repeats):
        signal.alarm(limit_s)
        try:
            t = time.perf_counter()
            rows = len(answer(text))
            times.append((time.perf_counter() - t) * 1000)
        finally:
            signal.alarm(0)
    return round(statistics.median(times), 2), rows

# What a researcher asks: one programme, one policy, one department, read from the graph itself
# (a project continuing an earlier one, with a 文号 in its 立项依据).
probe = answer(PROBE)
row = [None if v is None else str(v) for v in probe[0]] if probe else [None] * 5
place = answer(PLACE)
scored = answer(SCORED)
typical = {"programme": row[0], "project": row[0], "year": row[1], "department": row[2],
           "organization": row[2], "policy": row[3], "issuer": row[4],
           "place": str(place[0][0]) if place else None}
for q in catalog:
    given = typical
    if q.name == "target-vs-actual" and scored:  # scores are in self-evaluations (绩效自评表) only
        given = {**typical, "project": str(scored[0][0]), "year": str(scored[0][1])}
    params = {p.name: given[p.name] for p in q.parameters if given.get(p.name)}
    runs = [("asked", params)] if params else []
    if all(p.optional for p in q.parameters):
        runs.append(("whole", {}))
    for kind, values in runs:
        text = with_values(q.text, queries.bind_params(q, values)) if values else q.text
        key = "asked_ms" if kind == "asked" else "medians_ms"
        try:
            ms, rows = timed(text)
        except OverLimit:
            out["over_limit"].append(f"{q.name} ({kind})")
            continue
        except (QueryError, MemoryError) as exc:  # rdflib out of the engine's memory limit: the others still run
            if isinstance(exc, QueryError) and "MemoryError" not in str(exc):
                raise
            out["over_memory"].append(f"{q.name} ({kind})")
            continue
        out[key][q.name] = ms
        out["asked_rows" if kind == "asked" else "rows"][q.name] = rows
        if kind == "asked":
            out["asked"][q.name] = values
print(json.dumps(out, ensure_ascii=False))
"""

PROBE = """PREFIX pkg: <https://w3id.org/policykg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?project ?year ?department ?policy ?issuer WHERE {
  ?p pkg:continues ?previous ; rdfs:label ?project ; pkg:fiscalYear ?year ; pkg:justifiedBy ?doc .
  ?doc pkg:docNumber ?policy .
  OPTIONAL { ?p pkg:department/rdfs:label ?department FILTER(lang(?department) = "zh") }
  OPTIONAL { ?doc pkg:issuer/rdfs:label ?issuer FILTER(lang(?issuer) = "zh") }
} ORDER BY STR(?p) STR(?doc) LIMIT 1"""
PLACE = """PREFIX pkg: <https://w3id.org/policykg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?place WHERE { ?p pkg:mentionsPlace ?pl . ?pl rdfs:label ?place FILTER(lang(?place) = "zh") }
ORDER BY STR(?place) LIMIT 1"""
SCORED = """PREFIX pkg: <https://w3id.org/policykg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?project ?year WHERE { ?p pkg:hasIndicator/pkg:score ?score ; rdfs:label ?project ; pkg:fiscalYear ?year }
ORDER BY STR(?p) LIMIT 1"""
QUERY_LIMIT_S = 120  # one run of one query; beyond, it is reported as over the limit


def query_times(engine: str, graph_file: Path, repeats: int, timeout: float) -> QueryTimes:
    """Load the built graph into an engine and time every named query (median of ``repeats``)."""
    script = f"PROBE = {PROBE!r}\nPLACE = {PLACE!r}\nSCORED = {SCORED!r}\n" + _QUERY_SCRIPT
    command = [sys.executable, "-c", script, engine, str(graph_file), str(repeats), str(QUERY_LIMIT_S)]
    run = run_measured(command, timeout=timeout, memory_limit_gb=MEMORY_LIMIT_GB)
    result, peak = run.result, run.peak_rss_tree_mb
    if result.returncode != 0:
        if "MemoryError" in result.stderr:
            note = f"needed more than {MEMORY_LIMIT_GB:.0f} GB (MemoryError); not measured"
        elif result.returncode < 0:
            note = f"did not finish within {timeout:.0f} s"
        else:
            note = result.stderr.strip()[-300:]
        return QueryTimes(engine, None, note=note)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    over = f"; over {QUERY_LIMIT_S} s: {', '.join(data['over_limit'])}" if data["over_limit"] else ""
    if data.get("over_memory"):
        over += f"; over {MEMORY_LIMIT_GB:.0f} GB (MemoryError): {', '.join(data['over_memory'])}"
    return QueryTimes(engine, data["load_s"], data["medians_ms"], data["rows"], data["asked_ms"], data["asked_rows"],
                      data["asked"], note=f"peak memory {peak:.0f} MB{over}")


# ---------------------------------------------------------------------------- view

_PLAYWRIGHT_SCRIPT = r"""
import json, sys, time
from playwright.sync_api import sync_playwright
page_file, chromium, timeout_ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
hook = '''
Object.defineProperty(window, "network", {configurable: true, get() { return this.__network; }, set(v) {
  this.__network = v;
  v.once("stabilizationIterationsDone", () => { window.__stable = performance.now(); });
  v.once("afterDrawing", () => { window.__drawn = performance.now(); });
}});
'''
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page()
    page.add_init_script(hook)
    start = time.perf_counter()
    page.goto("file://" + page_file, wait_until="load", timeout=timeout_ms)
    loaded = time.perf_counter() - start
    page.wait_for_function("() => window.__stable || window.__drawn", timeout=timeout_ms)
    try:
        page.wait_for_function("() => window.__stable && window.__drawn", timeout=timeout_ms)
    except Exception:
        pass
    ready = time.perf_counter() - start
    nodes = page.evaluate("() => window.network ? window.network.body.data.nodes.length : null")
    browser.close()
print(json.dumps({"load_s": round(loaded, 3), "open_s": round(ready, 3), "drawn_nodes": nodes}))
"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def view(graph_file: Path, html: Path) -> dict[str, object]:
    """Write the default view with ``policykg view`` and open it in headless Chromium."""
    run = run_measured([_policykg(), "view", "--graph", str(graph_file), "--out", str(html)], timeout=VIEW_TIMEOUT)
    result, wall, peak = run.result, run.wall_s, run.peak_rss_tree_mb
    info: dict[str, object] = {"write_s": round(wall, 3), "write_peak_mb": round(peak, 1)}
    if result.returncode != 0 or not html.exists():
        info["note"] = f"policykg view failed or timed out: {result.stderr.strip()[-300:]}"
        return info
    page = html.read_text(encoding="utf-8")
    count = re.search(r'data-count="(\d+)"', page)
    info["nodes"] = int(count.group(1)) if count else len(re.findall(r'"id":', page))
    info["html_mb"] = round(len(page.encode("utf-8")) / 1e6, 2)
    chromium = _chromium()
    if chromium is None:
        info["note"] = "no chromium on this machine: opening time not measured"
        return info
    try:
        import playwright  # noqa: F401
    except ImportError:
        start = time.perf_counter()
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", f"file://{html.resolve()}"],
                       capture_output=True, timeout=120)
        info["open_s"] = round(time.perf_counter() - start, 3)
        info["how"] = "chromium --headless --dump-dom (until the load event; layout not awaited: Playwright not installed)"
        return info
    run = run_measured([sys.executable, "-c", _PLAYWRIGHT_SCRIPT, str(html.resolve()), chromium, "120000"],
                       timeout=180)
    result, wall = run.result, run.wall_s
    if result.returncode != 0:
        info["note"] = f"Playwright failed: {result.stderr.strip()[-300:]}"
        return info
    info.update(json.loads(result.stdout.strip().splitlines()[-1]))
    info["how"] = "Playwright + Debian chromium: navigation start until vis-network's stabilizationIterationsDone and first drawing"
    return info


# ---------------------------------------------------------------------------- corpus


def corpus(n: int, out: Path, seed: int) -> tuple[Path, int, float | None]:
    """The documents of size ``n`` (a copy of the seeds for 5): (folder, count, seconds to generate)."""
    folder = out / f"corpus-{n}"
    if n == 5:
        target = folder / "documents"
        if folder.exists():
            shutil.rmtree(folder)
        target.mkdir(parents=True)
        for file in sorted(SEEDS.glob("*.txt")):
            shutil.copy2(file, target / file.name)
        return target, 5, None
    from bench.generate import generate

    start = time.perf_counter()
    manifest = generate(n, folder, seed)
    return folder / "documents", len(manifest), round(time.perf_counter() - start, 3)


# ---------------------------------------------------------------------------- report


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def markdown(info: dict[str, str], results: list[SizeResult]) -> str:
    lines = ["# Benchmark results", "",
             "Written by `python -m bench.run` (see bench/run.py for what each number means).", "",
             "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += ["", "## Build (`policykg build DOCS --out OUT`, whole process)", "",
              "| N | documents | run | wall s | docs/s | CPU s | peak RSS tree MB | peak PSS tree MB | largest process MB | parsed | from cache | graphs rebuilt | triples | stages (s) |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for name in ("cold", "warm", "incremental"):
            b: BuildRun | None = getattr(r, name)
            if b is None:
                continue
            rate = r.documents / b.wall_s if b.wall_s else 0
            stages = ", ".join(f"{k} {v:.1f}" for k, v in b.stages.items())
            lines.append(f"| {r.n} | {r.documents} | {name} | {b.wall_s:.2f} | {rate:,.0f} | {b.cpu_s:.1f} | "
                         f"{b.peak_rss_mb:,.0f} | {b.peak_pss_mb:,.0f} | {b.max_process_rss_mb:,.0f} | {b.parsed} | "
                         f"{b.cached} | "
                         f"{b.graphs_rebuilt} | {b.triples:,} | {stages} |")
    lines += ["", "## Named queries: median latency (ms)", "",
              "rdflib: `graph.sparql.store.open_graph(graph.ttl)` in memory. Oxigraph: in-memory `pyoxigraph.Store`, "
              "default graph loaded with graph.nt (the union of the named graphs). Each engine process is "
              f"capped at {MEMORY_LIMIT_GB:.0f} GB, each run of a query at {QUERY_LIMIT_S} s.", "",
              "**As asked**: with every parameter a query declares, set to one programme, policy (文号), "
              "department and year read from the graph (a project that continues an earlier one and cites a "
              "文号 in its 立项依据).", ""]
    lines += _query_table(results, "asked_ms", "asked_rows", with_params=True)
    lines += ["", "**Whole corpus**: no parameter given (queries whose parameters are all optional): the whole "
              "table, every row of the corpus.", ""]
    lines += _query_table(results, "medians_ms", "rows", with_params=False)
    lines += ["", "| N | engine | load s | note |", "|---|---|---|---|"]
    for r in results:
        for t in (r.rdflib, r.oxigraph):
            if t is not None:
                lines.append(f"| {r.n} | {t.engine} | {_ms(t.load_s)} | {t.note} |")
    lines += ["", "## Default HTML view (`policykg view`)", "", "| N | nodes | HTML MB | write s | open s | how |",
              "|---|---|---|---|---|---|"]
    for r in results:
        v = r.view
        if v:
            lines.append(f"| {r.n} | {v.get('nodes', '—')} | {v.get('html_mb', '—')} | {v.get('write_s', '—')} | "
                         f"{v.get('open_s', '—')} | {v.get('how', v.get('note', ''))} |")
    return "\n".join(lines) + "\n"


def _query_table(results: list[SizeResult], times: str, counts: str, *, with_params: bool) -> list[str]:
    head = "| N | query | parameters | rows | rdflib ms | Oxigraph ms | rdflib / Oxigraph |" if with_params else \
        "| N | query | rows | rdflib ms | Oxigraph ms | rdflib / Oxigraph |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        engines = [t for t in (r.rdflib, r.oxigraph) if t is not None]
        for q in sorted({q for t in engines for q in getattr(t, times)}):
            rd = getattr(r.rdflib, times).get(q) if r.rdflib else None
            ox = getattr(r.oxigraph, times).get(q) if r.oxigraph else None
            rd_rows = getattr(r.rdflib, counts).get(q) if r.rdflib else None
            ox_rows = getattr(r.oxigraph, counts).get(q) if r.oxigraph else None
            if ox_rows is not None and rd_rows is not None and ox_rows != rd_rows:
                rows = f"{rd_rows} (rdflib) ≠ {ox_rows} (Oxigraph)"
            else:
                rows = str(ox_rows if ox_rows is not None else rd_rows if rd_rows is not None else "—")
            ratio = f"{rd / ox:,.1f}×" if rd is not None and ox else "—"
            cells = [str(r.n), q]
            if with_params:
                asked = (r.oxigraph.asked.get(q) if r.oxigraph else None) or (r.rdflib.asked.get(q) if r.rdflib else {})
                cells.append(", ".join(f"{k}={v}" for k, v in sorted((asked or {}).items())))
            lines.append("| " + " | ".join(cells + [rows, _ms(rd), _ms(ox), ratio]) + " |")
    return lines


def write_results(path: Path, text: str) -> None:
    notes = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = old.split(NOTES_MARKER, 1)[1]
    path.write_text(text + "\n" + NOTES_MARKER + notes, encoding="utf-8")


# ---------------------------------------------------------------------------- main


def measure(n: int, out: Path, *, seed: int, repeats: int, rdflib_max: int, view_max: int) -> SizeResult:
    docs, count, generated = corpus(n, out, seed)
    result = SizeResult(n, count, str(docs.relative_to(ROOT) if docs.is_relative_to(ROOT) else docs), generated)
    build_dir = out / f"build-{n}"
    result.cold = build(docs, build_dir, clean=True)
    result.warm = build(docs, build_dir, clean=False)
    file, original = touch_one(docs)
    try:
        result.incremental = build(docs, build_dir, clean=False)
    finally:
        file.write_bytes(original)
    build(docs, build_dir, clean=False)  # leave the output matching the corpus
    result.oxigraph = query_times("oxigraph", build_dir / "graph.nt", repeats, RDFLIB_TIMEOUT)
    if n <= rdflib_max:
        result.rdflib = query_times("rdflib", build_dir / "graph.ttl", repeats, RDFLIB_TIMEOUT)
    else:
        result.rdflib = QueryTimes("rdflib", None, note=f"not measured above N = {rdflib_max} (--rdflib-max)")
    if n <= view_max:
        result.view = view(build_dir / "graph.ttl", out / f"view-{n}.html")
    return result


def main(argv: list[str] | None = None) -> list[SizeResult]:
    parser = argparse.ArgumentParser(description="policykg benchmark")
    parser.add_argument("--sizes", default="5,500,4000", help="comma-separated corpus sizes (5 = the seeds)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per query (the median is reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--rdflib-max", type=int, default=4000, help="largest N queried on rdflib")
    parser.add_argument("--view-max", type=int, default=4000, help="largest N drawn (0: no view)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine()
    results = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        print(f"N = {n} …", file=sys.stderr, flush=True)
        results.append(measure(n, args.out, seed=args.seed, repeats=args.repeats, rdflib_max=args.rdflib_max,
                               view_max=args.view_max))
        info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        write_results(args.results, markdown(info, results))
        (args.out / "results.json").write_text(
            json.dumps({"machine": info, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=1),
            encoding="utf-8")
    print(f"wrote {args.results}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
