"""Designs and plans: the points a sweep samples, and every run it will make.

A design is a full factorial grid, a Latin hypercube, a Sobol sample or explicit points. The
plan applies each point to each scenario (checking every combination before any run), pairs
them all with the same seeds, and gives each run an id that depends only on what the run
depends on: scenario, resolved parameters, seed, weeks and marketsim's version.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from marketsim import __version__
from marketsim.config.errors import ScenarioError
from marketsim.config.scenario import Scenario
from marketsim.runs import check_worlds, load_scenarios, seed_list
from marketsim.sweep.errors import SweepError, require
from marketsim.sweep.spec import SweepSpec

FORMAT = 2
"""Version of the output directory layout, stored in ``spec.json`` (2: the manifest records each
run file's content hash, and consolidated.json those of the consolidated tables)."""
MAX_RUNS = 1_000_000
"""Larger sweeps are refused as a likely mistake (a grid with too many levels)."""


def design_points(spec: SweepSpec) -> pd.DataFrame:
    """The design: one row per point, one column per swept parameter, in sampling order.

    Grid: the full factorial product of every parameter's values. LHS: a scrambled Latin
    hypercube (``scipy.stats.qmc``). Sobol: SALib's Saltelli-type Sobol sample (first and
    total-order indices, ``samples × (parameters + 2)`` points). Samplers are seeded with
    ``design.seed``, so the same spec gives the same points.

    Args:
        spec: a validated spec.

    Returns:
        One row per point, one column per swept parameter (whole-number parameters as ints).

    Raises:
        SweepError: a Sobol design without SALib installed.
    """
    names = [param.path for param in spec.params]
    if spec.design == "points":
        rows: list[list[Any]] = [[point[name] for name in names] for point in spec.points]
    elif spec.design == "grid":
        rows = [list(row) for row in itertools.product(*(p.grid_values() for p in spec.params))]
    else:
        unit = _unit_sample(spec)
        columns = [param.scale(unit[:, index]) for index, param in enumerate(spec.params)]
        rows = [list(row) for row in zip(*columns, strict=True)]
    return pd.DataFrame(rows, columns=names)


def _unit_sample(spec: SweepSpec) -> np.ndarray:
    """LHS or Sobol sample in the unit hypercube (scaled to each range afterwards)."""
    dimensions = len(spec.params)
    assert spec.samples is not None
    if spec.design == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(spec.design_seed)).random(spec.samples)
    sobol = require("SALib.sample.sobol", "a Sobol design")
    problem = {"num_vars": dimensions, "names": [p.path for p in spec.params],
               "bounds": [[0.0, 1.0]] * dimensions}
    return sobol.sample(problem, spec.samples, calc_second_order=False, scramble=True,
                        seed=spec.design_seed)


def _design_size(spec: SweepSpec) -> int:
    """Number of design points, computed without building the design."""
    if spec.design == "grid":
        return math.prod(len(p.grid_values()) for p in spec.params)
    if spec.design == "lhs":
        return spec.samples or 0
    if spec.design == "sobol":
        return (spec.samples or 0) * (len(spec.params) + 2)
    return len(spec.points)


# -- the plan ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """One simulation of the sweep: a scenario at a design point with one replicate's seed."""

    run_id: str
    point: int
    scenario: int
    replicate: int
    seed: int


@dataclass(frozen=True)
class Plan:
    """Everything a sweep will run, validated: scenarios, design points, seeds, run ids."""

    spec: SweepSpec
    scenarios: tuple[Scenario, ...]
    points: pd.DataFrame
    seeds: tuple[int, ...]
    runs: tuple[Run, ...]

    def scenario_at(self, run: Run) -> Scenario:
        """The run's scenario with its point's parameter values applied."""
        return self.scenarios[run.scenario].with_overrides(_point_values(self.points, run.point))

    def record(self) -> dict[str, Any]:
        """What ``spec.json`` stores: enough to resume, consolidate and summarise the sweep."""
        return {
            "format": FORMAT, "marketsim": __version__, "spec": self.spec.to_dict(),
            "scenario_names": [scenario.name for scenario in self.scenarios],
            "parameters": {p.path: p.role for p in self.spec.params},
            "seed_list": list(self.seeds),
            "points": [_python(list(row)) for row in self.points.itertuples(index=False)],
            "runs": [[r.run_id, r.point, r.scenario, r.replicate, r.seed] for r in self.runs],
        }


def plan_sweep(spec: SweepSpec) -> Plan:
    """Build the design and every run, validating each point in each scenario before any run.

    Parameter names, bounds and cross-field rules (budget shares add up to at most 1) are checked
    by the same machinery as scenario overrides; what depends on the generated world is checked by
    building each scenario's model once, at the first point.

    Args:
        spec: a validated spec.

    Returns:
        The plan: resolved scenarios, design points, the paired seeds and every run with its id.

    Raises:
        SweepError: every invalid combination (the first five, and how many more), or a sweep
            of more than ``MAX_RUNS`` runs.
    """
    size = _design_size(spec)
    total = size * len(spec.scenarios) * spec.seeds
    if total > MAX_RUNS:
        raise SweepError([f"the sweep has {total:,} runs ({size:,} points × {len(spec.scenarios)} "
                          f"scenarios × {spec.seeds} seeds), more than {MAX_RUNS:,}: use fewer levels, "
                          "samples or seeds"])
    try:
        scenarios = load_scenarios(list(spec.scenarios), spec.overrides)
    except ScenarioError as error:
        raise SweepError(error.problems) from None
    _check_ranges(spec, scenarios[0])
    points = design_points(spec)
    seeds = tuple(seed_list(spec.seeds, spec.base_seed))
    digests = _configure(scenarios, points, spec.steps)
    try:
        check_worlds([scenario.with_overrides(_point_values(points, 0)) for scenario in scenarios], seeds[0],
                     spec.steps)
    except ScenarioError as error:
        raise SweepError(error.problems) from None
    runs = [Run(_run_id(digests[(point, index)], seed), point, index, replicate, seed)
            for point in range(len(points)) for index in range(len(scenarios))
            for replicate, seed in enumerate(seeds)]
    return Plan(spec, tuple(scenarios), points, seeds, tuple(runs))


def _check_ranges(spec: SweepSpec, scenario: Scenario) -> None:
    """Each swept parameter's name, type and bounds, checked at its ends (or each of its values).

    Only problems naming the parameter are kept here; rules across parameters (budget shares)
    depend on the whole point and are reported per point by :func:`_configure`.
    """
    problems = []
    for param in spec.params:
        ends = param.values or (param.minimum, param.maximum)
        for value in ends:
            if param.is_int and not param.values:
                value = int(value)
            try:
                scenario.with_overrides({param.path: value})
            except ScenarioError as error:
                problems.extend(f"params: {problem}" for problem in error.problems if param.path in problem)
    if problems:
        raise SweepError(problems)


def _configure(scenarios: Sequence[Scenario], points: pd.DataFrame, steps: int) -> dict[tuple[int, int], str]:
    """Apply every point to every scenario; all invalid combinations are reported together.

    Returns, per (point, scenario), a digest of what its runs depend on besides the seed: the
    scenario's name, every resolved parameter, the weeks and the package version.
    """
    digests: dict[tuple[int, int], str] = {}
    invalid: list[str] = []
    for point in range(len(points)):
        values = _point_values(points, point)
        for index, scenario in enumerate(scenarios):
            try:
                configured = scenario.with_overrides(values)
            except ScenarioError as error:
                setting = ", ".join(f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"
                                    for name, value in values.items())
                invalid.append(f"design point {point} ({setting}) in scenario {scenario.name!r}: "
                               + "; ".join(error.problems))
                continue
            timeline = [entry.as_dict() for entry in (*configured.timeline.schedule, *configured.timeline.events)]
            identity = json.dumps({"scenario": configured.name, "params": configured.resolved(), "steps": steps,
                                   "timeline": timeline, "version": __version__}, sort_keys=True, default=str)
            digests[(point, index)] = hashlib.sha256(identity.encode()).hexdigest()
    if invalid:
        shown = invalid[:5]
        if len(invalid) > len(shown):
            shown.append(f"… and {len(invalid) - len(shown)} more invalid points: narrow the ranges")
        raise SweepError(shown)
    return digests


def _run_id(digest: str, seed: int) -> str:
    """A run's id: a hash of its (point, scenario) digest and its seed."""
    return hashlib.sha256(f"{digest}|seed={seed}".encode()).hexdigest()[:16]


def _point_values(points: pd.DataFrame, point: int) -> dict[str, Any]:
    """One design point as plain Python values, each column keeping its own type."""
    return _python(points.iloc[[point]].to_dict("records")[0])


def _python(values: Mapping[str, Any] | Sequence[Any]) -> Any:
    """numpy scalars to plain Python values (for JSON and for scenario overrides)."""
    def plain(value: Any) -> Any:
        return value.item() if isinstance(value, np.generic) else value

    if isinstance(values, Mapping):
        return {key: plain(value) for key, value in values.items()}
    return [plain(value) for value in values]

