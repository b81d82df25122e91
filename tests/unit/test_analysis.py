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
def test_plot_series_returns_a_figure_in_years_with_the_burn_in_shaded_and_saves_it_atomically(
        tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    rng = np.random.default_rng(0)
    runs = pd.concat([weekly(name, seed, list(rng.poisson(3, 104))) for name in ("a", "b") for seed in (1, 2)])
    figure = analysis.plot_series(runs, ["homicides", "trust"], smooth=4, burn_in=26)
    assert isinstance(figure, Figure)
    first = figure.axes[0]
    assert first.get_xlabel() == "year (4-week rolling mean)" and first.get_xlim() == (0, 2)
    (shaded,) = first.patches
    assert shaded.get_x() == 0 and shaded.get_width() == pytest.approx(0.5), "the burn-in: weeks 1-26, half a year"
    assert figure._repr_png_().startswith(PNG_MAGIC), "a notebook draws it without pyplot"
    for suffix, magic in ((".png", PNG_MAGIC), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        path = tmp_path / "fig" / f"series{suffix}"
        assert isinstance(analysis.plot_series(runs, ["homicides"], path), Figure)
        assert path.read_bytes().startswith(magic)
    assert sorted(p.name for p in (tmp_path / "fig").iterdir()) == ["series.pdf", "series.png", "series.svg"]
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        analysis.plot_series(runs, ["homicides"], tmp_path / "series.jpg")
    with pytest.raises(ValueError, match="metrics not in the runs: arrests"):
        analysis.plot_series(runs, ["homicides", "arrests"], tmp_path / "other.png")
    assert not (tmp_path / "series.jpg").exists() and not (tmp_path / "other.png").exists()


def test_plot_differences_returns_a_forest_plot(tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    runs = pd.concat([weekly(name, seed, [float(seed + (name == "b"))] * 60) for name in ("a", "b")
                      for seed in (1, 2, 3)])
    table = analysis.compare(analysis.summarise_runs(runs, burn_in=2))
    figure = analysis.plot_differences(table, path=tmp_path / "d.png")
    assert isinstance(figure, Figure) and (tmp_path / "d.png").read_bytes().startswith(PNG_MAGIC)
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert labels == ["homicides (outcome)", "trust (outcome)"]
    with pytest.raises(ValueError, match="no differences to plot"):
        analysis.plot_differences(table[table["scenario"] == "a"])


def test_totals_over_the_run_with_intervals_and_paired_differences() -> None:
    runs = pd.concat([weekly(name, seed, [float(seed + 2 * (name == "b"))] * 10) for name in ("a", "b")
                      for seed in (1, 2, 3)])
    table = analysis.totals(runs, burn_in=2).set_index(["metric", "scenario"])
    assert list(table.index.get_level_values("metric").unique()) == ["homicides"], "trust is a level: no total"
    a, b = table.loc[("homicides", "a")], table.loc[("homicides", "b")]
    assert a["mean"] == pytest.approx(8 * 2) and a["unit"] == "deaths"
    assert (a["weeks"], a["years"]) == ("3–10", pytest.approx(8 / 52))
    assert a["ci_low"] < a["mean"] < a["ci_high"]
    assert b["diff"] == pytest.approx(8 * 2) and b["diff_ci_low"] == pytest.approx(16)
    with pytest.raises(ValueError, match="'trust' is not a flow"):
        analysis.totals(runs, metrics=["trust"], burn_in=2)


def test_long_format_has_one_row_per_metric_value() -> None:
    runs = weekly("a", 1, [1.0, 2.0])
    long = analysis.long_format(runs)
    assert list(long.columns) == ["scenario", "seed", "step", "metric", "value", "unit", "group"]
    assert long[long["metric"] == "homicides"]["value"].tolist() == [1.0, 2.0]
    assert set(long["unit"]) == {"deaths/week", "0-1"}
    summary = analysis.long_format(analysis.summarise_runs(runs, burn_in=0))
    assert list(summary.columns) == ["scenario", "seed", "metric", "value", "unit", "group"]


def test_short_runs_shrink_the_default_burn_in_and_say_so() -> None:
    runs = weekly("a", 1, [1.0] * 5 + [3.0] * 5)
    with pytest.warns(analysis.BurnInWarning, match="a 10-week run is no longer than the default burn-in of 52 "
                                                    "weeks: averages cover weeks 6–10"):
        assert analysis.summarise_runs(runs)["homicides"].tolist() == [3.0]


def test_the_package_exports_the_analysis_entry_points() -> None:
    import marketsim as ms

    assert ms.compare is analysis.compare and ms.summarise_runs is analysis.summarise_runs
    assert ms.totals is analysis.totals and ms.long_format is analysis.long_format
    assert ms.plot_series is analysis.plot_series and ms.plot_differences is analysis.plot_differences


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
