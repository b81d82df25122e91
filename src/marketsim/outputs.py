"""The output tables: one row per week of metrics, per-place series, and the event log.

Every metric is declared in its subsystem beside the method that computes it (see
``marketsim.sim.common.metric``); this module gathers them into the weekly table. Columns come
in a fixed order: ``step``, then outcome, process, market and cost indicators, each group in
the order of the subsystems below.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from marketsim.sim import SUBSYSTEMS
from marketsim.sim.common import GROUP_ORDER, Metric, declared_metrics

if TYPE_CHECKING:
    from collections.abc import Callable

    from marketsim.model import DrugMarketModel

STEP = Metric("step", "week", "market", "Week of the simulation (1 = first simulated week).")


def _declarations() -> list[tuple[str, Metric, str]]:
    """(subsystem attribute, metric, method name) for every declared metric, in column order."""
    found = [(cls.name, replace(metric, subsystem=cls.name), method)
             for cls in SUBSYSTEMS for metric, method in declared_metrics(cls)]
    return sorted(found, key=lambda item: GROUP_ORDER.index(item[1].group))


_DECLARED = _declarations()
METRICS: dict[str, Metric] = {STEP.name: STEP, **{metric.name: metric for _, metric, _ in _DECLARED
                                                   if not metric.per_region}}
"""Every fixed output column by name (per-region columns such as production shares are added
per world: see :func:`columns_for`)."""
PER_REGION: dict[str, Metric] = {metric.name: metric for _, metric, _ in _DECLARED if metric.per_region}
OUTCOMES = tuple(m.name for m in METRICS.values() if m.group == "outcome")
PROCESS = tuple(m.name for m in METRICS.values() if m.group == "process")


def column_metric(column: str) -> Metric | None:
    """The metric behind an output column, per-region columns (``<metric>_<region>``) included."""
    if column in METRICS:
        return METRICS[column]
    for name, metric in PER_REGION.items():
        if column.startswith(name + "_"):
            return metric.for_region(column.removeprefix(name + "_"))
    return None


def metric_table() -> list[Metric]:
    """Every fixed column (per-region columns are added per world)."""
    return list(METRICS.values())


PLACE_COLUMNS: dict[str, str] = {
    "homicides": "deaths this week",
    "arrests": "people arrested this week (users, dealers, members, leaders, homicide suspects)",
    "overdoses": "fatal overdoses this week",
    "seizures_kg": "kg pure seized this week (dealers' stock, and lots caught on the segment ending here)",
    "dealers": "active dealers at the end of the week",
    "sales": "USD of retail sales this week",
    "flow_kg": "kg pure trafficked through the place this week",
    "controller": "id of the organisation controlling the place at the end of the week (-1: none)",
}
"""Columns of the per-place table besides step, place and kind, with what each counts."""


class Outputs:
    """Collects one row of metrics per week, and a row per place and week, from the subsystems."""

    def __init__(self, model: DrugMarketModel):
        self.model = model
        self.regions = list(model.places.regions)
        # each reporter with its column, or the columns of its regions for a per-region metric
        self._reporters: list[tuple[str | list[str], Callable[[], float | np.ndarray]]] = [
            ([metric.for_region(region).name for region in self.regions] if metric.per_region else metric.name,
             getattr(getattr(model, attribute), method)) for attribute, metric, method in _DECLARED]
        self.columns = [STEP.name]
        for columns, _ in self._reporters:
            self.columns += [columns] if isinstance(columns, str) else columns
        self._rows: list[dict[str, float]] = []
        self._places: dict[str, list[np.ndarray]] = {name: [] for name in PLACE_COLUMNS}

    def collect(self) -> None:
        """Collect: append this week's row and this week's per-place values."""
        model = self.model
        row: dict[str, float] = {STEP.name: model.steps}
        for columns, report in self._reporters:
            value = report()
            if isinstance(columns, str):
                row[columns] = value
            else:
                row.update(zip(columns, np.asarray(value).tolist(), strict=True))
        self._rows.append(row)
        log, places, dealers = model.log, model.places, model.dealers
        sales = np.zeros(places.n)
        sales[model.communities.place] = model.communities.sales_value
        for name, values in (
            ("homicides", log.by_place("homicide")), ("arrests", log.by_place("arrest")),
            ("overdoses", log.by_place("overdose")), ("seizures_kg", log.by_place("seizure")),
            ("dealers", np.bincount(dealers.place[dealers.active], minlength=places.n).astype(float)),
            ("sales", sales), ("flow_kg", model.trafficking.through.copy()),
            ("controller", model.orgs.controller.copy()),
        ):
            self._places[name].append(values)

    def recent_by_place(self, name: str, weeks: int) -> np.ndarray:
        """A per-place column (``PLACE_COLUMNS``) summed over the last ``weeks`` weeks collected
        (zeros before the first week)."""
        series = self._places[name][-weeks:]
        return np.sum(series, axis=0) if series else np.zeros(self.model.places.n)

    @property
    def latest(self) -> dict[str, float]:
        """The row of the week just collected."""
        return self._rows[-1]

    def table(self) -> pd.DataFrame:
        """The weekly table: one row per simulated week."""
        return pd.DataFrame(self._rows, columns=self.columns)

    def place_table(self) -> pd.DataFrame:
        """One row per week and place: step, place, kind, then ``PLACE_COLUMNS``."""
        places = self.model.places
        weeks = len(self._rows)
        table = pd.DataFrame({
            "step": np.repeat(np.arange(1, weeks + 1), places.n),
            "place": np.tile(places.names, weeks),
            "kind": np.tile(places.kind_names, weeks),
        })
        for name, series in self._places.items():
            table[name] = np.concatenate(series) if series else np.array([])
        table["controller"] = table["controller"].astype(np.int64)
        return table
