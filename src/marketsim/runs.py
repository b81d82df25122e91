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
import operator
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from marketsim.config.errors import ScenarioError, shown
from marketsim.text import plural

if TYPE_CHECKING:
    from types import TracebackType

    import mesa
    import pandas as pd

    from marketsim.config.scenario import Scenario
    from marketsim.model import DrugMarketModel

BURN_IN = 52
"""Weeks at the start of every run left out of its averages: the first year, while the market
settles from its initial state. Every summary uses it unless told otherwise."""

DEFAULT_SEED_BASE = 20261126
"""Root of the seed sequence shared by every batch, so results are reproducible."""

MAX_SEED = 2**63 - 1
"""The largest seed: seeds are stored with the runs as 64-bit integers (Parquet, CSV readers)."""

ProgressOption = bool | Callable[[int, int], None]
"""``True``: a progress bar on stderr; ``False``: none; or a callable ``(runs_done, runs_total)``."""

TableOf: TypeAlias = "Callable[[DrugMarketModel], pd.DataFrame]"
"""What a batch collects from each finished model (a module-level function, so workers can run it)."""

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


def check_worlds(scenarios: Sequence[Scenario], seed: int, steps: int) -> None:
    """Build each scenario's model once, so problems that depend on the world (policy targets,
    places named by events, world files) or on the run's length (weeks of the schedule and
    events) surface before any run.

    Raises:
        ScenarioError: every such problem, for all scenarios at once.
    """
    from marketsim.model import DrugMarketModel

    problems: list[str] = []
    for scenario in scenarios:
        try:
            scenario.timeline.check_horizon(steps)
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
             progress: Callable[[int, int], None] | None = None, table: TableOf | None = None) -> pd.DataFrame:
    """The one way marketsim runs a simulation: one scenario, one seed, ``steps`` weeks.

    Returns:
        ``table(model)`` of the finished model; by default its weekly metrics, one row per week.
    """
    from marketsim.model import DrugMarketModel

    model = DrugMarketModel(scenario, seed=seed)
    try:
        model.run(steps, progress=progress)
        return model.metrics() if table is None else table(model)
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
        progress: Callable[[int, int], None] | None = None, *, schedule: Any = None,
        events: Any = None) -> pd.DataFrame:
    """Run one scenario and return its weekly metrics (``ms.run``).

    Args:
        scenario: a preset name, a scenario file or a loaded scenario.
        seed: the run's random seed; the same scenario and seed give the same table.
        steps: weeks to simulate (520 = ten years).
        overrides: dotted parameter paths and values, e.g. ``{"policy.hvt_share": 0.3}``.
        progress: called as ``(weeks_done, steps)`` after each week.
        schedule: parameter changes from a given week, added to the scenario's, e.g.
            ``[{"week": 260, "set": {"policy.street_share": 0.5}}]`` (``marketsim.config.timeline``).
        events: one-off events, added to the scenario's, e.g.
            ``[{"week": 300, "kind": "seizure", "where": "border", "share": 0.9}]``.

    Returns:
        One row per week: ``scenario``, ``seed``, ``step`` and every metric (see
        ``marketsim.METRICS``), as ``marketsim run --out`` writes it.

    Raises:
        ScenarioError: unknown scenario or parameter, a value that is not allowed, a schedule or
            event that is malformed or falls after the last week, a seed or number of steps
            that is not a whole number in range, or a progress that is not callable.
    """
    from marketsim.config.scenario import load_scenario

    problems = run_problems([seed], steps)
    if progress is not None and not callable(progress):
        problems.append(f"progress = {shown(progress)}: allowed None or a callable taking (weeks_done, steps), "
                        "e.g. lambda done, total: print(done, total)")
    if problems:
        raise ScenarioError(problems)
    loaded = load_scenario(scenario, overrides, schedule, events)
    loaded.timeline.check_horizon(operator.index(steps))
    return labelled(simulate(loaded, operator.index(seed), operator.index(steps), progress),
                    {"scenario": loaded.name, "seed": seed})


def labelled(frame: pd.DataFrame, labels: Mapping[str, Any]) -> pd.DataFrame:
    """``frame`` with one constant column per label put in front, in the order given (in place)."""
    for position, (name, value) in enumerate(labels.items()):
        frame.insert(position, name, value)
    return frame


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to run one simulation: picklable, and free of file paths.

    ``time_limit``: seconds after which the run stops and is recorded as failed (``None``: no limit).
    """

    key: str
    scenario: Scenario
    seed: int
    steps: int
    table: TableOf | None = None
    time_limit: float | None = None


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
        with time_limit(task.time_limit):
            frame, error = simulate(task.scenario, task.seed, task.steps, progress, task.table), None
    except Exception:
        frame, error = None, traceback.format_exc()
    return RunOutcome(task.key, frame, error, started, time.perf_counter() - clock,
                      time.process_time() - cpu, f"{socket.gethostname()}:{os.getpid()}")


class RunTimeoutError(RuntimeError):
    """A run took longer than its time limit. Not an ``OSError`` (as the built-in ``TimeoutError``
    is), so code that handles file errors — the import system among it — cannot swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`RunTimeoutError` inside the block once it has run ``seconds`` (main thread only)."""
    if seconds is None:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RunTimeoutError(f"the run took longer than its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
        return ProcessPoolExecutor(max_workers=self.workers, initializer=_exit_with_parent,
                                   env={"LOKY_MAX_MEMORY_LEAK_SIZE": str(2 * 2**30)})

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


def _exit_with_parent() -> None:
    """In a pool worker: exit as soon as the process that started the pool is gone, even killed
    with SIGKILL; loky's workers would otherwise wait on their task queue."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


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


# -- progress ----------------------------------------------------------------------------------
class ProgressReport:
    """Reports a batch's progress: a bar on stderr, a callback ``(runs_done, runs_total)``, or nothing.

    The bar counts weeks (runs × weeks per run), so that it moves and its ETA holds within a run
    as well as across runs. Use as a context manager; call :meth:`run_finished` once per finished
    run and, for runs in this process, :meth:`week` as weeks go by.
    """

    def __init__(self, progress: ProgressOption, total: int, steps: int, label: str = "runs", done: int = 0):
        self.progress = progress
        self.total = total
        self.steps = steps
        self.label = label
        self.done = done
        self.failed = 0
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> ProgressReport:
        if self.progress is True:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[counts]}"),
                                TextColumn("[red]{task.fields[failed]}"), TimeElapsedColumn(), TextColumn("ETA"),
                                TimeRemainingColumn(), console=Console(stderr=True))
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total * self.steps, completed=self.done * self.steps,
                                          counts=self._counts(0), failed="")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.stop()

    def _counts(self, weeks: int) -> str:
        """``week 12/520`` for one run; ``3/8 runs`` (and the week of the run going on) for several."""
        if self.total == 1:
            return f"week {self.steps if self.done else weeks}/{self.steps}"
        return f"{self.done}/{plural(self.total, 'run')}" + (f" · week {weeks}/{self.steps}" if weeks else "")

    def week(self, task: RunTask, done: int, total: int) -> None:
        """A run in this process finished week ``done`` of ``total``."""
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done * self.steps + done, counts=self._counts(done),
                            description=f"{task.scenario.name} · seed {task.seed}")

    def run_finished(self, failed: bool = False) -> None:
        """One more run finished (``failed``: with an error)."""
        self.done += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done * self.steps, counts=self._counts(0),
                            failed=f"{self.failed} failed" if self.failed else "")
        elif callable(self.progress):
            self.progress(self.done, self.total)


# -- batches -----------------------------------------------------------------------------------
class RunError(RuntimeError):
    """A run of a batch raised an error; the message holds its scenario, seed and traceback."""


def run_batch(scenarios: Sequence[ScenarioInput] | ScenarioInput, seeds: int | Iterable[int], steps: int,
              overrides: Mapping[str, Any] | None = None, *, workers: int | None = 1,
              progress: ProgressOption = True, table: TableOf | None = None) -> pd.DataFrame:
    """Run every scenario with every seed and stack their weekly metrics (or another table).

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
        table: what to collect from each finished model (:data:`TableOf`); by default its
            weekly metrics.

    Returns:
        The runs' tables stacked in scenario then seed order, each row labelled with
        ``scenario`` and ``seed``; by default one row per week with ``step`` and every metric.

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
    check_worlds(loaded, seed_values[0], steps)
    tasks = {str(index): RunTask(str(index), scenario, seed, steps, table=table)
             for index, (scenario, seed) in enumerate(itertools.product(loaded, seed_values))}
    frames: dict[str, pd.DataFrame] = {}
    report = ProgressReport(progress, len(tasks), steps)
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
