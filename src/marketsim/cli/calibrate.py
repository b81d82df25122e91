"""``marketsim calibrate``: fit the uncertain parameters to a targets file by history matching.

    marketsim calibrate TARGETS.toml --out DIR [--workers N | --scheduler ADDRESS] [--resume]
    marketsim calibrate init [PATH]

Bad input (a malformed targets file, an unknown parameter or metric, a target without a source or an
uncertainty, a directory holding another calibration) is reported on stderr, one problem per line,
with exit code 2, before any run starts and before any file is written. A calibration in which some
runs failed exits with 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marketsim.cli import common
from marketsim.cli.common import FileOrCommand, failing_on_problems
from marketsim.text import plural

DEFAULT_OUT = Path("out") / "calibration"
"""Where a calibration is written when ``--out`` is not given: ``out/calibration/<targets file name>``."""

calibrate_app = typer.Typer(
    cls=FileOrCommand,
    name="calibrate",
    help="Calibration against evidence: `marketsim calibrate init` writes an example targets file, "
         "`marketsim calibrate TARGETS.toml --out DIR` calibrates the model to it.",
    subcommand_metavar="TARGETS.toml [OPTIONS] | init [PATH]",
    pretty_exceptions_show_locals=False,
)


@calibrate_app.command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the example targets file.")] = Path("targets.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example targets file that runs in about a minute: every key and what it means."""
    from marketsim.calibration.targets import EXAMPLE_TARGETS

    common.write_example(EXAMPLE_TARGETS, path, force,
                         f"marketsim calibrate {path} --out {DEFAULT_OUT / path.stem} --workers 2")


@calibrate_app.command("run")
def run_command(
    targets: Annotated[Path, typer.Argument(help="The targets file (TOML).", show_default=False)],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="The calibration's directory (default: out/calibration/<targets file name>).",
        show_default=False)] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the calibration in --out: keep finished runs, run the rest.")] = False,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786.",
        show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", help="Local worker processes (default: all cores).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Calibrate the model to TARGETS by history matching, with a progress bar; write the posterior sample,
    the predictive checks, the conflicts, the rankings over the posterior, figures and report.md in --out.

    Other command: `marketsim calibrate init [PATH]` writes a commented example targets file.
    """
    from marketsim.calibration.engine import calibrate

    target = out or DEFAULT_OUT / targets.stem
    try:
        with failing_on_problems():
            result = calibrate(targets, target, workers=workers, scheduler=scheduler, resume=resume,
                               progress=not quiet)
    except KeyboardInterrupt:
        typer.echo(f"interrupted: finished runs are kept; continue with "
                   f"marketsim calibrate {targets} --out {target} --resume", err=True)
        raise typer.Exit(130) from None
    console = common.console
    failed = sum(compute.failed for compute in result.computes)
    made = sum(compute.ran for compute in result.computes)
    console.print(f"{plural(result.runs, 'run')} in {result.out} ({made} made now, {failed} failed), "
                  f"{len(result.waves)} {'wave' if len(result.waves) == 1 else 'waves'}: stopped {result.stopped}.",
                  markup=False)
    console.print(f"Posterior: {plural(len(result.posterior), 'parameter set')} meeting the "
                  f"{plural(len(result.targets.fitted), 'fitted target')}.", markup=False)
    for row in result.checks.itertuples():
        console.print(f"  {row.target} ({'fitted' if row.fitted else 'predicted'}): observed {row.observed}, "
                      f"posterior 5–95% {row.posterior_q05:.4g} to {row.posterior_q95:.4g}: {row.verdict}",
                      markup=False)
    for row in result.conflicts.itertuples():
        console.print(f"  conflict: {row.first} and {row.second} — {row.pulls}", markup=False)
    console.print(f"Report: {result.files['report']}; posterior: {result.files['posterior']}. Use it: "
                  f"marketsim compare baseline focused_deterrence --posterior {result.out}", markup=False)
    if failed:
        console.print(f"[red]{plural(failed, 'run')} failed[/]: their tracebacks are in the manifests under "
                      f"{result.out / 'runs'}; --resume runs them again.")
        raise typer.Exit(1)
