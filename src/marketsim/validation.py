"""The eleven stylized facts the model must reproduce, as data, and their paired-seed tests.

Each fact is a set of comparisons between two scenarios run with the same seeds at the same
police budget. A comparison names a metric (averaged over the weeks after a burn-in) and the
direction the literature reports. It holds when the paired difference has that sign in at
least ``MIN_AGREEMENT`` of the seed pairs and its 95% confidence interval excludes zero; a
"similar" comparison holds when the whole interval of the relative change lies within its
tolerance, and a "not_higher" one when its upper end does not exceed the tolerance. The
behaviour tests, the experiment scripts and docs/validation.md all read these definitions, so
the claims, the checks and the report cannot drift apart.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from marketsim import analysis
from marketsim.config.scenario import load_scenario
from marketsim.outputs import METRICS
from marketsim.runs import BURN_IN, ProgressOption, check_burn_in, run_batch

MIN_AGREEMENT = 0.8
"""Share of seed pairs that must show the expected direction."""
STEPS = 520

Overrides = tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Arm:
    """One side of a comparison: a scenario and optional overrides."""

    scenario: str
    overrides: Overrides = ()

    @property
    def label(self) -> str:
        """Readable name, e.g. ``baseline`` or ``baseline [trafficking.border_markup=3.0]``."""
        extra = ", ".join(f"{k}={v}" for k, v in self.overrides)
        return f"{self.scenario} [{extra}]" if extra else self.scenario


@dataclass(frozen=True)
class Comparison:
    """Expected effect of ``alternative`` relative to ``reference`` on one metric."""

    metric: str
    reference: Arm
    alternative: Arm
    direction: Literal["higher", "lower", "similar", "not_higher"]
    tolerance: float = 0.0  # for "similar" and "not_higher": largest relative change allowed (CI bound)


@dataclass(frozen=True)
class Fact:
    """A stylized fact: what the literature reports, and the comparisons that test it."""

    name: str
    number: int
    title: str
    expected: str
    source: str
    comparisons: tuple[Comparison, ...]


BASELINE = Arm("baseline")


def _vs_baseline(scenario: str | Arm, *checks: tuple[str, str] | tuple[str, str, float],
                 reference: Arm = BASELINE) -> tuple[Comparison, ...]:
    arm = scenario if isinstance(scenario, Arm) else Arm(scenario)
    return tuple(Comparison(c[0], reference, arm, c[1], *(c[2:])) for c in checks)  # type: ignore[arg-type]


HEGEMON = Arm("baseline", (("trafficking.organisations", 1), ("trafficking.span_of_control", 1000),
                           ("trafficking.entry_rate", 0.0)))
RIVALS = Arm("baseline", (("trafficking.span_of_control", 1000), ("trafficking.entry_rate", 0.0)))

FACTS: tuple[Fact, ...] = (
    Fact("balloon_effect", 1, "Balloon effect",
         "eradication in one region lowers its share of production; production moves to the other "
         "regions; total supply mostly recovers",
         "Chatham House 2012 (the balloon effect); MDLE seminar 2014 (coca displaced from Colombia to Peru and "
         "Bolivia)",
         _vs_baseline("eradication", ("production_share_region_1", "lower"),
                      ("production_share_region_2", "higher"), ("production_kg", "similar", 0.25))),
    Fact("zero_tolerance", 2, "Zero tolerance",
         "prison population rises several-fold, consumption does not fall durably, homicides rise "
         "(more with militarisation)",
         "MDLE seminar 2013 (Ciudad Juárez: incarcerations ×10 while homicides rose); IDPC 2016 Module 7 "
         "(Mexico: homicide rate almost tripled); Werb et al. 2011",
         (*_vs_baseline("zero_tolerance", ("prison_population", "higher"), ("consumption_kg", "similar", 0.15),
                        ("homicide_rate", "higher")),
          Comparison("homicide_rate", Arm("zero_tolerance"), Arm("militarised_crackdown"), "higher"))),
    Fact("focused_deterrence", 3, "Focused deterrence",
         "fewer homicides than the baseline and than zero tolerance at the same budget; open-air trade "
         "moves indoors",
         "Braga et al. 2001 (Boston −63% youth homicides); Braga, Weisburd & Turchan 2018 (−20 to −25%); "
         "MDLE seminar 2013 (High Point)",
         (*_vs_baseline("focused_deterrence", ("homicide_rate", "lower"), ("open_air_share", "lower")),
          Comparison("homicide_rate", Arm("zero_tolerance"), Arm("focused_deterrence"), "lower"))),
    Fact("kingpin", 4, "Kingpin strategy",
         "leader removals fragment organisations (more active groups) and raise homicides, with "
         "spill-over to neighbouring places",
         "Calderón et al. 2015 (+35% within 6 months); Lindo & Padilla-Romo 2018 (+80%, +30% in "
         "neighbouring municipalities); Phillips 2015",
         _vs_baseline("kingpin", ("active_orgs", "higher"), ("homicide_rate", "higher"),
                      ("spillover_homicides", "higher"))),
    Fact("hegemony_collusion", 5, "Hegemony and collusion",
         "a dominant organisation, or police collusion with one, means less violence but more corruption",
         "IDPC 2016 Module 7 (Japan's Yakuza; the balance of power); Snyder & Durán-Martínez 2009 (PRI-era Mexico)",
         (Comparison("homicide_rate", RIVALS, HEGEMON, "lower"),
          *_vs_baseline("collusion", ("homicide_rate", "lower"), ("corruption", "higher")))),
    Fact("profits_chain", 6, "Profits and chain length",
         "higher profits and longer chains bring more violence (here: a market worth 50% more at the same "
         "prices and number of users raises drug-market homicides; six transit towns per corridor instead "
         "of one raise armed contests between organisations — the effect on homicides is positive but "
         "within the noise of different world layouts)",
         "Chatham House 2012 (the hourglass); IDPC 2016 Module 7 (longer chains, higher profits, more violence); "
         "Castillo, Mejía & Restrepo 2020",
         (*_vs_baseline(Arm("baseline", (("demand.grams_occasional", 0.225), ("demand.grams_dependent", 1.5))),
                        ("drug_market_homicides", "higher")),
          Comparison("territorial_contests", Arm("baseline", (("world.towns_per_route", 1),)),
                     Arm("baseline", (("world.towns_per_route", 6),)), "higher"))),
    Fact("harm_reduction", 7, "Harm reduction",
         "fewer overdose deaths and infections, without more use",
         "MDLE seminar 2013; WHO 2004; Aspinall et al. 2014",
         _vs_baseline("harm_reduction", ("overdose_deaths", "lower"), ("new_infections", "lower"),
                      ("users", "not_higher", 0.05))),
    Fact("alternatives", 8, "Alternatives to incarceration",
         "a much smaller prison population and less recidivism, without more violence",
         "IDPC 2016 Module 7; Pew 2011; Cullen, Jonson & Nagin 2011",
         _vs_baseline("alternatives_to_incarceration", ("prison_population", "lower"),
                      ("recidivism_3y", "lower"), ("violent_incidents", "not_higher", 0.15))),
    Fact("replacement", 9, "Replacement of retail dealers",
         "arresting retail dealers barely dents supply: arrested sellers are replaced within weeks",
         "CICAD side event 2014 (low-level sellers 'can easily be replaced'); Prieto-Curiel et al. 2023",
         _vs_baseline(Arm("baseline", (("policy.street_share", 0.6), ("policy.interdiction_share", 0.0),
                                       ("policy.investigation_share", 0.0))),
                      ("arrests_dealers", "higher"), ("consumption_kg", "similar", 0.15),
                      ("dealers", "similar", 0.15))),
    Fact("online_trade", 10, "Online trade",
         "a larger online share means less retail violence",
         "IDPC 2016 Module 7 (online sales may create less violence); MDLE seminar 2014 (the dark net)",
         _vs_baseline("online_market", ("street_disputes", "lower"), ("violent_incidents", "lower"))),
    Fact("trust", 11, "Trust",
         "community policing raises trust and reporting and lowers violence",
         "MDLE seminar 2014 (Rio's pacification units); Sampson, Raudenbush & Earls 1997",
         _vs_baseline("community_policing", ("trust", "higher"), ("reporting", "higher"),
                      ("violent_incidents", "lower"))),
)
FACTS_BY_NAME = {fact.name: fact for fact in FACTS}


@dataclass
class ComparisonResult:
    """Measured effect of one comparison over paired seeds."""

    comparison: Comparison
    reference: np.ndarray
    alternative: np.ndarray
    differences: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.differences = self.alternative - self.reference

    @property
    def mean(self) -> tuple[float, float, float]:
        """Mean paired difference with its 95% CI."""
        return analysis.mean_ci(self.differences)

    @property
    def relative(self) -> tuple[float, float, float]:
        """Mean paired difference and CI relative to the reference mean."""
        base = abs(float(np.mean(self.reference))) or 1.0
        mean, low, high = self.mean
        return mean / base, low / base, high / base

    @property
    def agreement(self) -> float:
        """Share of pairs showing the expected direction (for 'similar': within tolerance)."""
        c = self.comparison
        base = np.where(self.reference != 0, np.abs(self.reference), 1.0)
        if c.direction == "similar":
            return float(np.mean(np.abs(self.differences) / base <= c.tolerance))
        if c.direction == "not_higher":
            return float(np.mean(self.differences / base <= c.tolerance))
        sign = 1 if c.direction == "higher" else -1
        return float(np.mean(sign * self.differences > 0))

    @property
    def holds(self) -> bool:
        """Whether the comparison reproduces the expected effect (see the module docstring)."""
        c = self.comparison
        if c.direction in ("similar", "not_higher"):
            _, low, high = self.relative
            return high <= c.tolerance and (c.direction == "not_higher" or -c.tolerance <= low)
        _, low, high = self.mean
        excludes_zero = low > 0 if c.direction == "higher" else high < 0
        return self.agreement >= MIN_AGREEMENT and excludes_zero

    def describe(self) -> str:
        """One line: metric, direction, measured change and verdict."""
        c = self.comparison
        rel, low, high = self.relative
        return (f"{c.metric} ({c.alternative.label} vs {c.reference.label}): expected {c.direction}; "
                f"{rel:+.1%} (95% CI {low:+.1%} to {high:+.1%}), {self.agreement:.0%} of pairs agree — "
                f"{'holds' if self.holds else 'FAILS'}")


def arm_summaries(arms: Iterable[Arm], seeds: int | list[int] = 10, steps: int = STEPS,
                  burn_in: int = BURN_IN, workers: int | None = 2,
                  progress: ProgressOption = False) -> pd.DataFrame:
    """Run each arm once over the same paired seeds and summarise it.

    Args:
        arms: the arms (repeats are run once).
        seeds: a count of paired seeds, or the seeds.
        steps: weeks per run.
        burn_in: weeks at the start of each run left out of the means.
        workers: processes running the simulations.
        progress: see ``marketsim.runs.ProgressOption``.

    Returns:
        One row per arm and seed: ``scenario`` (the arm's label), ``seed`` and each metric's
        mean over the weeks after the burn-in.
    """
    check_burn_in(burn_in, steps)
    scenarios = [replace(load_scenario(arm.scenario, dict(arm.overrides)), name=arm.label)
                 for arm in sorted(set(arms), key=lambda arm: arm.label)]
    runs = run_batch(scenarios, seeds, steps, workers=workers, progress=progress)
    return analysis.summarise_runs(runs, burn_in)


def compare_arms(facts: Iterable[Fact], summary: pd.DataFrame) -> dict[str, list[ComparisonResult]]:
    """Each fact's comparisons measured on arm summaries (:func:`arm_summaries`), paired by seed."""
    by_arm = summary.set_index(["scenario", "seed"]).sort_index()

    def values(arm: Arm, metric: str) -> np.ndarray:
        return by_arm.loc[arm.label, metric].to_numpy(dtype=float)

    return {fact.name: [ComparisonResult(c, values(c.reference, c.metric), values(c.alternative, c.metric))
                        for c in fact.comparisons] for fact in facts}


def fact_arms(facts: Iterable[Fact]) -> set[Arm]:
    """Every arm the facts' comparisons need."""
    return {arm for fact in facts for c in fact.comparisons for arm in (c.reference, c.alternative)}


def evaluate(facts: Iterable[Fact], seeds: int | list[int] = 10, steps: int = STEPS, burn_in: int = BURN_IN,
             workers: int | None = 2, progress: ProgressOption = False) -> dict[str, list[ComparisonResult]]:
    """Run every arm the facts need over the same paired seeds (each arm once) and compare.

    Takes the arguments of :func:`arm_summaries`; returns each fact's results by fact name.
    """
    facts = list(facts)
    return compare_arms(facts, arm_summaries(fact_arms(facts), seeds, steps, burn_in, workers, progress))


def results_table(results: dict[str, list[ComparisonResult]]) -> pd.DataFrame:
    """One row per comparison: fact, metric, arms, expected direction, measured change, verdict."""
    rows = []
    for name, comparisons in results.items():
        fact = FACTS_BY_NAME[name]
        for r in comparisons:
            c = r.comparison
            mean, low, high = r.mean
            rel, rel_low, rel_high = r.relative
            rows.append({
                "fact": fact.number, "name": fact.title, "metric": c.metric,
                "unit": METRICS[c.metric].unit if c.metric in METRICS else "share",
                "reference": c.reference.label, "alternative": c.alternative.label, "expected": c.direction,
                "reference_mean": float(np.mean(r.reference)), "difference": mean, "ci_low": low, "ci_high": high,
                "relative": rel, "relative_low": rel_low, "relative_high": rel_high,
                "agreement": r.agreement, "seeds": len(r.differences), "holds": r.holds,
            })
    return pd.DataFrame(rows)


def plot_fact(fact: Fact, results: list[ComparisonResult], path: Path) -> Path:
    """Bar chart of each comparison's relative change with its 95% CI, coloured by verdict."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, rel, err_low, err_high, colours = [], [], [], [], []
    for r in results:
        c = r.comparison
        mean, low, high = r.relative
        labels.append(f"{c.metric}\n{c.alternative.label}\nvs {c.reference.label}")
        rel.append(100 * mean)
        err_low.append(100 * (mean - low))
        err_high.append(100 * (high - mean))
        colours.append("#2a9d8f" if r.holds else "#e76f51")
    fig, ax = plt.subplots(figsize=(8, 1.2 + 1.1 * len(results)), layout="constrained")
    y = np.arange(len(results))
    ax.barh(y, rel, xerr=[err_low, err_high], color=colours, capsize=4)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("change from the reference, % (mean of paired seeds, 95% CI)")
    ax.set_title(f"Fact {fact.number}: {fact.title} — {len(results[0].differences)} paired seeds", fontsize=10)
    with analysis.atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
    return path


def main(fact_name: str | None = None, argv: list[str] | None = None) -> int:
    """Command line of the experiment scripts: run one fact (or all), write its data and figure."""
    parser = argparse.ArgumentParser(description="Reproduce a stylized fact with paired seeds.")
    parser.add_argument("--seeds", type=int, default=10, help="paired seeds (default 10)")
    parser.add_argument("--steps", type=int, default=STEPS, help=f"weeks per run (default {STEPS})")
    parser.add_argument("--burn-in", type=int, default=BURN_IN,
                        help=f"weeks at the start of each run left out of the means (default {BURN_IN})")
    parser.add_argument("--workers", type=int, default=2, help="parallel processes (default 2)")
    parser.add_argument("--out", type=Path, default=Path("out/experiments"), help="output folder")
    args = parser.parse_args(argv)
    facts = [FACTS_BY_NAME[fact_name]] if fact_name else list(FACTS)
    results = evaluate(facts, seeds=args.seeds, steps=args.steps, burn_in=args.burn_in, workers=args.workers,
                       progress=True)
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for fact in facts:
        table = results_table({fact.name: results[fact.name]})
        analysis.write_table(table, args.out / f"{fact.name}.csv")
        figure = plot_fact(fact, results[fact.name], args.out / f"{fact.name}.png")
        print(f"Fact {fact.number}: {fact.title} — data {args.out / (fact.name + '.csv')}, figure {figure}")
        for r in results[fact.name]:
            print("   " + r.describe())
            failures += not r.holds
    return 1 if failures else 0


def format_change(row: pd.Series) -> str:
    """'+12.3% (+4.0% to +20.1%)' for a results-table row."""
    if not math.isfinite(row["relative"]):
        return "n/a"
    return f"{row['relative']:+.1%} ({row['relative_low']:+.1%} to {row['relative_high']:+.1%})"
