"""Calibration against evidence (marketsim.calibration): the targets file's validation, the frozen split of the
default file, implausibility and measures on made-up numbers, and the whole pipeline on a small design —
2 parameters, 3 targets, 2 waves of 8 points, 60-week runs — run, resumed after losing runs, and used by
``run/compare --posterior``.

The pipeline test really runs the simulations; it checks the structure and arithmetic of what comes out,
not the model's findings.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from marketsim.calibration import (
    CalibrationError,
    calibrate,
    level_roles,
    load_posterior,
    load_targets,
    validation_roles,
)
from marketsim.calibration.emulator import Observation, combined, implausibility
from marketsim.calibration.measures import measure
from marketsim.calibration.targets import DEFAULT_TARGETS, EXAMPLE_TARGETS, make_targets
from marketsim.config.params import SPECS
from marketsim.runs import run_batch
from marketsim.validation import Arm

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DEFAULT_FITTED = ["homicide_rate", "prison_rate", "farm_price", "export_price", "wholesale_price", "retail_price",
                  "reimprisonment_3y", "prevalence", "overdose_deaths_per_100_dependent"]
"""The default file's fitted targets, frozen: moving a target between fitted and predicted must show in review."""


def tiny_targets(tmp_path: Path) -> Path:
    """The example targets file at a size the test suite can run: 8 points a wave, 60-week runs, two policies
    (both also arms of the targets, so no extra runs)."""
    text = EXAMPLE_TARGETS.read_text(encoding="utf-8")
    for old, new in (("points = 16 ", "points = 8 "), ("steps = 104 ", "steps = 60 "),
                     ("burn_in = 26 ", "burn_in = 8 "),
                     ('policies = ["baseline", "focused_deterrence", "zero_tolerance"]',
                      'policies = ["baseline", "focused_deterrence"]')):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "tiny.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory):
    """The small design calibrated once."""
    where = tmp_path_factory.mktemp("calibration")
    targets = tiny_targets(where)
    return where, targets, calibrate(targets, where / "out", workers=2, progress=False)


# -- the targets file ----------------------------------------------------------------------------
def test_the_default_file_is_valid_and_its_split_is_the_one_written_before_any_run() -> None:
    targets = load_targets()
    assert [t.name for t in targets.fitted] == DEFAULT_FITTED
    assert {t.kind for t in targets.predicted} == {"effect", "trajectory"}
    assert all(t.source.strip() and t.location.strip() for t in targets.targets)
    assert 1 <= len(targets.settings.parameters) <= 20
    assert all(SPECS[name].role == "uncertainty" for name in targets.settings.parameters)
    assert load_targets(EXAMPLE_TARGETS).settings.parameters == ("violence.contest_rate", "police.street_arrest_rate")


def test_validation_marks_the_comparisons_the_default_file_uses_as_targets() -> None:
    roles = validation_roles(DEFAULT_TARGETS)
    # the file's kingpin target compares the kingpin preset with the baseline; validation's kingpin
    # comparisons stage one removal in the baseline instead, so none of them is that target
    assert roles == {"homicide_rate (focused_deterrence vs baseline)": "predicted"}


def test_the_baseline_levels_the_default_file_fits_are_named_by_metric() -> None:
    roles = level_roles(DEFAULT_TARGETS)
    assert roles["homicide_rate"] == "fitted" and roles["recidivism_3y"] == "fitted"
    assert set(roles.values()) == {"fitted"}  # the file fits levels and predicts every effect and trajectory


def test_every_problem_of_a_targets_file_is_named_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("""
titel = "x"
[calibration]
parameters = ["violence.contest_rat", "policy.hvt_share"]
combine = "maxx"
[scenarios.kingpin]
extends = "baseline"
[[target]]
name = "homicides"
kind = "levl"
fitted = "yes"
metric = "homicide_rat"
observed = 22
sd = 3
interval = [10, 30]
[[target]]
name = "fd"
kind = "effect"
fitted = false
metric = "homicide_rate"
alternative = "focused_deterence"
weeks = [1, 2]
interval = [0.5, 0.1]
source = "x 2020"
location = "p. 1"
""", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "marketsim", "calibrate", str(bad), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    for expected in ("titel: unknown key — did you mean 'title'?",
                     "unknown parameter 'violence.contest_rat' — did you mean violence.contest_rate?",
                     "policy.hvt_share is a lever parameter, not an uncertainty",
                     "calibration.combine = 'maxx': allowed max or second_max — did you mean 'max'?",
                     "scenarios.kingpin: a preset has this name",
                     "target[0] (homicides).kind = 'levl': allowed level, effect, trajectory — did you mean 'level'?",
                     "target[0] (homicides).fitted = 'yes': allowed true",
                     "metric = 'homicide_rat': unknown metric — did you mean 'homicide_rate'?",
                     "target[0] (homicides).source = None: allowed text naming the work (author, year)",
                     "target[0] (homicides).sd and interval: give one",
                     "target[1] (fd).weeks: an effect target takes no weeks",
                     "alternative = 'focused_deterence': unknown scenario — did you mean 'focused_deterrence'?",
                     "target[1] (fd).interval = [0.5, 0.1]: allowed [low, high] with low < high"):
        assert expected in result.stderr, expected
    assert not (tmp_path / "out").exists()


def test_a_file_fits_at_least_one_target_and_names_each_once() -> None:
    target = {"name": "h", "kind": "level", "fitted": False, "metric": "homicide_rate", "interval": [1.0, 2.0],
              "source": "x 2020", "location": "p. 1"}
    with pytest.raises(CalibrationError) as error:
        make_targets({"calibration": {"parameters": ["violence.lethality"]}, "target": [target, target]})
    assert any("used more than once" in problem for problem in error.value.problems)
    assert any("no target has fitted = true" in problem for problem in error.value.problems)


def test_calibrate_init_writes_an_example_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    result = subprocess.run([sys.executable, "-m", "marketsim", "calibrate", "init", str(path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert load_targets(path).fitted
    again = subprocess.run([sys.executable, "-m", "marketsim", "calibrate", "init", str(path)],
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert again.returncode == 2 and "exists: pass --force" in again.stderr


# -- implausibility and measures on made-up numbers ----------------------------------------------
def test_implausibility_counts_every_variance_and_only_the_distance_outside_an_interval() -> None:
    targets = make_targets({"calibration": {"parameters": ["violence.lethality"], "discrepancy": 0.0},
                            "target": [{"name": "a", "kind": "level", "fitted": True, "metric": "homicide_rate",
                                        "observed": 10.0, "sd": 3.0, "source": "x", "location": "y"},
                                       {"name": "b", "kind": "level", "fitted": True, "metric": "homicide_rate",
                                        "interval": [10.0, 20.0], "source": "x", "location": "y"}]})
    settings = targets.settings
    with_sd = Observation.of(targets.targets[0], settings)
    assert implausibility(with_sd, np.array([14.0]), np.array([16.0]))[0] == pytest.approx(4.0 / 5.0)
    interval = Observation.of(targets.targets[1], settings)
    assert list(implausibility(interval, np.array([15.0, 24.0, 6.0]), np.array([4.0, 4.0, 4.0]))) == [0.0, 2.0, 2.0]
    assert implausibility(interval, np.array([math.nan]), np.array([1.0]))[0] == math.inf
    columns = np.array([[1.0, 4.0, 2.0], [0.5, 0.2, 0.1]])
    assert list(combined(columns, "max")) == [4.0, 0.5] and list(combined(columns, "second_max")) == [2.0, 0.2]


def test_measures_follow_the_definitions_of_levels_effects_and_trajectories() -> None:
    targets = make_targets({
        "calibration": {"parameters": ["violence.lethality"], "steps": 4, "burn_in": 1},
        "scenarios": {"staged": {"extends": "baseline", "events": [{"week": 3, "kind": "seizure", "where": "border",
                                                                    "share": 0.5}]}},
        "target": [
            {"name": "level", "kind": "level", "fitted": True, "metric": "homicide_rate", "interval": [1.0, 2.0],
             "source": "x", "location": "y"},
            {"name": "effect", "kind": "effect", "fitted": False, "metric": "homicide_rate",
             "alternative": "focused_deterrence", "observed": -0.2, "sd": 0.1, "source": "x", "location": "y"},
            {"name": "path", "kind": "trajectory", "fitted": False, "metric": "homicide_rate", "scenario": "staged",
             "reference_weeks": [1, 2], "weeks": [3, 4], "observed": 1.0, "sd": 0.1, "source": "x",
             "location": "y"}]})

    def weeks(values: dict[tuple[int, int], list[float]]) -> pd.DataFrame:
        return pd.DataFrame([{"point": point, "seed": seed, "step": step + 1, "homicide_rate": value}
                             for (point, seed), series in values.items() for step, value in enumerate(series)])

    frames = {"baseline": weeks({(0, 1): [9, 10, 10, 10], (0, 2): [9, 20, 20, 20]}),
              "focused_deterrence": weeks({(0, 1): [9, 5, 5, 5], (0, 2): [9, 15, 15, 15]}),
              "staged": weeks({(0, 1): [1, 1, 2, 2], (0, 2): [2, 2, 6, 6]})}
    arms = {"staged": Arm("staged")}
    table = measure(targets, lambda name: arms.get(name, Arm(name)), frames, {}, 1)
    assert table.loc[0, "level"] == pytest.approx(15.0)  # weeks 2-4, mean over seeds
    assert table.loc[0, "effect"] == pytest.approx(-5.0 / 15.0)  # mean paired difference / reference mean
    assert table.loc[0, "path"] == pytest.approx((1.0 + 2.0) / 2)  # per seed, then the mean


# -- the pipeline --------------------------------------------------------------------------------
def test_the_posterior_meets_the_fitted_targets_and_records_where_it_came_from(calibrated) -> None:
    where, targets, result = calibrated
    parameters = ("violence.contest_rate", "police.street_arrest_rate")
    assert result.parameters == parameters and len(result.waves) == 2
    posterior = result.posterior
    assert len(posterior) > 0
    for name in parameters:
        low, high = SPECS[name].plausible
        assert posterior[name].between(low, high).all()
    assert (posterior["implausibility"] <= 3.0).all()
    table = pq.read_table(where / "out" / "posterior.parquet")
    metadata = table.schema.metadata
    assert metadata[b"marketsim.targets"].decode() == targets.read_text(encoding="utf-8")
    assert metadata[b"marketsim"] and metadata[b"marketsim.sources"]
    assert table.num_rows == len(posterior)
    wave = result.waves[1]
    assert len(wave.design) == 8 and set(wave.emulators) == {"homicide_rate", "prison_rate", "focused_deterrence"}


def test_checks_conflicts_and_rankings_cover_every_target_and_policy(calibrated) -> None:
    _, _, result = calibrated
    checks = result.checks.set_index("target")
    assert list(checks.index) == ["homicide_rate", "prison_rate", "focused_deterrence"]
    assert checks.loc[["homicide_rate", "prison_rate"], "verdict"].eq("consistent").all()  # met by construction
    assert (checks["prior_q05"] <= checks["prior_q95"]).all()
    assert set(result.reach["target"]) >= {"homicide_rate", "prison_rate", "focused_deterrence",
                                           "all fitted targets together"}
    assert list(result.conflicts.columns[:2]) == ["first", "second"]
    for name in ("prior", "posterior"):
        table, regret = result.rankings[name]
        assert np.allclose(table.groupby("outcome")["share_first"].sum(), 1.0)
        assert (regret["regret"] >= 0).all()


def test_the_report_shows_every_result_with_its_figures(calibrated) -> None:
    where, _, _ = calibrated
    report = (where / "out" / "report.md").read_text(encoding="utf-8")
    for heading in ("## Headlines", "## The method, and why this one", "## The targets", "## The waves",
                    "## The posterior", "## Predictive checks", "## Conflicts",
                    "## Which policy is best over the posterior?", "## Cost, and rerunning it"):
        assert heading in report
    for name in ("marginals", "checks", "rankings"):
        assert (where / "out" / "figures" / f"{name}.png").read_bytes().startswith(PNG_MAGIC)
        assert f"(figures/{name}.png)" in report
    assert "| `focused_deterrence` | predicted |" in report


def test_a_calibration_resumes_where_it_stopped_and_refuses_another(calibrated) -> None:
    where, targets, result = calibrated
    out = where / "out"
    with pytest.raises(CalibrationError, match="already holds a calibration: pass --resume"):
        calibrate(targets, out, workers=1, progress=False)
    lost = sorted((result.waves[0].folder / "weekly" / "baseline" / "runs").glob("*.parquet"))[:3]
    for path in lost:
        path.unlink()  # as if killed before these runs were stored
    again = calibrate(targets, out, workers=2, progress=False, resume=True)
    assert [compute.ran for compute in again.computes] == [3, 0]  # the policies are arms of the targets
    pd.testing.assert_frame_equal(again.posterior, result.posterior)
    other = where / "other.toml"
    other.write_text(targets.read_text(encoding="utf-8").replace("cutoff = 3.0", "cutoff = 2.5"), encoding="utf-8")
    with pytest.raises(CalibrationError, match=r"cannot resume into .*differs in the settings"):
        calibrate(other, out, workers=1, progress=False, resume=True)


def test_posterior_draws_are_paired_across_scenarios_and_leave_what_a_scenario_sets(calibrated) -> None:
    where, _, _ = calibrated
    posterior = load_posterior(where / "out")
    seeds = [1, 2, 3]
    draws = posterior.draws(seeds)
    assert draws == posterior.draws(seeds) and set(draws[1]) == set(posterior.parameters)
    runs = run_batch(["baseline", "zero_tolerance"], seeds, 2, progress=False, per_seed=draws,
                     overrides={"police.street_arrest_rate": 0.1}, table=parameter_table)
    for row in runs.itertuples():
        assert row.contest_rate == pytest.approx(draws[row.seed]["violence.contest_rate"])
        assert row.street_arrest_rate == 0.1  # set by the user: kept


def parameter_table(model) -> pd.DataFrame:
    """The run's values of the calibrated parameters."""
    return pd.DataFrame({"contest_rate": [model.scenario.get("violence.contest_rate")],
                         "street_arrest_rate": [model.scenario.get("police.street_arrest_rate")]})


def test_compare_runs_over_posterior_draws(calibrated, tmp_path: Path) -> None:
    where, _, _ = calibrated
    result = subprocess.run([sys.executable, "-m", "marketsim", "compare", "baseline", "focused_deterrence",
                             "--seeds", "2", "--steps", "4", "--posterior", str(where / "out"),
                             "--out", str(tmp_path / "compare")], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "each seed runs with a parameter set of the posterior" in result.stderr
    missing = subprocess.run([sys.executable, "-m", "marketsim", "run", "baseline", "--steps", "4", "--posterior",
                              str(tmp_path / "nowhere")], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert missing.returncode == 2 and "no posterior.parquet there" in missing.stderr
