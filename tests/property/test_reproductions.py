"""Every crash reproduction of issues #17 and #25 and of the fuzzing runs, as a regular regression test.

Those whose cause is in the simulation core and still open (core_defects.py) are strict xfails
until the core is fixed; the rest pass.
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

pytestmark = pytest.mark.filterwarnings("error:invalid value encountered in cast:RuntimeWarning")
"""As in the property suite: a NaN or infinity cast to a whole number is a wrong number."""


@pytest.mark.usefixtures("memory_cap")
@pytest.mark.parametrize("defect", [
    pytest.param(defect, id=defect.name, marks=pytest.mark.xfail(strict=True, reason=defect.cause))
    for defect in CORE_DEFECTS
])
def test_core_defect_is_fixed(defect: CoreDefect) -> None:
    check_run(ms.load_scenario(defect.preset, defect.overrides), defect.seed, defect.weeks)


@pytest.mark.parametrize("defect", CORE_DEFECTS, ids=lambda defect: defect.name)
def test_a_listed_defect_covers_its_own_reproduction(defect: CoreDefect) -> None:
    assert defect.covers_its_reproduction()


HUGE_FORCE = {"police.eradication_rate": 0.0, "police.street_arrest_rate": 1.0, "police.clearance_rate": 0.0,
              "world.regions": 2}
"""The last campaign's listed defects: a police force 330 times the default (on alternatives to
incarceration) left a dealer's stock a hair below 0, sold and seized as negative kilograms, and
the negative sales made the dispute rate NaN."""


@pytest.mark.usefixtures("memory_cap")
@pytest.mark.parametrize(("preset", "overrides", "seed", "weeks"), [
    pytest.param("baseline", {"demand.treatment_seeking": 1.0, "demand.treatment_weeks": 520.0}, 1, 156,
                 id="everyone seeks ten-year treatment: more in treatment than live there"),
    pytest.param("baseline", {"production.yield_kg_per_ha_year": 1e-30}, 2, 52,
                 id="a tiny yield, seed 2: the dispute rate was NaN"),
    pytest.param("baseline", {"production.yield_kg_per_ha_year": 1e-30}, 3, 52,
                 id="a tiny yield, seed 3: the dispute rate was NaN"),
    pytest.param("baseline", {"production.yield_kg_per_ha_year": 5e-324}, 2, 156,
                 id="the smallest yield: a negative retail price and negative seizures"),
    pytest.param("alternatives_to_incarceration", {**HUGE_FORCE, "policy.decriminalise_possession": False,
                                                   "police.budget": 498032432.0}, 63, 52,
                 id="a force 330 times the default: the dispute rate overflowed"),
    pytest.param("alternatives_to_incarceration", {**HUGE_FORCE, "policy.user_diversion": 0.0,
                                                   "police.budget": 498032272.0}, 3, 52,
                 id="a force 330 times the default: a stock seized at minus 1e-17 kg"),
    pytest.param("anti_corruption", {"violence.vigilantism": 0.0, "violence.extortion_take": 20_000,
                                     "justice.initial_prison_rate": 0.0, "retail.dealers_per_1000_users": 615.76},
                 94670613, 156, id="the largest extortion take the bounds allow: at 2,000 times the default a week "
                                   "took 72 s"),
    pytest.param("militarised_crackdown", {"police.officer_week_cost": 1.0, "police.budget": 1e9}, 1, 156,
                 id="the largest force the bounds allow: one confrontation at a time took 22 s and 1.4 GB a week"),
])
def test_the_stocks_sold_to_the_last_gram_and_huge_forces_run(preset: str, overrides: dict, seed: int,
                                                              weeks: int) -> None:
    check_run(ms.load_scenario(preset, overrides), seed=seed, weeks=weeks)


def test_a_hundred_times_the_leader_capture_rate_runs_eighty_weeks() -> None:
    check_run(ms.load_scenario("baseline", {"police.hvt_rate": 0.05}), seed=1, weeks=80)


@pytest.mark.parametrize(("preset", "overrides", "seed", "weeks"), [
    pytest.param("baseline", {"police.budget": 66732090.0}, 0, 26, id="dealers of a dissolved organisation"),
    pytest.param("alternatives_to_incarceration", {"demand.shortage_initiation": 0.0, "policy.interdiction_share": 0.0,
                 "police.budget": 904906811.0, "world.regions": 2}, 0, 4, id="no organisation left"),
    pytest.param("baseline", {"policy.legal_share": 1.0}, 1, 2, id="nothing illicit sold: prices declared missing"),
    pytest.param("collusion", {"police.officer_week_cost": 1.0}, 3, 4, id="a huge police force"),
])
def test_markets_without_organisations_sales_or_limits_run(preset: str, overrides: dict, seed: int, weeks: int) -> None:
    check_run(ms.load_scenario(preset, overrides), seed=seed, weeks=weeks)


@pytest.mark.parametrize(("path", "value", "allowed"), [
    ("trafficking.soldier_wage", 0, "≥ 50 "),
    ("production.max_drug_share", 0.0, "≥ 0.01 "),
    ("trafficking.lot_kg", 5e-324, "≥ 0.1 "),
    ("production.farm_price", 5e-324, "≥ 1 "),
    ("police.officer_week_cost", 5e-324, "≥ 1 "),
    ("justice.sentence_shape", 5e-324, "≥ 0.1 "),
    ("justice.sentence_trafficker", 5e-324, "≥ 1 "),
    ("demand.treatment_weeks", 5e-324, "≥ 1 "),
    ("violence.reference_sales", 5e-324, "≥ 1 "),
    ("retail.purity", 5e-324, "≥ 0.01 "),
    ("production.regrowth_weeks", 5e-324, "≥ 1 "),
    ("world.land_per_producer_ha", 5e-324, "≥ 0.01 "),
    ("production.initial_share_concentration", 5e-324, "≥ 0.1 "),
    ("trafficking.revenue_memory", 0.25, "≥ 1 "),
    ("violence.vigilante_lethality", 2.0, "≥ 0 and ≤ 1$"),
])
def test_values_that_broke_the_core_are_refused_naming_the_bound(path: str, value: float, allowed: str) -> None:
    with pytest.raises(ms.ScenarioError, match=rf"{path} = .*out of range: allowed a number {allowed}"):
        ms.load_scenario("baseline", {path: value})


@pytest.mark.parametrize("overrides", [
    {"trafficking.soldier_wage": 50}, {"production.max_drug_share": 0.01}, {"trafficking.lot_kg": 0.1},
    {"production.farm_price": 1}, {"demand.treatment_weeks": 1}, {"police.officer_week_cost": 1},
    {"justice.sentence_shape": 0.1},
    {"violence.reference_sales": 1}, {"violence.reference_value": 1}, {"production.regrowth_weeks": 1},
    {"justice.sentence_trafficker": 1, "justice.sentence_user": 1, "policy.sentence_multiplier": 0.1},
    {"world.land_per_producer_ha": 0.01, "world.routes": 2}, {"production.initial_share_concentration": 0.1},
    {"trafficking.revenue_memory": 1.0, "trafficking.flow_memory": 0.0, "trafficking.congestion_exponent": 0.0},
    {"world.regions": 2, "violence.vigilante_trust": 0.0, "violence.vigilante_lethality": 1.0},
], ids=lambda overrides: ",".join(overrides))
@pytest.mark.parametrize("preset", ["baseline", "alternatives_to_incarceration"])
def test_the_new_bounds_run_a_year(preset: str, overrides: dict) -> None:
    check_run(ms.load_scenario(preset, overrides), seed=0, weeks=52)


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
