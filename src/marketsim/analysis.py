"""Shared analysis helpers: paired seeds, batches of runs, summaries, comparisons, figures, files.

The command line, the sweep engine, the lessons and the dashboard all build on
these, so that every part of marketsim seeds, summarises, compares and writes
results in the same way::

    from marketsim import analysis
    runs = analysis.run_many(["baseline", "focused_deterrence"], seeds=10, steps=520)
    table = analysis.compare(analysis.summarise_runs(runs, burn_in=52))
    analysis.write_table(table, "out/compare.csv")
    analysis.plot_series(runs, list(analysis.KEY_SERIES), "out/compare.png")

Comparisons are paired: every scenario runs with the same list of seeds, and
differences are taken seed by seed before averaging, which removes most of the
run-to-run noise the scenarios share.
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.context
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pandas.api.types import is_numeric_dtype
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from scipy import stats

from marketsim.config.errors import ScenarioError, close_match
from marketsim.config.scenario import Scenario, load_scenario
from marketsim.model import DrugMarketModel
from marketsim.outputs import METRICS, Metric, production_share_metric

DEFAULT_SEED_BASE = 20261126
"""Root of the seed sequence shared by every comparison, so results are reproducible."""

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
ProgressOption = bool | Callable[[int, int], None]
"""``True``: a rich progress bar; ``False``: none; or a callable ``(runs_done, runs_total)``."""


# -- seeds and runs ----------------------------------------------------------------------------
def seed_list(n: int, base: int = DEFAULT_SEED_BASE) -> list[int]:
    """``n`` independent run seeds spawned from ``base``; the same list for every scenario."""
    if n < 0:
        raise ValueError(f"n = {n}: allowed a whole number ≥ 0")
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(base).spawn(n)]


def load_scenarios(scenarios: Sequence[str | Path | Scenario] | str | Path | Scenario,
                   overrides: dict[str, Any] | None = None) -> list[Scenario]:
    """Load and validate every scenario with the same overrides; raise all problems at once.

    Names must be distinct, because results are labelled by scenario name.
    """
    if isinstance(scenarios, str | Path | Scenario):
        scenarios = [scenarios]
    problems = [] if scenarios else ["no scenario given"]
    loaded: list[Scenario] = []
    for item in scenarios:
        try:
            loaded.append(load_scenario(item, overrides))
        except ScenarioError as error:
            problems.extend(error.problems)
    names = [scenario.name for scenario in loaded]
    problems.extend(f"scenario {name!r} is given more than once: results are labelled by name"
                    for name in dict.fromkeys(names) if names.count(name) > 1)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return loaded


def run_many(scenarios: Sequence[str | Path | Scenario] | str | Path | Scenario,
             seeds: int | Sequence[int], steps: int, overrides: dict[str, Any] | None = None,
             progress: ProgressOption = True) -> pd.DataFrame:
    """Run every scenario with every seed, one after the other, and stack the weekly metrics.

    ``seeds`` is a count (then :func:`seed_list` supplies them) or an explicit list.
    Everything is validated before the first week runs, including what depends on the
    generated world (policy target regions, world files). ``progress`` is ``True`` for a
    rich progress bar on stderr, ``False`` for none, or a callable ``(runs_done, runs_total)``
    called after each run.

    Returns one row per week per run: ``scenario``, ``seed``, then the model's columns.
    """
    if steps < 1:
        raise ValueError(f"steps = {steps}: allowed a whole number ≥ 1")
    seed_values = seed_list(seeds) if isinstance(seeds, int) else [int(seed) for seed in seeds]
    if not seed_values:
        raise ValueError("no seeds: give a count ≥ 1 or a non-empty list")
    if len(set(seed_values)) != len(seed_values) or min(seed_values) < 0:
        raise ValueError(f"seeds must be distinct whole numbers ≥ 0, got {seed_values}")
    loaded = load_scenarios(scenarios, overrides)
    check_worlds(loaded, seed_values[0])
    jobs = [(scenario, seed) for scenario in loaded for seed in seed_values]
    frames = []
    with _run_progress(progress, len(jobs)) as advance:
        for index, (scenario, seed) in enumerate(jobs):
            label = f"{scenario.name} · seed {seed}"
            advance(index, label)
            model = DrugMarketModel(scenario, seed=seed)
            model.run(steps, progress=lambda done, total, i=index, text=label:
                      advance(i + done / total, text))
            frame = model.metrics()
            frame.insert(0, "seed", seed)
            frame.insert(0, "scenario", scenario.name)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def format_number(value: float) -> str:
    """A number for a results table: thousands separators for large values, 3 digits otherwise."""
    if math.isnan(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def check_worlds(scenarios: Sequence[Scenario], seed: int) -> None:
    """Build each scenario's model once, so world-dependent problems surface before any run."""
    problems: list[str] = []
    for scenario in scenarios:
        try:
            DrugMarketModel(scenario, seed=seed)
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))


@contextmanager
def _run_progress(progress: ProgressOption, runs: int) -> Iterator[Callable[[float, str], None]]:
    """Yield ``advance(runs_completed, label)`` that drives the chosen kind of progress report."""
    if progress is True:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("runs"), TimeElapsedColumn(), TextColumn("ETA"),
                   TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True)) as bar:
            task = bar.add_task("runs", total=runs)
            yield lambda completed, label: bar.update(task, completed=completed, description=label)
    elif callable(progress):
        reported = 0

        def advance(completed: float, _label: str) -> None:
            nonlocal reported
            if int(completed) > reported:
                reported = int(completed)
                progress(reported, runs)
        yield advance
    else:
        yield lambda completed, label: None


# -- summaries and comparisons -----------------------------------------------------------------
def is_metric(name: str) -> bool:
    """Whether a column is a model metric (``step`` is the time axis, not a metric)."""
    return (name in METRICS and name != "step") or name.startswith("production_share_")


def metric_info(name: str) -> Metric:
    """A metric's unit, group and definition, including the per-region production shares."""
    if name.startswith("production_share_"):
        return production_share_metric(name.removeprefix("production_share_"))
    if name in METRICS:
        return METRICS[name]
    hint = close_match(name, list(METRICS))
    raise ValueError(f"unknown metric {name!r}" + (f" — did you mean {hint!r}?" if hint else ""))


def summarise_runs(runs: pd.DataFrame, burn_in: int = 0) -> pd.DataFrame:
    """One row per (scenario, seed): each numeric metric's mean over the weeks after ``burn_in``."""
    if burn_in < 0:
        raise ValueError(f"burn_in = {burn_in}: allowed a whole number ≥ 0")
    kept = runs[runs["step"] > burn_in]
    if kept.empty:
        raise ValueError(f"burn_in = {burn_in} leaves no weeks: the runs have "
                         f"{int(runs['step'].max()) if len(runs) else 0} weeks")
    columns = [name for name in kept.columns
               if name not in (*ID_COLUMNS, "step") and is_numeric_dtype(kept[name])]
    return kept.groupby(list(ID_COLUMNS), sort=False)[columns].mean().reset_index()


def mean_ci(values: Sequence[float] | pd.Series | np.ndarray,
            level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided confidence interval from the t-distribution; NaNs are ignored.

    With fewer than two values the interval is undefined (NaN).
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if data.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if data.size < 2:
        return mean, math.nan, math.nan
    quantile = stats.t.ppf(0.5 + level / 2, data.size - 1)
    half = float(quantile * data.std(ddof=1) / math.sqrt(data.size))
    return mean, mean - half, mean + half


def compare(summary: pd.DataFrame, reference: str | None = None,
            metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Per metric × scenario: mean and 95% CI, and the paired difference from a reference.

    ``summary`` is the output of :func:`summarise_runs`. The reference defaults to the first
    scenario. For the others, ``diff`` is the mean of the per-seed differences (scenario −
    reference, over the seeds both ran), with its 95% CI, and ``pct_change`` is that difference
    as a percentage of the reference mean over the same seeds. ``metrics`` defaults to every
    metric column in ``summary``.
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
            mean, low, high = mean_ci(values)
            row = {"scenario": scenario, "metric": metric, "group": info.group, "unit": info.unit,
                   "seeds": int(values.notna().sum()), "mean": mean, "ci_low": low, "ci_high": high,
                   "reference": reference, "diff": math.nan, "diff_ci_low": math.nan,
                   "diff_ci_high": math.nan, "pct_change": math.nan}
            if scenario != reference:
                paired = (values - base[metric]).dropna()
                row["diff"], row["diff_ci_low"], row["diff_ci_high"] = mean_ci(paired)
                base_mean = float(base[metric].loc[paired.index].mean()) if len(paired) else 0.0
                if base_mean != 0:
                    row["pct_change"] = 100 * row["diff"] / base_mean
            rows.append(row)
    return pd.DataFrame(rows)


def _chosen_metrics(summary: pd.DataFrame, metrics: Sequence[str] | None) -> list[str]:
    if metrics is None:
        return [name for name in summary.columns if is_metric(name)]
    problems = []
    for name in metrics:
        if name not in summary.columns:
            hint = close_match(name, [c for c in summary.columns if is_metric(c)])
            problems.append(f"metric {name!r} is not in the summary"
                            + (f" — did you mean {hint!r}?" if hint else ""))
        elif not is_metric(name):
            problems.append(f"column {name!r} is not a model metric")
    if problems:
        raise ValueError("; ".join(problems))
    return list(metrics)


# -- figures -----------------------------------------------------------------------------------
GROUP_COLOURS = {"outcome": "#b2182b", "process": "#2166ac", "market": "#4d4d4d", "cost": "#4d4d4d"}


def plot_series(runs: pd.DataFrame, metrics: Sequence[str], path: str | Path,
                smooth: int = 1) -> Path:
    """Draw one panel per metric: each scenario's mean over seeds by week, with a 95% band.

    Panels are titled with the metric and its unit and tagged OUTCOME, PROCESS, MARKET or
    COST. ``smooth`` > 1 first takes a rolling mean over that many weeks within each run, which
    makes weekly counts such as homicides readable. Written as PNG, atomically.
    """
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise ValueError(f"{target}: a figure must be written to a .png file")
    if not metrics:
        raise ValueError("no metrics to plot")
    missing = [name for name in metrics if name not in runs.columns]
    if missing:
        raise ValueError(f"metrics not in the runs: {', '.join(missing)}")
    if smooth < 1:
        raise ValueError(f"smooth = {smooth}: allowed a whole number ≥ 1")
    columns = min(3, len(metrics))
    rows = math.ceil(len(metrics) / columns)
    figure = Figure(figsize=(4.8 * columns, 3.3 * rows + 0.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    scenarios = list(pd.unique(runs["scenario"]))
    for ax, metric in zip(axes, metrics, strict=False):
        info = metric_info(metric)
        for colour, scenario in enumerate(scenarios):
            band = _weekly_band(runs[runs["scenario"] == scenario], metric, smooth)
            ax.plot(band.index, band["mean"], color=f"C{colour}", linewidth=1.4, label=scenario)
            ax.fill_between(band.index, band["low"], band["high"], color=f"C{colour}",
                            alpha=0.2, linewidth=0)
        ax.set_title(f"{metric} ({info.unit})", loc="left", fontsize="medium")
        ax.set_title(info.group.upper(), loc="right", fontsize="small",
                     color=GROUP_COLOURS[info.group], fontweight="bold")
        ax.set_xlabel("week" if smooth == 1 else f"week ({smooth}-week rolling mean)")
        ax.grid(alpha=0.3)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    seeds = runs.groupby("scenario")["seed"].nunique().max()
    figure.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
                  title=f"mean of {seeds} seed{'s' if seeds > 1 else ''}"
                        + (", band: 95% CI" if seeds > 1 else ""), frameon=False)
    with atomic_path(target) as temporary:
        figure.savefig(temporary, format="png", dpi=110)
    return target


def _weekly_band(runs: pd.DataFrame, metric: str, smooth: int) -> pd.DataFrame:
    """Mean and 95% t-interval over seeds for each week (NaN interval with one seed)."""
    series = runs[["seed", "step", metric]]
    if smooth > 1:
        series = series.assign(**{metric: series.groupby("seed")[metric].transform(
            lambda values: values.rolling(smooth, min_periods=1).mean())})
    grouped = series.groupby("step")[metric].agg(["mean", "std", "count"])
    with np.errstate(invalid="ignore"):
        half = stats.t.ppf(0.975, grouped["count"] - 1) * grouped["std"] / np.sqrt(grouped["count"])
    return grouped.assign(low=grouped["mean"] - half, high=grouped["mean"] + half)


# -- processes ---------------------------------------------------------------------------------
def pool_context(preload: str = "marketsim") -> multiprocessing.context.BaseContext:
    """A multiprocessing context for worker pools: workers forked from a server that has already
    imported ``preload`` (spawn where there is no fork server).

    The start method is chosen explicitly because importing mesa switches the global default to
    spawn, which would re-import everything in each worker.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([preload])
    return context


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


def file_problems(path: str | Path, suffixes: Sequence[str]) -> list[str]:
    """What would stop a file being written at ``path``, found without writing anything."""
    target = Path(path)
    problems = []
    if target.suffix.lower() not in suffixes:
        problems.append(f"{target}: the file name must end in {' or '.join(suffixes)}")
    if target.is_dir():
        problems.append(f"{target} is a directory, not a file")
    return problems + directory_problems(target.parent)


def directory_problems(path: str | Path) -> list[str]:
    """What would stop ``path`` being created (if needed) and written to, found without writing."""
    directory = Path(path)
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return [f"cannot create directory {directory}: {existing} is not a directory"]
    if not os.access(existing, os.W_OK | os.X_OK):
        return [f"cannot write in directory {existing}: permission denied"]
    return []
