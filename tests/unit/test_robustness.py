"""The robustness analysis (experiments/robustness.py) end to end on a tiny design — 4 points, the arms
of two facts and three policies, 1 seed, 208 weeks (the shortest run the kingpin event study fits in)
after an 8-week burn-in — and its verdicts and rankings on made-up numbers.

The pipeline test really runs the simulations, stores them, resumes from the store, analyses and writes
the report; it checks the structure and the arithmetic of every output, not the model's findings.
"""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marketsim.config.params import SPECS
from marketsim.validation import (
    EVENT_STUDY_STEPS,
    FACTS_BY_NAME,
    MIN_AGREEMENT,
    Arm,
    Comparison,
    ComparisonResult,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "experiments" / "robustness.py"
FACTS = ("harm_reduction", "kingpin")
POLICIES = ("baseline", "harm_reduction", "kingpin")
POINTS = 4
TINY = ["--points", str(POINTS), "--seeds", "1", "--steps", str(EVENT_STUDY_STEPS), "--burn-in", "8",
        "--facts", ",".join(FACTS), "--policies", ",".join(POLICIES), "--workers", "2"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def load_script():
    """The script as a module, for its functions."""
    spec = importlib.util.spec_from_file_location("robustness_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


robustness = load_script()


def analyse(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    """Run the script on the tiny design, writing everything under ``tmp_path``."""
    return subprocess.run([sys.executable, str(SCRIPT), *TINY, "--out", str(tmp_path / "out"),
                           "--doc", str(tmp_path / "docs" / "robustness.md"),
                           "--figures", str(tmp_path / "docs" / "figures" / "robustness"), *options],
                          capture_output=True, text=True, cwd=ROOT, timeout=240)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess, str]:
    """The tiny analysis run twice: the second time every run comes from the store."""
    where = tmp_path_factory.mktemp("robustness")
    first = analyse(where)
    assert first.returncode == 0, first.stderr
    report = (where / "docs" / "robustness.md").read_text(encoding="utf-8")
    again = analyse(where)
    assert again.returncode == 0, again.stderr
    return where, again, report


def results(where: Path) -> Path:
    """The folder of result tables (under the model's digest and the design)."""
    (folder,) = (where / "out").glob("*/lhs4-*/results")
    return folder


def test_the_design_samples_each_uncertainty_within_its_plausible_range(analysed) -> None:
    where, _, _ = analysed
    design = pd.read_csv(results(where) / "design.csv")
    assert len(design) == POINTS
    assert not any(name.startswith("policy.") for name in design)  # levers are compared, not sampled
    assert "harm.naloxone_coverage" not in design  # set by the harm-reduction arm: held
    shares = [name for group in robustness.COMPOSITIONS for name in group]
    for name in design.columns.difference(shares):
        low, high = SPECS[name].plausible
        assert design[name].between(low, high).all(), name
    assert (design[shares].sum(axis=1) <= 1 + 1e-9).all()


def test_each_fact_and_comparison_is_measured_at_every_point(analysed) -> None:
    where, _, _ = analysed
    folder = results(where)
    facts = pd.read_csv(folder / "facts.csv")
    assert facts["fact"].tolist() == list(FACTS)
    assert facts["share_holds"].between(0, 1).all()
    comparisons = pd.read_csv(folder / "comparisons.csv")
    expected = [c.label for name in FACTS for c in FACTS_BY_NAME[name].comparisons]
    assert comparisons["label"].tolist() == expected
    by_point = pd.read_csv(folder / "facts_by_point.csv")
    counts = by_point.groupby("label").size()
    assert counts.reindex(expected).tolist() == [POINTS] * len(expected)  # the event study too
    shares = by_point.groupby("label")["holds"].mean().reindex(expected)
    assert np.allclose(shares.to_numpy(), comparisons["share_holds"].to_numpy())
    # a fact holds at a point when all its comparisons do
    for fact in facts.itertuples():
        every = by_point[by_point["fact"] == fact.fact].groupby("point")["holds"].all()
        assert math.isclose(every.mean(), fact.share_holds)
    assert comparisons["relative_q05"].le(comparisons["relative_q50"]).all()
    assert comparisons["relative_q50"].le(comparisons["relative_q95"]).all()


def test_rankings_share_first_place_and_regret_is_the_loss_against_the_best(analysed) -> None:
    where, _, _ = analysed
    folder = results(where)
    outcomes = pd.read_csv(folder / "policy_outcomes.csv")
    assert sorted(outcomes["policy"].unique()) == sorted(POLICIES) and outcomes["point"].nunique() == POINTS
    assert (outcomes["combined_harm"] >= outcomes["homicides"] + outcomes["overdoses"] - 1e-9).all()
    table = pd.read_csv(folder / "rankings.csv")
    assert len(table) == len(POLICIES) * len(robustness.RANKED)
    assert np.allclose(table.groupby("outcome")["share_first"].sum(), 1.0)
    regret = pd.read_csv(folder / "regret.csv")
    assert (regret["regret"] >= 0).all()
    assert np.allclose(regret.groupby(["outcome", "point"])["regret"].min(), 0.0)


def test_the_report_shows_every_result_with_its_figures_and_the_store_is_reused(analysed) -> None:
    where, again, report = analysed
    for heading in ("## Headlines", "## The design", "## 1. Do the stylized facts hold",
                    "## 2. Which policy is best", "## 3. What matters most?", "## Rerunning it"):
        assert heading in report
    for fact in FACTS:
        assert f"| {FACTS_BY_NAME[fact].title} |" in report
    assert "Left out: online_market" in report  # a market condition, not a policy
    assert "RBD-FAST needs at least 10 points" in report  # said, not silently skipped
    assert "16 runs made, 0 reused" in report  # baseline, the staged removal, two presets
    for name in ("facts", "rankings", "sensitivity"):
        figure = where / "docs" / "figures" / "robustness" / f"{name}.png"
        assert figure.read_bytes().startswith(PNG_MAGIC)
        assert f"(figures/robustness/{name}.png)" in report
    second = (where / "docs" / "robustness.md").read_text(encoding="utf-8")
    assert "0 runs made, 16 reused from the store" in second
    assert "robustness (" not in again.stderr  # no progress bar: nothing ran


def test_the_study_samples_uncertainties_and_compares_levers() -> None:
    study = robustness.make_study(None, None)
    assert {SPECS[path].role for path in (*study.uncertainties, *study.held)} == {"uncertainty"}
    assert set(study.uncertainties) | set(study.held) == {path for path, spec in SPECS.items()
                                                          if spec.role == "uncertainty"}
    assert "harm_reduction" in study.policies  # it sets levers outside policy.* too
    assert "online_market" in study.excluded  # it sets market conditions (uncertainties) only


def test_bad_options_fail_before_anything_runs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--points", "1", "--facts", "kingpn", "--policies",
                             "online_market", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert "--points = 1: allowed a whole number ≥ 2" in result.stderr
    assert "--facts: unknown fact 'kingpn' — did you mean 'kingpin'?" in result.stderr
    assert "--policies: 'online_market' is not ranked: it changes no policy lever" in result.stderr
    assert not (tmp_path / "out").exists()


def test_runs_too_short_for_the_kingpin_event_study_are_refused(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--facts", "kingpin", "--steps", "100", "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert f"--steps = 100: the kingpin event study stages a leader removal in week 157 and counts the year after " \
           f"it: allowed ≥ {EVENT_STUDY_STEPS}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_point_holds_by_the_rules_a_few_seeds_can_apply() -> None:
    lower = Comparison("homicide_rate", Arm("baseline"), Arm("focused_deterrence"), "lower", band=(-0.4, -0.15))
    reference = np.array([10.0, 10.0, 10.0, 10.0, 10.0])
    in_band = ComparisonResult(lower, reference, np.array([7.0, 7.5, 8.0, 7.0, 11.0]))
    assert in_band.agreement >= MIN_AGREEMENT and robustness.holds_at_point(in_band)
    too_strong = ComparisonResult(lower, reference, np.array([2.0, 2.0, 2.0, 2.0, 2.0]))
    assert too_strong.direction_holds and not robustness.holds_at_point(too_strong)
    one_seed = ComparisonResult(lower, reference[:1], np.array([8.0]))
    assert not one_seed.holds and robustness.holds_at_point(one_seed)  # no interval from one pair
    similar = Comparison("users", Arm("baseline"), Arm("harm_reduction"), "similar", tolerance=0.05)
    assert robustness.holds_at_point(ComparisonResult(similar, reference[:1], np.array([10.4])))
    assert not robustness.holds_at_point(ComparisonResult(similar, reference[:1], np.array([10.6])))


def test_rankings_split_ties_and_measure_regret_against_the_best_at_each_point() -> None:
    outcomes = pd.DataFrame({"point": [0, 0, 1, 1], "policy": ["a", "b", "a", "b"],
                             "homicides": [1.0, 2.0, 3.0, 3.0], "overdoses": [5.0, 4.0, 1.0, 2.0],
                             "combined_harm": [6.0, 6.0, 4.0, 5.0]})
    table, regret = robustness.rankings(outcomes, ["a", "b"])
    first = table.set_index(["outcome", "policy"])["share_first"]
    assert first["homicides", "a"] == 0.75 and first["homicides", "b"] == 0.25
    assert first["overdoses", "a"] == 0.5 and first["combined_harm", "a"] == 0.75
    worst = table.set_index(["outcome", "policy"])["regret_max"]
    assert worst["homicides", "b"] == 1.0 and worst["overdoses", "a"] == 1.0 and worst["combined_harm", "b"] == 1.0
    assert len(regret) == len(outcomes) * len(robustness.RANKED)


def test_a_failure_region_is_found_over_whole_number_uncertainties() -> None:
    script = load_script()
    rng = np.random.default_rng(1)  # a design whose PRIM pastes a midpoint between two whole numbers
    x = pd.DataFrame({"world.neighbourhood_population": rng.integers(5_000, 40_000, 200),
                      "world.deprivation": rng.random(200)})
    fails = ((x["world.neighbourhood_population"] >= 30_000) & (x["world.deprivation"] > 0.3)
             | (rng.random(200) < 0.1)).to_numpy()
    region = script.failure_region(x, fails)
    assert "world.neighbourhood_population" in region.describe()
    assert region.density >= script.PRIM_DENSITY
