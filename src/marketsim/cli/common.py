"""What every ``marketsim`` command shares: the console, the options, and how bad input fails.

Bad input is reported in full on stderr, one problem per line, with exit status 2 — before
anything runs and before any file is written. Only light modules are imported here, so that
``marketsim --help`` stays quick; the commands import the simulation when they run.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from typer.core import TyperGroup

from marketsim.config.errors import ScenarioError, bounded
from marketsim.config.files import exists
from marketsim.runs import BURN_IN, burn_in_problems, load_scenarios, resolve_burn_in
from marketsim.text import plural

if TYPE_CHECKING:
    from marketsim.config.scenario import Scenario

console = Console(highlight=False)
"""Where commands print their tables and messages (stdout)."""

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
"""Context settings of every command group: ``-h`` is ``--help``."""


class CommandGroup(TyperGroup):
    """A command group whose help lists flags without a type: ``--force``, not ``--force <bool>``
    (Typer labels every option with its type, flags that take no value included)."""

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            untyped_flags(command, ctx)
        return command

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        untyped_flags(self, ctx)
        super().format_help(ctx, formatter)


def untyped_flags(command: Any, ctx: typer.Context) -> None:
    """Give the flags of ``command`` (``-h`` included) an empty metavar, so help shows no type."""
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""


def fits(table: Any) -> bool:
    """Whether a table fits the console without cutting a cell that must not wrap (measured
    unconstrained: the console's own measure stops at its width)."""
    from rich.measure import Measurement

    unconstrained = console.options.update(max_width=UNCONSTRAINED_WIDTH)
    return Measurement.get(console, unconstrained, table).minimum <= console.width


UNCONSTRAINED_WIDTH = 10_000
"""Characters: wider than any table, so that a measure gives a table's own minimum width."""


class FileOrCommand(CommandGroup):
    """A group whose first argument is a subcommand or, failing that, the file of its ``run`` command.

    This lets ``marketsim sweep SPEC.toml`` and ``marketsim sweep summarise DIR`` coexist (and
    ``marketsim calibrate TARGETS.toml`` with ``marketsim calibrate init``), and ``-h`` show the options
    of a run (its help names the other subcommands).
    """

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if not args or args[0] in ctx.help_option_names:
            args = ["run", "--help"]
        elif args[0] not in self.commands:
            args = ["run", *args]
        return super().parse_args(ctx, args)


class Format(StrEnum):
    """How a listing command prints: a table for people, JSON or CSV for programs."""

    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option(
    "--format", help="table (for reading), json or csv (for programs: every field, nothing else).")]

SetsOption = Annotated[list[str] | None, typer.Option(
    "--set", "-s", metavar="PATH=VALUE",
    help="Override a parameter in every scenario, e.g. --set policy.hvt_share=0.3 (TOML values; repeatable).")]
AtOption = Annotated[list[str] | None, typer.Option(
    "--at", metavar="WEEK[-UNTIL]:PATH=VALUE",
    help="Change a parameter from a week on (through another), e.g. --at 260:policy.street_share=0.5 or "
         "--at 260-364:policy.targets={street=['most_violent:3']} (policy, justice, harm, police and demand "
         "groups; repeatable).")]
EventOption = Annotated[list[str] | None, typer.Option(
    "--event", metavar="TABLE",
    help="A one-off event, as a TOML inline table, e.g. --event '{week=300, kind=\"seizure\", where=\"border\", "
         "share=0.9}' (kinds: seizure, leader_removal, arrest_sweep, market_entry; repeatable).")]
StepsOption = Annotated[int, typer.Option("--steps", min=1, help="Weeks to simulate (520 = 10 years).")]
BurnInOption = Annotated[int | None, typer.Option(
    "--burn-in", min=0, show_default=f"{BURN_IN}; half of a run no longer than that",
    help="Weeks at the start of each run left out of the averages, while the market settles.")]
"""Defaults to ``None``: ``marketsim.runs.BURN_IN``, shrunk for short runs (:func:`resolved_burn_in`)."""
WorkersOption = Annotated[int, typer.Option(
    "--workers", "-w", min=1, help="Processes running the simulations (1: this one).")]
PosteriorOption = Annotated[Path | None, typer.Option(
    "--posterior", metavar="DIR",
    help="Run each seed with a parameter set drawn from a calibration's posterior (DIR/posterior.parquet, "
         "marketsim calibrate): the same set for every scenario with that seed, so comparisons stay paired.",
    show_default=False)]


def print_records(records: Sequence[Mapping[str, Any]], form: Format) -> None:
    """Print records as a JSON list of objects or as CSV with a header, on stdout (no number: null, empty)."""
    records = [{key: None if isinstance(value, float) and math.isnan(value) else value for key, value in row.items()}
               for row in records]
    if form is Format.json:
        typer.echo(json.dumps(records, indent=1, ensure_ascii=False, default=str))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]) if records else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


def fail(problems: Sequence[str]) -> NoReturn:
    """Print every problem on stderr, one per line (each once, kept short), and exit with status 2."""
    for problem in dict.fromkeys(bounded(problem) for problem in problems):
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(2)


@contextmanager
def failing_on_problems() -> Iterator[None]:
    """Turn a ScenarioError (or a SweepError, one of its kind) raised inside into :func:`fail`."""
    try:
        yield
    except ScenarioError as error:
        fail(error.problems)


def new_directories(*directories: Path | None) -> list[Path]:
    """The directories among ``directories`` and their parents that do not exist yet, outermost
    first: those writing there will create (see :func:`say_created`)."""
    missing: dict[Path, None] = {}
    for directory in directories:
        if directory is None:
            continue
        chain = []
        while not exists(directory) and directory != directory.parent:
            chain.append(directory)
            directory = directory.parent
        missing.update(dict.fromkeys(reversed(chain)))
    return list(missing)


def say_created(directories: Sequence[Path]) -> None:
    """Say on stderr which of ``directories`` (from :func:`new_directories`) now exist: writing
    created them (stderr keeps ``--format json`` and ``csv`` output clean)."""
    for directory in directories:
        if exists(directory):
            typer.echo(f"created directory {directory}", err=True)


def load_with_sets(names: Sequence[str | Path], sets: list[str] | None, at: list[str] | None = None,
                   events: list[str] | None = None) -> tuple[list[Scenario], dict[str, Any], list[str]]:
    """The scenarios with the ``--set`` overrides and the ``--at`` and ``--event`` timeline
    applied, the overrides, and every problem found."""
    from marketsim.config.scenario import parse_assignments, parse_at, parse_event_texts

    overrides, problems = parse_assignments(sets)
    schedule, at_problems = parse_at(at)
    happenings, event_problems = parse_event_texts(events)
    problems += at_problems + event_problems
    try:
        scenarios = [scenario.with_timeline(schedule, happenings)
                     for scenario in load_scenarios(list(names), overrides)]
    except ScenarioError as error:
        return [], overrides, problems + error.problems
    return scenarios, overrides, problems


def load_posterior_draws(directory: Path | None, seeds: Sequence[int]) -> tuple[dict[int, dict[str, Any]] | None,
                                                                             list[str]]:
    """The parameter values each seed runs with, drawn from a calibration's posterior (None without one), and
    every problem found; a note on stderr says which draws run."""
    if directory is None:
        return None, []
    from marketsim.calibration.posterior import load_posterior

    try:
        posterior = load_posterior(directory)
    except ScenarioError as error:
        return None, error.problems
    shown = ", ".join(f"seed {seed} → draw {posterior.draw_index(seed)}" for seed in list(seeds)[:5])
    more = f" and {len(seeds) - 5} more" if len(seeds) > 5 else ""
    print_notes([f"each seed runs with a parameter set of the posterior in {directory} ({len(posterior)} sets, "
                 f"{len(posterior.parameters)} parameters; a parameter a scenario or --set gives keeps that value): "
                 f"{shown}{more}"])
    return posterior.draws(seeds), []


def resolved_burn_in(burn_in: int | None, steps: int) -> tuple[int, list[str]]:
    """The burn-in to use with ``--steps`` (the default shrinks for short runs, and a note on
    stderr says so), and why it cannot be used, in the options' own names."""
    value, note = resolve_burn_in(burn_in, steps, "--burn-in")
    if note:
        print_notes([note])
    return value, burn_in_problems(value, steps, ("--burn-in", "--steps"))


def print_notes(notes: Sequence[str]) -> None:
    """Print what the user should know about how their request was read (a shrunk burn-in, the
    budget rule at work) on stderr, one per line, so tables and JSON on stdout stay clean."""
    for note in dict.fromkeys(notes):
        typer.echo(f"note: {note}", err=True)


def weeks(burn_in: int, steps: int) -> str:
    """The weeks an average covers, e.g. ``weeks 53–520``, as every summary states it."""
    return f"weeks {burn_in + 1}–{steps}" if burn_in else plural(steps, "week")


def write_example(example: Path, path: Path, force: bool, next_step: str) -> None:
    """Copy a commented example file shipped with marketsim to ``path`` (atomically; refused if it
    exists unless ``force``), then say what to run next."""
    from marketsim import analysis

    problems = analysis.file_problems(path, (".toml",))
    if path.exists() and not force:
        problems.append(f"{path} exists: pass --force to overwrite it, or give another PATH")
    if problems:
        fail(problems)
    with analysis.atomic_path(path) as temporary:
        temporary.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    console.print(f"Wrote {path}. Edit it, then: {next_step}", markup=False)
