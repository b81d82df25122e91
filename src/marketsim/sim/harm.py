"""Harm (stage 8): overdoses, infections, trust and fear.

Overdose risk rises when street purity jumps above its recent level and when local supply is
disrupted (users turn to unknown sellers, Ray et al. 2023); it falls with naloxone. Infections
among people who inject depend on syringe-programme coverage. Trust drifts back to its long-run
level, and is eroded by violence, by mass arrests and by corruption; fear follows violence and
extortion. The population is held constant: people who die are replaced by new residents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import PER_100K, WEEKS_PER_YEAR, ewma, metric, safe_ratio

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

FEAR_PER_EXTORTION = 5.0  # fear from one weekly extortion event per 1,000 residents (assumption)
INITIAL_INFECTED = 0.3  # share of people who inject living with HCV/HIV at the start (assumption)


class Harm:
    """Health harms and how residents feel: infections, the purity users are used to, trust and fear."""

    def __init__(self, model: DrugMarketModel):
        self.model = model
        communities = model.communities
        n = len(communities.place)
        self.infected = communities.dependent * model.p.harm.injecting_share * INITIAL_INFECTED  # people who inject
        self.purity_ma = np.full(n, model.p.retail.purity)  # recent mean purity (overdose risk baseline)
        self.fear = np.zeros(n)
        self.homicide_rate_ma = np.zeros(n)   # homicides per 100k per year, moving average
        self.arrest_rate_ma = np.zeros(n)     # user and street arrests per 10k per year, moving average

    # -- the weekly rule: stage 8, harm -------------------------------------------------------------------
    def step(self) -> None:
        """Stage 8 — harm: overdoses, infections, trust and fear."""
        self.overdoses()
        self.infections()
        self.trust_and_fear()

    def overdoses(self) -> None:
        """Fatal overdoses among users, shaped by purity swings, disruption and naloxone."""
        model = self.model
        h, communities, dealers, rng = model.p.harm, model.communities, model.dealers, model.rng
        swing = safe_ratio(dealers.local_purity, self.purity_ma, 1.0) ** h.purity_swing
        risk = h.overdose_rate * swing * (1 + h.disruption_risk * dealers.disruption)
        fatal = np.clip(risk * (1 - h.naloxone_coverage * h.naloxone_efficacy), 0, 1)
        dependent = rng.binomial(communities.dependent, fatal)
        occasional = rng.binomial(communities.occasional, fatal * 0.1)
        communities.remove_users(dependent, occasional)
        model.log.record_places("overdose", dependent + occasional, places=communities.place)
        self.purity_ma = ewma(self.purity_ma, dealers.local_purity, 0.1)

    def infections(self) -> None:
        """New infections among people who inject without clean equipment."""
        model = self.model
        h, communities, rng = model.p.harm, model.communities, model.rng
        injectors = communities.dependent * h.injecting_share
        self.infected = np.minimum(self.infected, injectors)
        coverage = min(1.0, h.syringe_coverage * (1.5 if model.p.policy.harm_reduction_policing else 1.0))
        prevalence = safe_ratio(self.infected, injectors)
        chance = np.clip(h.sharing_infection * (1 - coverage * h.syringe_efficacy) * prevalence / INITIAL_INFECTED,
                         0, 1)
        new = rng.binomial(np.round(injectors - self.infected).astype(np.int64), chance)
        self.infected += new
        model.log.record_places("infection", new, places=communities.place)

    def trust_and_fear(self) -> None:
        """Trust moves toward the level current conditions support: lowered by violence, mass
        arrests and corruption, raised by community policing. Fear follows violence and extortion."""
        model = self.model
        h, communities, log = model.p.harm, model.communities, model.log
        place = communities.place
        per_100k_year = log.by_place("homicide")[place] / communities.population * PER_100K * WEEKS_PER_YEAR
        self.homicide_rate_ma = ewma(self.homicide_rate_ma, per_100k_year, 0.05)
        arrests = model.dealers.arrests + log.by_place("arrest", "user")[place]
        self.arrest_rate_ma = ewma(self.arrest_rate_ma, arrests / communities.population * 1e4 * WEEKS_PER_YEAR, 0.05)
        corruption = model.police.corruption * (1 + model.p.policy.collusion)
        effort_per_100k = model.police.community_effort / communities.population * PER_100K
        policing = model.p.police.community_trust_gain * effort_per_100k
        supported = (communities.trust0 + policing - h.trust_loss_violence * self.homicide_rate_ma
                     - h.trust_loss_arrests * self.arrest_rate_ma - h.trust_loss_corruption * corruption)
        communities.trust = np.clip(ewma(communities.trust, np.clip(supported, 0.01, 0.99), h.trust_adjustment),
                                    0.01, 0.99)
        extortion_per_1000 = model.violence.extortion_ma / communities.population * 1000
        felt = np.clip(self.homicide_rate_ma / 100 + FEAR_PER_EXTORTION * extortion_per_1000, 0, 1)
        self.fear = ewma(self.fear, felt, h.fear_adjustment)

    # -- outputs --------------------------------------------------------------------------------------------
    @metric("overdose_deaths", "deaths/week", "outcome", "Fatal overdoses.")
    def overdose_deaths(self) -> int:
        return int(self.model.log.total("overdose"))

    @metric("new_infections", "people/week", "outcome",
            "New blood-borne infections (HIV/HCV) among people who inject.")
    def new_infections(self) -> int:
        return int(self.model.log.total("infection"))

    @metric("fear", "0-1", "outcome", "Population-weighted mean fear of crime.")
    def fear_metric(self) -> float:
        return self.model.communities.population_mean(self.fear)

    @metric("harm_index", "per 100k/year", "outcome",
            "Weighted sum of harms per 100,000 residents per year: homicides and overdose deaths "
            "(weight 1), new infections, prison admissions and extortion events (weights in harm.*).")
    def harm_index(self) -> float:
        model = self.model
        h, log = model.p.harm, model.log
        harm = (model.violence.homicides() + log.total("overdose") + h.weight_infection * log.total("infection")
                + h.weight_incarceration * log.total("incarceration") + h.weight_extortion * log.total("extortion"))
        return harm * model.violence.per_100k_year
