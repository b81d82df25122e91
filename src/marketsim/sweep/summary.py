"""Summaries of a sweep: per-point statistics and sensitivity indices, with figures and an EMA
Workbench export, written beside the sweep's data."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marketsim import analysis
from marketsim.sweep.ema import save_ema
from marketsim.sweep.errors import SweepError, require
from marketsim.sweep.plots import plot_outcomes
from marketsim.sweep.store import SweepStore
from marketsim.text import plural

RBD_FAST_MIN_POINTS = 10
"""RBD-FAST with bootstrap needs at least this many design points (two harmonics)."""


@dataclass(frozen=True)
class SweepSummary:
    """Per-point statistics, sensitivity indices and the files written by :func:`summarise_sweep`."""

    out: Path
    total: int
    ok: int
    failed: int
    points: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: tuple[str, ...]
    files: tuple[Path, ...]

    @property
    def missing(self) -> int:
        """Planned runs that have not run yet (an interrupted sweep)."""
        return self.total - self.ok - self.failed


def summarise_sweep(out: str | Path, level: float = 0.95, figures: bool = True) -> SweepSummary:
    """Summarise a sweep directory and write the summaries beside its data (``ms.summarise_sweep``).

    Writes ``points.parquet`` (per scenario, point and outcome: runs, mean, SD and ``level``
    confidence interval over replicates), ``sensitivity.parquet`` (for LHS and Sobol designs),
    ``ema_results.tar.gz`` (experiments and outcomes for the EMA Workbench, when it is installed) and, with
    ``figures``, ``figures/<outcome>.png``: each outcome against each swept parameter with CI bands.

    Args:
        out: the sweep's output directory.
        level: confidence level of the intervals.
        figures: draw the figures.

    Returns:
        The tables, any notes on what could not be computed, and the files written.

    Raises:
        SweepError: the directory holds no sweep, or no finished run.
    """
    store = SweepStore(out)
    record = store.consolidated_record()
    entries = store.entries()
    planned = {row[0] for row in record["runs"]}
    failed = sum(1 for run_id, entry in entries.items() if run_id in planned and entry["status"] == "failed")
    if not store.summary.exists():
        raise SweepError([f"{store.root} has no finished runs to summarise"])
    runs = pd.read_parquet(store.summary)
    outcomes = list(record["spec"]["outcomes"])
    parameters = list(record["parameters"])
    points = point_statistics(runs, parameters, outcomes, level)
    sensitivity, notes = sensitivity_indices(record, runs)
    files = [analysis.write_table(points, store.root / "points.parquet"),
             analysis.write_table(sensitivity, store.root / "sensitivity.parquet")]
    try:
        files.append(save_ema(store.root))
    except SweepError as error:  # the EMA Workbench is not installed
        notes.extend(error.problems)
    if figures:
        files.extend(plot_outcomes(runs, record, store.root / "figures", level))
    return SweepSummary(store.root, len(planned), len(runs), failed, points, sensitivity,
                        tuple(notes), tuple(files))


def point_statistics(runs: pd.DataFrame, parameters: Sequence[str], outcomes: Sequence[str],
                     level: float = 0.95) -> pd.DataFrame:
    """Per scenario, point and outcome: replicates, mean, SD and t-interval of the run means
    (on the log scale for outcomes with no negative value: see ``analysis.mean_ci``)."""
    rows = []
    for (scenario, point), group in runs.groupby(["scenario", "point"], sort=False):
        values = group.iloc[0][list(parameters)].to_dict()
        for outcome in outcomes:
            data = group[outcome].to_numpy(dtype=float)
            mean, low, high = analysis.mean_ci(data, level, nonnegative=True)
            sd = float(np.std(data, ddof=1)) if len(data) > 1 else math.nan
            rows.append({"scenario": scenario, "point": point, **values, "outcome": outcome,
                         "runs": len(data), "mean": mean, "sd": sd, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


SENSITIVITY_COLUMNS = ("scenario", "outcome", "parameter", "role", "method", "S1", "S1_conf", "ST", "ST_conf")


def sensitivity_indices(record: Mapping[str, Any], runs: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Sensitivity of each outcome's point mean to the swept parameters, per scenario.

    Sobol designs: Sobol first-order and total indices (SALib ``sobol.analyze``). LHS designs:
    first-order indices by RBD-FAST (SALib ``rbd_fast``), which accepts any sample and estimates
    the same first-order index as Sobol's. Other designs have none. Returns the table and notes on
    what could not be computed, and a warning when the indices are mostly noise (:func:`noise_notes`).
    """
    spec = record["spec"]
    kind = spec["design"]["kind"]
    if kind not in ("lhs", "sobol"):
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS)), [
            f"no sensitivity indices for a {kind} design: use lhs or sobol"]
    try:
        require("SALib.analyze", "computing sensitivity indices")
    except SweepError as error:
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS)), error.problems
    parameters = record["parameters"]
    design = np.array(record["points"], dtype=float)
    problem = {"num_vars": len(parameters), "names": list(parameters),
               "bounds": [[spec["params"][name]["min"], spec["params"][name]["max"]] for name in parameters]}
    rows, notes = [], []
    for scenario in record["scenario_names"]:
        means = runs[runs["scenario"] == scenario].groupby("point")[list(spec["outcomes"])].mean()
        means = means.reindex(range(len(design)))
        for outcome in spec["outcomes"]:
            indices, note = _indices(kind, problem, design, means[outcome].to_numpy(dtype=float),
                                     spec["design"]["seed"])
            if note:
                notes.append(f"{scenario} · {outcome}: {note}")
                continue
            rows.extend({"scenario": scenario, "outcome": outcome, "parameter": name,
                         "role": parameters[name], "method": "sobol" if kind == "sobol" else "rbd_fast",
                         **{key: float(indices[key][index]) if key in indices else math.nan
                            for key in SENSITIVITY_COLUMNS[5:]}}
                        for index, name in enumerate(parameters))
    table = pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
    return table, notes + noise_notes(table, len(design))


def noise_notes(table: pd.DataFrame, points: int) -> list[str]:
    """A warning when first-order indices show they are estimation noise, as they are from too few
    design points: an index below 0 (a true index never is) whose 95% CI does not reach 0."""
    if table.empty:
        return []
    impossible = (table["S1"] + table["S1_conf"].fillna(0) < 0).to_numpy()
    if not impossible.any():
        return []
    worst = table.iloc[int(table["S1"].to_numpy().argmin())]
    return [f"too few samples: from {plural(points, 'design point')}, {int(impossible.sum())} of {len(table)} "
            f"first-order indices are below 0 even at the top of their 95% CI (e.g. {worst['parameter']} on "
            f"{worst['outcome']}: {worst['S1']:.2f}), which a true index never is; read the indices as noise and "
            "sample more points"]


def _indices(kind: str, problem: dict[str, Any], design: np.ndarray, y: np.ndarray,
             seed: int) -> tuple[Mapping[str, Any], str | None]:
    """SALib's indices for one outcome, or a note saying why there are none."""
    from SALib.analyze import rbd_fast, sobol

    if kind == "sobol" and np.isnan(y).any():
        return {}, "some points have no finished run; Sobol indices need every point"
    keep = ~np.isnan(y)
    if np.nanstd(y) == 0:
        return {}, "the outcome does not vary"
    if kind == "sobol":
        with np.errstate(all="ignore"):
            return sobol.analyze(problem, y, calc_second_order=False, seed=seed), None
    if keep.sum() < RBD_FAST_MIN_POINTS:
        return {}, f"RBD-FAST needs at least {RBD_FAST_MIN_POINTS} points with finished runs"
    # SALib's default of 10 harmonics suits thousands of points; on a few dozen its bias
    # correction and bootstrap (on half the points) swamp the indices. One per 50 points, 2 to 10.
    harmonics = min(10, max(2, int(keep.sum()) // 50))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rbd_fast.analyze(problem, design[keep], y[keep], M=harmonics, seed=seed), None

