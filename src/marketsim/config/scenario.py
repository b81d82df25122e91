"""Scenarios: named sets of parameter overrides, loaded from TOML presets or files.

A scenario file has a ``title``, a one-paragraph ``summary``, an optional
``extends`` (the name or path of the scenario it builds on), an optional
``[teaching]`` table, and one table per parameter group holding only the values
it changes::

    title = "Kingpin strategy"
    summary = "..."
    extends = "baseline"
    [policy]
    hvt_share = 0.3

It may also change parameters from a given week (``[[schedule]]``) and stage one-off
events (``[[event]]``): see :mod:`marketsim.config.timeline`. Every problem in a scenario
(unknown keys, wrong types, values out of range, broken ``extends`` chains, malformed TOML)
is collected and reported at once in a :class:`ScenarioError` before anything runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from marketsim.config.budget import fit_budget
from marketsim.config.errors import ScenarioError, did_you_mean, shown
from marketsim.config.files import exists, parse_toml, read_toml
from marketsim.config.params import GROUPS, SPECS, TARGETABLE, Params, ParamSpec
from marketsim.config.timeline import TIMELINE_PATH, Change, Event, Timeline, parse_events, parse_schedule, parse_where

RESERVED_KEYS = ("title", "summary", "extends", "teaching", "schedule", "event")
WORLD_FILE = "world.file"
"""The parameter naming a world file: a relative path in a scenario file is relative to that file's folder."""
MAX_EXTENDS = 32
"""The longest ``extends`` chain, in files (the presets use two)."""


def scenario_dir() -> Path:
    """The folder of preset scenarios: the repository's in a checkout, the packaged copy otherwise."""
    checkout = Path(__file__).resolve().parents[3] / "scenarios"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("marketsim") / "_data" / "scenarios"))


def preset_names() -> list[str]:
    """Names of the preset scenarios, sorted."""
    return sorted(path.stem for path in scenario_dir().glob("*.toml"))


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: its parameters plus the text that explains it."""

    name: str
    title: str
    summary: str
    params: Params
    overrides: dict[str, Any] = field(default_factory=dict)
    teaching: dict[str, Any] = field(default_factory=dict)
    extends: str | None = None
    path: Path | None = None
    timeline: Timeline = field(default_factory=Timeline)
    notes: tuple[str, ...] = ()
    """What the budget rule changed to fit the shares a layer set (:mod:`marketsim.config.budget`)."""
    chain: tuple[str, ...] = ()
    """The names of this scenario and of every scenario it builds on, nearest first."""

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A copy with dotted-path overrides applied, e.g. ``{"policy.hvt_share": 0.4}``; the
        timeline's numbers too, e.g. ``{"schedule.0.week": 300, "event.0.share": 0.5}``."""
        if not isinstance(overrides, Mapping):
            raise ScenarioError([f"overrides = {shown(overrides)}: allowed a mapping of dotted parameter paths "
                                 "to values, e.g. {'policy.hvt_share': 0.4}"])
        if not overrides:
            return self
        numbers = {path: value for path, value in overrides.items() if TIMELINE_PATH.fullmatch(str(path))}
        timeline = self.timeline.with_values(numbers) if numbers else self.timeline
        layer, note = fit_budget(self.params, _check_values({k: v for k, v in overrides.items() if k not in numbers}))
        merged = {**self.overrides, **layer}
        params = _build_params(merged)
        notes = _check_periods(merged, params, timeline)
        return replace(self, params=params, overrides=merged, timeline=timeline,
                       notes=tuple(dict.fromkeys([*self.notes, *([note] if note else []), *notes])))

    def with_timeline(self, schedule: Any = None, events: Any = None) -> Scenario:
        """A copy with more scheduled changes and events (as in a scenario file: mappings with
        ``week``, ``until`` and ``set``; with ``week``, ``kind`` and the kind's fields)."""
        if not schedule and not events:
            return self
        problems = []
        changes = found = ()
        try:
            changes = parse_schedule(schedule or [], _check_values)
        except ScenarioError as error:
            problems.extend(error.problems)
        try:
            found = parse_events(events or [])
        except ScenarioError as error:
            problems.extend(error.problems)
        if problems:
            raise ScenarioError(problems)
        timeline = self.timeline.extended(changes, found)
        notes = _check_periods(self.overrides, self.params, timeline)
        return replace(self, timeline=timeline, notes=tuple(dict.fromkeys([*self.notes, *notes])))

    def params_at(self, week: int) -> Params:
        """The parameters in force in ``week``: the scenario's, with the schedule's changes."""
        scheduled = self.timeline.values_at(week)
        if not scheduled:
            return self.params
        layer, _ = fit_budget(self.params, scheduled)
        return _build_params({**self.overrides, **layer})

    def get(self, path: str) -> Any:
        """The value of one parameter by dotted path."""
        group, name = path.split(".", 1)
        return getattr(getattr(self.params, group), name)

    def resolved(self) -> dict[str, Any]:
        """Every parameter's value by dotted path."""
        return {path: self.get(path) for path in SPECS}


def load_scenario(name_or_path: str | Path | Scenario = "baseline",
                  overrides: Mapping[str, Any] | None = None, schedule: Any = None, events: Any = None) -> Scenario:
    """Load a preset by name or a scenario file by path, resolving ``extends``, then apply
    overrides and add scheduled changes and events.

    Args:
        name_or_path: a preset name (``marketsim scenarios`` lists them), a path to a scenario
            ``.toml`` file, or a loaded scenario.
        overrides: dotted parameter paths and values, e.g. ``{"policy.hvt_share": 0.4}``.
        schedule: changes from a given week, e.g. ``[{"week": 260, "set": {"policy.street_share": 0.5}}]``
            (:mod:`marketsim.config.timeline`).
        events: one-off events, e.g. ``[{"week": 300, "kind": "seizure", "where": "border", "share": 0.9}]``.

    Returns:
        The scenario with every parameter resolved and validated.

    Raises:
        ScenarioError: every problem at once: unknown scenario (with a close match), unknown
            parameter, wrong type, value out of range, broken ``extends`` chain, malformed TOML.
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path.with_overrides(overrides or {}).with_timeline(schedule, events)
    if not isinstance(name_or_path, str | Path):
        raise ScenarioError([f"scenario = {shown(name_or_path)}: allowed a preset name, a path to a .toml file "
                             "or a Scenario"])
    scenario = _load_chain(str(name_or_path))
    return scenario.with_overrides(overrides or {}).with_timeline(schedule, events)


def list_scenarios() -> list[Scenario]:
    """Every preset scenario, loaded and validated.

    Returns:
        The presets in name order.

    Raises:
        ScenarioError: the problems of any preset that does not load.
    """
    return [load_scenario(name) for name in preset_names()]


def _locate(ref: str, relative_to: Path | None) -> Path:
    """Resolve a scenario reference (preset name or file path) to a file.

    ``relative_to`` is the file whose ``extends`` names ``ref``; a relative path is looked for
    beside it first, and problems then name that file.
    """
    where = f"{relative_to.name}: extends: " if relative_to is not None else ""
    candidate = Path(ref)
    if ref.endswith(".toml") or candidate.suffix or "/" in ref:
        if not candidate.is_absolute() and relative_to is not None and exists(relative_to.parent / candidate):
            return relative_to.parent / candidate
        return candidate  # reading it says why, if it cannot be read
    path = scenario_dir() / f"{ref}.toml"
    if exists(path):
        return path
    names = preset_names()
    suggestion = did_you_mean(ref, names)
    raise ScenarioError([
        f"{where}unknown scenario {shown(ref)}{suggestion} (presets: {', '.join(names)}; "
        "or give a path to a .toml file)"
    ])


@dataclass(frozen=True)
class _File:
    """One scenario file of an ``extends`` chain, read and checked on its own."""

    path: Path
    data: dict[str, Any]
    own: dict[str, Any]
    changes: tuple[Change, ...]
    events: tuple[Event, ...]
    extends: str | None
    teaching: dict[str, Any]


def _load_chain(ref: str) -> Scenario:
    """The scenario ``ref`` names, with every scenario it extends: each file is read once, its
    own problems and those of every file it builds on reported together; a chain longer than
    :data:`MAX_EXTENDS` files or one that comes back to a file is refused."""
    files: list[_File] = []
    problems: list[str] = []
    relative_to: Path | None = None
    while True:
        try:
            path = _locate(ref, relative_to)
            path = path.resolve() if exists(path) else path
            if path in (file.path for file in files):
                raise ScenarioError([f"cyclic extends: {' → '.join(p.stem for p in (*(f.path for f in files), path))}"])
            if len(files) == MAX_EXTENDS:
                raise ScenarioError([f"{files[0].path.name}: the extends chain is longer than {MAX_EXTENDS} files: "
                                     f"allowed at most {MAX_EXTENDS}"])
            data = read_toml(path, "scenario file")
        except ScenarioError as error:
            prefix = f"{relative_to.name}: extends: " if relative_to is not None else ""
            problems.extend(problem if problem.startswith(("cyclic", prefix)) else prefix + problem
                            for problem in error.problems)
            break
        file = _read_file(path, data, problems)
        files.append(file)
        if file.extends is None:
            break
        ref, relative_to = file.extends, path
    if problems:
        raise ScenarioError(problems)
    merged: dict[str, Any] = {}
    params, timeline, notes = Params(), Timeline(), []
    for file in reversed(files):  # from the root: each file's values over those it extends
        layer, note = fit_budget(params, file.own, where=f"{file.path.name}: ")
        merged.update(layer)
        params = _build_params(merged, where=f"{file.path.name}: ")
        timeline = timeline.extended(file.changes, file.events)
        notes += [note] if note else []
    leaf = files[0]
    notes += _check_periods(merged, params, timeline, where=f"{leaf.path.name}: ")
    return Scenario(
        name=leaf.path.stem, title=leaf.data.get("title", leaf.path.stem), summary=leaf.data.get("summary", ""),
        params=params, overrides=merged, teaching=leaf.teaching, extends=leaf.extends, path=leaf.path,
        timeline=timeline, notes=tuple(dict.fromkeys(notes)), chain=tuple(file.path.stem for file in files),
    )


def _read_file(path: Path, data: dict[str, Any], problems: list[str]) -> _File:
    """One file's own content, checked; its problems are added to ``problems``."""
    for key in ("title", "summary"):
        if not isinstance(data.get(key, ""), str):
            problems.append(f"{path.name}: {key} must be text, got {shown(data[key])}")
    extends = data.get("extends")
    if extends is not None and not isinstance(extends, str):
        problems.append(f"{path.name}: extends must be a scenario name or path, got {shown(extends)}")
        extends = None
    teaching = data.get("teaching", {})
    if not isinstance(teaching, dict):
        problems.append(f"{path.name}: [teaching] must be a table, got {shown(teaching)}")
        teaching = {}
    own: dict[str, Any] = {}
    for key, value in data.items():
        if key in RESERVED_KEYS:
            continue
        if key not in GROUPS:
            suggestion = did_you_mean(key, [*GROUPS, *RESERVED_KEYS])
            problems.append(f"{path.name}: unknown parameter group {shown(key)}{suggestion} "
                            f"(groups: {', '.join(GROUPS)})")
            continue
        if not isinstance(value, dict):
            problems.append(f"{path.name}: {key} must be a table of parameters, got {shown(value)}")
            continue
        own.update({f"{key}.{name}": item for name, item in value.items()})
    try:
        own = _check_values(own, where=f"{path.name}: ")
    except ScenarioError as error:
        problems.extend(error.problems)
    world = own.get(WORLD_FILE)
    if isinstance(world, str) and world and not Path(world).is_absolute():
        own[WORLD_FILE] = str(path.parent / world)  # beside the scenario, wherever it is run from
    changes: tuple[Change, ...] = ()
    events: tuple[Event, ...] = ()
    try:
        changes = parse_schedule(data.get("schedule", []), _check_values, where=f"{path.name}: ")
    except ScenarioError as error:
        problems.extend(error.problems)
    try:
        events = parse_events(data.get("event", []), where=f"{path.name}: ")
    except ScenarioError as error:
        problems.extend(error.problems)
    return _File(path, data, own, changes, events, extends, teaching)


def _describe_range(spec: ParamSpec) -> str:
    if spec.kind == "table":
        return f"a table from activity ({', '.join(TARGETABLE)}) to a list of places"
    if spec.kind == "bool":
        return "true or false"
    if spec.kind == "str":
        return " or ".join(repr(choice) for choice in spec.choices) if spec.choices else "text"
    lo = "" if spec.minimum is None else f"{'>' if spec.exclusive_minimum else '≥'} {spec.minimum:g}"
    hi = "" if spec.maximum is None else f"≤ {spec.maximum:g}"
    kind = "a whole number" if spec.kind == "int" else "a number"
    bounds = " and ".join(part for part in (lo, hi) if part)
    return f"{kind} {bounds}".strip()


def _check_value(spec: ParamSpec, value: Any) -> tuple[Any, str | None]:
    """Coerce one value to its parameter's type; return it with a problem description, if any."""
    allowed = _describe_range(spec)
    if spec.kind == "table":
        return _check_targets(spec, value)
    value = _plain(value)
    wrong_type = f"{spec.path} = {shown(value)} has the wrong type: allowed {allowed}"
    if spec.kind == "bool":
        return value, None if isinstance(value, bool) else wrong_type
    if spec.kind == "str":
        if not isinstance(value, str):
            return value, wrong_type
        if spec.choices is not None and value not in spec.choices:
            return value, (f"{spec.path} = {shown(value)} is not allowed{did_you_mean(value, spec.choices)} "
                           f"(allowed: {allowed})")
        return value, None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value, wrong_type
    out_of_range = f"{spec.path} = {shown(value)} is out of range: allowed {allowed}"
    if spec.kind == "int":
        if isinstance(value, float) and not value.is_integer():
            return value, wrong_type
        value = int(value)
    elif isinstance(value, float) and not math.isfinite(value):
        return value, out_of_range
    too_low = spec.minimum is not None and (
        value <= spec.minimum if spec.exclusive_minimum else value < spec.minimum)
    too_high = spec.maximum is not None and value > spec.maximum
    if too_low or too_high:
        return value, out_of_range
    return (value if spec.kind == "int" else float(value)), None


def _plain(value: Any) -> Any:
    """A numpy scalar (``np.int64``, ``np.float32``, ``np.bool_``) as the Python number it is;
    anything else unchanged."""
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return value.item()
    return value


def _check_targets(spec: ParamSpec, value: Any) -> tuple[Any, str | None]:
    """``policy.targets``: activities by name, each with a place selection (names are checked
    against the world when a model is built)."""
    if not isinstance(value, Mapping):
        return value, f"{spec.path} = {shown(value)} has the wrong type: allowed {_describe_range(spec)}"
    problems: list[str] = []
    checked = {}
    for activity, where in value.items():
        if activity not in TARGETABLE:
            problems.append(f"{spec.path}: unknown activity {activity!r}{did_you_mean(str(activity), TARGETABLE)} "
                            f"(allowed: {', '.join(TARGETABLE)})")
            continue
        checked[activity] = parse_where(where, f"{spec.path}.{activity}", problems)
    return checked, "; ".join(problems) or None


def _check_periods(overrides: dict[str, Any], params: Params, timeline: Timeline, where: str = "") -> list[str]:
    """The timeline must not be more than a run can take in, and the parameters in force in
    every period of the schedule must fit together (the budget shares a change sets in every
    week, the sales modes); returns what the budget rule changed to fit them."""
    problems = [where + problem for problem in timeline.size_problems()]
    if problems:
        raise ScenarioError(problems)
    notes = []
    for week in (1, *timeline.boundaries()):
        scheduled = timeline.values_at(week)
        if not scheduled:
            continue
        period = f"{where}schedule, from week {week}: "
        try:
            layer, note = fit_budget(params, scheduled, where=period)
            _build_params({**overrides, **layer}, where=period)
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        if note:
            notes.append(f"from week {week}, {note}")
    if problems:
        raise ScenarioError(problems)
    return notes


def _check_values(overrides: dict[str, Any], where: str = "") -> dict[str, Any]:
    """Validate dotted-path overrides one by one; raise every problem at once."""
    problems = []
    checked = {}
    for path, value in overrides.items():
        spec = SPECS.get(path)
        if spec is None:
            suggestion = did_you_mean(path, SPECS, quote=False)
            problems.append(f"{where}unknown parameter {path}{suggestion}")
            continue
        value, problem = _check_value(spec, value)
        if problem:
            problems.append(where + problem)
        checked[path] = value
    if problems:
        raise ScenarioError(problems)
    return checked


def _build_params(overrides: dict[str, Any], where: str = "") -> Params:
    """Nest dotted overrides and validate them together (cross-field rules)."""
    nested: dict[str, dict[str, Any]] = {}
    for path, value in overrides.items():
        group, name = path.split(".", 1)
        nested.setdefault(group, {})[name] = value
    try:
        return Params.model_validate(nested)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = ".".join(str(part) for part in item["loc"])
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where}{location + ': ' if location else ''}{message}")
        raise ScenarioError(problems) from None


def parse_assignments(texts: list[str] | None) -> tuple[dict[str, Any], list[str]]:
    """Parse several command-line ``path=value`` texts: the overrides, and every syntax problem."""
    overrides: dict[str, Any] = {}
    problems: list[str] = []
    for text in texts or []:
        try:
            path, value = parse_assignment(text)
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        overrides[path] = value
    return overrides, problems


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse a command-line ``path=value`` into the path and a TOML-typed value."""
    path, equals, raw = (part.strip() for part in text.partition("="))
    if not equals or not path:
        raise ScenarioError([f"--set {text!r} must look like group.name=value"])
    try:
        value = parse_toml(f"v = {raw}", "--set value")["v"]
    except ScenarioError:  # not a TOML value: the text itself (a parameter that takes text, or a wrong type)
        value = raw
    return path, value


def parse_at(texts: list[str] | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse command-line ``WEEK[-UNTIL]:PATH=VALUE`` texts into schedule entries (one per week
    span, in the order first given), and every syntax problem."""
    entries: dict[tuple[int, int | None], dict[str, Any]] = {}
    problems: list[str] = []
    for text in texts or []:
        when, colon, assignment = text.partition(":")
        start, dash, end = when.partition("-")
        try:
            week, until = int(start), int(end) if dash else None
        except ValueError:
            problems.append(f"--at {text!r} must look like WEEK:group.name=value or WEEK-UNTIL:group.name=value, "
                            "e.g. 260:policy.street_share=0.5")
            continue
        if not colon:
            problems.append(f"--at {text!r} names no parameter: e.g. {week}:policy.street_share=0.5")
            continue
        try:
            path, value = parse_assignment(assignment)
        except ScenarioError as error:
            problems.extend(f"--at {text!r}: {problem.removeprefix('--set ')}" for problem in error.problems)
            continue
        entry = entries.setdefault((week, until), {"week": week, **({"until": until} if dash else {}), "set": {}})
        entry["set"][path] = value
    return list(entries.values()), problems


def parse_event_texts(texts: list[str] | None) -> tuple[list[Any], list[str]]:
    """Parse command-line events, each a TOML inline table such as
    ``{week = 300, kind = "seizure", where = "border", share = 0.9}``, and every syntax problem."""
    events: list[Any] = []
    problems: list[str] = []
    for text in texts or []:
        try:
            events.append(parse_toml(f"event = {text}", "--event")["event"])
        except ScenarioError as error:
            problems.append(f"--event {shown(text)} is not a TOML inline table ({error}); e.g. "
                            '{week = 300, kind = "seizure", where = "border", share = 0.9}')
    return events, problems
