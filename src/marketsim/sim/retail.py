"""Retail: dealers who buy from the organisation controlling their turf and sell to users.

Vacancies (after arrests or quits) are filled from the local labour pool at a rate that rises
with deprivation; some are filled by a rival organisation's recruit, so enforcement that
removes many dealers also mixes rival suppliers on the same street. Dealers facing more arrest
risk than they would next door move there, within their organisation's turf, and open-air
dealers facing more risk than the city's move indoors (displacement). Retail prices carry the
wholesale price, the retail markup, a premium for the local arrest risk, and scarcity.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import (
    PER_1000,
    WEEKS_PER_YEAR,
    compiled,
    group_sum,
    metric,
    pairwise_sum,
    row_uniforms,
    weighted_mean,
)
from marketsim.sim.subsystem import Subsystem
from marketsim.sim.tables import Column, RowAgent, Table, Views
from marketsim.sim.trafficking import chain_price

if TYPE_CHECKING:
    from marketsim.config.params.retail import RetailParams
    from marketsim.model import DrugMarketModel
    from marketsim.sim.organisations import TraffickingOrganisation

MIN_COVER = 1e-3
"""A dealer with no stock is priced as if it held a thousandth of its target cover, so that the
scarcity power stays finite (retail.scarcity_cap then bounds it): a numerical guard, not a level."""


class SalesMode(IntEnum):
    """How a dealer sells: each mode differs in visibility to police and in violence."""

    OPEN_AIR = 0
    INDOOR = 1
    DELIVERY = 2
    ONLINE = 3


class Dealer(RowAgent):
    """A retail dealer. Its state is slot ``index`` of ``model.dealers``."""

    stock_kg = Column("stock")
    price = Column("price")
    violence = Column("violence")
    warned = Column("warned", bool)

    @property
    def mode(self) -> SalesMode:
        """How the dealer sells."""
        return SalesMode(int(self.table.mode[self.index]))

    @property
    def organisation(self) -> TraffickingOrganisation | None:
        """The organisation that supplies this dealer."""
        return self.model.orgs.get(int(self.table.org[self.index]))


class Dealers(Table, Subsystem):
    """A table of dealer slots (a slot is reused when its dealer is arrested or leaves), and the
    retail market of each community: price, purity, arrest risk."""

    name = "dealers"
    needs = ("communities", "farms", "interventions", "justice", "orgs", "police")

    def __init__(self, model: DrugMarketModel):
        """Recruit the starting dealers of each neighbourhood (most work for its controller) and
        give them stock and prices at the market's steady state."""
        self.attach(model)
        communities = model.communities
        counts = np.round(self.target()).astype(np.int64)
        Table.__init__(self, max(64, int(counts.sum() * 2)))
        self.declare("active", bool, False)
        self.declare("place", np.int64)          # neighbourhood (place index)
        self.declare("org", np.int64, -1)        # supplying organisation id
        self.declare("mode", np.int64)           # SalesMode
        self.declare("stock")                    # kg pure
        self.declare("sales_ma")                 # kg/week, moving average
        self.declare("price")                    # retail USD per pure kg
        self.declare("violence")                 # propensity to use violence
        self.declare("violence_score")           # recent violent acts (decaying)
        self.declare("warned", bool, False)      # called in by focused deterrence
        self.declare("disputed", bool, False)    # involved in a violent dispute this week
        self.declare("has_record", bool, False)  # criminal record
        self.declare("serial", np.int64, -1)     # a number unique to each dealer
        self.recruited = 0                       # dealers recruited so far (the next serial)
        self.active_rows: np.ndarray | None = None  # active_slots() until a dealer is recruited or leaves
        self.active_community: np.ndarray | None = None  # community_of(active_slots()) until one of them moves
        self.active_counts: np.ndarray | None = None  # community_counts(), kept with active_community
        self.views = Views(self, Dealer)         # dealers' Mesa agents, made when looked at
        self.derived_for: RetailParams | None = None  # the retail parameters the next three come from
        self.modes = np.zeros(len(SalesMode))    # chance of each sales mode for a new dealer
        self.mode_cdf = np.zeros(len(SalesMode))  # its cumulative sum, ending at exactly 1
        self.fill = np.zeros(0)                  # chance a vacancy is filled in a week, by community
        n = len(communities.place)
        purity = model.p.retail.purity
        self.local_purity = np.full(n, purity)              # street purity in each community this week
        self.local_price = np.zeros(n)                      # USD per pure kg in each community this week
        self.arrest_hazard = np.zeros(n)                    # weekly arrest chance of a dealer, moving average
        self.arrests = np.zeros(n)                          # street arrests this week
        self.disruption = np.zeros(n)                       # share of local dealers removed this week
        self.rival_recruits: np.ndarray | None = None       # recruits onto a rival's turf this week
        self.wholesale_kg = 0.0                             # bought from organisations this week
        self.wholesale_value = 0.0
        neighbours = model.places.neighbours
        near = [around[model.places.is_urban[around]] for around in neighbours]
        self.urban_near = np.concatenate(near).astype(np.int64)  # each place's urban neighbours, place after place
        self.urban_near_from = np.repeat(np.arange(len(near)), list(map(len, near)))  # whose neighbour each is
        self.place_risk = np.full(model.places.n, np.inf)  # arrests a dealer expects a year in each place (none: inf)
        # each place's neighbours in list order, place after place: place i's are entries neighbours_from[i]
        # up to neighbours_from[i + 1]
        self.neighbours = np.concatenate(neighbours).astype(np.int64)
        self.neighbours_from = np.zeros(len(neighbours) + 1, dtype=np.int64)
        self.neighbours_from[1:] = np.cumsum(list(map(len, neighbours)))
        deprivation = communities.deprivation
        self.relative_deprivation = deprivation / max(deprivation.mean(), 1e-9)  # of each community, to the mean
        where = np.repeat(communities.place, counts)
        orgs = model.orgs.controller[where].copy()
        switch = self.draws.initial_rivals.random(len(where)) < model.p.retail.initial_rival_share
        orgs[switch] = self.rival_suppliers(where[switch])
        self.recruit(self.free_slots(len(where)), where, orgs)
        # stocks and prices at the steady state: each dealer its share of local demand
        active = self.active_slots()
        community = self.community_of(active)
        demand = communities.reference_demand_kg()
        per_dealer = demand[community] / np.maximum(np.bincount(community, minlength=len(demand))[community], 1)
        self.sales_ma[active] = per_dealer
        self.stock[active] = per_dealer * model.p.retail.cover_weeks
        self.price[active] = chain_price(model.p, float(model.farms.price.mean())) * model.p.retail.retail_markup

    # -- slots ------------------------------------------------------------------------------------
    def active_slots(self) -> np.ndarray:
        """Slot indices of active dealers (a shared read-only array: read ~10 times a week, it changes
        only when dealers are recruited or leave)."""
        if self.active_rows is None:
            self.active_rows, self.active_community = self.active.nonzero()[0], None
            self.active_rows.flags.writeable = False
        return self.active_rows

    def street_contact(self, slots: np.ndarray) -> np.ndarray:
        """Each dealer's face-to-face contact with rival dealers on shared street territory,
        relative to an open-air dealer's (online vendors: none)."""
        r = self.model.p.retail
        if not self.model.p.mechanisms.street_territory:
            return np.full(len(slots), r.open_air_contact)
        return np.array([r.open_air_contact, r.indoor_contact, r.delivery_contact, 0.0])[self.mode[slots]]

    def community_of(self, slots: np.ndarray) -> np.ndarray:
        """Community row of each dealer slot (for the array active_slots() returns, a shared read-only
        array kept until a dealer is recruited, leaves or moves)."""
        if slots is not self.active_rows:
            return self.model.places.community[self.place[slots]]
        if self.active_community is None:
            self.active_community = self.model.places.community[self.place[slots]]
            self.active_community.flags.writeable = False
            self.active_counts = None
        return self.active_community

    def community_counts(self) -> np.ndarray:
        """Active dealers in each community (a shared read-only array, kept with their communities: read by
        demand and every dealer arrest)."""
        community = self.community_of(self.active_slots())
        if self.active_counts is None:
            self.active_counts = group_sum(community, None, len(self.arrest_hazard))
            self.active_counts.flags.writeable = False
        return self.active_counts

    def free_slots(self, count: int) -> np.ndarray:
        """``count`` unused slot indices, growing the table if needed."""
        free = (~self.active).nonzero()[0]
        while len(free) < count:
            self.grow()
            free = (~self.active).nonzero()[0]
        return free[:count]

    # -- recruitment and leaving -----------------------------------------------------------------------
    def target(self) -> np.ndarray:
        """Dealers each community's users support; a legal market takes its share of the trade."""
        return (self.model.communities.users * self.model.p.retail.dealers_per_1000_users / PER_1000
                * (1 - self.model.interventions.programme("legal_market").share))

    def derive(self) -> None:
        """New dealers' chances of each sales mode (and their cumulative sum) and each community's chance
        to fill a vacancy, computed again only when the retail parameters in force change (they are
        immutable, so a change is a new object); the arrays are read-only."""
        r = self.model.p.retail
        if r is self.derived_for:
            return
        delivery = max(1.0 - r.open_air_share - r.indoor_share - r.online_share, 0.0)
        probs = np.array([r.open_air_share, r.indoor_share, delivery, r.online_share])
        self.modes = probs / probs.sum()
        self.mode_cdf = np.cumsum(self.modes)
        self.mode_cdf /= self.mode_cdf[-1]
        self.fill = np.minimum(np.maximum(r.replacement_rate * self.relative_deprivation, 0.0), 1.0)
        self.modes.flags.writeable = self.mode_cdf.flags.writeable = self.fill.flags.writeable = False
        self.derived_for = r

    def mode_probabilities(self) -> np.ndarray:
        """Chance of each sales mode for a new dealer, in SalesMode order (read-only)."""
        self.derive()
        return self.modes

    def draw_modes(self, slots: np.ndarray, places: np.ndarray) -> np.ndarray:
        """Sales modes for new dealers in ``slots``; closed open-air markets push them indoors or to delivery."""
        self.derive()
        # what rng.choice(len(SalesMode), size=slots.max() + 1, p=...)[slots] draws, looked up for the slots only
        modes = self.mode_cdf.searchsorted(row_uniforms(self.draws.sales_mode, slots), side="right")
        closed = closed_open_air(self.model.police.market_closed, places, modes)
        if len(closed):
            modes[closed] = self.indoor_modes(slots[closed])
        return modes

    def indoor_modes(self, slots: np.ndarray) -> np.ndarray:
        """Modes for the open-air dealers in ``slots`` who stop selling in the open: indoor or delivery,
        in the proportions new dealers choose them."""
        probs = self.mode_probabilities()
        inside = probs[SalesMode.INDOOR] / max(probs[SalesMode.INDOOR] + probs[SalesMode.DELIVERY], 1e-9)
        return np.where(row_uniforms(self.draws.indoor_mode, slots) < inside, SalesMode.INDOOR.value,
                        SalesMode.DELIVERY.value)

    def rival_suppliers(self, places_idx: np.ndarray) -> np.ndarray:
        """For each place, an organisation controlling a neighbouring place other than the local
        controller, each such neighbour (in the order of the neighbour list) equally likely; the local
        controller where there is none."""
        controller = self.model.orgs.controller
        having = rival_counts(places_idx, controller, self.neighbours, self.neighbours_from)
        # one index per place with candidates, in place order: the numbers rng.choice(candidates) would
        # draw place after place
        pick = self.draws.rival_supplier.integers(0, having, dtype=np.int64) if len(having) else having
        return pick_rivals(places_idx, controller, self.neighbours, self.neighbours_from, pick)

    def recruit(self, slots: np.ndarray, places: np.ndarray, orgs: np.ndarray) -> None:
        """New dealers take the given slots, in the given places, for the given organisations."""
        n = len(slots)
        if n == 0:
            return
        p, communities = self.model.p.retail, self.model.communities
        modes = self.draw_modes(slots, places)
        rows = int(slots.max()) + 1
        # what normal(dealer_violence, violence_spread, rows)[slots] gives (it computes mean + sd × a standard
        # normal, each from the same numbers), the sum and product taken for the slots only
        normals, uniforms = self.draws.propensity.standard_normal(rows), self.draws.record.random(rows)
        hire(self.active, self.place, self.org, self.mode, self.stock, self.sales_ma, self.violence,
             self.violence_score, self.warned, self.disputed, self.has_record, self.serial, slots, places, orgs,
             modes, normals, uniforms, self.model.places.community, communities.record, communities.population,
             self.recruited, float(p.dealer_violence), float(p.violence_spread), float(p.record_overrepresentation))
        self.active_rows = None
        self.recruited += n

    def warn(self, slots: np.ndarray) -> None:
        """Dealers called in and warned by focused deterrence: they know they are on notice."""
        self.warned[slots] = True

    def go_indoors(self, slots: np.ndarray) -> None:
        """Open-air dealers who stop selling in the open (their market was closed, or the local arrest
        risk is too high): indoors or delivery."""
        self.mode[slots] = self.indoor_modes(slots)

    def return_stock(self, slots: np.ndarray) -> None:
        """Dealers who leave the trade hand their stock back to their supplier (or it is lost)."""
        self.model.trafficking.take_back(self.org[slots], self.stock[slots])
        self.stock[slots] = 0.0

    def remove(self, slots: np.ndarray) -> None:
        """Dealers leave the trade (arrested or quit); their slots become free."""
        self.active[slots] = False
        self.active_rows = None
        self.stock[slots] = 0.0
        self.org[slots] = -1

    def arrest(self, slots: np.ndarray) -> None:
        """Arrest these dealers: their stock is seized and they go to the justice system."""
        if len(slots) == 0:
            return
        model, places = self.model, self.model.places
        seized, seized_at, arrested_at = count_arrests(self.place, self.stock, slots, places.community, places.n,
                                                       self.community_counts(), self.arrests, self.disruption)
        model.ledger.seize(seized)
        model.log.record_places("seizure", seized_at, detail="retail")
        model.log.record_places("arrest", arrested_at, detail="dealer")
        self.remove(slots)

    def sell(self, slots: np.ndarray, kg: np.ndarray, expected: np.ndarray) -> None:
        """Dealers in ``slots`` sell ``kg`` to users, and move their expected sales toward the
        ``expected`` kg/week (``retail.sales_adjustment`` of the way)."""
        sell_stock(self.stock, self.sales_ma, slots, kg, expected, self.model.p.retail.sales_adjustment)

    def seize_stock(self, slots: np.ndarray, share: float) -> np.ndarray:
        """Police take ``share`` of the stock of the dealers in ``slots`` (distinct); returns the kg taken
        from each."""
        taken = self.stock[slots] * share
        self.stock[slots] -= taken
        return taken

    def clear_arrests(self) -> None:
        """This week's street arrests and the share of local dealers removed start from zero."""
        self.arrests[:] = 0
        self.disruption[:] = 0

    # -- violence among dealers (counted by model.violence) -----------------------------------------------
    def clear_disputes(self) -> None:
        """No dealer has been involved in a violent dispute yet this week."""
        self.disputed[:] = False

    def count_disputes(self, slots: np.ndarray) -> None:
        """The dealers in ``slots`` (distinct) were involved in a violent dispute this week."""
        self.violence_score[slots] += 1.0
        self.disputed[slots] = True

    def fade_violence(self, memory: float) -> None:
        """Each dealer's violence score fades by the share ``memory`` a week."""
        self.violence_score *= 1 - memory

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def step(self) -> None:
        """Retail: dealers follow territory, quit or are replaced, buy wholesale, set prices."""
        self.rival_recruits = None
        self.follow_territory()
        active = self.active_slots()
        displacement = self.model.p.mechanisms.displacement
        if displacement:
            yearly = self.expected_arrests()
            self.move_away_from_risk(active, yearly)
        community = self.community_of(active)
        if displacement:
            self.go_indoors_from_risk(active, community, yearly)
        active, community, have = self.turnover(active, community)
        self.set_prices(active, community, have, *self.buy_wholesale(active))

    def follow_territory(self) -> None:
        """Dealers of vanished organisations, and some loyal to a former controller, switch supplier."""
        orgs = self.model.orgs
        active = self.active_slots()
        leaving = switch_suppliers(self.org, self.place, orgs.controller, orgs.by_org.alive, orgs.next_id, active,
                                   row_uniforms(self.draws.loyalty_switch, active),
                                   float(self.model.p.retail.loyalty_switch))
        if len(leaving):  # their supplier has vanished and nobody controls their place
            self.model.ledger.lose(float(self.stock[leaving].sum()))
            self.remove(leaving)

    def expected_arrests(self) -> np.ndarray:
        """Arrests a dealer expects per year in each community (from the moving-average hazard)."""
        return WEEKS_PER_YEAR * self.arrest_hazard

    def move_away_from_risk(self, active: np.ndarray, yearly: np.ndarray) -> None:
        """Street dealers (of the ``active`` slots) move to the neighbouring neighbourhood of their own
        organisation with the least arrest risk (``yearly``: the arrests a dealer expects per year in each
        community), with a chance that rises with the arrests per year they would avoid there
        (``retail.move_rate``)."""
        model = self.model
        street, chance, safer, anyone = safer_places(
            self.place_risk, model.communities.place, yearly, self.urban_near, self.urban_near_from,
            model.orgs.controller, model.orgs.next_id, self.mode, self.org, self.place, active,
            float(model.p.retail.move_rate))
        if not anyone:
            return  # nobody can move: the week's draws of this stream would decide nothing
        move_dealers(self.place, street, safer, row_uniforms(self.draws.move, street), chance)
        self.active_community = None

    def go_indoors_from_risk(self, active: np.ndarray, community: np.ndarray, yearly: np.ndarray) -> None:
        """Open-air dealers (of the ``active`` slots, in communities ``community``) whose neighbourhood
        carries more arrest risk (``yearly``: arrests a dealer expects per year, by community) than the
        city's move indoors or to delivery, with a chance that rises with the excess (``retail.switch_rate``)."""
        slots, chance = indoor_chances(self.mode, active, community, yearly, float(self.model.p.retail.switch_rate))
        if not len(slots):
            return  # nobody can switch: the week's draws of this stream would decide nothing
        switching = slots[row_uniforms(self.draws.go_indoors, slots) < chance]
        if len(switching):  # about one week in two nobody does: their modes' stream is then not even positioned
            self.go_indoors(switching)

    def turnover(self, active: np.ndarray, community: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Quits among the ``active`` slots (in communities ``community``), and replacement of vacancies
        from the local labour pool; returns the active slots after both, their communities and the
        count of dealers in each community."""
        model = self.model
        p, communities, rng = model.p.retail, model.communities, self.draws
        quitting, staying, staying_community, have, vacancies = quits_and_vacancies(
            active, community, row_uniforms(rng.quit, active), float(p.quit_rate), self.target())
        if len(quitting):
            self.return_stock(quitting)
            self.remove(quitting)
            active, community = staying, staying_community
        n = len(communities.place)
        self.derive()
        recruits = rng.recruitment.binomial(vacancies, self.fill)
        controller = model.orgs.controller
        joining, where, suppliers = joiners(recruits, bool(model.p.mechanisms.replacement), controller,
                                            communities.place)
        total = len(joining)
        if total == 0:
            return active, community, have
        rivals = (rng.vacancy_rivals.random(total) < p.vacancy_rivals).nonzero()[0]
        if len(rivals):
            suppliers[rivals] = self.rival_suppliers(where[rivals])
            self.rival_recruits = count_rival_recruits(suppliers, controller, where, joining, rivals, n)
        else:
            self.rival_recruits = np.zeros(n)
        slots = self.free_slots(total)
        self.recruit(slots, where, suppliers)
        start_sales(self.sales_ma, active, community, have, slots, joining)
        active = self.active_slots()
        community = self.community_of(active)
        self.active_counts = have + recruits  # the count of the new communities (whole numbers, exactly)
        self.active_counts.flags.writeable = False
        return active, community, self.active_counts

    def buy_wholesale(self, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dealers (the ``active`` slots) refill their stock from their organisation; short
        organisations ration. Returns each dealer's stock after buying, the stock that would cover its
        expected sales for ``retail.cover_weeks`` and its wholesale price (what set_prices reads)."""
        p, orgs = self.model.p.retail, self.model.orgs
        held = self.model.trafficking.by_org
        held_kg, cover_stock, wholesale, sold, expected, self.wholesale_kg, self.wholesale_value = restock(
            self.stock, self.sales_ma, self.org, active, orgs.lookup(held.city_stock, 0.0),
            orgs.lookup(held.wholesale_price, 0.0), orgs.id_bound(), float(p.cover_weeks), float(p.stock_adjustment))
        ids = orgs.ids()
        self.model.trafficking.sell_wholesale(ids, sold, expected, p.sales_adjustment)
        return held_kg, cover_stock, wholesale

    def set_prices(self, active: np.ndarray, community: np.ndarray, have: np.ndarray, stock: np.ndarray,
                   cover_stock: np.ndarray, wholesale: np.ndarray) -> None:
        """Retail price per pure kg and purity, per dealer and per community. The dealers: the ``active``
        slots, in communities ``community`` (``have`` of them in each), with ``stock`` kg, the stock
        ``cover_stock`` that covers their expected sales for ``retail.cover_weeks``, and their suppliers'
        ``wholesale`` prices."""
        p = self.model.p.retail
        cover, ratio = stock_cover(stock, cover_stock, community, len(self.local_price), float(p.min_stock_ratio),
                                   float(p.max_stock_ratio))
        scarcity, purity = cover ** -p.scarcity_elasticity, ratio ** p.purity_response  # numpy's power, not C's
        self.arrest_hazard, self.local_purity, self.local_price = retail_prices(
            self.price, active, community, stock, wholesale, scarcity, purity, self.arrest_hazard, self.arrests,
            have, self.local_price, bool(self.model.p.mechanisms.risk_prices), float(p.risk_memory),
            float(p.risk_premium), float(p.risk_cap), float(p.retail_markup), float(p.scarcity_floor),
            float(p.scarcity_cap), float(p.purity), float(p.min_purity), float(p.max_purity))

    # -- outputs ------------------------------------------------------------------------------------------
    @metric("purity", "share pure", "market", "Sales-weighted retail purity.")
    def purity(self) -> float:
        return weighted_mean(self.local_purity, self.model.communities.sales_value)

    @metric("wholesale_price", "USD/kg pure", "market",
            "Wholesale price after the border (in a week without wholesale sales, the organisations' mean "
            "asking price); missing (NaN) when no organisation is left.", nullable=True)
    def wholesale_price(self) -> float:
        if self.wholesale_kg > 0:
            return self.wholesale_value / self.wholesale_kg
        ids = self.model.orgs.ids()
        return float(np.mean(self.model.trafficking.by_org.wholesale_price[ids])) if len(ids) else float("nan")

    @metric("dealers", "people", "market", "Active retail dealers.")
    def dealers(self) -> int:
        return len(self.active_slots())

    @metric("open_air_share", "share", "market", "Share of active dealers selling in open-air markets.")
    def open_air_share(self) -> float:
        return self.mode_share(SalesMode.OPEN_AIR)

    @metric("online_share", "share", "market", "Share of active dealers selling online.")
    def online_share(self) -> float:
        return self.mode_share(SalesMode.ONLINE)

    def mode_share(self, mode: SalesMode) -> float:
        """Share of active dealers selling in one mode (0 with no dealers)."""
        active = self.active_slots()
        return _count_in_mode(self.mode, active, int(mode.value)) / len(active) if len(active) else 0.0


# -- kernels (numpy's arithmetic, operation for operation: see marketsim.sim.common.compiled) -------------------
@compiled
def _count_in_mode(mode: np.ndarray, slots: np.ndarray, value: int) -> int:
    """How many of the dealers in ``slots`` sell in the sales ``mode`` ``value``."""
    count = 0
    for slot in slots:
        if mode[slot] == value:
            count += 1
    return count


@compiled
def sell_stock(stock: np.ndarray, sales_ma: np.ndarray, slots: np.ndarray, kg: np.ndarray, expected: np.ndarray,
               adjustment: float) -> None:
    """The dealers in ``slots`` (distinct) sell ``kg`` from their ``stock``, and their expected sales
    ``sales_ma`` move ``adjustment`` of the way toward ``expected``."""
    for item in range(len(slots)):
        slot = slots[item]
        stock[slot] -= kg[item]
        sales_ma[slot] = sales_ma[slot] + adjustment * (expected[item] - sales_ma[slot])  # ewma's arithmetic


@compiled
def restock(stock: np.ndarray, sales_ma: np.ndarray, org: np.ndarray, active: np.ndarray, org_stock: np.ndarray,
            org_price: np.ndarray, size: int, cover_weeks: float, adjustment: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """The dealers in ``active`` buy toward ``cover_weeks`` of their expected sales ``sales_ma``
    (``adjustment`` of the gap a week) from their ``org``, each organisation rationing its ``org_stock``
    among its dealers alike; their ``stock`` is written. Returns each dealer's stock, cover stock and
    wholesale price (``org_price``); each organisation's kg sold and its dealers' expected sales
    (``size`` ids); and the kg and USD bought in all."""
    count = len(active)
    held, cover_stock, want, wholesale = np.empty(count), np.empty(count), np.empty(count), np.empty(count)
    wanted, sold, expected = np.zeros(size), np.zeros(size), np.zeros(size)
    for dealer in range(count):  # the sums by organisation in dealer order, as np.bincount adds
        slot = active[dealer]
        sales = sales_ma[slot]
        cover_stock[dealer] = sales * cover_weeks
        want[dealer] = max(sales + adjustment * (cover_stock[dealer] - stock[slot]), 0.0)
        wanted[org[slot]] += want[dealer]
        expected[org[slot]] += sales
    fill = np.ones(size)
    for supplier in range(size):  # a stock rounded a hair below 0 sells nothing, not negative kilograms
        if wanted[supplier] > 0:
            fill[supplier] = min(max(org_stock[supplier] / wanted[supplier], 0.0), 1.0)
    bought, paid = np.empty(count), np.empty(count)
    for dealer in range(count):
        slot = active[dealer]
        supplier = org[slot]
        bought[dealer] = want[dealer] * fill[supplier]
        held[dealer] = stock[slot] + bought[dealer]
        stock[slot] = held[dealer]
        sold[supplier] += bought[dealer]
        wholesale[dealer] = org_price[supplier]
        paid[dealer] = bought[dealer] * wholesale[dealer]
    return held, cover_stock, wholesale, sold, expected, pairwise_sum(bought), pairwise_sum(paid)


@compiled
def stock_cover(stock: np.ndarray, cover_stock: np.ndarray, community: np.ndarray, n: int, min_ratio: float,
                max_ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Each dealer's ``stock`` relative to its ``cover_stock`` (1 without cover; at least
    ``MIN_COVER``), and each of the ``n`` communities' (between ``min_ratio`` and ``max_ratio``; 1
    without cover)."""
    count = len(stock)
    cover = np.empty(count)
    held, needed = np.zeros(n), np.zeros(n)
    for dealer in range(count):  # the sums by community in dealer order, as np.bincount adds
        ratio = stock[dealer] / cover_stock[dealer] if cover_stock[dealer] > 0 else 1.0
        cover[dealer] = max(ratio, MIN_COVER)
        held[community[dealer]] += stock[dealer]
        needed[community[dealer]] += cover_stock[dealer]
    ratios = np.empty(n)
    for row in range(n):
        ratio = held[row] / needed[row] if needed[row] > 0 else 1.0
        ratios[row] = min(max(ratio, min_ratio), max_ratio)
    return cover, ratios


@compiled
def retail_prices(price: np.ndarray, active: np.ndarray, community: np.ndarray, stock: np.ndarray,
                  wholesale: np.ndarray, scarcity: np.ndarray, purity_factor: np.ndarray, hazard: np.ndarray,
                  arrests: np.ndarray, have: np.ndarray, local_price: np.ndarray, risk_prices: bool,
                  risk_memory: float, risk_premium: float, risk_cap: float, markup: float, scarcity_floor: float,
                  scarcity_cap: float, purity: float, min_purity: float, max_purity: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each dealer's ``price`` (written for the ``active`` slots): the ``wholesale`` price × the
    ``markup`` × the premium for its community's arrest risk (with ``risk_prices``) × its
    ``scarcity`` (the power of its cover, bounded); and per community the arrest hazard (moved
    ``risk_memory`` of the way toward this week's ``arrests`` per dealer of the ``have``), the purity
    (``purity`` × ``purity_factor``, bounded) and the stock-weighted mean price (``local_price``
    where no dealer holds stock)."""
    n, count = len(hazard), len(active)
    new_hazard, risk, local_purity = np.empty(n), np.ones(n), np.empty(n)
    for row in range(n):
        arrested = arrests[row] / have[row] if have[row] > 0 else 0.0
        new_hazard[row] = hazard[row] + risk_memory * (arrested - hazard[row])  # ewma's arithmetic
        if risk_prices:  # expected arrests per year, capped
            risk[row] = 1 + risk_premium * min(WEEKS_PER_YEAR * new_hazard[row], risk_cap)
        local_purity[row] = min(max(purity * purity_factor[row], min_purity), max_purity)
    priced, weights = np.zeros(n), np.zeros(n)
    for dealer in range(count):  # the sums by community in dealer order, as np.bincount adds
        row = community[dealer]
        charged = wholesale[dealer] * markup * risk[row] * min(max(scarcity[dealer], scarcity_floor), scarcity_cap)
        price[active[dealer]] = charged
        held = max(stock[dealer], 1e-9)
        priced[row] += charged * held
        weights[row] += held
    mean_price = local_price.copy()  # last week's price where no dealer holds stock
    for row in range(n):
        if weights[row] > 0:
            mean_price[row] = priced[row] / weights[row]
    return new_hazard, local_purity, mean_price


@compiled
def switch_suppliers(org: np.ndarray, place: np.ndarray, controller: np.ndarray, alive: np.ndarray, next_id: int,
                     active: np.ndarray, uniforms: np.ndarray, loyalty_switch: float) -> np.ndarray:
    """The dealers in ``active`` whose supplier (``org``) no longer exists (not ``alive``, or none),
    and those whose ``uniforms`` fall below ``loyalty_switch``, take the ``controller`` of their
    ``place`` as supplier where someone controls it (``org`` is written). Returns the slots of the
    orphans whose place nobody controls: they leave."""
    leaving = np.zeros(len(active), dtype=np.bool_)
    for dealer in range(len(active)):
        slot = active[dealer]
        local, supplier = controller[place[slot]], org[slot]
        orphan = not (0 <= supplier < next_id and alive[supplier])
        if local >= 0 and supplier != local and (orphan or uniforms[dealer] < loyalty_switch):
            org[slot] = local
        leaving[dealer] = orphan and local < 0
    return active[leaving]


@compiled
def safer_places(place_risk: np.ndarray, community_place: np.ndarray, yearly: np.ndarray, near: np.ndarray,
                 near_from: np.ndarray, controller: np.ndarray, next_id: int, mode: np.ndarray, org: np.ndarray,
                 place: np.ndarray, active: np.ndarray, move_rate: float
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The street dealers among ``active`` (not online), each one's chance to move (``move_rate`` ×
    the arrests per year it would avoid, at most 1), where to (the least risky urban neighbour:
    ``near`` of each place ``near_from``, in list order, the first among equals, held by its own
    ``org``) and whether any chance is above 0. ``place_risk`` is written: ``yearly`` at the
    communities' places (inf elsewhere)."""
    place_risk[community_place] = yearly
    n = len(place_risk)
    best_risk, best_place = np.full((next_id + 1) * n, np.inf), np.zeros((next_id + 1) * n, dtype=np.int64)
    seen = np.zeros(len(best_risk), dtype=np.bool_)
    for item in range(len(near)):  # by key (holder + 1) × places + place; strictly less: the first among equals
        key = (controller[near[item]] + 1) * n + near_from[item]
        risk = place_risk[near[item]]
        if not seen[key] or risk < best_risk[key]:
            seen[key], best_risk[key], best_place[key] = True, risk, near[item]
    on_street = np.zeros(len(active), dtype=np.bool_)
    for dealer in range(len(active)):
        on_street[dealer] = mode[active[dealer]] != SalesMode.ONLINE
    street = active[on_street]
    chance, safer = np.empty(len(street)), np.empty(len(street), dtype=np.int64)
    anyone = False
    for dealer in range(len(street)):
        here = place[street[dealer]]
        best = (org[street[dealer]] + 1) * n + here
        gain = place_risk[here] - best_risk[best]
        if gain < 0:  # np.maximum's and np.minimum's bounds: a NaN passes through
            gain = 0.0
        chance[dealer] = move_rate * gain
        if chance[dealer] > 1.0:
            chance[dealer] = 1.0
        safer[dealer] = best_place[best]
        anyone = anyone or chance[dealer] > 0
    return street, chance, safer, anyone


@compiled
def move_dealers(place: np.ndarray, street: np.ndarray, safer: np.ndarray, uniforms: np.ndarray,
                 chance: np.ndarray) -> None:
    """The dealers in ``street`` whose ``uniforms`` fall below their ``chance`` move to their
    ``safer`` place (``place`` is written)."""
    for dealer in range(len(street)):
        if uniforms[dealer] < chance[dealer]:
            place[street[dealer]] = safer[dealer]


@compiled
def indoor_chances(mode: np.ndarray, active: np.ndarray, community: np.ndarray, yearly: np.ndarray,
                   switch_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """The open-air dealers among ``active`` with a chance to move indoors, and that chance:
    ``switch_rate`` × the arrests per year (``yearly``) their ``community`` carries above the mean
    dealer's, at most 1 (none when no dealer sells in the open)."""
    count = len(active)
    open_air = np.zeros(count, dtype=np.bool_)
    for dealer in range(count):
        open_air[dealer] = mode[active[dealer]] == SalesMode.OPEN_AIR
    if not open_air.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    faced = np.empty(count)
    for dealer in range(count):
        faced[dealer] = yearly[community[dealer]]
    city = pairwise_sum(faced) / count  # the mean, np.mean's arithmetic
    chance = np.empty(len(yearly))
    for row in range(len(yearly)):
        excess = yearly[row] - city
        if excess < 0:  # np.maximum's and np.minimum's bounds: a NaN passes through
            excess = 0.0
        chance[row] = switch_rate * excess
        if chance[row] > 1.0:
            chance[row] = 1.0
    can = np.zeros(count, dtype=np.bool_)
    for dealer in range(count):
        can[dealer] = open_air[dealer] and chance[community[dealer]] > 0
    slots = active[can]
    return slots, chance[community[can]]


@compiled
def rival_counts(places: np.ndarray, controller: np.ndarray, neighbours: np.ndarray,
                 neighbours_from: np.ndarray) -> np.ndarray:
    """For each of ``places`` that has any, its ``neighbours`` (place ``i``'s from entry
    ``neighbours_from[i]``) held by a ``controller`` other than its own (places without such
    neighbours are left out)."""
    counts = np.zeros(len(places), dtype=np.int64)
    for item in range(len(places)):
        here = controller[places[item]]
        for entry in range(neighbours_from[places[item]], neighbours_from[places[item] + 1]):
            holder = controller[neighbours[entry]]
            if holder >= 0 and holder != here:
                counts[item] += 1
    return counts[counts > 0]


@compiled
def pick_rivals(places: np.ndarray, controller: np.ndarray, neighbours: np.ndarray, neighbours_from: np.ndarray,
                pick: np.ndarray) -> np.ndarray:
    """For each of ``places``, the holder of its rival-held neighbour number ``pick`` (one entry per
    place that has such neighbours, in place order; see :func:`rival_counts`), or its own
    ``controller`` where it has none."""
    out = np.empty(len(places), dtype=np.int64)
    picked = 0
    for item in range(len(places)):
        here = controller[places[item]]
        out[item] = here
        seen = 0
        for entry in range(neighbours_from[places[item]], neighbours_from[places[item] + 1]):
            holder = controller[neighbours[entry]]
            if holder >= 0 and holder != here:
                if seen == pick[picked]:
                    out[item] = holder
                    break
                seen += 1
        if out[item] != here:
            picked += 1
    return out


@compiled
def hire(active: np.ndarray, place: np.ndarray, org: np.ndarray, mode: np.ndarray, stock: np.ndarray,
         sales_ma: np.ndarray, violence: np.ndarray, violence_score: np.ndarray, warned: np.ndarray,
         disputed: np.ndarray, has_record: np.ndarray, serial: np.ndarray, slots: np.ndarray, places: np.ndarray,
         orgs: np.ndarray, modes: np.ndarray, normals: np.ndarray, uniforms: np.ndarray, community_of_place: np.ndarray,
         record: np.ndarray, population: np.ndarray, first_serial: int, dealer_violence: float,
         violence_spread: float, record_overrepresentation: float) -> None:
    """New dealers take ``slots`` (every column written), in ``places``, for ``orgs``, selling in
    ``modes``, with no stock, a violence propensity from ``normals`` (by slot) and a criminal record
    where ``uniforms`` (by slot) fall below their community's share with a record (of its
    ``population``) × ``record_overrepresentation``; serial numbers from ``first_serial`` on."""
    for item in range(len(slots)):
        slot, row = slots[item], community_of_place[places[item]]
        record_share = record[row] / max(population[row], 1)
        active[slot] = True
        place[slot], org[slot], mode[slot] = places[item], orgs[item], modes[item]
        stock[slot] = 0.0
        sales_ma[slot] = 0.0
        propensity = dealer_violence + violence_spread * normals[slot]
        violence[slot] = min(max(propensity, 0.0), 1.0)
        violence_score[slot] = 0.0
        warned[slot] = False
        disputed[slot] = False
        has_record[slot] = uniforms[slot] < min(1.0, record_overrepresentation * record_share)
        serial[slot] = first_serial + item


@compiled
def quits_and_vacancies(active: np.ndarray, community: np.ndarray, uniforms: np.ndarray, quit_rate: float,
                        target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The dealers in ``active`` (in ``community``) who quit (``uniforms`` below ``quit_rate``) and
    those who stay, with their communities; the dealers staying in each community and its vacancies
    (the ``target`` less those, rounded, at least 0)."""
    stay = np.empty(len(active), dtype=np.bool_)
    have = np.zeros(len(target))
    for dealer in range(len(active)):
        stay[dealer] = uniforms[dealer] >= quit_rate
        if stay[dealer]:
            have[community[dealer]] += 1.0
    vacancies = np.empty(len(target), dtype=np.int64)
    for row in range(len(target)):
        vacancies[row] = int(max(np.rint(target[row] - have[row]), 0.0))
    return active[~stay], active[stay], community[stay], have, vacancies


@compiled
def joiners(recruits: np.ndarray, replacement: bool, controller: np.ndarray, community_place: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The community of each recruit, community after community, its place and the place's
    ``controller`` (a new array: the recruit's supplier unless a rival takes it on); ``recruits`` is
    written: none where no organisation controls the community's place, or without ``replacement``."""
    for row in range(len(recruits)):
        if not replacement or controller[community_place[row]] < 0:
            recruits[row] = 0
    joining = np.repeat(np.arange(len(recruits)), recruits)
    where = community_place[joining]
    return joining, where, controller[where]


@compiled
def count_rival_recruits(suppliers: np.ndarray, controller: np.ndarray, where: np.ndarray, joining: np.ndarray,
                         rivals: np.ndarray, n: int) -> np.ndarray:
    """Recruits onto a rival's turf in each of the ``n`` communities: those of the ``rivals`` (indices
    into the recruits, joining communities ``joining`` at places ``where``) whose supplier is not
    their place's ``controller`` (whole numbers, as floats)."""
    counts = np.zeros(n)
    for item in rivals:
        if suppliers[item] != controller[where[item]]:
            counts[joining[item]] += 1.0
    return counts


@compiled
def closed_open_air(market_closed: np.ndarray, places: np.ndarray, modes: np.ndarray) -> np.ndarray:
    """Indices of the new dealers (at ``places``, choosing ``modes``) who chose to sell in the open
    where the open-air market is closed."""
    closed = np.zeros(len(places), dtype=np.bool_)
    for item in range(len(places)):
        closed[item] = market_closed[places[item]] and modes[item] == SalesMode.OPEN_AIR
    return closed.nonzero()[0]


@compiled
def start_sales(sales_ma: np.ndarray, active: np.ndarray, community: np.ndarray, have: np.ndarray,
                slots: np.ndarray, joining: np.ndarray) -> None:
    """New dealers (``slots``, joining communities ``joining``) expect the mean expected sales
    (``sales_ma``, written) of the ``have`` dealers in ``active`` in their community (0 where none)."""
    sales = np.zeros(len(have))
    for dealer in range(len(active)):  # in dealer order, as np.bincount adds
        sales[community[dealer]] += sales_ma[active[dealer]]
    for row in range(len(have)):
        if have[row] > 0:
            sales[row] /= have[row]
        else:
            sales[row] = 0.0
    for item in range(len(slots)):
        sales_ma[slots[item]] = sales[joining[item]]


@compiled
def count_arrests(place: np.ndarray, stock: np.ndarray, slots: np.ndarray, community_of_place: np.ndarray,
                  n_places: int, have: np.ndarray, arrests: np.ndarray, disruption: np.ndarray
                  ) -> tuple[float, np.ndarray, np.ndarray]:
    """The dealers in ``slots`` are arrested: each community's street ``arrests`` and the share of
    its ``have`` dealers removed (``disruption``) grow (both written). Returns the kg of ``stock``
    seized, and the kg seized and the dealers arrested at each of the ``n_places`` places."""
    arrested = np.zeros(len(have))
    seized, seized_at, arrested_at = np.empty(len(slots)), np.zeros(n_places), np.zeros(n_places)
    for item in range(len(slots)):  # the sums by place in slot order, as np.bincount adds
        here = place[slots[item]]
        seized[item] = stock[slots[item]]
        arrested[community_of_place[here]] += 1.0
        seized_at[here] += seized[item]
        arrested_at[here] += 1.0
    for row in range(len(have)):
        arrests[row] += arrested[row]
        disruption[row] += arrested[row] / have[row] if have[row] > 0 else 0.0
    return pairwise_sum(seized), seized_at, arrested_at
