"""How the model measures each target, from the runs of its arms.

- A **level** is a metric's mean over the weeks after the burn-in (or over the target's ``weeks``) of
  each run of the city's scenario, averaged over the seeds of a design point.
- An **effect** is a comparison of ``marketsim.validation``: the mean paired difference of the
  alternative from the reference over the point's seeds, relative to the reference's mean (the kingpin
  event study's metrics included).
- A **trajectory** is the relative change of a metric's mean from the ``reference_weeks`` to the
  ``weeks`` of the same run of a staged scenario, averaged over the seeds of a point.

Besides the weekly metrics (``marketsim.METRICS``) a target may name a **derived** measure
(:data:`DERIVED`): rates per resident computed week by week from the metrics, with each run's own
population (its prison population over its prison rate per 100,000).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from marketsim.calibration.targets import Target, Targets
from marketsim.outputs import METRICS
from marketsim.sim.common import WEEKS_PER_YEAR
from marketsim.validation import EVENT_WINDOWS, Arm, Comparison, comparison_result

PER_100K = 100_000


@dataclass(frozen=True)
class Derived:
    """A measure computed week by week from the weekly metrics."""

    name: str
    unit: str
    definition: str
    needs: tuple[str, ...]
    compute: Callable[[pd.DataFrame], pd.Series]


def _residents(weeks: pd.DataFrame) -> pd.Series:
    """Each run's population, week by week: its prison population over its prison rate per 100k."""
    return PER_100K * weeks["prison_population"] / weeks["prison_rate"].where(weeks["prison_rate"] > 0)


DERIVED: dict[str, Derived] = {derived.name: derived for derived in (
    Derived("overdose_rate", "per 100k/year", "Overdose deaths × 52 per 100,000 residents.",
            ("overdose_deaths", "prison_population", "prison_rate"),
            lambda w: WEEKS_PER_YEAR * PER_100K * w["overdose_deaths"] / _residents(w)),
    Derived("prevalence", "share", "People who used in the past year, per resident (all ages).",
            ("users", "prison_population", "prison_rate"), lambda w: w["users"] / _residents(w)),
    Derived("overdose_deaths_per_100_dependent", "per 100 dependent users/year",
            "Overdose deaths × 52 per 100 dependent users not in treatment.", ("overdose_deaths", "dependent_users"),
            lambda w: WEEKS_PER_YEAR * 100 * w["overdose_deaths"] / w["dependent_users"].where(
                w["dependent_users"] > 0)),
)}
"""Measures a target may name besides the weekly metrics."""


def known_metric(name: str, kind: str | None) -> bool:
    """Whether a target of this kind can measure ``name``."""
    return name in metric_choices(kind)


def metric_choices(kind: str | None) -> list[str]:
    """What a target of this kind can measure: every metric, the derived measures and, for effects, the
    kingpin event study's measures."""
    names = [name for name in METRICS if name != "step"] + list(DERIVED)
    return names + list(EVENT_WINDOWS) if kind == "effect" else names


def unit_of(target: Target) -> str:
    """The unit of what a target measures (a relative change for effects and trajectories)."""
    if target.kind != "level":
        return "relative change"
    return DERIVED[target.metric].unit if target.metric in DERIVED else METRICS[target.metric].unit


def columns_needed(targets: Sequence[Target]) -> set[str]:
    """The weekly metrics the targets' measures read."""
    needed = set()
    for target in targets:
        for name in (target.metric, target.reference_metric):
            if name in DERIVED:
                needed |= set(DERIVED[name].needs)
            elif name is not None and name not in EVENT_WINDOWS:
                needed.add(name)
    return needed


def with_derived(weeks: pd.DataFrame) -> pd.DataFrame:
    """The weekly table with every derived measure whose metrics it has."""
    added = {name: derived.compute(weeks) for name, derived in DERIVED.items()
             if set(derived.needs) <= set(weeks.columns)}
    return weeks.assign(**added) if added else weeks


def measure(targets: Targets, arm_of: Callable[[str], Arm], weeks: Mapping[str, pd.DataFrame],
            events: Mapping[int, Mapping[tuple[str, int], pd.DataFrame]], points: int) -> pd.DataFrame:
    """Every target at every design point.

    Args:
        targets: the targets.
        arm_of: the arm that runs a scenario a target names.
        weeks: each arm's runs by arm label, week by week, labelled by ``point`` and ``seed``.
        events: by point, the event-study tables of the event-study arms by ``(arm label, seed)``.
        points: the number of design points.

    Returns:
        One row per point, one column per target (NaN where a run is missing or the measure undefined).
    """
    settings = targets.settings
    frames = {label: with_derived(frame) for label, frame in weeks.items()}
    values = {}
    for target in targets.targets:
        if target.kind == "level":
            values[target.name] = _window_mean(frames.get(arm_of(target.scenario).label), target.metric,
                                               target.weeks or (settings.burn_in + 1, settings.steps))
        elif target.kind == "trajectory":
            frame = frames.get(arm_of(target.scenario).label)
            after = _window_mean(frame, target.metric, target.weeks, by_seed=True)
            before = _window_mean(frame, target.metric, target.reference_weeks, by_seed=True)
            values[target.name] = (after / before.where(before != 0) - 1).groupby(level="point").mean()
        else:
            values[target.name] = _effect(target, arm_of, frames, events, settings.burn_in, points)
    table = pd.DataFrame(values).reindex(range(points))
    table.index.name = "point"
    return table


def _window_mean(frame: pd.DataFrame | None, metric: str, weeks: tuple[int, int] | None,
                 by_seed: bool = False) -> pd.Series:
    """The metric's mean over the weeks of each run (by point and seed), or its mean over a point's seeds."""
    if frame is None or frame.empty or metric not in frame:
        return pd.Series(dtype=float)
    assert weeks is not None
    kept = frame[(frame["step"] >= weeks[0]) & (frame["step"] <= weeks[1])]
    runs = kept.groupby(["point", "seed"])[metric].mean()
    return runs if by_seed else runs.groupby(level="point").mean()


def _effect(target: Target, arm_of: Callable[[str], Arm], frames: Mapping[str, pd.DataFrame],
            events: Mapping[int, Mapping[tuple[str, int], pd.DataFrame]], burn_in: int, points: int) -> pd.Series:
    """The comparison's relative change at each point, as ``marketsim.validation`` measures it."""
    comparison = Comparison(target.metric, arm_of(target.reference), arm_of(target.alternative), "higher",
                            from_week=target.from_week, reference_metric=target.reference_metric)
    start = comparison.from_week - 1 if comparison.from_week else burn_in
    summaries = []
    if target.metric not in EVENT_WINDOWS:
        for arm in (comparison.reference, comparison.alternative):
            frame = frames.get(arm.label)
            if frame is None or frame.empty:
                return pd.Series(dtype=float)
            kept = frame[frame["step"] > start].drop(columns=[c for c in ("step", "run_id", "scenario", "replicate")
                                                              if c in frame])
            means = kept.groupby(["point", "seed"]).mean(numeric_only=True).reset_index()
            summaries.append(means.assign(arm=arm.label))
    table = pd.concat(summaries).set_index(["point", "arm", "seed"]).sort_index() if summaries else None
    values = {}
    for point in range(points):
        try:
            summary = {start: table.xs(point, level="point")} if table is not None else {}
            result = comparison_result(comparison, summary, events.get(point, {}), burn_in)
        except KeyError:
            continue  # a run of this point is missing (failed or not yet run)
        if len(result.differences) and not np.isnan(result.differences).any():
            values[point] = result.relative[0]
    return pd.Series(values, dtype=float)
