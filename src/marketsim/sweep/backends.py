"""Where a sweep's runs execute: this process, a local process pool, or a Dask cluster.

Every backend runs :func:`marketsim.runs.execute` on :class:`~marketsim.runs.RunTask` s and
yields the outcomes as they finish; the local ones are those of ``marketsim.runs``, shared with
every other batch of runs, and Dask is added here.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from marketsim.config.errors import did_you_mean
from marketsim.runs import (
    Backend,
    RunOutcome,
    RunTask,
    available_cores,
    execute,
    local_backend,
    workers_problems,
)
from marketsim.sweep.errors import SweepError, require

BACKENDS = ("local", "dask")


class DaskBackend:
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster bound to 127.0.0.1."""

    def __init__(self, scheduler: str | None, workers: int | None, timeout: float):
        self.distributed = distributed = require("distributed", "the dask backend")
        self.cluster = None
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as error:
                raise SweepError([f"cannot reach the Dask scheduler at {scheduler} within "
                                  f"{timeout:g} s: {error}"]) from None
            self.workers = max(1, sum(self.client.nthreads().values()))
            self.label = f"dask {scheduler}, {self.workers} threads"
        else:
            self.workers = workers or available_cores()
            self.cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                    host="127.0.0.1", dashboard_address=None,
                                                    silence_logs=logging.ERROR)
            self.client = distributed.Client(self.cluster, set_as_default=False)
            self.label = f"dask LocalCluster, {self.workers} workers"

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Outcomes as they finish, keeping every worker busy with a short queue."""
        return bounded_imap(lambda task: self.client.submit(execute, task, key=f"marketsim-run-{task.key}"),
                            self._wait_any, tasks, 2 * self.workers + 2)

    def _wait_any(self, pending: set[Any]) -> Any:
        """``distributed.wait`` for the first to finish, on this client (which is not the default)."""
        with self.client.as_current():
            return self.distributed.wait(pending, return_when="FIRST_COMPLETED")

    def close(self) -> None:
        """Disconnect, and stop the LocalCluster if this backend started it."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def bounded_imap(submit: Callable[[RunTask], Any], wait_any: Callable[[set[Any]], Any],
                 tasks: Iterable[RunTask], limit: int) -> Iterator[RunOutcome]:
    """Submit tasks keeping at most ``limit`` in flight; yield outcomes as they finish.

    Holding few futures keeps memory flat however many tasks there are; unfinished futures are
    cancelled if the consumer stops early.
    """
    queue = iter(tasks)
    pending = {submit(task) for task in itertools.islice(queue, limit)}
    try:
        while pending:
            done, pending = wait_any(pending)
            pending = set(pending)
            for future in done:
                yield future.result()
                following = next(queue, None)
                if following is not None:
                    pending.add(submit(following))
    finally:
        for future in pending:
            future.cancel()


def open_backend(backend: str | None = None, workers: int | None = None, scheduler: str | None = None,
                 timeout: float = 10.0, run_timeout: float | None = None) -> Backend:
    """The backend a sweep asks for.

    Args:
        backend: ``"local"`` or ``"dask"``; a scheduler address implies Dask, otherwise local.
        workers: processes of the local pool or of a Dask LocalCluster (default: every core);
            1 runs everything in this process.
        scheduler: the address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
        timeout: seconds to wait for the scheduler.
        run_timeout: seconds a run may take before it is stopped and recorded as failed (local
            backend only: it stops the run with a signal, which Dask's worker threads cannot use).

    Raises:
        SweepError: every problem with the options, or an unreachable scheduler.
    """
    kind = backend or ("dask" if scheduler else "local")
    problems = []
    if kind not in BACKENDS:
        problems.append(f"backend = {kind!r}{did_you_mean(kind, BACKENDS)}: allowed {', '.join(BACKENDS)}")
    if kind == "local" and scheduler:
        problems.append(f"a scheduler ({scheduler}) needs backend 'dask', not 'local'")
    problems.extend(workers_problems(workers))
    if run_timeout is not None and (isinstance(run_timeout, bool) or not isinstance(run_timeout, int | float)
                                    or run_timeout <= 0):
        problems.append(f"run_timeout = {run_timeout!r}: allowed a number of seconds > 0")
    elif run_timeout is not None and kind == "dask":
        problems.append("run_timeout applies to the local backend; a Dask cluster's workers have their own limits")
    if scheduler and workers is not None:
        problems.append("workers applies to the local pool or a LocalCluster; an existing Dask "
                        "cluster has its own workers")
    if problems:
        raise SweepError(problems)
    if kind == "dask":
        return DaskBackend(scheduler, workers, timeout)
    return local_backend(workers)
