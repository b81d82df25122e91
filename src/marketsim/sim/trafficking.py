"""Trafficking: purchases at the farm gate, route choice, shipping, interdiction and wholesale prices.

Shipments that survived last week's interdiction land after the border. Each organisation
then refills its pipeline, buying where product is plentiful and cheap, and splits its
shipments over candidate routes by a softmax of their full cost: transport (with congestion),
tolls to rivals who control transit towns, and the expected loss from its *learned* risk of
seizure on each segment (raised by seizures it suffered, fading over time). The wholesale price
after the border carries the chain's markups, a premium for the risk borne, and scarcity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import ewma, group_sum, herfindahl, metric
from marketsim.sim.subsystem import Subsystem
from marketsim.world import PRODUCTION

if TYPE_CHECKING:
    from marketsim.config.params import Params
    from marketsim.model import DrugMarketModel

def chain_price(params: Params, farm_price: float) -> float:
    """Wholesale price after the border implied by a farm-gate price and the chain's markups."""
    t = params.trafficking
    return farm_price * t.export_markup * t.corridor_markup * t.border_markup


class Trafficking(Subsystem):
    """The movement of product from farms to the city: flows on route segments and the drug
    value passing through each place."""

    name = "trafficking"
    needs = ("dealers", "farms", "orgs")

    def __init__(self, model: DrugMarketModel):
        """Fill each organisation's pipeline and set its price at the market's steady state."""
        self.attach(model)
        routes, dealers = model.routes, model.dealers
        self.flow = np.zeros(len(routes.edges))      # kg this week on each segment
        self.flow_ma = np.zeros(len(routes.edges))   # moving average (congestion, maps)
        self.through = np.zeros(model.places.n)      # kg this week passing through each place
        self.stake = np.zeros(model.places.n)        # USD of transit margin and farm sales by place this week
        self.farm_sales = np.zeros(model.places.n)   # USD paid to farmers by place this week
        self.region_paths = [np.flatnonzero(routes.path_region == r) for r in range(len(model.places.regions))]
        self.path_segments = [np.array(segments, dtype=np.int64) for segments in routes.paths]
        self.path_checkpoints = [routes.checkpoint[segments] for segments in self.path_segments]
        active = dealers.active_slots()
        sales_by_org = np.bincount(dealers.org[active], weights=dealers.sales_ma[active],
                                   minlength=model.orgs.id_bound())
        base = chain_price(model.p, float(model.farms.price.mean()))
        t = model.p.trafficking
        for org in model.orgs:  # half the target cover landed, one week's sales in transit
            org.sales_ma = float(sales_by_org[org.id])
            org.city_stock = org.sales_ma * t.stock_cover_weeks / 2
            org.wholesale_price = base
            org.revenue_ma = org.sales_ma * base
            org.revenue = org.revenue_ma
            org.cash = org.revenue_ma * t.initial_cash_weeks
            org.in_transit = org.sales_ma * np.full(len(routes.paths), 1.0 / len(routes.paths))

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def land(self) -> None:
        """Landing: last week's shipments arrive in the city, and each organisation learns how risky
        its routes were."""
        t = self.model.p.trafficking
        for org in self.model.orgs:
            org.city_stock += float(org.in_transit.sum())
            org.in_transit[:] = 0.0
            org.learn_routes(t.risk_learning, t.risk_decay)

    def step(self) -> None:
        """Trafficking: purchases at the farm gate, routing, shipping, wholesale prices."""
        model = self.model
        self.stake = np.zeros(model.places.n)
        self.through = np.zeros(model.places.n)
        bought = self.buy_at_farm_gate()
        self.ship(bought)
        self.set_wholesale_prices()

    def buy_at_farm_gate(self) -> np.ndarray:
        """Organisations' purchases (orgs × regions, kg); rationed where requests exceed farm stock."""
        model = self.model
        t, places, farms, orgs = model.p.trafficking, model.places, model.farms, list(model.orgs)
        farm_places = places.of_kind(PRODUCTION)
        n_regions = len(places.regions)
        stock = group_sum(places.region[farm_places], farms.stock[farm_places], n_regions)
        attractiveness = stock / farms.price
        split = attractiveness / attractiveness.sum() if attractiveness.sum() > 0 else np.full(n_regions, 1 / n_regions)
        wants = np.array([max(0.0, o.sales_ma + t.pipeline_adjustment * (
            o.sales_ma * t.stock_cover_weeks - o.city_stock - o.source_stock)) for o in orgs])
        requests = np.outer(wants, split)
        requested = requests.sum(axis=0)
        farms.requested_kg = requested
        fill = np.divide(stock, requested, out=np.ones(n_regions), where=requested > stock)
        bought = requests * np.minimum(fill, 1.0)
        taken = bought.sum(axis=0)
        farms.sell(np.divide(taken, stock, out=np.zeros(n_regions), where=stock > 0))
        spend = bought @ farms.price
        region = places.region[farm_places]
        farm_value = group_sum(region, farms.stock[farm_places], n_regions)
        self.farm_sales = np.zeros(places.n)
        self.farm_sales[farm_places] = (taken * farms.price)[region] * np.divide(
            farms.stock[farm_places], farm_value[region], out=np.zeros(len(farm_places)),
            where=farm_value[region] > 0)
        for org, kg, cost in zip(orgs, bought.sum(axis=1), spend, strict=True):
            org.source_stock += float(kg)
            org.cash -= float(cost)
        return bought

    def ship(self, bought: np.ndarray) -> None:
        """Split each organisation's purchases over the candidate routes from each region and put
        them in transit; pay tolls to the controllers of transit towns on the way (vectorised over
        organisations: arrays are paths × organisations)."""
        model = self.model
        t, routes, orgs = model.p.trafficking, model.routes, list(model.orgs)
        if not orgs:
            return
        farm_price = model.farms.price
        controller = model.orgs.controller
        ids = np.array([o.id for o in orgs])
        foreign = ((controller >= 0)[None, :] & (controller[None, :] != ids[:, None])).astype(float)
        learned = np.minimum(np.array([o.risk for o in orgs]), 0.999)
        path_risk = 1 - np.exp(routes.incidence @ np.log1p(-learned).T)
        value = farm_price[routes.path_region] * t.export_markup * t.corridor_markup
        congestion = 1 + (self.flow_ma / routes.capacity) ** t.congestion_exponent
        cost = ((routes.incidence @ (routes.cost * congestion))[:, None]
                + t.toll_rate * value[:, None] * (routes.tolls @ foreign.T) + value[:, None] * path_risk)
        totals = bought.sum(axis=1, keepdims=True)
        by_region = np.divide(bought, totals, out=np.zeros_like(bought), where=totals > 0) * np.array(
            [o.source_stock for o in orgs])[:, None]
        by_region = np.maximum(by_region, 0.0)  # a stock rounded a hair below 0 ships nothing, not negative kg
        shipped = np.zeros_like(cost)
        for r, paths in enumerate(self.region_paths):
            if len(paths) == 0:
                model.ledger.lost += float(by_region[:, r].sum())
                continue
            regional = cost[paths]
            spread = t.route_temperature * np.maximum(regional.sum(axis=0) / len(paths), 1e-9)  # mean cost
            weights = np.exp(-(regional - regional.min(axis=0)) / spread)
            shipped[paths] = weights / weights.sum(axis=0) * by_region[:, r]
        for i, org in enumerate(orgs):
            org.in_transit += shipped[:, i]
            org.source_stock = 0.0
        path_flow = shipped.sum(axis=1)
        self.flow = routes.incidence.T @ path_flow
        self.through = routes.through.T @ path_flow
        self.flow_ma = ewma(self.flow_ma, self.flow, t.flow_memory)
        tolls_paid = np.einsum("ko,kn,on->n", shipped * value[:, None] * t.toll_rate, routes.tolls, foreign)
        income = group_sum(np.maximum(controller, 0), tolls_paid * (controller >= 0), int(ids.max()) + 1)
        for org in orgs:
            org.revenue += float(income[org.id])
        # what control of a transit town is worth: the margin on the product that passes through it
        margin = np.maximum(chain_price(model.p, float(np.mean(farm_price))) - farm_price[routes.path_region], 0)
        self.stake = (routes.tolls.T @ (path_flow * margin)) + self.farm_sales

    def set_wholesale_prices(self) -> None:
        """Wholesale price after the border: the chain's markups on the farm price, a premium for
        the risk borne at this tier (shipments seized, members arrested, revenue seized), and a
        scarcity factor when the pipeline is short."""
        model = self.model
        t = model.p.trafficking
        base = chain_price(model.p, float(np.mean(model.farms.price)))
        priced_risk = model.p.mechanisms.risk_prices
        for org in model.orgs:
            cover = (org.city_stock + float(org.in_transit.sum())) / max(org.sales_ma, 1e-9)
            scarcity = float(min(max((t.stock_cover_weeks / max(cover, 1e-9)) ** t.scarcity_elasticity,
                                     t.scarcity_floor), t.scarcity_cap))
            risk = org.seizure_share + org.aml_share + org.arrest_share if priced_risk else 0.0
            org.wholesale_price = base * (1 + t.risk_premium * risk) * scarcity

    # -- what police do to shipments -------------------------------------------------------------------------
    def interdict(self, extra_detection: np.ndarray, exposure: dict[int, float]) -> tuple[float, float]:
        """Catch lots in transit: each segment detects a lot with its base chance plus the police's
        ``extra_detection`` there; an organisation's ``exposure`` is the share of that effort it has
        not bought off (it scales the police's effort, not the base inspection). Returns the lots
        acted against and the part neutralised."""
        model = self.model
        p, routes, rng = model.p, model.routes, self.draws
        orgs = list(model.orgs)
        base_detection = routes.base_detection(model.places)
        detection = 1 - (1 - base_detection) * (1 - extra_detection)
        if not orgs:
            return 0.0, 0.0
        transit = np.array([o.in_transit for o in orgs])
        shipped = transit.sum(axis=1)
        share = np.array([exposure.get(o.id, 1.0) for o in orgs])
        base = routes.incidence @ np.log1p(-np.minimum(base_detection, 0.999))
        extra = routes.incidence @ np.log1p(-np.minimum(extra_detection, 0.999))
        catch = 1 - np.exp(base[None, :] + np.outer(share, extra))
        actions = (catch * transit).sum(axis=1) / p.trafficking.lot_kg
        lots = np.ceil(transit / p.trafficking.lot_kg).astype(np.int64)
        caught = rng.interdiction.binomial(lots, np.clip(catch, 0.0, 1.0))
        seized = transit * np.divide(caught, lots, out=np.zeros(lots.shape), where=lots > 0)
        weights: dict[int, np.ndarray] = {}  # each path's segments' shares of its catches
        checkpoints: list[np.ndarray] = []     # where each catch is seized, and how many kg there
        kg: list[np.ndarray] = []
        for i, k in np.argwhere(caught > 0).tolist():
            segments = self.path_segments[k]
            if k not in weights:
                weights[k] = detection[segments] / detection[segments].sum()
            lots = int(caught[i, k])
            lots_on = rng.checkpoint.multinomial(lots, weights[k])
            orgs[i].seized_on[segments] += lots_on
            checkpoints.append(self.path_checkpoints[k])
            kg.append(seized[i, k] * lots_on / lots)
        seized_at = (group_sum(np.concatenate(checkpoints), np.concatenate(kg), model.places.n) if checkpoints
                     else np.zeros(model.places.n))
        for i, org in enumerate(orgs):
            org.in_transit -= seized[i]
            org.losses += float(seized[i].sum()) * org.wholesale_price
            if shipped[i] > 0:
                org.seizure_share = ewma(org.seizure_share, float(seized[i].sum() / shipped[i]),
                                         p.trafficking.loss_memory)
        model.ledger.seized += float(seized.sum())
        model.log.record_places("seizure", seized_at, detail="interdiction")
        return float(actions.sum()), float((actions * np.maximum(0.0, 1 - share)).sum())

    # -- outputs -----------------------------------------------------------------------------------------------
    @metric("route_dispersion", "routes", "market",
            "Effective number of corridor segments used: 1 / Σ share² of trafficked kg over segments.")
    def route_dispersion(self) -> float:
        return 1 / herfindahl(self.flow) if self.flow.sum() > 0 else 0.0
