"""Parameter controls generated from the parameter metadata (``marketsim.parameter_specs``).

Every parameter gets a control that can only produce values its declaration allows: sliders
and number fields bounded by its minimum and maximum, switches for yes/no, lists of the
world's regions and routes for the policy targets, and a list of the world files on offer
(never a typed path). A value that breaks a rule tying
parameters together (the police budget shares must add up to 1 at most) is capped at the
largest value the rule allows, and the page says so.
"""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

import solara

import marketsim as ms
from marketsim.config.params import BUDGET_SHARES

MAX_SLIDER_POSITIONS = 1000
"""A numeric parameter whose range holds more steps than this gets a number field instead."""

OnValue = Callable[[Any], "str | None"]
"""Applies a value; returns a message for the user (why it was refused or capped) or None."""


LEVERS = "levers"
"""The first panel: every parameter whose declared role is lever, whatever its group."""


def ordered_groups() -> list[str]:
    """Panels in display order: the levers first, then each group's other parameters in the model's
    order (``policy``, whose parameters are all levers, has no panel of its own)."""
    specs = ms.parameter_specs()
    return [LEVERS, *(group for group in ms.Params.model_fields
                      if any(spec.group == group and spec.role != "lever" for spec in specs))]


def panel_members(panel: str, specs: Sequence[ms.ParamSpec]) -> list[ms.ParamSpec]:
    """The parameters one panel edits: the levers, or a group's parameters that are not levers
    (``policy.targets`` is edited on the map)."""
    return [spec for spec in specs if spec.kind != "table"
            and (spec.role == "lever" if panel == LEVERS else spec.group == panel and spec.role != "lever")]


def group_title(group: str) -> str:
    """The heading of a panel."""
    return "Policy levers" if group == LEVERS else group.capitalize()


def group_help(group: str) -> str:
    """What a panel's parameters are about (for a group, its own docstring)."""
    if group == LEVERS:
        others = [spec.path for spec in ms.parameter_specs() if spec.role == "lever" and spec.group != "policy"]
        return ("The choices a policy maker makes: how the police budget is split, laws and services "
                f"(policy.*), and {', '.join(others)}.")
    text = (ms.Params.model_fields[group].annotation.__doc__ or "").strip()
    if group == "world":
        text += " Changing these builds a new world."
    return text


@dataclass(frozen=True)
class Control:
    """How one parameter is edited."""

    kind: Literal["switch", "select", "slider", "number", "text"]
    minimum: float | None = None
    maximum: float | None = None
    step: float = 1.0


def step_for(spec: ms.ParamSpec) -> float:
    """The resolution of a numeric control: 1 for counts; for numbers, a power of ten about a
    twentieth of the default (or of the range when the default is 0)."""
    if spec.kind == "int":
        return 1.0
    low = spec.minimum or 0.0
    scale = abs(spec.default) if spec.default else (spec.maximum or 1.0) - low
    return 10.0 ** math.floor(math.log10(scale / 20))


def control_for(spec: ms.ParamSpec, choices: Sequence[str] | None = None) -> Control:
    """The control of one parameter (choices: the allowed values of a text parameter, if known)."""
    if spec.kind == "bool":
        return Control("switch")
    if spec.kind == "str":
        return Control("select") if choices else Control("text")
    step = step_for(spec)
    low = spec.minimum if spec.minimum is not None else -math.inf
    if spec.exclusive_minimum:
        low += step
    high = spec.maximum if spec.maximum is not None else math.inf
    if math.isfinite(low) and math.isfinite(high) and (high - low) / step <= MAX_SLIDER_POSITIONS:
        return Control("slider", low, high, step)
    return Control("number", spec.minimum, spec.maximum, step)


def format_value(value: Any) -> str:
    """A parameter value as shown next to its name."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value) if value == "" else str(value)


def parse_value(spec: ms.ParamSpec, text: str) -> Any:
    """A typed value from a number or text field (raises ValueError with a message)."""
    if spec.kind == "str":
        return text.strip()
    try:
        return int(text) if spec.kind == "int" else float(text)
    except ValueError:
        kind = "a whole number" if spec.kind == "int" else "a number"
        raise ValueError(f"{text!r} is not {kind}") from None


def round_to_step(value: float, step: float) -> float:
    """A slider position without floating-point noise (0.30000000000000004 → 0.3)."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    return round(round(value / step) * step, decimals)


def css_class(spec: ms.ParamSpec) -> str:
    """The CSS class of a parameter's control, e.g. ``ms-param-policy-hvt_share``."""
    return "ms-param-" + spec.path.replace(".", "-")


@solara.component
def DraftSlider(value: float, control: Control, integer: bool, on_commit: Callable[[float], None],
                class_: str) -> None:
    """A slider that follows the pointer while dragging and commits only when released."""
    draft, set_draft = solara.use_state(value)
    solara.use_effect(lambda: set_draft(value), [value])

    def release(*event: Any) -> None:
        position = round_to_step(float(event[-1]), control.step)
        on_commit(int(position) if integer else position)
        set_draft(value)

    slider = solara.v.Slider(v_model=draft, on_v_model=set_draft, min=control.minimum,
                             max=control.maximum, step=control.step, dense=True, hide_details=True,
                             class_=class_)
    solara.v.use_event(slider, "change", release)


@solara.component
def TextEntry(value: Any, spec: ms.ParamSpec, on_commit: Callable[[str], None]) -> None:
    """A number or text field that commits on Enter or when it loses focus."""
    text, set_text = solara.use_state(str(value))
    solara.use_effect(lambda: set_text(str(value)), [value])
    field = solara.v.TextField(v_model=text, on_v_model=set_text, dense=True, hide_details=True,
                               suffix=spec.unit if spec.kind != "str" else None,
                               placeholder="(none)" if spec.kind == "str" else None, class_=css_class(spec))
    solara.v.use_event(field, "change", lambda *event: on_commit(str(event[-1])))


@solara.component
def ParameterControl(spec: ms.ParamSpec, value: Any, preset_value: Any, on_value: OnValue,
                     choices: Sequence[str] | None = None) -> None:
    """One parameter: its name, value, unit and help text, and a control bounded by its metadata."""
    message, set_message = solara.use_state(None)
    control = control_for(spec, choices)

    def commit(new: Any) -> None:
        set_message(on_value(new))

    def commit_text(text: str) -> None:
        try:
            new = parse_value(spec, text)
        except ValueError as error:
            set_message(str(error))
            return
        commit(new)

    changed = value != preset_value
    note = (f' <span style="color:#b26b00" title="the preset\'s value">(preset: '
            f"{escape(format_value(preset_value))})</span>") if changed else ""
    unit = "" if spec.kind in ("bool", "str") else f' <span style="color:#777">{escape(spec.unit)}</span>'
    with solara.Column(gap="0px", classes=["ms-param"], style={"margin-bottom": "10px"}):
        solara.HTML(unsafe_innerHTML=(
            f'<span style="font-size:13px"><b>{escape(spec.name.replace("_", " "))}</b> = '
            f"{escape(format_value(value))}{unit}{note}</span>"
        ), attributes={"title": f"{spec.path}; source: {spec.source}"})
        if control.kind == "switch":
            solara.v.Switch(v_model=value, on_v_model=commit, dense=True, hide_details=True,
                            class_=css_class(spec), style_="margin-top: 0")
        elif control.kind == "select":
            solara.v.Select(v_model=value, on_v_model=commit, items=list(choices or []), dense=True,
                            hide_details=True, class_=css_class(spec))
        elif control.kind == "slider":
            DraftSlider(value, control, spec.kind == "int", commit, css_class(spec))
        else:
            TextEntry(value, spec, commit_text)
        solara.HTML(unsafe_innerHTML=escape(spec.help), style={"font-size": "12px", "color": "#666"})
        if message:
            solara.HTML(unsafe_innerHTML=escape(message), classes=["ms-param-message"],
                        style={"font-size": "12px", "color": "#b42318"})


@solara.component
def BudgetBar(scenario: ms.Scenario) -> None:
    """How the (fixed) police budget is split between the levers; the rest is reactive policing."""
    shares = [(path.split(".")[1].removesuffix("_share").replace("_", " "), scenario.get(path))
              for path in (f"policy.{name}" for name in BUDGET_SHARES)]
    rest = max(0.0, 1 - sum(value for _, value in shares))
    colours = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
               "#ff9da7", "#9c755f")
    parts = [(name, value, colours[i % len(colours)]) for i, (name, value) in enumerate(shares) if value > 0]
    parts.append(("reactive policing", rest, "#d0d0d0"))
    bar = "".join(f'<div title="{escape(name)}: {value:.0%}" style="width:{100 * value:.2f}%;'
                  f'background:{colour}"></div>' for name, value, colour in parts if value > 0)
    key = " · ".join(f'<span style="color:{colour}">■</span> {escape(name)} {value:.0%}'
                     for name, value, colour in parts)
    solara.HTML(unsafe_innerHTML=(
        '<div style="font-size:12px;color:#333">Police budget split (same total in every scenario)</div>'
        f'<div style="display:flex;height:12px;border-radius:3px;overflow:hidden;margin:3px 0">{bar}</div>'
        f'<div style="font-size:11px;color:#555;line-height:1.5">{key}</div>'
    ))


@solara.component
def ParameterPanel(scenario: ms.Scenario, preset: ms.Scenario, on_edit: Callable[[str, Any], str | None],
                   choices: Mapping[str, Sequence[str]]) -> None:
    """Every parameter of one scenario: the levers in the first expandable panel, then one per group.

    Only the open panel's controls are built, so the page stays quick with 170 parameters.
    """
    specs = solara.use_memo(ms.parameter_specs, [])
    groups = ordered_groups()
    opened, set_opened = solara.use_state(0)
    with solara.v.ExpansionPanels(v_model=opened, on_v_model=set_opened, accordion=True):
        for index, group in enumerate(groups):
            members = panel_members(group, specs)
            edited = sum(scenario.get(spec.path) != preset.get(spec.path) for spec in members)
            badge = f" · {edited} changed" if edited else ""
            with solara.v.ExpansionPanel():
                solara.v.ExpansionPanelHeader(children=[f"{group_title(group)} ({len(members)}){badge}"])
                with solara.v.ExpansionPanelContent():
                    if opened == index:
                        GroupControls(group, members, scenario, preset, on_edit, choices)


@solara.component
def GroupControls(group: str, members: Sequence[ms.ParamSpec], scenario: ms.Scenario,
                  preset: ms.Scenario, on_edit: Callable[[str, Any], str | None],
                  choices: Mapping[str, Sequence[str]]) -> None:
    """The controls of one group's parameters, under the group's description."""
    solara.HTML(unsafe_innerHTML=escape(group_help(group)),
                style={"font-size": "12px", "color": "#555", "margin-bottom": "8px"})
    if group == LEVERS:
        BudgetBar(scenario)
    for spec in members:
        ParameterControl(spec, scenario.get(spec.path), preset.get(spec.path),
                         on_value=lambda value, path=spec.path: on_edit(path, value),
                         choices=choices.get(spec.path))
