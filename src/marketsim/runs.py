"""The one batch runner: scenarios × paired seeds, in this process or in worker processes.

Every batch of runs goes through here — ``marketsim run`` and ``compare``, the stylized facts,
the lessons and the parameter sweeps (whose backends call :func:`execute`) — so they all seed,
validate, run and leave out the burn-in in the same way::

    import marketsim as ms
    from marketsim import analysis
    weeks = ms.run_batch(["baseline", "focused_deterrence"], seeds=10, steps=520, workers=2)
    summary = analysis.summarise_runs(weeks)   # each run's means after the first BURN_IN weeks

Seeds are paired: every scenario runs with the same list of seeds (:func:`seed_list`), so two
scenarios can be compared seed by seed. A run depends only on its scenario, seed and weeks, so
the table is the same whatever the number of workers and the order in which runs finish.

Heavy libraries (pandas, numpy, the model) are imported where they are used, so that the
command line can read :data:`BURN_IN` without loading the simulation.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import operator
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from marketsim.config.errors import ScenarioError, shown

if TYPE_CHECKING:
    from types import TracebackType

    import mesa
    import pandas as pd

    from marketsim.config.scenario import Scenario

BURN_IN = 52
"""Weeks at the start of every run left out of its averages: the first year, while the market
settles from its initial state. Every summary uses it unless told otherwise."""

DEFAULT_SEED_BASE = 20261126
"""Root of the seed sequence shared by every batch, so results are reproducible."""

MAX_SEED = 2**63 - 1
"""The largest seed: seeds are stored with the runs as 64-bit integers (Parquet, CSV readers)."""

ProgressOption = bool | Callable[[int, int], None]
"""``True``: a progress bar on stderr; ``False``: none; or a callable ``(runs_done, runs_total)``."""

ScenarioInput: TypeAlias = "str | Path | Scenario"
"""A preset name, a scenario file, or a loaded :class:`~marketsim.config.scenario.Scenario`."""


# -- seeds and scenarios -----------------------------------------------------------------------
def seed_list(n: int, base: int = DEFAULT_SEED_BASE) -> list[int]:
    """``n`` independent run seeds spawned from ``base``; every scenario of a batch uses the same list.

    Args:
        n: how many seeds.
        base: the root of the sequence; the same base always gives the same seeds, and the
            first ``k`` seeds of a longer list are those of a shorter one.

    Returns:
        Distinct whole numbers ≥ 0.
    """
    import numpy as np

    if n < 0:
        raise ValueError(f"n = {n}: allowed a whole number ≥ 0")
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(base).spawn(n)]


def load_scenarios(scenarios: Sequence[ScenarioInput] | ScenarioInput,
                   overrides: Mapping[str, Any] | None = None) -> list[Scenario]:
    """Load and validate every scenario with the same overrides, reporting all problems at once.

    Args:
        scenarios: one scenario or several (preset names, files or loaded scenarios).
        overrides: dotted parameter paths and values applied to every scenario.

    Returns:
        The scenarios, in order.

    Raises:
        ScenarioError: every problem found, including a name given twice (results are labelled
            by scenario name).
    """
    from marketsim.config.scenario import Scenario, load_scenario

    if isinstance(scenarios, str | Path | Scenario):
        scenarios = [scenarios]
    problems = [] if scenarios else ["no scenario given"]
    loaded: list[Scenario] = []
    for item in scenarios:
        try:
            loaded.append(load_scenario(item, overrides))
        except ScenarioError as error:
            problems.extend(error.problems)
    names = [scenario.name for scenario in loaded]
    problems.extend(f"scenario {name!r} is given more than once: results are labelled by name"
                    for name in dict.fromkeys(names) if names.count(name) > 1)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return loaded


def check_worlds(scenarios: Sequence[Scenario], seed: int) -> None:
    """Build each scenario's model once, so problems that depend on the world (policy targets,
    world files) surface before any run.

    Raises:
        ScenarioError: every such problem, for all scenarios at once.
    """
    from marketsim.model import DrugMarketModel

    problems: list[str] = []
    for scenario in scenarios:
        try:
            DrugMarketModel(scenario, seed=seed)
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))


def whole_number_problems(value: Any, name: str, minimum: int, maximum: int | None = None) -> list[str]:
    """Why ``value`` is not a whole number from ``minimum`` to ``maximum`` (numpy integers are
    whole numbers; ``True``, ``1.0`` and ``"3"`` are not)."""
    allowed = f"allowed a whole number ≥ {minimum}" + (f" and ≤ {maximum:,}" if maximum is not None else "")
    try:
        number = operator.index(value) if not isinstance(value, bool) else None
    except TypeError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        return [f"{name} = {shown(value)}: {allowed}"]
    return []


def run_problems(seeds: Sequence[Any], steps: Any) -> list[str]:
    """Why runs of ``steps`` weeks cannot be made with these seeds (an empty list if they can)."""
    problems = whole_number_problems(steps, "steps", 1)
    if not seeds:
        problems.append("no seeds: give a count ≥ 1 or a non-empty list")
    for seed in seeds:
        problems += whole_number_problems(seed, "seed", 0, MAX_SEED)
    if not problems and len({operator.index(seed) for seed in seeds}) != len(seeds):
        problems.append(f"seeds must be distinct whole numbers ≥ 0, got {list(seeds)}")
    return problems


def burn_in_problems(burn_in: int, steps: int, names: tuple[str, str] = ("burn_in", "steps")) -> list[str]:
    """Why a burn-in cannot be used with runs of ``steps`` weeks (an empty list if it can).

    ``names`` are the two settings as the user wrote them, e.g. ``("--burn-in", "--steps")``.
    """
    burn_in_name, steps_name = names
    if burn_in < 0:
        return [f"{burn_in_name} = {burn_in}: allowed a whole number ≥ 0"]
    if burn_in >= steps:
        return [f"{burn_in_name} = {burn_in} leaves no weeks to average: allowed fewer than "
                f"{steps_name} = {steps}"]
    return []


def check_burn_in(burn_in: int, steps: int) -> None:
    """Raise a ScenarioError (see :func:`burn_in_problems`) before any run if the burn-in is unusable."""
    problems = burn_in_problems(burn_in, steps)
    if problems:
        raise ScenarioError(problems)


# -- one run -----------------------------------------------------------------------------------
def simulate(scenario: Scenario, seed: int, steps: int,
             progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """The one way marketsim runs a simulation: one scenario, one seed, ``steps`` weeks.

    Returns:
        The model's weekly metrics, one row per week.
    """
    from marketsim.model import DrugMarketModel

    model = DrugMarketModel(scenario, seed=seed)
    try:
        return model.run(steps, progress=progress).metrics()
    finally:
        release_model(model)


def release_model(model: mesa.Model) -> None:
    """Let a model that will not step again be garbage-collected.

    Mesa 3.3 keeps every model alive in the class attribute ``Agent._ids`` (mesa issue #3179,
    fixed in later releases): a few MB per run, without end, in every long-lived process — sweep
    workers, the dashboard, the test suite. Only call it once the model is done: agents it
    created afterwards would restart their ids.
    """
    import mesa

    mesa.Agent._ids.pop(model, None)


def run(scenario: ScenarioInput = "baseline", seed: int = 1, steps: int = 520,
        overrides: Mapping[str, Any] | None = None,
        progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Run one scenario and return its weekly metrics (``ms.run``).

    Args:
        scenario: a preset name, a scenario file or a loaded scenario.
        seed: the run's random seed; the same scenario and seed give the same table.
        steps: weeks to simulate (520 = ten years).
        overrides: dotted parameter paths and values, e.g. ``{"policy.hvt_share": 0.3}``.
        progress: called as ``(weeks_done, steps)`` after each week.

    Returns:
        One row per week: ``step`` and every metric (see ``marketsim.METRICS``).

    Raises:
        ScenarioError: unknown scenario or parameter, a value that is not allowed, or a seed or
            number of steps that is not a whole number in range.
    """
    from marketsim.config.scenario import load_scenario

    problems = run_problems([seed], steps)
    if problems:
        raise ScenarioError(problems)
    return simulate(load_scenario(scenario, overrides), operator.index(seed), operator.index(steps), progress)


def labelled(frame: pd.DataFrame, labels: Mapping[str, Any]) -> pd.DataFrame:
    """``frame`` with one constant column per label put in front, in the order given (in place)."""
    for position, (name, value) in enumerate(labels.items()):
        frame.insert(position, name, value)
    return frame


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to run one simulation: picklable, and free of file paths."""

    key: str
    scenario: Scenario
    seed: int
    steps: int


@dataclass(frozen=True)
class RunOutcome:
    """One finished simulation: its weekly metrics, or the traceback of the error it raised."""

    key: str
    frame: pd.DataFrame | None
    error: str | None
    started: float
    seconds: float
    cpu_seconds: float
    worker: str


def execute(task: RunTask, progress: Callable[[int, int], None] | None = None) -> RunOutcome:
    """Run one task in whichever process it lands; an error is returned with its traceback, not raised."""
    started, clock, cpu = time.time(), time.perf_counter(), time.process_time()
    try:
        frame, error = simulate(task.scenario, task.seed, task.steps, progress), None
    except Exception:
        frame, error = None, traceback.format_exc()
    return RunOutcome(task.key, frame, error, started, time.perf_counter() - clock,
                      time.process_time() - cpu, f"{socket.gethostname()}:{os.getpid()}")


# -- where runs execute ------------------------------------------------------------------------
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
    """A pool of worker processes forked from a server that has already imported the model."""

    def __init__(self, workers: int):
        self.workers = workers
        self.label = f"local, {workers} workers"
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(),
                                        initializer=_exit_with_parent)

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Outcomes as they finish, with at most two tasks per worker in flight."""
        return bounded_imap(lambda task: self.pool.submit(execute, task),
                            lambda pending: wait_futures(pending, return_when=FIRST_COMPLETED),
                            tasks, 2 * self.workers)

    def close(self) -> None:
        """Stop the workers; tasks not yet started are cancelled."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def workers_problems(workers: Any) -> list[str]:
    """Why ``workers`` is not a number of worker processes (``None`` means every core)."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        return [f"workers = {workers!r}: allowed a whole number ≥ 1"]
    return []


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


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method of worker pools: fork from a server that has imported the model (spawn
    where there is no fork server).

    Chosen explicitly because importing mesa switches the global default to spawn, which would
    import everything again in each worker.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["marketsim.runs", "marketsim.model"])
    return context


def _exit_with_parent() -> None:
    """In a pool worker: exit as soon as the process that started the pool is gone (e.g. killed
    with SIGKILL); without this, its workers would wait forever on their task queue."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


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


# -- progress ----------------------------------------------------------------------------------
class ProgressReport:
    """Reports a batch's progress: a bar on stderr, a callback ``(runs_done, runs_total)``, or nothing.

    Use as a context manager; call :meth:`run_finished` once per finished run and, for runs in
    this process, :meth:`week` as weeks go by (the bar moves within a run; callbacks see whole runs).
    """

    def __init__(self, progress: ProgressOption, total: int, label: str = "runs", done: int = 0):
        self.progress = progress
        self.total = total
        self.label = label
        self.done = done
        self.failed = 0
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> ProgressReport:
        if self.progress is True:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("runs"), TextColumn("[red]{task.fields[failed]}"),
                                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                console=Console(stderr=True))
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total, completed=self.done, failed="")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.stop()

    def week(self, task: RunTask, done: int, total: int) -> None:
        """A run in this process finished week ``done`` of ``total``."""
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done + done / total,
                            description=f"{task.scenario.name} · seed {task.seed}")

    def run_finished(self, failed: bool = False) -> None:
        """One more run finished (``failed``: with an error)."""
        self.done += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done,
                            failed=f"{self.failed} failed" if self.failed else "")
        elif callable(self.progress):
            self.progress(self.done, self.total)


# -- batches -----------------------------------------------------------------------------------
class RunError(RuntimeError):
    """A run of a batch raised an error; the message holds its scenario, seed and traceback."""


def run_batch(scenarios: Sequence[ScenarioInput] | ScenarioInput, seeds: int | Iterable[int], steps: int,
              overrides: Mapping[str, Any] | None = None, *, workers: int | None = 1,
              progress: ProgressOption = True) -> pd.DataFrame:
    """Run every scenario with every seed and stack their weekly metrics.

    Everything is validated before the first week runs, including what depends on the
    generated world (policy target regions, world files).

    Args:
        scenarios: preset names, scenario files or loaded scenarios, with distinct names.
        seeds: a count (then :func:`seed_list` supplies them) or explicit seeds (a list, a numpy
            array...); every scenario runs with the same seeds.
        steps: weeks per run.
        overrides: dotted parameter paths and values applied to every scenario.
        workers: processes running the simulations: 1 runs them here, ``None`` uses every core.
            The table does not depend on it.
        progress: see :data:`ProgressOption`.

    Returns:
        One row per week per run, in scenario then seed order: ``scenario``, ``seed``, ``step``
        and every metric.

    Raises:
        ScenarioError: bad scenarios, overrides, seeds, steps or worker count, before anything runs.
        RunError: a run raised an error.
    """
    import pandas as pd

    given = list(seeds) if isinstance(seeds, Iterable) and not isinstance(seeds, str | bytes) else None
    if given is not None:
        problems = run_problems(given, steps)
    else:
        problems = whole_number_problems(seeds, "seeds", 1) + whole_number_problems(steps, "steps", 1)
    problems += workers_problems(workers)
    if problems:
        raise ScenarioError(problems)
    seed_values = [operator.index(seed) for seed in given] if given is not None else seed_list(operator.index(seeds))
    steps = operator.index(steps)
    loaded = load_scenarios(scenarios, overrides)
    check_worlds(loaded, seed_values[0])
    tasks = {str(index): RunTask(str(index), scenario, seed, steps)
             for index, (scenario, seed) in enumerate(itertools.product(loaded, seed_values))}
    frames: dict[str, pd.DataFrame] = {}
    report = ProgressReport(progress, len(tasks))
    backend = local_backend(workers, on_week=report.week)
    try:
        with report:
            for outcome in backend.imap_unordered(tasks.values()):
                task = tasks[outcome.key]
                if outcome.error is not None:
                    raise RunError(f"{task.scenario.name} with seed {task.seed} failed:\n{outcome.error}")
                frames[task.key] = labelled(outcome.frame, {"scenario": task.scenario.name, "seed": task.seed})
                report.run_finished()
    finally:
        backend.close()
    return pd.concat([frames[key] for key in tasks], ignore_index=True)
