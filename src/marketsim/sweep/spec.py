"""The sweep spec: what to run, read from TOML or given as data, and validated in full.

In the EMA Workbench's XLRM vocabulary the swept parameters are *uncertainties* or *levers*
(each parameter's declared role, ``marketsim params``, unless the spec says otherwise; the weeks and
values of a scenario's schedule and events are levers), the spec's ``overrides``
are *constants*, and the metrics summarised are *outcomes*. Every problem with a spec is
reported at once, as a :class:`SweepError`, before anything runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from marketsim import analysis
from marketsim.config.errors import ScenarioError, did_you_mean, shown
from marketsim.config.files import read_toml
from marketsim.config.params import SPECS
from marketsim.config.timeline import TIMELINE_PATH, WHOLE_FIELDS
from marketsim.runs import BURN_IN, DEFAULT_SEED_BASE, MAX_SEED, burn_in_problems, whole_number_problems
from marketsim.sweep.errors import SweepError

DESIGNS = ("grid", "lhs", "sobol", "points")
SPEC_KEYS = ("scenarios", "params", "design", "seeds", "base_seed", "steps", "burn_in",
             "outcomes", "overrides", "out")
DESIGN_KEYS = ("kind", "samples", "seed", "points")
RANGE_KEYS = ("min", "max", "levels", "values", "role")
ROLES = ("uncertainty", "lever")
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
        """Whether the parameter takes whole numbers (sampled values are then rounded down): an
        integer parameter, or a week or size of the scenario's timeline (``schedule.0.week``)."""
        spec = SPECS.get(self.path)
        if spec is None:
            found = TIMELINE_PATH.fullmatch(self.path)
            return found is not None and found.group(3) in WHOLE_FIELDS
        return spec.kind == "int"

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
    """Read and validate a TOML sweep spec (`marketsim sweep init` writes a commented example).

    Args:
        path: the spec file.

    Returns:
        The validated spec.

    Raises:
        SweepError: a missing or malformed file, or every problem with its content at once.
    """
    try:
        data = read_toml(path, "sweep spec")
    except ScenarioError as error:
        raise SweepError(error.problems) from None
    return make_spec(data)


def make_spec(data: Mapping[str, Any]) -> SweepSpec:
    """Validate a spec given as data (the parsed TOML, or the keyword arguments of ``run_sweep``).

    Args:
        data: the spec's keys (as in a spec file): ``scenarios``, ``params``, ``design``, ``seeds``,
            ``base_seed``, ``steps``, ``burn_in`` (default ``marketsim.runs.BURN_IN``), ``outcomes``,
            ``overrides`` and ``out``.

    Returns:
        The validated spec.

    Raises:
        SweepError: every problem found, each naming the key, the value and what is allowed.
    """
    problems: list[str] = []
    for key in data:
        if key not in SPEC_KEYS:
            problems.append(f"unknown key {key!r}{did_you_mean(key, SPEC_KEYS)} (allowed: {', '.join(SPEC_KEYS)})")
    scenarios = data.get("scenarios", ["baseline"])
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    if not isinstance(scenarios, list | tuple) or not all(isinstance(s, str) for s in scenarios):
        problems.append(f"scenarios must be a list of scenario names or paths, got {scenarios!r}")
        scenarios = []
    elif not scenarios:
        problems.append("scenarios is empty: name at least one scenario")
    seeds = _whole(data.get("seeds", 10), "seeds", 1, problems)
    base_seed = _whole(data.get("base_seed", DEFAULT_SEED_BASE), "base_seed", 0, problems)
    steps = _whole(data.get("steps", 520), "steps", 1, problems)
    burn_in = _whole(data.get("burn_in", BURN_IN), "burn_in", 0, problems)
    if steps is not None and burn_in is not None:
        problems.extend(burn_in_problems(burn_in, steps))
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
    elif not data.get("params") and design in ("lhs", "sobol"):
        problems.append(f"params is empty: a {design} design samples at least one swept parameter "
                        "(a grid without params is one point: the scenarios as they are)")
    if problems:
        raise SweepError(problems)
    return SweepSpec(
        scenarios=tuple(scenarios), params=tuple(params), design=design, samples=samples,
        design_seed=design_seed, points=tuple(points), seeds=seeds, base_seed=base_seed,
        steps=steps, burn_in=burn_in, outcomes=tuple(str(name) for name in outcomes),
        overrides=overrides, out=None if out is None else str(out),
    )


def _whole(value: Any, name: str, minimum: int, problems: list[str]) -> Any:
    """``value`` if it is a whole number from ``minimum`` to 2**63 - 1, else None (with the problem)."""
    found = whole_number_problems(value, name, minimum, MAX_SEED)
    problems.extend(found)
    return None if found else value


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool): 1e400 in TOML reads as infinity, and a whole number
    too large for a float is no range bound either."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


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
            problems.append(f"design: unknown key {key!r}{did_you_mean(key, DESIGN_KEYS)} "
                            f"(allowed: {', '.join(DESIGN_KEYS)})")
    kind = raw.get("kind", "grid")
    if kind not in DESIGNS:
        problems.append(f"design.kind = {kind!r}{did_you_mean(str(kind), DESIGNS)}: allowed {', '.join(DESIGNS)}")
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


def default_role(path: str) -> Literal["uncertainty", "lever"]:
    """The role of a swept path the spec gives none: a declared lever or a timeline entry (the week or
    value of a scheduled change or event) is a lever; any other parameter, fixed ones included, is
    explored as an uncertainty."""
    spec = SPECS.get(path)
    lever = spec.role == "lever" if spec is not None else path.startswith(("schedule.", "event."))
    return "lever" if lever else "uncertainty"


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
        problems.append(f"{where}: unknown key {key!r}{did_you_mean(key, RANGE_KEYS)} "
                        f"(allowed: {', '.join(RANGE_KEYS)})")
    role = value.get("role", default_role(path))
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
        problems.append(f"{where}: min and max must be finite numbers, got {shown(low)} and {shown(high)}")
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
    return [ParamRange(name, default_role(name),
                       values=tuple(dict.fromkeys(point[name] for point in points)))
            for name in names]
