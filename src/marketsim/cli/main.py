"""The ``marketsim`` command: list and inspect scenarios, run them, compare policies, and the demo.

Bad input (unknown scenario or parameter, wrong type, value out of range, malformed
scenario file, unusable output path) is reported in full on stderr, one problem per
line, with exit code 2 — before anything runs and before any file is written. Averages leave
out the first weeks of every run (``--burn-in``, by default ``marketsim.runs.BURN_IN``).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from marketsim import __version__
from marketsim.cli import common
from marketsim.cli.calibrate import calibrate_app
from marketsim.cli.common import (
    AtOption,
    BurnInOption,
    EventOption,
    Format,
    FormatOption,
    PosteriorOption,
    SetsOption,
    StepsOption,
    WorkersOption,
    fail,
    failing_on_problems,
    load_posterior_draws,
    load_with_sets,
    new_directories,
    print_notes,
    print_records,
    resolved_burn_in,
    say_created,
    weeks,
)
from marketsim.cli.lesson import lesson_app
from marketsim.cli.sweep import sweep_app
from marketsim.config.files import exists
from marketsim.config.writing import as_typed, scenario_toml
from marketsim.dashboard.server import dashboard
from marketsim.text import plural

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from marketsim.config.params import ParamSpec
    from marketsim.config.scenario import Scenario
    from marketsim.model import DrugMarketModel

app = typer.Typer(
    cls=common.CommandGroup,
    name="marketsim",
    help="Simulate illicit drug markets and compare drug policies on violence and harm. "
         "Start with `marketsim demo`, then `marketsim scenarios`; `marketsim COMMAND -h` explains each command.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings=common.HELP_OPTIONS,
)
app.add_typer(lesson_app, name="lesson")
app.add_typer(sweep_app, name="sweep")
app.add_typer(calibrate_app, name="calibrate")
app.command()(dashboard)


def print_version(value: bool) -> None:
    """``--version``: print the version and stop."""
    if value:
        typer.echo(f"marketsim {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option(
        "--version", callback=print_version, is_eager=True, help="Print the version and exit.")] = False) -> None:
    """Simulate illicit drug markets and compare drug policies on violence and harm."""

DEMO_WEEKS = 520
"""How long the demo runs: the default horizon of ten years."""

ScenarioArgument = Annotated[str, typer.Argument(
    metavar="SCENARIO", help="A preset name or a scenario .toml file.")]


def allowed(spec: ParamSpec) -> str:
    """The allowed values in interval notation, e.g. ``float in (0, 20]``."""
    if spec.kind == "table":
        return "activity = [places]"
    if spec.kind == "bool":
        return "true or false"
    if spec.kind == "str":
        return "text"
    low = "(-∞" if spec.minimum is None else ("(" if spec.exclusive_minimum else "[") + as_typed(spec.minimum)
    high = "∞)" if spec.maximum is None else as_typed(spec.maximum) + "]"
    return f"{spec.kind} in {low}, {high}"


def first_sentence(text: str) -> str:
    """Text up to the first full stop (or ! or ?) that ends a sentence."""
    ends = (i for i, char in enumerate(text) if char in ".!?" and text[i + 1:i + 2] in (" ", ""))
    return text[:next(ends, len(text) - 1) + 1]


# -- scenarios, show, params -------------------------------------------------------------------
@app.command("scenarios")
def scenarios_command(form: FormatOption = Format.table) -> None:
    """List the preset scenarios (their summaries: marketsim show NAME, or --format json)."""
    from rich.table import Table

    from marketsim.config.scenario import list_scenarios

    with failing_on_problems():
        presets = list_scenarios()
    if form is not Format.table:
        print_records([{"name": s.name, "title": s.title, "extends": s.extends or "", "summary": s.summary}
                       for s in presets], form)
        return
    table = Table(title="Preset scenarios")
    table.add_column("Name", style="bold", no_wrap=True)
    table.add_column("Title")
    for scenario in presets:
        table.add_row(escape(scenario.name), escape(scenario.title))
    common.console.print(table)
    common.console.print("Details: marketsim show NAME. Any .toml file path works wherever a name does.")


def extends_chain(scenario: Scenario) -> list[str]:
    """The names of the scenario and of every scenario it builds on, nearest first."""
    return list(scenario.chain) or [scenario.name]


@app.command()
def show(
    name: ScenarioArgument,
    sets: SetsOption = None,
    at: AtOption = None,
    events: EventOption = None,
    changed: Annotated[bool, typer.Option(
        "--changed", help="Only the parameters that differ from the defaults.")] = False,
    toml: Annotated[bool, typer.Option(
        "--toml", help="Print the scenario as a TOML scenario file (every parameter, or --changed).")] = False,
    form: FormatOption = Format.table,
) -> None:
    """Show a scenario: its text and every resolved parameter, marking those not at default."""
    from rich import box
    from rich.table import Table

    from marketsim.config.params import SPECS

    scenarios, _, problems = load_with_sets([name], sets, at, events)
    if toml and form is not Format.table:
        problems.append("give --toml or --format, not both")
    if problems:
        fail(problems)
    scenario = scenarios[0]
    rows = [{"parameter": path, "value": value, "unit": SPECS[path].unit, "default": SPECS[path].default}
            for path, value in scenario.resolved().items()]
    differing = [row for row in rows if row["value"] != row["default"]]
    shown = differing if changed else rows
    if toml:
        typer.echo(scenario_toml(scenario.title, scenario.summary, {row["parameter"]: row["value"] for row in shown},
                                 scenario.timeline), nl=False)
        return
    if form is not Format.table:
        print_records(shown, form)
        return
    console = common.console
    console.print(f"[bold]{escape(scenario.title)}[/bold]  ({escape(scenario.name)})")
    if scenario.path:
        console.print(f"file: {scenario.path}", markup=False)
    console.print(f"extends: {' → '.join(extends_chain(scenario))}", markup=False)
    console.print(scenario.summary, markup=False)
    table = Table(title="Parameters that differ from the defaults" if changed else "Parameters",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Parameter", no_wrap=True)
    table.add_column("Value · unit · default if changed" if not changed else "Value · unit · default")
    for row in shown:
        differs = row["value"] != row["default"]
        default = f" (default {escape(as_typed(row['default']))})" if differs else ""
        table.add_row(row["parameter"], f"{escape(as_typed(row['value']))} [dim]{escape(row['unit'])}[/dim]{default}",
                      style="bold yellow" if differs and not changed else None)
    console.print(table)
    verb = "differs" if len(differing) == 1 else "differ"
    console.print(f"{len(differing)} of {plural(len(rows), 'parameter')} {verb} from the defaults.")


@app.command()
def params(
    names: Annotated[list[str] | None, typer.Argument(
        metavar="[NAME]...", help="Parameters to describe in full, e.g. policy.hvt_share (default: all).",
        show_default=False)] = None,
    group: Annotated[str | None, typer.Option(
        "--group", "-g", help="Only this parameter group.")] = None,
    markdown: Annotated[bool, typer.Option(
        "--markdown", help="Print the reference as Markdown tables.")] = False,
    role: Annotated[str | None, typer.Option(
        "--role", "-r", help="Only the parameters of this role: lever (a choice a user makes), uncertainty "
                             "(sampled over its plausible range) or fixed.")] = None,
    uncertain: Annotated[bool, typer.Option(
        "--uncertain", help="Only the uncertainties (the parameters a robustness analysis samples): "
                            "default, plausible range, unit and source.")] = False,
    form: FormatOption = Format.table,
) -> None:
    """Reference of every parameter: path, role, default, unit, allowed range, help and source."""
    from rich import box
    from rich.table import Table

    from marketsim.config.errors import did_you_mean
    from marketsim.config.params import GROUPS, ROLES, SPECS, parameter_specs

    problems = [f"unknown parameter {name}{did_you_mean(name, SPECS, quote=False)} (all: marketsim params)"
                for name in names or () if name not in SPECS]
    if group is not None and group not in GROUPS:
        problems.append(f"unknown parameter group {group!r}{did_you_mean(group, GROUPS)} (groups: {', '.join(GROUPS)})")
    if role is not None and role not in ROLES:
        problems.append(f"--role {role!r}: allowed {', '.join(ROLES)}{did_you_mean(role, ROLES)}")
    if markdown and uncertain:
        problems.append("--markdown and --uncertain: choose one (the Markdown reference shows every parameter, "
                        "with its plausible range where it declares one)")
    if problems:
        fail(problems)
    groups = [group] if group else list(GROUPS)
    specs = [spec for spec in parameter_specs() if spec.group in groups and (not names or spec.path in names)
             and (role is None or spec.role == role)]
    if markdown:
        typer.echo(params_markdown(groups, specs))
        return
    if uncertain:
        uncertainties_listing([spec for spec in specs if spec.role == "uncertainty"], form)
        return
    if form is not Format.table:
        print_records([{"parameter": spec.path, "role": spec.role, "default": spec.default, "unit": spec.unit,
                        "allowed": allowed(spec), "help": spec.help, "source": spec.source} for spec in specs], form)
        return
    for name in groups:
        shown = [spec for spec in specs if spec.group == name]
        if not shown:
            continue
        table = Table(title=f"{name}: {group_doc(name)}", show_lines=True, box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("Parameter (role) · default · allowed", min_width=max(len(spec.path) for spec in shown))
        table.add_column("Help · source")
        for spec in shown:
            table.add_row(f"[bold]{spec.path}[/bold] ({spec.role})\n{escape(as_typed(spec.default))} "
                          f"{escape(spec.unit)}\n{escape(allowed(spec))}",
                          f"{escape(spec.help)}\n[dim]Source: {escape(spec.source)}[/dim]")
        common.console.print(table)


def plausible_range(spec: ParamSpec) -> str:
    """A declared plausible range in interval notation, e.g. ``[0.1, 0.3]`` (empty if none)."""
    if spec.plausible is None:
        return ""
    low, high = spec.plausible
    return f"[{as_typed(low)}, {as_typed(high)}]"


def uncertainties_listing(specs: list[ParamSpec], form: Format) -> None:
    """``marketsim params --uncertain``: each parameter's default, plausible range, unit and source."""
    from rich import box
    from rich.table import Table

    if form is not Format.table:
        print_records([{"parameter": spec.path, "default": spec.default, "plausible_low": spec.plausible[0],
                        "plausible_high": spec.plausible[1], "unit": spec.unit, "source": spec.source}
                       for spec in specs if spec.plausible is not None], form)
        return
    table = Table(title=f"Declared uncertainties: {plural(len(specs), 'parameter')} with a plausible range",
                  show_lines=True, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Parameter · default · plausible", min_width=max((len(spec.path) for spec in specs), default=0))
    table.add_column("Unit · source")
    for spec in specs:
        table.add_row(f"[bold]{spec.path}[/bold]\n{escape(as_typed(spec.default))} in "
                      f"{escape(plausible_range(spec))}",
                      f"{escape(spec.unit)}\n[dim]Source: {escape(spec.source)}[/dim]")
    common.console.print(table)


def group_doc(group: str) -> str:
    """What a parameter group is about (its class docstring)."""
    from marketsim.config.params import Params

    return (Params.model_fields[group].annotation.__doc__ or "").strip()


def params_markdown(groups: list[str], specs: list[ParamSpec]) -> str:
    """The parameter reference as Markdown: one table per group."""
    from marketsim.config.params import ROLES

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = [
        "# Parameters",
        "",
        "Generated by `marketsim params --markdown` from the declarations in "
        "`src/marketsim/config/params/`; do not edit by hand. The works cited in the Source "
        "column are listed in full in [references.md](references.md).",
        "",
        "Set a parameter in a scenario file (under its `[group]` table) or on the command line "
        "with `--set group.name=value`. Ranges use interval notation: `[` and `]` include the "
        "bound, `(` excludes it. A *plausible* range is what the value could reasonably be given what "
        "is known (from the source where it gives one): the space the robustness analysis explores "
        "(`marketsim params --uncertain`; [robustness.md](robustness.md)).",
        "",
        "Every parameter has a *role*, which analyses read: " + "; ".join(
            f"**{name}**: {meaning}" for name, meaning in ROLES.items()) + ". A parameter names its role "
        "(`role=` in `param()`, or `lever()`); one that names none is an uncertainty if it declares a "
        "plausible range and fixed otherwise. The EMA Workbench model (`marketsim.sweep.ema`) samples the "
        "uncertainties and offers the levers; sweeps take each swept parameter's role unless the spec "
        "gives one; the dashboard shows every lever in its first panel. `marketsim params --role lever` "
        "lists the levers.",
    ]
    for name in groups:
        lines += ["", f"## {name}", "", group_doc(name), "",
                  "| Parameter | Role | Default | Unit | Allowed | Help | Source |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| `{spec.path}` | {spec.role} | `{as_typed(spec.default)}` | {cell(spec.unit)} "
                  f"| {cell(allowed(spec))}{'; plausible ' + plausible_range(spec) if spec.plausible else ''} "
                  f"| {cell(spec.help)} | {cell(spec.source)} |"
                  for spec in specs if spec.group == name]
    return "\n".join(lines)


# -- run and demo ------------------------------------------------------------------------------
def summary_table(title: str, runs: pd.DataFrame, burn_in: int) -> Table:
    """Key outcome and process indicators of one run: weekly mean and, for flows, per year."""
    from rich.table import Table

    from marketsim import analysis
    from marketsim.outputs import METRICS

    means = analysis.summarise_runs(runs, burn_in).iloc[0]
    table = Table(title=title, caption=analysis.NOT_SETTLED["prison_population"] + ".")
    table.add_column("Indicator", no_wrap=True)
    table.add_column("Weekly mean", justify="right")
    table.add_column("Unit")
    table.add_column("Per year", justify="right")
    for label, names in (("Outcome", analysis.KEY_OUTCOMES), ("Process", analysis.KEY_PROCESS)):
        table.add_row(f"[bold]{label} indicators[/bold]")
        for name in names:
            unit = METRICS[name].unit
            yearly = analysis.format_number(52 * means[name]) if unit.endswith("/week") else ""
            table.add_row(f"  {name}", analysis.format_number(means[name]), unit, yearly,
                          end_section=name == names[-1])
    return table


def beside(out: Path, table: str) -> Path:
    """Where ``run --out`` writes another table of the run: ``out`` with ``_places`` or
    ``_events`` before the suffix."""
    return out.with_name(f"{out.stem}_{table}{out.suffix}")


def run_and_report(name: str, seed: int, steps: int, sets: list[str] | None, burn_in: int | None,
                   out: Path | None, figure: Path | None, force: bool, at: list[str] | None = None,
                   events: list[str] | None = None, posterior: Path | None = None) -> None:
    """Validate everything, run one scenario, print its summary and write the requested files:
    with ``out``, the weekly table there and, beside it, the per-place table and the event log.
    With ``posterior``, the run's parameter set is the posterior draw of its seed."""
    from marketsim import analysis
    from marketsim.runs import run_batch

    scenarios, _, problems = load_with_sets([name], sets, at, events)
    draws, draw_problems = load_posterior_draws(posterior, [seed])
    problems += draw_problems
    burn_in, burn_in_trouble = resolved_burn_in(burn_in, steps)
    problems += burn_in_trouble
    tables = [out, beside(out, "places"), beside(out, "events")] if out is not None else []
    if out is not None:
        problems += analysis.file_problems(out, analysis.TABLE_FORMATS)
    if figure is not None:
        problems += analysis.file_problems(figure, analysis.FIGURE_FORMATS)
    if not force:
        problems += overwrite_problems([path for path in (*tables, figure) if path is not None])
    if problems:
        fail(problems)
    scenario = scenarios[0]
    print_notes(scenario.notes)
    created = new_directories(*(path.parent for path in (out, figure) if path is not None))
    kept: dict[str, pd.DataFrame] = {}

    def weekly_keeping_the_rest(model: DrugMarketModel) -> pd.DataFrame:
        kept["places"], kept["events"] = model.place_metrics(), model.events()
        return model.metrics()

    with failing_on_problems():
        runs = run_batch(scenarios, [seed], steps, table=weekly_keeping_the_rest,  # one worker: this process
                         per_seed=draws)
    title = f"{escape(scenario.title)} — seed {seed}, weekly means over {weeks(burn_in, steps)}"
    common.console.print(summary_table(title, runs, burn_in))
    if out is not None:
        common.console.print(f"Weekly table: {analysis.write_table(runs, out)}", markup=False)
        common.console.print(f"Places, week by week: {analysis.write_table(kept['places'], tables[1])}",
                             markup=False)
        common.console.print(f"Event log: {analysis.write_table(kept['events'], tables[2])}", markup=False)
    if figure is not None:
        analysis.plot_series(runs, analysis.KEY_SERIES, figure, smooth=4, burn_in=burn_in)
        common.console.print(f"Figure: {figure}", markup=False)
    say_created(created)


@app.command()
def run(
    name: ScenarioArgument,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed of the run.")] = 1,
    steps: StepsOption = 520,
    sets: SetsOption = None,
    at: AtOption = None,
    events: EventOption = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the weekly table here (.csv or .parquet), and beside it the per-place table "
                            "(NAME_places) and the event log (NAME_events).")] = None,
    figure: Annotated[Path | None, typer.Option(
        "--figure", "-f", help="Draw the key weekly series here (.png, .svg or .pdf).")] = None,
    burn_in: BurnInOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing --out and --figure files.")] = False,
    posterior: PosteriorOption = None,
) -> None:
    """Run one scenario and summarise its key outcome and process indicators."""
    run_and_report(name, seed, steps, sets, burn_in, out, figure, force, at, events, posterior)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for baseline.csv and baseline.png.")] = Path("out"),
    burn_in: BurnInOption = None,
) -> None:
    """Run the baseline for 10 years; write (or rewrite) its weekly table and figure. The first thing to try."""
    run_and_report("baseline", 1, DEMO_WEEKS, None, burn_in, out / "baseline.csv", out / "baseline.png", force=True)
    common.console.print("Next: marketsim scenarios, then e.g. "
                         "marketsim compare baseline zero_tolerance focused_deterrence")


# -- compare -----------------------------------------------------------------------------------
COMPARE_FILES = ("compare.csv", "runs.parquet", "compare.png", "differences.png")
"""What ``compare`` writes in its folder."""

COMPARE_ROOT = Path("out") / "compare"
"""Where ``compare`` makes a new folder for each comparison unless ``--out`` names one."""


def new_folder(wanted: Path) -> Path:
    """``wanted`` if nothing is there yet, else the first of ``wanted-2``, ``wanted-3``, ... that is
    free: each comparison gets its own folder and never overwrites an earlier one."""
    candidates = (wanted.with_name(f"{wanted.name}-{number}") for number in itertools.count(2))
    return wanted if not wanted.exists() else next(path for path in candidates if not path.exists())


def comparison_table(title: str, table: pd.DataFrame, names: tuple[str, ...], reference: str) -> Table:
    """Per indicator, a heading row (name and unit), then one row per scenario: the mean and the
    paired difference from the reference, each with its 95% CI on a second line. Names stand on
    their own lines, never cut: the table fits 80 columns with scenario names of up to 30 letters."""
    from rich import box
    from rich.table import Table

    from marketsim.analysis import format_number, format_percent

    def with_interval(value: float, low: float, high: float, signed: bool = False) -> str:
        bounds = "" if math.isnan(low) else f"\n[{format_number(low, signed)}, {format_number(high, signed)}]"
        return format_number(value, signed) + bounds

    view = Table(title=title, caption=f"Δ vs {escape(reference)}: the difference, seed by seed. Bold: its CI "
                                      "excludes zero.", box=box.SIMPLE_HEAD, pad_edge=False)
    view.add_column("Indicator · scenario", no_wrap=True)
    view.add_column("Mean\n[95% CI]", justify="right", no_wrap=True)
    view.add_column("Δ (change)\n[95% CI]", justify="right", no_wrap=True)
    for name in names:
        rows = table[table["metric"] == name]
        view.add_row(f"[bold]{name}[/bold] [dim]{escape(rows['unit'].iloc[0])}[/dim]", "", "")
        for position, row in enumerate(rows.itertuples()):
            if row.scenario == reference:
                difference = "reference"
            else:
                difference = with_interval(row.diff, row.diff_ci_low, row.diff_ci_high, signed=True).replace(
                    "\n", f" ({format_percent(row.pct_change)})\n", 1)
                if row.diff_ci_low > 0 or row.diff_ci_high < 0:
                    difference = f"[bold]{difference}[/bold]"
            view.add_row(f"  {escape(row.scenario)}", with_interval(row.mean, row.ci_low, row.ci_high), difference,
                         end_section=position == len(rows) - 1)
    return view


@app.command()
def compare(
    names: Annotated[list[str], typer.Argument(
        metavar="SCENARIO",
        help="Two or more preset names or .toml files; the first is the reference.")],
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Paired seeds per scenario.")] = 10,
    steps: StepsOption = 520,
    sets: SetsOption = None,
    at: AtOption = None,
    events: EventOption = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help=f"Folder for {', '.join(COMPARE_FILES)} (default: a new folder in {COMPARE_ROOT} "
                            "named after the scenarios).", show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite the files of an earlier comparison in --out.")] = False,
    burn_in: BurnInOption = None,
    workers: WorkersOption = 1,
    form: FormatOption = Format.table,
    posterior: PosteriorOption = None,
) -> None:
    """Compare scenarios over paired seeds on outcome and process indicators.

    Means have 95% t-intervals, on the log scale of the mean for indicators that cannot be
    negative; differences are paired seed by seed. differences.png is a forest plot of them.
    """
    from marketsim import analysis
    from marketsim.runs import run_batch, seed_list

    scenarios, _, problems = load_with_sets(names, sets, at, events)
    draws, draw_problems = load_posterior_draws(posterior, seed_list(seeds))
    problems += draw_problems
    if len(names) < 2:
        problems.append("compare needs at least two scenarios; the first is the reference")
    burn_in, burn_in_trouble = resolved_burn_in(burn_in, steps)
    problems += burn_in_trouble
    out = out if out is not None else new_folder(COMPARE_ROOT / "_vs_".join(
        scenario.name for scenario in scenarios) if scenarios else COMPARE_ROOT)
    problems += analysis.directory_problems(out)
    problems += [] if force else overwrite_problems([out / name for name in COMPARE_FILES])
    if problems:
        fail(problems)
    print_notes([f"{scenario.name}: {note}" for scenario in scenarios for note in scenario.notes])
    created = new_directories(out)
    with failing_on_problems():
        runs = run_batch(scenarios, seeds, steps, workers=workers, per_seed=draws)
    table = analysis.compare(analysis.summarise_runs(runs, burn_in))
    written = [analysis.write_table(table, out / "compare.csv"), analysis.write_table(runs, out / "runs.parquet"),
               out / "compare.png", out / "differences.png"]
    analysis.plot_series(runs, analysis.KEY_SERIES, written[2], smooth=4, burn_in=burn_in)
    analysis.plot_differences(table, (*analysis.KEY_OUTCOMES, *analysis.KEY_PROCESS), written[3])
    say_created(created)
    if form is not Format.table:
        print_records(table.to_dict("records"), form)
        return
    reference = scenarios[0].name
    for label, key in (("Outcome", analysis.KEY_OUTCOMES), ("Process", analysis.KEY_PROCESS)):
        title = (f"{label} indicators — weekly means over {weeks(burn_in, steps)}, "
                 f"{plural(seeds, 'paired seed')}")
        common.console.print(comparison_table(title, table, key, reference))
    common.console.print(f"Note: {analysis.NOT_SETTLED['prison_population']}.")
    common.console.print("compare.csv has every metric; differences.png draws the changes.")
    common.console.print("Wrote " + ", ".join(str(path) for path in written), markup=False)


def overwrite_problems(paths: list[Path]) -> list[str]:
    """Files that exist and would be overwritten (``--force`` allows it)."""
    return [f"{path} exists: pass --force to overwrite it, or choose another --out" for path in paths if exists(path)]
