"""One frame of the dashboard: everything drawn for the current week, computed in one go.

A frame is built right after the models step (in the play loop's thread or a button handler),
so rendering only hands finished markup and numbers to the browser and never reads a model
while it is stepping.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from marketsim.analysis import metric_info
from marketsim.config.timeline import Event
from marketsim.dashboard.charts import panels_html
from marketsim.dashboard.experiment import (
    OUTCOME_INDICATORS,
    PROCESS_INDICATORS,
    Experiment,
    ScoreRow,
)
from marketsim.dashboard.network import MapLayout, MapScale, MapState, legend_html, map_svg
from marketsim.dashboard.timeline import RECENT_EVENT_WEEKS, Marker, event_places, markers
from marketsim.sim.common import WEEKS_PER_YEAR


@dataclass(frozen=True, eq=False)
class Frame:
    """The markup and numbers shown for one week of an experiment."""

    week: int
    titles: tuple[str, ...]
    maps: tuple[str, ...]                  # one SVG per scenario (its first seed)
    map_legend: str
    map_states: tuple[MapState, ...]
    outcomes: str                          # panels of the outcome indicators charted
    process: str                           # panels of the process indicators charted
    others: str                            # panels of the market and cost indicators charted ("" if none)
    scoreboard: tuple[ScoreRow, ...]
    burn_in: int                           # weeks the scoreboard's means leave out
    seconds: float = field(compare=False)  # time it took to build this frame
    markers: tuple[Marker, ...] = ()       # scheduled changes and events of the runs


class Painter:
    """Builds frames for one experiment, keeping its map layouts and scales between frames.

    Args:
        experiment: the runs drawn.
        horizon: the week the charts' x-axis runs to.
        metrics: the metrics charted and scored (outcome, process, then market and cost panels).
    """

    def __init__(self, experiment: Experiment, horizon: int,
                 metrics: Sequence[str] = (*OUTCOME_INDICATORS, *PROCESS_INDICATORS)):
        self.experiment = experiment
        self.horizon = horizon
        self.metrics = tuple(metrics)
        self.layouts = [MapLayout.of(runs[0]) for runs in experiment.models]
        self.scale = MapScale()
        self.struck: dict[tuple[int, Event], np.ndarray] = {}
        """The places of each event of each scenario, found the first time it is drawn."""

    def recent_events(self, index: int) -> tuple[tuple[str, np.ndarray], ...]:
        """Scenario ``index``'s events of the last ``RECENT_EVENT_WEEKS`` weeks: each one's text and
        places (``most_violent:N`` ranked by the homicides of the year before it is first drawn)."""
        model = self.experiment.models[index][0]
        week = model.steps
        out = []
        for event in model.interventions.timeline.events:
            if not week - RECENT_EVENT_WEEKS < event.week <= week:
                continue
            key = (index, event)
            if key not in self.struck:
                homicides = model.outputs.recent_by_place("homicides", WEEKS_PER_YEAR)
                self.struck[key] = event_places(model.places, event, homicides)
            out.append((f"week {event.week}: {event.describe()}", self.struck[key]))
        return tuple(out)

    def frame(self) -> Frame:
        """Draw the experiment as it is now."""
        start = time.perf_counter()
        experiment = self.experiment
        with experiment.lock:
            states = [MapState.of(runs[0], self.recent_events(i)) for i, runs in enumerate(experiment.models)]
            marks = markers(experiment.timelines())
        self.scale.update(states)
        titles = tuple(experiment.title(i) for i in range(len(experiment.scenarios)))
        maps = tuple(map_svg(layout, state, self.scale, title)
                     for layout, state, title in zip(self.layouts, states, titles, strict=True))
        series = {metric: experiment.series(metric) for metric in self.metrics}
        seeds = len(experiment.seeds)

        def panels(*groups: str) -> str:
            chosen = [metric for metric in self.metrics if metric_info(metric).group in groups]
            return panels_html(chosen, series, titles, self.horizon, seeds, marks) if chosen else ""

        scoreboard, burn_in = experiment.scoreboard(self.metrics)
        return Frame(
            week=experiment.week, titles=titles, maps=maps,
            map_legend=legend_html(states, self.scale), map_states=tuple(states),
            outcomes=panels("outcome"), process=panels("process"), others=panels("market", "cost"),
            scoreboard=tuple(scoreboard), burn_in=burn_in, seconds=time.perf_counter() - start, markers=marks,
        )
