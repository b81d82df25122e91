"""Calibration against evidence: the generic city calibrated to the default targets file; writes
docs/calibration.md and its figures in docs/figures/calibration/.

    make calibration                                              # the default design, every local core
    python experiments/calibration_report.py --waves 1 --points 20 --policies baseline,focused_deterrence
                                                                  # a quick look
    python experiments/calibration_report.py --scheduler tcp://10.0.0.5:8786   # on a Dask cluster

Runs are stored under ``--out``, in a folder named after the model's sources, the targets file and the
design: a finished run is never run again, so an interrupted calibration resumes where it stopped, and a
changed model, targets file or design starts afresh. The same calibration from the command line is
``marketsim calibrate src/marketsim/calibration/default_targets.toml --out DIR``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from marketsim import analysis
from marketsim.calibration.engine import ArmResolver, calibrate
from marketsim.calibration.report import write_figures, write_report
from marketsim.calibration.targets import DEFAULT_TARGETS, CalibrationError, Targets, load_targets
from marketsim.rankings import policy_presets
from marketsim.runs import available_cores, workers_problems
from marketsim.validation import Arm, source_digest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "calibration.md"
FIGURES = ROOT / "docs" / "figures" / "calibration"
OUT = Path("out") / "calibration"


def default_cost() -> tuple[int, int]:
    """The runs the default targets file asks for (every wave full, every policy at the first and last waves'
    points) and the weeks of each."""
    targets = load_targets(DEFAULT_TARGETS)
    settings = targets.settings
    arms, _ = ArmResolver(targets, Path("scenarios")).target_arms()
    policies = settings.policies if settings.policies is not None else tuple(policy_presets()[0])
    extra = [name for name in policies if Arm(name) not in arms]
    waves = settings.waves
    return settings.points * (waves * len(arms) + min(waves, 2) * len(extra)) * settings.seeds, settings.steps


def names_list(text: str) -> list[str]:
    """A comma-separated list of names (an empty text: none)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options, each checked before anything runs (problems exit with status 2)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=Path, default=DEFAULT_TARGETS, help="the targets file (default: the "
                        "shipped default_targets.toml)")
    parser.add_argument("--waves", type=int, default=None, help="waves (default: the targets file's)")
    parser.add_argument("--points", type=int, default=None, help="points per wave (default: the targets file's)")
    parser.add_argument("--policies", type=names_list, default=None,
                        help="comma-separated presets to rank (default: the targets file's; '' for none)")
    parser.add_argument("--workers", type=int, default=None, help="local worker processes (default: every core)")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler's address, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where runs and tables are stored (default {OUT})")
    parser.add_argument("--doc", type=Path, default=DOC, help="the report to write (default docs/calibration.md)")
    parser.add_argument("--figures", type=Path, default=FIGURES,
                        help="folder of the report's figures (default docs/figures/calibration)")
    args = parser.parse_args(argv)
    problems = [f"--{problem}" for problem in workers_problems(args.workers)]
    if args.scheduler and args.workers is not None:
        problems.append("--workers applies to local processes; a Dask cluster has its own workers (drop --workers)")
    for option, path in (("--out", args.out), ("--doc", args.doc.parent), ("--figures", args.figures)):
        problems.extend(f"{option}: {problem}" for problem in analysis.directory_problems(path))
    if problems:
        fail(problems)
    return args


def chosen_targets(args: argparse.Namespace) -> Targets:
    """The targets file with the design the options ask for."""
    changes = {key: value for key, value in (("waves", args.waves), ("points", args.points),
                                             ("policies", args.policies)) if value is not None}
    targets = load_targets(args.targets)
    return targets.with_settings(**changes) if changes else targets


def command_line(argv: Sequence[str]) -> str:
    """The command that reproduces the report."""
    return " ".join(["python experiments/calibration_report.py", *argv]) if argv else "make calibration"


def fail(problems: Sequence[str]) -> None:
    """Print every problem on stderr, one per line, and exit with status 2."""
    for problem in dict.fromkeys(problems):
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(2)


def main(argv: Sequence[str] | None = None) -> int:
    """Calibrate (resuming any stored runs) and write the report."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    try:
        targets = chosen_targets(args)
        settings = targets.settings
        out = args.out / source_digest() / f"{targets.digest}-waves{settings.waves}-points{settings.points}"
        print(f"Calibration: {len(settings.parameters)} parameters, {len(targets.targets)} targets "
              f"({len(targets.fitted)} fitted), {settings.waves} waves of {settings.points} points; runs in {out}",
              file=sys.stderr)
        result = calibrate(targets, out, workers=args.workers or (None if args.scheduler else available_cores()),
                           scheduler=args.scheduler, resume=True)
    except CalibrationError as error:
        fail(error.problems)
    result.files |= write_figures(result, args.figures)
    doc = write_report(result, args.doc, args.figures, command_line(argv), default_cost())
    print(f"wrote {doc} and its figures in {args.figures}; the calibration's files are in {out} "
          f"({result.minutes:.1f} minutes, {result.core_hours:.3g} core-hours)", file=sys.stderr)
    return 1 if any(compute.failed for compute in result.computes) else 0


if __name__ == "__main__":
    sys.exit(main())
