"""Which policy is best across a sample of parameter sets, and what can choosing it cost?

The policy presets at the baseline's police budget are run at each point of a sample — the plausible
space in the robustness analysis (docs/robustness.md), the prior and the posterior in the calibration
(docs/calibration.md) — and ranked on homicides, overdose deaths and a combined harm index per
100,000 residents per year (lower is better). A policy's **regret** at a point is how much worse it
does there than the best policy (Lempert, Popper & Bankes 2003).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from marketsim.config.params import SPECS
from marketsim.config.scenario import Scenario, load_scenario, preset_names
from marketsim.sim.common import WEEKS_PER_YEAR

RANKED = {"homicides": "homicides per 100k per year", "overdoses": "overdose deaths per 100k per year",
          "combined_harm": "combined harm per 100k per year"}
"""The outcomes policies are ranked on (lower is better), with their units."""
INFECTION_WEIGHT = "harm.weight_infection"
"""The combined harm index weighs each new infection by this parameter, at each point its sampled value."""
NEEDED = ("homicide_rate", "overdose_deaths", "new_infections", "prison_population", "prison_rate")
"""The weekly metrics the ranked outcomes are computed from."""


def policy_presets() -> tuple[list[str], dict[str, str]]:
    """The presets ranked against each other — those at the baseline's police budget that change a
    policy lever, and the baseline itself — and the others with why they are left out."""
    baseline = load_scenario("baseline")
    budget = baseline.get("police.budget")
    ranked, excluded = [], {}
    for name in preset_names():
        scenario = load_scenario(name)
        if scenario.get("police.budget") != budget:
            excluded[name] = (f"its police budget ({scenario.get('police.budget'):,.0f} USD/week) differs from the "
                              f"baseline's ({budget:,.0f})")
        elif name != "baseline" and not any(SPECS[path].role == "lever" for path in changed_paths(scenario)):
            events = scenario.timeline.events
            if events:
                excluded[name] = ("it stages one-off events ("
                                  + ", ".join(f"{shock.kind} in week {shock.week}" for shock in events)
                                  + "), not a standing policy")
            else:
                excluded[name] = ("it changes no policy lever, only market conditions ("
                                  + ", ".join(f"`{path}`" for path in scenario.overrides) + ")")
        else:
            ranked.append(name)
    return ranked, excluded


def changed_paths(scenario: Scenario) -> list[str]:
    """The parameters a scenario sets: its overrides and those its schedule changes from a week on."""
    return [*scenario.overrides, *(path for change in scenario.timeline.schedule for path in change.values)]


def policy_outcomes(means: pd.DataFrame, policies: Sequence[str], design: pd.DataFrame) -> pd.DataFrame:
    """Per point and policy (mean over seeds): homicides, overdose deaths and the combined harm index,
    each per 100,000 residents per year.

    Args:
        means: each run's metric means (at least :data:`NEEDED`), indexed by ``(point, arm, seed)``,
            the arm being the policy's name.
        policies: the policies ranked; a point is kept only if every one of them ran there.
        design: the sampled parameters by point (for ``harm.weight_infection`` where it is sampled).

    Weekly counts become yearly rates per 100k with each run's own population (its prison population
    over its prison rate per 100k). Combined harm = homicides + overdose deaths + w × new infections,
    w being ``harm.weight_infection`` at the point (its default where it is not sampled).
    """
    rows = means[means.index.get_level_values("arm").isin(policies)].reset_index()
    if rows.empty:
        return pd.DataFrame(columns=["point", "policy", *RANKED])
    per_100k_year = WEEKS_PER_YEAR * rows["prison_rate"] / rows["prison_population"]
    weight = design[INFECTION_WEIGHT].to_numpy()[rows["point"]] if INFECTION_WEIGHT in design \
        else SPECS[INFECTION_WEIGHT].default
    rows["homicides"] = rows["homicide_rate"]
    rows["overdoses"] = rows["overdose_deaths"] * per_100k_year
    rows["combined_harm"] = rows["homicides"] + rows["overdoses"] + weight * rows["new_infections"] * per_100k_year
    outcomes = rows.groupby(["point", "arm"])[list(RANKED)].mean().reset_index().rename(columns={"arm": "policy"})
    complete = outcomes.groupby("point")["policy"].transform("size") == len(policies)
    return outcomes[complete].reset_index(drop=True)


def rankings(outcomes: pd.DataFrame, policies: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per policy and outcome: the share of points where it ranks first (ties share the point) and its
    regret — its loss against the best policy at each point (Lempert, Popper & Bankes 2003) — as
    median, 90th percentile and maximum. Also returns each point's regrets."""
    rows, regrets = [], []
    for outcome in RANKED:
        best = outcomes.groupby("point")[outcome].transform("min")
        first = outcomes[outcome] == best
        ties = first.groupby(outcomes["point"]).transform("sum")
        regret = outcomes[outcome] - best
        regrets.append(outcomes[["point", "policy"]].assign(outcome=outcome, regret=regret))
        for policy in policies:
            mine = outcomes["policy"] == policy
            values = regret[mine]
            rows.append({"policy": policy, "outcome": outcome, "points": int(mine.sum()),
                         "share_first": float((first[mine] / ties[mine]).sum() / mine.sum()) if mine.any()
                         else math.nan,
                         "median": float(outcomes.loc[mine, outcome].median()),
                         "regret_median": float(values.median()), "regret_p90": float(values.quantile(0.9)),
                         "regret_max": float(values.max())})
    return pd.DataFrame(rows), pd.concat(regrets, ignore_index=True)


def draw_spread(axis: Any, y: float, values: np.ndarray, colour: str = "#a8dadc", height: float = 0.6) -> None:
    """A horizontal box of the values at height ``y``: quartiles, median, and 5–95% whiskers."""
    if not len(values):
        return
    low, q1, median, q3, high = np.quantile(values, (0.05, 0.25, 0.5, 0.75, 0.95))
    axis.hlines(y, low, high, color="#555555", linewidth=1)
    axis.barh(y, q3 - q1, left=q1, height=height, color=colour, edgecolor="#1d3557")
    axis.vlines(median, y - height / 2, y + height / 2, color="black", linewidth=1.5)
