"""Failures inside the declared bounds whose cause is in the simulation core, handed to its owner.

Each entry names the cause (file, line, why), the bound that would keep the model out of it,
one reproduction, and the signature of the failure (a pattern over :func:`failure_text`). The
reproductions are regression tests expected to fail until the core is fixed (strict xfail, in
test_reproductions.py); the property suite sets aside examples that fail with a listed
signature, counts them in its statistics, and fails on any other failure. When a fix makes a
reproduction pass, the strict xfail fails: delete the entry, and the property suite covers
that ground again.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CoreDefect:
    """A failure inside the declared bounds, its cause in the core, and the bounds that would avoid it."""

    name: str
    cause: str
    bounds: str
    signature: str
    overrides: dict[str, Any]
    seed: int
    weeks: int
    preset: str = "baseline"
    harms_the_process: Callable[[Mapping[str, Any]], bool] | None = None
    """Where the defect takes so much memory that later examples in the same process would fail
    too: the property suite does not run values for which this is true."""

    def matches(self, error: BaseException) -> bool:
        """Whether ``error`` is this defect's failure."""
        return re.search(self.signature, failure_text(error)) is not None


def failure_text(error: BaseException) -> str:
    """``Type: message @ file:function`` of the innermost frame in marketsim's own code."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/marketsim/" in frame.filename]
    where = f" @ {frames[-1].filename.rsplit('/marketsim/', 1)[1]}:{frames[-1].name}" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


TINY = 5e-324
"""The smallest positive float: a value every ``> 0`` bound lets through."""
NUMPY_DRAW = r"ValueError: (n < 0|p < 0, p > 1 or p contains NaNs|lam < 0 or lam is NaN|lam value too large)"
"""numpy's refusal of a binomial or Poisson draw whose parameter is negative, infinite or NaN."""

CORE_DEFECTS: tuple[CoreDefect, ...] = (
    CoreDefect(
        "a tiny officer cost makes the police force infinite",
        "sim/police.py:189 (focused_deterrence), :169 (user_arrests) and the other activities: officer-weeks = "
        "budget / officer_week_cost are inf, so the draws get lam or p = inf or NaN; short of inf, a force of "
        "billions of officer-weeks has sim/violence.py:222 (confrontations) draw and log one event at a time "
        "for hundreds of millions of confrontations, until memory runs out",
        "police.officer_week_cost ≥ 100 USD and police.budget ≤ 1e8 (at most 10⁶ officer-weeks a week), "
        "and events per week capped",
        NUMPY_DRAW + r" @ sim/police\.py|MemoryError: .* @ (sim/violence\.py:confrontations|ledger\.py:record)",
        {"police.officer_week_cost": TINY}, seed=1, weeks=4,
        harms_the_process=lambda values: officer_weeks(values) > MAX_OFFICER_WEEKS),
    CoreDefect(
        "a huge police force leaves a dealer with the market's sales, and the dispute rate overflows",
        "sim/violence.py (dealer_disputes): with hundreds of thousands of officer-weeks on street arrests "
        "(police.budget 330 times the default) almost no dealer is left, the sales per remaining dealer are "
        "enormous and (per_dealer / reference_sales) ** value_elasticity overflows poisson(lam)",
        "police.budget ≤ 1e8 (about 67 times the default), or the value motive capped",
        r"lam value too large @ sim/violence\.py:dealer_disputes",
        {"police.eradication_rate": 0.0, "police.street_arrest_rate": 1.0, "police.clearance_rate": 0.0,
         "policy.decriminalise_possession": False, "police.budget": 498032432.0, "world.regions": 2},
        preset="alternatives_to_incarceration", seed=63, weeks=4),
    CoreDefect(
        "rounding leaves a dealer's stock a hair below 0, seized as negative kilograms",
        "sim/retail.py (arrest): the stock of arrested dealers is added to the seizures; after many sales and "
        "arrests in a week a stock can be −1e-17 kg",
        "none: clip dealers' stock at 0",
        r"seizures_kg = -\S+ in week \d+ is negative",
        {"police.eradication_rate": 0.0, "police.street_arrest_rate": 1.0, "police.clearance_rate": 0.0,
         "policy.user_diversion": 0.0, "police.budget": 498032272.0, "world.regions": 2},
        preset="alternatives_to_incarceration", seed=63, weeks=4),
)


MAX_OFFICER_WEEKS = 1e6
"""A thousand times the default force: more makes event counts that take the process's memory."""


def officer_weeks(values: Mapping[str, Any]) -> float:
    """The weekly police force, in officer-weeks, that these values give (defaults elsewhere)."""
    return values.get("police.budget", 1.5e6) / values.get("police.officer_week_cost", 1500.0)


def harms_the_process(values: Mapping[str, Any]) -> CoreDefect | None:
    """The listed defect whose failure these parameter values would cause and that would poison
    the examples after them, if any."""
    return next((defect for defect in CORE_DEFECTS
                 if defect.harms_the_process is not None and defect.harms_the_process(values)), None)


def known_defect(error: BaseException) -> CoreDefect | None:
    """The listed defect whose failure ``error`` is, if any."""
    return next((defect for defect in CORE_DEFECTS if defect.matches(error)), None)
