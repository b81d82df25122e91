"""Where runs execute: this process (:class:`SerialBackend`) or a pool of worker processes
(:class:`ProcessBackend`), both yielding outcomes as runs finish.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import wait as wait_futures
from typing import Any, Protocol

from marketsim.config.errors import ScenarioError
from marketsim.runs.checks import workers_problems
from marketsim.runs.single import RunOutcome, RunTask, execute
from marketsim.text import plural


class Backend(Protocol):
    """Runs tasks somewhere and yields their outcomes as they finish (in any order)."""

    workers: int
    label: str

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]: ...

    def close(self) -> None: ...


WeekCallback = Callable[[RunTask, int, int], None]
"""Called as ``(task, weeks_done, weeks_total)`` while a task runs in this process."""


class SerialBackend:
    """Runs every task in this process, one after the other, reporting each week if asked."""

    workers = 1
    label = "local, 1 worker"

    def __init__(self, on_week: WeekCallback | None = None):
        self.on_week = on_week

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Outcomes in task order."""
        for task in tasks:
            weekly = None if self.on_week is None else (
                lambda done, total, task=task: self.on_week(task, done, total))  # type: ignore[misc]
            yield execute(task, weekly)

    def close(self) -> None:
        """Nothing to release."""


class ProcessBackend:
    """A pool of worker processes (loky) that works from any caller: a script without a main
    guard, ``python -`` or a notebook, since loky starts its workers afresh and never re-imports
    the caller's main module. Workers exit when this process dies.

    A worker that dies (killed, out of memory) is replaced: the runs it may have been running are
    run again one at a time, and the one that kills its worker alone is returned as failed.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.label = f"local, {plural(workers, 'worker')}"
        self.pool = self._start()

    def _start(self) -> Any:
        from loky import ProcessPoolExecutor

        # loky restarts a worker that has grown by 300 MB since its first task, taking that for a
        # leak; one long run in a large world grows more, and a restart costs the imports again.
        # the parent's id is taken here, before any worker exists: a worker that starts after
        # its parent died (reparented at once) then sees a parent that is not this one, and exits
        return ProcessPoolExecutor(max_workers=self.workers, initializer=_exit_with_parent,
                                   initargs=(os.getpid(),), env={"LOKY_MAX_MEMORY_LEAK_SIZE": str(2 * 2**30)})

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Outcomes as they finish, with at most two tasks per worker in flight."""
        from concurrent.futures.process import BrokenProcessPool

        queue = iter(tasks)
        suspects: list[RunTask] = []  # in flight (or not yet taken) when a worker died: each runs again alone
        pending: dict[Any, RunTask] = {}
        try:
            while True:
                while len(pending) < (1 if suspects else 2 * self.workers):
                    task = suspects.pop(0) if suspects else next(queue, None)
                    if task is None:
                        break
                    try:
                        pending[self.pool.submit(execute, task)] = task
                    except BrokenProcessPool:  # a worker died since the last submit
                        suspects.insert(0, task)
                        if pending:
                            break  # collect what was in flight first
                        self._restart()
                if not pending:
                    return
                alone = len(pending) == 1
                done, _ = wait_futures(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool as error:
                        if alone:
                            yield RunOutcome(task.key, None, f"the worker process died: {error}", time.time(),
                                             0.0, 0.0, "")
                        else:
                            suspects.append(task)
                        if not pending:
                            self._restart()
        finally:
            for future in pending:
                future.cancel()

    def _restart(self) -> None:
        """A new pool in place of one a dead worker broke."""
        self.pool.shutdown(wait=True)
        self.pool = self._start()

    def close(self) -> None:
        """Stop the workers, ending any run still going (the caller stopped early)."""
        self.pool.shutdown(wait=True, kill_workers=True)


def _exit_with_parent(parent: int) -> None:
    """In a pool worker: exit as soon as ``parent``, the process that started the pool, is gone,
    even killed with SIGKILL and even before this worker started; loky's workers would otherwise
    wait on their task queue for ever."""
    if os.getppid() != parent:  # the parent died while this worker was starting
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def local_backend(workers: int | None = None, on_week: WeekCallback | None = None) -> Backend:
    """This process for one worker, otherwise a process pool (``None``: every available core)."""
    problems = workers_problems(workers)
    if problems:
        raise ScenarioError(problems)
    count = workers or available_cores()
    return SerialBackend(on_week) if count == 1 else ProcessBackend(count)


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
