"""Checks made before any run: seeds, scenarios, worlds, steps, burn-in and worker counts.

Each ``*_problems`` function returns every problem as a sentence naming the setting, the value
and what is allowed, so callers can report them all at once (``ScenarioError``).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from marketsim.config.errors import ScenarioError, shown

if TYPE_CHECKING:
    from marketsim.config.scenario import Scenario

BURN_IN = 52
"""Weeks at the start of every run left out of its averages: the first year, while the market
settles from its initial state. Every summary uses it unless told otherwise."""

DEFAULT_SEED_BASE = 20261126
"""Root of the seed sequence shared by every batch, so results are reproducible."""

MAX_SEED = 2**63 - 1
"""The largest seed: seeds are stored with the runs as 64-bit integers (Parquet, CSV readers)."""
ScenarioInput: TypeAlias = "str | Path | Scenario"
"""A preset name, a scenario file, or a loaded :class:`~marketsim.config.scenario.Scenario`."""


def seed_list(n: int, base: int = DEFAULT_SEED_BASE) -> list[int]:
    """``n`` independent run seeds spawned from ``base``; every scenario of a batch uses the same list.

    Args:
        n: how many seeds.
        base: the root of the sequence; the same base always gives the same seeds, and the
            first ``k`` seeds of a longer list are those of a shorter one.

    Returns:
        Distinct whole numbers ≥ 0.
    """
    import numpy as np

    if n < 0:
        raise ValueError(f"n = {n}: allowed a whole number ≥ 0")
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(base).spawn(n)]


def load_scenarios(scenarios: Sequence[ScenarioInput] | ScenarioInput,
                   overrides: Mapping[str, Any] | None = None) -> list[Scenario]:
    """Load and validate every scenario with the same overrides, reporting all problems at once.

    Args:
        scenarios: one scenario or several (preset names, files or loaded scenarios).
        overrides: dotted parameter paths and values applied to every scenario.

    Returns:
        The scenarios, in order.

    Raises:
        ScenarioError: every problem found, including a name given twice (results are labelled
            by scenario name).
    """
    from marketsim.config.scenario import Scenario, load_scenario

    if isinstance(scenarios, str | Path | Scenario):
        scenarios = [scenarios]
    problems = [] if scenarios else ["no scenario given"]
    loaded: list[Scenario] = []
    for item in scenarios:
        try:
            loaded.append(load_scenario(item, overrides))
        except ScenarioError as error:
            problems.extend(error.problems)
    names = [scenario.name for scenario in loaded]
    problems.extend(f"scenario {name!r} is given more than once: results are labelled by name"
                    for name in dict.fromkeys(names) if names.count(name) > 1)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return loaded


def batch_parameters(parameters: Mapping[str, Any]) -> Mapping[str, Any]:
    """Check every model ``mesa.batch_run`` will build from ``parameters``, before any run.

    ``mesa.batch_run`` builds each model from its own keywords as it goes, so a combination
    that cannot run (budget shares set together adding up to more than the whole budget, say:
    :mod:`marketsim.config.budget`) would stop it halfway and lose the finished runs. Wrap the
    parameters in this call to hear about every such combination first::

        mesa.batch_run(DrugMarketModel, ms.batch_parameters({"policy__hvt_share": [0.1, 0.6],
                                                             "policy__street_share": [0.3, 0.5]}))

    Args:
        parameters: Mesa's mapping: each keyword of :class:`~marketsim.model.DrugMarketModel`
            with one value or an iterable of values (a text is one value).

    Returns:
        The same parameters (iterables made lists, so they can be iterated again).

    Raises:
        ScenarioError: every combination that cannot run, with why.
    """
    from marketsim.config.scenario import load_scenario

    values = {name: [given] if isinstance(given, str) or not isinstance(given, Iterable) else list(given)
              for name, given in parameters.items()}
    problems = [f"{name}: no values (Mesa needs at least one)" for name, given in values.items() if not given]
    problems += [f"unknown keyword {name}: allowed scenario, seed, world, overrides, schedule, events or a "
                 "parameter as group__name" for name in values
                 if "__" not in name and name not in ("scenario", "seed", "world", "overrides", "schedule", "events")]
    if problems:
        raise ScenarioError(problems)
    combinations = [dict(zip(values, chosen, strict=True)) for chosen in itertools.product(*values.values())]
    for number, keywords in enumerate(combinations, start=1):
        dotted = {name.replace("__", "."): value for name, value in keywords.items() if "__" in name}
        try:
            load_scenario(keywords.get("scenario", "baseline"), {**(keywords.get("overrides") or {}), **dotted},
                          keywords.get("schedule"), keywords.get("events"))
        except ScenarioError as error:
            shown_keywords = ", ".join(f"{name}={value!r}" for name, value in keywords.items()
                                       if len(values[name]) > 1)
            problems.extend(f"combination {number} of {len(combinations)} ({shown_keywords}): {problem}"
                            for problem in error.problems)
    if problems:
        raise ScenarioError(problems)
    return values


def check_worlds(scenarios: Sequence[Scenario], seed: int, steps: int) -> None:
    """Build each scenario's model once, so problems that depend on the world (policy targets,
    places named by events, world files) or on the run's length (weeks of the schedule and
    events) surface before any run.

    Raises:
        ScenarioError: every such problem, for all scenarios at once.
    """
    from marketsim.model import DrugMarketModel

    problems: list[str] = []
    for scenario in scenarios:
        try:
            scenario.timeline.check_horizon(steps)
            DrugMarketModel(scenario, seed=seed)
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))


def whole_number_problems(value: Any, name: str, minimum: int, maximum: int | None = None) -> list[str]:
    """Why ``value`` is not a whole number from ``minimum`` to ``maximum`` (numpy integers are
    whole numbers; ``True``, ``1.0`` and ``"3"`` are not)."""
    allowed = f"allowed a whole number ≥ {minimum}" + (f" and ≤ {maximum:,}" if maximum is not None else "")
    try:
        number = operator.index(value) if not isinstance(value, bool) else None
    except TypeError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        return [f"{name} = {shown(value)}: {allowed}"]
    return []


def run_problems(seeds: Sequence[Any], steps: Any) -> list[str]:
    """Why runs of ``steps`` weeks cannot be made with these seeds (an empty list if they can)."""
    problems = whole_number_problems(steps, "steps", 1)
    if not seeds:
        problems.append("no seeds: give a count ≥ 1 or a non-empty list")
    for seed in seeds:
        problems += whole_number_problems(seed, "seed", 0, MAX_SEED)
    if not problems and len({operator.index(seed) for seed in seeds}) != len(seeds):
        problems.append(f"seeds must be distinct whole numbers ≥ 0, got {list(seeds)}")
    return problems


def burn_in_problems(burn_in: int, steps: int, names: tuple[str, str] = ("burn_in", "steps")) -> list[str]:
    """Why a burn-in cannot be used with runs of ``steps`` weeks (an empty list if it can).

    ``names`` are the two settings as the user wrote them, e.g. ``("--burn-in", "--steps")``.
    """
    burn_in_name, steps_name = names
    if burn_in < 0:
        return [f"{burn_in_name} = {burn_in}: allowed a whole number ≥ 0"]
    if burn_in >= steps:
        return [f"{burn_in_name} = {burn_in} leaves no weeks to average: allowed fewer than "
                f"{steps_name} = {steps}"]
    return []


def resolve_burn_in(burn_in: int | None, steps: int, name: str = "burn_in") -> tuple[int, str | None]:
    """The burn-in for runs of ``steps`` weeks, and a note when it is not the one asked for.

    ``None`` asks for the default, :data:`BURN_IN`; a run no longer than that leaves out its
    first half instead (``steps // 2`` weeks), so short runs still summarise, and the note says
    so. A burn-in given explicitly is used as given (:func:`burn_in_problems` says if it cannot be).

    Args:
        burn_in: weeks to leave out, or ``None`` for the default.
        steps: weeks in each run.
        name: the setting as the user writes it (``--burn-in`` on the command line), for the note.
    """
    if burn_in is not None or steps > BURN_IN:
        return (BURN_IN if burn_in is None else burn_in), None
    shrunk = steps // 2
    kept = f"weeks {shrunk + 1}–{steps}" if shrunk else "its only week"
    return shrunk, (f"a {steps}-week run is no longer than the default burn-in of {BURN_IN} weeks: averages "
                    f"cover {kept} (the second half of the run, the market not yet settled); give {name} "
                    "to choose")


def check_burn_in(burn_in: int, steps: int) -> None:
    """Raise a ScenarioError (see :func:`burn_in_problems`) before any run if the burn-in is unusable."""
    problems = burn_in_problems(burn_in, steps)
    if problems:
        raise ScenarioError(problems)


def workers_problems(workers: Any) -> list[str]:
    """Why ``workers`` is not a number of worker processes (``None`` means every core)."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        return [f"workers = {workers!r}: allowed a whole number ≥ 1"]
    return []
