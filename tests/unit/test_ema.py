"""The EMA Workbench as a client (the sweep extra): marketsim as an EMA model, and a sweep's
export read back with ``load_results`` and analysed with PRIM."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import marketsim as ms
from marketsim.config.params import BUDGET_SHARES, SPECS
from marketsim.runs import seed_list
from marketsim.sweep import SweepError, run_sweep, summarise_sweep
from marketsim.sweep import ema as marketsim_ema

ema_workbench = pytest.importorskip("ema_workbench")

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}
OUTCOMES = ["homicides", "overdose_deaths"]


def test_the_export_loads_in_the_workbench_and_prim_finds_a_box(tmp_path: Path) -> None:
    from ema_workbench.analysis import prim

    out = tmp_path / "sweep"
    run_sweep(scenarios=["baseline"], params={"world.firearms": {"min": 0.3, "max": 0.9},
                                              "policy.hvt_share": {"min": 0.0, "max": 0.1}},
              design={"kind": "lhs", "samples": 12}, seeds=2, steps=8, burn_in=2, overrides=SMALL,
              outcomes=OUTCOMES, out=out, workers=1, progress=False)
    summarise_sweep(out, figures=False)
    experiments, outcomes = ema_workbench.load_results(str(out / "ema_results.tar.gz"))
    runs = pd.read_parquet(out / "summary.parquet")
    assert list(experiments.columns) == ["world.firearms", "policy.hvt_share", "seed", "scenario", "policy", "model"]
    assert sorted(outcomes) == sorted(OUTCOMES)
    for name in OUTCOMES:
        np.testing.assert_allclose(outcomes[name], runs[name].to_numpy())
    # a box on firearms: the runs with the most firearms are the ones of interest
    of_interest = experiments["world.firearms"].to_numpy() > 0.75
    box = prim.Prim(experiments[["world.firearms", "policy.hvt_share"]], of_interest, threshold=0.8).find_box()
    assert box.coverage == pytest.approx(1.0) and box.density == pytest.approx(1.0)
    assert box.box_lim["world.firearms"].iloc[0] > 0.6


def test_the_model_declares_parameters_outcomes_and_paired_seeds() -> None:
    model = marketsim_ema.model("kingpin", uncertainties={"world.firearms": (0.3, 0.9), "world.regions": (2, 4)},
                                levers={"policy.hvt_share": (0.0, 0.1)}, outcomes=OUTCOMES, seeds=2, steps=6,
                                burn_in=2, overrides=SMALL)
    assert isinstance(model, ema_workbench.ReplicatorModel)
    assert {u.name: type(u).__name__ for u in model.uncertainties} == {
        "world__firearms": "RealParameter", "world__regions": "IntegerParameter"}
    assert [(lever.name, lever.lower_bound, lever.upper_bound) for lever in model.levers] == [
        ("policy__hvt_share", 0.0, 0.1)]
    assert [outcome.name for outcome in model.outcomes] == [
        *OUTCOMES, *(f"{metric}_series" for metric in marketsim_ema.SERIES), "TIME"]
    assert [replication["seed"] for replication in model.replications] == seed_list(2)


def test_perform_experiments_runs_marketsim() -> None:
    model = marketsim_ema.model("baseline", uncertainties={"world.firearms": (0.3, 0.9)}, levers={},
                                outcomes=OUTCOMES, seeds=2, steps=6, burn_in=2, overrides=SMALL)
    experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=3)
    assert len(experiments) == 3 and outcomes["homicides"].shape == (3,)
    firearms = experiments["world__firearms"].iloc[0]
    expected = np.mean([marketsim_ema.run_experiment("baseline", 6, 2, OUTCOMES, seed,
                                                     world__firearms=firearms,
                                                     **{k.replace(".", "__"): v for k, v in SMALL.items()})["homicides"]
                        for seed in seed_list(2)])
    assert outcomes["homicides"][0] == pytest.approx(expected)


def test_bad_declarations_are_named_before_anything_runs() -> None:
    with pytest.raises(SweepError) as caught:
        marketsim_ema.model(uncertainties={"world.firarms": (0.3, 0.9), "policy.hvt_share": (0.0, 2.0)},
                            levers=["policy.hvt_share", "world.regions"], outcomes=["homicide"], seeds=0)
    problems = caught.value.problems
    assert "uncertainties: unknown parameter world.firarms — did you mean world.firearms?" in problems
    assert any(p.startswith("uncertainties: policy.hvt_share = 2") and "out of range" in p for p in problems)
    assert any("world.regions declares no plausible range: give one" in p for p in problems)
    assert any(p.startswith("outcomes: unknown metric 'homicide' — did you mean 'homicides'?") for p in problems)
    assert "seeds = 0: allowed a whole number ≥ 1" in problems


def test_the_default_model_takes_levers_and_uncertainties_from_the_declared_roles() -> None:
    model = marketsim_ema.model("baseline", outcomes=OUTCOMES, seeds=1, steps=6, burn_in=2)
    assert [u.name for u in model.uncertainties] == [path.replace(".", "__") for path in marketsim_ema.INFLUENTIAL]
    everything = marketsim_ema.model("baseline", uncertainties="all", outcomes=OUTCOMES, seeds=1, steps=6, burn_in=2)
    assert [u.name for u in everything.uncertainties] == [
        path.replace(".", "__") for path, spec in SPECS.items() if spec.role == "uncertainty"]
    assert [lever.name for lever in model.levers] == [
        path.replace(".", "__") for path, spec in SPECS.items() if spec.role == "lever" and spec.kind != "table"]
    levers = {lever.name: lever for lever in model.levers}
    baseline = ms.load_scenario("baseline")
    others = sum(baseline.get(f"policy.{name}") for name in BUDGET_SHARES if name != "hvt_share")
    assert levers["policy__hvt_share"].upper_bound == pytest.approx(1 - others)  # what the other shares leave
    assert levers["harm__naloxone_coverage"].upper_bound == 1.0
    assert [c.value for c in levers["policy__deterrence_allocation"].categories] == ["ranked", "uniform"]


def test_the_default_uncertainties_are_the_most_influential_of_the_robustness_report() -> None:
    report = (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8").split("## 3. What matters most?")[1]
    top = []
    for outcome in ("Homicides", "Overdose deaths", "Prison population"):
        table = report.split(f"**{outcome}**")[1].split("\n\n")[1]
        rows = [row for row in table.splitlines() if re.match(r"\| \d+ \|", row)]
        above = [row for row in rows[:5] if "below the noise floor" not in row]
        assert above, f"no index of {outcome} above the noise floor"
        top += [re.search(r"`([\w.]+)`", row).group(1) for row in above]
    assert list(marketsim_ema.INFLUENTIAL) == list(dict.fromkeys(top))
    assert all(SPECS[path].role == "uncertainty" for path in marketsim_ema.INFLUENTIAL)
    with pytest.raises(SweepError, match="uncertainties = 'most': allowed 'influential', 'all'"):
        marketsim_ema.model(uncertainties="most")


def test_time_series_outcomes_feed_the_workbench_envelopes() -> None:
    from ema_workbench.analysis import plotting

    model = marketsim_ema.model("baseline", uncertainties={"world.firearms": (0.3, 0.9)}, levers={},
                                outcomes=OUTCOMES, series=["homicides"], seeds=2, steps=6, burn_in=2,
                                overrides=SMALL)
    assert [(o.name, type(o).__name__) for o in model.outcomes] == [
        ("homicides", "ScalarOutcome"), ("overdose_deaths", "ScalarOutcome"),
        ("homicides_series", "TimeSeriesOutcome"), ("TIME", "TimeSeriesOutcome")]
    experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=3)
    assert outcomes["homicides_series"].shape == (3, 6)
    np.testing.assert_allclose(outcomes["TIME"][0], np.arange(1, 7) / 52)
    firearms = experiments["world__firearms"].iloc[1]
    replications = [marketsim_ema.run_experiment("baseline", 6, 2, [], seed, series=["homicides"],
                                                 world__firearms=firearms,
                                                 **{k.replace(".", "__"): v for k, v in SMALL.items()})
                    for seed in seed_list(2)]
    np.testing.assert_allclose(outcomes["homicides_series"][1],
                               np.mean([r["homicides_series"] for r in replications], axis=0))
    figure, _ = plotting.envelopes(experiments, outcomes, outcomes_to_show=["homicides_series"])
    assert figure is not None


def test_budget_shares_sampled_together_beyond_the_budget_are_refused_one_experiment_at_a_time(
        caplog: pytest.LogCaptureFixture) -> None:
    model = marketsim_ema.model("baseline", uncertainties={"world.firearms": (0.3, 0.9)},
                                levers={"policy.hvt_share": (0.0, 1.0), "policy.street_share": (0.0, 1.0)},
                                outcomes=OUTCOMES, series=[], seeds=1, steps=4, burn_in=2, overrides=SMALL)
    (constraint,) = marketsim_ema.budget_constraints(model)
    assert isinstance(constraint, ema_workbench.Constraint)
    assert constraint.parameter_names == ["policy__hvt_share", "policy__street_share"]
    assert marketsim_ema.over_budget(0.7, 0.5) == pytest.approx(0.2) and marketsim_ema.over_budget(0.3, 0.5) == 0
    policies = [ema_workbench.Policy("fits", policy__hvt_share=0.3, policy__street_share=0.5),
                ema_workbench.Policy("overspends", policy__hvt_share=0.7, policy__street_share=0.5)]
    experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=1, policies=policies)
    refused = (experiments["policy"] == "overspends").to_numpy()
    assert np.isnan(outcomes["homicides"][refused]).all() and not np.isnan(outcomes["homicides"][~refused]).any()
    assert any("policy budget shares set together add up to 1.2" in record.getMessage() for record in caplog.records)
    one_share = marketsim_ema.model("baseline", uncertainties={}, levers={"policy.hvt_share": (0.0, 1.0)},
                                    outcomes=OUTCOMES, seeds=1, steps=4, burn_in=2)
    assert marketsim_ema.budget_constraints(one_share) == []
