"""``marketsim lesson``: list, show, run and check the teaching lessons for IDPC Module 7.

Bad input (unknown lesson, malformed lesson file, bad ``--set``, unusable output
folder) is reported on stderr with exit code 2 before anything runs or is written.
``lesson check`` exits with 1 when a claim does not hold.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from marketsim import analysis
from marketsim.config.errors import ScenarioError
from marketsim.config.scenario import load_scenario, parse_assignments
from marketsim.lessons import (
    ClaimResult,
    Lesson,
    ProgressCallback,
    build_handout,
    check_all,
    check_claims,
    list_lessons,
    load_lesson,
    print_pdf,
)

lesson_app = typer.Typer(
    help="Teaching lessons for the IDPC drug policy training toolkit, Module 7 (sessions 7.1–7.7).",
    no_args_is_help=True,
)
console = Console(highlight=False)

NameArgument = Annotated[str, typer.Argument(
    metavar="NAME", help="A lesson name, a session number such as 7.5, or a lesson .toml file.")]
SetsOption = Annotated[list[str] | None, typer.Option(
    "--set", "-s", metavar="PATH=VALUE",
    help="Override a parameter in every scenario, e.g. --set world.firearms=0.3 (repeatable).")]
WorkersOption = Annotated[int, typer.Option("--workers", "-w", min=1, help="Processes running scenarios.")]


def _fail(problems: list[str]) -> NoReturn:
    """Print every problem on stderr, one per line, and exit with status 2."""
    for problem in dict.fromkeys(problems):
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(2)


def _lesson(name: str) -> Lesson:
    try:
        return load_lesson(name)
    except ScenarioError as error:
        _fail(error.problems)


def _overrides(sets: list[str] | None, lessons: list[Lesson]) -> tuple[dict[str, Any], list[str]]:
    """The ``--set`` overrides, and every problem they cause in the lessons' scenarios."""
    overrides, problems = parse_assignments(sets)
    names = list(dict.fromkeys(name for lesson in lessons for name in lesson.scenarios))
    try:
        analysis.load_scenarios(names, overrides)
    except ScenarioError as error:
        problems.extend(error.problems)
    return overrides, problems


@contextmanager
def _progress(label: str) -> Iterator[ProgressCallback]:
    """A progress bar on stderr, driven by ``(runs_done, runs_total)``."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("runs"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _signed(value: float) -> str:
    if math.isnan(value):
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return text if value <= 0 else f"+{text}"


@lesson_app.command("list")
def list_command() -> None:
    """List the lessons, one per session of IDPC Module 7."""
    try:
        lessons = list_lessons()
    except ScenarioError as error:
        _fail(error.problems)
    table = Table(title="Lessons for IDPC Module 7")
    table.add_column("Session", no_wrap=True)
    table.add_column("Name", style="bold", no_wrap=True)
    table.add_column("Title")
    table.add_column("Compares", overflow="fold")
    for lesson in lessons:
        table.add_row(lesson.session, lesson.name, lesson.title, ", ".join(lesson.scenarios))
    console.print(table)
    console.print("Details: marketsim lesson show NAME. Handout: marketsim lesson run NAME.")


@lesson_app.command()
def show(name: NameArgument) -> None:
    """Show a lesson in full: narrative, scenarios, objectives, what to watch, questions, notes."""
    lesson = _lesson(name)
    console.print(f"[bold]Session {lesson.session}: {lesson.session_name}[/bold] — {lesson.activity}")
    console.print(f"[bold]{lesson.title}[/bold]  ({lesson.name})\n")
    console.print(Markdown(lesson.narrative))

    def bullets(title: str, lines: list[str], numbered: bool = False) -> None:
        console.print(f"\n[bold]{title}[/bold]")
        console.print(Markdown("\n".join(f"{index}. {line}" if numbered else f"- {line}"
                                         for index, line in enumerate(lines, start=1))))

    bullets("Scenarios compared", [f"**{load_scenario(s).title}** (`{s}`)" for s in lesson.scenarios])
    bullets("Learning objectives", list(lesson.objectives))
    bullets("What to watch", [f"`{item.metric}` — {item.note}" for item in lesson.watch])
    bullets("What the simulation shows (checked by `marketsim lesson check`)",
            [f"{claim.text} [{claim.describe()}]" for claim in lesson.claims])
    bullets("Discussion questions", list(lesson.questions), numbered=True)
    bullets("Facilitator notes", list(lesson.facilitator_notes))
    bullets("Sources", list(lesson.sources))


@lesson_app.command()
def run(
    name: NameArgument,
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Paired seeds per scenario.")] = 5,
    steps: Annotated[int, typer.Option("--steps", min=4, help="Weeks to simulate.")] = 260,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the handout.")] = Path("out"),
    sets: SetsOption = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the handout to PDF (needs Chromium).")] = False,
    facilitator: Annotated[bool, typer.Option(
        "--facilitator", help="Include the facilitator notes (a trainer's copy).")] = False,
    workers: WorkersOption = 1,
) -> None:
    """Run a lesson's scenarios and write its printable handout (one HTML file) to the out folder."""
    lesson = _lesson(name)
    overrides, problems = _overrides(sets, [lesson])
    problems += analysis.directory_problems(out)
    if problems:
        _fail(problems)
    try:
        with _progress(f"{lesson.name}: {seeds} seeds × {steps} weeks") as progress:
            handout = build_handout(lesson, seeds, steps, out, overrides, facilitator, workers, progress)
    except ScenarioError as error:
        _fail(error.problems)
    console.print(f"Handout: {handout}")
    if pdf:
        try:
            console.print(f"PDF: {print_pdf(handout)}")
        except (FileNotFoundError, RuntimeError, OSError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None


@lesson_app.command()
def check(
    name: Annotated[str | None, typer.Argument(
        metavar="[NAME]", help="A lesson name or session number; or use --all.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Check the claims of every lesson.")] = False,
    seeds: Annotated[int, typer.Option("--seeds", min=2, help="Paired seeds per scenario.")] = 4,
    steps: Annotated[int, typer.Option("--steps", min=4, help="Weeks to simulate.")] = 104,
    sets: SetsOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Check that what lessons say the simulation shows holds over paired seeds (exit 1 if not)."""
    if (name is None) == (not every):
        _fail(["give a lesson NAME or --all, not both"] if every else ["give a lesson NAME or --all"])
    try:
        lessons = list_lessons() if every else [load_lesson(name or "")]
    except ScenarioError as error:
        _fail(error.problems)
    overrides, problems = _overrides(sets, lessons)
    if problems:
        _fail(problems)
    try:
        with _progress(f"claims: {seeds} seeds × {steps} weeks") as progress:
            if every:
                results = check_all(lessons, seeds, steps, overrides, workers, progress)
            else:
                results = {lessons[0].name: check_claims(lessons[0], seeds, steps, overrides,
                                                         workers, progress)}
    except ScenarioError as error:
        _fail(error.problems)
    console.print(_results_table(lessons, results, seeds, steps))
    failed = sum(not result.holds for found in results.values() for result in found)
    total = sum(len(found) for found in results.values())
    console.print(f"{total - failed} of {total} claims hold: the mean paired difference has the "
                  f"claimed sign. Weak: the 95% CI includes zero.")
    if failed:
        raise typer.Exit(1)


def _results_table(lessons: list[Lesson], results: dict[str, list[ClaimResult]], seeds: int,
                   steps: int) -> Table:
    table = Table(title=f"Lesson claims — {seeds} paired seeds × {steps} weeks")
    table.add_column("Session", no_wrap=True)
    table.add_column("Claim", overflow="fold")
    table.add_column("Δ [95% CI]", justify="right")
    table.add_column("Change", justify="right", no_wrap=True)
    table.add_column("Result", no_wrap=True)
    for lesson in lessons:
        for index, result in enumerate(results[lesson.name]):
            change = "—" if math.isnan(result.pct_change) else f"{result.pct_change:+.0f}%"
            verdict = {"holds": "[green]holds[/green]", "fails": "[bold red]FAILS[/bold red]",
                       "holds (CI includes 0)": "[yellow]holds (weak)[/yellow]"}[result.verdict()]
            table.add_row(f"{lesson.session} {lesson.name}" if index == 0 else "", result.claim.describe(),
                          f"{_signed(result.diff)} [{_signed(result.ci_low)}, {_signed(result.ci_high)}]",
                          change, verdict)
    return table
