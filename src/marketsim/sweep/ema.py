"""The EMA Workbench as a first-class client: marketsim as an EMA model, and sweeps exported
as EMA results.

    from ema_workbench import perform_experiments
    from marketsim.sweep import ema
    model = ema.model("baseline", uncertainties={"world.firearms": (0.3, 0.9)},
                      levers={"policy.hvt_share": (0.0, 0.2)}, seeds=4, steps=260)
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

EMA names must be Python identifiers, so a parameter ``group.name`` is called ``group__name``
there, as in the keyword overrides of :class:`~marketsim.model.DrugMarketModel`.
"""

from __future__ import annotations

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
from marketsim.sweep.errors import SweepError, require
from marketsim.sweep.store import SweepStore, write_atomic

if TYPE_CHECKING:
    from marketsim.config.scenario import Scenario

Ranges = Iterable[str] | Mapping[str, tuple[float, float] | Sequence[Any]]
"""Parameters by dotted path: a list of paths takes each one's declared span (:func:`declared_span`); a
mapping gives a ``(low, high)`` range for numbers, or the list of values a text or true/false parameter takes."""


def default_uncertainties() -> list[str]:
    """Every parameter whose declared role is ``uncertainty`` (each declares a plausible range)."""
    return [path for path, spec in SPECS.items() if spec.role == "uncertainty"]


def default_levers() -> list[str]:
    """Every parameter whose declared role is ``lever``, but ``policy.targets``: a table of places,
    which the Workbench cannot sample (aim activities with a scenario's targets instead)."""
    return [path for path, spec in SPECS.items() if spec.role == "lever" and spec.kind != "table"]


def declared_span(path: str, scenario: Scenario) -> tuple[Any, ...] | None:
    """The span a parameter given without a range is sampled over: an uncertainty's plausible range;
    a lever's allowed values (its bounds, the first number above an excluded minimum, both truth
    values, or its choices), a budget share's upper bound being what the scenario's other shares
    leave; ``None`` for other parameters.
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


def model(scenario: ScenarioInput = "baseline", *, uncertainties: Ranges | None = None, levers: Ranges | None = None,
          outcomes: Sequence[str] = analysis.KEY_OUTCOMES, seeds: int = 4, steps: int = 520,
          burn_in: int = BURN_IN, overrides: Mapping[str, Any] | None = None, name: str = "marketsim") -> Any:
    """marketsim as an EMA Workbench ``ReplicatorModel``, with its parameters declared.

    Every experiment runs with the same seeds (``marketsim.runs.seed_list``), so experiments are
    compared on the same random histories; each outcome is the mean over seeds of the run's
    weekly mean after the burn-in.

    Args:
        scenario: the scenario every experiment starts from.
        uncertainties: the parameters EMA samples as uncertainties (default: every parameter whose
            declared role is ``uncertainty``, over its plausible range).
        levers: the parameters EMA samples as policy levers (default: every parameter whose declared
            role is ``lever``, over its allowed values, but the ``policy.targets`` table). Levers
            are only sampled when ``perform_experiments`` is asked for policies; sampled budget
            shares that add up to more than 1 are refused (the run names them), so sample a few
            shares of your own or pass the presets as ``Policy`` objects.
        outcomes: metrics returned as EMA ``ScalarOutcome`` s.
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

    uncertainties = default_uncertainties() if uncertainties is None else uncertainties
    levers = default_levers() if levers is None else levers
    problems = burn_in_problems(burn_in, steps)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        problems.append(f"seeds = {seeds!r}: allowed a whole number ≥ 1")
    for outcome in outcomes:
        try:
            analysis.metric_info(outcome)
        except ValueError as error:
            problems.append(f"outcomes: {error}")
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
                                                           burn_in=burn_in, outcomes=tuple(outcomes)))
    ema_model.uncertainties = list(declared["uncertainties"].values())
    ema_model.levers = list(declared["levers"].values())
    ema_model.outcomes = [ema.ScalarOutcome(outcome, function=np.mean) for outcome in outcomes]
    ema_model.replications = [{"seed": seed} for seed in seed_list(seeds)]
    return ema_model


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
                   **parameters: Any) -> dict[str, float]:
    """One EMA experiment and replication: each outcome's weekly mean after the burn-in.

    ``parameters`` are EMA names (``group__name``), as :class:`~marketsim.model.DrugMarketModel`
    takes them.
    """
    from marketsim.model import DrugMarketModel

    weeks = DrugMarketModel(scenario, seed=seed, **parameters).run(steps).metrics()
    kept = weeks[weeks["step"] > burn_in]
    return {outcome: float(kept[outcome].mean()) for outcome in outcomes}


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
