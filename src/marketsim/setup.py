"""Building the initial state: households, communities, organisations, dealers, stocks, prices.

The initial market is set near its own steady state (stocks cover expected sales, the crop
mix is each household's preferred mix at the initial price) so that a baseline run does not
open with an artificial transient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.agents import (
    Community,
    CommunityTable,
    DealerTable,
    Farms,
    Producer,
    Role,
    SalesMode,
)
from marketsim.config.errors import ScenarioError, close_match
from marketsim.stages.harm import INITIAL_INFECTED
from marketsim.world import PRODUCTION, TRANSIT, URBAN

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

WEEKS_PER_YEAR = 52.0


def check_policy_targets(model: DrugMarketModel) -> None:
    """Region and corridor names in the policy must exist in this world."""
    policy, places = model.p.policy, model.places
    problems = []
    for path, value, allowed in (
        ("policy.eradication_region", policy.eradication_region, ["all", *places.regions]),
        ("policy.interdiction_target", policy.interdiction_target, ["all", "border", *places.corridors]),
    ):
        if value not in allowed:
            hint = close_match(value, allowed)
            suggestion = f" — did you mean {hint!r}?" if hint else ""
            problems.append(f"{path} = {value!r} is not in this world{suggestion} (allowed: {', '.join(allowed)})")
    if problems:
        raise ScenarioError(problems)


def crop_advantage(model: DrugMarketModel, farm_price: np.ndarray) -> np.ndarray:
    """Each household's relative income gain per hectare from the drug crop over legal crops."""
    p, farms, places = model.p.production, model.farms, model.places
    drug = p.yield_kg_per_ha_year / WEEKS_PER_YEAR * farm_price[farms.region]
    drug = drug * np.clip(1 - p.eradication_fear * farms.perceived_risk, 0.0, 1.0)
    support = 1 + p.alt_development * _supported(model)[farms.region]
    legal = p.alt_income_per_ha_year / WEEKS_PER_YEAR * places.alt_income[farms.place] * support
    return (drug - legal) / np.maximum(legal, 1e-9)


def _supported(model: DrugMarketModel) -> np.ndarray:
    """Which regions get alternative-development support: those targeted by eradication."""
    target = model.p.policy.eradication_region
    regions = model.places.regions
    return np.array([1.0 if target in ("all", name) else 0.0 for name in regions])


def create_producers(model: DrugMarketModel) -> Farms:
    """Spread households over production places in proportion to their land."""
    p, places, rng = model.p, model.places, model.rng
    farm_places = places.of_kind(PRODUCTION)
    land = places.land_ha[farm_places]
    weights = land / land.sum() if land.sum() > 0 else np.full(len(farm_places), 1 / len(farm_places))
    place = rng.choice(farm_places, size=p.world.producers, p=weights)
    place.sort()
    counts = np.bincount(place, minlength=places.n)
    per_household = np.where(places.land_ha > 0, places.land_ha / np.maximum(counts, 1),
                             p.world.land_per_producer_ha)
    land_ha = per_household[place] * rng.lognormal(0.0, 0.3, size=len(place))
    share = np.clip(rng.beta(4, 4, size=len(place)) * 2 * p.production.initial_drug_share,
                    0.01, p.production.max_drug_share * 0.99)
    farms = Farms(place=place, region=places.region[place], land_ha=land_ha, drug_share=share,
                  hurdle=np.zeros(len(place)))
    model.farms = farms
    model.farm_price = np.full(len(places.regions), p.production.farm_price)
    model.requested_kg = np.zeros(len(places.regions))
    # each household's hurdle makes its starting mix its preferred mix at the starting price
    preferred = share / p.production.max_drug_share
    farms.hurdle = crop_advantage(model, model.farm_price) - np.log(preferred / (1 - preferred)) / max(
        p.production.crop_response, 1e-9)
    model.farm_agents = [Producer(model, model.space[places.names[where]], i)
                         for i, where in enumerate(place.tolist())]
    harvest = farms.standing_ha * p.production.yield_kg_per_ha_year / WEEKS_PER_YEAR
    places.farm_stock += np.bincount(place, weights=harvest, minlength=places.n)
    return farms


def create_communities(model: DrugMarketModel) -> CommunityTable:
    """One community per transit town and city neighbourhood, with users in urban ones."""
    p, places, rng = model.p, model.places, model.rng
    rows = np.flatnonzero((places.kind == URBAN) | (places.kind == TRANSIT))
    table = CommunityTable(place=rows, population=places.population[rows], trust=places.trust[rows],
                           deprivation=places.deprivation[rows], firearms=places.firearms[rows])
    places.community[rows] = np.arange(len(rows))
    urban = places.kind[rows] == URBAN
    factor = places.user_index[rows]
    mean_factor = np.average(factor[urban], weights=table.population[urban]) if urban.any() else 1.0
    users = np.where(urban, rng.poisson(p.demand.prevalence * factor / mean_factor * table.population), 0)
    table.dependent = rng.binomial(users, p.demand.dependent_share)
    table.occasional = users - table.dependent
    steady_treatment = p.demand.treatment_seeking / 2 * p.demand.treatment_weeks  # about half the places free
    table.treatment = np.round(table.dependent * steady_treatment).astype(np.int64)
    table.non_users = np.round(table.population).astype(np.int64) - users - table.treatment
    table.purity_ma[:] = p.retail.purity
    table.purity[:] = p.retail.purity
    table.infected = table.dependent * p.harm.injecting_share * INITIAL_INFECTED
    table.businesses = table.population * p.violence.businesses_per_1000 / 1000
    for i, where in enumerate(rows.tolist()):
        Community(model, model.space[places.names[where]], i)
    return table


def create_organisations(model: DrugMarketModel) -> None:
    """Seed organisations in towns and neighbourhoods, grow contiguous territories, add members."""
    p, places, rng = model.p.trafficking, model.places, model.rng
    candidates = np.flatnonzero(places.kind != PRODUCTION)
    seeds = rng.choice(candidates, size=min(p.organisations, len(candidates)), replace=False)
    frontier: list[list[int]] = []
    for seed in seeds.tolist():
        org = model.new_organisation()
        places.controller[seed] = org.slot
        frontier.append([seed])
    # round-robin breadth-first growth, in a random order each round
    while (places.controller < 0).any() and any(frontier):
        for k in rng.permutation(len(frontier)).tolist():
            grown = []
            for node in frontier[k]:
                for nb in places.neighbours[node].tolist():
                    if places.controller[nb] < 0:
                        places.controller[nb] = model.orgs[k].slot
                        grown.append(nb)
            frontier[k] = grown
    for org in model.orgs:
        turf = rng.permutation(np.flatnonzero(places.controller == org.slot))
        for i in range(p.members_per_org):
            role = Role.LEADER if i == 0 else Role.LIEUTENANT if i <= p.lieutenants else Role.SOLDIER
            org.add_member(model.space[places.names[int(turf[i % len(turf)])]], role)


def mode_probabilities(model: DrugMarketModel) -> np.ndarray:
    """Chance of each sales mode for a new dealer, in SalesMode order."""
    r = model.p.retail
    delivery = max(1.0 - r.open_air_share - r.indoor_share - r.online_share, 0.0)
    probs = np.array([r.open_air_share, r.indoor_share, delivery, r.online_share])
    return probs / probs.sum()


def draw_modes(model: DrugMarketModel, n: int, places: np.ndarray) -> np.ndarray:
    """Sales modes for ``n`` new dealers; closed open-air markets push them indoors or to delivery."""
    probs = mode_probabilities(model)
    modes = model.rng.choice(len(SalesMode), size=n, p=probs)
    closed = model.places.market_closed[places] & (modes == SalesMode.OPEN_AIR)
    if closed.any():
        inside = probs[SalesMode.INDOOR] / max(probs[SalesMode.INDOOR] + probs[SalesMode.DELIVERY], 1e-9)
        modes[closed] = np.where(model.rng.random(closed.sum()) < inside, SalesMode.INDOOR, SalesMode.DELIVERY)
    return modes


def expected_demand_kg(model: DrugMarketModel) -> np.ndarray:
    """Weekly demand (kg pure) of each community at the reference price."""
    d, table = model.p.demand, model.communities
    return (table.occasional * d.grams_occasional + table.dependent * d.grams_dependent) / 1000.0


def dealer_target(model: DrugMarketModel) -> np.ndarray:
    """Dealers each community's users support; a legal market takes its share of the trade."""
    table = model.communities
    return table.users * model.p.retail.dealers_per_1000_users / 1000.0 * (1 - model.p.policy.legal_share)


def create_dealers(model: DrugMarketModel) -> DealerTable:
    """Recruit the starting dealers of each neighbourhood; most work for its controller."""
    places, table = model.places, model.communities
    counts = np.round(dealer_target(model)).astype(np.int64)
    model.dealers = DealerTable(capacity=max(64, int(counts.sum() * 2)))
    slots_needed = int(counts.sum())
    where = np.repeat(table.place, counts)
    orgs = places.controller[where].copy()
    switch = model.rng.random(slots_needed) < model.p.retail.vacancy_rivals / 2
    orgs[switch] = rival_suppliers(model, where[switch])
    model.create_dealers(model.dealers.free_slots(slots_needed), where, orgs)
    return model.dealers


def rival_suppliers(model: DrugMarketModel, places_idx: np.ndarray) -> np.ndarray:
    """For each place, an organisation controlling a neighbouring place (or the local one)."""
    controller, out = model.places.controller, np.empty(len(places_idx), dtype=np.int64)
    for i, place in enumerate(places_idx.tolist()):
        nearby = controller[model.places.neighbours[place]]
        nearby = nearby[(nearby >= 0) & (nearby != controller[place])]
        out[i] = model.rng.choice(nearby) if len(nearby) else controller[place]
    return out


def prime_market(model: DrugMarketModel) -> None:
    """Set starting stocks and prices so the market opens near its steady state."""
    p, places, dealers = model.p, model.places, model.dealers
    demand = expected_demand_kg(model)
    active = np.flatnonzero(dealers.active)
    community = places.community[dealers.place[active]]
    per_dealer = demand[community] / np.maximum(np.bincount(community, minlength=len(demand))[community], 1)
    dealers.sales_ma[active] = per_dealer
    dealers.stock[active] = per_dealer * p.retail.cover_weeks
    sales_by_org = np.bincount(dealers.org[active], weights=per_dealer, minlength=len(model.orgs))
    base = chain_price(model, model.farm_price.mean())
    for org in model.orgs:
        org.sales_ma = float(sales_by_org[org.slot])
        org.city_stock = org.sales_ma * 1.5
        org.wholesale_price = base
        org.revenue_ma = org.sales_ma * base
        org.revenue = org.revenue_ma
        org.cash = org.revenue_ma * 4
        weights = np.full(len(model.routes.paths), 1.0 / len(model.routes.paths))
        org.in_transit = org.sales_ma * weights
    dealers.price[active] = base * p.retail.retail_markup
    model.ledger.initial = model.stock_kg()


def chain_price(model: DrugMarketModel, farm_price: float) -> float:
    """Wholesale price after the border implied by a farm-gate price and the chain's markups."""
    t = model.p.trafficking
    return farm_price * t.export_markup * t.corridor_markup * t.border_markup
