"""Shared analysis helpers: summaries, paired comparisons, figures, numbers and files.

The command line, the sweeps, the lessons and the dashboard all build on these, so that every
part of marketsim summarises, compares, formats and writes results in the same way::

    import marketsim as ms
    from marketsim import analysis
    runs = ms.run_batch(["baseline", "focused_deterrence"], seeds=10, steps=520)
    table = ms.compare(ms.summarise_runs(runs))           # weekly means after the first BURN_IN weeks
    deaths = analysis.totals(runs, metrics=["homicides", "overdose_deaths"])   # totals, with CIs
    analysis.write_table(table, "out/compare.csv")
    figure = analysis.plot_series(runs, path="out/compare.png")   # a matplotlib Figure, also saved
    analysis.long_format(runs)                            # one row per scenario, seed, week and metric

Comparisons are paired: every scenario runs with the same list of seeds (``marketsim.runs``),
and differences are taken seed by seed before averaging, which removes most of the run-to-run
noise the scenarios share.
"""

from __future__ import annotations

import functools
import io
import math
import os
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from marketsim.config.errors import did_you_mean
from marketsim.outputs import METRICS, Metric, column_metric
from marketsim.runs import resolve_burn_in
from marketsim.sim.common import WEEKS_PER_YEAR
from marketsim.text import plural

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TABLE_FORMATS = (".csv", ".parquet")
"""File suffixes :func:`write_table` can write."""

KEY_OUTCOMES = (
    "homicides", "homicide_rate", "violent_incidents", "extortion", "overdose_deaths",
    "new_infections", "users", "dependent_users", "incarcerations", "prison_population",
    "trust", "corruption", "harm_index",
)
"""The outcome indicators shown first in summaries: violence, health, incarceration, governance."""

KEY_PROCESS = (
    "arrests", "arrests_users", "arrests_dealers", "arrests_traffickers", "leaders_removed",
    "seizures_kg", "eradicated_ha",
)
"""The process indicators (enforcement effort) shown in summaries."""

KEY_SERIES = (
    "homicides", "overdose_deaths", "prison_population", "trust", "arrests", "seizures_kg",
)
"""The weekly series drawn in run and comparison figures."""

ID_COLUMNS = ("scenario", "seed")

NOT_SETTLED = {
    "prison_population": "prison_population has not settled by the end of a ten-year run: it keeps rising (seed 1: "
                         "3,850 → 6,000 in the baseline, → 29,000 under zero tolerance), so its mean depends on "
                         "how long the runs are",
}
"""Metrics still trending at the end of the default ten-year run, and what that means for
their means: every table and chart that shows one says so."""

FIGURE_FORMATS = (".png", ".svg", ".pdf")
"""File suffixes a figure can be saved as."""


class BurnInWarning(UserWarning):
    """The default burn-in was shrunk because the runs are no longer than it."""


# -- numbers -----------------------------------------------------------------------------------
def format_number(value: float, signed: bool = False, compact: bool = False) -> str:
    """A number as every table, handout and chart shows it: thousands separators from 100 up,
    three significant digits below, "—" when there is no number.

    Args:
        value: the number.
        signed: put "+" before positive numbers (for differences).
        compact: write millions and tens of thousands as 1.2M and 35k (for chart axes).
    """
    if not math.isfinite(value):
        return "—"
    sign = "+" if signed and value > 0 else ""
    size = abs(value)
    if compact and size >= 1e6:
        return f"{sign}{value / 1e6:.3g}M"
    if compact and size >= 1e4:
        return f"{sign}{value / 1e3:.3g}k"
    return sign + (f"{value:,.0f}" if size >= 100 else f"{value:.3g}")


def format_percent(value: float) -> str:
    """A signed change in percent: whole percents from 10% up, one decimal below ("—" if none)."""
    if not math.isfinite(value):
        return "—"
    return f"{value:+.0f}%" if abs(value) >= 10 else f"{value:+.1f}%"


# -- summaries and comparisons -----------------------------------------------------------------
def is_metric(name: str) -> bool:
    """Whether a column is a model metric (``step`` is the time axis, not a metric)."""
    return name != "step" and column_metric(name) is not None


def metric_info(name: str) -> Metric:
    """A metric's unit, group and definition, including the per-region columns."""
    metric = column_metric(name)
    if metric is not None:
        return metric
    raise ValueError(f"unknown metric {name!r}{did_you_mean(name, METRICS)}")


def summarise_runs(runs: pd.DataFrame, burn_in: int | None = None) -> pd.DataFrame:
    """One row per (scenario, seed): each numeric metric's mean over the weeks after ``burn_in``
    (``ms.summarise_runs``).

    Args:
        runs: weekly metrics labelled by ``scenario`` and ``seed`` (as ``run_batch`` returns them).
        burn_in: weeks at the start of each run left out (default ``marketsim.runs.BURN_IN``; runs
            no longer than that leave out their first half, with a :class:`BurnInWarning`).
    """
    kept = _after_burn_in(runs, burn_in).drop(columns="step")
    return kept.groupby(list(ID_COLUMNS), sort=False).mean().reset_index()


def totals(runs: pd.DataFrame, reference: str | None = None, metrics: Sequence[str] | None = None,
           burn_in: int | None = None) -> pd.DataFrame:
    """Totals over the run — "deaths over ten years" — with 95% CIs and paired differences.

    Each flow metric (a count per week: homicides, overdose deaths, arrests, ...) is summed over
    the weeks after ``burn_in`` in each run; the table is then that of :func:`compare` (mean over
    seeds, 95% CI, paired difference from the reference), in the metric's unit without "/week",
    with the weeks and years the totals cover. For a total over ten years after the burn-in,
    run 572 weeks; ``burn_in=0`` counts every week.

    Args:
        runs: weekly metrics labelled by ``scenario`` and ``seed`` (as ``run_batch`` returns them).
        reference: the scenario differences are taken from (default: the first).
        metrics: flow metrics to total (default: every flow metric in the runs).
        burn_in: weeks at the start of each run left out, as in :func:`summarise_runs`.
    """
    kept = _after_burn_in(runs, burn_in)
    flows = [name for name in kept.columns if is_metric(name) and _is_flow(name)]
    if metrics is not None:
        problems = [f"{name!r} is not a flow (a count per week) that can be totalled: {metric_info(name).unit}"
                    for name in _chosen_metrics(kept, metrics) if name not in flows]
        if problems:
            raise ValueError("; ".join(problems))
        flows = list(metrics)
    per_seed = kept.groupby(list(ID_COLUMNS), sort=False)[flows].sum().reset_index()
    table = compare(per_seed, reference)
    table["unit"] = table["unit"].str.removesuffix("/week")
    first, last = int(kept["step"].min()), int(kept["step"].max())
    table.insert(4, "weeks", f"{first}–{last}")
    table.insert(5, "years", (last - first + 1) / WEEKS_PER_YEAR)
    return table


def long_format(table: pd.DataFrame) -> pd.DataFrame:
    """A table with one column per metric as a long (tidy) table: one row per metric and what
    identifies it (scenario, seed, step, a sweep's point, ...), with ``metric``, ``value``,
    ``unit`` and ``group`` columns — the shape plotting libraries such as seaborn and altair take.

    Works on the weekly runs, on :func:`summarise_runs` and on a sweep's summary alike: every
    column that is not a model metric identifies the row.
    """
    metrics = [name for name in table.columns if is_metric(name)]
    identifiers = [name for name in table.columns if name not in metrics]
    long = table.melt(id_vars=identifiers, value_vars=metrics, var_name="metric", value_name="value")
    info = {name: metric_info(name) for name in metrics}
    long["unit"] = long["metric"].map({name: item.unit for name, item in info.items()})
    long["group"] = long["metric"].map({name: item.group for name, item in info.items()})
    return long


def _after_burn_in(runs: pd.DataFrame, burn_in: int | None) -> pd.DataFrame:
    """The weeks after the burn-in: the identifying columns, ``step`` and the numeric columns."""
    steps = int(runs["step"].max()) if len(runs) else 0
    burn_in, note = resolve_burn_in(burn_in, steps)
    if note:
        warnings.warn(note, BurnInWarning, stacklevel=3)
    if burn_in < 0:
        raise ValueError(f"burn_in = {burn_in}: allowed a whole number ≥ 0")
    kept = runs[runs["step"] > burn_in]
    if kept.empty:
        raise ValueError(f"burn_in = {burn_in} leaves no weeks: the runs have {steps} weeks")
    columns = [name for name in kept.columns if name not in ID_COLUMNS and is_numeric_dtype(kept[name])]
    return kept[[*ID_COLUMNS, *columns]]


def _is_flow(name: str) -> bool:
    """Whether a metric counts events per week, so that its weekly values add up to a total."""
    return metric_info(name).unit.endswith("/week")


def mean_ci(values: Sequence[float] | pd.Series | np.ndarray, level: float = 0.95,
            nonnegative: bool = False) -> tuple[float, float, float]:
    """Mean and two-sided confidence interval from the t-distribution; NaNs are ignored.

    With ``nonnegative`` (a count, rate or share, none of whose values is below zero) the
    t-interval is taken on the log scale of the mean (delta method), so it never goes below zero
    and is wider above the mean than below, as the spread of counts is; see :func:`t_interval`.
    With fewer than two values the interval is undefined (NaN).
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if data.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if data.size < 2:
        return mean, math.nan, math.nan
    low, high = t_interval(mean, float(data.std(ddof=1)), data.size, level, nonnegative and data.min() >= 0)
    return mean, float(low), float(high)


def t_interval(mean: Any, sd: Any, count: Any, level: float, nonnegative: Any) -> tuple[Any, Any]:
    """Bounds of the ``level`` t-interval of a mean (numbers or arrays, element by element).

    Where ``nonnegative`` holds and the mean is above zero the interval is
    ``mean × exp(∓ t·SE/mean)``: the t-interval of the log of the mean, whose standard error is
    SE/mean by the delta method, taken back to the original scale.
    """
    from scipy import stats

    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.t.ppf(0.5 + level / 2, np.asarray(count) - 1) * np.asarray(sd) / np.sqrt(count)
        factor = np.exp(half / mean)
        on_log_scale = np.asarray(nonnegative) & (np.asarray(mean) > 0)
        return (np.where(on_log_scale, mean / factor, mean - half),
                np.where(on_log_scale, mean * factor, mean + half))


def compare(summary: pd.DataFrame, reference: str | None = None,
            metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Per metric × scenario: mean and 95% CI, and the paired difference from a reference.

    ``summary`` is the output of :func:`summarise_runs`. The CI of a mean is a t-interval, on the
    log scale for metrics with no negative value (:func:`mean_ci`), so counts keep it above zero.
    The reference defaults to the first scenario. For the others, ``diff`` is the mean of the
    per-seed differences (scenario − reference, over the seeds both ran), with its 95% CI, and
    ``pct_change`` is that difference as a percentage of the reference mean over the same seeds
    (``pct_ci_low`` and ``pct_ci_high`` its CI).
    ``metrics`` defaults to every metric column in ``summary``.
    """
    scenarios = list(pd.unique(summary["scenario"]))
    if not scenarios:
        raise ValueError("the summary has no rows")
    reference = scenarios[0] if reference is None else reference
    if reference not in scenarios:
        raise ValueError(f"reference {reference!r} is not in the summary "
                         f"(scenarios: {', '.join(scenarios)})")
    names = _chosen_metrics(summary, metrics)
    by_scenario = {name: table.set_index("seed")
                   for name, table in summary.groupby("scenario", sort=False)}
    for name, table in by_scenario.items():
        if not table.index.is_unique:
            raise ValueError(f"scenario {name!r} has more than one row for a seed")
    base = by_scenario[reference]
    rows = []
    for metric in names:
        info = metric_info(metric)
        for scenario in scenarios:
            values = by_scenario[scenario][metric]
            mean, low, high = mean_ci(values, nonnegative=True)
            row = {"scenario": scenario, "metric": metric, "group": info.group, "unit": info.unit,
                   "seeds": int(values.notna().sum()), "mean": mean, "ci_low": low, "ci_high": high,
                   "reference": reference, "diff": math.nan, "diff_ci_low": math.nan,
                   "diff_ci_high": math.nan, "pct_change": math.nan, "pct_ci_low": math.nan,
                   "pct_ci_high": math.nan}
            if scenario != reference:
                paired = (values - base[metric]).dropna()
                row["diff"], row["diff_ci_low"], row["diff_ci_high"] = mean_ci(paired)
                base_mean = float(base[metric].loc[paired.index].mean()) if len(paired) else 0.0
                if base_mean != 0:
                    for name in ("", "_ci_low", "_ci_high"):
                        row[f"pct{name or '_change'}"] = 100 * row[f"diff{name}"] / base_mean
            rows.append(row)
    return pd.DataFrame(rows)


def _chosen_metrics(summary: pd.DataFrame, metrics: Sequence[str] | None) -> list[str]:
    if metrics is None:
        return [name for name in summary.columns if is_metric(name)]
    problems = []
    for name in metrics:
        if name not in summary.columns:
            known = [column for column in summary.columns if is_metric(column)]
            problems.append(f"metric {name!r} is not in the summary{did_you_mean(name, known)}")
        elif not is_metric(name):
            problems.append(f"column {name!r} is not a model metric")
    if problems:
        raise ValueError("; ".join(problems))
    return list(metrics)


# -- figures -----------------------------------------------------------------------------------
GROUP_COLOURS = {"outcome": "#b2182b", "process": "#2166ac", "market": "#4d4d4d", "cost": "#4d4d4d"}


def plot_series(runs: pd.DataFrame, metrics: Sequence[str] = KEY_SERIES, path: str | Path | None = None, *,
                smooth: int = 1, burn_in: int | None = None, columns: int = 3,
                panel_width: float = 4.8, panel_height: float = 3.3) -> Figure:
    """One panel per metric: each scenario's mean over seeds by year, with a 95% band and the
    burn-in shaded.

    Panels are titled with the metric and its unit and tagged OUTCOME, PROCESS, MARKET or COST.
    ``smooth`` > 1 first takes a rolling mean over that many weeks within each run, which makes
    weekly counts such as homicides readable.

    Args:
        runs: weekly metrics labelled by ``scenario`` and ``seed`` (as ``run_batch`` returns them).
        metrics: the metrics to draw, one panel each (default :data:`KEY_SERIES`).
        path: where to save the figure too (.png, .svg or .pdf, written atomically).
        smooth: weeks of the rolling mean (1: none).
        burn_in: the weeks shaded as the burn-in, left out of the averages (as in
            :func:`summarise_runs`; 0: none).
        columns: panels per row.
        panel_width: inches per panel; a printed A4 page suits two of 3.6.
        panel_height: inches per panel.

    Returns:
        The matplotlib Figure, to restyle, show (a notebook draws it) or save again.
    """
    target = _figure_path(path)
    if not metrics:
        raise ValueError("no metrics to plot")
    missing = [name for name in metrics if name not in runs.columns]
    if missing:
        raise ValueError(f"metrics not in the runs: {', '.join(missing)}")
    if smooth < 1:
        raise ValueError(f"smooth = {smooth}: allowed a whole number ≥ 1")
    steps = int(runs["step"].max())
    burn_in, _ = resolve_burn_in(burn_in, steps)
    figure, axes = panel_grid(len(metrics), panel_width=panel_width, columns=columns, panel_height=panel_height)
    scenarios = list(pd.unique(runs["scenario"]))
    for ax, metric in zip(axes, metrics, strict=True):
        info = metric_info(metric)
        if burn_in:
            ax.axvspan(0, burn_in / WEEKS_PER_YEAR, color="#000000", alpha=0.07, linewidth=0, label="burn-in")
        for colour, scenario in enumerate(scenarios):
            band = _weekly_band(runs[runs["scenario"] == scenario], metric, smooth)
            years = band.index / WEEKS_PER_YEAR
            ax.plot(years, band["mean"], color=f"C{colour}", linewidth=1.4, label=scenario)
            ax.fill_between(years, band["low"], band["high"], color=f"C{colour}", alpha=0.2, linewidth=0)
        ax.set_title(f"{metric} ({info.unit})", loc="left", fontsize="medium")
        ax.set_title(info.group.upper(), loc="right", fontsize="small",
                     color=GROUP_COLOURS[info.group], fontweight="bold")
        ax.set_xlabel("year" if smooth == 1 else f"year ({smooth}-week rolling mean)")
        ax.set_xlim(0, steps / WEEKS_PER_YEAR)
        ax.grid(alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    seeds = runs.groupby("scenario")["seed"].nunique().max()
    caption = f"mean of {plural(seeds, 'seed')}" + (", band: 95% CI" if seeds > 1 else "")
    if burn_in:
        caption += f"; shaded: the burn-in (weeks 1–{burn_in}), left out of averages"
    figure.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), title=caption,
                  frameon=False)
    if target is not None:
        save_figure(figure, target)
    return figure


def plot_differences(table: pd.DataFrame, metrics: Sequence[str] | None = None,
                     path: str | Path | None = None) -> Figure:
    """A forest plot of :func:`compare`'s paired differences: each metric's change from the
    reference in percent, with its 95% CI, one marker per scenario.

    Args:
        table: the output of :func:`compare` (or :func:`totals`).
        metrics: the metrics to show, top to bottom (default: every one in the table).
        path: where to save the figure too (.png, .svg or .pdf, written atomically).

    Returns:
        The matplotlib Figure.
    """
    target = _figure_path(path)
    metrics = list(pd.unique(table["metric"])) if metrics is None else list(metrics)
    shown = table[table["metric"].isin(metrics) & (table["scenario"] != table["reference"])]
    labels = [name for name in metrics if name in set(shown["metric"])]
    if not labels:
        raise ValueError("no differences to plot: the table has only the reference, or none of the metrics")
    scenarios = list(pd.unique(shown["scenario"]))
    figure, (ax,) = panel_grid(1, panel_width=7.5)
    figure.set_figheight(1.2 + 0.32 * len(labels) * max(1, len(scenarios) / 2))
    for colour, scenario in enumerate(scenarios):
        rows = shown[shown["scenario"] == scenario].set_index("metric").reindex(labels)
        offset = (colour - (len(scenarios) - 1) / 2) * 0.8 / max(1, len(scenarios))
        y = np.arange(len(labels)) + offset
        ax.errorbar(rows["pct_change"], y, xerr=[rows["pct_change"] - rows["pct_ci_low"],
                                                 rows["pct_ci_high"] - rows["pct_change"]],
                    fmt="o", color=f"C{colour}", markersize=4, capsize=2, label=scenario)
    ax.axvline(0, color="#4d4d4d", linewidth=0.8)
    ax.set_yticks(np.arange(len(labels)), [f"{name} ({metric_info(name).group})" for name in labels])
    ax.invert_yaxis()
    ax.set_xlabel(f"change from {table['reference'].iloc[0]} (% of its mean), 95% CI of the paired difference")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="best", fontsize="small", frameon=False)
    if target is not None:
        save_figure(figure, target)
    return figure


def save_figure(figure: Figure, path: str | Path, dpi: int = 110) -> Path:
    """Save a figure atomically as PNG, SVG or PDF, chosen by the file's suffix."""
    target = _figure_path(path) or Path(path)
    with atomic_path(target) as temporary:
        figure.savefig(temporary, format=target.suffix.lower().lstrip("."), dpi=dpi)
    return target


def _figure_path(path: str | Path | None) -> Path | None:
    """``path`` as a Path, checked to be a figure format (None stays None)."""
    if path is None:
        return None
    target = Path(path)
    if target.suffix.lower() not in FIGURE_FORMATS:
        raise ValueError(f"{target}: a figure must be written to a {', '.join(FIGURE_FORMATS)} file")
    return target


@functools.cache
def _figure_class() -> type[Figure]:
    """matplotlib's Figure, able to show itself in a notebook without pyplot (``_repr_png_``)."""
    from matplotlib.figure import Figure

    class ShownFigure(Figure):
        """A Figure that a notebook draws inline when it is a cell's result."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=110)
            return buffer.getvalue()

    return ShownFigure


def panel_grid(panels: int, panel_width: float, columns: int = 3,
               panel_height: float = 3.3) -> tuple[Figure, np.ndarray]:
    """A figure of ``panels`` panels, ``columns`` to a row, ready to draw on (spare places hidden).

    Returns:
        The figure (drawn with the Agg backend, no display needed; a notebook shows it inline)
        and its panels' axes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    columns = max(1, min(columns, panels))
    rows = math.ceil(panels / columns)
    figure = _figure_class()(figsize=(panel_width * columns, panel_height * rows + 0.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[panels:]:
        ax.set_visible(False)
    return figure, axes[:panels]


def _weekly_band(runs: pd.DataFrame, metric: str, smooth: int) -> pd.DataFrame:
    """Mean and 95% t-interval over seeds for each week, as :func:`mean_ci` takes it (NaN with one seed)."""
    series = runs[["seed", "step", metric]]
    if smooth > 1:
        series = series.assign(**{metric: series.groupby("seed")[metric].transform(
            lambda values: values.rolling(smooth, min_periods=1).mean())})
    grouped = series.groupby("step")[metric].agg(["mean", "std", "count"])
    low, high = t_interval(grouped["mean"].to_numpy(), grouped["std"].to_numpy(), grouped["count"].to_numpy(),
                           0.95, (series[metric] >= 0).all())
    return grouped.assign(low=low, high=high)


# -- files -------------------------------------------------------------------------------------
@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it over ``path`` only if the block succeeds.

    Readers never see a half-written file, and a failure leaves any earlier file intact.
    Missing parent directories are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table atomically as CSV or Parquet, chosen by the file's suffix."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_FORMATS:
        kind = repr(suffix) if suffix else "a file without a suffix"
        raise ValueError(f"{target}: cannot write a table as {kind}; "
                         f"allowed {' or '.join(TABLE_FORMATS)}")
    with atomic_path(target) as temporary:
        if suffix == ".csv":
            table.to_csv(temporary, index=False)
        else:
            table.to_parquet(temporary, index=False)
    return target


TEMPORARY_NAME_ROOM = 32
"""Characters :func:`atomic_path` adds to a file's name for its temporary file."""


def file_problems(path: str | Path, suffixes: Sequence[str]) -> list[str]:
    """What would stop a file being written at ``path``, found without writing anything."""
    target = Path(path)
    problems = []
    if target.suffix.lower() not in suffixes:
        listed = " or ".join([", ".join(suffixes[:-1]), suffixes[-1]] if len(suffixes) > 1 else suffixes)
        problems.append(f"{target}: the file name must end in {listed}")
    named = name_problems(target, TEMPORARY_NAME_ROOM)
    if named:
        return problems + named
    try:
        if target.is_dir():
            problems.append(f"{target} is a directory, not a file")
    except OSError as error:
        return [*problems, f"cannot write {target}: {error.strerror}"]
    return problems + directory_problems(target.parent)


def directory_problems(path: str | Path) -> list[str]:
    """What would stop ``path`` being created (if needed) and written to, found without writing."""
    directory = Path(path)
    problems = name_problems(directory, TEMPORARY_NAME_ROOM)
    if problems:
        return problems
    try:
        existing = directory
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            return [f"cannot create directory {directory}: {existing} is not a directory"]
    except OSError as error:
        return [f"cannot create directory {directory}: {error.strerror}"]
    if not os.access(existing, os.W_OK | os.X_OK):
        return [f"cannot write in directory {existing}: permission denied"]
    return []


def name_problems(path: Path, room: int = 0) -> list[str]:
    """Why the system would refuse ``path``'s name: a part longer than a file name may be (less
    ``room`` characters kept for a temporary name), or the whole longer than a path may be."""
    longest_name, longest_path = _limit("PC_NAME_MAX", 255), _limit("PC_PATH_MAX", 4096)
    too_long = [part for part in path.parts if len(part.encode()) > longest_name - room]
    if too_long:
        return [f"cannot write {path}: a name of {len(too_long[0].encode())} bytes; allowed at most "
                f"{longest_name - room} (the system's {longest_name}, less room for a temporary file)"]
    if len(str(path.absolute()).encode()) > longest_path - room:
        return [f"cannot write {path}: a path of {len(str(path.absolute()).encode())} bytes; allowed at most "
                f"{longest_path - room}"]
    return []


def _limit(name: str, default: int) -> int:
    """A limit of the file system at the root, or ``default`` where it cannot be read."""
    try:
        return os.pathconf("/", name)
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        return default
