"""Running a lesson's scenarios over paired seeds and checking its claims."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from marketsim import analysis
from marketsim.config.errors import ScenarioError
from marketsim.lessons.schema import Claim, Lesson
from marketsim.runs import BURN_IN, ProgressOption, check_burn_in, run_batch


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
