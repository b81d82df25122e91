"""The police budget rule (marketsim.config.budget): a share a layer sets is kept; it takes from
reactive policing first, then from the other shares pro rata; only shares set together can be
infeasible, and that is said before any run — in scenario files, Mesa's batch_run and sweeps."""

from __future__ import annotations

import mesa
import pandas as pd
import pytest

import marketsim as ms
from marketsim.config.params import BUDGET_SHARES, SPECS
from marketsim.config.scenario import preset_names
from marketsim.model import DrugMarketModel

SMALL = {"world__producers": 600, "world__neighbourhoods": 12, "world__neighbourhood_population": 50_000}


def shares(scenario: ms.Scenario) -> dict[str, float]:
    return {name: getattr(scenario.params.policy, name) for name in BUDGET_SHARES}


def reactive(scenario: ms.Scenario) -> float:
    return 1 - sum(shares(scenario).values())


@pytest.mark.parametrize("preset", preset_names())
@pytest.mark.parametrize("name", BUDGET_SHARES)
def test_any_single_share_inside_its_bounds_is_a_valid_scenario(preset: str, name: str) -> None:
    spec = SPECS[f"policy.{name}"]
    for value in (spec.minimum, 0.5, spec.maximum):
        scenario = ms.load_scenario(preset, {f"policy.{name}": value})
        assert getattr(scenario.params.policy, name) == value
        assert reactive(scenario) >= -1e-9


def test_a_share_takes_from_reactive_policing_first_then_from_the_others_pro_rata() -> None:
    base = ms.load_scenario("baseline")
    room = reactive(base)
    assert room == pytest.approx(0.15)
    before = shares(base)
    # within what reactive policing has: the other shares are untouched
    small = ms.load_scenario("baseline", {"policy.hvt_share": before["hvt_share"] + room})
    assert {k: v for k, v in shares(small).items() if k != "hvt_share"} == \
           {k: v for k, v in before.items() if k != "hvt_share"}
    assert reactive(small) == pytest.approx(0) and small.notes == ()
    # beyond it: reactive policing gets none and the others keep their proportions
    big = ms.load_scenario("baseline", {"policy.hvt_share": 0.4})
    after = shares(big)
    assert after["hvt_share"] == 0.4 and reactive(big) == pytest.approx(0)
    others = [k for k in BUDGET_SHARES if k != "hvt_share"]
    factor = 0.6 / sum(before[k] for k in others)
    assert factor == pytest.approx(0.75)
    for k in others:
        assert after[k] == pytest.approx(before[k] * factor)
    (note,) = big.notes
    assert note.startswith("budget: policy.hvt_share takes 0.4 of the police budget; reactive policing gets none "
                           "and the other activities are scaled by 0.75 (street_share 0.3 → 0.225,")


def test_the_latest_layer_wins_over_a_preset_that_sets_shares() -> None:
    kingpin = ms.load_scenario("kingpin", {"policy.street_share": 0.9})
    assert kingpin.params.policy.street_share == 0.9
    assert sum(shares(kingpin).values()) == pytest.approx(1)
    # the preset's own choice is what gives way, pro rata with the rest
    preset = shares(ms.load_scenario("kingpin"))
    assert kingpin.params.policy.hvt_share / kingpin.params.policy.interdiction_share == pytest.approx(
        preset["hvt_share"] / preset["interdiction_share"])


def test_scenarios_whose_shares_fit_are_unchanged() -> None:
    for preset in ms.list_scenarios():
        assert preset.notes == ()
        assert reactive(preset) > 0
    assert ms.load_scenario("baseline", {"policy.hvt_share": 0.1}).params.policy.street_share == 0.3


def test_a_file_extending_a_preset_is_a_layer_of_its_own(tmp_path) -> None:
    path = tmp_path / "leaders.toml"
    path.write_text('extends = "kingpin"\n[policy]\nhvt_share = 0.8\n', encoding="utf-8")
    scenario = ms.load_scenario(path)
    assert scenario.params.policy.hvt_share == 0.8
    assert sum(shares(scenario).values()) == pytest.approx(1) and len(scenario.notes) == 1


def test_mesa_batch_run_sweeps_one_share_over_values_that_overspent_before() -> None:
    rows = mesa.batch_run(DrugMarketModel, {"policy__hvt_share": [0.1, 0.4], "seed": [3], **SMALL},
                          iterations=1, max_steps=2, display_progress=False)
    table = pd.DataFrame(rows)
    assert sorted(table["policy__hvt_share"]) == [0.1, 0.4]


def test_batch_parameters_names_every_infeasible_combination_before_any_run() -> None:
    given = {"policy__hvt_share": (0.2, 0.6), "policy__street_share": [0.3, 0.5], "scenario": "baseline"}
    with pytest.raises(ms.ScenarioError) as caught:
        ms.batch_parameters(given)
    (problem,) = caught.value.problems
    assert problem.startswith("combination 4 of 4 (policy__hvt_share=0.6, policy__street_share=0.5): policy budget "
                              "shares set together add up to 1.1, more than the whole budget")
    fine = {"policy__hvt_share": (0.2, 0.9), "scenario": ["baseline", "kingpin"]}
    assert ms.batch_parameters(fine) == {"policy__hvt_share": [0.2, 0.9], "scenario": ["baseline", "kingpin"]}
    with pytest.raises(ms.ScenarioError, match="unknown keyword hvt_share"):
        ms.batch_parameters({"hvt_share": [0.1]})
