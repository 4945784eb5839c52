"""The per-document stages of a build on a Dask cluster (``policykg build --scheduler tcp://HOST:8786``).

A build has two kinds of work (``graph.run.pipeline``): per document — read and parse a file into a
``Document`` record, encode one document's named graph as N-Triples — and across documents — link the
policies and organizations, compute the lineage, write the files. The first kind runs anywhere; with a
scheduler it runs on the Dask workers, through the ``concurrent.futures`` executor of a
``distributed.Client`` (``Client.get_executor``). The second kind runs in the building process, on
the records that come back: linking reads records, never graphs.

What a worker is sent is pickled: file paths with the read limits, then the records of a chunk of
documents with the policy and organization indexes (sent to every worker once, ``Client.scatter``).
Workers read the files themselves, at the paths the build names: run them on a shared filesystem
(absolute paths), or started in the folder the build runs in (relative paths). Each record is checked
against the bytes the building process hashed, and every worker's code against the building process's
(``graph.run.cache`` fingerprints), so that a worker seeing other files or running other code is an error,
never a different graph.

``distributed`` is an optional dependency: ``pip install 'policykg[distributed]'``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from policykg.graph.run.cache import graph_fingerprint, loader_fingerprint
from policykg.loaders.errors import PolicyKGError

T = TypeVar("T")


@dataclass
class Cluster:
    """A connection to a Dask scheduler: ``executor`` runs tasks on its workers (``concurrent.futures`` API);
    ``share(value)`` sends a value to every worker once and returns what to pass to ``executor.submit``
    in its place."""

    client: Any  # distributed.Client
    executor: Executor

    def share(self, value: T) -> T:
        # really a distributed.Future standing for ``value`` (typed as the value: a task submitted with it gets the value)
        return cast(T, self.client.scatter(value, broadcast=True, hash=False))


def fingerprints() -> tuple[str, str]:
    """(loader fingerprint, graph fingerprint) of the code in this process (run on each worker)."""
    return loader_fingerprint(), graph_fingerprint()


@contextlib.contextmanager
def connect(scheduler: object) -> Iterator[Cluster]:
    """A ``Cluster`` on ``scheduler``: an address such as ``"tcp://10.0.0.5:8786"`` (the client is closed
    after the ``with`` block), or a ``distributed.Client`` or ``LocalCluster`` of the caller (left open).

    On an exception inside the block (KeyboardInterrupt included) the tasks still queued or running
    are cancelled. Raises: PolicyKGError when ``distributed`` is not installed, the scheduler cannot be
    reached, it has no worker, or a worker runs other policykg code than this process.
    """
    try:
        import distributed
    except ImportError:
        raise PolicyKGError("--scheduler needs Dask distributed: pip install 'policykg[distributed]'") from None
    with contextlib.ExitStack() as stack:
        client: Any  # a distributed.Client, whose methods (and constructor) distributed leaves unannotated
        if isinstance(scheduler, distributed.Client):
            client = scheduler
        else:
            address = getattr(scheduler, "scheduler_address", scheduler)  # a LocalCluster, or an address
            try:
                new_client: Any = distributed.Client  # untyped constructor
                client = stack.enter_context(new_client(address, timeout="30s", set_as_default=False))
            except (OSError, TimeoutError) as exc:
                raise PolicyKGError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            raise PolicyKGError(f"the Dask scheduler at {client.scheduler.address} has no worker") from None
        here = fingerprints()
        other = {worker: found for worker, found in client.run(fingerprints).items() if tuple(found) != here}
        if other:
            raise PolicyKGError(f"Dask workers {', '.join(sorted(other))} run other policykg code than this process "
                                f"(loaders/graph fingerprints {sorted(set(map(tuple, other.values())))} here {here}): "
                                "install the same version on every worker")
        executor = client.get_executor(pure=False)  # every task runs once: no need to hash its arguments
        try:
            yield Cluster(client, executor)
        except BaseException:
            executor.shutdown(wait=False)  # cancels what is left
            raise
        executor.shutdown(wait=True)
