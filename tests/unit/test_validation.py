"""The stylized-fact machinery: verdicts from paired differences, and the facts' definitions."""

from pathlib import Path

import numpy as np
import pytest

import marketsim as ms
from marketsim.outputs import column_metric
from marketsim.validation import EVENT_WINDOWS, FACTS, Arm, Comparison, ComparisonResult, results_table

ROOT = Path(__file__).resolve().parents[2]


def result(direction: str, reference: list[float], alternative: list[float], tolerance: float = 0.0):
    comparison = Comparison("homicide_rate", Arm("baseline"), Arm("kingpin"), direction, tolerance)
    return ComparisonResult(comparison, np.array(reference, dtype=float), np.array(alternative, dtype=float))


def test_a_clear_rise_holds_and_a_mixed_one_does_not():
    reference = [20, 22, 21, 23, 19, 20, 24, 22, 21, 20]
    assert result("higher", reference, [r + 3 for r in reference]).holds
    mixed = [r + (3 if i % 2 else -3) for i, r in enumerate(reference)]
    assert not result("higher", reference, mixed).holds
    assert not result("lower", reference, [r + 3 for r in reference]).holds


def test_agreement_needs_eight_pairs_in_ten_even_with_a_positive_mean():
    reference = [10.0] * 10
    alternative = [20.0] * 7 + [9.0] * 3  # mean +6.7, but only 70% of pairs agree
    measured = result("higher", reference, alternative)
    assert measured.mean[0] > 0
    assert measured.agreement == pytest.approx(0.7)
    assert not measured.holds


def test_similar_holds_only_when_the_whole_interval_is_within_tolerance():
    reference = [100.0, 102, 98, 101, 99, 100, 103, 97, 100, 101]
    assert result("similar", reference, [r * 1.02 for r in reference], tolerance=0.1).holds
    assert not result("similar", reference, [r * 1.3 for r in reference], tolerance=0.1).holds


def test_similar_bounds_both_ways():
    reference = [100.0, 102, 98, 101, 99, 100, 103, 97, 100, 101]
    assert not result("similar", reference, [r * 0.7 for r in reference], tolerance=0.1).holds
    assert not result("similar", reference, [r * 1.3 for r in reference], tolerance=0.1).holds


def test_a_band_from_the_literature_must_hold_as_well_as_the_direction():
    reference = [20, 22, 21, 23, 19, 20, 24, 22, 21, 20]
    comparison = Comparison("homicide_rate", Arm("baseline"), Arm("focused_deterrence"), "lower", band=(-0.4, -0.15))
    within = ComparisonResult(comparison, np.array(reference, float), np.array(reference, float) * 0.75)
    beyond = ComparisonResult(comparison, np.array(reference, float), np.array(reference, float) * 0.3)
    assert within.holds and within.in_band
    assert beyond.direction_holds and not beyond.in_band and not beyond.holds
    assert "outside the band" in beyond.describe()


def test_ablation_switches_the_comparisons_mechanisms_off_in_both_arms():
    comparison = Comparison("homicide_rate", Arm("baseline"), Arm("kingpin"), "higher",
                            mechanisms=("succession_contests",))
    ablated = comparison.ablated()
    for arm in (ablated.reference, ablated.alternative):
        assert ("mechanisms.succession_contests", False) in arm.overrides
        assert ms.load_scenario(arm.scenario, dict(arm.overrides)).params.mechanisms.succession_contests is False


def test_every_fact_is_well_formed_and_has_an_experiment_script():
    assert [fact.number for fact in FACTS] == list(range(1, 12))
    mechanisms = {spec.name for spec in ms.parameter_specs() if spec.group == "mechanisms"}
    for fact in FACTS:
        assert fact.source and fact.expected and fact.comparisons
        scripts = list((ROOT / "experiments").glob(f"fact{fact.number:02d}_{fact.name}.py"))
        assert scripts, f"no experiment script for fact {fact.number}"
        assert fact.mechanisms and set(fact.mechanisms) <= mechanisms
        for comparison in fact.comparisons:
            assert column_metric(comparison.metric) is not None or comparison.metric in EVENT_WINDOWS
            for arm in (comparison.reference, comparison.alternative):
                ms.load_scenario(arm.scenario, dict(arm.overrides))  # valid arms only


def test_results_table_reports_each_comparison():
    reference = [20, 22, 21, 23, 19, 20, 24, 22, 21, 20]
    table = results_table({"kingpin": [result("higher", reference, [r + 5 for r in reference])]})
    row = table.iloc[0]
    assert row["fact"] == 4 and row["metric"] == "homicide_rate" and bool(row["holds"])
    assert row["relative"] == pytest.approx(5 / np.mean(reference))
    assert row["ci_low"] < 5 < row["ci_high"] or row["ci_low"] == pytest.approx(5)
