"""Communities: the residents of each city neighbourhood and transit town, and their drug use.

Residents are held in compartments — non-users, occasional users, dependent users, people in
treatment, in prison, with a criminal record — with trust in police. Each week users want
their reference amounts scaled by (price / reference price)^elasticity; a legal market, where
regulated, supplies its share. Dealers sell what they hold, in proportion to their stock; part
of what the local market cannot supply is sought from dealers in neighbouring neighbourhoods
(displacement of buyers); what is still unmet is a shortage, which deters initiation and pushes
occasional users to stop. Then
people move between non-use, occasional use, dependence and treatment (binomial draws).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import (
    GRAMS_PER_KG,
    PER_100K,
    PER_1000,
    compiled,
    metric,
    once_per_value,
    pairwise_sum,
    safe_ratio,
)
from marketsim.sim.retail import SalesMode
from marketsim.sim.subsystem import Subsystem
from marketsim.sim.tables import Column, RowAgent

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

TRUST_BOUNDS = (0.01, 0.99)
"""Trust stays strictly inside 0-1: nobody trusts police wholly or not at all."""
COMPARTMENTS = ("non_users", "occasional", "dependent", "treatment", "prison", "record")
"""The compartments of each community's residents: the first five partition them; ``record``
counts the residents (non-users among them) who have a criminal record."""


class Community(RowAgent):
    """The residents of one place. Its compartments are row ``index`` of ``model.communities``."""

    trust = Column("trust")

    def compartments(self) -> dict[str, int]:
        """Residents by compartment."""
        return {name: int(getattr(self.table, name)[self.index]) for name in COMPARTMENTS}


class Communities(Subsystem):
    """Population compartments and trust of every community, one row each, in the order of
    ``places.community``."""

    name = "communities"
    needs = ()

    def __init__(self, model: DrugMarketModel):
        """Residents from the world; users only in urban places, more where the world's user
        index is higher."""
        self.attach(model)
        p, places, rng = model.p, model.places, self.draws
        rows = places.community_places
        self.place = rows                                   # place index of each community
        self.population = places.population[rows]           # residents (constant; compartments partition it)
        self.deprivation = places.deprivation[rows]
        self.deprivation_gap = self.deprivation - self.deprivation.mean()  # to the mean community's (constant)
        self.trust = places.trust[rows].copy()              # trust in police, 0-1
        self.trust0 = places.trust[rows].copy()             # trust with no violence, mass arrests or corruption
        n = len(rows)
        urban = places.is_urban[rows]
        factor = places.user_index[rows]
        mean_factor = np.average(factor[urban], weights=self.population[urban]) if urban.any() else 1.0
        expected_users = p.demand.prevalence * factor / mean_factor * self.population
        users = np.where(urban, rng.initial_users.poisson(expected_users), 0)
        self.dependent = rng.initial_dependent.binomial(users, p.demand.dependent_share)
        self.occasional = users - self.dependent
        steady_treatment = p.demand.treatment_seeking * p.demand.initial_open_share * p.demand.treatment_weeks
        residents = np.round(self.population).astype(np.int64)
        # long episodes sought by all would put more in treatment than live there: at most every non-user
        self.treatment = np.minimum(np.round(self.dependent * steady_treatment).astype(np.int64), residents - users)
        self.non_users = residents - users - self.treatment
        self.prison = np.zeros(n, dtype=np.int64)           # filled by the justice system
        self.record = np.zeros(n, dtype=np.int64)           # people with a criminal record
        self.shortage = np.zeros(n)                         # share of demand unmet this week
        self.referrals = np.zeros(n, dtype=np.int64)        # users referred to treatment this week
        self.businesses = self.population * p.violence.businesses_per_1000 / PER_1000  # exposed to extortion
        self.sales_value = np.zeros(n)                      # USD of retail sales this week
        self.street_sales = np.zeros(n)                     # of which by dealers who hold street territory
        self.intake = np.ones(n)                            # consumption per user relative to reference amounts
        self.price_effect = np.ones(n)                      # demand per user at this week's price / at the reference
        self.perceived_risk = self.expected_risk()          # overdose deaths per user per week users perceive
        self.reference_risk = self.perceived_risk.copy()    # ... at the start (initiation's reference)
        self.consumed_kg = 0.0                              # this week, illicit
        self.legal_kg = 0.0                                 # this week, from the legal supply
        self.demand_kg = 0.0                                # this week, illicit demand
        self.retail_value = 0.0                             # USD of retail sales this week
        self.nearby = np.zeros((n, n))                      # 1 where two city neighbourhoods share a border
        for row, place in enumerate(rows.tolist()):
            near = places.community[places.neighbours[place]]
            near = near[(near >= 0) & urban[np.maximum(near, 0)]]
            self.nearby[row, near] = float(urban[row])
        self.agents = [Community(model, self, i) for i in range(n)]

    @property
    def users(self) -> np.ndarray:
        """Occasional plus dependent users."""
        return self.occasional + self.dependent

    def reference_demand_kg(self) -> np.ndarray:
        """Weekly demand (kg pure) of each community at the reference price."""
        d = self.model.p.demand
        return (self.occasional * d.grams_occasional + self.dependent * d.grams_dependent) / GRAMS_PER_KG

    def expected_risk(self) -> np.ndarray:
        """Overdose deaths per user per week at the base overdose rate."""
        h = self.model.p.harm
        deaths = h.overdose_rate * (self.dependent + h.occasional_risk * self.occasional)
        return np.maximum(safe_ratio(deaths, self.users), 1e-12)

    def population_mean(self, values: np.ndarray) -> float:
        """Population-weighted mean of a per-community quantity."""
        return float(self.population_shares @ values)

    @cached_property
    def population_shares(self) -> np.ndarray:
        """Each community's share of the residents (computed once: the population does not change)."""
        return self.population / self.population.sum()

    @cached_property
    def residents(self) -> float:
        """Residents of all the communities (computed once: the population does not change)."""
        return float(self.population.sum())

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def demand(self) -> None:
        """Demand: consumption at the local price, shortages, flows between user states."""
        self.consume()
        self.transitions()

    def consume(self) -> None:
        """Users buy from dealers' stock; record consumption, legal supply and shortage."""
        d, dealers, model = self.model.p.demand, self.model.dealers, self.model
        price = np.where(dealers.local_price > 0, dealers.local_price, d.reference_price)
        reference = self.reference_demand_kg()
        self.price_effect = (price / d.reference_price) ** d.elasticity
        legal_market = model.interventions.programme("legal_market")
        legal_price = d.reference_price * legal_market.price_ratio
        legal_effect = (legal_price / d.reference_price) ** d.elasticity
        active = dealers.active_slots()
        community = dealers.community_of(active)
        illicit, legal, available, local, unmet, leftover, anyone_unmet = local_market(
            reference, self.price_effect, float(legal_market.share), float(legal_effect), community, active,
            dealers.stock)
        away, to_visitors, visitors = self.buy_next_door(unmet, leftover, anyone_unmet)
        (sold, expected, self.shortage, self.intake, self.sales_value, self.street_sales, self.consumed_kg,
         self.legal_kg, self.demand_kg, self.retail_value) = market_sales(
            illicit, legal, reference, available, local, away, to_visitors, visitors, community, active,
            dealers.stock, dealers.community_counts(), dealers.price, dealers.mode,
            bool(model.p.mechanisms.street_territory))
        # a dealer expects its share of the demand it faces (its neighbourhood's and its visitors'),
        # whether or not it had the stock to serve it
        dealers.sell(active, sold, expected)
        model.ledger.consume(self.consumed_kg)

    def buy_next_door(self, unmet: np.ndarray, leftover: np.ndarray,
                      anyone_unmet: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Users seek ``demand.travel_share`` of the demand their neighbourhood could not supply
        (``unmet``; ``anyone_unmet``: any not 0) from the dealers next door, in proportion to what
        those have ``leftover``; where many seek the
        same stock, each gets its share. Returns, per community, the kg its users bought next door,
        the kg its dealers sold to visitors, and the demand its dealers saw from visitors (none
        when every neighbourhood's demand was met at home: the usual week)."""
        n = len(self.place)
        if not self.model.p.mechanisms.displacement or not anyone_unmet:
            return np.zeros(n), np.zeros(n), np.zeros(n)
        offer = self.nearby * leftover[None, :]
        sought = self.model.p.demand.travel_share * unmet
        requests = sought[:, None] * safe_ratio(offer, offer.sum(axis=1, keepdims=True))
        visitors = requests.sum(axis=0)
        fill = np.minimum(safe_ratio(leftover, visitors, 1.0), 1.0)
        travelled = requests * fill[None, :]  # kg bought: buyers' community × sellers' community
        return travelled.sum(axis=1), travelled.sum(axis=0), visitors

    def transitions(self) -> None:
        """Initiation, cessation, progression, remission and treatment, per community. Initiation
        and progression follow availability (this week's price, as :meth:`consume` met it, and
        shortage), deprivation, and the overdose risk users see."""
        model = self.model
        d, rng, mechanisms = model.p.demand, self.draws, model.p.mechanisms
        # numpy's powers, not the C library's
        shortage_effect = (1 - self.shortage) ** d.shortage_initiation
        if mechanisms.risk_compensation:
            risk_effect = (self.perceived_risk / self.reference_risk) ** -d.risk_aversion
        else:
            risk_effect = np.ones(len(self.place))
        capacity, funded = self.treatment_capacity(model.interventions.programme("treatment").per_100k)
        initiation, cessation, progression, free, seeking_chance = transition_chances(
            shortage_effect, risk_effect, self.price_effect, self.shortage, self.occasional, self.dependent,
            self.treatment, self.pressure(d.deprivation_effect), capacity, funded,
            bool(mechanisms.treatment_access), float(d.availability_range), float(d.initiation),
            float(d.cessation), float(d.progression), float(d.treatment_seeking))
        starting = rng.initiation.binomial(self.non_users, initiation)
        stopping = rng.cessation.binomial(self.occasional, cessation)
        progressing = rng.progression.binomial(self.occasional - stopping, progression)
        remitting = rng.remission.binomial(self.dependent, d.remission)
        seeking = rng.treatment_seeking.binomial(self.dependent - remitting, seeking_chance)
        leaving = rng.treatment_exit.binomial(self.treatment, 1 / d.treatment_weeks)
        recovered = rng.treatment_success.binomial(leaving, d.treatment_success)
        move_residents(self.non_users, self.occasional, self.dependent, self.treatment, self.referrals, starting,
                       stopping, progressing, remitting, seeking, leaving, recovered, free)

    @once_per_value
    def pressure(self, deprivation_effect: float) -> np.ndarray:
        """How deprivation scales initiation in each community, relative to the mean community
        (computed once per value of ``demand.deprivation_effect``: deprivation does not change)."""
        return 1 + deprivation_effect * self.deprivation_gap

    @once_per_value
    def treatment_capacity(self, per_100k: float) -> tuple[np.ndarray, np.ndarray]:
        """Treatment places in each community when ``per_100k`` are funded per 100,000 residents, and
        where there are any (computed once per funding level: the population does not change)."""
        capacity = np.round(per_100k * self.population / PER_100K).astype(np.int64)
        return capacity, capacity > 0

    # -- what other subsystems do to communities ----------------------------------------------------------
    def start_sentences(self, prisoners: np.ndarray, records: np.ndarray) -> None:
        """When the run starts, ``prisoners`` of each community (non-users) are serving sentences and
        ``records`` have a criminal record."""
        self.prison = prisoners
        self.record = records
        self.non_users -= prisoners

    def imprison(self, residents: np.ndarray) -> None:
        """Residents not counted as users go to prison."""
        self.non_users -= residents
        self.prison += residents

    def imprison_users(self, dependent: np.ndarray, occasional: np.ndarray) -> None:
        """Users go to prison: they leave their user compartments."""
        self.dependent -= dependent
        self.occasional -= occasional
        self.prison += dependent + occasional

    def release(self, residents: np.ndarray) -> None:
        """People released from prison come home as non-users, with a criminal record."""
        self.prison -= residents
        self.non_users += residents
        self.record += residents

    def expire_records(self, records: np.ndarray) -> None:
        """Criminal records that expire (or whose holders move away)."""
        self.record -= records

    def move_trust(self, supported: np.ndarray, rate: float) -> None:
        """Residents' trust in police moves ``rate`` of the way toward the level their experience
        ``supported``; it stays strictly inside 0-1 (``TRUST_BOUNDS``)."""
        low, high = TRUST_BOUNDS
        self.trust = moved_trust(self.trust, supported, float(rate), low, high)

    def refer(self, users: np.ndarray) -> None:
        """Users referred to treatment (by a court or, where possession is decriminalised, by police):
        they seek a place next week."""
        self.referrals += users

    def remove_users(self, dependent: np.ndarray, occasional: np.ndarray) -> np.ndarray:
        """Users who die (``dependent`` and ``occasional`` of each community) leave their compartments;
        new residents take their place as non-users (the population is held constant), and users update
        the overdose risk they perceive from the deaths among them. Returns the deaths in each community."""
        return remove_the_dead(self.non_users, self.occasional, self.dependent, self.perceived_risk, dependent,
                               occasional, float(self.model.p.demand.risk_memory))

    # -- outputs --------------------------------------------------------------------------------------------
    @metric("users", "people", "outcome", "People who used in the past year (occasional + dependent).",
            direction="lower")
    def users_metric(self) -> int:
        return int(self.users.sum())

    @metric("dependent_users", "people", "outcome", "Dependent users (not in treatment).", direction="lower")
    def dependent_users(self) -> int:
        return int(self.dependent.sum())

    @metric("in_treatment", "people", "outcome", "People in drug treatment.")
    def in_treatment(self) -> int:
        return int(self.treatment.sum())

    @metric("trust", "0-1", "outcome", "Population-weighted mean trust in police.", direction="higher")
    def trust_metric(self) -> float:
        return self.population_mean(self.trust)

    @metric("consumption_kg", "kg pure/week", "market", "Illicit drug consumed.")
    def consumption_kg(self) -> float:
        return self.consumed_kg

    @metric("legal_consumption_kg", "kg pure/week", "market", "Drug consumed from the legal, regulated supply.")
    def legal_consumption_kg(self) -> float:
        return self.legal_kg

    @metric("shortage", "share", "market", "Share of illicit demand left unmet.")
    def shortage_metric(self) -> float:
        return 1 - self.consumed_kg / self.demand_kg if self.demand_kg > 0 else 0.0

    @metric("retail_price", "USD/kg pure", "market",
            "Sales-weighted retail price per pure kg; missing (NaN) in a week when nothing is sold.", nullable=True)
    def retail_price(self) -> float:
        return self.retail_value / self.consumed_kg if self.consumed_kg > 0 else float("nan")


# -- kernels (numpy's arithmetic, operation for operation: see marketsim.sim.common.compiled) -------------------
@compiled
def local_market(reference: np.ndarray, price_effect: np.ndarray, legal_share: float, legal_effect: float,
                 community: np.ndarray, active: np.ndarray, stock: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Per community: the illicit demand (kg) at this week's price (``reference`` demand ×
    ``price_effect``, less the ``legal_share``), the legal supply (at the legal price's
    ``legal_effect``), the dealers' stock (``stock`` of the ``active`` slots, in ``community``), what
    the users buy from it at home, the demand left unmet and the stock left; and whether any demand is
    left unmet (not 0)."""
    n = len(reference)
    illicit, legal, available, local = np.empty(n), np.empty(n), np.zeros(n), np.empty(n)
    unmet, leftover = np.empty(n), np.empty(n)
    for row in range(n):
        illicit[row] = reference[row] * price_effect[row] * (1 - legal_share)
        legal[row] = reference[row] * legal_share * legal_effect
    for dealer in range(len(active)):  # in dealer order, as np.bincount adds
        available[community[dealer]] += stock[active[dealer]]
    anyone_unmet = False
    for row in range(n):
        local[row] = min(illicit[row], available[row])
        unmet[row] = illicit[row] - local[row]
        leftover[row] = available[row] - local[row]
        anyone_unmet = anyone_unmet or unmet[row] != 0  # as ndarray.any: a NaN counts
    return illicit, legal, available, local, unmet, leftover, anyone_unmet


@compiled
def market_sales(illicit: np.ndarray, legal: np.ndarray, reference: np.ndarray, available: np.ndarray,
                 local: np.ndarray, away: np.ndarray, to_visitors: np.ndarray, visitors: np.ndarray,
                 community: np.ndarray, active: np.ndarray, stock: np.ndarray, dealers: np.ndarray,
                 price: np.ndarray, mode: np.ndarray, street_territory: bool
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float,
                            float, float]:
    """What the week's buying gives: each dealer's (of the ``active`` slots, in ``community``) kg
    sold (its share of its community's stock sold ``local`` + ``to_visitors``) and expected sales
    (its share of the ``illicit`` demand and ``visitors``' among the ``dealers`` of its community);
    per community the shortage, the intake relative to the ``reference`` demand, the value of sales
    and of street sales (by dealers on street territory: not online, with ``street_territory``; at
    their ``price``); and the totals consumed, legal, demanded and sold (USD)."""
    n, count = len(illicit), len(active)
    bought, sell_share, per_dealer = np.empty(n), np.zeros(n), np.zeros(n)
    shortage, intake = np.empty(n), np.empty(n)
    for row in range(n):
        bought[row] = max(local[row] + away[row], 0.0)  # by the users of each community
        if available[row] > 0:  # sums of float differences can end a hair outside [0, 1]
            sell_share[row] = min(max((local[row] + to_visitors[row]) / available[row], 0.0), 1.0)
        if dealers[row] > 0:
            per_dealer[row] = (illicit[row] + visitors[row]) / dealers[row]
        met = bought[row] / illicit[row] if illicit[row] > 0 else 1.0
        shortage[row] = min(max(1 - met, 0.0), 1.0)
        intake[row] = (bought[row] + legal[row]) / reference[row] if reference[row] > 0 else 1.0
    sold, expected, value = np.empty(count), np.empty(count), np.empty(count)
    sales_value, street_sales = np.zeros(n), np.zeros(n)
    for dealer in range(count):  # the sums by community in dealer order, as np.bincount adds
        row = community[dealer]
        slot = active[dealer]
        sold[dealer] = stock[slot] * sell_share[row]
        expected[dealer] = per_dealer[row]
        value[dealer] = sold[dealer] * price[slot]
        sales_value[row] += value[dealer]
        territorial = not street_territory or mode[slot] != SalesMode.ONLINE  # online vendors hold none
        street_sales[row] += value[dealer] * (1.0 if territorial else 0.0)
    return (sold, expected, shortage, intake, sales_value, street_sales, pairwise_sum(bought), pairwise_sum(legal),
            pairwise_sum(illicit), pairwise_sum(value))


@compiled
def transition_chances(shortage_effect: np.ndarray, risk_effect: np.ndarray, price_effect: np.ndarray,
                       shortage: np.ndarray, occasional: np.ndarray, dependent: np.ndarray, treatment: np.ndarray,
                       pressure: np.ndarray, capacity: np.ndarray, funded: np.ndarray, treatment_access: bool,
                       availability_range: float, initiation: float, cessation: float, progression: float,
                       treatment_seeking: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per community, this week's chances of initiation (of a non-user), cessation and progression
    (of an occasional user) and of seeking treatment (of a dependent user), and the treatment places
    free (-1: without ``treatment_access``, as many as seek). Availability: the ``shortage_effect``
    × the ``price_effect`` (within ``availability_range``) × the ``risk_effect``; initiation also
    follows the deprivation ``pressure``, where there are users; seeking, the share of the
    ``capacity`` free where ``funded``."""
    n = len(shortage)
    starting, stopping, progressing = np.empty(n), np.empty(n), np.empty(n)
    free, seeking = np.empty(n, dtype=np.int64), np.empty(n)
    for row in range(n):
        availability = shortage_effect[row] * min(max(price_effect[row], 1 / availability_range),
                                                  availability_range) * risk_effect[row]
        has_market = 1.0 if occasional[row] + dependent[row] > 0 else 0.0
        starting[row] = min(max(initiation * availability * pressure[row] * has_market, 0.0), 1.0)
        stopping[row] = min(cessation * (1 + shortage[row]), 1.0)
        progressing[row] = min(progression * availability, 1.0)
        if treatment_access:  # waiting lists deter: the fewer places free, the fewer dependent users seek
            free[row] = max(capacity[row] - treatment[row], 0)
            seeking[row] = treatment_seeking * (free[row] / capacity[row] if funded[row] else 0.0)
        else:
            free[row] = -1
            seeking[row] = treatment_seeking * 1.0
    return starting, stopping, progressing, free, seeking


@compiled
def move_residents(non_users: np.ndarray, occasional: np.ndarray, dependent: np.ndarray, treatment: np.ndarray,
                   referrals: np.ndarray, starting: np.ndarray, stopping: np.ndarray, progressing: np.ndarray,
                   remitting: np.ndarray, seeking: np.ndarray, leaving: np.ndarray, recovered: np.ndarray,
                   free: np.ndarray) -> None:
    """The week's flows between the compartments (written): users start, stop, progress and remit;
    dependent users ``seeking`` treatment, and last week's ``referrals`` (then cleared), enter as far
    as places are ``free`` (-1: as many as seek); those ``leaving`` it recover or relapse."""
    for row in range(len(non_users)):
        still_dependent = dependent[row] - remitting[row]
        places = still_dependent if free[row] < 0 else free[row]
        entering = min(min(seeking[row] + referrals[row], places), still_dependent)
        referrals[row] = 0
        non_users[row] += -starting[row] + stopping[row] + remitting[row] + recovered[row]
        occasional[row] += starting[row] - stopping[row] - progressing[row]
        dependent[row] += progressing[row] - remitting[row] - entering + (leaving[row] - recovered[row])
        treatment[row] += entering - leaving[row]


@compiled
def remove_the_dead(non_users: np.ndarray, occasional: np.ndarray, dependent: np.ndarray,
                    perceived_risk: np.ndarray, dead_dependent: np.ndarray, dead_occasional: np.ndarray,
                    risk_memory: float) -> np.ndarray:
    """The dead users leave the ``occasional`` and ``dependent`` compartments for ``non_users`` (new
    residents), and the ``perceived_risk`` moves ``risk_memory`` of the way toward the deaths per user
    (at least 1e-12, as np.maximum bounds it; all written). Returns the deaths in each community."""
    deaths = np.empty(len(non_users), dtype=np.int64)
    for row in range(len(non_users)):
        users = occasional[row] + dependent[row]  # before the deaths
        deaths[row] = dead_dependent[row] + dead_occasional[row]
        dependent[row] -= dead_dependent[row]
        occasional[row] -= dead_occasional[row]
        non_users[row] += deaths[row]
        rate = deaths[row] / users if users > 0 else 0.0
        risk = perceived_risk[row] + risk_memory * (rate - perceived_risk[row])  # ewma's arithmetic
        perceived_risk[row] = 1e-12 if risk <= 1e-12 else risk
    return deaths


@compiled
def moved_trust(trust: np.ndarray, supported: np.ndarray, rate: float, low: float, high: float) -> np.ndarray:
    """Each community's ``trust`` moved ``rate`` of the way toward the ``supported`` level, both held
    within ``low`` and ``high`` (as np.maximum and np.minimum bound them: a NaN passes); a new array."""
    moved = np.empty(len(trust))
    for row in range(len(trust)):
        level = low if supported[row] <= low else supported[row]
        level = high if level >= high else level
        value = trust[row] + rate * (level - trust[row])  # ewma's arithmetic
        value = low if value <= low else value
        moved[row] = high if value >= high else value
    return moved
