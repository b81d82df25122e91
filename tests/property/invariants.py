"""What must hold for any run of any parameter values inside their declared bounds.

:func:`check_run` runs a model week by week and raises an :class:`InvariantError` naming the
week, the quantity and the value when a run breaks one of them. After every week
(:func:`check_state`): every price the agents hold is positive and finite; every count of
people is finite and not negative, and so is every stock of product (to within
:data:`ROUNDING`); product is conserved (what entered the market is in someone's hands,
seized, consumed or lost) and so are the residents of every community (its compartments add up
to its population); and the week took less than :data:`SLOW_WEEK` seconds. At the end
(:func:`check_metrics`): every output is finite, not negative, within [0, 1] if it is a share,
positive if it is a price, and missing (NaN) only where its definition says it can be.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

import marketsim as ms
from marketsim.outputs import METRICS, PER_REGION
from marketsim.runs import release_model
from marketsim.sim.common import Metric
from marketsim.sim.communities import COMPARTMENTS

SHARE_UNITS = frozenset({"share", "0-1", "share pure"})
"""Units of metrics that are shares: their values lie in [0, 1]."""
CONSERVATION_TOLERANCE = 1e-6
"""Kilograms unaccounted for, relative to all product that entered the market."""
SLOW_WEEK = 10.0
"""Seconds: a normal week takes milliseconds, so a week this slow is a defect, not a busy machine."""
ROUNDING = 1e-12
"""Kilograms a stock may lie below 0 by rounding, relative to all product that entered the market
(a stock sold to its last gram is a difference of floats: −4e-16 kg is 0 kg; what must never
happen is that such a hair is sold, seized or priced, which the outputs check strictly)."""
RESIDENTS = tuple(name for name in COMPARTMENTS if name != "record")
"""The compartments that partition a community's residents (a criminal record overlaps them)."""


class InvariantError(AssertionError):
    """A run broke an invariant; the message names the week, the quantity and the value."""


def metric_of(column: str) -> Metric:
    """The declared metric of an output column (per-region columns by their metric's prefix)."""
    if column in METRICS:
        return METRICS[column]
    for name, metric in PER_REGION.items():
        if column.startswith(f"{name}_"):
            return metric
    raise InvariantError(f"column {column!r} is not a declared metric")


def check_run(scenario: ms.Scenario, seed: int, weeks: int) -> pd.DataFrame:
    """Run ``weeks`` weeks, checking the state and the speed each week and the metrics at the end."""
    model = ms.DrugMarketModel(scenario, seed=seed)
    try:
        check_state(model, 0)
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
        check_state(model, week)
    table = model.metrics()
    check_metrics(table)
    return table


def prices(model: ms.DrugMarketModel) -> Iterator[tuple[str, np.ndarray]]:
    """Every price an agent holds: farm gate by region, wholesale by organisation (once it has
    set one), retail by active dealer; USD per kg."""
    yield "farm price", model.farms.price
    yield "wholesale price", np.array([org.wholesale_price for org in model.orgs if org.wholesale_price != 0.0])
    yield "retail price", model.dealers.price[model.dealers.active_slots()]


def stocks(model: ms.DrugMarketModel) -> Iterator[tuple[str, np.ndarray]]:
    """Every stock of product held by someone, and the totals of product that entered the
    market and that left it (seized, consumed, lost), kg."""
    orgs = list(model.orgs)
    dealers = model.dealers
    yield "farm stock", model.farms.stock
    yield "organisations' stock at the source", np.array([org.source_stock for org in orgs])
    yield "organisations' stock in the city", np.array([org.city_stock for org in orgs])
    yield "organisations' stock in transit", np.concatenate([org.in_transit for org in orgs] or [np.zeros(0)])
    yield "dealers' stock", dealers.stock[dealers.active_slots()]
    for name in ("produced", "seized", "consumed", "lost"):
        yield f"product {name} so far (ledger)", np.array([getattr(model.ledger, name)])


def counts(model: ms.DrugMarketModel) -> Iterator[tuple[str, np.ndarray]]:
    """Every count of people, which can never be negative."""
    yield "organisations' members", np.array([org.size for org in model.orgs])
    yield "people in prison", model.justice.prison
    for name in COMPARTMENTS:
        yield f"communities' {name.replace('_', ' ')}", getattr(model.communities, name)


def check_state(model: ms.DrugMarketModel, week: int) -> None:
    """Prices positive and finite; stocks and counts finite and not negative; product and
    residents conserved."""
    for name, values in prices(model):
        _require_all(week, name, values, np.isfinite(values) & (values > 0), "positive and finite")
    entered = model.ledger.initial + model.ledger.produced
    floor = -ROUNDING * max(1.0, entered)
    for name, values in stocks(model):
        _require_all(week, name, values, np.isfinite(values) & (values >= floor),
                     f"finite and not negative (to within {-floor:.1g} kg of rounding)")
    for name, values in counts(model):
        _require_all(week, name, values, np.isfinite(values) & (values >= 0), "finite and not negative")
    imbalance = model.ledger.imbalance(model.stock_kg())
    if not abs(imbalance) <= CONSERVATION_TOLERANCE * max(1.0, entered):
        raise InvariantError(f"week {week}: product not conserved: {imbalance!r} kg unaccounted for")
    communities = model.communities
    residents = sum(getattr(communities, name) for name in RESIDENTS)
    population = np.round(communities.population).astype(np.int64)
    if not np.array_equal(residents, population):
        row = int(np.flatnonzero(residents != population)[0])
        raise InvariantError(f"week {week}: residents not conserved: community {row} has {residents[row]} people "
                             f"in its compartments for a population of {population[row]}")


def _require_all(week: int, name: str, values: np.ndarray, holds: np.ndarray, what: str) -> None:
    if not holds.all():
        value = values[np.flatnonzero(~holds)[0]]
        raise InvariantError(f"week {week}: {name} = {value!r}, which is not {what}")


def check_metrics(table: pd.DataFrame) -> None:
    """Every column finite, not negative, shares within [0, 1], prices positive, NaN only where declared."""
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
        if is_price(metric):
            _require(table, column, values, (values > 0) | missing, "is a price that is not positive")


def is_price(metric: Metric) -> bool:
    """Whether the metric is a price (USD per kg)."""
    return metric.unit.startswith("USD/kg")


def _require(table: pd.DataFrame, column: str, values: np.ndarray, holds: np.ndarray, what: str) -> None:
    if not holds.all():
        _broken(table, column, ~holds, what)


def _broken(table: pd.DataFrame, column: str, where: np.ndarray, what: str) -> None:
    row = int(np.flatnonzero(where)[0])
    value: Any = table[column].iloc[row]
    week = table["step"].iloc[row]
    shown = value if not isinstance(value, float) or math.isnan(value) else f"{value:.6g}"
    raise InvariantError(f"{column} = {shown} in week {week} {what}")
