"""Scenario loading and validation: the exact messages users see, and every preset.

Messages name the file, the field, the value and what is allowed, and suggest a close
match for typos; every problem in a file is reported at once.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import marketsim as ms
from marketsim.config.params import BUDGET_SHARES, GROUPS, SPECS
from marketsim.config.scenario import parse_assignment, preset_names

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(scenario: str | Path, overrides: dict | None = None) -> list[str]:
    with pytest.raises(ms.ScenarioError) as caught:
        ms.load_scenario(scenario, overrides)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def whole_number_range(path: str) -> str:
    """How messages state an int parameter's range, from its current bounds (being calibrated)."""
    spec = SPECS[path]
    return f"a whole number ≥ {spec.minimum:g} and ≤ {spec.maximum:g}"


# -- scenario files ----------------------------------------------------------------------------
def test_unknown_parameter_suggests_a_close_match(tmp_path: Path) -> None:
    path = write(tmp_path / "typo.toml", "[policy]\nhvt_shar = 0.3\n")
    assert problems_of(path) == ["typo.toml: unknown parameter policy.hvt_shar — did you mean policy.hvt_share?"]


def test_unknown_parameter_without_a_close_match_has_no_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.toml", "[policy]\nzzzzzz = 1\n")
    assert problems_of(path) == ["odd.toml: unknown parameter policy.zzzzzz"]


def test_wrong_types(tmp_path: Path) -> None:
    path = write(tmp_path / "types.toml", '[policy]\nstreet_share = "x"\ndecriminalise_possession = 1\n'
                                          'deterrence_allocation = 3\n[world]\nproducers = 100.5\n')
    assert problems_of(path) == [
        "types.toml: policy.street_share = 'x' has the wrong type: allowed a number ≥ 0 and ≤ 1",
        "types.toml: policy.decriminalise_possession = 1 has the wrong type: allowed true or false",
        "types.toml: policy.deterrence_allocation = 3 has the wrong type: allowed 'ranked' or 'uniform'",
        f"types.toml: world.producers = 100.5 has the wrong type: allowed {whole_number_range('world.producers')}",
    ]


def test_out_of_range(tmp_path: Path) -> None:
    path = write(tmp_path / "range.toml", "[policy]\nuser_share = 2\nhvt_share = -0.1\n")
    assert problems_of(path) == [
        "range.toml: policy.user_share = 2 is out of range: allowed a number ≥ 0 and ≤ 1",
        "range.toml: policy.hvt_share = -0.1 is out of range: allowed a number ≥ 0 and ≤ 1",
    ]


def test_exclusive_minimum_is_stated(tmp_path: Path) -> None:
    path = write(tmp_path / "zero.toml", "[retail]\ncover_weeks = 0\n")
    spec = SPECS["retail.cover_weeks"]
    assert spec.exclusive_minimum
    assert problems_of(path) == [f"zero.toml: retail.cover_weeks = 0 is out of range: "
                                 f"allowed a number > {spec.minimum:g} and ≤ {spec.maximum:g}"]


def test_unknown_parameter_group(tmp_path: Path) -> None:
    path = write(tmp_path / "group.toml", "[polcy]\nhvt_share = 0.3\n")
    assert problems_of(path) == [
        f"group.toml: unknown parameter group 'polcy' — did you mean 'policy'? (groups: {', '.join(GROUPS)})"
    ]


def test_group_that_is_not_a_table_and_text_fields_of_the_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path / "shape.toml", "title = 3\npolicy = 0.3\nteaching = 1\n")
    assert problems_of(path) == [
        "shape.toml: title must be text, got 3",
        "shape.toml: [teaching] must be a table, got 1",
        "shape.toml: policy must be a table of parameters, got 0.3",
    ]


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path / "many.toml", 'extends = "baseline"\n[policy]\nhvt_shar = 0.3\nstreet_share = "x"\n'
                                         "user_share = 2\n[polcy]\nx = 1\n")
    problems = problems_of(path)
    assert len(problems) == 4
    assert [problem.split(" ")[1] for problem in problems] == ["unknown", "unknown", "policy.street_share",
                                                               "policy.user_share"]


def test_budget_shares_one_file_sets_adding_up_to_more_than_one(tmp_path: Path) -> None:
    shares = "".join(f"{name} = 0.2\n" for name in BUDGET_SHARES)
    path = write(tmp_path / "budget.toml", f"[policy]\n{shares}")
    listed = ", ".join(f"policy.{name} = 0.2" for name in BUDGET_SHARES)
    assert problems_of(path) == [
        f"budget.toml: policy budget shares set together add up to {0.2 * len(BUDGET_SHARES):.3g}, more than the "
        f"whole budget ({listed}); set them so they add up to at most 1 (each one alone may take up to 1: the "
        "other shares then give way)"
    ]


def test_budget_shares_set_together_are_checked_after_overrides_too() -> None:
    overrides = {f"policy.{name}": 0.2 for name in BUDGET_SHARES}
    (problem,) = problems_of("baseline", overrides)
    assert problem.startswith(f"policy budget shares set together add up to {0.2 * len(BUDGET_SHARES):.3g}, "
                              "more than the whole budget")


def test_budget_shares_may_add_up_to_exactly_one(tmp_path: Path) -> None:
    shares = "".join(f"{name} = {1 / len(BUDGET_SHARES)!r}\n" for name in BUDGET_SHARES)
    scenario = ms.load_scenario(write(tmp_path / "full.toml", f"[policy]\n{shares}"))
    assert math.isclose(sum(scenario.get(f"policy.{name}") for name in BUDGET_SHARES), 1)


def test_malformed_toml(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.toml", 'title = "unterminated\n')
    (problem,) = problems_of(path)
    assert problem.startswith(f"malformed TOML in {path}: ")
    assert "line 1" in problem


# -- extends -----------------------------------------------------------------------------------
def test_cyclic_extends(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    assert problems_of(tmp_path / "a.toml") == ["cyclic extends: a → b → a"]
    assert problems_of(tmp_path / "b.toml") == ["cyclic extends: b → a → b"]


def test_a_scenario_extending_itself(tmp_path: Path) -> None:
    path = write(tmp_path / "self.toml", 'extends = "self.toml"\n')
    assert problems_of(path) == ["cyclic extends: self → self"]


def test_missing_parent_file_names_the_child(tmp_path: Path) -> None:
    path = write(tmp_path / "orphan.toml", 'extends = "missing.toml"\n')
    assert problems_of(path) == ["orphan.toml: extends: scenario file 'missing.toml' does not exist"]


def test_unknown_parent_preset_suggests_a_close_match(tmp_path: Path) -> None:
    path = write(tmp_path / "child.toml", 'extends = "basline"\n')
    (problem,) = problems_of(path)
    assert problem.startswith("child.toml: extends: unknown scenario 'basline' — did you mean 'baseline'? (presets: ")


def test_problems_anywhere_in_the_chain_are_reported_with_the_childs(tmp_path: Path) -> None:
    write(tmp_path / "parent.toml", 'extends = "baseline"\n[policy]\nhvt_share = 5\n')
    child = write(tmp_path / "child.toml", 'extends = "parent.toml"\n[harm]\nnaloxone_coverag = 0.5\n')
    assert problems_of(child) == [
        "child.toml: unknown parameter harm.naloxone_coverag — did you mean harm.naloxone_coverage?",
        "parent.toml: policy.hvt_share = 5 is out of range: allowed a number ≥ 0 and ≤ 1",
    ]


def test_extends_chain_merges_overrides_nearest_first(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub / "grandparent.toml",
          'extends = "kingpin"\n[harm]\nnaloxone_coverage = 0.2\n[world]\ndeprivation = 0.3\n')
    write(tmp_path / "parent.toml", 'extends = "sub/grandparent.toml"\n[harm]\nnaloxone_coverage = 0.4\n')
    child = ms.load_scenario(write(tmp_path / "child.toml", 'title = "Child"\nextends = "parent.toml"\n'))
    kingpin = ms.load_scenario("kingpin")
    assert child.extends == "parent.toml"
    assert child.get("harm.naloxone_coverage") == 0.4
    assert child.get("world.deprivation") == 0.3
    assert child.get("policy.hvt_share") == kingpin.get("policy.hvt_share")
    assert child.title == "Child"


# -- names and overrides -----------------------------------------------------------------------
def test_unknown_scenario_suggests_a_close_match_and_lists_the_presets() -> None:
    assert problems_of("zero_tolerence") == [
        f"unknown scenario 'zero_tolerence' — did you mean 'zero_tolerance'? (presets: {', '.join(preset_names())}; "
        "or give a path to a .toml file)"
    ]


def test_unknown_scenario_file() -> None:
    assert problems_of("no/such/file.toml") == ["scenario file 'no/such/file.toml' does not exist"]


@pytest.mark.parametrize(("overrides", "problem"), [
    ({"policy.hvt_sahre": 0.1}, "unknown parameter policy.hvt_sahre — did you mean policy.hvt_share?"),
    ({"policy.hvt_share.x": 0.1}, "unknown parameter policy.hvt_share.x — did you mean policy.hvt_share?"),
    ({"world.producers": True}, f"world.producers = True has the wrong type: allowed "
                                f"{whole_number_range('world.producers')}"),
    ({"world.producers": math.nan}, f"world.producers = nan has the wrong type: allowed "
                                    f"{whole_number_range('world.producers')}"),
    ({"world.producers": math.inf}, f"world.producers = inf has the wrong type: allowed "
                                    f"{whole_number_range('world.producers')}"),
    ({"policy.hvt_share": math.nan}, "policy.hvt_share = nan is out of range: allowed a number ≥ 0 and ≤ 1"),
    ({"policy.hvt_share": "0.1"}, "policy.hvt_share = '0.1' has the wrong type: allowed a number ≥ 0 and ≤ 1"),
])
def test_override_problems(overrides: dict, problem: str) -> None:
    assert problems_of("baseline", overrides) == [problem]


def test_with_overrides_returns_a_validated_copy() -> None:
    kingpin = ms.load_scenario("kingpin")
    changed = kingpin.with_overrides({"harm.naloxone_coverage": 0.5, "world.producers": 600.0})
    assert changed is not kingpin
    assert changed.get("harm.naloxone_coverage") == 0.5
    assert changed.get("world.producers") == 600 and isinstance(changed.get("world.producers"), int)
    assert changed.get("policy.hvt_share") == kingpin.get("policy.hvt_share")
    assert changed.overrides == {**kingpin.overrides, "harm.naloxone_coverage": 0.5, "world.producers": 600}
    assert (changed.name, changed.title, changed.extends, changed.path) == (kingpin.name, kingpin.title,
                                                                            kingpin.extends, kingpin.path)
    assert kingpin.get("harm.naloxone_coverage") == ms.load_scenario("kingpin").get("harm.naloxone_coverage")
    assert kingpin.with_overrides({}) is kingpin


def test_with_overrides_later_values_win() -> None:
    once = ms.load_scenario("baseline").with_overrides({"harm.naloxone_coverage": 0.5})
    assert once.with_overrides({"harm.naloxone_coverage": 0.7}).get("harm.naloxone_coverage") == 0.7


def test_with_overrides_rejects_bad_values_with_every_problem() -> None:
    with pytest.raises(ms.ScenarioError) as caught:
        ms.load_scenario("baseline").with_overrides({"policy.hvt_share": 2, "nope.x": 1})
    assert caught.value.problems == ["policy.hvt_share = 2 is out of range: allowed a number ≥ 0 and ≤ 1",
                                     "unknown parameter nope.x"]


def test_resolved_lists_every_parameter() -> None:
    resolved = ms.load_scenario("baseline").resolved()
    assert list(resolved) == list(SPECS)


@pytest.mark.parametrize(("text", "parsed"), [
    ("policy.hvt_share=0.3", ("policy.hvt_share", 0.3)),
    ("world.producers = 600", ("world.producers", 600)),
    ("policy.decriminalise_possession=true", ("policy.decriminalise_possession", True)),
    ("policy.deterrence_allocation=uniform", ("policy.deterrence_allocation", "uniform")),
    ('policy.deterrence_allocation="ranked"', ("policy.deterrence_allocation", "ranked")),
    ('policy.targets={street=["nbhd_03"]}', ("policy.targets", {"street": ["nbhd_03"]})),
    ("world.file=a=b.json", ("world.file", "a=b.json")),
    ("world.file=", ("world.file", "")),
])
def test_parse_assignment_types_values_like_toml(text: str, parsed: tuple) -> None:
    assert parse_assignment(text) == parsed


@pytest.mark.parametrize("text", ["policy.hvt_share", "=0.3", " = 1"])
def test_parse_assignment_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ms.ScenarioError) as caught:
        parse_assignment(text)
    assert caught.value.problems == [f"--set {text!r} must look like group.name=value"]


# -- presets -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", preset_names())
def test_every_preset_loads_validates_and_builds_a_model(name: str) -> None:
    scenario = ms.load_scenario(name)
    assert scenario.name == name
    assert scenario.title.strip() and scenario.summary.strip()
    assert set(scenario.overrides) <= set(SPECS)
    assert scenario.path is not None and scenario.path.name == f"{name}.toml"
    # world-dependent checks (policy target regions and corridors) run when the model is built
    ms.DrugMarketModel(scenario.with_overrides(SMALL_WORLD), seed=1)


def test_list_scenarios_returns_every_preset() -> None:
    assert [scenario.name for scenario in ms.list_scenarios()] == preset_names()


def test_a_farm_gate_price_far_beyond_the_price_chain_is_refused():
    """Fuzz find: at 1,000 times the default farm price, organisations paid for hundreds of
    thousands of members (weeks of 25 s, then MemoryError); ten times the default is the bound."""
    with pytest.raises(ms.ScenarioError, match=r"production\.farm_price.*8000"):
        ms.load_scenario("baseline", {"production.farm_price": 954089.576492636})
    assert ms.load_scenario("baseline", {"production.farm_price": 8000}).params.production.farm_price == 8000


def test_an_extortion_take_far_beyond_its_plausible_range_is_refused():
    """Fuzz find: at 2,000 times the default take (4 million USD an event), organisations paid for
    members by the hundred thousand (a week of 72 s in year 3); ten times the default is the bound."""
    with pytest.raises(ms.ScenarioError, match=r"violence\.extortion_take.*20000"):
        ms.load_scenario("baseline", {"violence.extortion_take": 4063956.6387168868})
    assert ms.load_scenario("baseline", {"violence.extortion_take": 20_000}).params.violence.extortion_take == 20_000
