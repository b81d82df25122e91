"""A batch: every scenario with every seed, validated before the first week runs (``ms.run_batch``)."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from marketsim.config.errors import ScenarioError
from marketsim.runs.checks import (
    ScenarioInput,
    check_worlds,
    load_scenarios,
    run_problems,
    seed_list,
    whole_number_problems,
    workers_problems,
)
from marketsim.runs.pool import local_backend
from marketsim.runs.progress import ProgressOption, ProgressReport
from marketsim.runs.single import RunTask, TableOf, labelled

if TYPE_CHECKING:
    import pandas as pd

    from marketsim.config.scenario import Scenario

class RunError(RuntimeError):
    """A run of a batch raised an error; the message holds its scenario, seed and traceback."""


def run_batch(scenarios: Sequence[ScenarioInput] | ScenarioInput, seeds: int | Iterable[int], steps: int,
              overrides: Mapping[str, Any] | None = None, *, workers: int | None = 1,
              progress: ProgressOption = True, table: TableOf | None = None,
              per_seed: Mapping[int, Mapping[str, Any]] | None = None) -> pd.DataFrame:
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
        per_seed: parameter values for the runs of each seed, the same for every scenario so that
            comparisons stay paired (e.g. a calibration's posterior draws); a parameter a scenario
            sets itself keeps the scenario's value.

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
    tasks = {str(index): RunTask(str(index), with_draw(scenario, (per_seed or {}).get(seed)), seed, steps, table=table)
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


def with_draw(scenario: Scenario, values: Mapping[str, Any] | None) -> Scenario:
    """The scenario with a seed's parameter values (a posterior draw, say), except those it sets itself: its
    preset's and its overrides' values win (the dashboard runs its posterior draws through this too)."""
    if not values:
        return scenario
    return scenario.with_overrides({path: value for path, value in values.items() if path not in scenario.overrides})
