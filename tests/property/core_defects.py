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
NOT_CONSERVED_NAN = r"product not conserved: nan"
NUMPY_DRAW = r"ValueError: (n < 0|p < 0, p > 1 or p contains NaNs|lam < 0 or lam is NaN|lam value too large)"
"""numpy's refusal of a binomial or Poisson draw whose parameter is negative, infinite or NaN."""

CORE_DEFECTS: tuple[CoreDefect, ...] = (
    CoreDefect(
        "recruitment is unbounded when members cost next to nothing",
        "sim/organisations.py:318 (settle_finances): the members an organisation can pay for are "
        "labour_share × revenue / soldier_wage, unbounded as the wage nears 0, and the whole gap × recruitment "
        "is recruited in one week, one Mesa agent each (424 GiB at wage 0; a 5-minute week at 0.004)",
        "trafficking.soldier_wage ≥ 50 USD/week, and recruits per week capped",
        r"MemoryError: .* @ sim/organisations\.py|week \d+ took", {"trafficking.soldier_wage": 0}, seed=1, weeks=1,
        harms_the_process=lambda values: values.get("trafficking.soldier_wage", 50) < 50),
    CoreDefect(
        "dealers keep the slot of a dissolved organisation",
        "sim/violence.py:189 (dealer_disputes): dealers' organisation ids are counted with bincount sized by "
        "orgs.id_bound(); when organisations dissolve their dealers keep ids past that bound, so the reshape fails",
        "none: dissolving an organisation must release its dealers",
        r"cannot reshape array .* @ sim/violence\.py:dealer_disputes", {"police.budget": 66732090.0},
        seed=0, weeks=26),
    CoreDefect(
        "new groups cannot form once every organisation is gone",
        "sim/organisations.py (emergence): with no organisation left, presence_matrix() is empty but the "
        "towns' controller still holds the ids of dissolved organisations, so indexing it fails",
        "none: dissolving an organisation must clear the places it controlled",
        r"IndexError: .* @ sim/organisations\.py:emergence",
        {"demand.shortage_initiation": 0.0, "policy.interdiction_share": 0.0, "police.budget": 904906811.0,
         "world.regions": 2}, preset="alternatives_to_incarceration", seed=0, weeks=4),
    CoreDefect(
        "a zero crop ceiling divides by zero",
        "sim/production.py:76 (Farms.__init__): preferred = drug_share / max_drug_share is NaN "
        "at max_drug_share = 0; the NaN harvest reaches trafficking.py:185, where binomial(n < 0) fails",
        "production.max_drug_share > 0 (e.g. ≥ 0.01)",
        r"n < 0 @ sim/trafficking\.py:interdict|" + NOT_CONSERVED_NAN, {"production.max_drug_share": 0.0},
        seed=1, weeks=2),
    CoreDefect(
        "a tiny shipment lot overflows the lot count",
        "sim/trafficking.py:184 (interdict): transit / lot_kg overflows to inf and its cast to int64 is "
        "negative, so binomial(n < 0) fails",
        "trafficking.lot_kg ≥ 0.1 kg",
        r"n < 0 @ sim/trafficking\.py:interdict", {"trafficking.lot_kg": TINY}, seed=1, weeks=2),
    CoreDefect(
        "a tiny farm-gate price overflows the price chain",
        "sim/production.py:117 (adjust_prices) underflows the farm price to 0 at 5e-324; the price ratios "
        "downstream are then inf/NaN and the lot count in sim/trafficking.py:185 (interdict) turns negative",
        "production.farm_price ≥ 1 USD/kg",
        r"n < 0 @ sim/trafficking\.py:interdict", {"production.farm_price": TINY}, seed=1, weeks=3),
    CoreDefect(
        "a tiny sentence makes the release hazard infinite",
        "sim/justice.py:110 (release): the weekly release chance 1 / sentence is inf for a sentence near 0 "
        "weeks, so binomial(n < 0) fails; at sentence_user = 1.2e-7 sim/justice.py:73 (admit) is instead "
        "asked to admit 456 million people in week 1 and runs out of memory drawing their sentences",
        "justice.sentence_* ≥ 1 week (and policy.sentence_multiplier × sentence ≥ 1)",
        NUMPY_DRAW + r" @ sim/justice\.py|MemoryError: .* @ sim/justice\.py:admit",
        {"justice.sentence_trafficker": TINY}, seed=1, weeks=8),
    CoreDefect(
        "a tiny treatment episode makes the leaving chance infinite",
        "sim/communities.py:142 (transitions): binomial(treatment, 1 / treatment_weeks) gets p = inf",
        "demand.treatment_weeks ≥ 1 week",
        r"p < 0, p > 1 or p contains NaNs @ sim/communities\.py", {"demand.treatment_weeks": TINY},
        seed=1, weeks=11),
    CoreDefect(
        "a tiny reference sale makes the dispute rate infinite",
        "sim/violence.py:197 (dealer_disputes): sales / reference_sales is inf, so poisson(lam) fails",
        "violence.reference_sales ≥ 1 USD/week and violence.reference_value ≥ 1 USD/week",
        r"lam value too large @ sim/violence\.py", {"violence.reference_sales": TINY}, seed=1, weeks=3),
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
        "enforcement action counts go negative with a very large police force",
        "sim/police.py:131 (record_actions) and :305 (interdiction) add action counts that come out negative "
        "when officer-weeks are huge (officer_week_cost far below its default), so neutralised_share "
        "(police.py:422) leaves [0, 1]; where the negative count comes from is not pinned down",
        "police.officer_week_cost ≥ 100 USD, and action counts clipped at 0",
        r"neutralised_share = -\S+ in week \d+ is negative", {"police.officer_week_cost": 0.5},
        preset="collusion", seed=3, weeks=4),
    CoreDefect(
        "a tiny street purity makes the overdose risk NaN",
        "sim/harm.py:49-52 (overdoses): the risk scales overdose_rate by (purity / its moving average) ** swing; "
        "with purity near 5e-324 that ratio is inf or NaN, and 0 × inf (overdose_rate = 0) is NaN, so "
        "binomial(p = NaN) fails",
        "retail.purity ≥ 0.01",
        NUMPY_DRAW + r" @ sim/harm\.py",
        {"world.regions": 2, "retail.purity": TINY, "world.places_per_region": 1, "harm.overdose_rate": 0.0},
        preset="alternatives_to_incarceration", seed=0, weeks=1),
    CoreDefect(
        "a tiny regrowth time makes the harvest NaN",
        "sim/production.py:126 (choose_crops): fallow_ha × (1 − 1 / regrowth_weeks) is 0 × −inf = NaN for "
        "an unplanted household, so the harvest and the product ledger are NaN from week 1 (or, with "
        "price_adjustment = 0 and no spoilage, the farm price is inf)",
        "production.regrowth_weeks ≥ 1 week",
        NOT_CONSERVED_NAN + r"|farm_price = inf in week \d+ is infinite", {"production.regrowth_weeks": TINY},
        seed=1, weeks=2),
    CoreDefect(
        "the re-offending hazard is not clamped to a probability",
        "sim/justice.py:122 (reoffend): hazard = ewma(hazard, reoffenders / at_risk) exceeds 1 when "
        "reoffenders outnumber the people at risk, and recidivism_3y = 1 − (1 − h)^156 (justice.py:203) "
        "is then −1.5e17",
        "none: clamp the hazard to [0, 1]",
        r"recidivism_3y = \S+ in week \d+ is negative", {"justice.reoffend_after_prison": 0.96},
        seed=1, weeks=2),
    CoreDefect(
        "prices are NaN when nothing is sold, undeclared",
        "sim/communities.py:193 (retail_price) and sim/retail.py:349 (wholesale_price) return NaN when no "
        "illicit drug is sold or no organisation is left; their definitions do not say they can be missing",
        "none: say in each definition when the price is missing",
        r"(retail_price|wholesale_price) = nan .* definition does not allow", {"policy.legal_share": 1.0},
        seed=1, weeks=2),
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
