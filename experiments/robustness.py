"""Robustness: do the stylized facts and the policy rankings survive what nobody knows?

A Latin hypercube over every declared uncertainty (each parameter whose role is ``uncertainty``, over
its plausible range, except the parameters an arm under comparison sets), each point running every fact's
arms and every policy preset at the same police budget, all with the same seeds. From the runs:
the share of the plausible space where each fact holds, its effect sizes and a PRIM box where it
fails; how often each policy ranks first and its regret; RBD-FAST sensitivity indices. Writes
docs/robustness.md and its figures in docs/figures/robustness/.

    make robustness                                              # the default design, every local core
    python experiments/robustness.py --points 40                 # a quick look on a laptop
    python experiments/robustness.py --scheduler tcp://10.0.0.5:8786   # on a Dask cluster

Runs are stored under ``--out``, one sweep directory (``marketsim.sweep.SweepStore``) per arm, in
a folder named after the model's sources and the design: a finished run is never run again, so an
interrupted analysis resumes where it stopped, and a changed model or design starts afresh.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

import marketsim as ms
from marketsim import analysis
from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.params import SPECS
from marketsim.config.scenario import load_scenario
from marketsim.rankings import INFECTION_WEIGHT, RANKED, draw_spread, policy_outcomes, policy_presets, rankings
from marketsim.runs import BURN_IN, available_cores, burn_in_problems, workers_problems
from marketsim.sweep.arms import ArmRuns, Compute, arm_scenario, event_tables, execute, failures, plain, plan_arms
from marketsim.sweep.design import design_points
from marketsim.sweep.errors import SweepError
from marketsim.sweep.spec import make_spec
from marketsim.sweep.summary import RBD_FAST_MIN_POINTS, sensitivity_indices
from marketsim.text import plural
from marketsim.validation import (
    EVENT_STUDY_STEPS,
    EVENT_WINDOWS,
    FACTS,
    FACTS_BY_NAME,
    KINGPIN_WEEK,
    MIN_AGREEMENT,
    Arm,
    Comparison,
    ComparisonResult,
    Fact,
    comparison_result,
    source_digest,
    summary_start,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "robustness.md"
FIGURES = ROOT / "docs" / "figures" / "robustness"
OUT = Path("out") / "robustness"

POINTS = 200
"""Latin-hypercube points of the default design: enough for RBD-FAST indices with a few harmonics and
for PRIM boxes of at least ten points, within the hour on two cores (docs/robustness.md)."""
SEEDS = 1
"""Paired seeds per point by default: the hour on two cores allows one (see the doc's caveats)."""
STEPS = 208
"""Weeks per run by default: the burn-in year and three more. Three-year re-offending (fact 8) is
defined from week 157 on, so shorter runs cannot measure it; the kingpin event study needs
``validation.EVENT_STUDY_STEPS`` (the same 208 weeks)."""
DESIGN_SEED = 15
"""Seed of the Latin hypercube and of the dummy variables: the same design every time."""
COMPOSITIONS = (("justice.initial_users", "justice.initial_dealers", "justice.initial_traffickers",
                 "justice.initial_violent"),)
"""Shares of one whole that may add up to at most 1 (the rest of the starting prison population is held
for re-offending). Where a point's sampled shares add up to more, they are scaled down to add up to 1, as
the model itself normalises them when it fills the prisons."""
PRIM_DENSITY = 0.8
"""A failure box must hold at least this share of failing points (the threshold of the EMA Workbench's
scenario-discovery examples): a region where the fact should not be expected."""
PRIM_CANDIDATES = 10
"""PRIM searches only the uncertainties that extra-trees feature scoring ranks highest for the
failures (Jaxa-Rozen & Kwakkel 2018): a box over hundreds of uncertainties from a few hundred points
would mostly describe chance."""
PRIM_MAX_QP = 0.05
"""A box keeps a restriction only if its quasi-p value (Bryant & Lempert 2010) is at most this."""
DUMMIES = 20
"""Dummy variables sampled with the design but read by no model: the largest of their sensitivity
indices is the noise floor below which an index says nothing (Khorashadi Zadeh et al. 2017)."""
TOP = 10
"""Uncertainties named per outcome in the report."""
EFFECT_QUANTILES = (0.05, 0.5, 0.95)
"""The effect-size distribution is reported as its median and 5–95% range over the points."""
CHANGE_TICKS = (-100, -50, -25, 0, 25, 50, 100, 200, 400, 800)
"""Where the effect-size axis is labelled, in percent."""
SENSITIVITY_OUTCOMES = {"homicide_rate": "homicides", "overdose_deaths": "overdose deaths",
                        "prison_population": "prison population"}
"""The outcomes whose sensitivity indices are computed, with their names in the report."""
LAPTOP_POINTS = 40
"""The design suggested for a quick look on a laptop: a fifth of the default."""
LAPTOP_CORES = 2
"""Cores of the laptop the quick look's time is estimated for."""


# -- what to run ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Study:
    """The facts and policies compared, their arms, and the uncertainties sampled."""

    facts: tuple[Fact, ...]
    policies: tuple[str, ...]
    excluded: dict[str, str]
    uncertainties: tuple[str, ...]
    held: dict[str, str]

    @property
    def comparisons(self) -> list[Comparison]:
        """Every comparison of the facts, in order."""
        return [c for fact in self.facts for c in fact.comparisons]

    @property
    def arms(self) -> list[Arm]:
        """Every arm run: the facts' and the policies'."""
        arms = [arm for c in self.comparisons for arm in (c.reference, c.alternative)]
        return list(dict.fromkeys([*arms, *(Arm(name) for name in self.policies)]))

    @property
    def event_arms(self) -> set[Arm]:
        """Arms whose runs also collect the event-study table (the kingpin event study)."""
        return {arm for c in self.comparisons if c.metric in EVENT_WINDOWS for arm in (c.reference, c.alternative)}


def describe_levers() -> str:
    """The levers in a few words: ``policy.*`` and those declared in other groups, by name."""
    others = [path for path, spec in SPECS.items() if spec.role == "lever" and spec.group != "policy"]
    return "`policy.*`" + "".join(f", `{path}`" for path in others)


def make_study(fact_names: Sequence[str] | None, policy_names: Sequence[str] | None) -> Study:
    """The study for the chosen facts and policies (default: all); bad names raise a ScenarioError."""
    ranked, excluded = policy_presets()
    problems = []
    for name in fact_names or ():
        if name not in FACTS_BY_NAME:
            problems.append(f"--facts: unknown fact {name!r}{did_you_mean(name, FACTS_BY_NAME)} "
                            f"(allowed: {', '.join(FACTS_BY_NAME)})")
    for name in policy_names or ():
        if name in excluded:
            problems.append(f"--policies: {name!r} is not ranked: {excluded[name]}")
        elif name not in ranked:
            problems.append(f"--policies: unknown preset {name!r}{did_you_mean(name, ranked)} "
                            f"(allowed: {', '.join(ranked)})")
    if problems:
        raise ScenarioError(problems)
    facts = tuple(FACTS_BY_NAME[name] for name in fact_names) if fact_names else FACTS
    policies = tuple(policy_names) if policy_names else tuple(ranked)
    # Held by what any fact or policy sets, whichever are run: the same design whatever the selection.
    arms = {arm for fact in FACTS for c in fact.comparisons for arm in (c.reference, c.alternative)}
    arms |= {Arm(name) for name in ranked}
    held: dict[str, str] = {}
    for arm in sorted(arms, key=lambda arm: arm.label):
        for path in arm_scenario(arm).overrides:
            held.setdefault(path, arm.label)
    uncertainties = tuple(path for path, spec in SPECS.items() if spec.role == "uncertainty" and path not in held)
    return Study(facts, policies, excluded, uncertainties,
                 {path: arm for path, arm in held.items() if SPECS[path].role == "uncertainty"})


def latin_hypercube(uncertainties: Sequence[str], points: int, seed: int) -> pd.DataFrame:
    """The design: a Latin hypercube over each uncertainty's plausible range (the sweep engine's own
    sampler, ``scipy.stats.qmc``), with shares of one whole scaled down where they exceed it."""
    spec = make_spec({"params": {path: {"min": SPECS[path].plausible[0], "max": SPECS[path].plausible[1]}
                                 for path in uncertainties},
                      "design": {"kind": "lhs", "samples": points, "seed": seed}})
    design = design_points(spec)
    for shares in COMPOSITIONS:
        columns = [path for path in shares if path in design]
        total = design[columns].sum(axis=1)
        over = total > 1
        design.loc[over, columns] = design.loc[over, columns].div(total[over], axis=0)
    return design


def dummy_design(points: int, seed: int) -> pd.DataFrame:
    """``DUMMIES`` variables on [0, 1), Latin-hypercube sampled like the design but read by no model."""
    from scipy.stats import qmc

    sample = qmc.LatinHypercube(d=DUMMIES, rng=np.random.default_rng(seed)).random(points)
    return pd.DataFrame(sample, columns=[f"dummy_{index + 1:02d}" for index in range(DUMMIES)])


# -- running -------------------------------------------------------------------------------------
# -- reading the runs back ------------------------------------------------------------------------
def metric_means(units: Sequence[ArmRuns], study: Study, burn_in: int) -> dict[int, pd.DataFrame]:
    """By the week after which means are taken: each run's metric means, indexed by ``(point, arm, seed)``.

    The burn-in's means are the sweep's summaries; a comparison averaged from a later week (zero
    tolerance's consumption) is summarised again from the weekly table.
    """
    needed = {"homicide_rate", "overdose_deaths", "new_infections", "prison_population", "prison_rate"}
    needed |= {name for c in study.comparisons for name in (c.metric, c.reference_metric) if name}
    arms_from: dict[int, set[str]] = {burn_in: {unit.arm.label for unit in units}}
    for c in study.comparisons:
        if c.metric not in EVENT_WINDOWS:
            arms_from.setdefault(summary_start(c, burn_in), set()).update((c.reference.label, c.alternative.label))
    means: dict[int, list[pd.DataFrame]] = {start: [] for start in arms_from}
    for unit in units:
        if not unit.store.summary.exists():
            continue
        label = unit.arm.label
        available = pq.read_schema(unit.store.summary).names
        columns = [name for name in sorted(needed) if name in available]
        for start in (start for start, labels in arms_from.items() if label in labels):
            if start == burn_in:
                table = pd.read_parquet(unit.store.summary, columns=["point", "seed", *columns])
            else:
                weeks = pd.read_parquet(unit.store.timeseries, columns=["point", "seed", "step", *columns])
                table = analysis.summarise_runs(weeks.rename(columns={"point": "scenario"}), start) \
                    .rename(columns={"scenario": "point"})
            means[start].append(table.assign(arm=label))
    return {start: pd.concat(tables).set_index(["point", "arm", "seed"]).sort_index() if tables else pd.DataFrame()
            for start, tables in means.items()}


# -- the facts -----------------------------------------------------------------------------------
def holds_at_point(result: ComparisonResult) -> bool:
    """The per-point verdict: the rules of ``ComparisonResult.holds`` that a few seeds can apply — at
    least ``MIN_AGREEMENT`` of the point's seed pairs show the expected direction (for 'similar': lie
    within the tolerance), and the mean relative change lies in the literature's band where one is
    given. The confidence-interval rule needs more seeds than a point has; it is applied to the
    pairs of all points together (:func:`measure_facts`)."""
    return result.agreement >= MIN_AGREEMENT and result.in_band


def measure_facts(study: Study, means: Mapping[int, pd.DataFrame],
                  tables: Mapping[int, Mapping[tuple[str, int], pd.DataFrame]], points: int, seeds: int,
                  burn_in: int) -> tuple[pd.DataFrame, dict[Comparison, ComparisonResult]]:
    """Every comparison at every design point, and over the pairs of all points together.

    Returns one row per fact, comparison and point (``relative`` change, ``agreement``, ``holds``;
    a point lacking a run, or whose metric is undefined, is left out), and the pooled results.
    """
    rows = []
    pooled: dict[Comparison, tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]] = {}
    by_point = {start: {point: frame.xs(point, level="point") for point in frame.index.unique("point")}
                for start, frame in means.items() if not frame.empty}
    for fact in study.facts:
        for index, c in enumerate(fact.comparisons):
            references, alternatives, bases = pooled.setdefault(c, ([], [], []))
            for point in range(points):
                summaries = {start: frames[point] for start, frames in by_point.items() if point in frames}
                try:
                    result = comparison_result(c, summaries, tables.get(point, {}), burn_in)
                except KeyError:
                    continue  # a run of this point is missing (failed or not yet run)
                if len(result.differences) != seeds or np.isnan(result.differences).any():
                    continue
                references.append(result.reference)
                bases.append(result.base)
                alternatives.append(result.alternative)
                rows.append({"fact": fact.name, "number": fact.number, "comparison": index, "label": c.label,
                             "point": point, "reference_mean": float(np.mean(result.reference)),
                             "relative": result.relative[0], "agreement": result.agreement,
                             "holds": holds_at_point(result)})
    results = {c: ComparisonResult(c, np.concatenate(refs), np.concatenate(alts), base=np.concatenate(bases))
               for c, (refs, alts, bases) in pooled.items() if refs}
    return pd.DataFrame(rows), results


@dataclass(frozen=True)
class FailureRegion:
    """Where a fact fails: a PRIM box, or why there is none."""

    verdict: str
    limits: pd.DataFrame = field(default_factory=pd.DataFrame)
    coverage: float = math.nan
    density: float = math.nan
    mass: float = math.nan

    def describe(self) -> str:
        """The box in words, e.g. ``world.firearms ≥ 0.71 and …`` with its coverage and density."""
        if self.limits.empty:
            return self.verdict
        parts = []
        for row in self.limits.itertuples():
            low, high = SPECS[row.parameter].plausible
            if row.low > low and row.high < high:
                parts.append(f"`{row.parameter}` in [{row.low:.3g}, {row.high:.3g}]")
            elif row.low > low:
                parts.append(f"`{row.parameter}` ≥ {row.low:.3g}")
            else:
                parts.append(f"`{row.parameter}` ≤ {row.high:.3g}")
        return (f"{' and '.join(parts)} (the box holds {self.coverage:.0%} of the points where the fact fails, "
                f"and it fails at {self.density:.0%} of the points in the box)")


def failure_region(x: pd.DataFrame, fails: np.ndarray) -> FailureRegion:
    """A PRIM box (Friedman & Fisher 1999; EMA Workbench) of the points where a fact fails.

    The search is limited to the ``PRIM_CANDIDATES`` uncertainties that extra-trees feature scoring
    ranks highest; on the peeling trajectory the box with the largest coverage among those at least
    ``PRIM_DENSITY`` dense is chosen, and restrictions whose quasi-p value exceeds ``PRIM_MAX_QP`` are
    dropped (Bryant & Lempert 2010).
    """
    if not fails.any():
        return FailureRegion("holds everywhere")
    if fails.all():
        return FailureRegion("fails everywhere")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring, prim

        scores, _ = feature_scoring.get_ex_feature_scores(
            x, fails, mode=feature_scoring.RuleInductionType.CLASSIFICATION, random_state=DESIGN_SEED)
        candidates = list(scores.index[:PRIM_CANDIDATES])
        # as floats: PRIM pastes midpoints into whole-number columns (counts), which pandas refuses
        box = prim.Prim(x[candidates].astype(float), fails, threshold=PRIM_DENSITY).find_box()
        trajectory = box.peeling_trajectory
        dense = trajectory[(trajectory["density"] >= PRIM_DENSITY) & (trajectory["res_dim"] > 0)]
        if dense.empty:
            return FailureRegion(f"no region concentrates the failures: no box is {PRIM_DENSITY:.0%} failing points")
        chosen = int(dense["coverage"].idxmax())
        box.select(chosen)
        for dimension, values in box.qp[chosen].items():
            if min(value for value in values if value >= 0) > PRIM_MAX_QP:
                box.drop_restriction(dimension)
        initial = box.prim.box_init
        restricted = [name for name in candidates if (box.box_lim[name] != initial[name]).any()]
        if not restricted:
            return FailureRegion("no region concentrates the failures: no restriction of a box is significant")
        limits = pd.DataFrame([{"parameter": name, "low": plain(box.box_lim[name].iloc[0]),
                                "high": plain(box.box_lim[name].iloc[1])} for name in restricted])
        return FailureRegion("box", limits, float(box.coverage), float(box.density), float(box.mass))


def fact_tables(study: Study, by_point: pd.DataFrame, pooled: Mapping[Comparison, ComparisonResult],
                design: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per comparison: share of points where it holds, effect sizes, the pooled verdict. Per fact: the
    share of points where all its comparisons hold, and where it fails (a PRIM box)."""
    comparisons, facts = [], []
    for fact in study.facts:
        rows = by_point[by_point["fact"] == fact.name] if not by_point.empty else by_point
        for index, c in enumerate(fact.comparisons):
            mine = rows[rows["comparison"] == index] if not rows.empty else rows
            quantiles = np.quantile(mine["relative"], EFFECT_QUANTILES) if len(mine) else [math.nan] * 3
            result = pooled.get(c)
            comparisons.append({
                "number": fact.number, "fact": fact.name, "comparison": index, "label": c.label, "metric": c.metric,
                "direction": c.direction, "tolerance": c.tolerance, "band": c.band, "points": len(mine),
                "share_holds": float(mine["holds"].mean()) if len(mine) else math.nan,
                **{f"relative_q{round(q * 100):02d}": value for q, value in zip(EFFECT_QUANTILES, quantiles,
                                                                               strict=True)},
                "pooled_relative": result.relative[0] if result else math.nan,
                "pooled_low": result.relative[1] if result else math.nan,
                "pooled_high": result.relative[2] if result else math.nan,
                "pooled_holds": bool(result.holds) if result else False})
        if rows.empty:
            facts.append({"number": fact.number, "fact": fact.name, "title": fact.title, "points": 0,
                          "share_holds": math.nan, "region": "not measured"})
            continue
        complete = rows.groupby("point")["holds"].agg(["all", "size"])
        complete = complete[complete["size"] == len(fact.comparisons)]
        fails = ~complete["all"].to_numpy(dtype=bool)
        region = failure_region(design.loc[complete.index].reset_index(drop=True), fails) if len(complete) \
            else FailureRegion("not measured")
        facts.append({"number": fact.number, "fact": fact.name, "title": fact.title, "points": len(complete),
                      "share_holds": float(1 - fails.mean()) if len(complete) else math.nan,
                      "region": region.describe(), "region_coverage": region.coverage,
                      "region_density": region.density})
    return pd.DataFrame(comparisons), pd.DataFrame(facts)


# -- the policies --------------------------------------------------------------------------------
# -- what matters --------------------------------------------------------------------------------
def sensitivity(study: Study, means: pd.DataFrame, design: pd.DataFrame, dummies: pd.DataFrame,
                seed: int) -> tuple[pd.DataFrame, list[str]]:
    """RBD-FAST first-order indices (``marketsim.sweep.summary.sensitivity_indices``) of each outcome in
    ``SENSITIVITY_OUTCOMES``, per policy preset, to every uncertainty and to the dummy variables."""
    sampled = pd.concat([design.reset_index(drop=True), dummies], axis=1)
    names = list(sampled.columns)
    record = {
        "spec": {"design": {"kind": "lhs", "seed": seed}, "outcomes": list(SENSITIVITY_OUTCOMES),
                 "params": {name: {"min": float(sampled[name].min()), "max": float(sampled[name].max())}
                            for name in names}},
        "parameters": dict.fromkeys(names, "uncertainty"), "scenario_names": list(study.policies),
        "points": sampled.to_numpy(dtype=float).tolist(),
    }
    runs = means[means.index.get_level_values("arm").isin(study.policies)].reset_index() \
        .rename(columns={"arm": "scenario"})
    return sensitivity_indices(record, runs)


def top_uncertainties(indices: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per outcome: the ``TOP`` uncertainties with the largest first-order index averaged over the
    policies (with the smallest and largest over policies), and the noise floor: the largest average
    index of a dummy variable."""
    if indices.empty:
        return pd.DataFrame(), {}
    by = indices.groupby(["outcome", "parameter"])["S1"].agg(["mean", "min", "max"]).reset_index()
    dummy = by["parameter"].str.startswith("dummy_")
    floors = by[dummy].groupby("outcome")["mean"].max().to_dict()
    tops = [group.nlargest(TOP, "mean") for _, group in by[~dummy].groupby("outcome", sort=False)]
    table = pd.concat(tops, ignore_index=True)
    table["words"] = [first_sentence(SPECS[name].help) for name in table["parameter"]]
    table["above_noise"] = table["mean"] > table["outcome"].map(floors)
    return table, floors


def first_sentence(text: str) -> str:
    """A parameter's help up to its first full stop: the uncertainty in plain words."""
    head, _, _ = text.partition(". ")
    return head.rstrip(".") + "."


# -- figures -------------------------------------------------------------------------------------
def save(figure: Figure, path: Path) -> Path:
    """Write a figure as PNG, atomically."""
    FigureCanvasAgg(figure)
    with analysis.atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=110)
    return path


def plot_facts(comparisons: pd.DataFrame, by_point: pd.DataFrame, path: Path) -> Path:
    """Left: the share of the plausible space where each comparison holds. Right: the distribution of
    its relative change over the points (box: quartiles; whiskers: 5–95%), the literature's band shaded."""
    count = max(len(comparisons), 1)
    figure = Figure(figsize=(12, 1.5 + 0.42 * count), layout="constrained")
    share_axis, effect_axis = figure.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1, 2]})
    labels = [f"{row.number}. {row.metric} ({comparison_arms(row)})" for row in comparisons.itertuples()]
    y = np.arange(count)
    shares = comparisons["share_holds"].fillna(0).to_numpy() if len(comparisons) else np.zeros(0)
    share_axis.barh(y[:len(shares)], 100 * shares, color=colormaps["RdYlGn"](shares))
    share_axis.set_xlim(0, 100)
    share_axis.set_xlabel("share of the plausible space where it holds, %")
    share_axis.set_yticks(y[:len(labels)], labels, fontsize=8)
    share_axis.invert_yaxis()
    for row_index, row in enumerate(comparisons.itertuples()):
        values = 100 * by_point.loc[(by_point["fact"] == row.fact) & (by_point["comparison"] == row.comparison),
                                    "relative"].to_numpy() if not by_point.empty else np.zeros(0)
        expected = expected_range(row)
        if expected is not None:
            low, high = (100 * max(expected[0], -1.0), 100 * min(expected[1], 3.0))
            effect_axis.fill_betweenx([row_index - 0.4, row_index + 0.4], low, high, color="#e9c46a", alpha=0.5,
                                      linewidth=0)
        draw_spread(effect_axis, row_index, values)
    effect_axis.axvline(0, color="black", linewidth=0.8)
    effect_axis.set_xscale("symlog", linthresh=100)  # linear to ±100%, then logarithmic (prison can rise ×4)
    low, high = effect_axis.get_xlim()
    effect_axis.set_xticks([tick for tick in CHANGE_TICKS if low <= tick <= high])
    effect_axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:+.0f}%" if value else "0"))
    effect_axis.set_xlabel("relative change over the points, % (shaded: band or tolerance of the literature)")
    figure.suptitle("Stylized facts across the plausible parameter space", fontsize=11)
    return save(figure, path)


def comparison_arms(row: Any) -> str:
    """A comparison's arms by scenario name, to tell a fact's comparisons on one metric apart."""
    c = FACTS_BY_NAME[row.fact].comparisons[row.comparison]
    return f"{c.alternative.scenario} vs {c.reference.scenario}"


def expected_range(row: Any) -> tuple[float, float] | None:
    """The relative change the literature expects of a comparison: its band, or ± its tolerance."""
    if row.direction == "similar":
        return (-row.tolerance, row.tolerance)
    if row.band is not None and not (isinstance(row.band, float) and math.isnan(row.band)):
        return tuple(row.band)
    return None


def plot_rankings(table: pd.DataFrame, regrets: pd.DataFrame, titles: Mapping[str, str], path: Path) -> Path:
    """Top: how often each policy is the best. Bottom: its regret (box: quartiles; whiskers: 5–95%)."""
    order = (table[table["outcome"] == "combined_harm"].sort_values("regret_median")["policy"].tolist()
             if not table.empty else [])
    figure = Figure(figsize=(13, 2.5 + 0.55 * max(len(order), 1)), layout="constrained")
    axes = figure.subplots(2, len(RANKED), sharey="row")
    y = np.arange(len(order))
    for column, (outcome, unit) in enumerate(RANKED.items()):
        mine = table[table["outcome"] == outcome].set_index("policy").reindex(order)
        top, bottom = axes[0, column], axes[1, column]
        top.barh(y, 100 * mine["share_first"].fillna(0).to_numpy(), color="#264653")
        top.set_xlim(0, 100)
        top.set_title(outcome.replace("_", " ").replace("homicides", "homicides").capitalize(), fontsize=10)
        top.set_xlabel("share of futures where it is the best, %", fontsize=8)
        for row_index, policy in enumerate(order):
            mine_regret = regrets.loc[(regrets["outcome"] == outcome) & (regrets["policy"] == policy), "regret"]
            draw_spread(bottom, row_index, mine_regret.to_numpy())
        bottom.set_xlabel(f"regret: {unit} above the best", fontsize=8)
        for axis in (top, bottom):
            axis.set_yticks(y, [titles[policy] for policy in order], fontsize=8)
    for axis in axes[:, 0]:
        axis.invert_yaxis()  # the rows share their y axis: the most robust policy on top
    figure.suptitle("Which policy is best across the plausible futures, and how much choosing it can cost",
                    fontsize=11)
    return save(figure, path)


def plot_sensitivity(top: pd.DataFrame, floors: Mapping[str, float], path: Path) -> Path:
    """The ``TOP`` uncertainties per outcome: first-order index averaged over the policies (bars) with
    its range over them, and the noise floor (dashed)."""
    figure = Figure(figsize=(13, 4.5), layout="constrained")
    axes = figure.subplots(1, len(SENSITIVITY_OUTCOMES))
    for axis, (outcome, words) in zip(np.atleast_1d(axes), SENSITIVITY_OUTCOMES.items(), strict=True):
        mine = top[top["outcome"] == outcome] if not top.empty else top
        y = np.arange(len(mine))
        if len(mine):
            axis.barh(y, mine["mean"], xerr=[mine["mean"] - mine["min"], mine["max"] - mine["mean"]],
                      color="#2a9d8f", capsize=3)
            axis.set_yticks(y, mine["parameter"], fontsize=8)
            axis.invert_yaxis()
        if outcome in floors:
            axis.axvline(floors[outcome], color="#e76f51", linestyle="--", label="noise floor (dummy variables)")
            axis.legend(fontsize=7, loc="lower right")
        axis.set_title(words.capitalize(), fontsize=10)
        axis.set_xlabel("first-order index (RBD-FAST), mean over policies", fontsize=8)
    figure.suptitle("What matters: the uncertainties that move each outcome most", fontsize=11)
    return save(figure, path)


# -- the report ----------------------------------------------------------------------------------
def percent(value: float) -> str:
    """A share as a whole percentage ("—" if undefined)."""
    return "—" if not math.isfinite(value) else f"{value:.0%}"


def change(value: float) -> str:
    """A relative change as a signed percentage ("—" if undefined)."""
    return "—" if not math.isfinite(value) else f"{value:+.0%}"


def expected_text(row: Any) -> str:
    """The expected effect: direction, and the band or tolerance."""
    if row.direction == "similar":
        return f"similar (±{row.tolerance:.0%})"
    band = expected_range(row) if row.direction != "similar" else None
    if band is None:
        return row.direction
    high = "or more" if math.isinf(band[1]) else f"to {band[1]:+.0%}"
    return f"{row.direction}, {band[0]:+.0%} {high}"


def headlines(facts: pd.DataFrame, table: pd.DataFrame, top: pd.DataFrame, titles: Mapping[str, str]) -> list[str]:
    """One sentence per result, for the report's top and the README."""
    lines = []
    measured = facts.dropna(subset=["share_holds"]).sort_values("share_holds", ascending=False)
    if len(measured):
        shares = ", ".join(f"{row.title.lower()} {percent(row.share_holds)}" for row in measured.itertuples())
        lines.append(f"**Facts.** Share of the plausible parameter space in which each stylized fact holds "
                     f"(every comparison at once, one run per arm at each point): {shares}.")
    combined = table[table["outcome"] == "combined_harm"] if not table.empty else table
    if len(combined):
        best = combined.sort_values("share_first", ascending=False).iloc[0]
        robust = combined.sort_values("regret_p90").iloc[0]
        also = "has" if robust.policy == best.policy else f"{titles[robust.policy].lower()} has"
        homicides, overdoses = (table[table["outcome"] == outcome].sort_values("share_first", ascending=False).iloc[0]
                                for outcome in ("homicides", "overdoses"))
        lines.append(
            f"**Rankings.** On combined harm, {titles[best.policy].lower()} is the best policy in "
            f"{percent(best.share_first)} of the futures sampled and {also} the "
            f"smallest 90th-percentile regret ({robust.regret_p90:.2g} per 100k per year); on homicides alone "
            f"{titles[homicides.policy].lower()} is best most often ({percent(homicides.share_first)}), on overdose "
            f"deaths {titles[overdoses.policy].lower()} ({percent(overdoses.share_first)}).")
    if not top.empty:
        named = []
        for outcome, words in SENSITIVITY_OUTCOMES.items():
            mine = top[(top["outcome"] == outcome) & top["above_noise"]].head(3)
            if len(mine):
                named.append(f"{words} on " + ", ".join(f"`{name}`" for name in mine["parameter"]))
        if named:
            lines.append("**What matters.** Across the policies, " + "; ".join(named)
                         + " matter most (largest first-order indices above the noise floor).")
    return lines


def write_report(doc: Path, figures: Mapping[str, Path], study: Study, args: argparse.Namespace, compute: Compute,
                 minutes: float, design: pd.DataFrame, facts: pd.DataFrame, comparisons: pd.DataFrame,
                 table: pd.DataFrame, top: pd.DataFrame, floors: Mapping[str, float], notes: Sequence[str],
                 titles: Mapping[str, str], failed: pd.DataFrame, out: Path) -> Path:
    """docs/robustness.md: the design, the compute, the three results, and how to rerun it."""
    link = {name: os.path.relpath(path, doc.parent) for name, path in figures.items()}
    lines = [
        "# Robustness: do the conclusions survive what nobody knows?", "",
        f"Generated by `make robustness` (experiments/robustness.py) on {date.today():%Y-%m-%d} with marketsim "
        f"{ms.__version__} from model sources `{source_digest()}`. Do not edit by hand: rerun the script. The works "
        "cited are listed in full in [references.md](references.md).", "",
        "Every parameter that rests on an assumption or a calibration declares a plausible range "
        "(`marketsim params --uncertain`). This report samples all of them at once and asks three questions: "
        "do the stylized facts of [validation.md](validation.md) still hold, which policy is best and how much "
        "can choosing it cost, and which uncertainties matter most.", "",
        "## Headlines", "", *[f"- {line}" for line in headlines(facts, table, top, titles)], "",
        "## The design", "",
        f"- **Uncertainties:** {len(study.uncertainties)} parameters, each over its plausible range. Levers "
        f"(the parameters whose declared role is lever: {describe_levers()}) are compared, not sampled; the "
        "uncertainties an arm under comparison sets are "
        "held at the arm's values (or the defaults), because sampling them would undo the comparison: "
        + ", ".join(f"`{path}` (set by {arm})" for path, arm in sorted(study.held.items())) + ". Shares of one "
        "whole (the starting prison population's composition) are scaled down where they add up to more than 1, "
        "as the model itself normalises them.",
        f"- **Sample:** a Latin hypercube (McKay, Beckman & Conover 1979) of {len(design)} points, seed "
        f"{args.design_seed} (`scipy.stats.qmc`, as in `marketsim.sweep`).",
        f"- **Runs:** at each point, every arm of the facts compared and every policy preset, "
        f"{plural(args.seeds, 'paired seed')} (the same seeds for all arms and points), {args.steps} weeks, the "
        f"first {args.burn_in} left out of the means: {len(study.arms)} runs per point and seed. The runs of the "
        "kingpin event study's two arms (the baseline, and the baseline with one staged leader removal) also "
        "collect homicides by place and the places of the removal.",
        f"- **Compute:** {compute.runs:,} runs, {compute.core_hours:.3g} core-hours of simulation "
        f"(processor time of the runs), {minutes:.1f} minutes of wall-clock time for the invocation that wrote "
        f"this report ({compute.ran:,} runs made, {compute.runs - compute.ran:,} reused from the store, "
        f"{compute.failed} failed) on {compute.backend}.",
        "", "## 1. Do the stylized facts hold across the plausible space?", "",
        f"At each point, a comparison **holds** when at least {MIN_AGREEMENT:.0%} of the point's seed pairs show "
        "the expected direction (for *similar*: lie within the tolerance) and the mean relative change lies in "
        "the literature's band where one is given — the rules of `validation.ComparisonResult` that a point's "
        "few seeds can apply. The confidence-interval rule needs more seeds than a point has: it is applied "
        "to the pairs of all points together (column *over the whole space*: does the comparison hold on "
        "average over the plausible space, by the full rules?). A fact holds at a point when all its "
        f"comparisons do. With {plural(args.seeds, 'seed')} per point, a point's verdict includes run-to-run "
        "noise: where an effect is small against that noise, the share is pulled toward a coin toss.", "",
        f"Where a fact fails, a PRIM box (Friedman & Fisher 1999; Bryant & Lempert 2010) describes the region: "
        f"the search is limited to the {PRIM_CANDIDATES} uncertainties extra-trees feature scoring ranks highest "
        f"(Geurts, Ernst & Wehenkel 2006), the box is the widest one in which at least {PRIM_DENSITY:.0%} of the "
        f"points fail, and only restrictions with a quasi-p value of at most {PRIM_MAX_QP} are kept.", "",
        f"![The facts across the plausible space]({link['facts']})", "",
        "| # | fact | points | holds in | where it fails (PRIM) |", "|---|---|---|---|---|",
    ]
    for row in facts.itertuples():
        lines.append(f"| {row.number} | {row.title} | {row.points} | {percent(row.share_holds)} | {row.region} |")
    lines += ["", "Each comparison:", "",
              "| # | metric | alternative vs reference | expected | holds in | change: median (5%–95%) "
              "| over the whole space |", "|---|---|---|---|---|---|---|"]
    for row in comparisons.itertuples():
        c = FACTS_BY_NAME[row.fact].comparisons[row.comparison]
        reference = c.reference.label + (f" ({c.reference_metric})" if c.reference_metric else "")
        verdict = "holds" if row.pooled_holds else "**does not hold**"
        lines.append(f"| {row.number} | `{row.metric}` | {c.alternative.label} vs {reference} | {expected_text(row)} "
                     f"| {percent(row.share_holds)} | {change(row.relative_q50)} ({change(row.relative_q05)} to "
                     f"{change(row.relative_q95)}) | {change(row.pooled_relative)} ({change(row.pooled_low)} to "
                     f"{change(row.pooled_high)}): {verdict} |")
    combined_weight = SPECS[INFECTION_WEIGHT]
    lines += [
        "", "## 2. Which policy is best, and what can choosing it cost?", "",
        f"Ranked: {', '.join(titles[name] for name in study.policies)} — the presets at the baseline's police "
        "budget. " + " ".join(f"Left out: {name} — {reason}." for name, reason in study.excluded.items()), "",
        "Outcomes, lower is better, each per 100,000 residents per year: homicides (`homicide_rate`), overdose "
        "deaths, and a **combined harm index** = homicides + overdose deaths + *w* × new infections, where *w* "
        f"is `{INFECTION_WEIGHT}` ({first_sentence(combined_weight.help).lower()[:-1]}; "
        f"{combined_weight.source}), itself sampled over its plausible range "
        f"[{combined_weight.plausible[0]:g}, {combined_weight.plausible[1]:g}] death-equivalents. The weight "
        "is an assumption: a death counts 1, an infection a fraction of a death. Counts become rates with each "
        "run's own population.", "",
        "A policy's **regret** at a point is how much worse it does than the best policy there (Lempert, Popper "
        "& Bankes 2003): a policy with small regret everywhere is robust even when it is rarely the very best. "
        f"With {plural(args.seeds, 'seed')} per point, policies whose outcomes differ by less than the "
        "run-to-run noise share the first place by chance.", "",
        f"![Rankings and regret]({link['rankings']})", "",
        "| policy | best on homicides | best on overdose deaths | best on combined harm | combined harm: median "
        "| regret: median | 90th percentile | largest |", "|---|---|---|---|---|---|---|---|"]
    if not table.empty:
        wide = table.set_index(["policy", "outcome"])
        order = table[table["outcome"] == "combined_harm"].sort_values("regret_median")["policy"]
        for policy in order:
            first = {outcome: percent(wide.loc[(policy, outcome), "share_first"]) for outcome in RANKED}
            harm = wide.loc[(policy, "combined_harm")]
            lines.append(f"| {titles[policy]} | {first['homicides']} | {first['overdoses']} | {first['combined_harm']} "
                         f"| {harm['median']:.3g} | {harm['regret_median']:.3g} | {harm['regret_p90']:.3g} "
                         f"| {harm['regret_max']:.3g} |")
    lines += [
        "", "## 3. What matters most?", "",
        "First-order sensitivity indices by RBD-FAST (Tarantola, Gatelli & Mara 2006; Tissot & Prieur 2012; SALib: "
        "Herman & Usher 2017) on the Latin-hypercube sample, for each outcome and policy preset: the share of the "
        "outcome's variance over the plausible space that each uncertainty explains alone. Shown: the "
        f"{TOP} largest averaged over the policies, with the smallest and largest over them. The noise floor is "
        f"the largest index of {DUMMIES} dummy variables sampled with the design but read by no model "
        "(Khorashadi Zadeh et al. 2017): an index below it says nothing.", "",
        f"![What matters]({link['sensitivity']})", ""]
    for outcome, words in SENSITIVITY_OUTCOMES.items():
        mine = top[top["outcome"] == outcome] if not top.empty else top
        if mine.empty:
            continue
        lines += [f"**{words.capitalize()}** (noise floor {floors.get(outcome, math.nan):.3f}):", "",
                  "| | uncertainty | parameter | index: mean (range over policies) |", "|---|---|---|---|"]
        for rank, row in enumerate(mine.itertuples(), start=1):
            flag = "" if row.above_noise else " — below the noise floor"
            lines.append(f"| {rank} | {row.words} | `{row.parameter}` | {row.mean:.3f} ({row.min:.3f}–{row.max:.3f})"
                         f"{flag} |")
        lines.append("")
    if notes:
        lines += ["Not computed:", "", *[f"- {note}" for note in dict.fromkeys(notes)], ""]
    if not failed.empty:
        lines += ["## Runs that failed", "",
                  "These runs raised an error; the comparisons and rankings that need them leave their point out. "
                  "The point's parameter values are in `failures.csv` among the tables, to reproduce the error.", "",
                  "| arm | point | seed | error |", "|---|---|---|---|"]
        lines += [f"| {row.arm} | {row.point} | {row.seed} | `{row.error}` |" for row in failed.itertuples()]
        lines.append("")
    lines += [
        "## Rerunning it", "",
        f"- **This report:** `{command_line(args)}`; `make robustness` runs the default design ({POINTS} points, "
        f"{plural(SEEDS, 'seed')}, {STEPS} weeks) on every local core: about "
        f"{plural(round(design_minutes(POINTS, compute)), 'minute')} on {LAPTOP_CORES} cores at this report's "
        "speed. Runs are stored under "
        f"`{out}/<model sources>/<design>/`, one sweep directory per arm; a finished run is never run again, so an "
        "interrupted analysis resumes where it stopped, and a change to the model, its parameters or the design "
        "starts a fresh folder.",
        f"- **On a laptop:** `python experiments/robustness.py --points {LAPTOP_POINTS}` takes about "
        f"{plural(round(design_minutes(LAPTOP_POINTS, compute)), 'minute')} on {LAPTOP_CORES} cores at this report's "
        f"{1000 * compute.seconds_per_week:.2g} ms of processor time per simulated week; the share of a fact or a "
        "ranking then has a "
        f"standard error of up to {math.sqrt(0.25 / LAPTOP_POINTS):.0%} (a binomial share's, at one half), and "
        "PRIM boxes and RBD-FAST indices (which "
        f"need at least {RBD_FAST_MIN_POINTS} points) become rough. `--facts kingpin,trust` and "
        "`--policies baseline,kingpin` restrict what is run.",
        "- **On a Dask cluster:** start a scheduler and workers with marketsim installed, then "
        "`python experiments/robustness.py --scheduler tcp://HOST:8786 --points 1000 --seeds 3`. Runs execute on "
        "the cluster's workers through the sweep engine's Dask backend and are stored here as they finish.",
        f"- Tables of every number above are written to `{out}/<model sources>/<design>/results/`.", ""]
    with analysis.atomic_path(doc) as temporary:
        temporary.write_text("\n".join(lines), encoding="utf-8")
    return doc


def design_minutes(points: int, compute: Compute) -> float:
    """Minutes a design of ``points`` points (every fact and policy, the default seeds and weeks)
    takes on ``LAPTOP_CORES`` cores at the measured processor time per simulated week."""
    full = make_study(None, None)
    runs = points * SEEDS * len(full.arms)
    return runs * STEPS * compute.seconds_per_week / LAPTOP_CORES / 60


def command_line(args: argparse.Namespace) -> str:
    """The command that reproduces a report: the script with every option that differs from its default."""
    defaults = vars(parse_args([]))
    words = ["python experiments/robustness.py"]
    for name, value in vars(args).items():
        if value != defaults[name]:
            shown = ",".join(value) if isinstance(value, list) else value
            words.append(f"--{name.replace('_', '-')} {shown}")
    return " ".join(words)


# -- the command line ------------------------------------------------------------------------------
def names_list(text: str) -> list[str]:
    """A comma-separated list of names."""
    return [name.strip() for name in text.split(",") if name.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options, each checked before anything runs (problems exit with status 2)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=POINTS, help=f"Latin-hypercube points (default {POINTS})")
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"paired seeds per point (default {SEEDS})")
    parser.add_argument("--steps", type=int, default=STEPS, help=f"weeks per run (default {STEPS})")
    parser.add_argument("--burn-in", type=int, default=BURN_IN,
                        help=f"weeks at the start of each run left out of the means (default {BURN_IN})")
    parser.add_argument("--design-seed", type=int, default=DESIGN_SEED,
                        help=f"seed of the Latin hypercube (default {DESIGN_SEED})")
    parser.add_argument("--facts", type=names_list, default=None,
                        help="comma-separated facts to test (default: all), e.g. kingpin,trust")
    parser.add_argument("--policies", type=names_list, default=None,
                        help="comma-separated presets to rank (default: every preset at the baseline's budget)")
    parser.add_argument("--workers", type=int, default=None, help="local worker processes (default: every core)")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler's address, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where runs and tables are stored (default {OUT})")
    parser.add_argument("--doc", type=Path, default=DOC, help="the report to write (default docs/robustness.md)")
    parser.add_argument("--figures", type=Path, default=FIGURES,
                        help="folder of the report's figures (default docs/figures/robustness)")
    args = parser.parse_args(argv)
    problems = []
    for name, minimum in (("points", 2), ("seeds", 1), ("steps", 1)):
        value = getattr(args, name)
        if value < minimum:
            problems.append(f"--{name} = {value}: allowed a whole number ≥ {minimum}")
    problems.extend(burn_in_problems(args.burn_in, args.steps, ("--burn-in", "--steps")))
    if args.design_seed < 0:
        problems.append(f"--design-seed = {args.design_seed}: allowed a whole number ≥ 0")
    problems.extend(f"--{problem}" for problem in workers_problems(args.workers))
    if args.scheduler and args.workers is not None:
        problems.append("--workers applies to local processes; a Dask cluster has its own workers (drop --workers)")
    for option, path in (("--out", args.out), ("--doc", args.doc.parent), ("--figures", args.figures)):
        problems.extend(f"{option}: {problem}" for problem in analysis.directory_problems(path))
    try:
        study = make_study(args.facts, args.policies)
    except ScenarioError as error:
        problems.extend(error.problems)
    else:
        if study.event_arms and args.steps < EVENT_STUDY_STEPS:
            problems.append(f"--steps = {args.steps}: the kingpin event study stages a leader removal in week "
                            f"{KINGPIN_WEEK} and counts the year after it: allowed ≥ {EVENT_STUDY_STEPS} (or leave "
                            "the kingpin fact out with --facts)")
    if problems:
        fail(problems)
    return args


def fail(problems: Iterable[str]) -> None:
    """Print every problem on stderr, one per line, and exit with status 2."""
    for problem in dict.fromkeys(problems):
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(2)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the analysis (resuming any stored runs) and write the report."""
    started = time.perf_counter()
    args = parse_args(argv)
    try:
        study = make_study(args.facts, args.policies)
        design = latin_hypercube(study.uncertainties, args.points, args.design_seed)
        root = args.out / source_digest() / (f"lhs{args.points}-seed{args.design_seed}-seeds{args.seeds}-"
                                             f"weeks{args.steps}-burn{args.burn_in}")
        print(f"Robustness: {len(study.uncertainties)} uncertainties, {args.points} points × "
              f"{plural(args.seeds, 'seed')}; {plural(len(study.facts), 'fact')}, "
              f"{plural(len(study.policies), 'policy', 'policies')}; "
              f"runs in {root}", file=sys.stderr)
        units = plan_arms(study.arms, design, args.seeds, args.steps, args.burn_in, root, study.event_arms)
        compute = execute(units, args.workers or (None if args.scheduler else available_cores()), args.scheduler,
                          "robustness")
    except (ScenarioError, SweepError) as error:
        fail(error.problems)
    print("Analysing: facts, PRIM boxes, rankings, sensitivity indices …", file=sys.stderr)
    means = metric_means(units, study, args.burn_in)
    by_point, pooled = measure_facts(study, means, event_tables(units), args.points, args.seeds, args.burn_in)
    comparisons, facts = fact_tables(study, by_point, pooled, design)
    titles = {name: load_scenario(name).title for name in study.policies}
    outcomes = policy_outcomes(means[args.burn_in], study.policies, design)
    table, regrets = rankings(outcomes, study.policies)
    indices, notes = sensitivity(study, means[args.burn_in], design, dummy_design(args.points, args.design_seed),
                                 args.design_seed)
    top, floors = top_uncertainties(indices)
    failed = failures(units, design)
    results = root / "results"
    for name, frame in (("facts", facts), ("comparisons", comparisons), ("facts_by_point", by_point),
                        ("policy_outcomes", outcomes), ("rankings", table), ("regret", regrets),
                        ("sensitivity", indices), ("top_uncertainties", top), ("design", design),
                        ("failures", failed)):
        analysis.write_table(frame, results / f"{name}.csv")
    figures = {"facts": plot_facts(comparisons, by_point, args.figures / "facts.png"),
               "rankings": plot_rankings(table, regrets, titles, args.figures / "rankings.png"),
               "sensitivity": plot_sensitivity(top, floors, args.figures / "sensitivity.png")}
    minutes = (time.perf_counter() - started) / 60
    doc = write_report(args.doc, figures, study, args, compute, minutes, design, facts, comparisons, table, top,
                       floors, notes, titles, failed, args.out)
    print(f"wrote {doc}, its figures in {args.figures} and the tables in {results} ({minutes:.1f} minutes, "
          f"{compute.core_hours:.3g} core-hours)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
