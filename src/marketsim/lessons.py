"""Lessons: preset scenarios arranged for teaching, one per session of IDPC Module 7.

A lesson is a TOML file in ``scenarios/lessons/`` (shipped in the wheel with the
presets). It names the session of the IDPC drug policy training toolkit, Module 7,
that it supports, the two or three preset scenarios it compares, and the text a
trainer needs: a narrative, learning objectives, what to watch in the charts,
discussion questions, facilitator notes and sources::

    title = "..."
    session = "7.5"
    activity = "Activity: Drug market-related insecurity and violence (30 min)"
    scenarios = ["baseline", "kingpin", "online_market"]
    narrative = "... Markdown ..."
    objectives = ["..."]
    questions = ["..."]
    facilitator_notes = ["..."]
    sources = ["..."]
    [[watch]]
    metric = "active_orgs"
    note = "..."
    [[claims]]
    metric = "active_orgs"
    scenario = "kingpin"
    reference = "baseline"
    direction = "higher"
    text = "Removing leaders fragments the organisations ..."

A lesson may also stage changes and events in every scenario it compares, written as in a
scenario file (:mod:`marketsim.config.timeline`), e.g. a border seizure in year 3::

    [[event]]
    week = 130
    kind = "seizure"
    where = "border"
    share = 0.9

A run too short to reach an entry leaves it out (it would change nothing) and says so.

Every statement a lesson makes about what the simulation shows is a claim: a
metric, a scenario, a reference scenario and a direction. :func:`check_claims`
runs both scenarios over paired seeds and reports whether the mean paired
difference has the claimed sign; :func:`build_handout` prints the result of that
check for the run it reports, so a handout never asserts more than its own run shows.
"""

from __future__ import annotations

import base64
import html
import math
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from markdown_it import MarkdownIt
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from marketsim import __version__, analysis
from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.files import read_toml
from marketsim.config.scenario import Scenario, load_scenario, preset_names, scenario_dir
from marketsim.config.timeline import Change, Event, Timeline, parse_events, parse_schedule
from marketsim.runs import BURN_IN, ProgressOption, check_burn_in, run_batch

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
HANDOUT_OUTCOMES = (*analysis.KEY_OUTCOMES, "prison_rate")
"""Outcome indicators in every handout's comparison table (the prison rate matches the toolkit's handout)."""


def lesson_dir() -> Path:
    """The folder of lesson files, beside the preset scenarios."""
    return scenario_dir() / "lessons"


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


# -- finding and loading -----------------------------------------------------------------------
def lesson_names() -> list[str]:
    """Names of the lesson files (``violence``, ...), in session order."""
    sessions = {path.stem: _session_of(path) for path in lesson_dir().glob("*.toml")}
    return sorted(sessions, key=lambda name: (sessions[name], name))


def _session_of(path: Path) -> str:
    """The session a lesson file names, or "" if it names none or cannot be read."""
    try:
        session = read_toml(path, "lesson file").get("session")
    except ScenarioError:
        return ""
    return session if isinstance(session, str) else ""


def load_lesson(name_or_path: str | Path) -> Lesson:
    """A lesson by name (``violence``), by session (``7.5``) or from a ``.toml`` file path.

    Args:
        name_or_path: a lesson name, a session number, or a path to a lesson file.

    Returns:
        The validated lesson.

    Raises:
        ScenarioError: every problem, each naming the file and the field; for an unknown name,
            the closest one.
    """
    path = _locate(str(name_or_path))
    data = read_toml(path, "lesson file")
    derived = [f"{path.name}: {key}: unknown field (a lesson's {key} comes from its file)"
               for key in ("name", "path") if key in data]
    try:
        lesson = Lesson.model_validate({**data, "name": path.stem, "path": path})
    except ValidationError as error:
        errors = error.errors()
        # A list whose items failed is not also reported as too short.
        failed = {item["loc"][:-1] for item in errors if len(item["loc"]) > 1}
        problems = [_problem(path, item) for item in errors
                    if not (item["type"] == "too_short" and any(loc[:len(item["loc"])] == item["loc"]
                                                                for loc in failed))]
        raise ScenarioError(derived + problems) from None
    problems = derived + _timeline_problems(lesson)
    if problems:
        raise ScenarioError(problems)
    return lesson


def _timeline_problems(lesson: Lesson) -> list[str]:
    """What is wrong with the lesson's schedule and events, in each of its scenarios (a problem
    that arises with some of them only names them)."""
    found: dict[str, list[str]] = {}
    for name in lesson.scenarios:
        try:
            lesson.scenario(name)
        except ScenarioError as error:
            for problem in error.problems:
                found.setdefault(problem, []).append(name)
    return [problem if len(names) == len(lesson.scenarios) else f"{problem} (with {', '.join(names)})"
            for problem, names in found.items()]


def list_lessons() -> list[Lesson]:
    """Every lesson, loaded and validated, in session order.

    Raises:
        ScenarioError: the problems of the first lesson that does not load.
    """
    return [load_lesson(name) for name in lesson_names()]


def _locate(ref: str) -> Path:
    candidate = Path(ref)
    if candidate.suffix == ".toml" or "/" in ref:
        if candidate.exists():
            return candidate
        raise ScenarioError([f"lesson file {ref!r} does not exist"])
    path = lesson_dir() / f"{ref}.toml"
    if path.is_file():
        return path
    names = lesson_names()
    by_session = {_session_of(lesson_dir() / f"{name}.toml"): name for name in names}
    if ref in by_session:
        return lesson_dir() / f"{by_session[ref]}.toml"
    raise ScenarioError([f"unknown lesson {ref!r}{did_you_mean(ref, names)} (lessons: {', '.join(names)}; "
                         f"or a session number such as 7.1, or a path to a .toml file)"])


def _problem(path: Path, item: Any) -> str:
    """One validation error as ``file: field: message``."""
    location = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in item["loc"])
    location = location.replace(".[", "[")
    message = item["msg"].removeprefix("Value error, ")
    if item["type"] == "extra_forbidden":
        fields = {"watch": Watch, "claims": Claim}.get(str(item["loc"][0]), Lesson).model_fields
        allowed = [name for name in fields if name not in ("name", "path")]
        message = "unknown field" + did_you_mean(str(item["loc"][-1]), allowed)
    elif item["type"] == "missing":
        message = "missing field"
    elif item["type"] == "too_short":
        message = "must not be empty"
    return f"{path.name}: {location}: {message}" if location else f"{path.name}: {message}"


# -- running and checking ----------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimResult:
    """The check of one claim over paired seeds: the mean paired difference and its 95% CI."""

    claim: Claim
    seeds: int
    steps: int
    burn_in: int
    reference_mean: float
    diff: float
    ci_low: float
    ci_high: float

    @property
    def holds(self) -> bool:
        """Whether the mean paired difference has the claimed sign."""
        return self.diff > 0 if self.claim.direction == "higher" else self.diff < 0

    @property
    def clear(self) -> bool:
        """Whether the whole 95% CI of the difference lies on the claimed side of zero."""
        if math.isnan(self.ci_low):
            return False
        return self.ci_low > 0 if self.claim.direction == "higher" else self.ci_high < 0

    @property
    def pct_change(self) -> float:
        """The difference as a percentage of the reference mean (NaN if that is zero)."""
        return 100 * self.diff / self.reference_mean if self.reference_mean else math.nan

    def verdict(self) -> str:
        """``holds``, ``holds (CI includes 0)`` or ``fails``."""
        if not self.holds:
            return "fails"
        return "holds" if self.clear else "holds (CI includes 0)"


def evaluate_claims(claims: Sequence[Claim], runs: pd.DataFrame, burn_in: int = BURN_IN) -> list[ClaimResult]:
    """Check claims against runs that hold their scenarios over the same seeds.

    Args:
        claims: the claims to check.
        runs: weekly metrics labelled by scenario and seed (``marketsim.runs.run_batch``).
        burn_in: weeks at the start of each run left out of the means.

    Returns:
        One result per claim, in order.
    """
    steps = int(runs["step"].max())
    summary = analysis.summarise_runs(runs, burn_in).set_index(["scenario", "seed"])
    results = []
    for claim in claims:
        missing = [name for name in (claim.scenario, claim.reference)
                   if name not in summary.index.get_level_values("scenario")]
        if missing:
            raise ValueError(f"{claim.describe()}: no runs of {', '.join(missing)}")
        if claim.metric not in summary.columns:
            raise ValueError(f"{claim.describe()}: the runs have no column {claim.metric!r}")
        ours = summary.loc[claim.scenario, claim.metric]
        base = summary.loc[claim.reference, claim.metric]
        paired = (ours - base).dropna()
        diff, low, high = analysis.mean_ci(paired)
        results.append(ClaimResult(claim=claim, seeds=len(paired), steps=steps, burn_in=burn_in,
                                   reference_mean=float(base.loc[paired.index].mean()),
                                   diff=diff, ci_low=low, ci_high=high))
    return results


def check_claims(lesson: Lesson, *, seeds: int = 4, steps: int = 104, burn_in: int = BURN_IN,
                 overrides: dict[str, Any] | None = None, workers: int | None = 1,
                 progress: ProgressOption = False) -> list[ClaimResult]:
    """Run the scenarios a lesson's claims compare over paired seeds, and check each claim.

    Args:
        lesson: the lesson.
        seeds: paired seeds per scenario.
        steps: weeks per run.
        burn_in: weeks at the start of each run left out of the means.
        overrides: parameter overrides for every scenario.
        workers: processes running the simulations.
        progress: see ``marketsim.runs.ProgressOption``.

    Returns:
        One result per claim of the lesson.
    """
    return check_all([lesson], seeds=seeds, steps=steps, burn_in=burn_in, overrides=overrides,
                     workers=workers, progress=progress)[lesson.name]


def check_all(lessons: Sequence[Lesson], *, seeds: int = 4, steps: int = 104, burn_in: int = BURN_IN,
              overrides: dict[str, Any] | None = None, workers: int | None = 2,
              progress: ProgressOption = False) -> dict[str, list[ClaimResult]]:
    """Check the claims of several lessons, running each scenario they need only once.

    Takes the arguments of :func:`check_claims`; returns its results by lesson name.
    """
    check_burn_in(burn_in, steps)
    groups: dict[str, list[Lesson]] = {}
    for lesson in lessons:  # lessons that stage the same changes and events in these runs share them
        groups.setdefault(repr(lesson.staged(steps)), []).append(lesson)
    results: dict[str, list[ClaimResult]] = {}
    for group in groups.values():
        needed = list(dict.fromkeys(name for lesson in group for claim in lesson.claims
                                    for name in (claim.scenario, claim.reference)))
        runs = run_lesson(group[0], needed, seeds, steps, overrides, workers=workers, progress=progress) \
            if needed else None
        results.update({lesson.name: evaluate_claims(lesson.claims, runs, burn_in) if runs is not None else []
                        for lesson in group})
    return {lesson.name: results[lesson.name] for lesson in lessons}


def run_lesson(lesson: Lesson, names: Sequence[str], seeds: int, steps: int,
               overrides: dict[str, Any] | None = None, *, workers: int | None = 1,
               progress: ProgressOption = False) -> pd.DataFrame:
    """Run some of a lesson's scenarios over paired seeds, each with the lesson's changes and
    events (those the run reaches): the table of ``marketsim.runs.run_batch``.

    Raises:
        ScenarioError: as ``run_batch``; a place named by the lesson's entries that is not in the
            world names the lesson file.
    """
    scenarios = [lesson.scenario(name, overrides, steps) for name in names]
    try:
        return run_batch(scenarios, seeds, steps, workers=workers, progress=progress)
    except ScenarioError as error:
        raise ScenarioError([f"{lesson.file}: {problem}" if problem.startswith(("schedule[", "event[")) else problem
                             for problem in error.problems]) from None


# -- the handout -------------------------------------------------------------------------------
def handout_path(lesson: Lesson, out_dir: str | Path) -> Path:
    """Where :func:`build_handout` writes a lesson's handout."""
    return Path(out_dir) / f"lesson-{lesson.name}.html"


def build_handout(lesson: Lesson, *, seeds: int = 5, steps: int = 260, burn_in: int = BURN_IN,
                  out_dir: str | Path = "out", overrides: dict[str, Any] | None = None,
                  facilitator: bool = False, workers: int | None = 1,
                  progress: ProgressOption = False) -> Path:
    """Run a lesson's scenarios and write its printable handout as one self-contained HTML file.

    The handout holds the narrative, objectives, the scenarios, what to watch, a figure of
    the watched series (embedded PNG), a comparison table of outcome, process and watched
    indicators, the lesson's claims with the result of checking them on this very run, the
    discussion questions and the sources; with ``facilitator``, also the facilitator notes. The
    changes and events the lesson stages are named, and those after the last week left out.

    Args:
        lesson: the lesson.
        seeds: paired seeds per scenario.
        steps: weeks per run.
        burn_in: weeks at the start of each run left out of the table and the claims (stated
            in the handout).
        out_dir: the folder written to (created if needed).
        overrides: parameter overrides for every scenario.
        facilitator: include the facilitator notes (a trainer's copy).
        workers: processes running the simulations.
        progress: see ``marketsim.runs.ProgressOption``.

    Returns:
        The handout's path (:func:`handout_path`).
    """
    check_burn_in(burn_in, steps)
    render = _markdown_renderer()
    runs = run_lesson(lesson, lesson.scenarios, seeds, steps, overrides, workers=workers, progress=progress)
    results = evaluate_claims(lesson.claims, runs, burn_in)
    metrics = _table_metrics(lesson, runs)
    table = analysis.compare(analysis.summarise_runs(runs, burn_in), reference=lesson.scenarios[0],
                             metrics=metrics)
    figure = _figure(runs, [item.metric for item in lesson.watch], smooth=4 if steps >= 52 else 1)
    page = _page(lesson, render, runs, table, results, figure, burn_in, overrides or {}, facilitator)
    target = handout_path(lesson, out_dir)
    with analysis.atomic_path(target) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return target


def staged_note(lesson: Lesson, steps: int) -> str:
    """What the lesson stages in every scenario, and what a run of ``steps`` weeks leaves out
    (a sentence each, with a leading space; "" when the lesson stages nothing)."""
    reached, unreached = lesson.described(steps)
    note = f" Staged in every scenario: {'; '.join(reached)}." if reached else ""
    if unreached:
        note += f" After the last week of these runs, so left out: {'; '.join(unreached)}."
    return html.escape(note)


def _markdown_renderer() -> MarkdownIt:
    """CommonMark with raw HTML escaped (a lesson file is text, never markup that runs), and
    without typographic replacements: lesson text already uses real dashes."""
    return MarkdownIt("commonmark", {"html": False})


def _table_metrics(lesson: Lesson, runs: pd.DataFrame) -> list[str]:
    """Outcome, process and market rows for the comparison table, in that order."""
    wanted = dict.fromkeys([*HANDOUT_OUTCOMES, *analysis.KEY_PROCESS,
                            *(item.metric for item in lesson.watch),
                            *(claim.metric for claim in lesson.claims)])
    present = [name for name in wanted if name in runs.columns]
    order = {"outcome": 0, "process": 1, "market": 2, "cost": 3}
    return sorted(present, key=lambda name: order[analysis.metric_info(name).group])


def _figure(runs: pd.DataFrame, metrics: list[str], smooth: int) -> str:
    """The watched series as a base64 PNG."""
    with tempfile.TemporaryDirectory() as folder:
        path = analysis.plot_series(runs, metrics, Path(folder) / "figure.png", smooth=smooth)
        return base64.b64encode(path.read_bytes()).decode("ascii")


def _comparison_html(table: pd.DataFrame, scenarios: Sequence[str]) -> str:
    """The comparison table: one row per indicator, per scenario the mean and the change."""
    reference = scenarios[0]
    head = "".join(f"<th>{html.escape(name)}</th>" for name in scenarios)
    rows = []
    group = None
    for metric, block in table.groupby("metric", sort=False):
        first = block.iloc[0]
        if first["group"] != group:
            group = first["group"]
            rows.append(f'<tr class="group"><th colspan="{len(scenarios) + 1}">'
                        f"{html.escape(group.capitalize())} indicators</th></tr>")
        cells = []
        for name in scenarios:
            row = block[block["scenario"] == name].iloc[0]
            mean = analysis.format_number(row["mean"])
            if name == reference:
                cells.append(f"<td>{mean}</td>")
                continue
            clear = row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0
            change = (analysis.format_percent(row["pct_change"]) if not math.isnan(row["pct_change"])
                      else analysis.format_number(row["diff"], signed=True))
            css = ' class="clear"' if clear else ""
            cells.append(f'<td>{mean} <span{css}>({change})</span></td>')
        label = (f'<th scope="row">{html.escape(str(metric))}'
                 f'<span class="unit">{html.escape(first["unit"])}</span></th>')
        rows.append(f"<tr>{label}{''.join(cells)}</tr>")
    return (f'<table class="compare"><thead><tr><th>Indicator</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _claim_html(result: ClaimResult, render: MarkdownIt) -> str:
    verdict = {"holds": ("✓", "holds in this run"),
               "holds (CI includes 0)": ("✓", "holds in this run, but the 95% CI includes zero"),
               "fails": ("✗", "not seen in this run")}[result.verdict()]
    signed = [analysis.format_number(value, signed=True) for value in (result.diff, result.ci_low, result.ci_high)]
    detail = (f"{html.escape(result.claim.describe())}: paired difference "
              f"{signed[0]} (95% CI {signed[1]} to {signed[2]})")
    css = "holds" if result.holds else "fails"
    return (f'<li class="{css}"><span class="mark">{verdict[0]}</span> '
            f"{render.renderInline(result.claim.text)} <em>— {verdict[1]}.</em>"
            f'<div class="detail">{detail}</div></li>')


def _page(lesson: Lesson, render: MarkdownIt, runs: pd.DataFrame, table: pd.DataFrame,
          results: list[ClaimResult], figure: str, burn_in: int, overrides: dict[str, Any],
          facilitator: bool) -> str:
    """The complete handout page."""
    def items(texts: Sequence[str]) -> str:
        return "".join(f"<li>{render.renderInline(text)}</li>" for text in texts)

    seeds = runs.groupby("scenario")["seed"].nunique().max()
    steps = int(runs["step"].max())
    presets = [load_scenario(name) for name in lesson.scenarios]
    scenario_rows = "".join(
        f"<tr><th scope=\"row\">{html.escape(s.title)}<span class=\"unit\">{html.escape(s.name)}</span></th>"
        f"<td>{render.renderInline(' '.join(s.summary.split()))}</td></tr>" for s in presets)
    watch = "".join(f"<li><code>{html.escape(item.metric)}</code> — {render.renderInline(item.note)}</li>"
                    for item in lesson.watch)
    changed = "; ".join(f"{path} = {value!r}" for path, value in overrides.items())
    run_note = (f"{seeds} paired seed{'s' if seeds > 1 else ''} × {steps} weeks; averages leave out "
                f"the first {burn_in} weeks. Changes are relative to {html.escape(lesson.scenarios[0])}, "
                f"taken seed by seed; bold changes have a 95% confidence interval that excludes zero."
                + (f" Overrides for every scenario: {html.escape(changed)}." if changed else "")
                + staged_note(lesson, steps))
    sections = [
        f"<header><p class=\"kicker\">IDPC drug policy training toolkit · Module 7 · "
        f"Session {lesson.session}: {html.escape(lesson.session_name)}</p>"
        f"<h1>{html.escape(lesson.title)}</h1>"
        f"<p class=\"activity\">{html.escape(lesson.activity)}</p></header>",
        f"<section class=\"narrative\">{render.render(lesson.narrative)}</section>",
        f"<section><h2>Learning objectives</h2><ul>{items(lesson.objectives)}</ul></section>",
        f"<section><h2>The scenarios</h2><table class=\"scenarios\">{scenario_rows}</table></section>",
        f"<section><h2>What to watch in the charts</h2><ul>{watch}</ul></section>",
        f"<section class=\"figure\"><h2>Weekly series</h2>"
        f"<img src=\"data:image/png;base64,{figure}\" alt=\"Weekly series of "
        f"{html.escape(', '.join(item.metric for item in lesson.watch))} for "
        f"{html.escape(', '.join(lesson.scenarios))}\"></section>",
        f"<section class=\"table\"><h2>Comparison of indicators</h2>"
        f"<p class=\"note\">Weekly means. {run_note}</p>{_comparison_html(table, lesson.scenarios)}</section>",
    ]
    if results:
        claims = "".join(_claim_html(result, render) for result in results)
        sections.append(f"<section><h2>What the simulation shows</h2><p class=\"note\">Each statement "
                        f"is checked on the runs above: it holds if the mean paired difference has "
                        f"the stated sign.</p><ul class=\"claims\">{claims}</ul></section>")
    questions = "".join(f"<li>{render.renderInline(text)}<div class=\"space\"></div></li>"
                        for text in lesson.questions)
    sections.append(f"<section class=\"questions\"><h2>Discussion questions</h2><ol>{questions}</ol></section>")
    if facilitator:
        sections.append(f"<section class=\"facilitator\"><h2>Facilitator notes</h2>"
                        f"<ul>{items(lesson.facilitator_notes)}</ul></section>")
    sections.append(f"<section class=\"sources\"><h2>Sources</h2><ul>{items(lesson.sources)}</ul></section>")
    footer = (f"<footer>Made with marketsim {__version__} on {date.today().isoformat()} "
              f"(lesson <code>{html.escape(lesson.name)}</code>). The simulated country is fictional; "
              f"the model is a teaching and research tool, not a forecast.</footer>")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Session {lesson.session} — {html.escape(lesson.title)}</title>"
            f"<style>{HANDOUT_CSS}</style></head><body><main>{''.join(sections)}{footer}</main></body></html>")


HANDOUT_CSS = """
body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; color: #1a1a1a; margin: 0; background: #f4f4f0; }
main { max-width: 50rem; margin: 0 auto; padding: 2rem 2.5rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0.2rem 0; line-height: 1.2; }
h2 { font: bold 1.05rem/1.3 Helvetica, Arial, sans-serif; border-bottom: 2px solid #b2182b;
     padding-bottom: 0.15rem; margin-top: 1.6rem; }
.kicker, .activity, .note, .unit, .detail, footer, table { font-family: Helvetica, Arial, sans-serif; }
.kicker { color: #b2182b; font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.04em; margin: 0; }
.activity { color: #555; margin: 0; }
.note, .detail, footer { color: #555; font-size: 0.85rem; }
.unit { display: block; font-weight: normal; color: #666; font-size: 0.75rem; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.4rem; text-align: left; vertical-align: top; }
table.compare td { text-align: right; white-space: nowrap; }
table.compare thead th { text-align: right; }
table.compare thead th:first-child { text-align: left; }
tr.group th { background: #f0ece4; text-transform: uppercase; font-size: 0.75rem; letter-spacing: 0.04em; }
.clear { font-weight: bold; }
ul.claims { list-style: none; padding-left: 0; }
ul.claims li { margin-bottom: 0.6rem; }
.mark { font-weight: bold; }
li.holds .mark { color: #1b7837; }
li.fails .mark { color: #b2182b; }
.questions li { margin-bottom: 0.4rem; }
.space { height: 0; }
.facilitator { background: #f7f3e8; padding: 0.2rem 1rem 0.6rem; }
footer { margin-top: 2rem; border-top: 1px solid #ddd; padding-top: 0.5rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section.figure, table, li { break-inside: avoid; }
  .questions { break-before: page; }
  .space { height: 2.2cm; border-bottom: 1px dotted #aaa; margin-bottom: 0.3rem; }
  a { color: inherit; text-decoration: none; }
}
"""


# -- PDF ---------------------------------------------------------------------------------------
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def print_pdf(handout: str | Path, timeout: float = 120) -> Path:
    """Print an HTML handout to PDF beside it with a headless Chromium.

    Args:
        handout: the HTML file (from :func:`build_handout`).
        timeout: seconds Chromium may take.

    Returns:
        The PDF's path: the handout's, ending in ``.pdf``.

    Raises:
        FileNotFoundError: no Chromium is installed.
        RuntimeError: Chromium could not print the page.
    """
    source = Path(handout).resolve()
    browser = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    if browser is None:
        raise FileNotFoundError("no Chromium found to print the PDF (install the 'chromium' package, "
                                "or open the HTML handout in any browser and print it to PDF)")
    target = source.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile, analysis.atomic_path(target) as temporary:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   f"--print-to-pdf={temporary}", source.as_uri()]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if finished.returncode != 0 or not temporary.exists():
            last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"Chromium could not print {source.name} to PDF: {last}")
    return target

