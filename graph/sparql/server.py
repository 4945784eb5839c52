"""A SPARQL 1.1 Protocol endpoint on loopback: the Oxigraph server run on a built store.

``Server`` starts the ``oxigraph`` binary (from the ``oxigraph`` package on
PyPI) on ``127.0.0.1``, waits until it answers, and stops it on ``stop()`` or
at the end of a ``with`` block::

    with Server("out/store") as server:          # read-only unless writable=True
        EndpointStore(server.query_url).select("SELECT …")

Endpoints (Oxigraph's): ``url`` (query UI), ``query_url`` (SPARQL query),
``update_url`` (SPARQL update, refused when read-only) and ``store_url``
(Graph Store Protocol).

A query may take at most ``timeout_s`` seconds (default 30). The server is
given that limit (``--timeout-s``), but Oxigraph 0.5 does not stop every
query at it: an aggregate over a cross join (``SELECT (COUNT(*) AS ?n) WHERE
{ ?a ?b ?c . ?d ?e ?f }``) keeps a core busy after its client gave up. So a
watchdog reads the CPU time of each of the server's threads (Linux
``/proc/PID/task``); a thread that stays busy for longer than the limit is a
query that cannot be stopped otherwise, and the server is restarted on the
same port (queries running at that moment are cut; clients may retry). The
Oxigraph server has no result-size or rate limit to set. Queries see the same default graph as
``graph.sparql.store.OxigraphStore`` on that folder: the merged copy ``load_oxigraph``
writes, or else the union of the named graphs (``--union-default-graph``); a
writable server wants the union (see ``graph.sparql.store.unmerge``), since its writes
to named graphs would not reach a merged copy.

``serve(store_dir, graph)`` is what ``policykg serve`` runs: the store (re)loaded
from the built graph when missing or older, made writable when asked, and the
server started on it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from pathlib import Path
from typing import IO

from policykg.graph import processes
from policykg.graph.sparql import store as stores
from policykg.graph.sparql.store import default_graph
from policykg.loaders.errors import PolicyKGError

HOST = "127.0.0.1"
TIMEOUT_S = 30  # seconds a query may run
_WATCH_EVERY_S = 0.5  # how often the watchdog reads the threads' CPU time
_BUSY = 0.25  # share of a core a thread must use over a watch interval to count as busy (low: the cores are shared)


class ServerError(PolicyKGError):
    """The Oxigraph server cannot be found, cannot start, or stopped answering."""


def find_oxigraph() -> Path:
    """The ``oxigraph`` server binary: next to this Python (the same virtual environment) or on PATH.

    Raises: ServerError with the install command when there is none.
    """
    name = "oxigraph.exe" if sys.platform == "win32" else "oxigraph"
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerError("the Oxigraph server binary `oxigraph` was not found; install it with "
                      "`pip install oxigraph` in the environment of policykg")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """The Oxigraph server on ``127.0.0.1:port`` over the store folder ``location``.

    ``location``: an Oxigraph store folder (``graph.sparql.store.load_oxigraph``); ``None`` for an empty
    in-memory store (writable only). ``port`` 0 picks a free port. ``writable`` allows SPARQL update
    and Graph Store writes; otherwise the server opens the store read-only and refuses them (HTTP 403).
    ``timeout_s``: whole seconds a query may run (the server's ``--timeout-s``, and the watchdog's limit
    for a thread busy without pause; an in-memory store is never restarted, it would lose its data);
    ``None`` for no limit. ``on_restart`` is called with a message after the watchdog restarted the server.
    Raises (on start): ServerError with the server's own message when it does not come up.
    """

    def __init__(self, location: str | Path | None, *, port: int = 0, writable: bool = False,
                 binary: str | Path | None = None, startup_timeout_s: float = 30.0,
                 timeout_s: int | None = TIMEOUT_S, on_restart: Callable[[str], None] | None = None) -> None:
        if timeout_s is not None and timeout_s < 1:
            raise ServerError(f"a query timeout of {timeout_s} s is too short; give at least 1 second")
        if location is None and not writable:
            raise ServerError("a read-only server needs a store folder; pass one, or writable=True for an empty store")
        if location is not None and not (Path(location) / "CURRENT").exists():
            raise ServerError(f"{location}: no Oxigraph store here; create it with `policykg query --store {location}`"
                              " or graph.sparql.store.load_oxigraph")
        self.location = Path(location) if location is not None else None
        self.port = port
        self.writable = writable
        self.binary = Path(binary) if binary else None
        self.startup_timeout_s = startup_timeout_s
        self.timeout_s = timeout_s
        self.on_restart = on_restart
        self.restarts = 0  # times the watchdog restarted the server for a query over the limit
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._watchdog: threading.Thread | None = None
        self._stopping = threading.Event()
        self._restarting = threading.Lock()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` — the query UI (YASGUI) is served here."""
        return f"http://{HOST}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store Protocol endpoint (``?graph=IRI``), for ``graph.sparql.push``."""
        return f"{self.url}/store"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        """The command line that starts the server."""
        binary = str(self.binary or find_oxigraph())
        args = [binary, "serve" if self.writable else "serve-read-only"]
        if self.location is not None:
            args += ["--location", str(self.location)]
        args += ["--bind", f"{HOST}:{self.port}"]
        if self.location is None or default_graph(self.location) == "union":
            args.append("--union-default-graph")
        if self.timeout_s is not None:
            args += ["--timeout-s", str(int(self.timeout_s))]
        return args

    def start(self) -> Server:
        """Start the server and wait until it answers a query, and its watchdog. Returns: self."""
        if self.running:
            return self
        if not self.port:
            self.port = free_port()
        self._launch()
        watched = self.timeout_s is not None and self.location is not None and Path("/proc/self/task").is_dir()
        if watched and self._watchdog is None:
            self._stopping.clear()
            self._watchdog = threading.Thread(target=self._watch, name="oxigraph-watchdog", daemon=True)
            self._watchdog.start()
        return self

    def _launch(self) -> None:
        """Start the server process and wait until it answers. Raises: ServerError."""
        command = self.command()
        self._log = tempfile.TemporaryFile()
        # A session of its own: Ctrl-C in a terminal reaches policykg only, which then stops the server in order;
        # on Linux the server gets SIGTERM when policykg dies, kill -9 included (graph.processes).
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                         start_new_session=sys.platform != "win32",
                                         preexec_fn=processes.preexec_die_with_parent if processes.LINUX else None)
        started = time.monotonic()
        while time.monotonic() < started + self.startup_timeout_s:
            if self._process.poll() is not None:
                message = self._output()
                self._cleanup()
                raise ServerError(f"the Oxigraph server did not start on {HOST}:{self.port}: {message or 'no message'}"
                                  "; if the port is taken choose another --port (0 picks a free one)")
            # Another server may already answer on a taken port: ours is up once it says it listens
            # (or, with a future message, once it has answered while staying alive for a while).
            listening = "Listening for requests" in self._output() or time.monotonic() > started + 5
            if listening and self._answers():
                return
            time.sleep(0.1)
        self._halt(grace_s=10)
        raise ServerError(f"the Oxigraph server did not answer on {self.url} within {self.startup_timeout_s:.0f} s")

    def _answers(self) -> bool:
        request = urllib.request.Request(f"{self.query_url}?query=ASK%7B%7D",
                                         headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=1) as response:  # noqa: S310 (loopback http)
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        message = self._log.read().decode("utf-8", "replace").strip()
        return message.split("\n\nStack backtrace:")[0][-500:]

    def wait(self) -> int:
        """Block until the server exits by itself, across the watchdog's restarts (for the command line:
        Ctrl-C raises KeyboardInterrupt). Returns: exit code."""
        while True:
            process = self._process
            if process is None:
                return 0
            while process.poll() is None:
                time.sleep(0.2)  # a short sleep rather than process.wait(): Ctrl-C and SIGTERM stay prompt
            with self._restarting:
                if self._process is process:  # it stopped by itself, not for a restart
                    return int(process.returncode)

    def _threads_cpu(self) -> dict[str, int]:
        """CPU time (clock ticks, user + system) of each thread of the server process."""
        process = self._process
        ticks: dict[str, int] = {}
        if process is None:
            return ticks
        tasks = Path(f"/proc/{process.pid}/task")
        try:
            for task in tasks.iterdir():
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                ticks[task.name] = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            pass  # the process or a thread ended between the listing and the read
        return ticks

    def _watch(self) -> None:
        """Restart the server when one of its threads stays busy for longer than ``timeout_s``."""
        hertz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        busy_since: dict[str, float] = {}
        last, last_at = self._threads_cpu(), time.monotonic()
        while not self._stopping.wait(_WATCH_EVERY_S):
            now, ticks = time.monotonic(), self._threads_cpu()
            for tid, used in ticks.items():
                if used - last.get(tid, used) >= _BUSY * (now - last_at) * hertz:
                    busy_since.setdefault(tid, last_at)
                else:
                    busy_since.pop(tid, None)
            last, last_at = ticks, now
            if any(now - since > (self.timeout_s or 0) for since in busy_since.values()):
                self._restart()
                busy_since.clear()
                last, last_at = self._threads_cpu(), time.monotonic()

    def _restart(self) -> None:
        with self._restarting:
            if self._stopping.is_set():
                return
            self._halt(grace_s=2)
            try:
                self._launch()
            except ServerError as exc:
                if self.on_restart:
                    self.on_restart(f"a query ran over {self.timeout_s} s; the server could not be restarted: {exc}")
                return
            self.restarts += 1
        if self.on_restart:
            self.on_restart(f"a query ran over {self.timeout_s} s and was stopped; the server was restarted on {self.url}")

    def _halt(self, grace_s: float) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._cleanup()

    def stop(self) -> None:
        """Stop the watchdog and the server (SIGTERM, then SIGKILL after 10 s) and release the store folder."""
        self._stopping.set()
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.join()
        self._watchdog = None
        with self._restarting:
            self._halt(grace_s=10)

    def _cleanup(self) -> None:
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(store_dir: str | Path, graph: str | Path | None = None, *, port: int = 7878, writable: bool = False,
          timeout_s: int | None = TIMEOUT_S, loading: Callable[[str], ContextManager[object]] | None = None,
          loaded: Callable[[str], None] | None = None, on_restart: Callable[[str], None] | None = None) -> Server:
    """Start a SPARQL endpoint on ``127.0.0.1:port`` (0: a free port) over the Oxigraph store ``store_dir``.

    ``graph`` (a built ``graph.trig``, one named graph per source document) is loaded into the store when
    the store is missing or older than it (see ``graph.sparql.store.open_oxigraph``); ``loading`` is entered
    around that load with a message, ``loaded`` called afterwards with what the store holds. ``writable``:
    SPARQL update and Graph Store writes are allowed, and queries see the union of the named graphs
    (``graph.sparql.store.unmerge``). ``timeout_s``: seconds a query may run (``None``: no limit).
    ``on_restart`` is told when the watchdog restarts a server stuck in a query.
    Returns: the started ``Server``; the caller ``wait()``s and ``stop()``s it.
    Raises: ``QueryError`` (no store and no graph), ``ServerError`` (the server did not start).
    """
    source = Path(graph) if graph is not None and Path(graph).exists() else None
    with (loading or (lambda _message: contextlib.nullcontext()))(f"loading {graph} into {store_dir}"):
        opened, fresh = stores.open_oxigraph(store_dir, source)
        opened.close()
        if writable:
            stores.unmerge(store_dir)  # writes go to named graphs: queries must see their union
    if fresh and loaded is not None:
        loaded(f"loaded {graph} into {store_dir}: {stores.describe(store_dir)}")
    return Server(store_dir, port=port, writable=writable, timeout_s=timeout_s, on_restart=on_restart).start()
