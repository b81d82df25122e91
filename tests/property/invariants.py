"""What must hold for any run of any parameter values inside their declared bounds.

:func:`check_run` runs a model week by week and raises an :class:`InvariantError` naming the
week, the metric and the value when a run breaks one of them: product is conserved every week,
no week takes more than :data:`SLOW_WEEK` seconds, and every metric is finite, not negative,
within [0, 1] if it is a share, and missing (NaN) only where its definition says it can be.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

import marketsim as ms
from marketsim.outputs import METRICS, PER_REGION
from marketsim.runs import release_model
from marketsim.sim.common import Metric

SHARE_UNITS = frozenset({"share", "0-1", "share pure"})
"""Units of metrics that are shares: their values lie in [0, 1]."""
CONSERVATION_TOLERANCE = 1e-6
"""Kilograms unaccounted for, relative to all product that entered the market."""
SLOW_WEEK = 10.0
"""Seconds: a normal week takes milliseconds, so a week this slow is a defect, not a busy machine."""


class InvariantError(AssertionError):
    """A run broke an invariant; the message names the week, the metric or quantity, and the value."""


def metric_of(column: str) -> Metric:
    """The declared metric of an output column (per-region columns by their metric's prefix)."""
    if column in METRICS:
        return METRICS[column]
    for name, metric in PER_REGION.items():
        if column.startswith(f"{name}_"):
            return metric
    raise InvariantError(f"column {column!r} is not a declared metric")





def check_run(scenario: ms.Scenario, seed: int, weeks: int) -> pd.DataFrame:
    """Run ``weeks`` weeks, checking conservation and speed each week and the metrics at the end."""
    model = ms.DrugMarketModel(scenario, seed=seed)
    try:
        return _checked_weeks(model, weeks)
    finally:
        release_model(model)


def _checked_weeks(model: ms.DrugMarketModel, weeks: int) -> pd.DataFrame:
    for week in range(1, weeks + 1):
        started = time.perf_counter()
        model.step()
        seconds = time.perf_counter() - started
        if seconds > SLOW_WEEK:
            raise InvariantError(f"week {week} took {seconds:.1f} s (a week should take milliseconds)")
        entered = model.ledger.initial + model.ledger.produced
        imbalance = model.ledger.imbalance(model.stock_kg())
        if not abs(imbalance) <= CONSERVATION_TOLERANCE * max(1.0, entered):
            raise InvariantError(f"week {week}: product not conserved: {imbalance!r} kg unaccounted for")
    table = model.metrics()
    check_metrics(table)
    return table


def check_metrics(table: pd.DataFrame) -> None:
    """Every column finite, not negative, shares within [0, 1], NaN only where declared."""
    for column in table.columns:
        metric = metric_of(column)
        values = table[column].to_numpy(dtype=float)
        missing = np.isnan(values)
        if missing.any() and not metric.nullable:
            _broken(table, column, missing, "is missing (NaN), which its definition does not allow")
        _require(table, column, values, np.isfinite(values) | missing, "is infinite")
        _require(table, column, values, ~(values < 0), "is negative")
        if metric.unit in SHARE_UNITS:
            _require(table, column, values, ~(values > 1 + 1e-9), "is a share above 1")


def _require(table: pd.DataFrame, column: str, values: np.ndarray, holds: np.ndarray, what: str) -> None:
    if not holds.all():
        _broken(table, column, ~holds, what)


def _broken(table: pd.DataFrame, column: str, where: np.ndarray, what: str) -> None:
    row = int(np.flatnonzero(where)[0])
    value: Any = table[column].iloc[row]
    week = table["step"].iloc[row]
    shown = value if not isinstance(value, float) or math.isnan(value) else f"{value:.6g}"
    raise InvariantError(f"{column} = {shown} in week {week} {what}")
