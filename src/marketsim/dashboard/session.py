"""A browser session's settings, and the experiment they start.

:class:`Settings` is an immutable record of every choice that determines the runs (presets,
parameter edits, seeds, lesson); each control produces a new one. :class:`Session` is what a
set of settings starts: the experiment and the painter that draws it. Both live in a page's
component state, never at module level, so each browser tab has its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import marketsim as ms
from marketsim.config.errors import shown
from marketsim.config.params import SPECS
from marketsim.config.scenario import preset_names
from marketsim.config.timeline import Event, Timeline
from marketsim.config.writing import scenario_toml
from marketsim.dashboard.experiment import OUTCOME_INDICATORS, PROCESS_INDICATORS, RUN_LABELS, Experiment
from marketsim.dashboard.frame import Painter
from marketsim.dashboard.timeline import split_edits
from marketsim.lessons import lesson_names
from marketsim.runs import MAX_SEED

if TYPE_CHECKING:
    from marketsim.calibration.posterior import Posterior

DEFAULT_HORIZON = 520
MAX_PAIRED_SEEDS = 5
"""The most paired seeds a page runs per scenario."""
MAX_RUN_WEEKS = 3 * 5 * 1040
"""The most simulated weeks one page may ask for, over every scenario and seed: three scenarios
with five seeds each for twenty years. A page's work is bounded whoever is using it."""


def work_problem(runs: int, seeds: int, weeks: int) -> str | None:
    """Why ``runs`` scenarios × ``seeds`` seeds × ``weeks`` weeks is too much for one page, if it is."""
    total = runs * seeds * weeks
    if total <= MAX_RUN_WEEKS:
        return None
    return (f"{runs} scenario{'s' if runs > 1 else ''} × {seeds} seed{'s' if seeds > 1 else ''} × {weeks:,} weeks "
            f"= {total:,} simulated weeks: a page runs at most {MAX_RUN_WEEKS:,}; use fewer seeds or weeks "
            "(or the command line for longer experiments)")


@dataclass(frozen=True)
class Settings:
    """Everything that determines the runs on screen.

    Args:
        presets: preset scenario name of each run (A first, at most three).
        edits: per run, the parameters changed from its preset (dotted path → value).
        seed: the first seed; run i of every scenario uses ``seed + i``.
        paired: seeds per scenario.
        lesson: the lesson whose scenarios are loaded, if any.
        base: overrides under every run's own edits, fixed for the page (a smaller or a custom
            world, say); they count as part of the presets.
        start_weeks: per run, the week its edits of the policy, justice, harm, police and demand
            groups take effect (missing: 1, from the start); before it the preset's values hold.
        lesson_schedule, lesson_events: the changes and events the lesson stages in every run.
        staged_events: events staged on the page ("now" buttons), in every run; a restart
            replays them in their weeks.
        lesson_metrics: the metrics the lesson asks to watch and makes claims about, charted.
        charted: more metrics the user asked to chart.
        posterior_draws: whether each seed runs with its draw of the page's posterior (as
            ``marketsim compare --posterior`` runs it) rather than the default parameters; the
            scenario's and the user's own values win.
    """

    presets: tuple[str, ...] = ("baseline",)
    edits: tuple[Mapping[str, Any], ...] = field(default_factory=lambda: ({},))
    seed: int = 1
    paired: int = 3
    lesson: str | None = None
    base: Mapping[str, Any] = field(default_factory=dict)
    start_weeks: tuple[int, ...] = ()
    lesson_schedule: tuple[Mapping[str, Any], ...] = ()
    lesson_events: tuple[Mapping[str, Any], ...] = ()
    staged_events: tuple[Mapping[str, Any], ...] = ()
    lesson_metrics: tuple[str, ...] = ()
    charted: tuple[str, ...] = ()
    posterior_draws: bool = False

    def metrics(self) -> tuple[str, ...]:
        """What the charts and the scoreboard show: the outcome and process indicators, then the
        lesson's metrics and those the user added, each once."""
        return tuple(dict.fromkeys((*OUTCOME_INDICATORS, *PROCESS_INDICATORS, *self.lesson_metrics, *self.charted)))

    def problems(self) -> list[str]:
        """What a page may not ask for, whatever its controls were sent: a scenario that is not a
        preset (never a path on the server), a lesson that is not listed, seeds outside what a run
        takes, an edit of a parameter that does not exist, a start week before the first."""
        problems = []
        presets = preset_names()
        if not 1 <= len(self.presets) <= len(RUN_LABELS):
            problems.append(f"{len(self.presets)} scenarios: allowed 1 to {len(RUN_LABELS)} side by side")
        problems += [f"scenario {shown(name)}: allowed one of the presets ({', '.join(presets)})"
                     for name in self.presets if name not in presets]
        if self.lesson is not None and self.lesson not in lesson_names():
            problems.append(f"lesson {shown(self.lesson)}: allowed one of the lessons listed")
        if not _whole(self.paired) or not 1 <= self.paired <= MAX_PAIRED_SEEDS:
            problems.append(f"paired seeds = {shown(self.paired)}: allowed a whole number from 1 to {MAX_PAIRED_SEEDS}")
        elif not _whole(self.seed) or not 0 <= self.seed <= MAX_SEED - self.paired + 1:
            problems.append(f"first seed = {shown(self.seed)}: allowed a whole number from 0 to "
                            f"{MAX_SEED - self.paired + 1:,}")
        problems += [f"unknown parameter {shown(path)}" for edits in self.edits for path in edits if path not in SPECS]
        problems += [f"unknown metric {shown(name)}" for name in self.charted if name not in ms.METRICS]
        problems += [f"start week = {shown(week)}: allowed a whole number ≥ 1"
                     for week in self.start_weeks if not _whole(week) or week < 1]
        if not isinstance(self.posterior_draws, bool):
            problems.append(f"posterior draws = {shown(self.posterior_draws)}: allowed true or false")
        return problems

    def seeds(self) -> list[int]:
        """The paired seeds every scenario is run with."""
        return list(range(self.seed, self.seed + self.paired))

    def preset(self, index: int) -> ms.Scenario:
        """Run ``index``'s preset, with the page's base overrides but without the run's edits."""
        return ms.load_scenario(self.presets[index], self.base)

    def start_week(self, index: int) -> int:
        """The week run ``index``'s edits take effect (1: from the start)."""
        return self.start_weeks[index] if index < len(self.start_weeks) else 1

    def levers(self, index: int) -> ms.Scenario:
        """Run ``index``'s preset with all its edits in force: the values its parameter panel shows
        (the policy once it has started)."""
        return ms.load_scenario(self.presets[index], {**self.base, **self.edits[index]})

    def scenario(self, index: int) -> ms.Scenario:
        """Run ``index``'s scenario: its preset with its edits (from its start week), the lesson's
        changes and events, and the events staged on the page (raises ScenarioError if invalid)."""
        start = self.start_week(index)
        now, later = split_edits(self.edits[index]) if start > 1 else (dict(self.edits[index]), {})
        scenario = ms.load_scenario(self.presets[index], {**self.base, **now})
        schedule = [*self.lesson_schedule, *([{"week": start, "set": later}] if later else [])]
        return scenario.with_timeline(schedule, [*self.lesson_events, *self.staged_events])

    def toml(self, index: int) -> str:
        """Run ``index``'s scenario as a scenario file that extends its preset: every parameter whose
        value differs from the preset's (the edits, the page's base overrides, budget shares the
        budget rule scaled), and the changes and events the preset does not stage itself. Loading
        it gives the same scenario (``marketsim run FILE``, or ``extends`` from another)."""
        scenario = self.scenario(index)
        preset = ms.load_scenario(self.presets[index])
        values = {path: value for path, value in scenario.resolved().items() if value != preset.get(path)}
        own = Timeline(schedule=scenario.timeline.schedule[len(preset.timeline.schedule):],
                       events=scenario.timeline.events[len(preset.timeline.events):])
        changed = len(values) + len(own.schedule) + len(own.events)
        return scenario_toml(f"{preset.title} (edited)", f"{preset.title} as edited in the dashboard: "
                             f"{changed} change{'s' if changed != 1 else ''} from the preset.", values, own,
                             extends=self.presets[index])

    def scenarios(self) -> list[ms.Scenario]:
        """Every run's scenario."""
        return [self.scenario(i) for i in range(len(self.presets))]

    def with_preset(self, index: int, name: str) -> Settings:
        """Run ``index`` switched to another preset (its edits dropped; any lesson left)."""
        presets = list(self.presets)
        edits = list(self.edits)
        presets[index], edits[index] = name, {}
        return replace(self, presets=tuple(presets), edits=tuple(edits), lesson=None,
                       start_weeks=self._start_weeks_with(index, 1), lesson_schedule=(), lesson_events=(),
                       lesson_metrics=())

    def with_run_added(self, name: str) -> Settings:
        """Another scenario to compare with A."""
        if len(self.presets) >= len(RUN_LABELS):
            raise ValueError(f"at most {len(RUN_LABELS)} scenarios side by side")
        return replace(self, presets=(*self.presets, name), edits=(*self.edits, {}), lesson=None,
                       lesson_schedule=(), lesson_events=(), lesson_metrics=())

    def with_run_removed(self, index: int) -> Settings:
        """Run ``index`` dropped (A cannot be dropped)."""
        if index == 0:
            raise ValueError("scenario A is the reference and cannot be removed")
        keep = [i for i in range(len(self.presets)) if i != index]
        return replace(self, presets=tuple(self.presets[i] for i in keep),
                       edits=tuple(self.edits[i] for i in keep), lesson=None, lesson_schedule=(), lesson_events=(),
                       lesson_metrics=(), start_weeks=tuple(self.start_week(i) for i in keep))

    def with_edit(self, index: int, path: str, value: Any) -> Settings:
        """Run ``index`` with one parameter set; setting it back to the preset's value drops the edit."""
        edits = dict(self.edits[index])
        if self.preset(index).get(path) == value:
            edits.pop(path, None)
        else:
            edits[path] = value
        return replace(self, edits=tuple(edits if i == index else e for i, e in enumerate(self.edits)))

    def largest_valid(self, index: int, path: str, wanted: float, step: float) -> float | int | None:
        """The value nearest ``wanted`` (on the ``step`` grid) that run ``index`` accepts, between
        the current value and ``wanted``; None if there is none but the current value.

        Used when a value is within its own bounds but breaks a rule that ties parameters
        together (budget shares adding up to more than 1, say).
        """
        current = self.levers(index).get(path)
        valid, invalid = float(current), float(wanted)
        for _ in range(60):
            if abs(invalid - valid) <= step * 1e-6:
                break
            middle = (valid + invalid) / 2
            if self._accepts(index, path, middle):
                valid = middle
            else:
                invalid = middle
        upward = wanted > current
        grid = math.floor(invalid / step + 1e-9) if upward else math.ceil(invalid / step - 1e-9)
        for k in (grid, grid - 1, grid - 2) if upward else (grid, grid + 1, grid + 2):
            value = round(k * step) if isinstance(current, int) else round(k * step, _decimals(step))
            inside = current < value <= wanted if upward else wanted <= value < current
            if inside and self._accepts(index, path, value):
                return value
        return None

    def _accepts(self, index: int, path: str, value: Any) -> bool:
        try:
            self.with_edit(index, path, value).scenario(index)
        except ms.ScenarioError:
            return False
        return True

    def without_edits(self, index: int) -> Settings:
        """Run ``index`` back to its preset's values (from the start)."""
        return replace(self, edits=tuple({} if i == index else e for i, e in enumerate(self.edits)),
                       start_weeks=self._start_weeks_with(index, 1))

    def with_lesson(self, name: str, presets: tuple[str, ...], schedule: Sequence[Mapping[str, Any]] = (),
                    events: Sequence[Mapping[str, Any]] = (), metrics: Sequence[str] = ()) -> Settings:
        """A lesson's scenarios side by side, unedited, with the changes and events it stages and
        the metrics it names charted."""
        return replace(self, presets=presets, edits=tuple({} for _ in presets), lesson=name, start_weeks=(),
                       lesson_schedule=tuple(schedule), lesson_events=tuple(events),
                       lesson_metrics=tuple(dict.fromkeys(metrics)))

    def with_start_week(self, index: int, week: int) -> Settings:
        """Run ``index``'s edits of the schedulable groups taking effect from ``week``."""
        return replace(self, start_weeks=self._start_weeks_with(index, week))

    def with_event(self, event: Event) -> Settings:
        """One more event staged on the page, in every run."""
        return replace(self, staged_events=(*self.staged_events, event.as_dict()))

    def without_staged_events(self) -> Settings:
        """The events staged on the page dropped."""
        return replace(self, staged_events=())

    def _start_weeks_with(self, index: int, week: int) -> tuple[int, ...]:
        return tuple(week if i == index else self.start_week(i) for i in range(len(self.presets)))


def _whole(value: Any) -> bool:
    """Whether ``value`` is a whole number (not a switch)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _decimals(step: float) -> int:
    """Decimal places needed to write multiples of ``step``."""
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0


NO_POSTERIOR = ("parameters from a posterior draw: this dashboard has no posterior loaded; start it with "
                "marketsim dashboard --posterior DIR (a calibration's folder)")
"""Why runs over posterior draws are refused on a page served without a posterior."""


def posterior_note(posterior: Posterior, seeds: Sequence[int], drawn: bool) -> str:
    """What the page says about the posterior: with ``drawn``, which draw each seed runs with, of how many
    sets, from which folder (the draws ``marketsim compare --posterior`` uses for those seeds); otherwise
    that the defaults run and what switching would do."""
    where = f" in {posterior.path.parent}" if posterior.path is not None else ""
    calibrated = ", ".join(posterior.parameters)
    if not drawn:
        return (f"The runs use the default parameters. A posterior draw runs each seed with one of the "
                f"{len(posterior):,} parameter sets of the posterior{where} ({calibrated}).")
    shown_draws = ", ".join(f"seed {seed} → draw {posterior.draw_index(seed)}" for seed in seeds)
    return (f"Posterior draws in force: {shown_draws}, of the {len(posterior):,} parameter sets of the posterior"
            f"{where} ({calibrated}). Every scenario runs the same draw with the same seed, so comparisons "
            "stay paired; a parameter the scenario or your edits set keeps that value.")


class Session:
    """The experiment a set of settings starts, with the painter that draws its frames.

    Args:
        settings: what to run.
        horizon: the week play stops at.
        posterior: the page's calibration posterior, if it was served with one; with
            ``settings.posterior_draws`` each seed runs with its draw (:meth:`Posterior.draws`).
    """

    def __init__(self, settings: Settings, horizon: int = DEFAULT_HORIZON, posterior: Posterior | None = None):
        problems = settings.problems()
        if settings.posterior_draws is True and posterior is None:
            problems.append(NO_POSTERIOR)
        if problems:
            raise ms.ScenarioError(problems)
        problem = work_problem(len(settings.presets), settings.paired, horizon)
        if problem is not None:
            raise ValueError(problem)
        self.settings = settings
        self.posterior = posterior
        self.draws = posterior.draws(settings.seeds()) if settings.posterior_draws and posterior else None
        """Each seed's parameter values from the posterior (None: the defaults run)."""
        self.experiment = Experiment(settings.scenarios(), settings.seeds(), self.draws)
        self.painter = Painter(self.experiment, horizon, settings.metrics())

    def chart(self, metrics: Sequence[str]) -> None:
        """Chart and score these metrics too (the user's choice), without restarting the runs."""
        unknown = [name for name in metrics if name not in ms.METRICS]
        if unknown:
            raise ValueError(f"unknown metrics: {', '.join(unknown)}")
        self.settings = replace(self.settings, charted=tuple(metrics))
        self.painter.metrics = self.settings.metrics()

    def stage(self, event: Event) -> None:
        """Stage an event in every run under way (see :meth:`Experiment.stage`), and in the
        settings, so a restart replays it in its week (raises ScenarioError as that does)."""
        self.experiment.stage(event)
        self.settings = self.settings.with_event(event)

    @property
    def horizon(self) -> int:
        """The week play stops at (and the charts' x-axis runs to)."""
        return self.painter.horizon
