"""Sweep specs, designs and plans: validation before any run, samplers, seeds and run ids.

Nothing here runs a simulation; planning builds each scenario's model once (small world).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from marketsim import analysis, runs
from marketsim.sweep import SweepError, design_points, load_spec, make_spec, plan_sweep, run_sweep

SMALL = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}
SHORT = {"steps": 8, "burn_in": 2}
"""A few weeks, with a burn-in shorter than the run (the default, a year, would leave no weeks)."""


def spec_of(**fields):
    return make_spec({"overrides": SMALL, **SHORT, "seeds": 2, **fields})


def problems_of(**fields) -> list[str]:
    with pytest.raises(SweepError) as caught:
        plan_sweep(spec_of(**fields))
    return caught.value.problems


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- the spec file -----------------------------------------------------------------------------
def test_toml_spec_reads_dotted_and_nested_parameter_names(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path / "s.toml", """
scenarios = ["baseline", "kingpin"]
steps = 26
burn_in = 4
seeds = 3
out = "somewhere"
[design]
kind = "lhs"
samples = 5
[params]
policy.hvt_share = { min = 0.0, max = 0.2 }
"world.firearms" = { min = 0.3, max = 0.9, role = "lever" }
[overrides]
world = { producers = 600 }
"""))
    assert spec.scenarios == ("baseline", "kingpin")
    assert [p.path for p in spec.params] == ["policy.hvt_share", "world.firearms"]
    assert [p.role for p in spec.params] == ["lever", "lever"]
    assert spec.overrides == {"world.producers": 600}
    assert (spec.design, spec.samples, spec.seeds, spec.steps, spec.burn_in, spec.out) == \
        ("lhs", 5, 3, 26, 4, "somewhere")
    assert spec.base_seed == runs.DEFAULT_SEED_BASE
    assert spec.outcomes == analysis.KEY_OUTCOMES


def test_malformed_toml_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SweepError, match=r"malformed TOML in .*bad\.toml"):
        load_spec(write(tmp_path / "bad.toml", "scenarios = [baseline\n"))
    with pytest.raises(SweepError, match="does not exist"):
        load_spec(tmp_path / "missing.toml")


def test_every_problem_in_a_spec_is_reported_at_once() -> None:
    with pytest.raises(SweepError) as caught:
        make_spec({"scenario": ["baseline"], "steps": 0, "burn_in": -1, "seeds": 1.5,
                   "design": {"kind": "lhs", "sample": 5}, "outcomes": ["homicide"],
                   "params": {"policy.hvt_share": {"min": 0.2, "max": 0.2}}})
    text = str(caught.value)
    for expected in ("unknown key 'scenario' — did you mean 'scenarios'?", "steps = 0", "burn_in = -1",
                     "seeds = 1.5", "design: unknown key 'sample' — did you mean 'samples'?",
                     "design.samples is missing", "did you mean 'homicides'?", "empty range [0.2, 0.2]"):
        assert expected in text


@pytest.mark.parametrize(("params", "design", "message"), [
    ({"policy.hvt_share": {"min": 0.0}}, "lhs", "give min and max"),
    ({"policy.hvt_share": {"min": 0.3, "max": 0.1}}, "lhs", "empty range [0.3, 0.1]"),
    ({"policy.hvt_share": []}, "grid", "values is empty"),
    ({"policy.hvt_share": [0.1, 0.1]}, "grid", "repeat a value"),
    ({"policy.hvt_share": {"min": 0.0, "max": 0.1}}, "grid", "needs levels"),
    ({"policy.hvt_share": [0.1, 0.2]}, "lhs", "samples a range"),
    ({"policy.hvt_share": 0.1}, "grid", "is a single value: put constants in overrides"),
    ({"policy.hvt_share": {"min": 0, "max": 1, "levels": 1}}, "grid", "levels = 1"),
    ({"policy.close_open_air": {"min": 0, "max": 1}}, "lhs", "only numbers have a range"),
    ({}, "lhs", "params is empty"),
])
def test_bad_ranges_are_named(params: dict, design: str, message: str) -> None:
    design_table = {"kind": design, "samples": 4} if design != "grid" else "grid"
    with pytest.raises(SweepError) as caught:
        make_spec({"params": params, "design": design_table})
    assert message in str(caught.value)


def test_a_sobol_design_needs_a_power_of_two() -> None:
    with pytest.raises(SweepError, match=r"design.samples = 12: a Sobol design needs a power of 2 \(e.g. 8 or 16\)"):
        make_spec({"params": {"policy.hvt_share": {"min": 0, "max": 0.1}},
                   "design": {"kind": "sobol", "samples": 12}})


def test_a_swept_parameter_cannot_also_be_a_constant() -> None:
    with pytest.raises(SweepError, match="both swept and fixed"):
        make_spec({"params": {"world.producers": [600, 700]}, "overrides": {"world.producers": 600}})


# -- validation against the parameters and scenarios -------------------------------------------
def test_unknown_parameter_gets_the_scenario_machinery_hint() -> None:
    problems = problems_of(params={"policy.hvt_shar": [0.1, 0.2]})
    assert problems == ["params: unknown parameter policy.hvt_shar — did you mean policy.hvt_share?"]


def test_a_range_outside_the_parameter_bounds_is_caught_before_any_run(tmp_path: Path) -> None:
    with pytest.raises(SweepError, match=r"policy.hvt_share = 1.5 is out of range"):
        run_sweep(scenarios=["baseline"], params={"policy.hvt_share": {"min": 0.0, "max": 1.5}},
                  design={"kind": "lhs", "samples": 4}, overrides=SMALL, **SHORT, seeds=1,
                  out=tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_points_breaking_a_cross_field_rule_are_listed() -> None:
    problems = problems_of(params={"policy.street_share": [0.3, 0.6, 0.9], "policy.hvt_share": [0.5]})
    assert len(problems) == 2
    assert problems[0].startswith("design point 1 (policy.street_share=0.6, policy.hvt_share=0.5) in scenario "
                                  "'baseline'")
    assert "budget shares set together add up to 1.1" in problems[0]
    assert "budget shares set together add up to 1.4" in problems[1]


def test_one_budget_share_swept_over_its_whole_range_is_valid() -> None:
    plan_sweep(spec_of(params={"policy.hvt_share": [0.0, 0.5, 1.0]}))


def test_unknown_scenarios_and_outcomes_are_reported() -> None:
    problems = problems_of(scenarios=["baseline", "kingpn"], params={"policy.hvt_share": [0.1]})
    assert any("unknown scenario 'kingpn' — did you mean 'kingpin'?" in p for p in problems)


# -- designs -----------------------------------------------------------------------------------
def test_grid_is_the_full_factorial_product() -> None:
    spec = spec_of(params={"policy.hvt_share": {"min": 0.0, "max": 0.1, "levels": 3},
                           "world.towns_per_route": {"min": 1, "max": 4, "levels": 3},
                           "policy.close_open_air": [True, False]})
    points = design_points(spec)
    assert len(points) == 3 * 3 * 2
    assert sorted(points["policy.hvt_share"].unique()) == pytest.approx([0.0, 0.05, 0.1])
    assert sorted(points["world.towns_per_route"].unique()) == [1, 2, 4]  # 1, 2.5, 4 rounded
    assert len(points.drop_duplicates()) == len(points)


def test_latin_hypercube_puts_one_point_in_each_stratum_and_is_seeded() -> None:
    params = {"policy.hvt_share": {"min": 0.0, "max": 0.2}, "world.firearms": {"min": 0.3, "max": 0.9}}
    spec = spec_of(params=params, design={"kind": "lhs", "samples": 16, "seed": 3})
    points = design_points(spec)
    for name, (low, high) in (("policy.hvt_share", (0.0, 0.2)), ("world.firearms", (0.3, 0.9))):
        strata = np.floor((points[name].to_numpy() - low) / (high - low) * 16).astype(int)
        assert sorted(strata) == list(range(16))
    assert design_points(spec).equals(points)
    other = design_points(spec_of(params=params, design={"kind": "lhs", "samples": 16, "seed": 4}))
    assert not other.equals(points)


def test_sobol_sample_has_the_saltelli_size_within_bounds() -> None:
    spec = spec_of(params={"policy.hvt_share": {"min": 0.0, "max": 0.2},
                           "world.firearms": {"min": 0.3, "max": 0.9},
                           "world.towns_per_route": {"min": 1, "max": 5}},
                   design={"kind": "sobol", "samples": 8})
    points = design_points(spec)
    assert len(points) == 8 * (3 + 2)
    assert points["policy.hvt_share"].between(0.0, 0.2).all()
    assert points["world.firearms"].between(0.3, 0.9).all()
    towns = points["world.towns_per_route"]
    assert towns.map(lambda v: isinstance(v, int)).all() and towns.between(1, 5).all()
    assert set(towns) == {1, 2, 3, 4, 5}


def test_explicit_points_design() -> None:
    spec = spec_of(design={"kind": "points", "points": [
        {"policy": {"street_share": 0.3, "hvt_share": 0.05}},
        {"policy.street_share": 0.2, "policy.hvt_share": 0.15}]})
    points = design_points(spec)
    assert points.to_dict("records") == [{"policy.street_share": 0.3, "policy.hvt_share": 0.05},
                                         {"policy.street_share": 0.2, "policy.hvt_share": 0.15}]
    with pytest.raises(SweepError, match="every point must set the same parameters"):
        make_spec({"design": [{"policy.hvt_share": 0.1}, {"policy.street_share": 0.1}]})


# -- the plan: paired seeds and run ids --------------------------------------------------------
def test_every_scenario_and_point_uses_the_same_seed_list() -> None:
    plan = plan_sweep(spec_of(scenarios=["baseline", "kingpin"], params={"policy.hvt_share": [0.0, 0.1]},
                              seeds=3, base_seed=7))
    assert list(plan.seeds) == runs.seed_list(3, 7)
    assert len(plan.runs) == 2 * 2 * 3
    for point in range(2):
        for scenario in range(2):
            assert [r.seed for r in plan.runs if (r.point, r.scenario) == (point, scenario)] == list(plan.seeds)
    assert len({run.run_id for run in plan.runs}) == len(plan.runs)


def test_run_ids_depend_on_what_the_run_depends_on() -> None:
    """Scenario, resolved parameters, seed and steps; not the burn-in, which only the summary uses."""
    fields = {"params": {"policy.hvt_share": [0.0, 0.1]}}
    ids = [run.run_id for run in plan_sweep(spec_of(**fields)).runs]
    assert ids == [run.run_id for run in plan_sweep(spec_of(**fields)).runs]
    assert ids[2:] == [run.run_id for run in plan_sweep(spec_of(params={"policy.hvt_share": [0.1]})).runs]
    assert set(ids).isdisjoint(run.run_id for run in plan_sweep(spec_of(steps=9, **fields)).runs)
    assert ids == [run.run_id for run in plan_sweep(spec_of(burn_in=1, **fields)).runs]  # summary only


def test_world_problems_surface_before_any_run(tmp_path: Path) -> None:
    with pytest.raises(SweepError, match=r"world file 'missing\.graphml' does not exist"):
        run_sweep(scenarios=["baseline"], params={"policy.hvt_share": [0.1]},
                  overrides={"world.file": "missing.graphml"}, **SHORT, seeds=1, out=tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_missing_optional_dependencies_are_named_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("SALib", "SALib.sample", "SALib.sample.sobol", "distributed"):
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(SweepError, match=r"a Sobol design needs SALib, which is not installed \(pip install"):
        plan_sweep(spec_of(params={"policy.hvt_share": {"min": 0, "max": 0.1}},
                           design={"kind": "sobol", "samples": 4}))
    with pytest.raises(SweepError, match="the dask backend needs distributed"):
        run_sweep(**{"params": {"policy.hvt_share": [0.1]}, "overrides": SMALL, **SHORT, "seeds": 1},
                  out=tmp_path / "out", backend="dask", progress=False)
    assert not (tmp_path / "out").exists()
