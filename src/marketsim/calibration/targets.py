"""The targets file: what is known, where it comes from, and how the model measures it.

A targets file (TOML) names the parameters to calibrate and the evidence to calibrate them against.
Each ``[[target]]`` names its source (author and year, and the table or page), an observed value with
its uncertainty (a standard deviation or an interval), and how the model measures it:

- ``kind = "level"``: a metric of the city's scenario, averaged over the weeks after the burn-in
  (or over ``weeks = [first, last]``) — the homicide rate, the prison rate, prices along the chain;
- ``kind = "effect"``: a policy comparison measured as ``marketsim.validation`` measures one — the
  relative change of a metric from the ``reference`` arm to the ``alternative`` arm over paired seeds;
- ``kind = "trajectory"``: a documented policy change staged in a scenario with ``schedule`` and
  ``events``: the relative change of a metric from ``reference_weeks`` to ``weeks`` of the same run.

Every target says ``fitted = true`` or ``false`` before any run: fitted targets calibrate the model,
the others only judge it (a posterior predictive check). The split is written in the file, recorded
with every calibration, and never moved to improve a report.

``[scenarios.NAME]`` tables stage the scenarios the targets name: ``extends`` (a preset or a file),
``set`` (parameter values), ``schedule`` and ``events`` (as in a scenario file). A target names a
scenario by a preset name, a scenario file, or one of these.

Every problem is reported at once, naming the field, the value, what is allowed and a close match,
as a :class:`CalibrationError`, before anything runs.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from marketsim.config.errors import ScenarioError, did_you_mean, shown
from marketsim.config.files import read_text
from marketsim.config.params import SPECS
from marketsim.runs import BURN_IN, burn_in_problems

DEFAULT_TARGETS = Path(__file__).with_name("default_targets.toml")
"""The shipped targets file: the generic city of the baseline preset."""
EXAMPLE_TARGETS = Path(__file__).with_name("example_targets.toml")
"""The commented example that ``marketsim calibrate init`` writes: small enough to run in a minute."""

KINDS = ("level", "effect", "trajectory")
SCALES = ("linear", "log")
COMBINE = ("max", "second_max")
MAX_PARAMETERS = 20
"""The most parameters calibrated at once: an emulator needs about ten runs per parameter per wave
(Loeppky, Sacks & Welch 2009), so twenty already asks two hundred runs of every arm per wave."""

TOP_KEYS = ("title", "summary", "calibration", "scenarios", "target")
SETTING_KEYS = ("parameters", "scenario", "waves", "points", "seeds", "steps", "burn_in", "cutoff", "discrepancy",
                "combine", "design_seed", "candidates", "policies")
TARGET_KEYS = ("name", "kind", "fitted", "metric", "scenario", "reference", "alternative", "reference_metric",
               "weeks", "reference_weeks", "from_week", "observed", "sd", "interval", "scale", "discrepancy",
               "source", "location", "note")
SCENARIO_KEYS = ("extends", "set", "schedule", "events", "summary")
KIND_KEYS = {"level": ("scenario", "weeks"), "effect": ("reference", "alternative", "reference_metric", "from_week"),
             "trajectory": ("scenario", "weeks", "reference_weeks")}
"""The measurement keys each kind of target takes (the other keys are common to all kinds)."""


class CalibrationError(ScenarioError):
    """One or more problems with a calibration's input, each naming the field, the value and what is allowed."""

    def __init__(self, problems: Sequence[str]):
        super().__init__(list(dict.fromkeys(problems)))


def readable(value: float) -> str:
    """A number to three significant digits, thousands with separators rather than an exponent."""
    if math.isfinite(value) and abs(value) >= 1000:
        return f"{float(f'{value:.3g}'):,.0f}"
    return f"{value:.3g}"


@dataclass(frozen=True)
class Observed:
    """What the source reports: a value with a standard deviation, or an interval (with or without a
    value); an interval may be open on one side (``-inf`` or ``inf``)."""

    value: float | None
    sd: float | None
    interval: tuple[float, float] | None

    def describe(self) -> str:
        """E.g. ``22 (14 to 30)`` or ``-0.23 ± 0.07`` or ``below 0``."""
        number = readable

        if self.interval is None:
            return f"{number(self.value)} ± {number(self.sd)} (sd)"
        low, high = self.interval
        if math.isinf(low):
            bounds = f"below {number(high)}"
        elif math.isinf(high):
            bounds = f"above {number(low)}"
        else:
            bounds = f"{number(low)} to {number(high)}"
        return bounds if self.value is None else f"{number(self.value)} ({bounds})"

    def bounds(self, spread: float = 2.0) -> tuple[float, float]:
        """The interval, or the value ± ``spread`` standard deviations."""
        if self.interval is not None:
            return self.interval
        assert self.value is not None and self.sd is not None
        return self.value - spread * self.sd, self.value + spread * self.sd

    def reference(self) -> float:
        """A typical magnitude: the value, else the interval's middle or its finite bound."""
        if self.value is not None:
            return self.value
        assert self.interval is not None
        low, high = self.interval
        finite = [bound for bound in (low, high) if math.isfinite(bound)]
        return sum(finite) / len(finite) if finite else 0.0


@dataclass(frozen=True)
class Target:
    """One piece of evidence and how the model measures it (see the module's docstring)."""

    name: str
    kind: Literal["level", "effect", "trajectory"]
    fitted: bool
    metric: str
    observed: Observed
    source: str
    location: str
    scale: Literal["linear", "log"] = "linear"
    discrepancy: float | None = None
    scenario: str | None = None
    reference: str | None = None
    alternative: str | None = None
    reference_metric: str | None = None
    weeks: tuple[int, int] | None = None
    reference_weeks: tuple[int, int] | None = None
    from_week: int | None = None
    note: str = ""

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The scenarios the target's runs need."""
        if self.kind == "effect":
            return (self.reference, self.alternative)  # type: ignore[return-value]
        return (self.scenario,)  # type: ignore[return-value]

    def measured_as(self) -> str:
        """How the model measures it, in a few words."""
        if self.kind == "level":
            window = f"over weeks {self.weeks[0]}–{self.weeks[1]}" if self.weeks else "after the burn-in"
            return f"`{self.metric}` of {self.scenario}, mean {window}"
        if self.kind == "effect":
            reference = f"{self.reference} ({self.reference_metric})" if self.reference_metric else self.reference
            since = f", from week {self.from_week}" if self.from_week else ""
            return f"relative change of `{self.metric}`, {self.alternative} vs {reference}{since}"
        assert self.weeks is not None and self.reference_weeks is not None
        return (f"relative change of `{self.metric}` in {self.scenario}, weeks {self.weeks[0]}–{self.weeks[1]} vs "
                f"weeks {self.reference_weeks[0]}–{self.reference_weeks[1]}")


@dataclass(frozen=True)
class StagedScenario:
    """A scenario the targets file stages: a preset or file it extends, parameter values, a schedule and events."""

    name: str
    extends: str
    values: Mapping[str, Any] = field(default_factory=dict)
    schedule: tuple[Mapping[str, Any], ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()
    summary: str = ""

    @property
    def staged(self) -> bool:
        """Whether it has a timeline (then it runs from a scenario file written beside the runs)."""
        return bool(self.schedule or self.events)


@dataclass(frozen=True)
class Settings:
    """How the calibration runs: the parameters, the waves, the runs and the implausibility rule."""

    parameters: tuple[str, ...]
    scenario: str = "baseline"
    waves: int = 3
    points: int = 60
    seeds: int = 1
    steps: int = 208
    burn_in: int = BURN_IN
    cutoff: float = 3.0
    discrepancy: float = 0.1
    combine: Literal["max", "second_max"] = "max"
    design_seed: int = 23
    candidates: int = 20_000
    policies: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Targets:
    """A validated targets file."""

    title: str
    summary: str
    settings: Settings
    scenarios: Mapping[str, StagedScenario]
    targets: tuple[Target, ...]
    text: str
    path: Path | None = None

    @property
    def digest(self) -> str:
        """SHA-256 (first 16 hex digits) of the file's text: what a calibration was run against."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]

    @property
    def fitted(self) -> tuple[Target, ...]:
        """The targets that calibrate the model."""
        return tuple(target for target in self.targets if target.fitted)

    @property
    def predicted(self) -> tuple[Target, ...]:
        """The targets that only judge it."""
        return tuple(target for target in self.targets if not target.fitted)

    def by_name(self, name: str) -> Target:
        """A target by its name."""
        return next(target for target in self.targets if target.name == name)

    def with_settings(self, **changes: Any) -> Targets:
        """The same targets with other settings (a smaller design for a quick look), checked as the file's are."""
        unknown = [key for key in changes if key not in SETTING_KEYS]
        if unknown:
            raise CalibrationError([f"{key}: unknown setting{did_you_mean(key, SETTING_KEYS)}" for key in unknown])
        problems: list[str] = []
        table = {key: list(value) if isinstance(value, tuple) else value
                 for key, value in {**asdict(self.settings), **changes}.items() if value is not None}
        settings = _settings(table, problems)
        for target in self.targets:
            last = max([*(target.weeks or ()), *(target.reference_weeks or ()), target.from_week or 0])
            if last > settings.steps:
                problems.append(f"steps = {settings.steps}: target {target.name} measures week {last}: allowed "
                                f"steps ≥ {last}")
        if problems:
            raise CalibrationError(problems)
        return replace(self, settings=settings)


# -- reading -------------------------------------------------------------------------------------
def load_targets(path: str | Path | None = None) -> Targets:
    """Read and validate a targets file (default: the shipped :data:`DEFAULT_TARGETS`).

    Raises:
        CalibrationError: a missing or malformed file, or every problem with its content at once.
    """
    import tomllib

    path = Path(path) if path is not None else DEFAULT_TARGETS
    try:
        text = read_text(path, "targets file")
    except ScenarioError as error:
        raise CalibrationError(error.problems) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CalibrationError([f"targets file {str(path)!r} is not valid TOML: {error}"]) from None
    return make_targets(data, text, path)


def make_targets(data: Mapping[str, Any], text: str = "", path: Path | None = None) -> Targets:
    """Validate a targets file given as data (the parsed TOML); ``text`` is what its digest is taken of."""
    problems: list[str] = []
    _unknown(data, TOP_KEYS, "", problems)
    settings = _settings(data.get("calibration", {}), problems)
    scenarios = _scenarios(data.get("scenarios", {}), path, problems)
    entries = data.get("target", [])
    if not isinstance(entries, list) or not entries:
        problems.append("target: the file needs at least one [[target]] table, e.g. [[target]] name = "
                        "\"homicide_rate\" kind = \"level\" fitted = true metric = \"homicide_rate\" ...")
        entries = []
    targets = [_target(entry, index, settings, scenarios, path, problems) for index, entry in enumerate(entries)]
    found = [target for target in targets if target is not None]
    names = [target.name for target in found]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(f"target: the name {name!r} is used more than once: each target needs its own name")
    if found and not any(target.fitted for target in found):
        problems.append("target: no target has fitted = true: a calibration needs at least one target to fit")
    for key in ("title", "summary"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"{key} = {shown(data[key])}: allowed text")
    if problems:
        raise CalibrationError(problems)
    return Targets(str(data.get("title", path.stem if path else "targets")), str(data.get("summary", "")), settings,
                   scenarios, tuple(found), text or json.dumps(data, sort_keys=True, default=str), path)


def _unknown(table: Mapping[str, Any], allowed: Sequence[str], where: str, problems: list[str]) -> None:
    for key in table:
        if key not in allowed:
            problems.append(f"{where}{key}: unknown key{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)})")


def _whole(value: Any, label: str, minimum: int, problems: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        problems.append(f"{label} = {shown(value)}: allowed a whole number ≥ {minimum}")
        return None
    return value


def _number(value: Any, label: str, problems: list[str], positive: bool = False) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value) \
            or (positive and not value > 0) or (not positive and math.isinf(value)):
        allowed = "a number > 0" if positive else "a finite number"
        problems.append(f"{label} = {shown(value)}: allowed {allowed}")
        return None
    return float(value)


def _settings(table: Any, problems: list[str]) -> Settings:
    """The ``[calibration]`` table."""
    if not isinstance(table, Mapping):
        problems.append(f"calibration = {shown(table)}: allowed a table ([calibration])")
        return Settings(())
    where = "calibration."
    _unknown(table, SETTING_KEYS, where, problems)
    parameters = table.get("parameters")
    chosen: list[str] = []
    if not isinstance(parameters, list) or not parameters:
        problems.append(f"{where}parameters = {shown(parameters)}: allowed a list of 1 to {MAX_PARAMETERS} "
                        "uncertain parameters (marketsim params --uncertain lists them), e.g. "
                        "[\"violence.contest_rate\"]")
    else:
        uncertain = [path for path, spec in SPECS.items() if spec.role == "uncertainty"]
        for name in parameters:
            if not isinstance(name, str) or name not in SPECS:
                problems.append(f"{where}parameters: unknown parameter {shown(name)}"
                                f"{did_you_mean(str(name), SPECS, quote=False)} (all: marketsim params)")
            elif SPECS[name].role != "uncertainty":
                problems.append(f"{where}parameters: {name} is a {SPECS[name].role} parameter, not an uncertainty: "
                                "only uncertainties have a plausible range to calibrate within (levers are "
                                "compared, fixed parameters are held)"
                                f"{did_you_mean(name, uncertain, quote=False)}")
            elif name in chosen:
                problems.append(f"{where}parameters: {name} is listed twice")
            else:
                chosen.append(name)
        if len(parameters) > MAX_PARAMETERS:
            problems.append(f"{where}parameters: {len(parameters)} parameters, allowed at most {MAX_PARAMETERS}: "
                            "calibrate those the sensitivity indices rank highest for the targets, the rest at "
                            "their defaults")
    defaults = Settings(())
    values: dict[str, Any] = {}
    for key, minimum in (("waves", 1), ("points", 4), ("seeds", 1), ("steps", 2), ("burn_in", 0),
                         ("design_seed", 0), ("candidates", 100)):
        if key in table:
            values[key] = _whole(table[key], where + key, minimum, problems)
    for key in ("cutoff", "discrepancy"):
        if key in table:
            values[key] = _number(table[key], where + key, problems, positive=key == "cutoff")
            if key == "discrepancy" and values[key] is not None and values[key] < 0:
                problems.append(f"{where}discrepancy = {shown(table[key])}: allowed a number ≥ 0 (the model "
                                "discrepancy's standard deviation, as a fraction of each observed value)")
    if "combine" in table and table["combine"] not in COMBINE:
        problems.append(f"{where}combine = {shown(table['combine'])}: allowed {' or '.join(COMBINE)}"
                        f"{did_you_mean(str(table['combine']), COMBINE)}")
    if "scenario" in table and not isinstance(table["scenario"], str):
        problems.append(f"{where}scenario = {shown(table['scenario'])}: allowed a preset name or a scenario file")
    policies = table.get("policies")
    if policies is not None and (not isinstance(policies, list) or not all(isinstance(p, str) for p in policies)):
        problems.append(f"{where}policies = {shown(policies)}: allowed a list of preset names (default: every preset "
                        "at the baseline's police budget), or [] to rank none")
        policies = None
    steps = values.get("steps") or defaults.steps
    burn_in = values.get("burn_in", defaults.burn_in)
    if burn_in is not None:
        problems.extend(f"{where}{problem}" for problem in burn_in_problems(burn_in, steps))
    kept = {key: value for key, value in values.items() if value is not None}
    return Settings(tuple(chosen), scenario=table.get("scenario", defaults.scenario)
                    if isinstance(table.get("scenario", ""), str) else defaults.scenario,
                    combine=table.get("combine", defaults.combine) if table.get("combine") in COMBINE
                    else defaults.combine,
                    policies=tuple(policies) if policies is not None else None, **kept)


def _scenarios(table: Any, path: Path | None, problems: list[str]) -> dict[str, StagedScenario]:
    """The ``[scenarios.NAME]`` tables, each loaded once to check it."""
    from marketsim.config.scenario import load_scenario, preset_names

    if not isinstance(table, Mapping):
        problems.append(f"scenarios = {shown(table)}: allowed tables [scenarios.NAME]")
        return {}
    staged = {}
    for name, entry in table.items():
        where = f"scenarios.{name}."
        if not isinstance(entry, Mapping):
            problems.append(f"scenarios.{name} = {shown(entry)}: allowed a table with {', '.join(SCENARIO_KEYS)}")
            continue
        if name in preset_names():
            problems.append(f"scenarios.{name}: a preset has this name; choose another so targets can tell them apart")
            continue
        _unknown(entry, SCENARIO_KEYS, where, problems)
        extends = entry.get("extends", "baseline")
        values = entry.get("set", {})
        schedule, events = entry.get("schedule", []), entry.get("events", [])
        if not isinstance(values, Mapping):
            problems.append(f"{where}set = {shown(values)}: allowed a table of parameter values, e.g. "
                            "{ \"harm.naloxone_coverage\" = 0.5 }")
            continue
        if not isinstance(schedule, list) or not isinstance(events, list):
            problems.append(f"{where}schedule and events: allowed lists of tables, as [[schedule]] and [[event]] in a "
                            "scenario file")
            continue
        base = _scenario_path(str(extends), path)
        try:
            load_scenario(base, dict(values), schedule, events)
        except ScenarioError as error:
            problems.extend(f"scenarios.{name}: {problem}" for problem in error.problems)
            continue
        staged[name] = StagedScenario(name, base, dict(values), tuple(schedule), tuple(events),
                                      str(entry.get("summary", "")))
    return staged


def _scenario_path(reference: str, path: Path | None) -> str:
    """A scenario reference as the sweeps take it: a preset name, or a file's absolute path (relative to the
    targets file)."""
    if reference.endswith(".toml") and path is not None and not Path(reference).is_absolute():
        return str((path.parent / reference).resolve())
    return reference


def _week_range(value: Any, label: str, steps: int, problems: list[str]) -> tuple[int, int] | None:
    if not isinstance(value, list) or len(value) != 2 or not all(
            isinstance(week, int) and not isinstance(week, bool) for week in value) \
            or not 1 <= value[0] <= value[1] <= steps:
        problems.append(f"{label} = {shown(value)}: allowed [first, last] weeks with 1 ≤ first ≤ last ≤ steps "
                        f"({steps})")
        return None
    return value[0], value[1]


def _target(entry: Any, index: int, settings: Settings, scenarios: Mapping[str, StagedScenario],
            path: Path | None, problems: list[str]) -> Target | None:
    """One ``[[target]]``; every problem is added, and None returned when it cannot be built."""
    from marketsim.calibration.measures import known_metric, metric_choices
    from marketsim.outputs import METRICS

    if not isinstance(entry, Mapping):
        problems.append(f"target[{index}] = {shown(entry)}: allowed a table ([[target]])")
        return None
    name = entry.get("name")
    where = f"target[{index}]{f' ({name})' if isinstance(name, str) else ''}."
    before = len(problems)
    _unknown(entry, TARGET_KEYS, where, problems)
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}name = {shown(name)}: allowed a short name, e.g. \"homicide_rate\"")
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}kind = {shown(kind)}: allowed {', '.join(KINDS)}{did_you_mean(str(kind), KINDS)}")
    else:
        for key in entry:
            if key in {k for keys in KIND_KEYS.values() for k in keys} and key not in KIND_KEYS[kind]:
                article = "an" if kind[0] in "aeiou" else "a"
                problems.append(f"{where}{key}: {article} {kind} target takes no {key} (it takes "
                                f"{', '.join(KIND_KEYS[kind])})")
    fitted = entry.get("fitted")
    if not isinstance(fitted, bool):
        problems.append(f"{where}fitted = {shown(fitted)}: allowed true (the target calibrates the model) or false "
                        "(it only judges it); decide before any run")
    metric = entry.get("metric")
    if not isinstance(metric, str) or not known_metric(metric, kind):
        choices = metric_choices(kind)
        extra = [name for name in choices if name not in METRICS]
        problems.append(f"{where}metric = {shown(metric)}: unknown metric{did_you_mean(str(metric), choices)} "
                        f"(allowed: a metric of marketsim.METRICS, or {', '.join(extra)})")
    for key in ("source", "location"):
        if not isinstance(entry.get(key), str) or not entry.get(key, "").strip():
            example = "\"UNODC 2013\"" if key == "source" else "\"Table 4\" or \"p. 11\""
            problems.append(f"{where}{key} = {shown(entry.get(key))}: allowed text naming the "
                            f"{'work (author, year)' if key == 'source' else 'table or page'}, e.g. {example}")
    references = {}
    for key in ("scenario", "reference", "alternative"):
        if kind in KIND_KEYS and key in KIND_KEYS[kind]:
            value = entry.get(key, settings.scenario if key in ("scenario", "reference") else None)
            references[key] = _reference(value, where + key, scenarios, path, problems)
    weeks = reference_weeks = None
    steps = settings.steps
    if "weeks" in entry:
        weeks = _week_range(entry["weeks"], where + "weeks", steps, problems)
    if "reference_weeks" in entry:
        reference_weeks = _week_range(entry["reference_weeks"], where + "reference_weeks", steps, problems)
    if kind == "trajectory" and ("weeks" not in entry or "reference_weeks" not in entry):
        problems.append(f"{where}weeks and reference_weeks: a trajectory needs both, e.g. reference_weeks = "
                        "[105, 156] and weeks = [209, 260] (the change in a year two years on)")
    from_week = None
    if "from_week" in entry:
        from_week = _whole(entry["from_week"], where + "from_week", 1, problems)
        if from_week is not None and from_week > steps:
            problems.append(f"{where}from_week = {from_week}: allowed a week ≤ steps ({steps})")
    reference_metric = entry.get("reference_metric")
    if reference_metric is not None and not known_metric(str(reference_metric), "level"):
        problems.append(f"{where}reference_metric = {shown(reference_metric)}: unknown metric"
                        f"{did_you_mean(str(reference_metric), metric_choices('level'))}")
    scale = entry.get("scale", "linear")
    if scale not in SCALES:
        problems.append(f"{where}scale = {shown(scale)}: allowed {' or '.join(SCALES)}"
                        f"{did_you_mean(str(scale), SCALES)}")
    elif scale == "log" and kind != "level":
        problems.append(f"{where}scale = \"log\": allowed for levels only (an effect or trajectory is a relative "
                        "change, which may be negative)")
    observed = _observed(entry, where, scale == "log", problems)
    discrepancy = None
    if "discrepancy" in entry:
        discrepancy = _number(entry["discrepancy"], where + "discrepancy", problems)
        if discrepancy is not None and discrepancy < 0:
            problems.append(f"{where}discrepancy = {shown(entry['discrepancy'])}: allowed a number ≥ 0")
    if len(problems) > before:
        return None
    return Target(name=name, kind=kind, fitted=fitted, metric=metric, observed=observed, source=entry["source"],
                  location=entry["location"], scale=scale, discrepancy=discrepancy,
                  scenario=references.get("scenario"), reference=references.get("reference"),
                  alternative=references.get("alternative"), reference_metric=reference_metric, weeks=weeks,
                  reference_weeks=reference_weeks, from_week=from_week, note=str(entry.get("note", "")))


def _reference(value: Any, label: str, scenarios: Mapping[str, StagedScenario], path: Path | None,
               problems: list[str]) -> str | None:
    """A scenario a target names: one the file stages, a preset or a scenario file."""
    from marketsim.config.scenario import load_scenario, preset_names

    if not isinstance(value, str):
        problems.append(f"{label} = {shown(value)}: allowed a preset name, a scenario file or a [scenarios.NAME] "
                        "of this file")
        return None
    if value in scenarios:
        return value
    reference = _scenario_path(value, path)
    try:
        load_scenario(reference)
    except ScenarioError:
        choices = [*scenarios, *preset_names()]
        problems.append(f"{label} = {value!r}: unknown scenario{did_you_mean(value, choices)} (allowed: "
                        f"{', '.join(choices)}, or a scenario file)")
        return None
    return reference


def _observed(entry: Mapping[str, Any], where: str, log: bool, problems: list[str]) -> Observed:
    """The ``observed`` value with its ``sd`` or ``interval``."""
    value = sd = interval = None
    if "observed" in entry:
        value = _number(entry["observed"], where + "observed", problems)
    if "sd" in entry:
        sd = _number(entry["sd"], where + "sd", problems, positive=True)
        if "observed" not in entry:
            problems.append(f"{where}sd: a standard deviation needs the observed value it is around (observed = ...)")
    if "interval" in entry:
        bounds = entry["interval"]
        if not isinstance(bounds, list) or len(bounds) != 2 or not all(
                isinstance(b, int | float) and not isinstance(b, bool) and not math.isnan(b) for b in bounds) \
                or not bounds[0] < bounds[1] or (math.isinf(bounds[0]) and math.isinf(bounds[1])):
            problems.append(f"{where}interval = {shown(bounds)}: allowed [low, high] with low < high (one side may "
                            "be -inf or inf)")
        else:
            interval = (float(bounds[0]), float(bounds[1]))
            if value is not None and not interval[0] <= value <= interval[1]:
                problems.append(f"{where}observed = {value:g} lies outside its interval [{interval[0]:g}, "
                                f"{interval[1]:g}]")
    if sd is not None and interval is not None:
        problems.append(f"{where}sd and interval: give one (the observed uncertainty as a standard deviation, or "
                        "as an interval)")
    if sd is None and interval is None and "sd" not in entry and "interval" not in entry:
        problems.append(f"{where}the observed uncertainty is missing: give sd = ... (with observed = ...) or "
                        "interval = [low, high]")
    if log:
        for label, number in (("observed", value), ("interval", interval[0] if interval else None)):
            if number is not None and not number > 0:
                problems.append(f"{where}{label}: scale = \"log\" needs values > 0, got {number:g}")
    return Observed(value, sd, interval)


# -- writing staged scenarios --------------------------------------------------------------------
def toml_value(value: Any) -> str:
    """A value as TOML: strings as basic strings, numbers, booleans, lists and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{json.dumps(str(key))} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def scenario_text(scenario: StagedScenario) -> str:
    """The staged scenario as a scenario file: ``extends``, its values by group, its schedule and events."""
    lines = [f"title = {toml_value(scenario.name)}",
             f"summary = {toml_value(scenario.summary or f'Staged by a calibration targets file: {scenario.name}.')}",
             f"extends = {toml_value(scenario.extends)}"]
    groups: dict[str, dict[str, Any]] = {}
    for dotted, value in scenario.values.items():
        group, _, name = str(dotted).partition(".")
        groups.setdefault(group, {})[name] = value
    for group, values in groups.items():
        lines += ["", f"[{group}]", *(f"{json.dumps(name)} = {toml_value(value)}" for name, value in values.items())]
    for table, entries in (("schedule", scenario.schedule), ("event", scenario.events)):
        for entry in entries:
            lines += ["", f"[[{table}]]", *(f"{json.dumps(str(key))} = {toml_value(value)}"
                                            for key, value in entry.items())]
    return "\n".join(lines) + "\n"
