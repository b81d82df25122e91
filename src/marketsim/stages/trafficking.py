"""Stage 2 — trafficking: finances, purchases at the farm gate, route choice, shipping, prices.

Shipments that survived last week's interdiction land after the border. Each organisation
then refills its pipeline, buying where product is plentiful and cheap, and splits its
shipments over candidate routes by a softmax of their full cost: transport (with congestion),
tolls to rivals who control transit towns, and the expected loss from its *learned* risk of
seizure on each segment (raised by seizures it suffered, fading over time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.agents import Role
from marketsim.agents.trafficking import split_organisation
from marketsim.setup import chain_price
from marketsim.stages.common import ewma, group_sum
from marketsim.world import PRODUCTION

if TYPE_CHECKING:
    from marketsim.agents import TraffickingOrganisation
    from marketsim.model import DrugMarketModel

REVENUE_WINDOW = 1 / 26  # moving-average rate: about six months
PIPELINE_ADJUSTMENT = 0.25
"""Share of the gap to the target pipeline ordered each week on top of expected sales (an
order-up-to rule with partial adjustment, which avoids the bullwhip effect of refilling at once)."""


def run(model: DrugMarketModel) -> None:
    """Run the trafficking stage for one week."""
    turfs = model.places.territories()
    for org in list(model.orgs):
        turf = turfs.get(org.slot)
        if turf is None:
            model.dissolve(org)  # with no turf left, its members drift out of the trade
            continue
        settle_finances(model, org, turf)
        fission(model, org, len(turf))
        org.city_stock += float(org.in_transit.sum())
        org.in_transit[:] = 0.0
        org.learn_routes(model.p.trafficking.risk_learning, model.p.trafficking.risk_decay)
    emergence(model)
    bought = buy_at_farm_gate(model)
    ship(model, bought)
    set_wholesale_prices(model)


def settle_finances(model: DrugMarketModel, org: TraffickingOrganisation, turf: np.ndarray) -> None:
    """Close last week's books: pay members and bribes, recruit or shed members, and decide
    whether falling revenue pushes the organisation into extortion."""
    t = model.p.trafficking
    org.revenue_ma = ewma(org.revenue_ma, org.revenue, REVENUE_WINDOW)
    org.extorting = org.revenue < t.diversification * org.revenue_ma
    bribes = t.bribe_share * org.revenue_ma
    org.cash += org.revenue - len(org.members) * t.soldier_wage - bribes
    org.revenue = 0.0
    corrupt = model.police.corruption
    org.neutralised = corrupt * bribes / (bribes + model.p.police.bribe_saturation)
    affordable = t.labour_share * max(org.revenue_ma, 0.0) / max(t.soldier_wage, 1e-9)
    gap = affordable - len(org.members)
    if gap > 0 and org.cash > 0:
        recruits = model.rng.binomial(int(np.ceil(gap)), t.recruitment)
        need = (model.places.value_ma[turf] + 1.0) / (org.presence[turf] + 1.0)  # thinly held, valuable places first
        for place in model.rng.choice(turf, size=recruits, p=need / need.sum()).tolist():
            org.add_member(model.space[model.places.names[place]], Role.SOLDIER)
    elif gap < -0.25 * affordable:
        soldiers = [m for m in org.members if m.role is Role.SOLDIER]
        leaving = model.rng.binomial(len(soldiers), t.recruitment / 2)
        for index in sorted(model.rng.choice(len(soldiers), size=leaving, replace=False).tolist(), reverse=True):
            org.remove_member(soldiers[index])


def fission(model: DrugMarketModel, org: TraffickingOrganisation, places_held: int) -> None:
    """An organisation whose territory outgrows its leader's span of control may split on its own."""
    t = model.p.trafficking
    excess = places_held / t.span_of_control - 1
    if excess > 0 and model.rng.random() < t.fission_rate * excess:
        split_organisation(model, org)


def emergence(model: DrugMarketModel) -> None:
    """New local groups form where the controlling organisation is thinly present: the
    competition that keeps a market from settling into one hegemon for good."""
    t, places, rng = model.p.trafficking, model.places, model.rng
    towns = np.flatnonzero(places.community >= 0)
    held = places.controller[towns]
    presence = np.array([model.org_by_slot[c].presence[p] if c >= 0 else 0.0
                         for c, p in zip(held.tolist(), towns.tolist(), strict=True)])
    chance = t.entry_rate * places.deprivation[towns] / 0.5 * (presence <= 1)
    for place in towns[rng.random(len(towns)) < chance].tolist():
        org = model.new_organisation()
        cell = model.space[places.names[place]]
        for i in range(t.entry_size):
            org.add_member(cell, Role.LEADER if i == 0 else Role.LIEUTENANT if i == 1 else Role.SOLDIER)
        former = model.org_by_slot.get(int(places.controller[place]))
        places.controller[place] = org.slot
        if former is not None:
            for member in former.members_at(place):
                former.remove_member(member)  # the new group drives out the few who held the place
        org.revenue_ma = org.revenue = t.soldier_wage * t.entry_size / max(t.labour_share, 1e-9)
        model.tally.new_groups += 1


def buy_at_farm_gate(model: DrugMarketModel) -> np.ndarray:
    """Organisations' purchases (orgs × regions, kg); rationed where requests exceed farm stock."""
    t, places = model.p.trafficking, model.places
    farm_places = places.of_kind(PRODUCTION)
    n_regions = len(places.regions)
    stock = group_sum(places.region[farm_places], places.farm_stock[farm_places], n_regions)
    attractiveness = stock / model.farm_price
    split = attractiveness / attractiveness.sum() if attractiveness.sum() > 0 else np.full(n_regions, 1 / n_regions)
    wants = np.array([max(0.0, o.sales_ma + PIPELINE_ADJUSTMENT * (
        o.sales_ma * t.stock_cover_weeks - o.city_stock - o.source_stock)) for o in model.orgs])
    requests = np.outer(wants, split)
    requested = requests.sum(axis=0)
    model.requested_kg = requested
    fill = np.divide(stock, requested, out=np.ones(n_regions), where=requested > stock)
    bought = requests * np.minimum(fill, 1.0)
    taken = bought.sum(axis=0)
    share_taken = np.divide(taken, stock, out=np.zeros(n_regions), where=stock > 0)
    places.farm_stock[farm_places] *= 1 - share_taken[places.region[farm_places]]
    spend = bought @ model.farm_price
    farm_value = group_sum(places.region[farm_places], places.farm_stock[farm_places], n_regions)
    sold_at = np.zeros(places.n)
    sold_at[farm_places] = (taken * model.farm_price)[places.region[farm_places]] * np.divide(
        places.farm_stock[farm_places], farm_value[places.region[farm_places]],
        out=np.zeros(len(farm_places)), where=farm_value[places.region[farm_places]] > 0)
    model.tally.farm_sales_value = sold_at
    for org, kg, cost in zip(model.orgs, bought.sum(axis=1), spend, strict=True):
        org.source_stock += float(kg)
        org.cash -= float(cost)
    return bought


def ship(model: DrugMarketModel, bought: np.ndarray) -> None:
    """Split each organisation's purchases over the candidate routes from each region and put
    them in transit; pay tolls to the controllers of transit towns on the way (vectorised over
    organisations: arrays are paths × organisations)."""
    t, routes, places, orgs = model.p.trafficking, model.routes, model.places, model.orgs
    if not orgs:
        return
    controller = places.controller
    slots = np.array([o.slot for o in orgs])
    foreign = ((controller >= 0)[None, :] & (controller[None, :] != slots[:, None])).astype(float)
    learned = np.array([np.minimum(o.risk, 0.999) for o in orgs])
    path_risk = 1 - np.exp(routes.incidence @ np.log1p(-learned).T)
    value = model.farm_price[routes.path_region] * t.export_markup * t.corridor_markup
    congestion = 1 + (routes.flow_ma / routes.capacity) ** 2
    cost = ((routes.incidence @ (routes.cost * congestion))[:, None]
            + t.toll_rate * value[:, None] * (routes.tolls @ foreign.T) + value[:, None] * path_risk)
    totals = bought.sum(axis=1, keepdims=True)
    by_region = np.divide(bought, totals, out=np.zeros_like(bought), where=totals > 0) * np.array(
        [o.source_stock for o in orgs])[:, None]
    shipped = np.zeros_like(cost)
    for r in range(len(places.regions)):
        paths = routes.path_region == r
        if not paths.any():
            model.ledger.lost += float(by_region[:, r].sum())
            continue
        regional = cost[paths]
        spread = t.route_temperature * np.maximum(regional.mean(axis=0), 1e-9)
        weights = np.exp(-(regional - regional.min(axis=0)) / spread)
        shipped[paths] = weights / weights.sum(axis=0) * by_region[:, r]
    for i, org in enumerate(orgs):
        org.in_transit += shipped[:, i]
        org.source_stock = 0.0
    path_flow = shipped.sum(axis=1)
    routes.flow = routes.incidence.T @ path_flow
    routes.flow_ma = ewma(routes.flow_ma, routes.flow, 0.2)
    tolls_paid = np.einsum("ko,kn,on->n", shipped * value[:, None] * t.toll_rate, routes.tolls, foreign)
    income = group_sum(np.maximum(controller, 0), tolls_paid * (controller >= 0), int(slots.max()) + 1)
    for org in orgs:
        org.revenue += float(income[org.slot])
    # what control of a transit town is worth: the margin on the product that passes through it
    margin = np.maximum(chain_price(model, float(np.mean(model.farm_price))) - model.farm_price[routes.path_region], 0)
    stake = (routes.tolls.T @ (path_flow * margin)) + model.tally.farm_sales_value
    model.tally.value_at_stake += stake


def set_wholesale_prices(model: DrugMarketModel) -> None:
    """Wholesale price after the border: the chain's markups on the farm price, a premium for
    the risk of seizure and arrest borne, and a scarcity factor when the pipeline is short."""
    t = model.p.trafficking
    base = chain_price(model, float(np.mean(model.farm_price)))
    for org in model.orgs:
        cover = (org.city_stock + float(org.in_transit.sum())) / max(org.sales_ma, 1e-9)
        scarcity = float(np.clip((t.stock_cover_weeks / max(cover, 1e-9)) ** 0.3, 0.7, 2.0))
        org.wholesale_price = base * (1 + t.risk_premium * (org.seizure_share + org.aml_share)) * scarcity
