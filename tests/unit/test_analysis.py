"""The shared analysis helpers: summaries, paired comparisons, numbers, figures, files.

Summaries and comparisons are checked on hand-made tables with known answers.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from marketsim import analysis
from marketsim.runs import BURN_IN

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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
    assert (alt["pct_ci_low"], alt["pct_ci_high"]) == pytest.approx((100 * (2 - half) / 2, 100 * (2 + half) / 2))
    assert (alt["group"], alt["unit"], alt["seeds"], alt["reference"]) == ("outcome", "deaths/week", 3, "ref")
    ref = table.loc[("homicides", "ref")]
    assert ref["mean"] == pytest.approx(2.0)  # a count: its interval is taken on the log scale of the mean
    assert (ref["ci_low"], ref["ci_high"]) == pytest.approx((2 * math.exp(-half / 2), 2 * math.exp(half / 2)))
    assert math.isnan(ref["diff"]) and math.isnan(ref["pct_change"])
    trust = table.loc[("trust", "alt")]
    assert (trust["diff"], trust["diff_ci_low"], trust["diff_ci_high"]) == (0, 0, 0)
    assert trust["pct_change"] == 0


def test_intervals_of_counts_stay_above_zero_and_differences_may_cross_it() -> None:
    counts = [0.0, 0.0, 5.0]  # a t-interval would run from -5.5 to 8.8
    mean, low, high = analysis.mean_ci(counts, nonnegative=True)
    half = stats.t.ppf(0.975, 2) * np.std(counts, ddof=1) / math.sqrt(3)
    assert (mean, low, high) == pytest.approx((5 / 3, 5 / 3 * math.exp(-half * 3 / 5), 5 / 3 * math.exp(half * 3 / 5)))
    assert 0 < low < mean < high
    assert analysis.mean_ci([0.0, 0.0], nonnegative=True) == (0.0, 0.0, 0.0)
    assert analysis.mean_ci(counts) == pytest.approx((5 / 3, 5 / 3 - half, 5 / 3 + half))  # a signed quantity
    signed = stats.t.ppf(0.975, 2) * 3.0 / math.sqrt(3)  # values -1, 2, 5: sd 3
    assert analysis.mean_ci([-1.0, 2.0, 5.0], nonnegative=True) == pytest.approx((2.0, 2 - signed, 2 + signed))


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


def test_summarise_runs_leaves_out_the_default_burn_in() -> None:
    runs = weekly("a", 1, [1000.0] * BURN_IN + [1.0, 3.0])
    assert analysis.summarise_runs(runs)["homicides"].tolist() == [2.0]


def test_mean_ci_with_one_value_has_no_interval() -> None:
    mean, low, high = analysis.mean_ci([3.0, math.nan])
    assert mean == 3.0 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(value) for value in analysis.mean_ci([]))


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "options", "text"), [
    (1234.5, {}, "1,234"), (12.345, {}, "12.3"), (0.0123, {}, "0.0123"), (math.nan, {}, "—"),
    (2.5, {"signed": True}, "+2.5"), (-2.5, {"signed": True}, "-2.5"), (0, {"signed": True}, "0"),
    (35_000, {"compact": True}, "35k"), (1_250_000, {"compact": True}, "1.25M"), (4200, {"compact": True}, "4,200"),
])
def test_one_number_format_everywhere(value: float, options: dict, text: str) -> None:
    assert analysis.format_number(value, **options) == text


def test_percent_changes() -> None:
    assert [analysis.format_percent(v) for v in (12.4, -3.21, 0.0, math.nan)] == ["+12%", "-3.2%", "+0.0%", "—"]


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
