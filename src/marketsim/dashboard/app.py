"""The marketsim dashboard, a Solara app: ``marketsim dashboard`` or
``solara run marketsim.dashboard.app``.

Mesa's SolaraViz drives one model built from keyword arguments and draws with Altair (not a
dependency here); this page compares up to three scenarios over paired seeds, so it is built
from Solara components and draws its maps and charts as SVG (see ``charts`` and ``network``).

All state lives in the page's hooks: every browser session gets its own models.
"""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import solara
import solara.lab

import marketsim as ms
from marketsim.config.params import SPECS
from marketsim.config.scenario import preset_names, scenario_dir
from marketsim.dashboard.controls import (
    ChartPicker,
    Choices,
    LessonPicker,
    NowButtons,
    PolicyStart,
    PosteriorControl,
    RunControls,
    ScenarioPickers,
    SeedControls,
    TargetPicker,
    play_plan,
)
from marketsim.dashboard.experiment import RUN_LABELS
from marketsim.dashboard.frame import Frame
from marketsim.dashboard.guard import GuardedLayout
from marketsim.dashboard.parameters import ParameterPanel, control_for, format_value
from marketsim.dashboard.server import WORLDS_VARIABLE, secure, served_posterior
from marketsim.dashboard.session import DEFAULT_HORIZON, Session, Settings, work_problem
from marketsim.dashboard.teaching import TeachingPanel
from marketsim.dashboard.timeline import now_event, seizure_choices, start_week_problem, target_choices
from marketsim.dashboard.views import Indicators, Maps, Scoreboard
from marketsim.lessons import Lesson, lesson_names, load_lesson
from marketsim.world.io import WORLD_FORMATS

if TYPE_CHECKING:
    from marketsim.calibration.posterior import Posterior

TITLE = "marketsim: drug policy explorer"
secure()  # the same safety settings under ``solara run marketsim.dashboard.app`` as under ``marketsim dashboard``
Layout = GuardedLayout
"""Solara draws the page in this layout: a value no control offers is refused, never a traceback."""


def problems_text(error: Exception) -> str:
    """An error as the user should read it: every problem of a ScenarioError, one per line."""
    problems = getattr(error, "problems", None)
    return "\n".join(problems) if problems else str(error)


def world_files() -> list[str]:
    """The world files a page may load: "" (generate one) and every GraphML or JSON file in one
    directory. A page never loads a path typed in it."""
    directory = Path(os.environ.get(WORLDS_VARIABLE) or scenario_dir())
    found = sorted(str(path) for path in directory.glob("*")
                   if path.suffix.lower() in WORLD_FORMATS and path.is_file())
    return ["", *found]


def parameter_choices(session: Session, index: int) -> dict[str, list[str]]:
    """The values the text parameters can take in run ``index``: the world files on offer."""
    return {"world.file": world_files()}


def download_name(settings: Settings, week: int) -> str:
    """The CSV's file name: the presets compared and the week reached."""
    return f"marketsim_{'_vs_'.join(settings.presets)}_week{week}.csv"


@solara.component
def RunStatus(frame: solara.Reactive[Frame], horizon: int, playing: solara.Reactive[bool],
              speed: solara.Reactive[int], on_step: Callable[[], None], on_reset: Callable[[], None]) -> None:
    """The run controls, re-rendered with each frame (apart from the rest of the sidebar)."""
    RunControls(frame.value.week, horizon, playing, speed, on_step, on_reset)


@solara.component
def Results(session: Session, frame: solara.Reactive[Frame], lesson: Lesson | None) -> None:
    """Everything drawn from the latest frame: maps, scoreboard, downloads, teaching, charts."""
    current = frame.value
    settings = session.settings
    with solara.Columns([4, 3]):
        with solara.Column():
            with solara.Card("Network", subtitle="Who holds each place, where people are killed, "
                                                 "where the drugs flow (first seed of each scenario)"):
                Maps(current)
            Indicators(current)
        with solara.Column():
            with solara.Card("Scoreboard"):
                Scoreboard(current, len(settings.seeds()))
                solara.FileDownload(session.experiment.csv, filename=download_name(settings, current.week),
                                    label="Download data (CSV)", mime_type="text/csv")
            with solara.Card("Teaching notes" if lesson is None else "Lesson"):
                TeachingPanel(session.experiment, current.week, lesson)
    solara.Text(f"Week {current.week}: drawn in {1000 * current.seconds:.0f} ms",
                style={"font-size": "11px", "color": "#999"})


def load_presets() -> tuple[dict[str, ms.Scenario], list[str]]:
    """Every preset that loads, and the problems of those that do not (shown, not fatal)."""
    presets: dict[str, ms.Scenario] = {}
    problems: list[str] = []
    for name in preset_names():
        try:
            presets[name] = ms.load_scenario(name)
        except ms.ScenarioError as error:
            problems.extend(error.problems)
    return presets, problems


def load_served_posterior() -> tuple[Posterior | None, list[str]]:
    """The posterior the page was served with (``marketsim dashboard --posterior DIR``), if any, and why
    it does not load (possible only under ``solara run``: the command refuses such a folder at start-up)."""
    try:
        return served_posterior(), []
    except ms.ScenarioError as error:  # CalibrationError is one
        return None, [f"No posterior draws on offer: {problem}" for problem in error.problems]


def load_lessons() -> tuple[dict[str, Lesson], list[str]]:
    """Every lesson that loads, and the problems of those that do not."""
    lessons: dict[str, Lesson] = {}
    problems: list[str] = []
    for name in lesson_names():
        try:
            lessons[name] = load_lesson(name)
        except ms.ScenarioError as error:
            problems.extend(error.problems)
    return lessons, problems


@solara.component
def Page(base: Mapping[str, Any] | None = None) -> None:
    """The dashboard page: the dashboard, or why it cannot start.

    Args:
        base: parameter overrides under every scenario, for embedding the page (tests use a
            small world); ``solara run`` shows the presets as they are.
    """
    solara.Title("marketsim dashboard")
    solara.AppBarTitle(TITLE)
    presets, preset_problems = solara.use_memo(load_presets, [])
    lessons, lesson_problems = solara.use_memo(load_lessons, [])
    posterior, posterior_problems = solara.use_memo(load_served_posterior, [])
    problems = preset_problems + lesson_problems + posterior_problems
    if problems:
        solara.Warning("Left out because they do not load:\n" + "\n".join(problems), classes=["ms-warning"],
                       style={"white-space": "pre-line"})
    default = "baseline" if "baseline" in presets else next(iter(presets), None)
    if default is None:
        solara.Error("No preset scenario loads: there is nothing to show.")
        return
    try:
        first = Settings(presets=(default,), edits=({},), base=dict(base or {}))
        first.scenario(0)
    except ms.ScenarioError as error:
        solara.Error(problems_text(error))
        return
    Dashboard(presets, lessons, first, posterior)


@solara.component
def Dashboard(presets: Mapping[str, ms.Scenario], lessons: Mapping[str, Lesson], initial: Settings,
              posterior: Posterior | None = None) -> None:
    """The sidebar of controls and the results, for one browser session (with a calibration's posterior
    when the page was served with one)."""
    first = solara.use_memo(lambda: Session(initial, posterior=posterior), [])
    first_frame = solara.use_memo(first.painter.frame, [])
    session = solara.use_reactive(first)
    frame = solara.use_reactive(first_frame)
    horizon = solara.use_reactive(DEFAULT_HORIZON)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(10)
    editing = solara.use_reactive(0)
    error = solara.use_reactive("")
    staged = solara.use_reactive(0)  # events staged on the page so far: a change redraws the sidebar
    guard = solara.use_memo(threading.Lock, [])  # one writer of session and frame at a time
    closed = solara.use_memo(threading.Event, [])
    def close_page() -> None:
        closed.set()  # a closed page stops playing
        with guard:
            session.value.experiment.close()

    solara.use_effect(lambda: close_page, [])  # the effect's cleanup
    current = session.value
    settings = current.settings  # Session.stage adds to it; ``staged`` redraws the page then
    _ = staged.value  # read here, so that staging an event redraws the sidebar

    def restart(new: Settings) -> str:
        """Start the runs of new settings; return why not if they are refused."""
        try:
            fresh = Session(new, horizon.value, posterior)
        except (ValueError, OSError) as problem:  # ScenarioError is a ValueError
            return problems_text(problem)
        with guard:
            session.value.experiment.close()
            session.set(fresh)
            frame.set(fresh.painter.frame())
        if editing.value >= len(new.presets):
            editing.set(0)
        return ""

    def change(new: Settings) -> None:
        error.set(restart(new))

    def step() -> None:
        with guard:
            if current.experiment.week >= current.horizon:
                return
            current.experiment.step(1)
            frame.set(current.painter.frame())

    def reset() -> None:
        playing.set(False)
        change(settings)

    def set_horizon(weeks: int) -> None:
        problem = work_problem(len(settings.presets), settings.paired, weeks)
        error.set(problem or "")
        if problem is not None:
            return
        horizon.set(weeks)
        with guard:
            current.painter.horizon = weeks
            frame.set(current.painter.frame())

    def pick_lesson(name: str | None) -> None:
        if name is None:
            change(replace(settings, lesson=None))
        else:
            chosen = lessons[name]
            named = [*(item.metric for item in chosen.watch), *(claim.metric for claim in chosen.claims)]
            change(settings.with_lesson(name, chosen.scenarios, chosen.schedule, chosen.event, named))

    def edit(path: str, value: Any) -> str | None:
        """Apply one parameter edit to the scenario being edited; say why if refused or capped."""
        index = editing.value
        offered = parameter_choices(current, index).get(path)
        if offered is not None and value not in offered:
            return f"{path}: choose one of the values offered"
        note = None
        candidate = settings.with_edit(index, path, value)
        try:
            candidate.scenario(index)
        except ms.ScenarioError as problem:
            control = control_for(SPECS[path])
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            capped = (settings.largest_valid(index, path, value, control.step)
                      if numeric and control.kind in ("slider", "number") else None)
            if capped is None:
                return problems_text(problem)
            candidate = settings.with_edit(index, path, capped)
            note = f"capped at {format_value(capped)}: {problems_text(problem)}"
        refused = restart(candidate)
        return refused or note

    def start_policy_at(week: int) -> str | None:
        """The week the edited run's policy changes take effect; say why not if refused."""
        problem = start_week_problem(week, horizon.value)
        index = min(editing.value, len(settings.presets) - 1)
        return problem or restart(settings.with_start_week(index, week)) or None

    def chart(metrics: list[str]) -> None:
        """Chart and score these metrics too, without restarting the runs (a browser can send any
        name: one that is not a metric is refused)."""
        with guard:
            live = session.value
            try:
                live.chart(metrics)
            except ValueError as problem:
                error.set(str(problem))
                return
            error.set("")
            frame.set(live.painter.frame())

    def stage_now(kind: str, where: str, share: float) -> str | None:
        """Stage an event in the next week of every run; say why not if refused."""
        with guard:
            live = session.value
            week = live.experiment.week + 1
            if week > live.horizon:
                return f"the runs have stopped at week {live.horizon}: raise the week play stops at first"
            try:
                live.stage(now_event(kind, week, where, share))
            except ms.ScenarioError as problem:
                return problems_text(problem)
            frame.set(live.painter.frame())
        staged.set(staged.value + 1)
        return None

    def play() -> None:
        """Step and redraw until paused, replaced or at the horizon, at the chosen speed."""
        weeks, period = play_plan(speed.value)
        while True:
            started = time.perf_counter()
            with guard:
                if closed.is_set() or not (playing.value and task.is_current() and session.value is current):
                    return
                remaining = current.horizon - current.experiment.week
                if remaining <= 0:
                    playing.set(False)
                    return
                current.experiment.step(min(weeks, remaining))
                frame.set(current.painter.frame())
            time.sleep(max(0.0, period - (time.perf_counter() - started)))

    task = solara.lab.use_task(play, dependencies=[playing.value, current, speed.value])

    lesson = lessons.get(settings.lesson) if settings.lesson else None
    with solara.Sidebar(), solara.Column(gap="0px", style={"width": "360px", "max-width": "360px"}):
        if lessons:
            with solara.Card(margin=0, style={"margin-bottom": "8px"}):
                LessonPicker(list(lessons.values()), settings.lesson, pick_lesson)
        with solara.Card("Scenarios", margin=0, style={"margin-bottom": "8px"}):
            ScenarioPickers(settings, presets, change)
        with solara.Card("Run", margin=0, style={"margin-bottom": "8px"}):
            RunStatus(frame, horizon.value, playing, speed, step, reset)
            NowButtons(frame.value.week, horizon.value, seizure_choices(current.experiment.models[0][0].places),
                       settings.staged_events, stage_now, lambda: change(settings.without_staged_events()))
            SeedControls(settings, horizon.value, change, set_horizon)
            PosteriorControl(settings, posterior, change)
        with solara.Card("Charts", margin=0, style={"margin-bottom": "8px"}):
            ChartPicker(settings, chart)
        index = min(editing.value, len(settings.presets) - 1)
        levers = solara.use_memo(lambda: settings.levers(index), [settings, index])
        with solara.Card(f"Policy in time and place ({RUN_LABELS[index]})", margin=0,
                         style={"margin-bottom": "8px"}):
            PolicyStart(settings.start_week(index), horizon.value, start_policy_at)
            TargetPicker(levers.get("policy.targets"), target_choices(current.experiment.models[index][0].places),
                         lambda targets: edit("policy.targets", targets))
        with solara.Card("Parameters", margin=0):
            if len(settings.presets) > 1:
                labels = [f"Edit {label}" for label in RUN_LABELS[: len(settings.presets)]]
                Choices(labels[index], labels, lambda label: editing.set(labels.index(label)))
            edited = len(settings.edits[index])
            with solara.Row(style={"align-items": "center"}):
                solara.Text(f"{edited} changed from the preset" if edited else "As in the preset",
                            style={"font-size": "12px", "color": "#555"})
                solara.Button("Back to preset", text=True, small=True, disabled=not edited,
                              on_click=lambda: change(settings.without_edits(index)))
            solara.Text("A change restarts the runs from week 0.", style={"font-size": "12px", "color": "#777"})
            solara.FileDownload(lambda: settings.toml(index), filename=f"{settings.presets[index]}_edited.toml",
                                label=f"Save scenario {RUN_LABELS[index]} as TOML", mime_type="application/toml")
            ParameterPanel(levers, settings.preset(index), edit, parameter_choices(current, index))
    if error.value:
        solara.Error(error.value, classes=["ms-error"])
    Results(current, frame, lesson)
