"""What a lesson file holds: the lesson, what to watch and the claims it makes, validated."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from marketsim import analysis
from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.scenario import Scenario, load_scenario, preset_names
from marketsim.config.timeline import Change, Event, Timeline, parse_events, parse_schedule

SESSIONS = {
    "7.1": "Setting the scene",
    "7.2": "Motivations for criminality",
    "7.3": "Corruption case studies",
    "7.4": "Improving governance and political processes",
    "7.5": "Drug market-related insecurity and violence",
    "7.6": "Organised crime and terrorism",
    "7.7": "Modernising drug law enforcement",
}
"""The sessions of IDPC Module 7, as the toolkit names them."""

MAX_SCENARIOS = 3


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _known_metric(name: str) -> str:
    if not analysis.is_metric(name):
        analysis.metric_info(name)  # raises with a close match for a misspelt name
        raise ValueError(f"{name!r} is not a model metric")
    return name


MetricName = Annotated[str, AfterValidator(_known_metric)]
"""A column of the model's output table (see ``marketsim.METRICS``)."""


class Watch(_Strict):
    """Something to watch in the charts: a metric, and what to look for in it."""

    metric: MetricName
    note: str = Field(min_length=1)


class Claim(_Strict):
    """A statement about what the simulation shows, checkable over paired seeds."""

    metric: MetricName
    scenario: str
    reference: str
    direction: Literal["higher", "lower"]
    text: str = Field(min_length=1)

    def describe(self) -> str:
        """The claim in checkable form, e.g. ``homicides: kingpin higher than baseline``."""
        return f"{self.metric}: {self.scenario} {self.direction} than {self.reference}"


class Lesson(_Strict):
    """One lesson: the session it supports, the presets it compares, and its teaching text."""

    name: str
    title: str = Field(min_length=1)
    session: str
    activity: str = Field(min_length=1)
    scenarios: tuple[str, ...]
    narrative: str = Field(min_length=1)
    objectives: tuple[str, ...] = Field(min_length=1)
    watch: tuple[Watch, ...] = Field(min_length=1)
    questions: tuple[str, ...] = Field(min_length=1)
    facilitator_notes: tuple[str, ...] = Field(min_length=1)
    claims: tuple[Claim, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    schedule: tuple[dict[str, Any], ...] = ()
    """Changes from a given week in every scenario of the lesson, as a scenario's ``[[schedule]]``."""
    event: tuple[dict[str, Any], ...] = ()
    """One-off events in every scenario of the lesson, as a scenario's ``[[event]]``."""
    path: Path | None = None

    @field_validator("session")
    @classmethod
    def _session(cls, value: str) -> str:
        if value not in SESSIONS:
            raise ValueError(f"{value!r} is not a session of IDPC Module 7 (allowed {', '.join(SESSIONS)})")
        return value

    @field_validator("scenarios")
    @classmethod
    def _scenarios(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not 2 <= len(value) <= MAX_SCENARIOS:
            raise ValueError(f"a lesson compares 2 to {MAX_SCENARIOS} scenarios, got {len(value)}")
        if len(set(value)) != len(value):
            raise ValueError(f"scenarios are listed more than once: {list(value)}")
        presets = preset_names()
        problems = [f"unknown preset {name!r}{did_you_mean(name, presets)}" for name in value if name not in presets]
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("objectives", "questions", "facilitator_notes", "sources")
    @classmethod
    def _no_empty_items(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item for item in value):
            raise ValueError("items must not be empty")
        return value

    @model_validator(mode="after")
    def _claims_compare_lesson_scenarios(self) -> Lesson:
        problems = []
        for index, claim in enumerate(self.claims):
            for role in ("scenario", "reference"):
                name = getattr(claim, role)
                if name not in self.scenarios:
                    problems.append(f"claims[{index}].{role} {name!r} is not one of the lesson's "
                                    f"scenarios ({', '.join(self.scenarios)})")
            if claim.scenario == claim.reference:
                problems.append(f"claims[{index}] compares {claim.scenario!r} with itself")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def session_name(self) -> str:
        """The toolkit's name for the session, e.g. ``Setting the scene``."""
        return SESSIONS[self.session]

    @property
    def file(self) -> str:
        """The lesson file's name, as problems name it."""
        return self.path.name if self.path is not None else f"{self.name}.toml"

    @property
    def timeline(self) -> Timeline:
        """The lesson's own schedule and events (their values were checked when it was loaded)."""
        return Timeline(parse_schedule(self.schedule, lambda values, where: values), parse_events(self.event))

    def staged(self, steps: int | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The schedule entries and events a run of ``steps`` weeks reaches (all by default)."""
        def reached(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
            return [entry for entry in entries if steps is None or entry["week"] <= steps]

        return reached(self.schedule), reached(self.event)

    def described(self, steps: int | None = None) -> tuple[list[str], list[str]]:
        """The lesson's changes and events in a few words each (``describe_entry``): those a run of
        ``steps`` weeks reaches (all by default), and those after its last week."""
        entries = (*self.timeline.schedule, *self.timeline.events)
        return ([describe_entry(entry) for entry in entries if steps is None or entry.week <= steps],
                [describe_entry(entry) for entry in entries if steps is not None and entry.week > steps])

    def scenario(self, name: str, overrides: dict[str, Any] | None = None, steps: int | None = None) -> Scenario:
        """One of the lesson's presets with ``overrides`` and the lesson's changes and events (those
        a run of ``steps`` weeks reaches).

        Raises:
            ScenarioError: the lesson's entries do not fit the scenario (problems name the lesson file).
        """
        scenario = load_scenario(name, overrides)
        schedule, events = self.staged(steps)
        try:
            return scenario.with_timeline(schedule, events)
        except ScenarioError as error:
            raise ScenarioError([f"{self.file}: {problem}" for problem in error.problems]) from None


def describe_entry(entry: Change | Event) -> str:
    """A staged change or event in a few words, e.g. ``wk 130: seizure of 90% at border`` or
    ``wk 260: policy.street_share until wk 364``."""
    if isinstance(entry, Event):
        return f"wk {entry.week}: {entry.describe()}"
    until = f" until wk {entry.until}" if entry.until is not None else ""
    return f"wk {entry.week}: {', '.join(entry.values)}{until}"
