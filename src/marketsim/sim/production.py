"""Production: farming households that grow the drug crop or a legal alternative.

Households move land toward the drug crop when its expected income (price × yield, less the
eradication risk they perceive) beats legal crops by more than their hurdle. Eradicated
households may replant in another region: with the price rise that a local supply drop causes
elsewhere, this is the balloon effect. Each region's farm-gate price moves toward clearing the
organisations' purchase requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import WEEKS_PER_YEAR, compiled, metric, pairwise_sum, row_uniforms, weighted_mean
from marketsim.sim.subsystem import Subsystem
from marketsim.sim.tables import Column, RowAgent
from marketsim.world import PRODUCTION

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

SHARE_MARGIN = 0.01
"""Starting crop shares stay this far inside (0, max share), so each household's hurdle is finite."""
TIE_BREAK = 1e-4
"""Random jitter that breaks ties between equally eradicated places (far below any real difference)."""
TRACE_KG = 1e-6
"""A milligram added to a region's purchase requests and its supply, so that a market with neither
sends no price signal (log 1) instead of an undefined one."""
NO_CHOICE = np.zeros(0)
"""What the replanting kernel is given for the preferred mixes when households do not choose their crops."""


class Producer(RowAgent):
    """A farming household. Grows the drug crop or an alternative, and may relocate after
    eradication (the balloon effect). Its crop state is row ``index`` of ``model.farms``."""

    drug_share = Column("drug_share")
    land_ha = Column("land_ha")

    @property
    def standing_ha(self) -> float:
        """Hectares of drug crop that will be harvested."""
        return float(self.table.standing_ha[self.index])


class Farms(Subsystem):
    """Every household's crop (one row each), the farm stock of each place and the farm-gate
    price of each region."""

    name = "farms"
    needs = ("interventions", "police")

    def __init__(self, model: DrugMarketModel):
        """Spread households over production places in proportion to their land, each with a
        hurdle that makes its starting crop mix its preferred mix at the starting price."""
        self.attach(model)
        p, places, rng = model.p, model.places, self.draws
        self.farm_places = farm_places = places.of_kind(PRODUCTION)  # places do not change kind
        self.farm_regions = places.region[farm_places]
        # legal_income's result, with what it was computed for: the places eradication was aimed at (a new aim
        # is a new mask), the production parameters (immutable: a change is a new object) and the support
        self._legal: tuple[object, object, float, np.ndarray] = (None, None, np.nan, np.zeros(0))
        land = places.land_ha[farm_places]
        weights = land / land.sum() if land.sum() > 0 else np.full(len(farm_places), 1 / len(farm_places))
        place = rng.household_places.choice(farm_places, size=p.world.producers, p=weights)
        place.sort()
        counts = np.bincount(place, minlength=places.n)
        per_household = np.where(places.land_ha > 0, places.land_ha / np.maximum(counts, 1),
                                 p.world.land_per_producer_ha)
        self.place = place                                   # index into the model's place list
        self.region = places.region[place]                   # index into the model's region list
        self.land_ha = per_household[place] * rng.land.lognormal(0.0, p.production.land_spread, size=len(place))
        half = p.production.initial_share_concentration / 2  # a symmetric Beta: mean 0.5, scaled to the mean share
        mix = rng.drug_share.beta(half, half, size=len(place))
        self.drug_share = np.clip(mix * 2 * p.production.initial_drug_share,
                                  SHARE_MARGIN, p.production.max_drug_share * (1 - SHARE_MARGIN))
        self.fallow_ha = np.zeros(len(place))               # eradicated crop still regrowing
        self.perceived_risk = np.zeros(len(place))          # expected weekly share of crop eradicated
        self.just_eradicated = np.zeros(len(place), dtype=bool)
        self.price = np.full(len(places.regions), p.production.farm_price)  # farm gate, USD/kg, by region
        self.requested_kg = np.zeros(len(places.regions))   # organisations' purchase requests last week
        self.stock = np.zeros(places.n)                     # kg harvested and unsold, by place
        self.eradication_share = np.zeros(places.n)         # share of standing crop eradicated this week
        self.eradication_ma = np.zeros(places.n)            # its moving average
        self.harvest_kg = np.zeros(len(places.regions))     # this week's harvest by region
        self.eradicated_ha = 0.0                            # this week
        preferred = self.drug_share / p.production.max_drug_share
        self.hurdle = self.crop_advantage() - np.log(preferred / (1 - preferred)) / max(
            p.production.crop_response, 1e-9)  # income advantage a household needs to grow more drug crop
        self.agents = [Producer(model, self, i) for i in range(len(place))]
        harvest = self.standing_ha * p.production.yield_kg_per_ha_year / WEEKS_PER_YEAR
        self.stock += np.bincount(place, weights=harvest, minlength=places.n)

    @property
    def standing_ha(self) -> np.ndarray:
        """Hectares of drug crop that will be harvested, per household."""
        return self.standing(self.land_ha * self.drug_share)

    def standing(self, planted: np.ndarray) -> np.ndarray:
        """Hectares of drug crop that will be harvested of each household's ``planted`` hectares (its land
        times its drug crop share): what is not fallow."""
        return np.maximum(planted - self.fallow_ha, 0.0)

    def crop_advantage(self) -> np.ndarray:
        """Each household's relative income gain per hectare from the drug crop over legal crops (what
        depends only on a household's region or place is computed for the few regions and places, then
        read by each household)."""
        p = self.model.p.production
        return _crop_advantage(self.price, self.region, self.place, self.perceived_risk, self.legal_income(),
                               p.yield_kg_per_ha_year / WEEKS_PER_YEAR, p.eradication_fear)

    def legal_income(self) -> np.ndarray:
        """Weekly legal income per hectare at each place (farm places only), raised by alternative development
        where it is given; computed again only when the support, the production parameters or the places
        eradication is aimed at change (places' legal income and regions do not)."""
        p, places, police = self.model.p.production, self.model.places, self.model.police
        alternatives = self.model.interventions.programme("alternative_development").support
        aim = police.aim.get("eradication")
        aim_then, p_then, alternatives_then, legal = self._legal
        if aim is not aim_then or p is not p_then or alternatives != alternatives_then:
            support = (1 + alternatives * self.supported_regions())[places.region]  # by place
            legal = p.alt_income_per_ha_year / WEEKS_PER_YEAR * places.alt_income * support
            self._legal = (aim, p, alternatives, legal)
        return legal

    def supported_regions(self) -> np.ndarray:
        """Which regions get alternative-development support: those where eradication is aimed
        (every region if it is not aimed)."""
        places = self.model.places
        aimed = self.model.police.aimed("eradication", np.arange(places.n)) & (places.region >= 0)
        return (np.bincount(places.region[aimed], minlength=len(places.regions)) > 0).astype(float)

    # -- the weekly rule ---------------------------------------------------------------------------
    def step(self) -> None:
        """Production: farm-gate prices, crop choice, relocation, harvest."""
        self.eradicated_ha = 0.0
        self.adjust_prices()
        planted = self.choose_crops()
        self.relocate_eradicated()  # changes no household's land or crop share, only fallow land
        self.harvest(self.standing(planted))

    def adjust_prices(self) -> None:
        """Each region's farm-gate price moves toward clearing last week's purchase requests."""
        p, places = self.model.p.production, self.model.places
        ratio = _request_ratio(self.requested_kg, self.stock, self.farm_places, self.farm_regions,
                               len(places.regions))
        # numpy's log and exp, not the C library's
        change = np.exp(_price_signal(np.log(ratio), float(p.price_signal_cap), float(p.price_adjustment)))
        self.price = _moved_prices(self.price, change, float(p.farm_price / p.farm_price_band),
                                   float(p.farm_price * p.farm_price_band))

    def choose_crops(self) -> np.ndarray:
        """Move each household's crop mix toward its preferred mix; eradicated fields regrow. Returns each
        household's hectares planted with the drug crop (land × drug share)."""
        p = self.model.p.production
        _perceive_eradication(self.perceived_risk, self.eradication_share, self.place, p.eradication_memory)
        crop_choice = self.model.p.mechanisms.crop_choice
        # the preferred share is max share × sigmoid(response × (advantage − hurdle)); numpy's exp of −(...)
        against = (np.exp(_preference_exponent(self.crop_advantage(), self.hurdle, float(p.crop_response)))
                   if crop_choice else NO_CHOICE)
        return _replant(self.drug_share, self.fallow_ha, self.land_ha, against, p.max_drug_share, p.crop_adjust_rate,
                        1 - 1 / p.regrowth_weeks)

    def relocate_eradicated(self) -> None:
        """Some households eradicated last week replant in the least-eradicated place of another region."""
        p, rng = self.model.p.production, self.draws
        hit = self.just_eradicated.nonzero()[0]
        if len(hit) == 0:  # no draw: the stream is not even positioned
            return
        self.just_eradicated[:] = False
        movers = hit[row_uniforms(rng.relocation, hit) < p.relocation_prob]
        if len(movers) == 0 or not self.model.p.mechanisms.relocation:
            return
        tie_break = rng.tie_break.uniform(0, TIE_BREAK, len(self.farm_places))
        target = _safest_elsewhere(self.region[movers], self.farm_places, self.farm_regions, self.eradication_ma,
                                   tie_break)
        can = target >= 0
        self.relocate(movers[can], target[can])

    def relocate(self, households: np.ndarray, places: np.ndarray) -> None:
        """Households (one index, or distinct indices) move to other growing areas (``places``) and replant
        there from scratch."""
        self.place[households] = places
        self.region[households] = self.model.places.region[places]
        self.fallow_ha[households] = self.land_ha[households] * self.drug_share[households]
        self.perceived_risk[households] = 0.0

    def harvest(self, standing: np.ndarray) -> None:
        """Standing crop (``standing``: hectares per household) yields product into the farm stock of its
        place; some unsold stock spoils."""
        p, ledger = self.model.p.production, self.model.ledger
        produced, spoiled, self.harvest_kg = _harvest(
            standing, self.place, self.region, p.yield_kg_per_ha_year, self.stock, len(self.price), p.spoilage,
            self.eradication_ma, self.eradication_share, p.relocation_memory)
        ledger.produce(produced)
        ledger.lose(spoiled)

    # -- what other subsystems do to farms ------------------------------------------------------------
    def eradicate(self, hit: np.ndarray, standing: np.ndarray | None = None) -> float:
        """Destroy the standing crop of the households in ``hit`` (a mask); return hectares. ``standing``:
        ``standing_ha`` if the caller has just read it."""
        if standing is None:
            standing = self.standing_ha
        by_place, hectares = _eradicate(hit, standing, self.place, self.fallow_ha, self.just_eradicated,
                                        self.eradication_share)
        self.eradicated_ha += hectares
        self.model.log.record_places("eradication", by_place)
        return hectares

    def seize(self, mask: np.ndarray, share: float) -> np.ndarray:
        """Police take ``share`` of the farm stock at the places ``mask`` marks; returns the kg taken at
        each place."""
        seized = self.stock * mask * share
        self.stock -= seized
        return seized

    def sell(self, requested_kg: np.ndarray, taken_share: np.ndarray) -> None:
        """Organisations requested ``requested_kg`` of each region's farm stock (which moves next
        week's price) and take ``taken_share`` of it."""
        self.requested_kg = requested_kg
        self.stock[self.farm_places] *= 1 - taken_share[self.farm_regions]

    # -- outputs -------------------------------------------------------------------------------------
    @metric("production_kg", "kg pure/week", "market", "Drug harvested.")
    def production_kg(self) -> float:
        return float(self.harvest_kg.sum())

    @metric("production_share", "share", "market", "Share of this week's harvest grown in this region.",
            per_region=True)
    def production_share(self) -> np.ndarray:
        total = self.harvest_kg.sum()
        return self.harvest_kg / total if total > 0 else np.zeros(len(self.harvest_kg))

    @metric("regional_production_kg", "kg pure/week", "market", "Drug harvested in this region.", per_region=True)
    def regional_production(self) -> np.ndarray:
        return self.harvest_kg.copy()

    @metric("farm_price", "USD/kg pure", "market", "Production-weighted farm-gate price.")
    def farm_price(self) -> float:
        return weighted_mean(self.price, self.harvest_kg)

    @metric("export_price", "USD/kg pure", "market", "Price leaving the source regions.")
    def export_price(self) -> float:
        return self.farm_price() * self.model.p.trafficking.export_markup

    @metric("eradicated_ha", "ha/week", "process", "Hectares of drug crop eradicated.")
    def eradicated(self) -> float:
        return self.eradicated_ha


# -- compiled kernels of the rules above (marketsim.sim.common.compiled: numpy's arithmetic, operation for operation)
@compiled
def _crop_advantage(price: np.ndarray, region: np.ndarray, place: np.ndarray, perceived_risk: np.ndarray,
                    legal: np.ndarray, yield_per_week: float, eradication_fear: float) -> np.ndarray:
    """Each household's relative income gain per hectare from the drug crop (its region's ``price`` ×
    ``yield_per_week``, less the share it fears losing to eradication) over the ``legal`` income at its
    place."""
    advantage = np.empty(len(region))
    for i in range(len(region)):
        drug = yield_per_week * price[region[i]]
        drug = drug * min(max(1 - eradication_fear * perceived_risk[i], 0.0), 1.0)
        advantage[i] = (drug - legal[place[i]]) / max(legal[place[i]], 1e-9)
    return advantage


@compiled
def _preference_exponent(advantage: np.ndarray, hurdle: np.ndarray, response: float) -> np.ndarray:
    """−(``response`` × (each household's ``advantage`` − its ``hurdle``)): the exponent of the sigmoid's
    denominator in a household's preferred drug share."""
    exponent = np.empty(len(advantage))
    for i in range(len(advantage)):
        exponent[i] = -(response * (advantage[i] - hurdle[i]))
    return exponent


@compiled
def _perceive_eradication(perceived_risk: np.ndarray, eradication_share: np.ndarray, place: np.ndarray,
                          memory: float) -> None:
    """Each household's ``perceived_risk`` moves toward the share of standing crop eradicated at its place."""
    for i in range(len(place)):
        perceived_risk[i] += memory * (eradication_share[place[i]] - perceived_risk[i])


@compiled
def _replant(drug_share: np.ndarray, fallow_ha: np.ndarray, land_ha: np.ndarray, against: np.ndarray,
             max_share: float, adjust_rate: float, regrowth_kept: float) -> np.ndarray:
    """Each household's ``drug_share`` moves toward its preferred share, ``max_share`` / (1 + ``against``)
    (left as it is when ``against`` is empty: no crop choice), and its fallow land regrows (keeping
    ``regrowth_kept``, no more than it plants). Returns its hectares planted with the drug crop."""
    planted = np.empty(len(land_ha))
    for i in range(len(land_ha)):
        if len(against):
            drug_share[i] += adjust_rate * (max_share * (1.0 / (1.0 + against[i])) - drug_share[i])
        planted[i] = land_ha[i] * drug_share[i]
        fallow_ha[i] = min(fallow_ha[i] * regrowth_kept, planted[i])
    return planted


@compiled
def _safest_elsewhere(origins: np.ndarray, farm_places: np.ndarray, farm_regions: np.ndarray,
                      eradication_ma: np.ndarray, tie_break: np.ndarray) -> np.ndarray:
    """For each household's region of origin (``origins``), the farm place of another region where
    eradication has been lightest (its moving average plus a ``tie_break``; the first listed among
    equals), or -1 if there is none."""
    risk = np.empty(len(farm_places))
    for k in range(len(farm_places)):
        risk[k] = eradication_ma[farm_places[k]] + tie_break[k]
    target = np.empty(len(origins), np.int64)
    for i in range(len(origins)):
        best = -1
        for k in range(len(farm_places)):
            if farm_regions[k] != origins[i] and (best < 0 or risk[k] < risk[best]):
                best = k
        target[i] = farm_places[best] if best >= 0 else -1
    return target


@compiled
def _harvest(standing: np.ndarray, place: np.ndarray, region: np.ndarray, yield_per_year: float, stock: np.ndarray,
             n_regions: int, spoilage: float, eradication_ma: np.ndarray, eradication_share: np.ndarray,
             relocation_memory: float) -> tuple[float, float, np.ndarray]:
    """Each household's ``standing`` hectares yield a week's harvest into the ``stock`` of its place;
    ``spoilage`` of the stock spoils; the places' eradication moving average takes this week's share,
    which starts again from 0. Returns the kg harvested, the kg spoiled and the harvest by region."""
    n_places = len(stock)
    kg = np.empty(len(standing))
    by_place, by_region = np.zeros(n_places), np.zeros(n_regions)
    for i in range(len(standing)):  # household by household, as np.bincount adds
        kg[i] = standing[i] * yield_per_year / WEEKS_PER_YEAR
        by_place[place[i]] += kg[i]
        by_region[region[i]] += kg[i]
    spoiled = np.empty(n_places)
    for n in range(n_places):
        stock[n] += by_place[n]
        spoiled[n] = stock[n] * spoilage
        stock[n] -= spoiled[n]
        eradication_ma[n] += relocation_memory * (eradication_share[n] - eradication_ma[n])
        eradication_share[n] = 0.0
    return pairwise_sum(kg), pairwise_sum(spoiled), by_region


@compiled
def _eradicate(hit: np.ndarray, standing: np.ndarray, place: np.ndarray, fallow_ha: np.ndarray,
               just_eradicated: np.ndarray, eradication_share: np.ndarray) -> tuple[np.ndarray, float]:
    """The ``standing`` crop of the households ``hit`` is destroyed: it lies fallow, they are
    ``just_eradicated``, and each place's ``eradication_share`` is the share of its standing crop
    destroyed. Returns the hectares destroyed at each place and in all."""
    n_places = len(eradication_share)
    destroyed = np.zeros(len(standing))
    by_place, standing_by_place = np.zeros(n_places), np.zeros(n_places)
    for i in range(len(standing)):  # household by household, as np.bincount adds
        if hit[i]:
            destroyed[i] = standing[i]
            just_eradicated[i] = True
        fallow_ha[i] += destroyed[i]
        by_place[place[i]] += destroyed[i]
        standing_by_place[place[i]] += standing[i]
    for n in range(n_places):
        eradication_share[n] = by_place[n] / standing_by_place[n] if standing_by_place[n] > 0 else 0.0
    return by_place, pairwise_sum(destroyed)


@compiled
def _request_ratio(requested: np.ndarray, stock: np.ndarray, farm_places: np.ndarray, farm_regions: np.ndarray,
                   n_regions: int) -> np.ndarray:
    """Each region's ``requested`` kg against its farm stock (the ``stock`` at its ``farm_places``), both
    with a trace (``TRACE_KG``) added."""
    supply = np.zeros(n_regions)
    for farm in range(len(farm_places)):  # in farm order, as np.bincount adds
        supply[farm_regions[farm]] += stock[farm_places[farm]]
    ratio = np.empty(n_regions)
    for region in range(n_regions):
        ratio[region] = (requested[region] + TRACE_KG) / (supply[region] + TRACE_KG)
    return ratio


@compiled
def _price_signal(log_ratio: np.ndarray, cap: float, adjustment: float) -> np.ndarray:
    """``adjustment`` × each ``log_ratio`` held within ±``cap`` (as np.maximum and np.minimum bound it:
    a NaN passes)."""
    signal = np.empty(len(log_ratio))
    for region in range(len(log_ratio)):
        bounded = -cap if log_ratio[region] <= -cap else log_ratio[region]
        bounded = cap if bounded >= cap else bounded
        signal[region] = adjustment * bounded
    return signal


@compiled
def _moved_prices(price: np.ndarray, change: np.ndarray, low: float, high: float) -> np.ndarray:
    """Each ``price`` × its ``change``, held within ``low`` and ``high`` (as np.maximum and np.minimum
    bound it: a NaN passes); a new array."""
    moved = np.empty(len(price))
    for region in range(len(price)):
        value = price[region] * change[region]
        value = low if value <= low else value
        moved[region] = high if value >= high else value
    return moved
