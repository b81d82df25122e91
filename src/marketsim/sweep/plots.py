"""Figures of a sweep: each outcome against each swept parameter, with confidence bands."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from marketsim import analysis
from marketsim.config.params import SPECS
from marketsim.sweep.store import write_atomic

MAX_VALUE_BINS = 20
"""Figures give each value of a swept parameter its own bin up to this many values."""


def plot_outcomes(runs: pd.DataFrame, record: Mapping[str, Any], directory: Path,
                  level: float = 0.95) -> list[Path]:
    """One PNG per outcome: a panel per swept parameter, each scenario's mean with a CI band.

    Runs are binned by the parameter (each value of a grid, or quantile bins of a sample),
    so the line is the outcome's mean over the other parameters and the band its ``level``
    t-interval; dots are the design points' means.
    """
    parameters = list(record["parameters"])
    scenarios = list(record["scenario_names"])
    sampled = record["spec"]["design"]["kind"] in ("lhs", "sobol")
    paths = []
    for outcome in record["spec"]["outcomes"]:
        info = analysis.metric_info(outcome)
        figure, axes = analysis.panel_grid(len(parameters), panel_width=4.6)
        for ax, parameter in zip(axes, parameters, strict=True):
            for colour, scenario in enumerate(scenarios):
                subset = runs[runs["scenario"] == scenario]
                if subset.empty or not pd.api.types.is_numeric_dtype(subset[parameter]):
                    continue
                dots = subset.groupby("point")[[parameter, outcome]].mean()
                ax.scatter(dots[parameter], dots[outcome], s=9, alpha=0.35, color=f"C{colour}", linewidth=0)
                band = _binned_band(subset[parameter].astype(float), subset[outcome], level, sampled)
                ax.plot(band["x"], band["mean"], color=f"C{colour}", linewidth=1.5, label=scenario)
                ax.fill_between(band["x"], band["low"], band["high"], color=f"C{colour}", alpha=0.2,
                                linewidth=0)
            spec = SPECS.get(parameter)
            ax.set_xlabel(f"{parameter} ({spec.unit})" if spec and spec.unit else parameter)
            ax.set_ylabel(f"{outcome} ({info.unit})")
            ax.grid(alpha=0.3)
        handles, labels = axes[0].get_legend_handles_labels()
        figure.suptitle(f"{outcome}: mean over weeks {record['spec']['burn_in'] + 1}–"
                        f"{record['spec']['steps']}, band {level:.0%} CI", fontsize="medium")
        if handles:
            figure.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
                          frameon=False)
        path = directory / f"{outcome}.png"
        write_atomic(path, lambda target, fig=figure: fig.savefig(target, format="png", dpi=100))
        paths.append(path)
    return paths


def _binned_band(x: pd.Series, y: pd.Series, level: float, sampled: bool) -> pd.DataFrame:
    """Mean and t-interval of ``y`` in bins of ``x``.

    A grid's few values get a bin each; a sample's (or many values) are cut into up to ten
    quantile bins of at least four design points, so that each interval has runs to rest on.
    """
    values = x.nunique()
    if not sampled and values <= MAX_VALUE_BINS:
        keys = x
    else:
        keys = pd.qcut(x, min(MAX_VALUE_BINS // 2, max(2, values // 4)), duplicates="drop")
    rows = []
    for _, group in y.groupby(keys, observed=True):
        mean, low, high = analysis.mean_ci(group, level)
        rows.append({"x": float(x[group.index].mean()), "mean": mean, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["x", "mean", "low", "high"]).sort_values("x")

