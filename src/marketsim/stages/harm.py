"""Stage 8 — harm: overdoses, infections, trust and fear.

Overdose risk rises when street purity jumps above its recent level and when local supply is
disrupted (users turn to unknown sellers, Ray et al. 2023); it falls with naloxone. Infections
among people who inject depend on syringe-programme coverage. Trust drifts back to its long-run
level, and is eroded by violence, by mass arrests and by corruption; fear follows violence and
extortion. The population is held constant: people who die are replaced by new residents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.stages.common import ewma, safe_ratio

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

FEAR_PER_EXTORTION = 5.0  # fear from one weekly extortion event per 1,000 residents (assumption)
INITIAL_INFECTED = 0.3  # share of people who inject living with HCV/HIV at the start (assumption)


def run(model: DrugMarketModel) -> None:
    """Run the harm stage for one week."""
    overdoses(model)
    infections(model)
    trust_and_fear(model)


def overdoses(model: DrugMarketModel) -> None:
    """Fatal overdoses among users, shaped by purity swings, disruption and naloxone."""
    h, table, rng = model.p.harm, model.communities, model.rng
    swing = safe_ratio(table.purity, table.purity_ma, 1.0) ** h.purity_swing
    risk = h.overdose_rate * swing * (1 + h.disruption_risk * table.disruption)
    fatal = np.clip(risk * (1 - h.naloxone_coverage * h.naloxone_efficacy), 0, 1)
    dependent = rng.binomial(table.dependent, fatal)
    occasional = rng.binomial(table.occasional, fatal * 0.1)
    table.dependent -= dependent
    table.occasional -= occasional
    table.non_users += dependent + occasional
    model.tally.overdose_deaths += int(dependent.sum() + occasional.sum())
    table.purity_ma = ewma(table.purity_ma, table.purity, 0.1)


def infections(model: DrugMarketModel) -> None:
    """New infections among people who inject without clean equipment."""
    h, table, rng = model.p.harm, model.communities, model.rng
    injectors = table.dependent * h.injecting_share
    table.infected = np.minimum(table.infected, injectors)
    coverage = min(1.0, h.syringe_coverage * (1.5 if model.p.policy.harm_reduction_policing else 1.0))
    prevalence = safe_ratio(table.infected, injectors)
    chance = np.clip(h.sharing_infection * (1 - coverage * h.syringe_efficacy) * prevalence / INITIAL_INFECTED,
                     0, 1)
    new = rng.binomial(np.round(injectors - table.infected).astype(np.int64), chance)
    table.infected += new
    model.tally.new_infections += int(new.sum())


def trust_and_fear(model: DrugMarketModel) -> None:
    """Trust moves toward the level current conditions support: lowered by violence, mass
    arrests and corruption, raised by community policing. Fear follows violence and extortion."""
    h, table, tally = model.p.harm, model.communities, model.tally
    per_100k_year = tally.homicides[table.place] / table.population * 1e5 * 52
    table.homicide_rate_ma = ewma(table.homicide_rate_ma, per_100k_year, 0.05)
    arrests = table.dealer_arrests.copy()
    if tally.user_arrests_by_community is not None:
        arrests += tally.user_arrests_by_community
    table.arrest_rate_ma = ewma(table.arrest_rate_ma, arrests / table.population * 1e4 * 52, 0.05)
    corruption = model.police.corruption * (1 + model.p.policy.collusion)
    policing = model.p.police.community_trust_gain * table.community_effort / table.population * 1e5
    supported = (table.trust0 + policing - h.trust_loss_violence * table.homicide_rate_ma
                 - h.trust_loss_arrests * table.arrest_rate_ma - h.trust_loss_corruption * corruption)
    table.trust = np.clip(ewma(table.trust, np.clip(supported, 0.01, 0.99), h.trust_adjustment), 0.01, 0.99)
    extortion_per_1000 = table.extortion_ma / table.population * 1000
    felt = np.clip(table.homicide_rate_ma / 100 + FEAR_PER_EXTORTION * extortion_per_1000, 0, 1)
    table.fear = ewma(table.fear, felt, h.fear_adjustment)
