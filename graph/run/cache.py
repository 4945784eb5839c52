"""The build cache: parsed documents and their named graphs, keyed by content.

Re-running ``policykg build`` after one document changed re-parses only that
document and rebuilds only the named graphs whose inputs changed. The cache
lives in ``<out>/.cache/``:

- ``documents/<sha256>.pickle`` — the ``Document`` record of a file whose
  bytes have that SHA-256, valid while the loaders' code and data are
  unchanged and the file is read under the same path (findings name it);
- ``graphs/<key>.nt`` — a document's named graph as sorted N-Triples, where
  the key hashes the document, the graph code (``graph``/``ontology``
  sources) and the policy nodes its citations link to (so a merge decided by
  another document rebuilds this graph too);
- ``derived/<key>.nt`` — the derived graph (lineage, places, stated relations),
  keyed by every document and the organization index (``derived_key``);
- ``links/<key>.pickle`` — what linking gave a build of these documents (``link_key``): every
  named graph's key and the organization index's digest, so that a build where no document changed
  does not link them again;
- ``validation/<stamp>.pickle`` — the SHACL report of a whole build, and
  ``validation-parts/<key>.pickle`` the records of one part of it (one
  document's own nodes, or the nodes shared across documents; ``graph.validation``);
- ``outputs.json`` — which graphs the files in ``<out>`` were written from,
  with their sizes and times, so that an unchanged build does not write them again.

Entries are written atomically (temporary file + rename); a damaged entry is
treated as missing. ``prune`` removes what the last build did not use.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import fields, is_dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import cast

from policykg.graph.linking.link import PolicyIndex
from policykg.loaders.records import Document

CACHE_DIR = ".cache"
_FORMAT = "1"  # bump when the layout of cache entries changes


def _tree_digest(package: str) -> str:
    """SHA-256 over every file of an installed package (sources and data), by relative path."""
    digest = hashlib.sha256()
    root = resources.files(package)
    stack = [(root, "")]
    files = []
    while stack:
        folder, prefix = stack.pop()
        for entry in folder.iterdir():
            name = prefix + entry.name
            if entry.is_dir():
                if entry.name != "__pycache__":
                    stack.append((entry, name + "/"))
            elif not entry.name.endswith((".pyc", ".pyo")):
                files.append((name, entry))
    for name, entry in sorted(files, key=lambda f: f[0]):
        digest.update(name.encode("utf-8") + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def loader_fingerprint() -> str:
    """Changes whenever the loaders' code or reference data change (then every document is re-read)."""
    return hashlib.sha256(f"{_FORMAT}:{_tree_digest('policykg.loaders')}".encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def graph_fingerprint() -> str:
    """Changes whenever the code that turns records into RDF, or the vocabulary, changes."""
    parts = [_FORMAT, loader_fingerprint(), _tree_digest("policykg.graph"), _tree_digest("policykg.ontology")]
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:16]


def org_digest(orgs: object) -> str:
    """A digest of a corpus's organization index (names, written forms, hierarchy): every graph names them."""
    return hashlib.sha256(json.dumps(_canonical(orgs), ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def graph_key(doc: Document, index: PolicyIndex, orgs: str = "") -> str:
    """The cache key of a document's named graph: the document, the code, its linked policy nodes, and the
    organization index of the corpus (``org_digest``)."""
    digest = hashlib.sha256()
    digest.update(f"{graph_fingerprint()}\0{doc.sha256}\0{doc.path}\0{orgs}\0".encode())
    for project in doc.projects:
        for citation in project.citations:
            state = _canonical(index.node_of(citation, doc))
            digest.update(json.dumps(state, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:32]


def derived_key(documents: list[Document], orgs: str = "") -> str:
    """The cache key of the derived graph (links across documents and years): the code, the organization
    index (``org_digest``) and every document (content and path), in build order."""
    digest = hashlib.sha256(f"derived\0{graph_fingerprint()}\0{orgs}\0".encode())
    for doc in documents:
        digest.update(f"{doc.sha256}\0{doc.path}\0".encode())
    return digest.hexdigest()[:32]


def link_key(documents: list[Document]) -> str:
    """The cache key of what linking gives the rest of a build (the graphs' keys, ``org_digest``): the code
    and every document (content and path), in build order."""
    digest = hashlib.sha256(f"links\0{graph_fingerprint()}\0".encode())
    for doc in documents:
        digest.update(f"{doc.sha256}\0{doc.path}\0".encode())
    return digest.hexdigest()[:32]


def _canonical(value: object) -> object:
    """A JSON-able, order-independent picture of a policy node (whatever fields linking gives it)."""
    if is_dataclass(value) and not isinstance(value, type):
        return [[f.name, _canonical(getattr(value, f.name))] for f in fields(value)]
    if isinstance(value, dict):
        return sorted([[repr(k), _canonical(v)] for k, v in value.items()])
    if isinstance(value, (set, frozenset)):
        return sorted(repr(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return repr(value)


def output_stamp(graph_keys: list[str]) -> str:
    """What the written files depend on: the named graphs (their keys) and the code that writes them."""
    return hashlib.sha256(("\n".join(sorted(graph_keys)) + "\0" + graph_fingerprint()).encode()).hexdigest()


class BuildCache:
    """Cached documents and named graphs under ``<out_dir>/.cache``; ``None`` disables caching."""

    def __init__(self, out_dir: str | Path | None) -> None:
        self.root = Path(out_dir) / CACHE_DIR if out_dir is not None else None
        self.used: set[Path] = set()
        self.hits = 0
        self.misses = 0

    def _path(self, kind: str, key: str, suffix: str) -> Path | None:
        return self.root / kind / f"{key}{suffix}" if self.root is not None else None

    def _read(self, kind: str, key: str, suffix: str) -> tuple[Path, bytes] | None:
        file = self._path(kind, key, suffix)
        if file is None or not file.exists():
            return None
        return file, file.read_bytes()

    def _put(self, kind: str, key: str, suffix: str, data: bytes) -> None:
        file = self._path(kind, key, suffix)
        if file is not None:
            _write_atomic(file, data)
            self.used.add(file)

    def _unpickle(self, kind: str, key: str) -> tuple[Path, object] | None:
        found = self._read(kind, key, ".pickle")
        if found is None:
            return None
        try:
            return found[0], pickle.loads(found[1])
        except Exception:  # a damaged or foreign entry is a miss, never an error
            return None

    def get_document(self, sha256: str, path: str) -> Document | None:
        """The cached record of a file with these bytes read under ``path``, or ``None``."""
        found = self._unpickle("documents", sha256)
        if found is None or not isinstance(found[1], tuple) or len(found[1]) != 3:
            return None
        file, (fingerprint, cached_path, document) = found[0], cast("tuple[object, object, object]", found[1])
        if fingerprint != loader_fingerprint() or cached_path != path or not isinstance(document, Document):
            return None
        self.used.add(file)
        return document

    def put_document(self, document: Document) -> bytes:
        """Store a record; returns the pickled bytes (what a worker process sends back)."""
        data = pickle.dumps((loader_fingerprint(), document.path, document), protocol=pickle.HIGHEST_PROTOCOL)
        self.put_document_bytes(document.sha256, data)
        return data

    def put_document_bytes(self, sha256: str, data: bytes) -> None:
        self._put("documents", sha256, ".pickle", data)

    def get_graph(self, key: str) -> bytes | None:
        found = self._read("graphs", key, ".nt")
        if found is None:
            return None
        self.used.add(found[0])
        return found[1]

    def put_graph(self, key: str, data: bytes) -> None:
        self._put("graphs", key, ".nt", data)

    def get_validation(self, stamp: str) -> object | None:
        """The SHACL report of graphs with this output stamp (``output_stamp``), or ``None``. The records of
        the parts it was made from (``validation-parts``) are kept with it, for the next build that changes
        one document."""
        found = self._unpickle("validation", stamp)
        if found is None or not isinstance(found[1], tuple) or len(found[1]) != 2:
            return None
        report, parts = cast("tuple[object, object]", found[1])
        self.used.add(found[0])
        for key in parts if isinstance(parts, list) else ():
            self.keep_validation_part(key)
        return report

    def put_validation(self, stamp: str, report: object, parts: list[str] | None = None) -> None:
        """Store the SHACL report of ``stamp``'s graphs and the keys of the parts validated for it."""
        data = pickle.dumps((report, list(parts or ())), protocol=pickle.HIGHEST_PROTOCOL)
        self._put("validation", stamp, ".pickle", data)

    def get_derived(self, key: str) -> bytes | None:
        """The derived graph (sorted N-Triples) of a build with this ``derived_key``, or ``None``."""
        found = self._read("derived", key, ".nt")
        if found is None:
            return None
        self.used.add(found[0])
        return found[1]

    def put_derived(self, key: str, data: bytes) -> None:
        self._put("derived", key, ".nt", data)

    def get_links(self, key: str) -> tuple[str, list[str]] | None:
        """(``org_digest``, the ``graph_key`` of each document) of a build with this ``link_key``, or ``None``."""
        found = self._unpickle("links", key)
        if found is None or not isinstance(found[1], tuple) or len(found[1]) != 2:
            return None
        digest, keys = found[1]
        if not isinstance(digest, str) or not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            return None
        self.used.add(found[0])
        return digest, keys

    def put_links(self, key: str, value: tuple[str, list[str]]) -> None:
        self._put("links", key, ".pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def get_validation_part(self, key: str) -> object | None:
        """The SHACL records of one part of a split validation (``graph.validation.Part.key``), or ``None``."""
        found = self._unpickle("validation-parts", key)
        if found is None:
            return None
        self.used.add(found[0])
        return found[1]

    def put_validation_part(self, key: str, records: object) -> None:
        self._put("validation-parts", key, ".pickle", pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))

    def keep_validation_part(self, key: str) -> None:
        """Mark a part's entry as used by this build (it was read by another process)."""
        file = self._path("validation-parts", key, ".pickle")
        if file is not None:
            self.used.add(file)

    def current_outputs(self, stamp: str, out_dir: str | Path) -> tuple[dict[str, Path], int] | None:
        """The files of the last build and the quads they hold, when they were written from the same graphs
        (``stamp``) and not touched since; ``None`` otherwise."""
        file = self._path("", "outputs", ".json")
        if file is None or not file.exists():
            return None
        try:
            recorded = json.loads(file.read_text(encoding="utf-8"))
            outputs = {name: Path(path) for name, path in recorded["outputs"].items()}
            triples = recorded["triples"]
            if recorded["stamp"] != stamp or any(Path(p).parent != Path(out_dir) for p in outputs.values()):
                return None
            if any(_file_state(p) != recorded["files"].get(str(p)) for p in outputs.values()):
                return None
            if not isinstance(triples, int):
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        self.used.add(file)
        return outputs, triples

    def record_outputs(self, stamp: str, outputs: dict[str, Path], triples: int) -> None:
        """Note the files written from the graphs of ``stamp`` (their sizes and times) and the quads they hold."""
        file = self._path("", "outputs", ".json")
        if file is None:
            return
        record = {"stamp": stamp, "outputs": {k: str(v) for k, v in outputs.items()},
                  "files": {str(p): _file_state(p) for p in outputs.values()}, "triples": triples}
        _write_atomic(file, json.dumps(record).encode("utf-8"))
        self.used.add(file)

    def keep_graphs(self, keys: list[str], derived: str) -> bool:
        """True when every named graph (``graph_key``) and the derived graph (``derived_key``) is cached; their
        entries are then kept by ``prune`` although this build does not read them."""
        files = [self._path("graphs", key, ".nt") for key in keys] + [self._path("derived", derived, ".nt")]
        if any(file is None or not file.is_file() for file in files):
            return False
        self.used.update(file for file in files if file is not None)
        return True

    def prune(self) -> int:
        """Remove entries this build did not use; returns how many were removed."""
        if self.root is None:
            return 0
        removed = 0
        for kind in ("documents", "graphs", "derived", "links", "validation", "validation-parts"):
            folder = self.root / kind
            if not folder.is_dir():
                continue
            for file in folder.iterdir():
                if file not in self.used:
                    file.unlink(missing_ok=True)
                    removed += 1
        return removed


def document_entry(document: Document) -> bytes:
    """The cache entry of a record, as ``BuildCache.put_document`` writes it (for worker processes)."""
    return pickle.dumps((loader_fingerprint(), document.path, document), protocol=pickle.HIGHEST_PROTOCOL)


def read_document_entry(data: bytes) -> Document:
    """The record inside a cache entry written by ``document_entry``."""
    _fingerprint, _path, document = pickle.loads(data)
    if not isinstance(document, Document):
        raise TypeError("not a cached Document")
    return document


def _file_state(path: Path) -> list[int] | None:
    """Size and modification time (ns) of a file, ``None`` when it is missing."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _write_atomic(file: Path, data: bytes) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, file)
