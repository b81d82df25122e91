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

from marketsim.sim.common import (
    WEEKS_PER_YEAR,
    ewma,
    group_sum,
    metric,
    row_uniforms,
    sigmoid,
)
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
        self.farm_place_list, self.farm_region_list = farm_places.tolist(), self.farm_regions.tolist()
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
        drug = (p.yield_kg_per_ha_year / WEEKS_PER_YEAR * self.price)[self.region]
        drug = drug * np.minimum(np.maximum(1 - p.eradication_fear * self.perceived_risk, 0.0), 1.0)
        legal = self.legal_income()[self.place]
        return (drug - legal) / np.maximum(legal, 1e-9)

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
        supply = group_sum(self.farm_regions, self.stock[self.farm_places], len(places.regions))
        ratio = (self.requested_kg + TRACE_KG) / (supply + TRACE_KG)
        signal = np.minimum(np.maximum(np.log(ratio), -p.price_signal_cap), p.price_signal_cap)
        self.price = np.minimum(np.maximum(self.price * np.exp(p.price_adjustment * signal),
                                           p.farm_price / p.farm_price_band), p.farm_price * p.farm_price_band)

    def choose_crops(self) -> np.ndarray:
        """Move each household's crop mix toward its preferred mix; eradicated fields regrow. Returns each
        household's hectares planted with the drug crop (land × drug share)."""
        p = self.model.p.production
        self.perceived_risk = ewma(self.perceived_risk, self.eradication_share[self.place], p.eradication_memory)
        if self.model.p.mechanisms.crop_choice:
            preferred = p.max_drug_share * sigmoid(p.crop_response * (self.crop_advantage() - self.hurdle))
            self.drug_share = ewma(self.drug_share, preferred, p.crop_adjust_rate)
        planted = self.land_ha * self.drug_share
        self.fallow_ha = np.minimum(self.fallow_ha * (1 - 1 / p.regrowth_weeks), planted)
        return planted

    def relocate_eradicated(self) -> None:
        """Some households eradicated last week replant in the least-eradicated place of another region."""
        p, places, rng = self.model.p.production, self.model.places, self.draws
        hit = self.just_eradicated.nonzero()[0]
        if len(hit) == 0:  # no draw: the stream is not even positioned
            return
        self.just_eradicated[:] = False
        movers = hit[row_uniforms(rng.relocation, hit) < p.relocation_prob]
        if len(movers) == 0 or not self.model.p.mechanisms.relocation:
            return
        farm_places, regions = self.farm_place_list, self.farm_region_list
        risk = (self.eradication_ma[self.farm_places] + rng.tie_break.uniform(0, TIE_BREAK, len(farm_places))).tolist()
        # for each origin region, the least-eradicated place elsewhere, the first listed among equals (-1: there
        # is none), over the few farm places in Python
        safest = np.full(len(places.regions), -1, dtype=np.int64)
        for r in set(self.region[movers].tolist()):
            elsewhere = [k for k, region in enumerate(regions) if region != r]
            if elsewhere:
                safest[r] = farm_places[min(elsewhere, key=risk.__getitem__)]
        target = safest[self.region[movers]]
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
        p, places, ledger = self.model.p.production, self.model.places, self.model.ledger
        kg = standing * p.yield_kg_per_ha_year / WEEKS_PER_YEAR
        self.stock += group_sum(self.place, kg, places.n)
        ledger.produce(float(kg.sum()))
        self.harvest_kg = group_sum(self.region, kg, len(places.regions))
        spoiled = self.stock * p.spoilage
        self.stock -= spoiled
        ledger.lose(float(spoiled.sum()))
        self.eradication_ma = ewma(self.eradication_ma, self.eradication_share, p.relocation_memory)
        self.eradication_share[:] = 0.0

    # -- what other subsystems do to farms ------------------------------------------------------------
    def eradicate(self, hit: np.ndarray, standing: np.ndarray | None = None) -> float:
        """Destroy the standing crop of the households in ``hit`` (a mask); return hectares. ``standing``:
        ``standing_ha`` if the caller has just read it."""
        if standing is None:
            standing = self.standing_ha
        destroyed = np.where(hit, standing, 0.0)
        self.fallow_ha += destroyed
        self.just_eradicated |= hit
        places = self.model.places
        by_place = group_sum(self.place, destroyed, places.n)
        standing_by_place = group_sum(self.place, standing, places.n)
        self.eradication_share = np.divide(by_place, standing_by_place, out=np.zeros(places.n),
                                           where=standing_by_place > 0)
        hectares = float(destroyed.sum())
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
        harvest = self.harvest_kg.sum()
        if harvest > 0:
            return float((self.price * self.harvest_kg).sum() / harvest)  # np.average's arithmetic
        return float(self.price.mean())

    @metric("export_price", "USD/kg pure", "market", "Price leaving the source regions.")
    def export_price(self) -> float:
        return self.farm_price() * self.model.p.trafficking.export_markup

    @metric("eradicated_ha", "ha/week", "process", "Hectares of drug crop eradicated.")
    def eradicated(self) -> float:
        return self.eradicated_ha
