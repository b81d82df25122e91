"""Hypothesis strategies over the declared parameter space: every value a parameter's
declaration allows (bounds included), one to several parameters at once, on any preset."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import marketsim as ms
from marketsim.config.params import BUDGET_SHARES, SPECS, ParamSpec
from marketsim.config.scenario import preset_names

TIED = frozenset({f"policy.{name}" for name in BUDGET_SHARES}
                 | {"retail.open_air_share", "retail.indoor_share", "retail.online_share"}
                 | {f"justice.initial_{name}" for name in ("users", "dealers", "traffickers", "violent")}
                 | {"world.segment_capacity", "world.segment_capacity_spread"})
"""Parameters bound by rules that tie several together (shares whose sum is at most 1, a spread
below its mean): a set of values each inside its bounds may still be refused, with a clear error."""


def choices_of(spec: ParamSpec) -> tuple[str, ...]:
    """The values a text parameter declares (none for free text such as a world file's path)."""
    return spec.choices or ()


def value_of(spec: ParamSpec) -> st.SearchStrategy[Any]:
    """Any value the parameter's declaration allows, its bounds included."""
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "str":
        return st.sampled_from(choices_of(spec))
    if spec.kind == "int":
        low = None if spec.minimum is None else int(spec.minimum) + spec.exclusive_minimum
        high = None if spec.maximum is None else int(spec.maximum)
        return st.integers(low, high)
    return st.floats(spec.minimum, spec.maximum, exclude_min=spec.exclusive_minimum,
                     allow_nan=False, allow_infinity=False)


FUZZED: tuple[str, ...] = tuple(path for path, spec in SPECS.items()
                                if spec.kind in ("bool", "int", "float") or choices_of(spec))
"""Every parameter with a declared space of values (free-text paths and the place tables of
``policy.targets``, which name places of a world, are tested on their own)."""


@st.composite
def overrides(draw: st.DrawFn, max_size: int = 6) -> dict[str, Any]:
    """One to ``max_size`` parameters, each set to a value inside its bounds."""
    paths = draw(st.lists(st.sampled_from(FUZZED), min_size=1, max_size=max_size, unique=True))
    return {path: draw(value_of(SPECS[path])) for path in paths}


presets = st.sampled_from(preset_names())
seeds = st.integers(0, 2**32 - 1)


def within(scenario: ms.Scenario, weeks: int) -> ms.Scenario:
    """The scenario with its scheduled changes and events moved into a run of ``weeks`` weeks
    (a preset's week-130 seizure happens in the last week of a 12-week run), so short fuzzed runs
    exercise the timeline instead of being refused for naming weeks after their end."""
    moved: dict[str, int] = {}
    for index, change in enumerate(scenario.timeline.schedule):
        week = min(change.week, weeks)
        moved[f"schedule.{index}.week"] = week
        if change.until is not None:
            moved[f"schedule.{index}.until"] = max(min(change.until, weeks), week)
    for index, shock in enumerate(scenario.timeline.events):
        moved[f"event.{index}.week"] = min(shock.week, weeks)
    return scenario.with_overrides(moved) if moved else scenario
