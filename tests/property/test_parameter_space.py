"""Property: every set of parameter values inside the declared bounds loads and runs, and the
run keeps its invariants (see invariants.py), on any preset and seed."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from core_defects import harms_the_process, known_defect
from hypothesis import event, given, reject
from hypothesis import strategies as st
from invariants import check_run
from parameter_space import TIED, overrides, presets, seeds, within

import marketsim as ms


@pytest.mark.usefixtures("memory_cap")
@given(preset=presets, values=overrides(), seed=seeds, weeks=st.integers(1, 12))
def test_values_within_bounds_run_and_keep_the_invariants(preset: str, values: dict[str, Any],
                                                          seed: int, weeks: int) -> None:
    avoided = harms_the_process(values)
    if avoided is not None:
        event(f"not run, would take the process's memory: {avoided.name}")
        reject()
    try:
        scenario = within(ms.load_scenario(preset, values), weeks)
    except ms.ScenarioError:
        if not TIED & set(values):
            raise
        event("refused: shares tied by a rule add up to more than 1")
        reject()
    defect = None
    try:
        check_run(scenario, seed, weeks)
    except Exception as error:
        defect = known_defect(error)
        if defect is None:
            raise
    if defect is not None:  # rejected outside the handler, so the failed model is freed now
        event(f"known core defect: {defect.name}")
        reject()


@pytest.mark.usefixtures("memory_cap")
@given(preset=presets, values=overrides(max_size=3), seed=seeds)
def test_a_run_depends_only_on_its_scenario_and_seed(preset: str, values: dict[str, Any], seed: int) -> None:
    if harms_the_process(values) is not None:
        reject()
    first = None
    try:
        scenario = within(ms.load_scenario(preset, values), 3)
        first = ms.run(scenario, seed=seed, steps=3)
    except Exception as error:
        if not (isinstance(error, ms.ScenarioError) and TIED & set(values)) and known_defect(error) is None:
            raise
    if first is None:
        reject()
    pd.testing.assert_frame_equal(first, ms.run(scenario, seed=seed, steps=3))
