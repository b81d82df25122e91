"""``marketsim lesson``: list, show, run and check the teaching lessons for IDPC Module 7.

Bad input (unknown lesson, malformed lesson file, bad ``--set``, unusable output
folder) is reported on stderr with exit code 2 before anything runs or is written.
``lesson check`` exits with 1 when a claim does not hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from marketsim.cli import common
from marketsim.cli.common import (
    BurnInOption,
    Format,
    FormatOption,
    SetsOption,
    StepsOption,
    WorkersOption,
    fail,
    failing_on_problems,
    load_with_sets,
    print_records,
    resolved_burn_in,
)
from marketsim.text import plural

if TYPE_CHECKING:
    from rich.table import Table

    from marketsim.lessons import ClaimResult, Lesson

lesson_app = typer.Typer(
    cls=common.CommandGroup,
    help="Teaching lessons for the IDPC drug policy training toolkit, Module 7 (sessions 7.1–7.7).",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(
    metavar="NAME", help="A lesson name, a session number such as 7.5, or a lesson .toml file.")]


def checked_options(lessons: list[Lesson], sets: list[str] | None, burn_in: int | None,
                    steps: int) -> tuple[dict[str, Any], int, list[str]]:
    """The ``--set`` overrides, the burn-in to use, and every problem with them (in the lessons'
    scenarios) or with ``--burn-in`` and ``--steps``."""
    names = list(dict.fromkeys(name for lesson in lessons for name in lesson.scenarios))
    _, overrides, problems = load_with_sets(names, sets)
    burn_in, burn_in_trouble = resolved_burn_in(burn_in, steps)
    return overrides, burn_in, problems + burn_in_trouble


def print_unreached(lessons: list[Lesson], steps: int) -> None:
    """Name the changes and events lessons stage after the last week of runs of ``steps`` weeks."""
    for lesson in lessons:
        _, unreached = lesson.described(steps)
        if unreached:
            common.console.print(f"{lesson.name}: after the last week ({steps}), so left out: "
                                 f"{'; '.join(unreached)}", markup=False)


@lesson_app.command("list")
def list_command(form: FormatOption = Format.table) -> None:
    """List the lessons, one per session of IDPC Module 7."""
    from rich.table import Table

    from marketsim.lessons import list_lessons

    with failing_on_problems():
        lessons = list_lessons()
    if form is not Format.table:
        print_records([{"session": lesson.session, "name": lesson.name, "title": lesson.title,
                        "scenarios": " ".join(lesson.scenarios)} for lesson in lessons], form)
        return
    table = Table(title="Lessons for IDPC Module 7")
    table.add_column("Session", no_wrap=True)
    table.add_column("Name and title")
    table.add_column("Compares", no_wrap=True)
    for lesson in lessons:
        table.add_row(lesson.session, f"[bold]{lesson.name}[/bold]\n{lesson.title}", "\n".join(lesson.scenarios),
                      end_section=True)
    common.console.print(table)
    common.console.print("Details: marketsim lesson show NAME. Handout: marketsim lesson run NAME.")


@lesson_app.command()
def show(name: NameArgument) -> None:
    """Show a lesson in full: narrative, scenarios, objectives, what to watch, questions, notes."""
    from rich.markdown import Markdown

    from marketsim.config.scenario import load_scenario
    from marketsim.lessons import load_lesson

    with failing_on_problems():
        lesson = load_lesson(name)
    console = common.console
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
    staged, _ = lesson.described()
    if staged:
        bullets("Staged in every scenario", staged)
    bullets("What the simulation shows (checked by `marketsim lesson check`)",
            [f"{claim.text} [{claim.describe()}]" for claim in lesson.claims])
    bullets("Discussion questions", list(lesson.questions), numbered=True)
    bullets("Facilitator notes", list(lesson.facilitator_notes))
    bullets("Sources", list(lesson.sources))


@lesson_app.command()
def run(
    name: NameArgument,
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Paired seeds per scenario.")] = 5,
    steps: StepsOption = 260,
    burn_in: BurnInOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the handout.")] = Path("out"),
    sets: SetsOption = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the handout to PDF (needs Chromium).")] = False,
    facilitator: Annotated[bool, typer.Option(
        "--facilitator", help="Include the facilitator notes (a trainer's copy).")] = False,
    workers: WorkersOption = 1,
) -> None:
    """Run a lesson's scenarios and write its printable handout (one HTML file) to the out folder."""
    from marketsim import analysis
    from marketsim.lessons import build_handout, load_lesson, print_pdf

    with failing_on_problems():
        lesson = load_lesson(name)
    overrides, burn_in, problems = checked_options([lesson], sets, burn_in, steps)
    problems += analysis.directory_problems(out)
    if problems:
        fail(problems)
    print_unreached([lesson], steps)
    created = common.new_directories(out)
    with failing_on_problems():
        handout = build_handout(lesson, seeds=seeds, steps=steps, burn_in=burn_in, out_dir=out,
                                overrides=overrides, facilitator=facilitator, workers=workers, progress=True)
    common.say_created(created)
    common.console.print(f"Handout: {handout}")
    if pdf:
        try:
            common.console.print(f"PDF: {print_pdf(handout)}")
        except (FileNotFoundError, RuntimeError, OSError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None


@lesson_app.command()
def check(
    name: Annotated[str | None, typer.Argument(
        metavar="[NAME]", help="A lesson name or session number; or use --all.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Check the claims of every lesson.")] = False,
    seeds: Annotated[int, typer.Option("--seeds", min=2, help="Paired seeds per scenario.")] = 4,
    steps: StepsOption = 104,
    burn_in: BurnInOption = None,
    sets: SetsOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Check that what lessons say the simulation shows holds over paired seeds (exit 1 if not)."""
    from marketsim.lessons import check_all, list_lessons, load_lesson

    if (name is None) == (not every):
        fail(["give a lesson NAME or --all, not both"] if every else ["give a lesson NAME or --all"])
    with failing_on_problems():
        lessons = list_lessons() if every else [load_lesson(name or "")]
    overrides, burn_in, problems = checked_options(lessons, sets, burn_in, steps)
    if problems:
        fail(problems)
    print_unreached(lessons, steps)
    with failing_on_problems():
        results = check_all(lessons, seeds=seeds, steps=steps, burn_in=burn_in, overrides=overrides,
                            workers=workers, progress=True)
    common.console.print(results_table(lessons, results, seeds, steps, burn_in))
    failed = sum(not result.holds for found in results.values() for result in found)
    total = sum(len(found) for found in results.values())
    common.console.print(f"{total - failed} of {total} claims hold: the mean paired difference has the "
                         f"claimed sign. Weak: the 95% CI includes zero.")
    if failed:
        raise typer.Exit(1)


def results_table(lessons: list[Lesson], results: dict[str, list[ClaimResult]], seeds: int, steps: int,
                  burn_in: int) -> Table:
    """Per lesson, one row per claim: the paired difference with its 95% CI, the change and the
    verdict (names on their own lines, never cut)."""
    from rich import box
    from rich.table import Table

    from marketsim.analysis import format_number, format_percent

    table = Table(title=f"Lesson claims — {plural(seeds, 'paired seed')} × {steps} weeks, "
                        f"weekly means over {common.weeks(burn_in, steps)}", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Session · claim")
    table.add_column("Δ\n[95% CI]", justify="right", no_wrap=True)
    table.add_column("Change", justify="right", no_wrap=True)
    table.add_column("Result", no_wrap=True)
    for lesson in lessons:
        table.add_row(f"[bold]{lesson.session} {lesson.name}[/bold]", "", "", "")
        found = results[lesson.name]
        for index, result in enumerate(found):
            diff, low, high = (format_number(value, signed=True)
                               for value in (result.diff, result.ci_low, result.ci_high))
            verdict = {"holds": "[green]holds[/green]", "fails": "[bold red]FAILS[/bold red]",
                       "holds (CI includes 0)": "[yellow]holds (weak)[/yellow]"}[result.verdict()]
            table.add_row(f"  {result.claim.describe()}", f"{diff}\n[{low}, {high}]",
                          format_percent(result.pct_change), verdict, end_section=index == len(found) - 1)
    return table
