"""One run: :func:`simulate` (the one way marketsim runs a simulation), ``ms.run``, and the
picklable task and outcome a worker process exchanges (:func:`execute`).
"""

from __future__ import annotations

import operator
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from marketsim.config.errors import ScenarioError, shown
from marketsim.runs.checks import ScenarioInput, run_problems

if TYPE_CHECKING:
    import mesa
    import pandas as pd

    from marketsim.config.scenario import Scenario
    from marketsim.model import DrugMarketModel

TableOf: TypeAlias = "Callable[[DrugMarketModel], pd.DataFrame]"
"""What a batch collects from each finished model (a module-level function, so workers can run it)."""


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
    """Raise :class:`RunTimeoutError` inside the block once it has run ``seconds`` (main thread only).

    The alarm's exception lands wherever the run happens to be; if that is code that swallows it (a
    finaliser or weak-reference callback, whose exceptions Python only prints), the block still
    ends in :class:`RunTimeoutError`: the run did take longer than its limit."""
    if seconds is None:
        yield
        return
    message = f"the run took longer than its time limit of {seconds:g} s"
    expired = False

    def expire(signum: int, frame: Any) -> None:
        nonlocal expired
        expired = True
        raise RunTimeoutError(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:
        raise RunTimeoutError(message)
