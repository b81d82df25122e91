"""Stage 1 — production: farm-gate prices, crop choice, regrowth, relocation, harvest.

Households move land toward the drug crop when its expected income (price × yield, less the
eradication risk they perceive) beats legal crops by more than their hurdle. Eradicated
households may replant in another region: with the price rise that a local supply drop
causes elsewhere, this is the balloon effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.setup import WEEKS_PER_YEAR, crop_advantage
from marketsim.stages.common import ewma, group_sum, sigmoid
from marketsim.world import PRODUCTION

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


def run(model: DrugMarketModel) -> None:
    """Run the production stage for one week."""
    adjust_farm_prices(model)
    choose_crops(model)
    relocate_eradicated(model)
    harvest(model)


def adjust_farm_prices(model: DrugMarketModel) -> None:
    """Each region's farm-gate price moves toward clearing last week's purchase requests."""
    p, places = model.p.production, model.places
    farms_idx = places.of_kind(PRODUCTION)
    supply = group_sum(places.region[farms_idx], places.farm_stock[farms_idx], len(places.regions))
    ratio = (model.requested_kg + 1e-6) / (supply + 1e-6)
    model.farm_price = model.farm_price * np.exp(p.price_adjustment * np.clip(np.log(ratio), -1, 1))
    model.farm_price = np.clip(model.farm_price, p.farm_price * 0.1, p.farm_price * 10)


def choose_crops(model: DrugMarketModel) -> None:
    """Move each household's crop mix toward its preferred mix; eradicated fields regrow."""
    p, farms, places = model.p.production, model.farms, model.places
    farms.perceived_risk = ewma(farms.perceived_risk, places.eradication_share[farms.place],
                                p.eradication_memory)
    preferred = p.max_drug_share * sigmoid(p.crop_response * (crop_advantage(model, model.farm_price)
                                                              - farms.hurdle))
    farms.drug_share = ewma(farms.drug_share, preferred, p.crop_adjust_rate)
    farms.fallow_ha = np.minimum(farms.fallow_ha * (1 - 1 / p.regrowth_weeks),
                                 farms.land_ha * farms.drug_share)


def relocate_eradicated(model: DrugMarketModel) -> None:
    """Some households eradicated last week replant in the least-eradicated place of another region."""
    p, farms, places, rng = model.p.production, model.farms, model.places, model.rng
    hit = np.flatnonzero(farms.just_eradicated)
    farms.just_eradicated[:] = False
    movers = hit[rng.random(len(hit)) < p.relocation_prob]
    if len(movers) == 0:
        return
    farm_places = places.of_kind(PRODUCTION)
    risk = places.eradication_ma[farm_places] + rng.uniform(0, 1e-4, len(farm_places))
    regions = places.region[farm_places]
    # for each origin region, the least-eradicated place elsewhere
    safest = {r: int(farm_places[regions != r][np.argmin(risk[regions != r])])
              for r in np.unique(farms.region[movers]).tolist() if (regions != r).any()}
    for i in movers.tolist():
        target = safest.get(int(farms.region[i]))
        if target is not None:
            model.farm_agents[i].relocate(model.space[places.names[target]], target, int(places.region[target]))


def harvest(model: DrugMarketModel) -> None:
    """Standing crop yields product into the farm stock of its place; some unsold stock spoils."""
    p, farms, places, tally = model.p.production, model.farms, model.places, model.tally
    kg = farms.standing_ha * p.yield_kg_per_ha_year / WEEKS_PER_YEAR
    places.farm_stock += group_sum(farms.place, kg, places.n)
    produced = float(kg.sum())
    model.ledger.produced += produced
    tally.production_kg = produced
    tally.production_by_region = group_sum(farms.region, kg, len(places.regions))
    spoiled = places.farm_stock * p.spoilage
    places.farm_stock -= spoiled
    model.ledger.lost += float(spoiled.sum())
    places.eradication_ma = ewma(places.eradication_ma, places.eradication_share, 0.1)
    places.eradication_share[:] = 0.0
