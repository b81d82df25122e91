"""Property: every set of parameter values inside the declared bounds loads and runs, and the
run keeps its invariants (see invariants.py) week after week, on any preset and seed, for a few
weeks or for three to five years."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from campaign import CAMPAIGN
from core_defects import listed_defect
from hypothesis import example, given, reject
from hypothesis import strategies as st
from invariants import check_run
from parameter_space import TIED, overrides, presets, seeds, within

import marketsim as ms

pytestmark = pytest.mark.filterwarnings("error:invalid value encountered in cast:RuntimeWarning")
"""A NaN or infinity cast to a whole number is a wrong number that no check downstream can see."""

INVARIANTS = "invariants"
DETERMINISM = "determinism"

run_lengths = st.one_of(st.integers(1, 12), st.integers(156, 260))
"""A few weeks (the start, the timeline moved into them) or three to five years (where markets
empty, organisations die out and stocks are sold to the last gram)."""


def scenario_or_reject(prop: str, preset: str, values: dict[str, Any], weeks: int) -> ms.Scenario:
    """The scenario; an example in a listed core defect's region, or refused by a rule tying
    parameters together, is counted and rejected. Any other refusal fails the property."""
    defect = listed_defect(preset, values)
    if defect is not None:
        CAMPAIGN.set_aside(prop, f"not run: listed core defect ({defect.name})")
        reject()
    try:
        return within(ms.load_scenario(preset, values), weeks)
    except ms.ScenarioError:
        if not TIED & set(values):
            raise
    CAMPAIGN.set_aside(prop, "refused: parameters tied by a rule do not fit together")
    reject()


@pytest.mark.usefixtures("memory_cap")
@given(preset=presets, values=overrides(), seed=seeds, weeks=run_lengths)
# the reproductions of issue #25, run in every profile
@example(preset="baseline", values={"demand.treatment_seeking": 1.0, "demand.treatment_weeks": 520.0},
         seed=1, weeks=4)
@example(preset="baseline", values={"production.yield_kg_per_ha_year": 1e-30}, seed=2, weeks=52)
@example(preset="baseline", values={"production.yield_kg_per_ha_year": 5e-324}, seed=2, weeks=156)
@example(preset="militarised_crackdown", values={"police.officer_week_cost": 1.0, "police.budget": 1e9},
         seed=1, weeks=156)
def test_values_within_bounds_run_and_keep_the_invariants(preset: str, values: dict[str, Any],
                                                          seed: int, weeks: int) -> None:
    scenario = scenario_or_reject(INVARIANTS, preset, values, weeks)
    try:
        check_run(scenario, seed, weeks)
    except BaseException as error:
        CAMPAIGN.failed(INVARIANTS, error, {"preset": preset, "values": values, "seed": seed, "weeks": weeks})
        raise
    CAMPAIGN.ran(INVARIANTS, weeks)


@pytest.mark.usefixtures("memory_cap")
@given(preset=presets, values=overrides(max_size=3), seed=seeds)
def test_a_run_depends_only_on_its_scenario_and_seed(preset: str, values: dict[str, Any], seed: int) -> None:
    weeks = 3
    scenario = scenario_or_reject(DETERMINISM, preset, values, weeks)
    try:
        pd.testing.assert_frame_equal(ms.run(scenario, seed=seed, steps=weeks),
                                      ms.run(scenario, seed=seed, steps=weeks))
    except BaseException as error:
        CAMPAIGN.failed(DETERMINISM, error, {"preset": preset, "values": values, "seed": seed})
        raise
    CAMPAIGN.ran(DETERMINISM, weeks)
