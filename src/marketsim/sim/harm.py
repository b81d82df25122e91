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

from marketsim.sim.common import PER_10K, PER_100K, PER_1000, WEEKS_PER_YEAR, compiled, metric, pairwise_sum
from marketsim.sim.subsystem import Subsystem

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

NO_FACTOR = np.zeros(0)
"""What the overdose kernel is given for the purity surprise and the intake excess when users' tolerance
is not modelled (it reads neither)."""


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
        # the purity and intake users meet against those they are used to; then they get used to them
        purity_ratio, intake_ratio = _dose_ratios(dealers.local_purity, communities.intake, self.expected_purity,
                                                  self.tolerance, h.purity_learning, h.tolerance_adaptation)
        if mechanisms.tolerance:
            surprise, excess = purity_ratio ** h.purity_swing, intake_ratio ** h.tolerance_elasticity
        else:
            surprise = excess = NO_FACTOR
        naloxone = model.interventions.programme("naloxone").coverage
        reversed_share = naloxone * h.naloxone_efficacy if mechanisms.naloxone_reversal else 0.0
        fatal, occasional_fatal = _overdose_chances(
            surprise, excess, self.informed, self.anyone_informed, dealers.disruption, h.overdose_rate,
            h.disruption_risk, float(reversed_share), h.occasional_risk)
        dependent = rng.overdose_dependent.binomial(communities.dependent, fatal)
        occasional = rng.overdose_occasional.binomial(communities.occasional, occasional_fatal)
        deaths = communities.remove_users(dependent, occasional)
        model.log.record_places("overdose", deaths, places=communities.place)
        if self.anyone_informed:
            self.informed[:] = 0.0
            self.anyone_informed = False

    def infections(self) -> None:
        """New infections among people who inject without clean equipment. Syringe programmes
        reach those who attend; the arrests people using services suffer keep others away (none
        where police leave service users alone)."""
        model = self.model
        h, communities, mechanisms = model.p.harm, model.communities, model.p.mechanisms
        syringes = model.interventions.programme("syringes").coverage
        self.attending, at_risk, chance = _infection_chances(
            communities.dependent, self.infected, model.police.service_user_arrest_hazard, mechanisms.service_access,
            mechanisms.clean_equipment, float(syringes), h.injecting_share, h.arrest_avoidance, h.syringe_efficacy,
            h.sharing_infection, h.initial_prevalence)
        new = self.draws.infection.binomial(at_risk, chance)
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
        supported = _trust_and_fear(
            communities.place, log.by_place("homicide"), log.by_place("arrest", "user"), model.dealers.arrests,
            communities.population, communities.trust0, police.community_effort, model.violence.extortion_ma,
            self.homicide_rate_ma, self.arrest_rate_ma, self.fear, float(police.corruption), self.answered,
            model.p.police.community_trust_gain, h.experience_memory, h.trust_loss_violence, h.trust_loss_arrests,
            h.response_trust_gain, h.trust_loss_corruption, h.fear_homicide_rate, h.fear_per_extortion,
            h.fear_adjustment)
        if model.p.mechanisms.procedural_justice:
            communities.move_trust(supported, h.trust_adjustment)

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
        return _attendance(self.attending, self.model.communities.dependent, float(self.model.p.harm.injecting_share))

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


# -- compiled kernels of the rules above (marketsim.sim.common.compiled: numpy's arithmetic, operation for operation)
@compiled
def _attendance(attending: np.ndarray, dependent: np.ndarray, injecting_share: float) -> float:
    """The people ``attending`` syringe programmes over the people who inject (``injecting_share`` of
    the ``dependent`` users; NaN when nobody injects), the attending summed pairwise, as numpy sums."""
    users = 0
    for community in range(len(dependent)):
        users += dependent[community]
    injectors = users * injecting_share
    return pairwise_sum(attending) / injectors if injectors > 0 else np.nan


@compiled
def _dose_ratios(purity: np.ndarray, intake: np.ndarray, expected_purity: np.ndarray, tolerance: np.ndarray,
                 purity_learning: float, tolerance_adaptation: float) -> tuple[np.ndarray, np.ndarray]:
    """The ``purity`` users meet against the purity they expect, and their ``intake`` against the
    intake they are used to (1 where they expect or are used to none); then ``expected_purity`` and
    ``tolerance`` move toward this week's purity and intake (moving averages)."""
    n = len(purity)
    purity_ratio, intake_ratio = np.empty(n), np.empty(n)
    for c in range(n):
        purity_ratio[c] = purity[c] / expected_purity[c] if expected_purity[c] > 0 else 1.0
        intake_ratio[c] = intake[c] / tolerance[c] if tolerance[c] > 0 else 1.0
        expected_purity[c] += purity_learning * (purity[c] - expected_purity[c])
        tolerance[c] += tolerance_adaptation * (intake[c] - tolerance[c])
    return purity_ratio, intake_ratio


@compiled
def _overdose_chances(surprise: np.ndarray, excess: np.ndarray, informed: np.ndarray, anyone_informed: bool,
                      disruption: np.ndarray, overdose_rate: float, disruption_risk: float, reversed_share: float,
                      occasional_risk: float) -> tuple[np.ndarray, np.ndarray]:
    """Each community's chance a dependent and an occasional user dies of an overdose this week: the
    base rate, raised by the purity ``surprise`` of those not ``informed`` and the intake ``excess``
    over tolerance (both empty when tolerance is not modelled) and by supply ``disruption``, less the
    share naloxone reverses."""
    n = len(disruption)
    fatal, occasional_fatal = np.empty(n), np.empty(n)
    for c in range(n):
        risk = overdose_rate
        if len(surprise):
            felt = informed[c] + (1 - informed[c]) * surprise[c] if anyone_informed else surprise[c]
            risk = risk * felt * excess[c]
        risk = risk * (1 + disruption_risk * disruption[c])
        fatal[c] = min(max(risk * (1 - reversed_share), 0.0), 1.0)
        occasional_fatal[c] = min(max(fatal[c] * occasional_risk, 0.0), 1.0)
    return fatal, occasional_fatal


@compiled
def _infection_chances(dependent: np.ndarray, infected: np.ndarray, arrest_hazard: np.ndarray, service_access: bool,
                       clean_equipment: bool, syringes: float, injecting_share: float, arrest_avoidance: float,
                       syringe_efficacy: float, sharing_infection: float,
                       initial_prevalence: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of each community's people who inject (``injecting_share`` of the dependent users; ``infected``
    is capped at them): those attending syringe programmes (the coverage ``syringes``, less those the
    weekly ``arrest_hazard`` near services keeps away, where it does), the whole people not infected
    and their chance of infection this week (sharing with the infected, less the programmes'
    protection)."""
    n = len(dependent)
    attending, chance = np.empty(n), np.empty(n)
    at_risk = np.empty(n, np.int64)
    for c in range(n):
        injectors = dependent[c] * injecting_share
        infected[c] = min(infected[c], injectors)
        if service_access:
            attendance = min(max(1 - arrest_avoidance * (arrest_hazard[c] * WEEKS_PER_YEAR), 0.0), 1.0)
            coverage = min(max(syringes * attendance, 0.0), 1.0)
        else:  # everybody can attend
            coverage = min(max(syringes, 0.0), 1.0)
        attending[c] = injectors * coverage
        protection = coverage * syringe_efficacy if clean_equipment else 0.0
        prevalence = infected[c] / injectors if injectors > 0 else 0.0
        chance[c] = min(max(sharing_infection * (1 - protection) * prevalence / max(initial_prevalence, 1e-9),
                            0.0), 1.0)
        at_risk[c] = int(np.rint(injectors - infected[c]))
    return attending, at_risk, chance


@compiled
def _trust_and_fear(place: np.ndarray, homicides: np.ndarray, user_arrests: np.ndarray, dealer_arrests: np.ndarray,
                    population: np.ndarray, trust0: np.ndarray, community_effort: np.ndarray,
                    extortion_ma: np.ndarray, homicide_rate_ma: np.ndarray, arrest_rate_ma: np.ndarray,
                    fear: np.ndarray, corruption: float, answered: float, community_trust_gain: float,
                    experience_memory: float, trust_loss_violence: float, trust_loss_arrests: float,
                    response_trust_gain: float, trust_loss_corruption: float, fear_homicide_rate: float,
                    fear_per_extortion: float, fear_adjustment: float) -> np.ndarray:
    """Each community's experience of violence and arrests (``homicide_rate_ma`` per 100,000 a year
    and ``arrest_rate_ma`` per 10,000 a year, moving averages of this week's ``homicides`` and
    ``user_arrests`` at each place and ``dealer_arrests``) and its ``fear`` (toward what violence and
    extortion make felt), updated; returns the trust that experience supports."""
    n = len(place)
    supported = np.empty(n)
    for c in range(n):
        per_100k_year = homicides[place[c]] / population[c] * PER_100K * WEEKS_PER_YEAR
        homicide_rate_ma[c] += experience_memory * (per_100k_year - homicide_rate_ma[c])
        arrests = dealer_arrests[c] + user_arrests[place[c]]
        arrest_rate_ma[c] += experience_memory * (arrests / population[c] * PER_10K * WEEKS_PER_YEAR
                                                  - arrest_rate_ma[c])
        effort_per_100k = community_effort[c] / population[c] * PER_100K
        supported[c] = (trust0[c] + community_trust_gain * effort_per_100k
                        - trust_loss_violence * homicide_rate_ma[c] - trust_loss_arrests * arrest_rate_ma[c]
                        - response_trust_gain * (1 - answered) - trust_loss_corruption * corruption)
        extortion_per_1000 = extortion_ma[c] / population[c] * PER_1000
        felt = min(max(homicide_rate_ma[c] / fear_homicide_rate + fear_per_extortion * extortion_per_1000, 0.0), 1.0)
        fear[c] += fear_adjustment * (felt - fear[c])
    return supported
