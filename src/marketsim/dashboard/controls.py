"""Sidebar controls: lesson and scenario pickers, and the run controls."""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from html import escape

import solara

import marketsim as ms
from marketsim.dashboard.experiment import RUN_LABELS
from marketsim.dashboard.session import Settings
from marketsim.lessons import Lesson

SPEEDS = (1, 5, 10, 25, 50)
"""Play speeds on offer, in simulated weeks per second."""

MAX_FRAMES_PER_SECOND = 10
"""Play redraws at most this often; faster speeds step several weeks per frame."""

MAX_PAIRED_SEEDS = 5


def play_plan(speed: int) -> tuple[int, float]:
    """Weeks stepped per frame and seconds per frame for a speed in weeks per second (the speed
    is kept exactly, with no more than MAX_FRAMES_PER_SECOND frames)."""
    weeks = math.ceil(speed / MAX_FRAMES_PER_SECOND)
    return weeks, weeks / speed


@solara.component
def LessonPicker(lessons: Sequence[Lesson], current: str | None,
                 on_lesson: Callable[[str | None], None]) -> None:
    """Choose a lesson: its scenarios load side by side and its text fills the teaching panel."""
    items = [{"text": "— none: pick scenarios below —", "value": ""}]
    items += [{"text": f"{lesson.session} {lesson.title}", "value": lesson.name} for lesson in lessons]
    solara.v.Select(label="Lesson (IDPC Module 7)", items=items, v_model=current or "",
                    on_v_model=lambda name: on_lesson(name or None), dense=True, hide_details=True)


@solara.component
def ScenarioPickers(settings: Settings, presets: Mapping[str, ms.Scenario],
                    on_settings: Callable[[Settings], None]) -> None:
    """One preset picker per scenario shown (A is the reference), each with the preset's summary."""
    items = [{"text": scenario.title, "value": name} for name, scenario in presets.items()]
    for index, name in enumerate(settings.presets):
        label = f"Scenario {RUN_LABELS[index]}" + (" (reference)" if index == 0 else "")
        with solara.Row(gap="4px", style={"align-items": "center"}):
            solara.v.Select(label=label, items=items, v_model=name, dense=True, hide_details=True,
                            on_v_model=lambda chosen, i=index: on_settings(settings.with_preset(i, chosen)))
            if index > 0:
                solara.Button(icon_name="mdi-close", icon=True, small=True,
                              on_click=lambda i=index: on_settings(settings.with_run_removed(i)))
        summary = presets[name].summary
        solara.HTML(unsafe_innerHTML=escape(summary), attributes={"title": summary}, classes=["ms-summary"],
                    style={"font-size": "12px", "color": "#555", "margin": "2px 0 10px",
                           "display": "-webkit-box", "-webkit-line-clamp": "4",
                           "-webkit-box-orient": "vertical", "overflow": "hidden"})
    if len(settings.presets) < len(RUN_LABELS):
        unused = [name for name in presets if name not in settings.presets]
        solara.Button("Compare with another scenario", icon_name="mdi-plus", text=True, small=True,
                      disabled=not unused,
                      on_click=lambda: on_settings(settings.with_run_added(unused[0])), classes=["ms-add-run"])


@solara.component
def RunControls(week: int, horizon: int, playing: solara.Reactive[bool], speed: solara.Reactive[int],
                on_step: Callable[[], None], on_reset: Callable[[], None]) -> None:
    """Play / pause / step / reset, the play speed, and where the run is."""
    finished = week >= horizon
    with solara.Row(gap="6px"):
        solara.Button("Pause" if playing.value else "Play",
                      icon_name="mdi-pause" if playing.value else "mdi-play", color="primary",
                      disabled=finished and not playing.value, classes=["ms-play"],
                      on_click=lambda: playing.set(not playing.value))
        solara.Button("Step", icon_name="mdi-step-forward", disabled=playing.value or finished,
                      on_click=on_step, classes=["ms-step"])
        solara.Button("Reset", icon_name="mdi-restart", on_click=on_reset, classes=["ms-reset"])
    solara.HTML(unsafe_innerHTML=f"Week <b class='ms-week'>{week}</b> of {horizon}"
                + (" — finished; reset or raise the horizon" if finished else ""),
                style={"font-size": "13px", "margin": "6px 0"})
    solara.Text("Speed (weeks per second)", style={"font-size": "12px", "color": "#555"})
    solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), dense=True, classes=["ms-speed"])


@solara.component
def SeedControls(settings: Settings, horizon: int, on_settings: Callable[[Settings], None],
                 on_horizon: Callable[[int], None]) -> None:
    """The first seed, how many paired seeds per scenario, and the week play stops at."""
    def set_seed(value: int | None) -> None:
        if value is not None and value >= 0:
            on_settings(replace(settings, seed=value))

    def set_paired(value: int) -> None:
        on_settings(replace(settings, paired=value))

    with solara.Row(gap="8px", classes=["mt-6"]):
        solara.InputInt("First seed", value=settings.seed, on_value=set_seed, dense=True,
                        style={"max-width": "110px"})
        solara.InputInt("Stop at week", value=horizon, dense=True, style={"max-width": "110px"},
                        on_value=lambda value: on_horizon(value) if value and value > 0 else None)
    solara.Text("Paired seeds per scenario", style={"font-size": "12px", "color": "#555"})
    solara.ToggleButtonsSingle(value=settings.paired, values=list(range(1, MAX_PAIRED_SEEDS + 1)),
                               on_value=set_paired, dense=True)
    seeds = ", ".join(str(seed) for seed in settings.seeds())
    solara.Text(f"Every scenario runs with seeds {seeds}: differences are paired seed by seed.",
                style={"font-size": "12px", "color": "#666"})
