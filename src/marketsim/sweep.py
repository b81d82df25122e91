"""Parameter sweeps: designs, paired replicates, parallel backends, resumable storage, summaries.

A sweep runs every scenario at every point of a design — a full factorial grid, a Latin
hypercube, a Sobol sample, or explicit points — with the same list of seeds, so that any two
scenarios or points are compared seed by seed. In the EMA Workbench's XLRM vocabulary the
swept parameters are *uncertainties* or *levers* (``policy.*`` parameters are levers unless the
spec says otherwise), the spec's ``overrides`` are *constants*, and the metrics summarised are
*outcomes*::

    import marketsim as ms
    ms.sweep(scenarios=["baseline", "focused_deterrence"],
             params={"policy.hvt_share": {"min": 0.0, "max": 0.2},
                     "world.firearms": {"min": 0.3, "max": 0.9}},
             design={"kind": "lhs", "samples": 50}, seeds=4, steps=260, out="out/sweeps/hvt")
    ms.summarize_sweep("out/sweeps/hvt")

Every run depends only on its scenario, resolved parameters, seed and steps, so the data are
identical whatever the backend, the number of workers or the order in which runs finish.

Output directory (each file written atomically; see ``docs/sweeps.md``)::

    spec.json           the resolved sweep: spec, design points, seeds and the id of every run
    manifest.jsonl      one line per finished run (ok or failed, timing, traceback); last line wins
    runs/<run_id>.parquet   one finished run's weekly metrics
    timeseries.parquet  every finished run's weeks, in plan order (point, scenario, replicate)
    summary.parquet     one row per finished run: its parameters and post-burn-in metric means
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import socket
import tarfile
import threading
import time
import tomllib
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from marketsim import analysis
from marketsim.config.errors import ScenarioError, close_match
from marketsim.config.params import SPECS
from marketsim.config.scenario import Scenario
from marketsim.model import DrugMarketModel

FORMAT = 1
"""Version of the output directory layout, stored in ``spec.json``."""

DESIGNS = ("grid", "lhs", "sobol", "points")
BACKENDS = ("local", "dask")
SPEC_KEYS = ("scenarios", "params", "design", "seeds", "base_seed", "steps", "burn_in",
             "outcomes", "overrides", "out")
DESIGN_KEYS = ("kind", "samples", "seed", "points")
RANGE_KEYS = ("min", "max", "levels", "values", "role")
ROLES = ("uncertainty", "lever")
INSTALL_EXTRA = "pip install 'marketsim[sweep]'"
"""How to install the optional dependencies: SALib (Sobol designs, indices) and Dask."""
MAX_RUNS = 1_000_000
"""Larger sweeps are refused as a likely mistake (a grid with too many levels)."""
MAX_VALUE_BINS = 20
"""Figures give each value of a swept parameter its own bin up to this many values."""
RBD_FAST_MIN_POINTS = 10
"""RBD-FAST with bootstrap needs at least this many design points (two harmonics)."""

class SweepError(ValueError):
    """One or more problems with a sweep, found before any run starts."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(dict.fromkeys(problems))
        super().__init__("\n".join(self.problems))


# -- the spec ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParamRange:
    """One swept parameter: a range ``[minimum, maximum]`` (with ``levels`` for a grid) or values."""

    path: str
    role: Literal["uncertainty", "lever"]
    minimum: float | None = None
    maximum: float | None = None
    levels: int | None = None
    values: tuple[Any, ...] = ()

    @property
    def is_int(self) -> bool:
        """Whether the parameter takes whole numbers (sampled values are then rounded down)."""
        spec = SPECS.get(self.path)
        return spec is not None and spec.kind == "int"

    def grid_values(self) -> tuple[Any, ...]:
        """The values a full factorial grid takes: the given ones, or ``levels`` evenly spaced."""
        if self.values:
            return self.values
        assert self.minimum is not None and self.maximum is not None and self.levels is not None
        spaced = np.linspace(self.minimum, self.maximum, self.levels)
        if self.is_int:
            return tuple(int(v) for v in np.unique(np.round(spaced)))
        return tuple(float(v) for v in spaced)

    def scale(self, unit: np.ndarray) -> list[Any]:
        """Map samples in [0, 1) onto the range; whole-number parameters get equal-width bins."""
        assert self.minimum is not None and self.maximum is not None
        if self.is_int:
            low, high = int(self.minimum), int(self.maximum)
            return [int(v) for v in np.minimum(np.floor(low + unit * (high - low + 1)), high)]
        return [float(v) for v in self.minimum + unit * (self.maximum - self.minimum)]

    def to_dict(self) -> dict[str, Any]:
        """The range as written in a spec."""
        if self.values:
            entry: dict[str, Any] = {"values": list(self.values)}
        else:
            entry = {"min": self.minimum, "max": self.maximum}
            if self.levels is not None:
                entry["levels"] = self.levels
        return {**entry, "role": self.role}


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: what to run. Build one with :func:`load_spec` or :func:`make_spec`."""

    scenarios: tuple[str, ...]
    params: tuple[ParamRange, ...]
    design: str
    samples: int | None
    design_seed: int
    points: tuple[dict[str, Any], ...]
    seeds: int
    base_seed: int
    steps: int
    burn_in: int
    outcomes: tuple[str, ...]
    overrides: dict[str, Any]
    out: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The spec as JSON-ready data (``out`` left out: it says where, not what)."""
        design: dict[str, Any] = {"kind": self.design, "seed": self.design_seed}
        if self.samples is not None:
            design["samples"] = self.samples
        if self.points:
            design["points"] = [dict(point) for point in self.points]
        return {
            "scenarios": list(self.scenarios),
            "params": {param.path: param.to_dict() for param in self.params},
            "design": design, "seeds": self.seeds, "base_seed": self.base_seed,
            "steps": self.steps, "burn_in": self.burn_in, "outcomes": list(self.outcomes),
            "overrides": dict(self.overrides),
        }


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a TOML sweep spec; every problem is reported at once."""
    source = Path(path)
    try:
        with source.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SweepError([f"sweep spec {source} does not exist"]) from None
    except tomllib.TOMLDecodeError as error:
        raise SweepError([f"malformed TOML in {source}: {error}"]) from None
    return make_spec(data)


def make_spec(data: Mapping[str, Any]) -> SweepSpec:
    """Validate a spec given as data (the parsed TOML, or the keyword arguments of :func:`sweep`)."""
    problems: list[str] = []
    for key in data:
        if key not in SPEC_KEYS:
            problems.append(f"unknown key {key!r}{_hint(key, SPEC_KEYS)} (allowed: {', '.join(SPEC_KEYS)})")
    scenarios = data.get("scenarios", ["baseline"])
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    if not isinstance(scenarios, list | tuple) or not all(isinstance(s, str) for s in scenarios):
        problems.append(f"scenarios must be a list of scenario names or paths, got {scenarios!r}")
        scenarios = []
    elif not scenarios:
        problems.append("scenarios is empty: name at least one scenario")
    seeds = _whole(data.get("seeds", 10), "seeds", 1, problems)
    base_seed = _whole(data.get("base_seed", analysis.DEFAULT_SEED_BASE), "base_seed", 0, problems)
    steps = _whole(data.get("steps", 520), "steps", 1, problems)
    burn_in = _whole(data.get("burn_in", 0), "burn_in", 0, problems)
    if steps is not None and burn_in is not None and burn_in >= steps:
        problems.append(f"burn_in = {burn_in} leaves no weeks to summarise: allowed fewer than steps = {steps}")
    outcomes = data.get("outcomes", list(analysis.KEY_OUTCOMES))
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    if not isinstance(outcomes, list | tuple) or not outcomes:
        problems.append(f"outcomes must be a non-empty list of metric names, got {outcomes!r}")
        outcomes = []
    for name in outcomes:
        try:
            analysis.metric_info(str(name))
        except ValueError as error:
            problems.append(f"outcomes: {error}")
    overrides = data.get("overrides", {})
    if not isinstance(overrides, Mapping):
        problems.append(f"overrides must be a table of parameter values, got {overrides!r}")
        overrides = {}
    overrides = _flatten(overrides)
    out = data.get("out")
    if out is not None and not isinstance(out, str | Path):
        problems.append(f"out must be a directory path, got {out!r}")
    design, samples, design_seed, points = _parse_design(data.get("design", "grid"), problems)
    params = _parse_params(data.get("params", {}), design, overrides, problems)
    if design == "points":
        params = _params_from_points(points, overrides, problems)
    elif not data.get("params") and design in DESIGNS:
        problems.append(f"params is empty: a {design} design needs at least one swept parameter")
    if problems:
        raise SweepError(problems)
    return SweepSpec(
        scenarios=tuple(scenarios), params=tuple(params), design=design, samples=samples,
        design_seed=design_seed, points=tuple(points), seeds=seeds, base_seed=base_seed,
        steps=steps, burn_in=burn_in, outcomes=tuple(str(name) for name in outcomes),
        overrides=overrides, out=None if out is None else str(out),
    )


def _hint(word: str, candidates: Sequence[str]) -> str:
    match = close_match(word, list(candidates))
    return f" — did you mean {match!r}?" if match else ""


def _whole(value: Any, name: str, minimum: int, problems: list[str]) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        problems.append(f"{name} = {value!r}: allowed a whole number ≥ {minimum}")
        return None
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _flatten(table: Mapping[str, Any], prefix: str = "", leaf: Callable[[Mapping], bool] | None = None,
             ) -> dict[str, Any]:
    """Nested tables to dotted paths: ``{"policy": {"hvt_share": x}}`` → ``{"policy.hvt_share": x}``.

    TOML writes ``policy.hvt_share = x`` as a nested table; a quoted key stays dotted. Tables
    for which ``leaf`` is true (parameter ranges) are kept whole.
    """
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and not (leaf and leaf(value)):
            flat.update(_flatten(value, f"{path}.", leaf))
        else:
            flat[path] = value
    return flat


def _parse_design(raw: Any, problems: list[str]) -> tuple[str, int | None, int, list[dict[str, Any]]]:
    """The design's kind, sample size, sampler seed and explicit points."""
    if isinstance(raw, str):
        raw = {"kind": raw}
    elif isinstance(raw, pd.DataFrame):
        raw = {"kind": "points", "points": raw.to_dict("records")}
    elif isinstance(raw, list | tuple):
        raw = {"kind": "points", "points": list(raw)}
    if not isinstance(raw, Mapping):
        problems.append(f"design must be a kind ({', '.join(DESIGNS)}) or a table, got {raw!r}")
        return "grid", None, 0, []
    for key in raw:
        if key not in DESIGN_KEYS:
            problems.append(f"design: unknown key {key!r}{_hint(key, DESIGN_KEYS)} "
                            f"(allowed: {', '.join(DESIGN_KEYS)})")
    kind = raw.get("kind", "grid")
    if kind not in DESIGNS:
        problems.append(f"design.kind = {kind!r}{_hint(str(kind), DESIGNS)}: allowed {', '.join(DESIGNS)}")
    seed = _whole(raw.get("seed", 0), "design.seed", 0, problems) or 0
    samples = raw.get("samples")
    if kind in ("lhs", "sobol"):
        if samples is None:
            problems.append(f"design.samples is missing: a {kind} design needs the number of "
                            + ("points" if kind == "lhs" else "base samples N (a power of 2)"))
        elif _whole(samples, "design.samples", 2 if kind == "sobol" else 1, problems) is not None \
                and kind == "sobol" and samples & (samples - 1):
            problems.append(f"design.samples = {samples}: a Sobol design needs a power of 2 "
                            f"(e.g. {2 ** math.floor(math.log2(samples))} or {2 ** math.ceil(math.log2(samples))})")
    elif samples is not None:
        problems.append(f"design.samples = {samples!r}: only lhs and sobol designs take a sample size")
    points_raw = raw.get("points", [])
    if kind != "points" and points_raw:
        problems.append("design.points: only a design of kind 'points' takes explicit points")
    points: list[dict[str, Any]] = []
    if kind == "points":
        if not isinstance(points_raw, list | tuple) or not points_raw:
            problems.append("design.points is empty: a points design needs a list of parameter tables")
        else:
            for index, point in enumerate(points_raw):
                if isinstance(point, Mapping) and point:
                    points.append(_flatten(point))
                else:
                    problems.append(f"design.points[{index}] must be a table of parameter values, got {point!r}")
    return kind, samples, seed, points


def _parse_params(raw: Any, design: str, overrides: Mapping[str, Any],
                  problems: list[str]) -> list[ParamRange]:
    """The swept parameters, each checked for shape here and for name and bounds by the scenarios."""
    if not isinstance(raw, Mapping):
        problems.append(f"params must be a table of parameter ranges, got {raw!r}")
        return []
    if design == "points":
        if raw:
            problems.append("params: a points design takes its parameters from design.points; "
                            "leave params out")
        return []
    ranges = []
    for path, value in _flatten(raw, leaf=lambda table: set(table) <= set(RANGE_KEYS)).items():
        parsed = _parse_range(path, value, design, problems)
        if parsed is None:
            continue
        if path in overrides:
            problems.append(f"params: {path} is both swept and fixed in overrides; keep one")
        ranges.append(parsed)
    return ranges


def _parse_range(path: str, value: Any, design: str, problems: list[str]) -> ParamRange | None:
    """One parameter's range, or ``None`` (with the problem recorded)."""
    where = f"params: {path}"
    if isinstance(value, list | tuple):
        value = {"values": list(value)}
    if not isinstance(value, Mapping):
        problems.append(f"{where} = {value!r} is a single value: put constants in overrides, and "
                        "sweep with {min = …, max = …} or a list of values")
        return None
    unknown = [key for key in value if key not in RANGE_KEYS]
    for key in unknown:
        problems.append(f"{where}: unknown key {key!r}{_hint(key, RANGE_KEYS)} (allowed: {', '.join(RANGE_KEYS)})")
    role = value.get("role", "lever" if path.startswith("policy.") else "uncertainty")
    if role not in ROLES:
        problems.append(f"{where}: role = {role!r}: allowed {' or '.join(ROLES)}")
    spec = SPECS.get(path)
    count = len(problems)
    if "values" in value:
        values = value["values"]
        if set(value) & {"min", "max", "levels"}:
            problems.append(f"{where}: give either values or min/max, not both")
        elif design != "grid":
            problems.append(f"{where}: a {design} design samples a range; give {{min = …, max = …}} "
                            "instead of values")
        elif not isinstance(values, list | tuple) or not values:
            problems.append(f"{where}: values is empty: give at least one value")
        elif len({json.dumps(v) for v in values}) < len(values):
            problems.append(f"{where}: values {list(values)!r} repeat a value")
        if len(problems) > count:
            return None
        return ParamRange(path, role, values=tuple(values))
    low, high, levels = value.get("min"), value.get("max"), value.get("levels")
    if low is None or high is None:
        problems.append(f"{where}: give min and max (or a list of values)")
    elif not (_is_number(low) and _is_number(high)):
        problems.append(f"{where}: min and max must be numbers, got {low!r} and {high!r}")
    elif low >= high:
        problems.append(f"{where}: empty range [{low}, {high}]: min must be less than max")
    if spec is not None and spec.kind not in ("int", "float"):
        problems.append(f"{where} is {spec.kind}: only numbers have a range; list the values "
                        "in a grid design instead")
    if design == "grid" and levels is None:
        problems.append(f"{where}: a grid design needs levels = n (evenly spaced values) or a list of values")
    elif design != "grid" and levels is not None:
        problems.append(f"{where}: levels only applies to grid designs")
    elif levels is not None:
        _whole(levels, f"{where}: levels", 2, problems)
    if len(problems) > count:
        return None
    return ParamRange(path, role, float(low), float(high), levels)


def _params_from_points(points: list[dict[str, Any]], overrides: Mapping[str, Any],
                        problems: list[str]) -> list[ParamRange]:
    """The parameters a points design sets: every point must set the same ones."""
    if not points:
        return []
    names = list(points[0])
    mismatched = [index for index, point in enumerate(points) if set(point) != set(names)]
    problems.extend(f"design.points[{index}] sets {sorted(points[index])}, but the first point sets "
                    f"{sorted(names)}: every point must set the same parameters" for index in mismatched)
    if mismatched:
        return []
    keys = [json.dumps([point.get(name) for name in names], default=str) for point in points]
    if len(set(keys)) < len(keys):
        problems.append("design.points repeats a point: each point must differ")
    problems.extend(f"params: {name} is both swept and fixed in overrides; keep one"
                    for name in names if name in overrides)
    return [ParamRange(name, "lever" if name.startswith("policy.") else "uncertainty",
                       values=tuple(dict.fromkeys(point[name] for point in points)))
            for name in names]


# -- designs -------------------------------------------------------------------------------------
def design_points(spec: SweepSpec) -> pd.DataFrame:
    """The design: one row per point, one column per swept parameter, in sampling order.

    Grid: the full factorial product of every parameter's values. LHS: a scrambled Latin
    hypercube (``scipy.stats.qmc``). Sobol: SALib's Saltelli-type Sobol sample (first and
    total-order indices, ``samples × (parameters + 2)`` points). Samplers are seeded with
    ``design.seed``, so the same spec gives the same points.
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


def _require(module: str, purpose: str) -> Any:
    """Import an optional dependency (the ``sweep`` extra), or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SweepError([f"{purpose} needs {module.split('.')[0]}, which is not installed "
                          f"({INSTALL_EXTRA})"]) from None


def _unit_sample(spec: SweepSpec) -> np.ndarray:
    """LHS or Sobol sample in the unit hypercube (scaled to each range afterwards)."""
    dimensions = len(spec.params)
    assert spec.samples is not None
    if spec.design == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(spec.design_seed)).random(spec.samples)
    sobol = _require("SALib.sample.sobol", "a Sobol design")
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
            "format": FORMAT, "marketsim": _version(), "spec": self.spec.to_dict(),
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
    """
    size = _design_size(spec)
    total = size * len(spec.scenarios) * spec.seeds
    if total > MAX_RUNS:
        raise SweepError([f"the sweep has {total:,} runs ({size:,} points × {len(spec.scenarios)} "
                          f"scenarios × {spec.seeds} seeds), more than {MAX_RUNS:,}: use fewer levels, "
                          "samples or seeds"])
    try:
        scenarios = analysis.load_scenarios(list(spec.scenarios), spec.overrides)
    except ScenarioError as error:
        raise SweepError(error.problems) from None
    _check_ranges(spec, scenarios[0])
    points = design_points(spec)
    seeds = tuple(analysis.seed_list(spec.seeds, spec.base_seed))
    digests = _configure(scenarios, points, spec.steps)
    try:
        analysis.check_worlds([scenario.with_overrides(_point_values(points, 0)) for scenario in scenarios],
                              seeds[0])
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
            identity = json.dumps({"scenario": configured.name, "params": configured.resolved(), "steps": steps,
                                   "version": _version()}, sort_keys=True, default=str)
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


def _version() -> str:
    # Imported here: the package's __init__ may import this module before defining __version__.
    from marketsim import __version__

    return __version__


def _python(values: Mapping[str, Any] | Sequence[Any]) -> Any:
    """numpy scalars to plain Python values (for JSON and for scenario overrides)."""
    def plain(value: Any) -> Any:
        return value.item() if isinstance(value, np.generic) else value

    if isinstance(values, Mapping):
        return {key: plain(value) for key, value in values.items()}
    return [plain(value) for value in values]


# -- running one simulation ----------------------------------------------------------------------
@dataclass(frozen=True)
class RunTask:
    """What a worker needs to run one simulation; picklable, and free of file paths."""

    run_id: str
    scenario: Scenario
    seed: int
    steps: int


@dataclass(frozen=True)
class RunOutcome:
    """One finished simulation: its weekly metrics, or the traceback of the error it raised."""

    run_id: str
    frame: pd.DataFrame | None
    error: str | None
    started: float
    seconds: float
    cpu_seconds: float
    worker: str


def simulate(scenario: Scenario, seed: int, steps: int) -> pd.DataFrame:
    """One run's weekly metrics."""
    return DrugMarketModel(scenario, seed=seed).run(steps).metrics()


def execute_run(task: RunTask) -> RunOutcome:
    """Run one task in whichever process it lands; errors are returned, never raised."""
    started, clock, cpu = time.time(), time.perf_counter(), time.process_time()
    try:
        frame, error = simulate(task.scenario, task.seed, task.steps), None
    except Exception:
        frame, error = None, traceback.format_exc()
    return RunOutcome(task.run_id, frame, error, started, time.perf_counter() - clock,
                      time.process_time() - cpu, f"{socket.gethostname()}:{os.getpid()}")


# -- backends ------------------------------------------------------------------------------------
class Backend(Protocol):
    """Runs tasks somewhere and yields their outcomes as they finish (in any order)."""

    workers: int
    label: str

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]: ...

    def close(self) -> None: ...


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class SerialBackend:
    """Runs every task in this process, one after the other (``workers=1``)."""

    workers = 1
    label = "local, 1 worker"

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Outcomes in task order."""
        return map(execute_run, tasks)

    def close(self) -> None:
        """Nothing to release."""


class ProcessBackend:
    """A local process pool. Workers start from a fork server that has imported marketsim."""

    def __init__(self, workers: int):
        context = analysis.pool_context("marketsim.sweep")
        self.workers = workers
        self.label = f"local, {workers} workers"
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_exit_with_parent)

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Outcomes as they finish, with at most two tasks per worker in flight."""
        return _bounded(lambda task: self.pool.submit(execute_run, task),
                        lambda pending: wait_futures(pending, return_when=FIRST_COMPLETED),
                        tasks, 2 * self.workers)

    def close(self) -> None:
        """Stop the workers; tasks not yet started are cancelled."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent() -> None:
    """In a pool worker: exit as soon as the sweep's process is gone (e.g. killed with SIGKILL).

    Without this, workers of a killed sweep wait forever on their task queue.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class DaskBackend:
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster bound to 127.0.0.1."""

    def __init__(self, scheduler: str | None, workers: int | None, timeout: float):
        self.distributed = distributed = _require("distributed", "the dask backend")
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
        return _bounded(lambda task: self.client.submit(execute_run, task, key=f"marketsim-run-{task.run_id}"),
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


def _bounded(submit: Callable[[RunTask], Any], wait_any: Callable[[set[Any]], Any],
             tasks: Iterable[RunTask], limit: int) -> Iterator[RunOutcome]:
    """Submit tasks keeping at most ``limit`` in flight; yield outcomes as they finish.

    Holding few futures keeps memory flat however long the sweep; unfinished futures are
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
                 timeout: float = 10.0) -> Backend:
    """The backend a sweep asks for; a scheduler address implies Dask."""
    kind = backend or ("dask" if scheduler else "local")
    problems = []
    if kind not in BACKENDS:
        problems.append(f"backend = {kind!r}{_hint(kind, BACKENDS)}: allowed {', '.join(BACKENDS)}")
    if kind == "local" and scheduler:
        problems.append(f"a scheduler ({scheduler}) needs backend 'dask', not 'local'")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        problems.append(f"workers = {workers!r}: allowed a whole number ≥ 1")
    if scheduler and workers is not None:
        problems.append("workers applies to the local pool or a LocalCluster; an existing Dask "
                        "cluster has its own workers")
    if problems:
        raise SweepError(problems)
    if kind == "dask":
        return DaskBackend(scheduler, workers, timeout)
    count = workers or available_cores()
    return SerialBackend() if count == 1 else ProcessBackend(count)


# -- storage -------------------------------------------------------------------------------------
class SweepStore:
    """A sweep's output directory: the spec, the manifest, one file per run, consolidated tables.

    A run is finished when its Parquet file exists and the manifest's last line for it says ok.
    Files appear atomically (temporary file, fsync, rename) and every manifest line is fsynced
    before the next run is recorded, so a sweep killed at any moment resumes without losing or
    repeating a run.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.spec_file = self.root / "spec.json"
        self.manifest = self.root / "manifest.jsonl"
        self.runs = self.root / "runs"
        self.timeseries = self.root / "timeseries.parquet"
        self.summary = self.root / "summary.parquet"

    def run_file(self, run_id: str) -> Path:
        """Where one finished run's weekly metrics are stored."""
        return self.runs / f"{run_id}.parquet"

    def check(self, record: Mapping[str, Any], resume: bool) -> None:
        """Raise unless the directory is new, empty, or (with ``resume``) holds this very sweep.

        Reads only: called before anything is written.
        """
        if self.root.exists() and not self.root.is_dir():
            raise SweepError([f"out = {self.root} is a file, not a directory"])
        if not self.root.exists() or not any(self.root.iterdir()):
            problems = analysis.directory_problems(self.root)
            if problems:
                raise SweepError(problems)
            return
        if not self.spec_file.exists():
            raise SweepError([f"{self.root} is not empty and holds no sweep (no spec.json): "
                              "choose a new or empty directory"])
        if not resume:
            raise SweepError([f"{self.root} already holds a sweep: pass --resume (resume=True) to "
                              "continue it, or choose another directory"])
        stored = self.load_record()
        differing = [key for key in sorted(set(stored) | set(record)) if stored.get(key) != record.get(key)]
        if differing:
            raise SweepError([f"cannot resume into {self.root}: it holds a different sweep (differs in "
                              f"{', '.join(differing)}); use the same spec and marketsim version, or "
                              "choose another directory"])

    def load_record(self) -> dict[str, Any]:
        """The stored ``spec.json``."""
        try:
            return json.loads(self.spec_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SweepError([f"{self.root} holds no sweep (no spec.json)"]) from None

    def create(self, record: Mapping[str, Any]) -> None:
        """Make the directories, write ``spec.json`` and remove temporary files of a killed sweep."""
        self.runs.mkdir(parents=True, exist_ok=True)
        for leftover in itertools.chain(self.root.glob(".*.tmp"), self.runs.glob(".*.tmp")):
            leftover.unlink(missing_ok=True)
        if not self.spec_file.exists():
            _write_atomic(self.spec_file, lambda path: path.write_text(
                json.dumps(record, indent=1) + "\n", encoding="utf-8"))

    def entries(self) -> dict[str, dict[str, Any]]:
        """The manifest's last line for each run id (a line cut short by a kill is skipped)."""
        latest: dict[str, dict[str, Any]] = {}
        if not self.manifest.exists():
            return latest
        with self.manifest.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                latest[entry["run_id"]] = entry
        return latest

    def finished(self) -> set[str]:
        """Ids of the runs whose file exists and whose last manifest line says ok."""
        return {run_id for run_id, entry in self.entries().items()
                if entry["status"] == "ok" and self.run_file(run_id).exists()}

    def open_manifest(self) -> ManifestWriter:
        """An appender for manifest lines."""
        return ManifestWriter(self.manifest)

    def save(self, run: Run, scenario_name: str, outcome: RunOutcome, manifest: ManifestWriter) -> None:
        """Store a finished run: its file first (if it succeeded), then its manifest line."""
        if outcome.frame is not None:
            keys = {"run_id": run.run_id, "scenario": scenario_name, "point": run.point,
                    "replicate": run.replicate, "seed": run.seed}
            frame = outcome.frame
            for position, (name, value) in enumerate(keys.items()):
                frame.insert(position, name, value)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            _write_atomic(self.run_file(run.run_id), lambda path: pq.write_table(table, path))
        manifest.append({
            "run_id": run.run_id, "status": "ok" if outcome.error is None else "failed",
            "scenario": scenario_name, "point": run.point, "replicate": run.replicate, "seed": run.seed,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(outcome.started)) + "Z",
            "seconds": round(outcome.seconds, 4), "cpu_seconds": round(outcome.cpu_seconds, 4),
            "worker": outcome.worker, "error": outcome.error,
        })

    def consolidate(self) -> int:
        """Write ``timeseries.parquet`` and ``summary.parquet`` from the finished runs; return their count.

        Rows follow the plan (point, scenario, replicate), so the tables are identical whatever
        the backend, the number of workers and the order in which runs finished.
        """
        record = self.load_record()
        burn_in = record["spec"]["burn_in"]
        names, parameters = record["scenario_names"], list(record["parameters"])
        finished = self.finished()
        runs = [row for row in record["runs"] if row[0] in finished]
        if not runs:
            return 0
        files = [self.run_file(row[0]) for row in runs]
        schema = pa.unify_schemas([pq.read_schema(path) for path in files], promote_options="permissive")
        rows = []
        with analysis.atomic_path(self.timeseries) as temporary:
            with pq.ParquetWriter(temporary, schema) as writer:
                for (run_id, point, scenario, replicate, seed), path in zip(runs, files, strict=True):
                    table = _conform(pq.read_table(path), schema)
                    writer.write_table(table)
                    weeks = table.drop_columns(["run_id", "point", "replicate"]).to_pandas()
                    means = analysis.summarise_runs(weeks, burn_in).drop(columns=["scenario", "seed"])
                    values = dict(zip(parameters, record["points"][point], strict=True))
                    rows.append({"run_id": run_id, "scenario": names[scenario], "point": point,
                                 "replicate": replicate, "seed": seed, **values,
                                 **means.iloc[0].to_dict()})
            _fsync(temporary)
        _write_atomic(self.summary, lambda path: pd.DataFrame(rows).to_parquet(path, index=False))
        return len(runs)

    def is_consolidated(self) -> bool:
        """Whether the consolidated tables exist and are newer than the manifest."""
        return (self.summary.exists() and self.timeseries.exists() and self.manifest.exists()
                and self.summary.stat().st_mtime_ns >= self.manifest.stat().st_mtime_ns)


class ManifestWriter:
    """Appends manifest lines, each flushed and fsynced before the call returns."""

    def __init__(self, path: Path):
        self.handle = path.open("a", encoding="utf-8")
        if self.handle.tell() > 0:
            with path.open("rb") as reader:
                reader.seek(-1, os.SEEK_END)
                if reader.read(1) != b"\n":  # a line cut short by a kill: end it, readers skip it
                    self.handle.write("\n")

    def append(self, entry: Mapping[str, Any]) -> None:
        """Write one line durably."""
        self.handle.write(json.dumps(entry) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def close(self) -> None:
        """Close the file."""
        self.handle.close()


def _write_atomic(path: Path, write: Callable[[Path], Any]) -> None:
    """Write through a temporary file that is fsynced, then renamed over ``path``."""
    with analysis.atomic_path(path) as temporary:
        write(temporary)
        _fsync(temporary)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A run's table with the sweep's columns and types (missing columns are null).

    Runs can differ in columns (e.g. the production share of each region when
    ``world.regions`` is swept) and a column can be whole numbers in one run and not another.
    """
    columns = [table.column(name).cast(schema.field(name).type) if name in table.column_names
               else pa.nulls(table.num_rows, schema.field(name).type) for name in schema.names]
    return pa.Table.from_arrays(columns, schema=schema)


# -- the sweep -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepResult:
    """What a sweep did. The data are in ``out``: see :class:`SweepStore`."""

    out: Path
    total: int
    ran: int
    skipped: int
    failed: int
    seconds: float
    backend: str

    @property
    def ok(self) -> int:
        """Runs finished without error, including those kept from before a resume."""
        return self.total - self.failed

    def table(self, name: Literal["summary", "timeseries"] = "summary") -> pd.DataFrame:
        """Load a consolidated table."""
        return pd.read_parquet(self.out / f"{name}.parquet")


def sweep(spec: str | Path | SweepSpec | None = None, /, *, scenarios: Sequence[str] | None = None,
          params: Mapping[str, Any] | None = None, design: Any = None, seeds: int | None = None,
          steps: int | None = None, burn_in: int | None = None, base_seed: int | None = None,
          outcomes: Sequence[str] | None = None, overrides: Mapping[str, Any] | None = None,
          out: str | Path | None = None, resume: bool = False, backend: str | None = None,
          scheduler: str | None = None, workers: int | None = None, timeout: float = 10.0,
          progress: analysis.ProgressOption = True) -> SweepResult:
    """Run a parameter sweep and store its data in ``out``; see the module docstring.

    ``spec`` is a TOML file or a :class:`SweepSpec`; otherwise the spec is given by the keyword
    arguments, which take the same values as the file (``params`` maps dotted parameter names to
    ``{"min": …, "max": …}``, ``{"min": …, "max": …, "levels": n}`` or a list of values; ``design``
    is ``"grid"``, ``{"kind": "lhs" | "sobol", "samples": n, "seed": s}`` or a list of points).
    ``backend`` is ``"local"`` (a process pool on ``workers`` cores, all by default) or ``"dask"``
    (``scheduler`` address, or a LocalCluster). ``resume`` continues a sweep in ``out``: finished
    runs are kept, failed and missing ones are run. Bad input raises :class:`SweepError` before
    anything is written.
    """
    given = {"scenarios": scenarios, "params": params, "design": design, "seeds": seeds,
             "steps": steps, "burn_in": burn_in, "base_seed": base_seed, "outcomes": outcomes,
             "overrides": overrides}
    given = {key: value for key, value in given.items() if value is not None}
    if spec is not None and given:
        raise SweepError([f"give either a spec or its fields, not both (got a spec and {', '.join(given)})"])
    if spec is None:
        spec = make_spec(given)
    elif not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    target = out if out is not None else spec.out
    if target is None:
        raise SweepError(["no output directory: give out (or out = \"…\" in the spec)"])
    plan = plan_sweep(spec)
    store = SweepStore(target)
    record = plan.record()
    store.check(record, resume)
    clock = time.perf_counter()
    finished = store.finished()
    todo = [run for run in plan.runs if run.run_id not in finished]
    skipped = len(plan.runs) - len(todo)
    runner = open_backend(backend, workers, scheduler, timeout)
    try:
        store.create(record)
        failed = _execute(plan, todo, store, runner, progress, skipped)
    finally:
        runner.close()
    store.consolidate()
    return SweepResult(store.root, len(plan.runs), len(todo), skipped, failed,
                       time.perf_counter() - clock, runner.label)


def _execute(plan: Plan, todo: Sequence[Run], store: SweepStore, runner: Backend,
             progress: analysis.ProgressOption, skipped: int) -> int:
    """Run ``todo`` on the backend, storing each run as it finishes; return how many failed."""
    by_id = {run.run_id: run for run in todo}
    names = [scenario.name for scenario in plan.scenarios]
    tasks = (RunTask(run.run_id, plan.scenario_at(run), run.seed, plan.spec.steps) for run in todo)
    failed = 0
    manifest = store.open_manifest()
    try:
        with _progress(progress, len(plan.runs), skipped, runner.label) as advance:
            for outcome in runner.imap_unordered(tasks):
                run = by_id[outcome.run_id]
                store.save(run, names[run.scenario], outcome, manifest)
                failed += outcome.error is not None
                advance(failed)
    finally:
        manifest.close()
    return failed


@contextmanager
def _progress(progress: analysis.ProgressOption, total: int, skipped: int,
              label: str) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(failed_so_far)``, to call once per finished run.

    The bar starts at the runs kept from before a resume; its ETA counts only the runs made now.
    """
    if progress is True:
        bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                       TextColumn("[red]{task.fields[failed]}"), TimeElapsedColumn(), TextColumn("ETA"),
                       TimeRemainingColumn(), TextColumn("({task.fields[label]})"),
                       console=Console(stderr=True))
        with bar:
            task = bar.add_task("sweep", total=total, completed=skipped, failed="", label=label)
            yield lambda failed: bar.update(task, advance=1, failed=f"{failed} failed" if failed else "")
    elif callable(progress):
        done = itertools.count(skipped + 1)
        yield lambda _failed: progress(next(done), total)
    else:
        yield lambda _failed: None


# -- summaries -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepSummary:
    """Per-point statistics, sensitivity indices and the files written by :func:`summarize_sweep`."""

    out: Path
    total: int
    ok: int
    failed: int
    points: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: tuple[str, ...]
    files: tuple[Path, ...]

    @property
    def missing(self) -> int:
        """Planned runs that have not run yet (an interrupted sweep)."""
        return self.total - self.ok - self.failed


def summarize_sweep(out: str | Path, level: float = 0.95, figures: bool = True) -> SweepSummary:
    """Summarise a sweep directory and write the summaries beside its data.

    Writes ``points.parquet`` (per scenario, point and outcome: runs, mean, SD and ``level``
    confidence interval over replicates), ``sensitivity.parquet`` (for LHS and Sobol designs),
    ``ema_results.tar.gz`` (experiments and outcomes for the EMA Workbench) and, with
    ``figures``, ``figures/<outcome>.png``: each outcome against each swept parameter with CI bands.
    """
    store = SweepStore(out)
    record = store.load_record()
    if not store.is_consolidated():
        store.consolidate()
    entries = store.entries()
    planned = {row[0] for row in record["runs"]}
    failed = sum(1 for run_id, entry in entries.items() if run_id in planned and entry["status"] == "failed")
    if not store.summary.exists():
        raise SweepError([f"{store.root} has no finished runs to summarise"])
    runs = pd.read_parquet(store.summary)
    outcomes = list(record["spec"]["outcomes"])
    parameters = list(record["parameters"])
    points = point_statistics(runs, parameters, outcomes, level)
    sensitivity, notes = sensitivity_indices(record, runs)
    files = [analysis.write_table(points, store.root / "points.parquet"),
             analysis.write_table(sensitivity, store.root / "sensitivity.parquet"),
             save_ema(store.root)]
    if figures:
        files.extend(plot_outcomes(runs, record, store.root / "figures", level))
    return SweepSummary(store.root, len(planned), len(runs), failed, points, sensitivity,
                        tuple(notes), tuple(files))


def point_statistics(runs: pd.DataFrame, parameters: Sequence[str], outcomes: Sequence[str],
                     level: float = 0.95) -> pd.DataFrame:
    """Per scenario, point and outcome: replicates, mean, SD and t-interval of the run means."""
    rows = []
    for (scenario, point), group in runs.groupby(["scenario", "point"], sort=False):
        values = group.iloc[0][list(parameters)].to_dict()
        for outcome in outcomes:
            data = group[outcome].to_numpy(dtype=float)
            mean, low, high = analysis.mean_ci(data, level)
            sd = float(np.std(data, ddof=1)) if len(data) > 1 else math.nan
            rows.append({"scenario": scenario, "point": point, **values, "outcome": outcome,
                         "runs": len(data), "mean": mean, "sd": sd, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


SENSITIVITY_COLUMNS = ("scenario", "outcome", "parameter", "role", "method", "S1", "S1_conf", "ST", "ST_conf")


def sensitivity_indices(record: Mapping[str, Any], runs: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Sensitivity of each outcome's point mean to the swept parameters, per scenario.

    Sobol designs: Sobol first-order and total indices (SALib ``sobol.analyze``). LHS designs:
    first-order indices by RBD-FAST (SALib ``rbd_fast``), which accepts any sample and estimates
    the same first-order index as Sobol's. Other designs have none. Returns the table and notes on
    what could not be computed.
    """
    spec = record["spec"]
    kind = spec["design"]["kind"]
    if kind not in ("lhs", "sobol"):
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS)), [
            f"no sensitivity indices for a {kind} design: use lhs or sobol"]
    try:
        _require("SALib.analyze", "computing sensitivity indices")
    except SweepError as error:
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS)), error.problems
    parameters = record["parameters"]
    design = np.array(record["points"], dtype=float)
    problem = {"num_vars": len(parameters), "names": list(parameters),
               "bounds": [[spec["params"][name]["min"], spec["params"][name]["max"]] for name in parameters]}
    rows, notes = [], []
    for scenario in record["scenario_names"]:
        means = runs[runs["scenario"] == scenario].groupby("point")[list(spec["outcomes"])].mean()
        means = means.reindex(range(len(design)))
        for outcome in spec["outcomes"]:
            indices, note = _indices(kind, problem, design, means[outcome].to_numpy(dtype=float),
                                     spec["design"]["seed"])
            if note:
                notes.append(f"{scenario} · {outcome}: {note}")
                continue
            rows.extend({"scenario": scenario, "outcome": outcome, "parameter": name,
                         "role": parameters[name], "method": "sobol" if kind == "sobol" else "rbd_fast",
                         **{key: float(indices[key][index]) if key in indices else math.nan
                            for key in SENSITIVITY_COLUMNS[5:]}}
                        for index, name in enumerate(parameters))
    return pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS)), notes


def _indices(kind: str, problem: dict[str, Any], design: np.ndarray, y: np.ndarray,
             seed: int) -> tuple[Mapping[str, Any], str | None]:
    """SALib's indices for one outcome, or a note saying why there are none."""
    from SALib.analyze import rbd_fast, sobol

    if kind == "sobol" and np.isnan(y).any():
        return {}, "some points have no finished run; Sobol indices need every point"
    keep = ~np.isnan(y)
    if np.nanstd(y) == 0:
        return {}, "the outcome does not vary"
    if kind == "sobol":
        with np.errstate(all="ignore"):
            return sobol.analyze(problem, y, calc_second_order=False, seed=seed), None
    if keep.sum() < RBD_FAST_MIN_POINTS:
        return {}, f"RBD-FAST needs at least {RBD_FAST_MIN_POINTS} points with finished runs"
    # SALib's default of 10 harmonics suits thousands of points; on a few dozen its bias
    # correction and bootstrap (on half the points) swamp the indices. One per 50 points, 2 to 10.
    harmonics = min(10, max(2, int(keep.sum()) // 50))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rbd_fast.analyze(problem, design[keep], y[keep], M=harmonics, seed=seed), None


def plot_outcomes(runs: pd.DataFrame, record: Mapping[str, Any], directory: Path,
                  level: float = 0.95) -> list[Path]:
    """One PNG per outcome: a panel per swept parameter, each scenario's mean with a CI band.

    Runs are binned by the parameter (each value of a grid, or quantile bins of a sample),
    so the line is the outcome's mean over the other parameters and the band its ``level``
    t-interval; dots are the design points' means.
    """
    parameters = list(record["parameters"])
    scenarios = list(record["scenario_names"])
    sampled = record["spec"]["design"]["kind"] in ("lhs", "sobol")
    paths = []
    for outcome in record["spec"]["outcomes"]:
        info = analysis.metric_info(outcome)
        columns = min(3, len(parameters))
        rows = math.ceil(len(parameters) / columns)
        figure = Figure(figsize=(4.6 * columns, 3.3 * rows + 0.6), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        for ax, parameter in zip(axes, parameters, strict=False):
            for colour, scenario in enumerate(scenarios):
                subset = runs[runs["scenario"] == scenario]
                if subset.empty or not pd.api.types.is_numeric_dtype(subset[parameter]):
                    continue
                dots = subset.groupby("point")[[parameter, outcome]].mean()
                ax.scatter(dots[parameter], dots[outcome], s=9, alpha=0.35, color=f"C{colour}", linewidth=0)
                band = _binned_band(subset[parameter].astype(float), subset[outcome], level, sampled)
                ax.plot(band["x"], band["mean"], color=f"C{colour}", linewidth=1.5, label=scenario)
                ax.fill_between(band["x"], band["low"], band["high"], color=f"C{colour}", alpha=0.2,
                                linewidth=0)
            spec = SPECS.get(parameter)
            ax.set_xlabel(f"{parameter} ({spec.unit})" if spec and spec.unit else parameter)
            ax.set_ylabel(f"{outcome} ({info.unit})")
            ax.grid(alpha=0.3)
        for ax in axes[len(parameters):]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        figure.suptitle(f"{outcome}: mean over weeks {record['spec']['burn_in'] + 1}–"
                        f"{record['spec']['steps']}, band {level:.0%} CI", fontsize="medium")
        if handles:
            figure.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
                          frameon=False)
        path = directory / f"{outcome}.png"
        _write_atomic(path, lambda target, fig=figure: fig.savefig(target, format="png", dpi=100))
        paths.append(path)
    return paths


def _binned_band(x: pd.Series, y: pd.Series, level: float, sampled: bool) -> pd.DataFrame:
    """Mean and t-interval of ``y`` in bins of ``x``.

    A grid's few values get a bin each; a sample's (or many values) are cut into up to ten
    quantile bins of at least four design points, so that each interval has runs to rest on.
    """
    values = x.nunique()
    if not sampled and values <= MAX_VALUE_BINS:
        keys = x
    else:
        keys = pd.qcut(x, min(MAX_VALUE_BINS // 2, max(2, values // 4)), duplicates="drop")
    rows = []
    for _, group in y.groupby(keys, observed=True):
        mean, low, high = analysis.mean_ci(group, level)
        rows.append({"x": float(x[group.index].mean()), "mean": mean, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["x", "mean", "low", "high"]).sort_values("x")


# -- EMA Workbench export ------------------------------------------------------------------------
def ema_results(out: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The sweep as EMA Workbench ``(experiments, outcomes)``, one row per finished run.

    ``experiments`` has the swept parameters (uncertainties first, then levers), ``seed``, and
    EMA's ``scenario`` (the design point), ``policy`` (the marketsim scenario) and ``model``
    columns; ``outcomes`` maps each outcome to its post-burn-in run means. Ready for scenario
    discovery, e.g. ``ema_workbench.analysis.prim.Prim(experiments, outcomes[name] > threshold)``.
    """
    store = SweepStore(out)
    record = store.load_record()
    if not store.is_consolidated():
        store.consolidate()
    runs = pd.read_parquet(store.summary)
    roles = record["parameters"]
    ordered = [n for n in roles if roles[n] == "uncertainty"] + [n for n in roles if roles[n] == "lever"]
    experiments = runs[ordered].copy()
    experiments["seed"] = runs["seed"].to_numpy()
    experiments["scenario"] = runs["point"].to_numpy()
    experiments["policy"] = runs["scenario"].astype("category")
    experiments["model"] = pd.Categorical(["marketsim"] * len(runs))
    outcomes = {name: runs[name].to_numpy(dtype=float) for name in record["spec"]["outcomes"]}
    return experiments, outcomes


def save_ema(out: str | Path, path: str | Path | None = None) -> Path:
    """Write :func:`ema_results` as a tarball that ``ema_workbench.load_results`` reads.

    The layout is the workbench's own: ``experiments.csv``, one headerless CSV per scalar
    outcome and ``metadata.json`` with the column types and outcome classes.
    """
    experiments, outcomes = ema_results(out)
    target = Path(path) if path is not None else Path(out) / "ema_results.tar.gz"

    def write(temporary: Path) -> None:
        with tarfile.open(temporary, "w:gz") as archive:
            _add_to_tar(archive, "experiments.csv", experiments.to_csv(index=False).encode())
            for name, values in outcomes.items():
                _add_to_tar(archive, f"{name}.csv", pd.DataFrame(values).to_csv(header=False, index=False).encode())
            metadata = {"version": 0.1,
                        "outcomes": [["ScalarOutcome", name, f"{name}.csv"] for name in outcomes],
                        "experiments": {name: str(dtype) for name, dtype in experiments.dtypes.items()}}
            _add_to_tar(archive, "metadata.json", json.dumps(metadata).encode())

    _write_atomic(target, write)
    return target


def _add_to_tar(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    archive.addfile(info, BytesIO(data))


__all__ = [
    "Backend", "Plan", "Run", "SweepError", "SweepResult", "SweepSpec", "SweepStore",
    "SweepSummary", "design_points", "ema_results", "load_spec", "make_spec", "open_backend",
    "plan_sweep", "point_statistics", "save_ema", "sensitivity_indices", "summarize_sweep", "sweep",
]
