"""What the dashboard runs: one to three scenarios, each with the same paired seeds, stepped together.

This module knows nothing about Solara or matplotlib, so the dashboard's arithmetic (series,
scoreboard, CSV) is tested without a browser.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import marketsim as ms
from marketsim import analysis
from marketsim.analysis import metric_info
from marketsim.config.errors import ScenarioError
from marketsim.config.timeline import Event, Timeline
from marketsim.runs import labelled, release_model, resolve_burn_in
from marketsim.runs.batch import with_draw

RUN_LABELS = ("A", "B", "C")
"""Labels of the scenarios shown side by side; A is the reference the others are compared with."""

OUTCOME_INDICATORS = ("homicides", "overdose_deaths", "new_infections", "prison_population", "trust")
"""What happens to people: the indicators the source documents ask policies to be judged on."""

PROCESS_INDICATORS = ("arrests", "seizures_kg", "eradicated_ha")
"""Enforcement effort: what police usually report, shown apart from the outcomes."""

def is_flow(metric: str) -> bool:
    """Whether a metric counts events per week (summed over a run) rather than a level."""
    return metric_info(metric).unit.endswith("/week")


@dataclass(frozen=True)
class ScoreRow:
    """One indicator on the scoreboard, as ``marketsim compare`` gives it: the weekly mean after
    the burn-in per scenario with its 95% CI, and the paired change from scenario A with its CI
    (NaN before any week is averaged, and intervals NaN with one seed)."""

    metric: str
    group: str
    values: tuple[float, ...]           # mean over the paired seeds, per scenario
    intervals: tuple[tuple[float, float], ...]  # 95% CI of each mean
    differences: tuple[float, ...]      # scenario − A, mean of the paired differences (B, C...)
    difference_intervals: tuple[tuple[float, float], ...]  # 95% CI of each difference
    relative: tuple[float | None, ...]  # difference / A's mean, None when A's mean is 0

    def verdict(self, index: int) -> str:
        """'better' or 'worse' for scenario ``index + 1`` against A when the CI of the difference
        excludes 0 (by the sign alone with one seed), 'unclear' when it includes 0, 'same' when
        there is no difference, 'neutral' for a metric that is neither better higher nor lower
        (e.g. arrests), '' when nothing has been averaged yet."""
        difference = self.differences[index]
        direction = metric_info(self.metric).direction
        if math.isnan(difference):
            return ""
        if direction == "neither":
            return "neutral"
        if difference == 0:
            return "same"
        low, high = self.difference_intervals[index]
        if not (math.isnan(low) or low > 0 or high < 0):
            return "unclear"
        better = difference > 0 if direction == "higher" else difference < 0
        return "better" if better else "worse"


class Experiment:
    """Scenarios run side by side with the same seeds (common random numbers), one week at a time.

    Args:
        scenarios: one to three resolved scenarios; the first is the reference (A).
        seeds: the seeds every scenario is run with; differences are paired by seed.
        per_seed: parameter values for each seed's runs, the same for every scenario (a posterior
            draw, as ``marketsim compare --posterior`` runs it); a parameter a scenario sets keeps
            the scenario's value.
    """

    def __init__(self, scenarios: Sequence[ms.Scenario], seeds: Sequence[int],
                 per_seed: Mapping[int, Mapping[str, Any]] | None = None):
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
        self.models = [[ms.DrugMarketModel(with_draw(scn, (per_seed or {}).get(seed)), seed=seed)
                        for seed in self.seeds] for scn in self.scenarios]
        self.lock = threading.Lock()
        """Held while stepping, so a play loop and a button press never step at once."""
        self._tables: list[list[pd.DataFrame]] | None = None
        self._closed_at = 0

    def close(self) -> None:
        """Drop the models and let them be garbage-collected (see
        :func:`marketsim.runs.release_model`), even while something still holds the experiment
        (Solara keeps each closed page's play task for the life of the server: without this, a
        few MB per session that never came back); the experiment must not step again."""
        with self.lock:
            self._closed_at = self.week
            for runs in self.models:
                for model in runs:
                    release_model(model)
            self.models = []
            self._tables = None

    @property
    def week(self) -> int:
        """Weeks simulated so far (all models are always at the same week; once closed, the last)."""
        return self.models[0][0].steps if self.models else self._closed_at

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

    def scoreboard(self, metrics: Sequence[str] = (*OUTCOME_INDICATORS, *PROCESS_INDICATORS)
                   ) -> tuple[list[ScoreRow], int]:
        """Each metric's weekly mean after the burn-in per scenario and each scenario's paired
        change from A, with 95% CIs, as ``marketsim compare`` computes them; and the burn-in used
        (``marketsim.runs.BURN_IN``, or half the weeks run before then)."""
        week = self.week
        burn_in, _ = resolve_burn_in(None, week) if week else (0, None)
        if week == 0:
            blank = (math.nan,) * len(self.scenarios)
            nowhere = ((math.nan, math.nan),) * (len(self.scenarios) - 1)
            return [ScoreRow(metric, metric_info(metric).group, blank, ((math.nan, math.nan),) * len(blank),
                             blank[1:], nowhere, (None,) * (len(blank) - 1)) for metric in metrics], burn_in
        means = [{"scenario": name, "seed": seed,
                  **{metric: float(table[metric].iloc[burn_in:].mean()) for metric in metrics}}
                 for name, tables in zip(self.names, self.tables(), strict=True)
                 for seed, table in zip(self.seeds, tables, strict=True)]
        table = analysis.compare(pd.DataFrame(means), reference=self.names[0], metrics=list(metrics))
        rows = []
        for metric, block in table.groupby("metric", sort=False):
            block = block.set_index("scenario").loc[self.names]
            others = block.iloc[1:]
            rows.append(ScoreRow(
                metric=str(metric), group=metric_info(str(metric)).group,
                values=tuple(block["mean"]), intervals=tuple(zip(block["ci_low"], block["ci_high"], strict=True)),
                differences=tuple(others["diff"]),
                difference_intervals=tuple(zip(others["diff_ci_low"], others["diff_ci_high"], strict=True)),
                relative=tuple(None if math.isnan(pct) else pct / 100 for pct in others["pct_change"]),
            ))
        return rows, burn_in
