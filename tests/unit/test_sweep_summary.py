"""Sweep summaries, sensitivity indices, figures, the EMA Workbench export, and the command line.

Indices are checked on synthetic outcomes with a known answer (the model's own numbers are
being calibrated); the model runs only to check that the files are written and consistent.
"""

from __future__ import annotations

import json
import math
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from scipy import stats
from typer.testing import CliRunner

from marketsim.cli import common
from marketsim.cli import main as cli
from marketsim.cli import sweep as sweep_cli
from marketsim.sweep import (
    SweepError,
    design_points,
    make_spec,
    plan_sweep,
    point_statistics,
    run_sweep,
    sensitivity_indices,
    summarise_sweep,
)
from marketsim.sweep.summary import noise_notes

SMALL = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}
OUTCOMES = ["homicides", "overdose_deaths"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SPEC_TOML = """
scenarios = ["baseline"]
steps = 8
burn_in = 2
seeds = 2
outcomes = ["homicides", "overdose_deaths"]
[design]
kind = "lhs"
samples = 12
[params]
policy.hvt_share = { min = 0.0, max = 0.1 }
world.firearms = { min = 0.3, max = 0.9 }
[overrides]
world = { producers = 600, neighbourhoods = 12, neighbourhood_population = 50000 }
"""

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Print wide enough that no line or cell is wrapped, whatever the terminal."""
    monkeypatch.setattr(common, "console", Console(width=250, highlight=False))


@pytest.fixture(scope="module")
def lhs_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = tmp_path_factory.mktemp("lhs") / "lhs.toml"
    spec.write_text(SPEC_TOML, encoding="utf-8")
    out = spec.parent / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "console", Console(width=250, highlight=False))
        result = runner.invoke(sweep_cli.sweep_app, [str(spec), "--out", str(out), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "24 runs in" in result.stdout and "24 ran" in result.stdout and "0 failed" in result.stdout
    return out


# -- statistics --------------------------------------------------------------------------------
def test_point_statistics_are_mean_sd_and_t_interval_over_replicates() -> None:
    runs = pd.DataFrame({"scenario": ["a"] * 5 + ["b"] * 3, "point": [0, 0, 0, 1, 1, 0, 0, 0],
                         "x": [0.1, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.1],
                         "homicides": [1.0, 2.0, 4.0, 3.0, 3.5, 0.0, 1.0, 5.0]})
    table = point_statistics(runs, ["x"], ["homicides"], level=0.9).set_index(["scenario", "point"])
    assert list(table.index) == [("a", 0), ("a", 1), ("b", 0)]
    for (scenario, point), row in table.iterrows():
        values = runs[(runs.scenario == scenario) & (runs.point == point)]["homicides"]
        half = stats.t.ppf(0.95, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
        assert row["runs"] == len(values) and row["x"] == runs.loc[values.index[0], "x"]
        assert row["mean"] == pytest.approx(values.mean()) and row["sd"] == pytest.approx(values.std(ddof=1))
        factor = np.exp(half / values.mean())  # counts: the t-interval of the log of the mean
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((values.mean() / factor, values.mean() * factor))
        assert row["ci_low"] > 0


@pytest.mark.parametrize("design", [{"kind": "lhs", "samples": 64}, {"kind": "sobol", "samples": 64}])
def test_sensitivity_indices_find_the_parameter_that_matters(design: dict) -> None:
    spec = make_spec({"params": {"policy.hvt_share": {"min": 0.0, "max": 0.2},
                                 "world.firearms": {"min": 0.3, "max": 0.9}},
                      "design": design, "overrides": SMALL, "steps": 8, "burn_in": 2, "seeds": 2,
                      "outcomes": ["homicides"]})
    record = plan_sweep(spec).record()
    points = design_points(spec)
    noise = np.random.default_rng(0).normal(0, 0.01, (len(points), 2))
    runs = pd.DataFrame([{"scenario": "baseline", "point": point, "replicate": replicate,
                          "homicides": 10 * row["policy.hvt_share"] + 0.1 * row["world.firearms"]
                          + noise[point, replicate]}
                         for point, row in points.iterrows() for replicate in range(2)])
    table, notes = sensitivity_indices(record, runs)
    assert notes == []
    table = table.set_index("parameter")
    assert list(table["method"].unique()) == ["rbd_fast" if design["kind"] == "lhs" else "sobol"]
    assert table.loc["policy.hvt_share", "S1"] > 0.8 > 0.2 > table.loc["world.firearms", "S1"]
    assert table.loc["policy.hvt_share", "role"] == "lever" and table.loc["world.firearms", "role"] == "uncertainty"
    if design["kind"] == "sobol":
        assert table.loc["policy.hvt_share", "ST"] > 0.8 > 0.2 > table.loc["world.firearms", "ST"]
    else:
        assert table["ST"].isna().all()


def test_indices_that_are_estimation_noise_are_flagged() -> None:
    table = pd.DataFrame({"scenario": "baseline", "outcome": "homicides", "parameter": ["a", "b", "c"],
                          "S1": [0.6, -0.02, 0.1], "S1_conf": [0.1, 0.05, 0.2]})
    assert noise_notes(table, 256) == [], "a slightly negative estimate whose CI reaches 0 is a zero index"
    table.loc[1, "S1"] = -0.3
    (note,) = noise_notes(table, 20)
    assert note.startswith("too few samples: from 20 design points, 1 of 3 first-order indices are below 0 even at "
                           "the top of their 95% CI (e.g. b on homicides: -0.30)")
    table.loc[1, "S1_conf"] = math.nan  # no interval: the estimate alone
    assert noise_notes(table, 20)


def test_without_salib_the_summary_says_why_it_has_no_indices(monkeypatch: pytest.MonkeyPatch) -> None:
    record = plan_sweep(make_spec({"params": {"policy.hvt_share": {"min": 0.0, "max": 0.2}}, "overrides": SMALL,
                                   "design": {"kind": "lhs", "samples": 12}, "steps": 8, "burn_in": 2,
                                   "seeds": 1})).record()
    monkeypatch.setitem(sys.modules, "SALib.analyze", None)  # as if not installed
    table, notes = sensitivity_indices(record, pd.DataFrame())
    assert table.empty and notes == ["computing sensitivity indices needs SALib, which is not installed "
                                     "(pip install 'marketsim[sweep]')"]


# -- summarise on a real sweep -----------------------------------------------------------------
def test_summarise_writes_points_indices_figures_and_the_ema_export(lhs_sweep: Path) -> None:
    summary = summarise_sweep(lhs_sweep)
    assert (summary.total, summary.ok, summary.failed, summary.missing) == (24, 24, 0, 0)
    assert len(summary.points) == 12 * len(OUTCOMES) and (summary.points["runs"] == 2).all()
    assert set(summary.sensitivity["outcome"]) <= set(OUTCOMES)
    skipped = [note for note in summary.notes if not note.startswith("too few samples")]
    assert len(summary.sensitivity) + 2 * len(skipped) == 2 * len(OUTCOMES)
    for name in ("points.parquet", "sensitivity.parquet", "ema_results.tar.gz"):
        assert (lhs_sweep / name).exists()
    for outcome in OUTCOMES:
        assert (lhs_sweep / "figures" / f"{outcome}.png").read_bytes().startswith(PNG_MAGIC)
    runs = pd.read_parquet(lhs_sweep / "summary.parquet")
    means = runs.groupby("point")["homicides"].mean()
    table = summary.points[summary.points["outcome"] == "homicides"].set_index("point")
    assert table["mean"].to_numpy() == pytest.approx(means.loc[table.index].to_numpy())


def test_ema_export_is_what_the_workbench_loads(lhs_sweep: Path) -> None:
    summarise_sweep(lhs_sweep, figures=False)
    with tarfile.open(lhs_sweep / "ema_results.tar.gz", "r:gz") as archive:
        metadata = json.loads(archive.extractfile("metadata.json").read())
        experiments = pd.read_csv(archive.extractfile("experiments.csv"))
        outcomes = {name: pd.read_csv(archive.extractfile(filename), header=None).to_numpy().ravel()
                    for kind, name, filename in metadata["outcomes"] if kind == "ScalarOutcome"}
    assert list(experiments.columns) == ["world.firearms", "policy.hvt_share", "seed", "scenario", "policy", "model"]
    assert set(metadata["experiments"]) == set(experiments.columns)
    assert metadata["experiments"]["policy"] == "category" and set(experiments["model"]) == {"marketsim"}
    runs = pd.read_parquet(lhs_sweep / "summary.parquet")
    assert list(outcomes) == OUTCOMES
    for name, values in outcomes.items():
        assert values == pytest.approx(runs[name].to_numpy())
    assert experiments["policy.hvt_share"].to_numpy() == pytest.approx(runs["policy.hvt_share"].to_numpy())


# -- the command line --------------------------------------------------------------------------
def test_cli_summarise_prints_the_counts_and_the_indices(lhs_sweep: Path) -> None:
    result = runner.invoke(sweep_cli.sweep_app, ["summarise", str(lhs_sweep), "--no-figures"])
    assert result.exit_code == 0, result.output
    assert "24 of 24 runs finished, 0 failed" in result.stdout
    assert "CI half-width per point" in result.stdout and "Wrote" in result.stdout


def test_cli_resume_keeps_the_finished_runs(lhs_sweep: Path) -> None:
    spec = lhs_sweep.parent / "lhs.toml"
    result = runner.invoke(sweep_cli.sweep_app, [str(spec), "--out", str(lhs_sweep), "-w", "1", "-q", "--resume"])
    assert result.exit_code == 0, result.output
    assert "0 ran" in result.stdout and "24 kept from before" in result.stdout


def test_cli_bad_spec_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(SPEC_TOML.replace("policy.hvt_share = { min = 0.0, max = 0.1 }",
                                      "policy.hvt_shar = { min = 0.1, max = 0.1 }"), encoding="utf-8")
    result = runner.invoke(sweep_cli.sweep_app, [str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "error: params: policy.hvt_shar: empty range [0.1, 0.1]: min must be less than max" in result.stderr
    result = runner.invoke(sweep_cli.sweep_app, [str(spec.with_name("nope.toml")), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    result = runner.invoke(sweep_cli.sweep_app, ["summarise", str(tmp_path / "out")])
    assert result.exit_code == 2 and "holds no sweep" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_cli_unknown_parameter_is_named_with_a_hint(tmp_path: Path) -> None:
    spec = tmp_path / "typo.toml"
    spec.write_text(SPEC_TOML.replace("policy.hvt_share", "policy.hvt_shar"), encoding="utf-8")
    result = runner.invoke(sweep_cli.sweep_app, [str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "unknown parameter policy.hvt_shar — did you mean policy.hvt_share?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_marketsim_command_has_the_sweep_group() -> None:
    result = runner.invoke(cli.app, ["sweep", "--help"])
    assert result.exit_code == 0, result.output
    assert "summarise" in result.stdout


def test_summarise_refuses_a_directory_without_runs(tmp_path: Path) -> None:
    with pytest.raises(SweepError, match="holds no sweep"):
        summarise_sweep(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_needs_somewhere_to_write() -> None:
    with pytest.raises(SweepError, match="no output directory"):
        run_sweep(scenarios=["baseline"], params={"policy.hvt_share": [0.1]})


def test_cli_summarise_at_80_columns_never_cuts_a_name(lhs_sweep: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "console", Console(width=80, highlight=False))
    result = runner.invoke(sweep_cli.sweep_app, ["summarise", str(lhs_sweep), "--no-figures"])
    assert result.exit_code == 0, result.output
    for name in ("policy.hvt_share", "world.firearms", "homicides", "baseline · homicides", "First order"):
        assert name in result.stdout
    assert "CI half-width per point" in result.stdout or "wider than this terminal" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
