"""``marketsim sweep``: run a parameter sweep from a TOML spec, resume it, and summarise it.

    marketsim sweep SPEC.toml [--out DIR] [--resume] [--backend local|dask] [--scheduler ADDRESS] [--workers N]
    marketsim sweep summarise DIR

Bad input (malformed spec, unknown parameter, empty range, unreachable scheduler, a directory
holding another sweep) is reported on stderr, one problem per line, with exit code 2, before
any run starts and before any file is written. A sweep in which some runs failed exits with 1.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from marketsim.cli import common
from marketsim.cli.common import FileOrCommand, fail, failing_on_problems
from marketsim.sweep.backends import BACKENDS
from marketsim.text import plural

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

DEFAULT_OUT = Path("out") / "sweeps"
"""Where a sweep is written when neither ``--out`` nor the spec's ``out`` says: ``out/sweeps/<spec name>``."""

POINTS_SHOWN = 24
"""The per-point table is printed when a sweep has at most this many (scenario, point) pairs."""

OUTCOMES_SHOWN = 3
"""Outcomes shown in the printed per-point table (``points.parquet`` has all of them)."""


sweep_app = typer.Typer(
    cls=FileOrCommand,
    name="sweep",
    help="Parameter sweeps: `marketsim sweep init` writes an example spec, `marketsim sweep SPEC.toml` "
         "runs one, `marketsim sweep summarise DIR` summarises it.",
    subcommand_metavar="SPEC.toml [OPTIONS] | init [PATH] | summarise DIR",
    pretty_exceptions_show_locals=False,
)

@contextmanager
def warnings_said() -> Iterator[None]:
    """Say the sweep's warnings (damaged files run again or rebuilt, manifest lines skipped) on
    stderr as ``warning: …`` lines, each once, as they happen; other warnings as Python shows them."""
    from marketsim.sweep.store import DamageWarning, ManifestWarning

    show = warnings.showwarning
    said: set[str] = set()

    def say(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, DamageWarning | ManifestWarning):
            show(message, category, *args, **kwargs)
        elif str(message) not in said:  # the manifest is read more than once
            said.add(str(message))
            typer.echo(f"warning: {message}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", DamageWarning)
        warnings.simplefilter("always", ManifestWarning)
        warnings.showwarning = say
        yield


EXAMPLE_SPEC = Path(__file__).resolve().parents[1] / "sweep" / "example.toml"
"""The commented example spec that ``marketsim sweep init`` writes."""


@sweep_app.command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the example spec.")] = Path("sweep.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example sweep spec to edit: every key, its default and what it means."""
    common.write_example(EXAMPLE_SPEC, path, force, f"marketsim sweep {path} --workers 2")


@sweep_app.command("run")
def run_command(
    spec: Annotated[Path, typer.Argument(help="The sweep spec (TOML).", show_default=False)],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output directory (default: the spec's out, else out/sweeps/<spec name>).",
        show_default=False)] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the sweep in --out: keep finished runs, run the rest.")] = False,
    backend: Annotated[str | None, typer.Option(
        "--backend", help=f"Where runs execute: {' or '.join(BACKENDS)} (default: local, or dask "
                          "with --scheduler).", show_default=False)] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786.",
        show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", help="Worker processes for the local pool or a Dask LocalCluster "
                                "(default: all cores).", show_default=False)] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", help="Seconds to wait for the Dask scheduler.")] = 10.0,
    run_timeout: Annotated[float | None, typer.Option(
        "--run-timeout", min=0.001, help="Seconds a run may take; a longer one is stopped and recorded as failed "
                                         "(local backend).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run (or resume) the sweep described by SPEC, with a progress bar.

    Other commands: `marketsim sweep init [PATH]` writes a commented example spec;
    `marketsim sweep summarise DIR` summarises a sweep (means, CIs, sensitivity, figures, EMA export).
    """
    from marketsim.sweep.runner import run_sweep
    from marketsim.sweep.spec import load_spec

    with failing_on_problems():
        loaded = load_spec(spec)
    target = out or (Path(loaded.out) if loaded.out else DEFAULT_OUT / spec.stem)
    created = common.new_directories(target)
    try:
        with failing_on_problems(), warnings_said():
            result = run_sweep(loaded, out=target, resume=resume, backend=backend, scheduler=scheduler,
                               workers=workers, timeout=timeout, run_timeout=run_timeout, progress=not quiet)
    except KeyboardInterrupt:
        typer.echo(f"interrupted: finished runs are kept; continue with "
                   f"marketsim sweep {spec} --out {target} --resume", err=True)
        raise typer.Exit(130) from None
    common.say_created(created)
    kept = f", {result.skipped} kept from before" if result.skipped else ""
    console = common.console
    console.print(f"{plural(result.total, 'run')} in {result.out} ({result.backend}): {result.ran} ran in "
                  f"{result.seconds:.1f} s{kept}, {result.failed} failed.")
    if result.failed:
        console.print(f"[red]{plural(result.failed, 'run')} failed[/]: their tracebacks are in "
                      f"{result.out / 'manifest.jsonl'}; --resume runs them again.")
    console.print(f"Data: {result.out / 'summary.parquet'}, {result.out / 'timeseries.parquet'}. "
                  f"Next: marketsim sweep summarise {result.out}")
    if result.failed:
        raise typer.Exit(1)


@sweep_app.command("summarise")
def summarise_command(
    directory: Annotated[Path, typer.Argument(help="A sweep's output directory.", show_default=False)],
    level: Annotated[float, typer.Option("--level", min=0.5, max=0.999,
                                         help="Confidence level of the intervals.")] = 0.95,
    figures: Annotated[bool, typer.Option("--figures/--no-figures", help="Draw the figures.")] = True,
) -> None:
    """Per-point means, SDs and CIs; sensitivity indices; figures; an EMA Workbench export."""
    from marketsim.sweep.summary import summarise_sweep

    if not (directory / "spec.json").is_file():
        fail([f"{directory} holds no sweep (no spec.json)"])
    with failing_on_problems(), warnings_said():
        summary = summarise_sweep(directory, level=level, figures=figures)
    console = common.console
    missing = f", {summary.missing} not run yet (resume the sweep)" if summary.missing else ""
    failed = f"[red]{summary.failed} failed[/] (tracebacks in manifest.jsonl)" if summary.failed else "0 failed"
    console.print(f"{directory}: {summary.ok} of {summary.total} runs finished, {failed}{missing}.")
    pairs = summary.points[["scenario", "point"]].drop_duplicates()
    tables = _points_tables(summary.points, level) if len(pairs) <= POINTS_SHOWN else None
    if tables is not None:
        for table in tables:
            console.print(table)
    elif len(pairs) > POINTS_SHOWN:
        console.print(f"{len(pairs)} scenario × point pairs: see points.parquet.")
    else:
        console.print("The per-point table is wider than this terminal: see points.parquet.")
    if not summary.sensitivity.empty:
        console.print(_sensitivity_table(summary.sensitivity))
    for note in summary.notes:
        console.print(f"note: {note}")
    console.print("Wrote " + ", ".join(str(path) for path in summary.files[:4])
                  + (f" and {len(summary.files) - 4} figures in {directory / 'figures'}"
                     if len(summary.files) > 4 else ""))


def _points_tables(points: pd.DataFrame, level: float) -> list[Table] | None:
    """Per scenario, a table of the mean and CI of the first few outcomes at each point: as many
    outcomes as fit the console without cutting a name or a number (None if not even one does)."""
    import pandas as pd

    outcomes = list(pd.unique(points["outcome"]))[:OUTCOMES_SHOWN]
    for shown in range(len(outcomes), 0, -1):
        tables = [_points_view(str(scenario), rows, level, outcomes[:shown])
                  for scenario, rows in points.groupby("scenario", sort=False)]
        if all(common.fits(table) for table in tables):
            return tables
    return None


def _points_view(scenario: str, points: pd.DataFrame, level: float, outcomes: list[str]) -> Table:
    from rich import box
    from rich.table import Table

    from marketsim.analysis import format_number
    parameters = [c for c in points.columns
                  if c not in ("scenario", "point", "outcome", "runs", "mean", "sd", "ci_low", "ci_high")]
    table = Table(title=f"{scenario}: mean ± {level:.0%} CI half-width per point, over replicates of the run means",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ["point", *parameters, "runs", *outcomes]:
        table.add_column(name, justify="right", no_wrap=True)
    for point, group in points.groupby("point", sort=False):
        rows = group.set_index("outcome")
        first = group.iloc[0]
        cells = [str(point), *(format_number(v) if isinstance(v, float) else str(v) for v in first[parameters]),
                 str(first["runs"])]
        for outcome in outcomes:
            row = rows.loc[outcome]
            half = (row["ci_high"] - row["ci_low"]) / 2
            cells.append(format_number(row["mean"]) + ("" if math.isnan(half) else f"\n± {format_number(half)}"))
        table.add_row(*cells)
    return table


def _sensitivity_table(sensitivity: pd.DataFrame) -> Table:
    """Per scenario and outcome, each parameter's first-order (and, for Sobol designs, total)
    index with its 95% confidence interval; names stand on their own lines, never cut."""
    from rich import box
    from rich.table import Table

    def with_interval(value: float, half: float) -> str:
        return f"{value:.2f}\n[{value - half:.2f}, {value + half:.2f}]"

    total = sensitivity["method"].iloc[0] == "sobol"
    table = Table(title=f"Sensitivity of the point means ({'Sobol' if total else 'RBD-FAST'}; 95% CI)",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Scenario · outcome · parameter (role)", no_wrap=True)
    table.add_column("First order\n[95% CI]", justify="right", no_wrap=True)
    if total:
        table.add_column("Total\n[95% CI]", justify="right", no_wrap=True)
    for (scenario, outcome), rows in sensitivity.groupby(["scenario", "outcome"], sort=False):
        table.add_row(f"[bold]{scenario} · {outcome}[/bold]", *([""] * (1 + total)))
        for position, row in enumerate(rows.itertuples(index=False)):
            cells = [f"  {row.parameter}\n  [dim]{row.role}[/dim]", with_interval(row.S1, row.S1_conf)]
            if total:
                cells.append(with_interval(row.ST, row.ST_conf))
            table.add_row(*cells, end_section=position == len(rows) - 1)
    return table
