"""Every crash reproduction of issue #17 and of the fuzzing runs, as a regular regression test.

Those whose cause is in the simulation core (core_defects.py) are strict xfails until the core
is fixed; the rest pass.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from core_defects import CORE_DEFECTS, CoreDefect
from invariants import check_run

import marketsim as ms
from marketsim.world import generate_world, load_world, save_world


@pytest.mark.usefixtures("memory_cap")
@pytest.mark.parametrize("defect", [
    pytest.param(defect, id=defect.name, marks=pytest.mark.xfail(strict=True, reason=defect.cause))
    for defect in CORE_DEFECTS
])
def test_core_defect_is_fixed(defect: CoreDefect) -> None:
    check_run(ms.load_scenario(defect.preset, defect.overrides), defect.seed, defect.weeks)


def test_a_hundred_times_the_leader_capture_rate_runs_eighty_weeks() -> None:
    check_run(ms.load_scenario("baseline", {"police.hvt_rate": 0.05}), seed=1, weeks=80)


def _world_with_town_population(population: int) -> nx.Graph:
    world = generate_world(ms.load_scenario("baseline").params.world, np.random.default_rng(1))
    for _, data in world.nodes(data=True):
        if data["kind"] == "transit":
            data["population"] = population
    return world


def test_a_world_with_an_empty_town_is_refused_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "empty_town.graphml"
    save_world(_world_with_town_population(0), path)
    with pytest.raises(ms.ScenarioError, match=r"\(transit\): attribute 'population' = 0; allowed a number from 1"):
        load_world(path)


def test_a_world_whose_towns_have_one_resident_runs(tmp_path: Path) -> None:
    path = tmp_path / "tiny_towns.json"
    save_world(_world_with_town_population(1), path)
    check_run(ms.load_scenario("baseline", {"world.file": str(path)}), seed=1, weeks=30)
