"""Sidebar controls: lesson and scenario pickers, the run controls, the "now" event buttons, the
week a policy starts and where enforcement is aimed."""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING, Any

import solara

import marketsim as ms
from marketsim.config.errors import shown
from marketsim.config.params import TARGETABLE
from marketsim.dashboard.experiment import RUN_LABELS
from marketsim.dashboard.session import MAX_PAIRED_SEEDS, Settings, posterior_note
from marketsim.dashboard.timeline import DEFAULT_SEIZURE_PLACES, DEFAULT_SEIZURE_SHARE, SEIZURE_SHARES, with_targets
from marketsim.lessons import Lesson

if TYPE_CHECKING:
    from marketsim.calibration.posterior import Posterior

SPEEDS = (1, 5, 10, 25, 50)
"""Play speeds on offer, in simulated weeks per second."""

MAX_FRAMES_PER_SECOND = 10
"""Play redraws at most this often; faster speeds step several weeks per frame."""

PARAMETER_SOURCES = ("defaults", "a posterior draw")
"""What the runs' parameters come from: the scenarios as they are, or each seed's posterior draw."""



def play_plan(speed: int) -> tuple[int, float]:
    """Weeks stepped per frame and seconds per frame for a speed in weeks per second (the speed
    is kept exactly, with no more than MAX_FRAMES_PER_SECOND frames)."""
    weeks = math.ceil(speed / MAX_FRAMES_PER_SECOND)
    return weeks, weeks / speed


def offered_problem(value: Any, offered: Sequence[Any], what: str) -> str:
    """Why a control refuses ``value``: it is none of the values the control offers (a browser
    can send any value through a widget; "" when it is one of them)."""
    return "" if value in offered else f"{what} {shown(value)} is not one of those offered: refused"


@solara.component
def Refusal(message: str) -> None:
    """Why a control refused what it was sent, under the control (nothing if it refused nothing)."""
    if message:
        solara.HTML(unsafe_innerHTML=escape(message), classes=["ms-refusal"],
                    style={"font-size": "12px", "color": "#b42318"})


@solara.component
def Choices(value: Any, values: Sequence[Any], on_value: Callable[[Any], None], classes: Sequence[str] = ()) -> None:
    """One of ``values`` as toggle buttons (as Solara's ToggleButtonsSingle draws them), with the
    index a browser sends checked: one that is not a button's is refused with a message."""
    values = list(values)
    message, set_message = solara.use_state("")

    def pick(index: Any) -> None:
        chosen = isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(values)
        set_message("" if chosen else f"choice {shown(index)} is not one of the {len(values)} offered: refused")
        if chosen:
            on_value(values[index])

    solara.v.BtnToggle(children=[solara.Button(label=str(item)) for item in values], multiple=False, mandatory=True,
                       v_model=values.index(value) if value in values else None, on_v_model=pick, dense=True,
                       class_=" ".join(classes))
    Refusal(message)


@solara.component
def LessonPicker(lessons: Sequence[Lesson], current: str | None,
                 on_lesson: Callable[[str | None], None]) -> None:
    """Choose a lesson: its scenarios load side by side and its text fills the teaching panel."""
    items = [{"text": "— none: pick scenarios below —", "value": ""}]
    items += [{"text": f"{lesson.session} {lesson.title}", "value": lesson.name} for lesson in lessons]
    message, set_message = solara.use_state("")

    def pick(name: Any) -> None:
        problem = offered_problem(name, [item["value"] for item in items], "lesson")
        set_message(problem)
        if not problem:
            on_lesson(name or None)

    solara.v.Select(label="Lesson (IDPC Module 7)", items=items, v_model=current or "",
                    on_v_model=pick, dense=True, hide_details=True)
    Refusal(message)


@solara.component
def ChartPicker(settings: Settings, on_metrics: Callable[[list[str]], None]) -> None:
    """Choose more metrics to chart and score, beside the outcome and process indicators and those
    a lesson names; the runs go on."""
    shown = settings.metrics()
    offered = [name for name in ms.METRICS if name not in shown or name in settings.charted]
    solara.v.Select(label="Also chart", items=offered, v_model=list(settings.charted), multiple=True, chips=True,
                    small_chips=True, deletable_chips=True, dense=True, hide_details=True,
                    on_v_model=lambda names: on_metrics(list(names)))
    solara.Text("Always charted: the outcome and process indicators, and a lesson's metrics.",
                style={"font-size": "12px", "color": "#777"})


@solara.component
def ScenarioPickers(settings: Settings, presets: Mapping[str, ms.Scenario],
                    on_settings: Callable[[Settings], None]) -> None:
    """One preset picker per scenario shown (A is the reference), each with the preset's summary."""
    items = [{"text": scenario.title, "value": name} for name, scenario in presets.items()]
    message, set_message = solara.use_state("")

    def pick(index: int, chosen: Any) -> None:
        problem = offered_problem(chosen, list(presets), f"scenario {RUN_LABELS[index]}")
        set_message(problem)
        if not problem:
            on_settings(settings.with_preset(index, chosen))

    for index, name in enumerate(settings.presets):
        label = f"Scenario {RUN_LABELS[index]}" + (" (reference)" if index == 0 else "")
        with solara.Row(gap="4px", style={"align-items": "center"}):
            solara.v.Select(label=label, items=items, v_model=name, dense=True, hide_details=True,
                            on_v_model=lambda chosen, i=index: pick(i, chosen))
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
    Refusal(message)


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
    Choices(speed.value, SPEEDS, speed.set, classes=["ms-speed"])


@solara.component
def SeedControls(settings: Settings, horizon: int, on_settings: Callable[[Settings], None],
                 on_horizon: Callable[[int], None]) -> None:
    """The first seed, how many paired seeds per scenario, and the week play stops at."""
    message, set_message = solara.use_state("")

    def set_seed(value: int | None) -> None:
        if value is None:
            return
        problems = replace(settings, seed=value).problems()
        set_message("; ".join(problems))
        if not problems:
            on_settings(replace(settings, seed=value))

    def set_paired(value: int) -> None:
        on_settings(replace(settings, paired=value))

    with solara.Row(gap="8px", classes=["mt-6"]):
        solara.InputInt("First seed", value=settings.seed, on_value=set_seed, dense=True,
                        style={"max-width": "110px"})
        solara.InputInt("Stop at week", value=horizon, dense=True, style={"max-width": "110px"},
                        on_value=lambda value: on_horizon(value) if value and value > 0 else None)
    solara.Text("Paired seeds per scenario", style={"font-size": "12px", "color": "#555"})
    Choices(settings.paired, range(1, MAX_PAIRED_SEEDS + 1), set_paired)
    seeds = ", ".join(str(seed) for seed in settings.seeds())
    solara.Text(f"Every scenario runs with seeds {seeds}: differences are paired seed by seed.",
                style={"font-size": "12px", "color": "#666"})
    Refusal(message)


@solara.component
def PosteriorControl(settings: Settings, posterior: Posterior | None,
                     on_settings: Callable[[Settings], None]) -> None:
    """Whether each seed runs with its draw of the page's calibration posterior (the same draw for every
    scenario), and which draws are in force; without a posterior, how to get one."""
    if posterior is None:
        solara.Text("Parameters: the defaults. To run over a calibration's posterior, start the dashboard "
                    "with marketsim dashboard --posterior DIR.", classes=["ms-no-posterior"],
                    style={"font-size": "12px", "color": "#777"})
        return
    solara.Text("Parameters", style={"font-size": "12px", "color": "#555"})
    Choices(PARAMETER_SOURCES[int(settings.posterior_draws)], PARAMETER_SOURCES,
            lambda source: on_settings(replace(settings, posterior_draws=source == PARAMETER_SOURCES[1])),
            classes=["ms-posterior"])
    solara.Text(posterior_note(posterior, settings.seeds(), settings.posterior_draws), classes=["ms-posterior-note"],
                style={"font-size": "12px", "color": "#666"})


@solara.component
def NowButtons(week: int, horizon: int, where_choices: Sequence[str], staged: Sequence[Mapping[str, Any]],
               on_event: Callable[[str, str, float], str | None], on_forget: Callable[[], None]) -> None:
    """"Seizure now" and "Remove a leader now": the event happens in the next week, in every
    scenario and seed; the events staged so far, and a button to forget them."""
    where, set_where = solara.use_state(DEFAULT_SEIZURE_PLACES)
    share, set_share = solara.use_state(DEFAULT_SEIZURE_SHARE)
    message, set_message = solara.use_state(None)
    finished = week >= horizon
    solara.Text(f"Events in week {week + 1}, in every scenario and seed", style={"font-size": "12px", "color": "#555"})
    with solara.Row(gap="6px", style={"align-items": "center"}):
        solara.v.Select(label="Seize at", items=list(where_choices), v_model=where, on_v_model=set_where, dense=True,
                        hide_details=True, class_="ms-seize-where", style_="max-width: 150px")
        solara.v.Select(label="Share", v_model=share, on_v_model=set_share, dense=True, hide_details=True,
                        items=[{"text": f"{value:.0%}", "value": value} for value in SEIZURE_SHARES],
                        class_="ms-seize-share", style_="max-width: 80px")
    with solara.Row(gap="6px"):
        solara.Button("Seizure now", icon_name="mdi-package-variant-remove", small=True, disabled=finished,
                      on_click=lambda: set_message(on_event("seizure", where, share)), classes=["ms-seize-now"])
        solara.Button("Remove a leader now", icon_name="mdi-account-remove", small=True, disabled=finished,
                      on_click=lambda: set_message(on_event("leader_removal", where, share)),
                      classes=["ms-remove-leader-now"])
    if message:
        solara.HTML(unsafe_innerHTML=escape(message), style={"font-size": "12px", "color": "#b42318"})
    if staged:
        listed = "; ".join(f"week {entry['week']}: {entry['kind'].replace('_', ' ')}" for entry in staged)
        with solara.Row(gap="4px", style={"align-items": "center"}):
            solara.HTML(unsafe_innerHTML=f"Staged here: {escape(listed)}. A reset or an edit replays them.",
                        classes=["ms-staged"], style={"font-size": "12px", "color": "#555"})
            solara.Button("Forget", text=True, small=True, on_click=on_forget, classes=["ms-forget-events"])


@solara.component
def PolicyStart(week: int, horizon: int, on_week: Callable[[int], str | None]) -> None:
    """The week the edited run's policy changes take effect (1: from the start)."""
    message, set_message = solara.use_state(None)

    def commit(value: int | None) -> None:
        if value is not None:
            set_message(on_week(value))

    solara.InputInt("Policy starts at week", value=week, on_value=commit, dense=True, classes=["ms-start-week"],
                    style={"max-width": "170px"})
    solara.Text("Changes to the policy, justice, harm, police and demand parameters and to the targets take "
                "effect from this week; before it the preset's values hold (1: from the start). World and "
                "behaviour parameters always hold from the start.", style={"font-size": "12px", "color": "#777"})
    if message:
        solara.HTML(unsafe_innerHTML=escape(message), style={"font-size": "12px", "color": "#b42318"})


@solara.component
def TargetPicker(targets: Mapping[str, Sequence[str]], choices: Sequence[str],
                 on_targets: Callable[[dict[str, tuple[str, ...]]], str | None]) -> None:
    """Aim an enforcement activity at places of the map (``policy.targets``); the map rings them."""
    activity, set_activity = solara.use_state("street")
    message, set_message = solara.use_state(None)
    with solara.Row(gap="6px", style={"align-items": "center"}):
        solara.v.Select(label="Aim", items=list(TARGETABLE), v_model=activity, on_v_model=set_activity, dense=True,
                        hide_details=True, class_="ms-target-activity", style_="max-width: 130px")
        solara.v.Select(label="at places", items=list(choices), v_model=list(targets.get(activity, ())),
                        multiple=True, chips=True, small_chips=True, deletable_chips=True, dense=True,
                        hide_details=True, class_="ms-targets",
                        on_v_model=lambda chosen: set_message(on_targets(with_targets(targets, activity, chosen))))
    aimed = "; ".join(f"{name}: {', '.join(where)}" for name, where in targets.items())
    solara.Text(f"Aimed: {aimed}. The police budget stays the same." if aimed
                else "Every activity works everywhere. Choose places to aim one at them (the budget stays the same).",
                style={"font-size": "12px", "color": "#777"})
    if message:
        solara.HTML(unsafe_innerHTML=escape(message), style={"font-size": "12px", "color": "#b42318"})
