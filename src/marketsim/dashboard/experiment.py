"""What the dashboard runs: one to three scenarios, each with the same paired seeds, stepped together.

This module knows nothing about Solara or matplotlib, so the dashboard's arithmetic (series,
scoreboard, CSV) is tested without a browser.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

import marketsim as ms
from marketsim.config.errors import ScenarioError
from marketsim.config.timeline import Event, Timeline
from marketsim.outputs import METRICS
from marketsim.runs import labelled, release_model

RUN_LABELS = ("A", "B", "C")
"""Labels of the scenarios shown side by side; A is the reference the others are compared with."""

OUTCOME_INDICATORS = ("homicides", "overdose_deaths", "new_infections", "prison_population", "trust")
"""What happens to people: the indicators the source documents ask policies to be judged on."""

PROCESS_INDICATORS = ("arrests", "seizures_kg", "eradicated_ha")
"""Enforcement effort: what police usually report, shown apart from the outcomes."""

def is_flow(metric: str) -> bool:
    """Whether a metric counts events per week (summed over a run) rather than a level."""
    return ms.METRICS[metric].unit.endswith("/week")


@dataclass(frozen=True)
class ScoreRow:
    """One indicator on the scoreboard: its value per scenario and the change from scenario A."""

    metric: str
    group: str
    statistic: str          # "total" (sum over the weeks run) or "now" (latest week)
    values: tuple[float, ...]           # mean over the paired seeds, per scenario
    differences: tuple[float, ...]      # scenario − A, mean over paired seeds (B, C...)
    relative: tuple[float | None, ...]  # difference / A's value, None when A's value is 0
    agreeing: tuple[int, ...]           # paired seeds whose difference has the mean's sign

    def verdict(self, index: int) -> str:
        """'better', 'worse' or 'same' for scenario ``index + 1`` against A, by the metric's declared
        direction ('neutral' for a metric that is neither better higher nor lower, e.g. arrests)."""
        difference = self.differences[index]
        direction = METRICS[self.metric].direction
        if direction == "neither":
            return "neutral"
        if difference == 0:
            return "same"
        better = difference > 0 if direction == "higher" else difference < 0
        return "better" if better else "worse"


class Experiment:
    """Scenarios run side by side with the same seeds (common random numbers), one week at a time.

    Args:
        scenarios: one to three resolved scenarios; the first is the reference (A).
        seeds: the seeds every scenario is run with; differences are paired by seed.
    """

    def __init__(self, scenarios: Sequence[ms.Scenario], seeds: Sequence[int]):
        if not 1 <= len(scenarios) <= len(RUN_LABELS):
            raise ValueError(f"{len(scenarios)} scenarios: allowed 1 to {len(RUN_LABELS)}")
        if not seeds:
            raise ValueError("at least one seed is needed")
        self.scenarios = list(scenarios)
        self.seeds = list(seeds)
        self.labels = list(RUN_LABELS[: len(scenarios)])
        names = [scenario.name for scenario in self.scenarios]
        self.names = [name if names.count(name) == 1 else f"{name} ({label})"
                      for name, label in zip(names, self.labels, strict=True)]
        """Each run's name in the tidy table: its scenario's, with its label when two share one."""
        self.models = [[ms.DrugMarketModel(scn, seed=seed) for seed in self.seeds]
                       for scn in self.scenarios]
        self.lock = threading.Lock()
        """Held while stepping, so a play loop and a button press never step at once."""
        self._tables: list[list[pd.DataFrame]] | None = None

    def close(self) -> None:
        """Let the models be garbage-collected (see :func:`marketsim.runs.release_model`); the
        experiment must not step again."""
        for runs in self.models:
            for model in runs:
                release_model(model)

    @property
    def week(self) -> int:
        """Weeks simulated so far (all models are always at the same week)."""
        return self.models[0][0].steps

    def step(self, weeks: int = 1) -> None:
        """Advance every model by ``weeks`` weeks."""
        with self.lock:
            for _ in range(weeks):
                for runs in self.models:
                    for model in runs:
                        model.step()
            self._tables = None

    def stage(self, event: Event) -> None:
        """Stage one event in every model, for a week still to come (the page's "now" buttons): the
        same event in the same week for every scenario and seed, so the seeds stay paired.

        Raises:
            ScenarioError: the week has begun, or a place the event names is not in a model's
                world (then no model has the event).
        """
        with self.lock:
            models = [model for runs in self.models for model in runs]
            for model in models:
                if event.week <= model.steps:
                    raise ScenarioError([f"event in week {event.week}: the runs have reached week {model.steps}; "
                                         f"allowed week {model.steps + 1} or later"])
                model.places.select(event.where, f"event in week {event.week}: where")
            for model in models:
                model.interventions.add_event(event)

    def timelines(self) -> list[Timeline]:
        """Per scenario, the timeline its runs play (the scenario's, with the events staged since)."""
        return [runs[0].interventions.timeline for runs in self.models]

    def tables(self) -> list[list[pd.DataFrame]]:
        """Per scenario and seed, the model's metrics table (built once per week reached)."""
        with self.lock:
            if self._tables is None:
                self._tables = [[model.metrics() for model in runs] for runs in self.models]
            return self._tables

    def title(self, index: int) -> str:
        """'A: Focused deterrence' — the label used in legends and tables."""
        return f"{self.labels[index]}: {self.scenarios[index].title}"

    def series(self, metric: str) -> list[np.ndarray]:
        """Per scenario, a (seeds × weeks) array of one metric."""
        return [np.array([table[metric].to_numpy(dtype=float) for table in tables])
                for tables in self.tables()]

    def metrics(self) -> pd.DataFrame:
        """Every run's metrics in one tidy table: scenario, seed, then the model's columns (the
        layout of ``marketsim.runs.run_batch``, so summaries and comparisons read it as it is)."""
        return pd.concat([labelled(own.copy(), {"scenario": name, "seed": seed})
                          for name, tables in zip(self.names, self.tables(), strict=True)
                          for seed, own in zip(self.seeds, tables, strict=True)], ignore_index=True)

    def csv(self) -> str:
        """The tidy metrics as CSV text (what the download button sends)."""
        buffer = io.StringIO()
        self.metrics().to_csv(buffer, index=False)
        return buffer.getvalue()

    def scoreboard(self) -> list[ScoreRow]:
        """Outcome then process indicators: per scenario, and each scenario's change from A."""
        rows = []
        for metric in (*OUTCOME_INDICATORS, *PROCESS_INDICATORS):
            flow = is_flow(metric)
            per_seed = [_summarise(series, flow) for series in self.series(metric)]
            reference = per_seed[0]
            differences, relative, agreeing = [], [], []
            for other in per_seed[1:]:
                paired = other - reference
                mean = float(paired.mean())
                differences.append(mean)
                base = float(reference.mean())
                relative.append(mean / abs(base) if base else None)
                agreeing.append(int(np.sum(np.sign(paired) == np.sign(mean))))
            rows.append(ScoreRow(
                metric=metric, group=ms.METRICS[metric].group, statistic="total" if flow else "now",
                values=tuple(float(values.mean()) for values in per_seed),
                differences=tuple(differences), relative=tuple(relative), agreeing=tuple(agreeing),
            ))
        return rows


def _summarise(series: np.ndarray, flow: bool) -> np.ndarray:
    """Per seed: the total over the weeks run (flows) or the latest value (levels); 0 before week 1."""
    if series.shape[1] == 0:
        return np.zeros(series.shape[0])
    return series.sum(axis=1) if flow else series[:, -1]
