"""The shared analysis helpers: seeds, batches of runs, summaries, paired comparisons, files.

Summaries and comparisons are checked on hand-made tables with known answers; runs are
a few weeks in a small world.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import marketsim as ms
from marketsim import analysis

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# -- seeds -------------------------------------------------------------------------------------
def test_seed_list_is_reproducible_distinct_and_prefix_stable() -> None:
    seeds = analysis.seed_list(20)
    assert seeds == analysis.seed_list(20)
    assert len(set(seeds)) == 20
    assert analysis.seed_list(5) == seeds[:5]
    assert analysis.seed_list(5, base=1) != seeds[:5]
    assert all(isinstance(seed, int) and seed >= 0 for seed in seeds)
    with pytest.raises(ValueError, match="n = -1"):
        analysis.seed_list(-1)


# -- running -----------------------------------------------------------------------------------
def test_run_many_stacks_tidy_rows_with_paired_seeds() -> None:
    calls: list[tuple[int, int]] = []
    runs = analysis.run_many(["baseline", "kingpin"], 2, 4, SMALL_WORLD, progress=lambda *c: calls.append(c))
    assert list(runs.columns[:3]) == ["scenario", "seed", "step"]
    assert len(runs) == 2 * 2 * 4
    assert list(pd.unique(runs["scenario"])) == ["baseline", "kingpin"]
    for _, group in runs.groupby("scenario"):
        assert list(pd.unique(group["seed"])) == analysis.seed_list(2)
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    single = ms.run("kingpin", seed=analysis.seed_list(2)[1], steps=4, overrides=SMALL_WORLD)
    again = runs[(runs["scenario"] == "kingpin") & (runs["seed"] == analysis.seed_list(2)[1])]
    pd.testing.assert_frame_equal(again.drop(columns=["scenario", "seed"]).reset_index(drop=True), single)


def test_run_many_validates_everything_before_the_first_run(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    with pytest.raises(ms.ScenarioError) as caught:
        analysis.run_many(["baseline", "nope", "zero_tolerence"], [1], 4, SMALL_WORLD, progress=progress)
    assert [problem.split(" (presets")[0] for problem in caught.value.problems] == [
        "unknown scenario 'nope'", "unknown scenario 'zero_tolerence' — did you mean 'zero_tolerance'?"]
    # a problem only the built world reveals, in the second scenario
    region = tmp_path / "region.toml"
    region.write_text('[policy]\neradication_region = "region_9"\n', encoding="utf-8")
    with pytest.raises(ms.ScenarioError, match="'region_9' is not in this world"):
        analysis.run_many(["baseline", region], [1], 4, SMALL_WORLD, progress=progress)
    with pytest.raises(ms.ScenarioError, match="scenario 'baseline' is given more than once"):
        analysis.run_many(["baseline", "baseline"], [1], 4, progress=progress)
    assert calls == []


@pytest.mark.parametrize(("seeds", "steps", "message"), [
    ([], 4, "no seeds"), ([3, 3], 4, "seeds must be distinct"), ([-1], 4, "≥ 0"), (1, 0, "steps = 0"),
])
def test_run_many_rejects_bad_seeds_and_steps(seeds: list[int] | int, steps: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analysis.run_many("baseline", seeds, steps, progress=False)


# -- summaries and comparisons -----------------------------------------------------------------
def weekly(scenario: str, seed: int, homicides: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"scenario": scenario, "seed": seed, "step": range(1, len(homicides) + 1),
                         "homicides": homicides, "trust": 0.5})


def test_summarise_runs_averages_after_burn_in_and_keeps_order() -> None:
    runs = pd.concat([weekly("b", 2, [10, 1, 3]), weekly("b", 1, [10, 5, 7]), weekly("a", 2, [0, 2, 2])])
    summary = analysis.summarise_runs(runs, burn_in=1)
    assert summary[["scenario", "seed"]].values.tolist() == [["b", 2], ["b", 1], ["a", 2]]
    assert summary["homicides"].tolist() == [2, 6, 2]
    assert "step" not in summary.columns
    with pytest.raises(ValueError, match="burn_in = 3 leaves no weeks: the runs have 3 weeks"):
        analysis.summarise_runs(runs, burn_in=3)


def test_compare_pairs_by_seed() -> None:
    summary = pd.DataFrame({
        "scenario": ["ref"] * 3 + ["alt"] * 3,
        "seed": [1, 2, 3, 3, 1, 2],                 # the alternative's rows in another order
        "homicides": [1.0, 2.0, 3.0, 6.0, 2.0, 4.0],  # alt = 2 × ref, seed by seed
        "trust": [0.5] * 6,
    })
    table = analysis.compare(summary).set_index(["metric", "scenario"])
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)  # per-seed differences 1, 2, 3: sd 1
    alt = table.loc[("homicides", "alt")]
    assert alt["diff"] == pytest.approx(2.0)
    assert (alt["diff_ci_low"], alt["diff_ci_high"]) == pytest.approx((2 - half, 2 + half))
    assert alt["pct_change"] == pytest.approx(100.0)
    assert (alt["group"], alt["unit"], alt["seeds"], alt["reference"]) == ("outcome", "deaths/week", 3, "ref")
    ref = table.loc[("homicides", "ref")]
    assert ref["mean"] == pytest.approx(2.0)
    assert (ref["ci_low"], ref["ci_high"]) == pytest.approx((2 - half, 2 + half))
    assert math.isnan(ref["diff"]) and math.isnan(ref["pct_change"])
    trust = table.loc[("trust", "alt")]
    assert (trust["diff"], trust["diff_ci_low"], trust["diff_ci_high"]) == (0, 0, 0)
    assert trust["pct_change"] == 0


def test_compare_reference_and_metric_choice() -> None:
    summary = pd.DataFrame({"scenario": ["a", "a", "b", "b"], "seed": [1, 2, 1, 2],
                            "homicides": [4.0, 6.0, 2.0, 2.0], "production_share_region_1": [0.2, 0.4, 0.1, 0.1],
                            "lever": [1, 1, 2, 2]})
    table = analysis.compare(summary, reference="b", metrics=["homicides"])
    assert table["metric"].unique().tolist() == ["homicides"]
    assert table.loc[table["scenario"] == "a", "pct_change"].item() == pytest.approx(150.0)
    default = analysis.compare(summary)
    assert default["metric"].unique().tolist() == ["homicides", "production_share_region_1"]  # not "lever"
    assert default.loc[default["metric"] == "production_share_region_1", "group"].unique().tolist() == ["market"]
    with pytest.raises(ValueError, match="reference 'c' is not in the summary"):
        analysis.compare(summary, reference="c")
    with pytest.raises(ValueError, match="did you mean 'homicides'"):
        analysis.compare(summary, metrics=["homicide"])
    with pytest.raises(ValueError, match="column 'lever' is not a model metric"):
        analysis.compare(summary, metrics=["lever"])


def test_mean_ci_with_one_value_has_no_interval() -> None:
    mean, low, high = analysis.mean_ci([3.0, math.nan])
    assert mean == 3.0 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(value) for value in analysis.mean_ci([]))


# -- figures and files -------------------------------------------------------------------------
def test_plot_series_writes_a_png_atomically(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    runs = pd.concat([weekly(name, seed, list(rng.poisson(3, 30))) for name in ("a", "b") for seed in (1, 2)])
    path = analysis.plot_series(runs, ["homicides", "trust"], tmp_path / "fig" / "series.png", smooth=4)
    assert path.read_bytes().startswith(PNG_MAGIC)
    assert [p.name for p in path.parent.iterdir()] == ["series.png"]
    with pytest.raises(ValueError, match=r"\.png"):
        analysis.plot_series(runs, ["homicides"], tmp_path / "series.jpg")
    with pytest.raises(ValueError, match="metrics not in the runs: arrests"):
        analysis.plot_series(runs, ["homicides", "arrests"], tmp_path / "other.png")
    assert not (tmp_path / "series.jpg").exists() and not (tmp_path / "other.png").exists()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_write_table_round_trips(tmp_path: Path, suffix: str) -> None:
    table = weekly("a", 1, [1.0, 2.0])
    path = analysis.write_table(table, tmp_path / "new" / f"t{suffix}")
    back = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    assert back["homicides"].tolist() == [1.0, 2.0] and back["scenario"].tolist() == ["a", "a"]


def test_write_table_rejects_other_formats(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot write a table as '\.xlsx'; allowed \.csv or \.parquet"):
        analysis.write_table(weekly("a", 1, [1.0]), tmp_path / "t.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), analysis.atomic_path(path) as temporary:
        temporary.write_text("half")
        raise RuntimeError("interrupted")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_output_path_problems_are_found_without_writing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert analysis.file_problems(tmp_path / "a" / "b" / "t.csv", analysis.TABLE_FORMATS) == []
    assert analysis.file_problems(tmp_path / "t.txt", analysis.TABLE_FORMATS) == [
        f"{tmp_path / 't.txt'}: the file name must end in .csv or .parquet"]
    assert analysis.file_problems(tmp_path, (".png",))[-1] == f"{tmp_path} is a directory, not a file"
    assert analysis.directory_problems(plain / "sub") == [f"cannot create directory {plain / 'sub'}: "
                                                          f"{plain} is not a directory"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.txt"]
