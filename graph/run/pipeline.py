"""The main job as a library call: documents -> graph -> files, with a report.

``build`` is what ``policykg build`` runs and what a notebook calls. It is made
for thousands of documents:

1. read: each file's bytes are hashed; a record cached under that hash
   (``graph.run.cache``) is reused, the others are parsed in a pool of worker
   processes (one per core);
2. link: every citation of every document is clustered into policy nodes
   (``graph.linking.link``) and every organization into one node with its units
   (``graph.linking.orgs``), which needs all documents at once;
3. graph: each document's named graph is encoded as sorted N-Triples
   (``graph.rdf.ntriples``), reused from the cache when neither the document nor
   the policy nodes it links to changed, in the same pool;
   the links across documents and years (lineage, places, stated relations)
   form one more named graph, ``id:graph/derived`` (``graph.rdf.derived``);
4. validate: the SHACL shapes (``graph.validation``) on corpora of up to
   ``VALIDATE_UP_TO`` documents (beyond, ``policykg validate`` checks a built
   graph on request); a graph that does not conform is still written, so that
   it can be inspected, and the report says so. With files to write and two
   cores, validation runs in a second process while they are written;
5. write: Turtle, TriG, sorted N-Triples and JSON-LD (``graph.run.export``), by Oxigraph.

When nothing changed (every record, link and named graph cached, and the files in ``out_dir`` written from
those very graphs and untouched) the build stops after step 2: no graph is read, checked or written.

The rdflib ``Dataset`` is assembled only when asked for (``dataset=True``,
the default, for notebooks on a handful of documents); the command line does
without it.

With a Dask scheduler (``scheduler=``, ``policykg build --scheduler``) the
per-document work of steps 1 and 3 runs on the cluster's workers instead of
the pool (``graph.run.cluster``); linking, lineage, validation and writing stay
here, on the records the workers send back.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Kind
from typing import TypeVar, overload

from rdflib import Dataset, Graph

from policykg.graph import processes
from policykg.graph.linking.lineage import compute_lineage
from policykg.graph.linking.link import PolicyIndex, link_policies
from policykg.graph.linking.orgs import OrgIndex, index_organizations
from policykg.graph.rdf import derived
from policykg.graph.rdf.build import _bind, source_iri
from policykg.graph.rdf.iris import DERIVED_GRAPH
from policykg.graph.rdf.ntriples import TripleCollector, count_lines, document_ntriples, ntriples
from policykg.graph.run import output
from policykg.graph.run.cache import (
    BuildCache,
    derived_key,
    document_entry,
    graph_fingerprint,
    graph_key,
    link_key,
    org_digest,
    output_stamp,
    read_document_entry,
)
from policykg.graph.run.cluster import Cluster, connect
from policykg.graph.run.export import dataset_from_graphs, write_graphs
from policykg.graph.run.limits import FileLimits, FileTimeout, time_limit
from policykg.graph.validation import ValidationReport, validate, validate_parts
from policykg.loaders import Document, LoadError, load, source_files
from policykg.loaders.errors import PolicyKGError

T = TypeVar("T")
_CHUNK = 8  # files per task sent to a worker: few enough to balance, enough to amortize the round trip
_PARALLEL_FROM = 16  # below this many files to parse, a pool costs more than it saves
VALIDATE_UP_TO = 200  # documents; SHACL on the whole graph takes minutes beyond (about 0.1 s per 1,000 triples)


@dataclass
class BuildReport:
    """What a build read, wrote and could not understand."""

    documents: list[Document] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    triples: int = 0  # quads: triples summed over the named graphs
    parsed: int = 0  # documents read by a loader in this build (the others came from the cache)
    cached: int = 0  # documents taken from the cache
    graphs_built: int = 0  # named graphs encoded in this build (the others came from the cache)
    outputs_written: bool = False  # False when the files were already those of these graphs
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage: read, link, graph, write
    validation: ValidationReport | None = None  # None when not validated (validate=False, or a large corpus)
    notes: list[str] = field(default_factory=list)  # what the build chose to leave out, and why (for the user)

    @property
    def projects(self) -> int:
        return sum(len(d.projects) for d in self.documents)




def _read(path: str, limits: FileLimits | None = None) -> tuple[str, bytes | None, str | None]:
    """Parse one file within ``limits.max_seconds``: (path, cache entry bytes, None) or (path, None, error message)."""
    limits = limits or FileLimits()
    try:
        with time_limit(limits.max_seconds):
            document = load(path)
    except FileTimeout:
        return path, None, limits.time_problem(path)
    except PolicyKGError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a loader bug must not stop the other 3,999 documents
        return path, None, f"{path}: internal error while reading ({type(exc).__name__}: {exc}); please report it"
    return path, document_entry(document), None


def _read_chunk(paths: list[str], limits: FileLimits | None = None) -> list[tuple[str, bytes | None, str | None]]:
    return [_read(path, limits) for path in paths]


def _graph_chunk(positions: list[int]) -> list[tuple[int, bytes]]:
    # set by ``_graphs`` before its pool forks: the workers see the records without pickling them
    docs: list[Document] = processes.SHARED["build.documents"]
    index: PolicyIndex = processes.SHARED["build.index"]
    orgs: OrgIndex = processes.SHARED["build.orgs"]
    return [(i, document_ntriples(docs[i], index, orgs)) for i in positions]


def _graph_records(documents: list[Document], index: PolicyIndex, orgs: OrgIndex) -> list[bytes]:
    """On a Dask worker: the named graphs of a chunk of records sent pickled (no fork-inherited globals)."""
    return [document_ntriples(doc, index, orgs) for doc in documents]


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def _pool(workers: int) -> contextlib.AbstractContextManager[ProcessPoolExecutor]:
    return processes.pool(workers)  # forked workers that die with the build, even on kill -9


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _read_all(files: list[Path], cache: BuildCache, report: BuildReport, workers: int,
              progress: Callable[[Path], None] | None, limits: FileLimits, cluster: Cluster | None = None) -> None:
    """Fill ``report.documents`` (file order) and ``report.errors``: cached records or parsed ones;
    a file over ``limits`` is an error and is not read. With ``cluster``, the files are parsed on its workers."""
    slots: list[Document | LoadError | None] = [None] * len(files)
    todo: list[int] = []
    hashes: dict[str, str] = {}  # path -> sha256 of the bytes read here, for the records parsed elsewhere
    for i, file in enumerate(files):
        path = str(file)
        too_large = limits.size_problem(file)
        if too_large:
            slots[i] = LoadError(path, too_large)
            if progress:
                progress(file)
            continue
        try:
            data = file.read_bytes()
        except OSError:
            data = b""
        hashes[path] = hashlib.sha256(data).hexdigest()
        cached = cache.get_document(hashes[path], path) if data else None
        if cached is not None:
            slots[i] = cached
            report.cached += 1
            if progress:
                progress(file)
        else:
            todo.append(i)
    position = {str(files[i]): i for i in todo}

    def take(results: list[tuple[str, bytes | None, str | None]]) -> None:
        for path, entry, message in results:
            i = position[path]
            document = read_document_entry(entry) if entry is not None else None
            if document is not None and cluster is not None and document.sha256 != hashes[path]:
                slots[i] = LoadError(path, f"{path}: a Dask worker read other bytes at this path than the build "
                                     "(workers must see the same files: a shared filesystem, absolute paths)")
            elif document is not None and entry is not None:
                cache.put_document_bytes(document.sha256, entry)
                slots[i] = document
                report.parsed += 1
            else:
                slots[i] = LoadError(path, message or f"{path}: cannot be read")
            if progress:
                progress(files[i])

    paths = [str(files[i]) for i in todo]
    if cluster is not None:  # every chunk is submitted first, so that the workers are kept busy
        remote = [cluster.executor.submit(_read_chunk, chunk, limits) for chunk in _chunks(paths, _CHUNK)]
        for future in remote:
            take(future.result())
    elif workers > 1 and len(paths) >= _PARALLEL_FROM:
        with _pool(min(workers, len(paths))) as pool:
            futures: list[Future[list[tuple[str, bytes | None, str | None]]]] = [
                pool.submit(_read_chunk, chunk, limits) for chunk in _chunks(paths, _CHUNK)]
            for future in futures:
                take(future.result())
    else:
        for chunk in _chunks(paths, _CHUNK):
            take(_read_chunk(chunk, limits))
    for slot in slots:
        if isinstance(slot, Document):
            report.documents.append(slot)
        elif isinstance(slot, LoadError):
            report.errors.append(slot)


def _graphs(documents: list[Document], keys: list[str], linked: Callable[[], tuple[PolicyIndex, OrgIndex]],
            cache: BuildCache, report: BuildReport, workers: int, cluster: Cluster | None = None,
            ) -> list[tuple[str, bytes]]:
    """(source graph IRI, sorted N-Triples) of every document, cached ones (``keys``, ``graph_key``) reused.
    ``linked`` gives the policy and organization indexes, asked for only when a graph must be encoded.
    With ``cluster``, the graphs are encoded on its workers: each is sent its records, and the two indexes once."""
    blobs: list[bytes | None] = [None] * len(documents)
    todo = []
    for i, key in enumerate(keys):
        blobs[i] = cache.get_graph(key)
        if blobs[i] is None:
            todo.append(i)
    if not todo:
        report.graphs_built = 0
        return [(str(source_iri(doc)), blob) for doc, blob in zip(documents, blobs, strict=True)]  # type: ignore[misc]
    index, orgs = linked()
    if cluster is not None:
        shared_index, shared_orgs = cluster.share(index), cluster.share(orgs)
        chunks = list(_chunks(todo, _CHUNK * 4))
        remote = [cluster.executor.submit(_graph_records, [documents[i] for i in chunk], shared_index, shared_orgs)
                  for chunk in chunks]
        for chunk, done in zip(chunks, remote, strict=True):
            for i, encoded in zip(chunk, done.result(), strict=True):
                blobs[i] = encoded
    elif workers > 1 and len(todo) >= _PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        gc.freeze()  # workers inherit the records; keep the collector from touching (and copying) their pages
        try:
            with processes.sharing(**{"build.documents": documents, "build.index": index, "build.orgs": orgs}), \
                    _pool(min(workers, len(todo))) as pool:
                for future in [pool.submit(_graph_chunk, chunk) for chunk in _chunks(todo, _CHUNK * 4)]:
                    for i, blob in future.result():
                        blobs[i] = blob
        finally:
            gc.unfreeze()
    else:
        for i in todo:
            blobs[i] = document_ntriples(documents[i], index, orgs)
    for i in todo:
        cache.put_graph(keys[i], blobs[i])  # type: ignore[arg-type]
    report.graphs_built = len(todo)
    return [(str(source_iri(doc)), blob) for doc, blob in zip(documents, blobs, strict=True)]  # type: ignore[misc]


@overload
def build(sources: Sequence[str | Path], out_dir: str | Path | None = ..., progress: Callable[[Path], None] | None = ...,
          *, dataset: Kind[True] = ..., workers: int | None = ..., cache: bool = ...,
          validate_graph: bool | None = ..., wait: bool = ...,
          waiting: Callable[[str], None] | None = ..., limits: FileLimits | None = ...,
          scheduler: object | None = ...) -> tuple[Dataset, BuildReport]: ...


@overload
def build(sources: Sequence[str | Path], out_dir: str | Path | None = ..., progress: Callable[[Path], None] | None = ...,
          *, dataset: Kind[False], workers: int | None = ..., cache: bool = ...,
          validate_graph: bool | None = ..., wait: bool = ...,
          waiting: Callable[[str], None] | None = ..., limits: FileLimits | None = ...,
          scheduler: object | None = ...) -> tuple[None, BuildReport]: ...


def build(sources: Sequence[str | Path], out_dir: str | Path | None = None,
          progress: Callable[[Path], None] | None = None, *, dataset: bool = True, workers: int | None = None,
          cache: bool = True, validate_graph: bool | None = None, wait: bool = True,
          waiting: Callable[[str], None] | None = None,
          limits: FileLimits | None = None, scheduler: object | None = None) -> tuple[Dataset | None, BuildReport]:
    """Read every document under ``sources``, build the graph, write it to ``out_dir``.

    ``sources``: files and folders (folders are searched for *.txt/*.tsv).
    ``out_dir``: where graph.ttl, graph.trig and graph.nt are written, and the
    cache (``<out_dir>/.cache``); ``None`` writes nothing and caches nothing.
    ``progress`` is called with each file once it has been read (parsed or
    taken from the cache), in completion order. ``dataset=False`` skips the
    in-memory rdflib ``Dataset`` (use it for thousands of documents: the files
    and an Oxigraph store serve them better). ``workers``: processes for
    parsing and encoding (default: the usable cores). ``cache=False`` ignores
    and leaves alone any cache. ``validate_graph``: check the SHACL shapes
    (``report.validation``); ``None`` (the default) validates corpora of up to
    ``VALIDATE_UP_TO`` documents. The files are written whether or not the
    graph conforms. One build at a time holds ``out_dir`` (``graph.run.output.hold``):
    with ``wait`` (the default) a second build calls ``waiting`` with a message
    and waits for the first to end; with ``wait=False`` it raises
    ``graph.run.output.OutputBusy``. ``limits`` (``graph.run.limits.FileLimits``, default 20 MB and 600 s per
    file): a file larger is not read, one whose reading takes longer is stopped; each is an error in
    ``report.errors`` naming it, and the other files are built. ``scheduler``: a Dask scheduler address
    (``"tcp://HOST:8786"``), ``distributed.Client`` or ``LocalCluster``: reading, parsing and encoding each
    document run on its workers (``graph.run.cluster``; the workers must see the files at the same paths, and
    ``limits.max_seconds`` is not enforced there), linking and writing here; the files written are the same.

    A file that cannot be read is reported in ``report.errors`` and the others
    are still built.
    Returns: (the dataset or ``None``, the report). Raises: PolicyKGError when
    no file could be read at all; ``graph.run.output.OutputError`` when ``out_dir``
    cannot be created or written (checked before any document is read).
    """
    # Records are acyclic and live until the end of the build: the cyclic collector would only walk
    # millions of them again and again (and, in forked workers, copy every page it touches).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with contextlib.ExitStack() as holding:
            if out_dir is not None:
                holding.enter_context(output.hold(output.prepare(out_dir), wait=wait, waiting=waiting))
            cluster = holding.enter_context(connect(scheduler)) if scheduler is not None else None
            return _build(sources, out_dir, progress, dataset=dataset, workers=workers, cache=cache,
                          validate_graph=validate_graph, limits=limits or FileLimits(), cluster=cluster)
    except OSError as exc:  # disk full, folder removed while building: a message, not a traceback
        if out_dir is None:
            raise
        raise output.write_error(out_dir, exc) from None
    finally:
        if collecting:
            gc.enable()


def _build(sources: Sequence[str | Path], out_dir: str | Path | None, progress: Callable[[Path], None] | None,
           *, dataset: bool, workers: int | None, cache: bool,
           validate_graph: bool | None, limits: FileLimits,
           cluster: Cluster | None = None) -> tuple[Dataset | None, BuildReport]:
    report = BuildReport()
    files = source_files(list(sources))
    if not files:
        raise PolicyKGError(f"no document files under {', '.join(map(str, sources))} (looked for *.txt, *.tsv)")
    store = BuildCache(out_dir if cache else None)
    count = _workers(workers)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[stage] = round(now - clock, 3)
        clock = now

    _read_all(files, store, report, count, progress, limits, cluster)
    lap("read")
    if not report.documents:
        raise PolicyKGError("no document could be read: " + "; ".join(e.message for e in report.errors))
    plan = _plan(report.documents, store)
    lap("link")
    stamp = plan.stamp
    checking = validate_graph or (validate_graph is None and len(report.documents) <= VALIDATE_UP_TO)
    if validate_graph is None and not checking:
        report.notes.append(f"the SHACL shapes were not checked: {len(report.documents)} documents are more than "
                            f"{VALIDATE_UP_TO} (minutes of validation); run `policykg validate` on the built graph, "
                            "or build with --validate")
    checked = store.get_validation(stamp) if checking else None
    current = store.current_outputs(stamp, out_dir) if out_dir is not None else None
    if current is not None and not dataset and (not checking or isinstance(checked, ValidationReport)) \
            and store.keep_graphs(plan.keys, plan.derived):
        # The files hold these very graphs (and, if asked, were checked): nothing to encode, check or write.
        report.outputs, report.triples = current
        report.validation = checked if isinstance(checked, ValidationReport) else None
        lap("graph")
        store.prune()
        return None, report
    graphs = _encode(report.documents, plan, store, report, count, cluster)
    report.triples = sum(count_lines(blob) for _, blob in graphs)
    lap("graph")
    if isinstance(checked, ValidationReport):  # the same graphs, from the same code and shapes, were checked
        report.validation, checking = checked, False
        lap("validate")
    # With files to write and more than one core, SHACL runs in a forked process while they are written.
    beside = checking and out_dir is not None and count > 1 and "fork" in multiprocessing.get_all_start_methods()
    with contextlib.ExitStack() as stack:
        pending: Future[tuple[ValidationReport, dict[str, object], list[str]]] | None = None
        parts = _PartCache(store)
        if beside:
            stack.enter_context(processes.sharing(**{"build.graphs": graphs, "build.parts": parts}))
            pending = stack.enter_context(_pool(1)).submit(_validate_shared)
        elif checking:
            stack.enter_context(processes.sharing(**{"build.parts": parts}))
            report.validation = validate_graphs(graphs)
            parts.commit(parts.fresh, parts.read)
            store.put_validation(stamp, report.validation, [*parts.read, *parts.fresh])
            lap("validate")
        if out_dir is not None:
            report.outputs_written = current is None
            report.outputs = current[0] if current is not None else write_graphs(graphs, out_dir, workers=count)
            store.record_outputs(stamp, report.outputs, report.triples)
            lap("write")
        if pending is not None:
            report.validation, fresh, read = pending.result()
            parts.commit(fresh, read)
            store.put_validation(stamp, report.validation, [*read, *fresh])
            lap("validate")  # the wait for the validation after the files were written
    store.prune()
    if not dataset:
        return None, report
    return dataset_from_graphs(graphs), report


@dataclass
class _Plan:
    """What linking decides before any graph is encoded: the cache key of every named graph."""

    keys: list[str]  # ``graph_key`` of each document, in document order
    derived: str  # ``derived_key`` of the derived graph
    linked: Callable[[], tuple[PolicyIndex, OrgIndex]]  # the two indexes, computed when first asked for

    @property
    def stamp(self) -> str:
        """``output_stamp`` of the graphs planned: what the written files and their validation depend on."""
        return output_stamp([*self.keys, self.derived])


def _plan(documents: list[Document], store: BuildCache) -> _Plan:
    """Stage 2 of every build: link the documents (policy and organization indexes) and key their graphs.

    When the same documents were linked by an earlier build with the same code, the keys are taken from
    ``store`` (``link_key``) and the documents are linked again only if a graph has to be encoded."""
    indexes: list[tuple[PolicyIndex, OrgIndex]] = []

    def linked() -> tuple[PolicyIndex, OrgIndex]:
        if not indexes:
            indexes.append((link_policies(documents), index_organizations(documents)))
        return indexes[0]

    linking_at = link_key(documents)
    known = store.get_links(linking_at)
    if known is None:
        index, orgs = linked()
        digest = org_digest(orgs)
        keys = [graph_key(doc, index, digest) for doc in documents]
        store.put_links(linking_at, (digest, keys))
    else:
        digest, keys = known
    return _Plan(keys, derived_key(documents, digest), linked)


def _encode(documents: list[Document], plan: _Plan, store: BuildCache, report: BuildReport, workers: int,
            cluster: Cluster | None = None) -> list[tuple[str, bytes]]:
    """Stage 3 of every build: each document's named graph (from ``store`` when cached), then the derived
    graph. Returns: the (named graph IRI, sorted N-Triples) pairs in document order, the derived graph last."""
    graphs = _graphs(documents, plan.keys, plan.linked, store, report, workers, cluster)
    links = store.get_derived(plan.derived)  # no document changed: the lineage is not computed again
    if links is None:
        links = _derived(documents, plan.linked()[1], workers)
        store.put_derived(plan.derived, links)
    graphs.append((str(DERIVED_GRAPH), links))
    return graphs


def document_graphs(documents: Iterable[Document], *, workers: int | None = 1) -> list[tuple[str, bytes]]:
    """The named graphs a build writes for records already loaded, in memory (no files, no cache).

    ``documents``: ``policykg.loaders`` records, e.g. from ``load``. ``workers``: processes for encoding
    (``None``: the usable cores). Returns: (named graph IRI, sorted N-Triples bytes) per document in the
    order given, then the derived graph ``DERIVED_GRAPH`` (lineage, places, stated relations) — the same
    stages and bytes as ``build``.
    """
    docs = list(documents)
    store = BuildCache(None)
    graphs = _encode(docs, _plan(docs, store), store, BuildReport(documents=docs), _workers(workers))
    return graphs


def build_dataset(documents: Iterable[Document]) -> Dataset:
    """The knowledge graph of loaded records as an rdflib ``Dataset``: one named graph per source document
    and the derived graph (default graph = their union); ``document_graphs`` parsed into rdflib.

    Policy documents, organizations and places named in several sources are one node each; their
    describing triples are repeated in each source's graph so every graph stands on its own.
    """
    return dataset_from_graphs(document_graphs(documents))


def validate_graphs(graphs: Sequence[tuple[str, bytes]]) -> ValidationReport:
    """SHACL validation of the union of (named graph IRI, N-Triples) pairs: the report of
    ``graph.validation.validate`` on the union, found part by part (``graph.validation``: each
    document's own nodes, then the nodes shared across documents and the derived graph). Inside a
    build, the records of each part are cached in ``OUT/.cache/validation-parts`` by the part's triples,
    so that after one document changed only its part and the shared one are validated again.
    """
    parts: _PartCache | None = processes.SHARED.get("build.parts")
    return validate_parts(graphs, (str(DERIVED_GRAPH),), fingerprint=graph_fingerprint(),
                          get=parts.get if parts is not None else None, put=parts.put if parts is not None else None)


def validate_union(graphs: Sequence[tuple[str, bytes]]) -> ValidationReport:
    """``graph.validation.validate`` of the union of (named graph IRI, N-Triples) pairs, in one pySHACL run
    (what ``validate_graphs`` must equal)."""
    union = Graph()
    _bind(union)
    union.parse(data=b"".join(blob for _, blob in graphs).decode("utf-8"), format="nt")
    return validate(union)


class _PartCache:
    """The build cache of split-validation records, usable from a forked process: what it read and what
    it validated anew are kept, for the parent to store (``commit``)."""

    def __init__(self, store: BuildCache) -> None:
        self.store = store
        self.fresh: dict[str, object] = {}
        self.read: list[str] = []

    def get(self, key: str) -> object | None:
        found = self.store.get_validation_part(key)
        if found is not None:
            self.read.append(key)
        return found

    def put(self, key: str, records: object) -> None:
        self.fresh[key] = records

    def commit(self, fresh: dict[str, object], read: list[str]) -> None:
        for key in read:
            self.store.keep_validation_part(key)
        for key, records in fresh.items():
            self.store.put_validation_part(key, records)


def _validate_shared() -> tuple[ValidationReport, dict[str, object], list[str]]:
    graphs: list[tuple[str, bytes]] = processes.SHARED["build.graphs"]
    parts: _PartCache = processes.SHARED["build.parts"]
    return validate_graphs(graphs), parts.fresh, parts.read


def _derived(documents: list[Document], orgs: OrgIndex, workers: int = 1) -> bytes:
    """The named graph of links across documents and years, as sorted N-Triples."""
    collector = TripleCollector()  # only .add is used: no rdflib store for 300,000 link triples
    derived.add_places(collector)  # type: ignore[arg-type]
    derived.add_stated_org_relations(collector)  # type: ignore[arg-type]
    derived.add_lineage(collector, compute_lineage(documents, orgs, workers=workers), documents)  # type: ignore[arg-type]
    return ntriples(collector.triples)

