"""The EMA Workbench as a first-class client: marketsim as an EMA model, and sweeps exported
as EMA results.

    from ema_workbench import perform_experiments
    from ema_workbench.analysis import plotting
    from marketsim.sweep import ema
    model = ema.model("baseline", levers={"policy.hvt_share": (0.0, 0.6)}, seeds=4, steps=260)
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)
    plotting.envelopes(experiments, outcomes, outcomes_to_show=["homicides_series"], group_by="policy")

By default the model samples the thirteen most influential uncertainties (:data:`INFLUENTIAL`);
``uncertainties="all"`` samples every parameter whose role is ``uncertainty``. Each outcome is a
``ScalarOutcome`` (the weekly mean after the burn-in, averaged over the paired seeds) and, for the
series asked for, a ``TimeSeriesOutcome`` ``<metric>_series`` (the weekly values averaged over the
seeds), with ``TIME`` in years for the Workbench's time-series plots.

EMA names must be Python identifiers, so a parameter ``group.name`` is called ``group__name``
there, as in the keyword overrides of :class:`~marketsim.model.DrugMarketModel`.

Budget shares sampled together can add up to more than the whole budget (one share alone
never does: :mod:`marketsim.config.budget`). Such an experiment is refused — a warning on the
Workbench's log, its outcomes NaN, the other experiments run — and :func:`budget_constraints`
declares the rule as an EMA ``Constraint`` for ``optimize``.

Works with EMA Workbench 2.5 and 3.x (3.x needs Python 3.12; for scenario discovery note that its
PRIM no longer takes ``threshold``, and that ``Policy`` and ``Scenario`` are now ``Sample``).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from marketsim import analysis
from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.params import BUDGET_SHARES, SPECS
from marketsim.runs import BURN_IN, ScenarioInput, burn_in_problems, seed_list
from marketsim.sim.common import WEEKS_PER_YEAR
from marketsim.sweep.errors import SweepError, require
from marketsim.sweep.store import SweepStore, write_atomic

if TYPE_CHECKING:
    from marketsim.config.scenario import Scenario

Ranges = Iterable[str] | Mapping[str, tuple[float, float] | Sequence[Any]]
"""Parameters by dotted path: a list of paths takes each one's declared span (:func:`declared_span`); a
mapping gives a ``(low, high)`` range for numbers, or the list of values a text or true/false parameter takes."""

INFLUENTIAL = (
    "police.clearance_memory", "demand.elasticity", "violence.dispute_rate", "production.eradication_memory",
    "police.community_trust_gain", "harm.overdose_rate", "harm.occasional_risk", "demand.initiation",
    "world.neighbourhoods", "police.presence_gain", "justice.initial_prison_rate", "justice.sentence_dealer",
    "world.neighbourhood_population",
)
"""The default uncertainties: of the five largest first-order sensitivity indices (RBD-FAST, mean
over the policy presets) for each of homicides, overdose deaths and prison population in
docs/robustness.md ("What matters most?", 200 points over every uncertainty's plausible range), those
above the noise floor (an index below it says nothing) — thirteen parameters, as one matters for
more than one outcome."""

SERIES = analysis.KEY_SERIES
"""The metrics returned as time series by default."""

TIME = "TIME"
"""The time-series outcome the Workbench's plots take as their x-axis: years since the start."""


def default_uncertainties(which: str = "influential") -> list[str]:
    """The uncertainties the model samples unless told: :data:`INFLUENTIAL`; with ``"all"``, every
    parameter whose declared role is ``uncertainty`` (each declares a plausible range)."""
    if which == "all":
        return [path for path, spec in SPECS.items() if spec.role == "uncertainty"]
    if which != "influential":
        raise ValueError(f"which = {which!r}: allowed 'influential' or 'all'")
    return list(INFLUENTIAL)


def default_levers() -> list[str]:
    """Every parameter whose declared role is ``lever``, but ``policy.targets``: a table of places,
    which the Workbench cannot sample (aim activities with a scenario's targets instead)."""
    return [path for path, spec in SPECS.items() if spec.role == "lever" and spec.kind != "table"]


def declared_span(path: str, scenario: Scenario) -> tuple[Any, ...] | None:
    """The span a parameter given without a range is sampled over: an uncertainty's plausible range;
    a lever's allowed values (its bounds, the first number above an excluded minimum, both truth
    values, or its choices), a budget share's upper bound being what the scenario's reactive
    policing leaves it (so that levers sampled together rarely spend more than the whole budget;
    give a range to go beyond: one share alone may take up to 1); ``None`` for other parameters.
    """
    spec = SPECS[path]
    if spec.plausible is not None:
        return spec.plausible
    if spec.role != "lever":
        return None
    if spec.kind == "bool":
        return (False, True)
    if spec.kind == "str":
        return spec.choices
    if spec.kind not in ("int", "float") or spec.minimum is None or spec.maximum is None:
        return None
    low = math.nextafter(spec.minimum, math.inf) if spec.exclusive_minimum else spec.minimum
    if spec.group == "policy" and spec.name in BUDGET_SHARES:
        others = sum(scenario.get(f"policy.{name}") for name in BUDGET_SHARES if name != spec.name)
        return (low, min(spec.maximum, 1 - others))
    return (low, spec.maximum)


def workbench() -> Any:
    """The ``ema_workbench`` package, imported quietly (it warns about optional parts it lacks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return require("ema_workbench", "the EMA Workbench export and model")


def model(scenario: ScenarioInput = "baseline", *, uncertainties: Ranges | str | None = None,
          levers: Ranges | None = None, outcomes: Sequence[str] = analysis.KEY_OUTCOMES,
          series: Sequence[str] = SERIES, seeds: int = 4, steps: int = 520, burn_in: int = BURN_IN,
          overrides: Mapping[str, Any] | None = None, name: str = "marketsim") -> Any:
    """marketsim as an EMA Workbench ``ReplicatorModel``, with its parameters declared.

    Every experiment runs with the same seeds (``marketsim.runs.seed_list``), so experiments are
    compared on the same random histories; each outcome is the mean over seeds of the run's
    weekly mean after the burn-in.

    Args:
        scenario: the scenario every experiment starts from.
        uncertainties: the parameters EMA samples as uncertainties (default: the thirteen most
            influential, :data:`INFLUENTIAL`; ``"all"``: every parameter whose declared role is
            ``uncertainty``), over their plausible ranges.
        levers: the parameters EMA samples as policy levers (default: every parameter whose declared
            role is ``lever``, over :func:`declared_span`, but the ``policy.targets`` table). Levers
            are only sampled when ``perform_experiments`` is asked for policies; an experiment whose
            sampled budget shares add up to more than 1 is refused (see the module's notes).
        outcomes: metrics returned as EMA ``ScalarOutcome`` s.
        series: metrics also returned as ``TimeSeriesOutcome`` s named ``<metric>_series``, with
            ``TIME`` (none: no time series).
        seeds: replications per experiment.
        steps: weeks per run.
        burn_in: weeks at the start of each run left out of the means.
        overrides: constants: dotted parameter paths and values applied to every run.
        name: the EMA model's name (an identifier).

    Returns:
        An ``ema_workbench.ReplicatorModel`` ready for ``perform_experiments``.

    Raises:
        SweepError: every problem with the parameters, ranges, outcomes or weeks, before any run;
            or the EMA Workbench is not installed.
    """
    ema = workbench()
    from marketsim.config.scenario import load_scenario

    problems = burn_in_problems(burn_in, steps)
    if uncertainties is None or uncertainties in ("influential", "all"):
        uncertainties = default_uncertainties(uncertainties or "influential")
    elif isinstance(uncertainties, str):
        problems.append(f"uncertainties = {uncertainties!r}: allowed 'influential', 'all', a list of parameters "
                        "or a mapping of parameters to ranges")
        uncertainties = []
    levers = default_levers() if levers is None else levers
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        problems.append(f"seeds = {seeds!r}: allowed a whole number ≥ 1")
    for role, names in (("outcomes", outcomes), ("series", series)):
        for outcome in names:
            try:
                analysis.metric_info(outcome)
            except ValueError as error:
                problems.append(f"{role}: {error}")
    try:
        base = load_scenario(scenario, overrides)
    except ScenarioError as error:
        raise SweepError(error.problems + problems) from None
    declared = {role: _parameters(ema, role, ranges, base, problems)
                for role, ranges in (("uncertainties", uncertainties), ("levers", levers))}
    both = set(declared["uncertainties"]) & set(declared["levers"])
    problems.extend(f"{path.replace('__', '.')} is both an uncertainty and a lever; keep one" for path in both)
    if problems:
        raise SweepError(problems)
    ema_model = ema.ReplicatorModel(name, function=partial(run_experiment, scenario=base, steps=steps,
                                                           burn_in=burn_in, outcomes=tuple(outcomes),
                                                           series=tuple(series)))
    ema_model.uncertainties = list(declared["uncertainties"].values())
    ema_model.levers = list(declared["levers"].values())
    over_seeds = functools.partial(np.mean, axis=0)  # a module-level callable: worker processes pickle it
    ema_model.outcomes = [
        *(ema.ScalarOutcome(outcome, function=np.mean) for outcome in outcomes),
        *(ema.TimeSeriesOutcome(f"{metric}_series", function=over_seeds) for metric in series),
        *([ema.TimeSeriesOutcome(TIME, function=over_seeds)] if series else []),
    ]
    ema_model.replications = [{"seed": seed} for seed in seed_list(seeds)]
    return ema_model


def budget_constraints(ema_model: Any) -> list[Any]:
    """The budget rule as EMA ``Constraint`` s, for ``optimize(..., constraints=...)``: the budget
    shares the model samples (levers and uncertainties) may add up to at most the whole budget.

    Returns an empty list when the model samples fewer than two budget shares (one share alone
    is always valid: the others give way).
    """
    ema = workbench()
    shares = [parameter.name for parameter in (*ema_model.uncertainties, *ema_model.levers)
              if parameter.name.removeprefix("policy__") in BUDGET_SHARES]
    if len(shares) < 2:
        return []
    return [ema.Constraint("budget_shares", parameter_names=shares, function=over_budget)]


def over_budget(*shares: float) -> float:
    """How far budget shares set together go beyond the whole budget (0 when they fit)."""
    return max(0.0, sum(shares) - 1.0)


def _parameters(ema: Any, role: str, ranges: Ranges, scenario: Scenario, problems: list[str]) -> dict[str, Any]:
    """EMA parameters by EMA name, each range checked against the parameter's bounds."""
    given = ranges if isinstance(ranges, Mapping) else dict.fromkeys(ranges)
    found: dict[str, Any] = {}
    for path, bounds in given.items():
        spec = SPECS.get(path)
        if spec is None:
            problems.append(f"{role}: unknown parameter {path}{did_you_mean(path, SPECS, quote=False)}")
            continue
        if bounds is None:
            bounds = declared_span(path, scenario)
            if bounds is None:
                problems.append(f"{role}: {path} declares no plausible range: give one, e.g. "
                                f"{{{path!r}: (low, high)}}" if spec.kind != "table" else
                                f"{role}: {path} is a table of places, which the Workbench cannot sample")
                continue
        values = list(bounds)
        count = len(problems)
        for value in values:
            try:
                scenario.with_overrides({path: value})
            except ScenarioError as error:
                problems.extend(f"{role}: {problem}" for problem in error.problems)
        if len(problems) > count:
            continue
        ema_name = path.replace(".", "__")
        if spec.kind in ("bool", "str"):
            found[ema_name] = ema.CategoricalParameter(ema_name, values)
        elif len(values) != 2 or values[0] >= values[1]:
            problems.append(f"{role}: {path} = {bounds!r}: allowed a range (low, high) with low < high")
        elif spec.kind == "int":
            found[ema_name] = ema.IntegerParameter(ema_name, int(values[0]), int(values[1]))
        else:
            found[ema_name] = ema.RealParameter(ema_name, float(values[0]), float(values[1]))
    return found


def run_experiment(scenario: ScenarioInput, steps: int, burn_in: int, outcomes: Sequence[str], seed: int,
                   series: Sequence[str] = (), **parameters: Any) -> dict[str, Any]:
    """One EMA experiment and replication: each outcome's weekly mean after the burn-in, and the
    weekly values of each metric in ``series`` (``<metric>_series``, with ``TIME`` in years).

    ``parameters`` are EMA names (``group__name``), as :class:`~marketsim.model.DrugMarketModel`
    takes them. Parameters that cannot run together (budget shares beyond the whole budget) give
    every outcome as NaN, with a warning on the Workbench's log, and the other experiments go on.
    (Not the Workbench's own experiment error: EMA 2.5 and 3.0 then keep the previous
    experiment's outcomes, as ``reset_model`` clears a misspelt attribute.)
    """
    from marketsim.model import DrugMarketModel

    time = np.arange(1, steps + 1, dtype=float) / WEEKS_PER_YEAR
    try:
        model = DrugMarketModel(scenario, seed=seed, **parameters)
    except ScenarioError as error:
        workbench().ema_logging.get_rootlogger().warning(
            "marketsim experiment refused, outcomes left empty (%s): %s", ", ".join(
                f"{name}={value!r}" for name, value in parameters.items()), "; ".join(error.problems))
        found: dict[str, Any] = dict.fromkeys(outcomes, math.nan)
        found |= {f"{metric}_series": np.full(steps, math.nan) for metric in series}
    else:
        weeks = model.run(steps).metrics()
        kept = weeks[weeks["step"] > burn_in]
        found = {outcome: float(kept[outcome].mean()) for outcome in outcomes}
        found |= {f"{metric}_series": weeks[metric].to_numpy(dtype=float) for metric in series}
    if series:
        found[TIME] = time
    return found


def ema_results(out: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The sweep as EMA Workbench ``(experiments, outcomes)``, one row per finished run.

    ``experiments`` has the swept parameters (uncertainties first, then levers), ``seed``, and
    EMA's ``scenario`` (the design point), ``policy`` (the marketsim scenario) and ``model``
    columns; ``outcomes`` maps each outcome to its post-burn-in run means. Ready for scenario
    discovery, e.g. ``ema_workbench.analysis.prim.Prim(experiments, outcomes[name] > threshold)``.

    Args:
        out: the sweep's output directory.

    Returns:
        ``(experiments, outcomes)`` as the EMA Workbench's ``perform_experiments`` returns them.
    """
    store = SweepStore(out)
    record = store.consolidated_record()
    runs = pd.read_parquet(store.summary)
    roles = record["parameters"]
    ordered = [n for n in roles if roles[n] == "uncertainty"] + [n for n in roles if roles[n] == "lever"]
    experiments = runs[ordered].copy()
    experiments["seed"] = runs["seed"].to_numpy()
    experiments["scenario"] = runs["point"].to_numpy()
    experiments["policy"] = runs["scenario"].astype("category")
    experiments["model"] = pd.Categorical(["marketsim"] * len(runs))
    outcomes = {name: runs[name].to_numpy(dtype=float) for name in record["spec"]["outcomes"]}
    return experiments, outcomes


def save_ema(out: str | Path, path: str | Path | None = None) -> Path:
    """Write :func:`ema_results` with ``ema_workbench.save_results``, for ``load_results``.

    Args:
        out: the sweep's output directory.
        path: where to write (default ``ema_results.tar.gz`` in ``out``).

    Returns:
        The tarball's path.

    Raises:
        SweepError: the EMA Workbench is not installed.
    """
    ema = workbench()
    experiments, outcomes = ema_results(out)
    for name in outcomes:
        ema.ScalarOutcome(name)  # declares each outcome's kind, which save_results looks up
    target = Path(path) if path is not None else Path(out) / "ema_results.tar.gz"
    write_atomic(target, lambda temporary: ema.save_results((experiments, outcomes), str(temporary)))
    return target
