"""Harm: overdoses, infections, what residents report, trust and fear.

Users dose for the purity they expect and at the intake they are used to: overdose risk rises
when purity exceeds what they expect and when intake exceeds their tolerance (which falls in a
drought), and when local supply is disrupted (users turn to unknown sellers, Ray et al. 2023);
naloxone carried by witnesses reverses some overdoses. Infections among people who inject fall
with syringe programmes, which people avoid where police arrest near them. Residents report some
of the violence they witness, more the more they trust police; trust follows their encounters
with police (community policing contacts, arrests, reports followed up or not), violence and
corruption; fear follows violence and extortion. The population is held constant: people who die
are replaced by new residents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import PER_10K, PER_100K, PER_1000, WEEKS_PER_YEAR, ewma, metric, safe_ratio
from marketsim.sim.subsystem import Subsystem

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


class Harm(Subsystem):
    """Health harms and how residents feel: infections, the purity and intake users are used to,
    service attendance, reports, trust and fear."""

    name = "harm"
    needs = ("communities",)

    def __init__(self, model: DrugMarketModel):
        self.attach(model)
        h = model.p.harm
        communities = model.communities
        n = len(communities.place)
        self.infected = communities.dependent * h.injecting_share * h.initial_prevalence  # people who inject
        self.expected_purity = np.full(n, model.p.retail.purity)  # the purity users dose for
        self.informed = np.zeros(n)           # share of users who know this week's purity before they dose
        self.anyone_informed = False          # whether any share of informed is above 0 this week
        self.tolerance = np.ones(n)           # intake users are used to, relative to reference amounts
        self.attending = np.zeros(n)          # people who inject using syringe programmes
        self.fear = np.zeros(n)
        self.homicide_rate_ma = np.zeros(n)   # homicides per 100k per year, moving average
        self.arrest_rate_ma = np.zeros(n)     # user and street arrests per 10k per year, moving average
        self.reports = 0                      # violent incidents reported this week
        self.answered = 1.0                   # share of reports followed up this week

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def step(self) -> None:
        """Harm: overdoses, infections, reports, trust and fear."""
        self.overdoses()
        self.infections()
        self.report_violence()
        self.trust_and_fear()

    def inform_users(self, share: float | np.ndarray) -> None:
        """This week, ``share`` of users (per community, or everywhere) know the purity of what they
        bought before they dose (they had it checked and act on the result), so a change of purity
        does not surprise them."""
        if not self.anyone_informed and np.ndim(share) == 0 and share <= 0:  # nobody, as before (no service)
            return
        self.informed = np.broadcast_to(np.clip(share, 0.0, 1.0), self.informed.shape).copy()
        self.anyone_informed = bool(self.informed.any())

    def overdoses(self) -> None:
        """Fatal overdoses: users dose for the purity they expect at the intake they are used to
        (those who know this week's purity dose for it)."""
        model = self.model
        h, communities, dealers, rng = model.p.harm, model.communities, model.dealers, self.draws
        mechanisms = model.p.mechanisms
        risk = h.overdose_rate  # per community once multiplied by the disruption below
        if mechanisms.tolerance:
            surprise = safe_ratio(dealers.local_purity, self.expected_purity, 1.0) ** h.purity_swing
            if self.anyone_informed:  # in a usual week nobody knows the purity: the whole surprise stands
                surprise = self.informed + (1 - self.informed) * surprise
            excess = safe_ratio(communities.intake, self.tolerance, 1.0) ** h.tolerance_elasticity
            risk = risk * surprise * excess
        risk = risk * (1 + h.disruption_risk * dealers.disruption)
        naloxone = model.interventions.programme("naloxone").coverage
        reversed_share = naloxone * h.naloxone_efficacy if mechanisms.naloxone_reversal else 0.0
        fatal = np.minimum(np.maximum(risk * (1 - reversed_share), 0.0), 1.0)
        users = communities.users  # a new sum each time it is read: unchanged when the deaths leave
        dependent = rng.overdose_dependent.binomial(communities.dependent, fatal)
        occasional_fatal = np.minimum(np.maximum(fatal * h.occasional_risk, 0.0), 1.0)
        occasional = rng.overdose_occasional.binomial(communities.occasional, occasional_fatal)
        deaths = dependent + occasional
        communities.remove_users(dependent, occasional)
        communities.see_deaths(deaths, users)
        model.log.record_places("overdose", deaths, places=communities.place)
        self.expected_purity = ewma(self.expected_purity, dealers.local_purity, h.purity_learning)
        self.tolerance = ewma(self.tolerance, communities.intake, h.tolerance_adaptation)
        if self.anyone_informed:
            self.informed[:] = 0.0
            self.anyone_informed = False

    def infections(self) -> None:
        """New infections among people who inject without clean equipment. Syringe programmes
        reach those who attend; the arrests people using services suffer keep others away (none
        where police leave service users alone)."""
        model = self.model
        h, communities, rng, mechanisms = model.p.harm, model.communities, self.draws, model.p.mechanisms
        injectors = communities.dependent * h.injecting_share
        self.infected = np.minimum(self.infected, injectors)
        syringes = model.interventions.programme("syringes").coverage
        if mechanisms.service_access:
            yearly_risk = model.police.service_user_arrest_hazard * WEEKS_PER_YEAR
            attendance = np.minimum(np.maximum(1 - h.arrest_avoidance * yearly_risk, 0.0), 1.0)
            coverage = np.minimum(np.maximum(syringes * attendance, 0.0), 1.0)
        else:  # everybody can attend
            coverage = np.full(len(injectors), min(max(float(syringes), 0.0), 1.0))
        self.attending = injectors * coverage
        protection = coverage * h.syringe_efficacy if mechanisms.clean_equipment else 0.0
        prevalence = safe_ratio(self.infected, injectors)
        chance = np.minimum(np.maximum(h.sharing_infection * (1 - protection) * prevalence
                                       / max(h.initial_prevalence, 1e-9), 0.0), 1.0)
        new = rng.infection.binomial(np.rint(injectors - self.infected).astype(np.int64), chance)
        self.infected += new
        model.log.record_places("infection", new, places=communities.place)

    def report_violence(self) -> None:
        """Residents report some of the violent incidents of the week — more where they trust
        police; reactive officers follow up as many as their time allows."""
        model = self.model
        communities, police = model.communities, model.police
        incidents = np.rint(model.log.by_place("incident")[communities.place]).astype(np.int64)
        reported = self.draws.reports.binomial(incidents, police.reporting(communities.trust))
        model.log.record_places("report", reported, places=communities.place)
        self.reports = int(reported.sum())
        capacity = police.reactive_effort * model.p.police.reports_per_officer_week
        self.answered = min(1.0, capacity / self.reports) if self.reports else 1.0

    def trust_and_fear(self) -> None:
        """Trust moves toward the level residents' experience supports: raised by community
        policing contacts, lowered by violence, by arrests in their community, by reports nobody
        follows up, and by corruption. Fear follows violence and extortion."""
        model = self.model
        h, communities, log, police = model.p.harm, model.communities, model.log, model.police
        place = communities.place
        per_100k_year = log.by_place("homicide")[place] / communities.population * PER_100K * WEEKS_PER_YEAR
        self.homicide_rate_ma = ewma(self.homicide_rate_ma, per_100k_year, h.experience_memory)
        arrests = model.dealers.arrests + log.by_place("arrest", "user")[place]
        self.arrest_rate_ma = ewma(self.arrest_rate_ma, arrests / communities.population * PER_10K * WEEKS_PER_YEAR,
                                   h.experience_memory)
        if model.p.mechanisms.procedural_justice:
            corruption = police.corruption
            effort_per_100k = police.community_effort / communities.population * PER_100K
            supported = (communities.trust0 + model.p.police.community_trust_gain * effort_per_100k
                         - h.trust_loss_violence * self.homicide_rate_ma - h.trust_loss_arrests * self.arrest_rate_ma
                         - h.response_trust_gain * (1 - self.answered) - h.trust_loss_corruption * corruption)
            communities.move_trust(supported, h.trust_adjustment)
        extortion_per_1000 = model.violence.extortion_ma / communities.population * PER_1000
        felt = np.minimum(np.maximum(self.homicide_rate_ma / h.fear_homicide_rate
                                     + h.fear_per_extortion * extortion_per_1000, 0.0), 1.0)
        self.fear = ewma(self.fear, felt, h.fear_adjustment)

    # -- outputs --------------------------------------------------------------------------------------------
    @metric("overdose_deaths", "deaths/week", "outcome", "Fatal overdoses.", direction="lower")
    def overdose_deaths(self) -> int:
        return int(self.model.log.total("overdose"))

    @metric("new_infections", "people/week", "outcome",
            "New blood-borne infections (HIV/HCV) among people who inject.", direction="lower")
    def new_infections(self) -> int:
        return int(self.model.log.total("infection"))

    @metric("syringe_attendance", "share", "process",
            "Share of people who inject who used a syringe programme this week (missing when nobody injects): "
            "the programmes' coverage, less those kept away by the risk of arrest near services.",
            direction="higher", nullable=True)
    def syringe_attendance(self) -> float:
        injectors = self.model.communities.dependent.sum() * self.model.p.harm.injecting_share
        return float(self.attending.sum() / injectors) if injectors > 0 else float("nan")

    @metric("reporting", "share", "outcome",
            "Share of this week's violent incidents in towns and neighbourhoods that residents reported to police "
            "(missing when there were none).", direction="higher", nullable=True)
    def reporting(self) -> float:
        communities = self.model.communities
        incidents = self.model.log.by_place("incident")[communities.place].sum()
        return self.reports / incidents if incidents else float("nan")

    @metric("fear", "0-1", "outcome", "Population-weighted mean fear of crime.", direction="lower")
    def fear_metric(self) -> float:
        return self.model.communities.population_mean(self.fear)

    @metric("harm_index", "per 100k/year", "outcome",
            "Weighted sum of harms per 100,000 residents per year: homicides and overdose deaths "
            "(weight 1), new infections, prison admissions and extortion events (weights in harm.*).",
            direction="lower")
    def harm_index(self) -> float:
        model = self.model
        h, log = model.p.harm, model.log
        harm = (model.violence.homicides() + log.total("overdose") + h.weight_infection * log.total("infection")
                + h.weight_incarceration * log.total("incarceration") + h.weight_extortion * log.total("extortion"))
        return harm * model.violence.per_100k_year
