"""One frame of the dashboard: everything drawn for the current week, computed in one go.

A frame is built right after the models step (in the play loop's thread or a button handler),
so rendering only hands finished markup and numbers to the browser and never reads a model
while it is stepping.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from marketsim.dashboard.charts import panels_html
from marketsim.dashboard.experiment import (
    OUTCOME_INDICATORS,
    PROCESS_INDICATORS,
    Experiment,
    ScoreRow,
)
from marketsim.dashboard.network import MapLayout, MapScale, MapState, legend_html, map_svg


@dataclass(frozen=True, eq=False)
class Frame:
    """The markup and numbers shown for one week of an experiment."""

    week: int
    titles: tuple[str, ...]
    maps: tuple[str, ...]                  # one SVG per scenario (its first seed)
    map_legend: str
    map_states: tuple[MapState, ...]
    outcomes: str                          # panels of the outcome indicators
    process: str                           # panels of the process indicators
    scoreboard: tuple[ScoreRow, ...]
    seconds: float = field(compare=False)  # time it took to build this frame


class Painter:
    """Builds frames for one experiment, keeping its map layouts and scales between frames."""

    def __init__(self, experiment: Experiment, horizon: int):
        self.experiment = experiment
        self.horizon = horizon
        self.layouts = [MapLayout.of(runs[0]) for runs in experiment.models]
        self.scale = MapScale()

    def frame(self) -> Frame:
        """Draw the experiment as it is now."""
        start = time.perf_counter()
        experiment = self.experiment
        with experiment.lock:
            states = [MapState.of(runs[0]) for runs in experiment.models]
        self.scale.update(states)
        titles = tuple(experiment.title(i) for i in range(len(experiment.scenarios)))
        maps = tuple(map_svg(layout, state, self.scale, title)
                     for layout, state, title in zip(self.layouts, states, titles, strict=True))
        series = {metric: experiment.series(metric)
                  for metric in (*OUTCOME_INDICATORS, *PROCESS_INDICATORS)}
        seeds = len(experiment.seeds)
        return Frame(
            week=experiment.week, titles=titles, maps=maps,
            map_legend=legend_html(states, self.scale), map_states=tuple(states),
            outcomes=panels_html(OUTCOME_INDICATORS, series, titles, self.horizon, seeds),
            process=panels_html(PROCESS_INDICATORS, series, titles, self.horizon, seeds),
            scoreboard=tuple(experiment.scoreboard()), seconds=time.perf_counter() - start,
        )
