"""Trafficking: purchases at the farm gate, route choice, shipping, interdiction and wholesale prices.

Shipments that survived last week's interdiction land after the border. Each organisation
then refills its pipeline, buying where product is plentiful and cheap, and splits its
shipments over candidate routes by a softmax of their full cost: transport (with congestion),
tolls to rivals who control transit towns, and the expected loss from its *learned* risk of
seizure on each segment (raised by seizures it suffered, fading over time). The wholesale price
after the border carries the chain's markups, a premium for the risk borne, and scarcity.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import compiled, herfindahl, metric, pairwise_sum
from marketsim.sim.subsystem import Subsystem
from marketsim.world import PRODUCTION

if TYPE_CHECKING:
    from marketsim.config.params import Params
    from marketsim.model import DrugMarketModel

MAX_CHANCE = 0.999
"""Chances of a seizure (learned or real) are capped here where their logarithm is taken, so that
a certain catch stays finite: a numerical guard, not a level."""


def chain_price(params: Params, farm_price: float) -> float:
    """Wholesale price after the border implied by a farm-gate price and the chain's markups."""
    t = params.trafficking
    return farm_price * t.export_markup * t.corridor_markup * t.border_markup


class Trafficking(Subsystem):
    """The movement of product from farms to the city: each organisation's product and what it
    knows of its routes (one row per organisation id, ``by_org``), flows on route segments and the
    drug value passing through each place."""

    name = "trafficking"
    needs = ("dealers", "farms", "orgs")

    def __init__(self, model: DrugMarketModel):
        """Fill each organisation's pipeline and set its price at the market's steady state."""
        self.attach(model)
        routes, dealers, orgs = model.routes, model.dealers, model.orgs
        self.by_org = orgs.table()
        b = self.by_org
        b.declare("source_stock")                          # kg bought at the farm gate, not yet shipped
        b.declare("in_transit", float, 0.0, (len(routes.paths),))  # kg on each candidate route this week
        b.declare("city_stock")                            # kg landed after the border
        b.declare("sales_ma")                              # kg/week sold wholesale, moving average
        b.declare("risk", float, 0.0, (len(routes.edges),))       # learned chance of a seizure on each segment
        b.declare("seized_on", float, 0.0, (len(routes.edges),))  # lots seized on each segment this week
        b.declare("seizure_share")                         # recent share of shipments lost
        b.declare("wholesale_price")                       # USD per pure kg after the border
        self.flow = np.zeros(len(routes.edges))      # kg this week on each segment
        self.flow_ma = np.zeros(len(routes.edges))   # moving average (congestion, maps)
        self.through = np.zeros(model.places.n)      # kg this week passing through each place
        self.stake = np.zeros(model.places.n)        # USD of transit margin and farm sales by place this week
        self.farm_sales = np.zeros(model.places.n)   # USD paid to farmers by place this week
        if (np.diff(routes.path_region) < 0).any():
            raise ValueError("routes.path_region: candidate paths must be listed region by region")
        # each region's candidate paths: a run of consecutive paths (a slice reads them without a copy)
        bounds = np.searchsorted(routes.path_region, np.arange(len(model.places.regions) + 1)).tolist()
        if bounds[0] != 0 or bounds[-1] != len(routes.paths):
            raise ValueError(f"routes.path_region: every candidate path must leave one of the {len(bounds) - 1} "
                             f"source regions (0-{len(bounds) - 2}); got {sorted(set(routes.path_region.tolist()))}")
        self.region_bounds = np.array(bounds, dtype=np.int64)  # region r's candidate paths: bounds[r] to bounds[r + 1]
        self.pathless = [r for r, (start, stop) in enumerate(itertools.pairwise(bounds)) if start == stop]  # cut off
        self.farm_places = model.places.of_kind(PRODUCTION)
        self.farm_region = model.places.region[self.farm_places]
        # each path's segments, right-aligned in a row as long as the longest path's (-1 before a shorter path's)
        width = max((len(segments) for segments in routes.paths), default=0)
        self.padded_segments = np.full((len(routes.paths), width), -1, dtype=np.int64)
        for k, segments in enumerate(routes.paths):
            self.padded_segments[k, width - len(segments):] = segments
        active = dealers.active_slots()
        sales_by_org = np.bincount(dealers.org[active], weights=dealers.sales_ma[active], minlength=orgs.id_bound())
        base = chain_price(model.p, float(model.farms.price.mean()))
        t = model.p.trafficking
        ids = orgs.ids()  # half the target cover landed, one week's sales in transit
        b.sales_ma[ids] = sales_by_org[ids]
        b.city_stock[ids] = b.sales_ma[ids] * t.stock_cover_weeks / 2
        b.wholesale_price[ids] = base
        b.in_transit[ids] = b.sales_ma[ids, None] * np.full(len(routes.paths), 1.0 / len(routes.paths))
        revenue = b.sales_ma[ids] * base
        orgs.start_books(ids, revenue, cash=revenue * t.initial_cash_weeks)

    def stock_kg(self) -> float:
        """Product organisations hold: at the source, in transit and after the border."""
        b, ids = self.by_org, self.model.orgs.ids()
        return float((b.source_stock[ids] + b.city_stock[ids] + b.in_transit[ids].sum(axis=1)).sum())

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def land(self) -> None:
        """Landing: last week's shipments arrive in the city, and each organisation learns how risky
        its routes were: the learned risk of segments where lots were seized rises, the rest fades."""
        t, b = self.model.p.trafficking, self.by_org
        _land(self.model.orgs.ids(), b.city_stock, b.in_transit, b.risk, b.seized_on, t.risk_decay, t.risk_learning)

    def step(self) -> None:
        """Trafficking: purchases at the farm gate, routing, shipping, wholesale prices."""
        model = self.model
        self.stake = np.zeros(model.places.n)
        self.through = np.zeros(model.places.n)
        ids = model.orgs.ids()
        farm_price = model.farms.price
        base = chain_price(model.p, float(farm_price.sum() / len(farm_price)))  # the mean, np.mean's arithmetic
        bought = self.buy_at_farm_gate(ids)
        self.ship(ids, bought, base)
        self.set_wholesale_prices(ids, base)

    def buy_at_farm_gate(self, ids: np.ndarray) -> np.ndarray:
        """Purchases of the organisations ``ids`` (orgs × regions, kg): each wants to refill its pipeline
        and spreads its requests over regions by their stock per dollar; rationed where requests exceed
        farm stock."""
        model, b = self.model, self.by_org
        t, farms = model.p.trafficking, model.farms
        requested, taken_share, bought, taken = _farm_gate_purchases(
            ids, farms.stock, self.farm_places, self.farm_region, farms.price, b.sales_ma, b.city_stock,
            b.source_stock, t.pipeline_adjustment, t.stock_cover_weeks)
        farms.sell(requested, taken_share)
        self.farm_sales = _farm_sales(farms.stock, self.farm_places, self.farm_region, taken, farms.price,
                                      model.places.n)
        model.orgs.pay(ids, bought @ farms.price)
        return bought

    def ship(self, ids: np.ndarray, bought: np.ndarray, base: float) -> None:
        """Split the purchases of the organisations ``ids`` over the candidate routes from each region
        and put them in transit; pay tolls to the controllers of transit towns on the way (vectorised
        over organisations: arrays are paths × organisations). ``base``: this week's wholesale price
        after the border implied by the mean farm price (``chain_price``)."""
        model, b = self.model, self.by_org
        t, routes = model.p.trafficking, model.routes
        if len(ids) == 0:
            return
        farm_price, controller = model.farms.price, model.orgs.controller
        learned = np.minimum(b.risk[ids], MAX_CHANCE)
        path_escape = np.exp(routes.incidence @ np.log1p(-learned).T)  # chance a lot gets through unseized, as learned
        congestion = 1 + (self.flow_ma / routes.capacity) ** t.congestion_exponent
        transport = routes.incidence @ (routes.cost * congestion)
        exponent, by_region, foreign, value = _route_choice(
            ids, bought, b.source_stock, transport, path_escape, farm_price, routes.path_region, routes.tolls,
            controller, self.region_bounds, t.export_markup, t.corridor_markup, t.toll_rate, t.route_temperature)
        for r in self.pathless:
            model.ledger.lose(float(by_region[:, r].sum()))
        path_flow, tolls_due, margin_flow = _ship_over_routes(
            ids, np.exp(exponent), by_region, b.in_transit, b.source_stock, routes.path_region, self.region_bounds,
            value, t.toll_rate, base, farm_price)
        self.flow = routes.incidence.T @ path_flow
        self.through = routes.through.T @ path_flow
        tolls_paid = np.einsum("ko,kn,on->n", tolls_due, routes.tolls, foreign)
        model.orgs.earn(ids, _tolls_received(ids, tolls_paid, controller, self.flow_ma, self.flow, t.flow_memory))
        # what control of a transit town is worth: the margin on the product that passes through it
        self.stake = (routes.tolls.T @ margin_flow) + self.farm_sales

    def set_wholesale_prices(self, ids: np.ndarray, base: float) -> None:
        """Wholesale price after the border: the chain's markups on the mean farm price (``base``), a
        premium for the risk borne at this tier (shipments seized, members arrested, revenue seized),
        and a scarcity factor when the pipeline is short."""
        model, b, books = self.model, self.by_org, self.model.orgs.by_org
        t = model.p.trafficking
        _set_wholesale_prices(ids, b.wholesale_price, b.city_stock, b.in_transit, b.sales_ma, b.seizure_share,
                              books.aml_share, books.arrest_share, model.p.mechanisms.risk_prices, base,
                              t.stock_cover_weeks, t.scarcity_elasticity, t.scarcity_floor, t.scarcity_cap,
                              t.risk_premium)

    # -- what other subsystems do to organisations' product ---------------------------------------------------
    def write_off(self, org_id: int) -> None:
        """An organisation ends: the product it held is lost."""
        b = self.by_org
        self.model.ledger.lose(float(b.source_stock[org_id] + b.city_stock[org_id] + b.in_transit[org_id].sum()))
        b.source_stock[org_id] = b.city_stock[org_id] = 0.0
        b.in_transit[org_id] = 0.0

    def divide(self, parent: int, children: np.ndarray, shares: np.ndarray, kept: float) -> None:
        """An organisation splits: the new ``children`` take ``shares`` of its stock after the border,
        in transit and of its expected sales, and what it knows of its routes and its price; it keeps
        the ``kept`` share."""
        b = self.by_org
        b.city_stock[children] = b.city_stock[parent] * shares
        b.in_transit[children] = b.in_transit[parent] * shares[:, None]
        b.risk[children] = b.risk[parent]
        b.sales_ma[children] = b.sales_ma[parent] * shares
        b.wholesale_price[children] = b.wholesale_price[parent]
        b.city_stock[parent] *= kept
        b.in_transit[parent] *= kept
        b.sales_ma[parent] *= kept

    def sell_wholesale(self, ids: np.ndarray, kg: np.ndarray, expected: np.ndarray, adjustment: float) -> None:
        """The organisations ``ids`` (distinct) sell ``kg`` to their dealers at their wholesale prices,
        and move their expected sales ``adjustment`` of the way toward the ``expected`` kg/week
        (``kg`` and ``expected``: arrays by organisation id)."""
        b = self.by_org
        self.model.orgs.earn(ids, _sell_wholesale(ids, kg, expected, adjustment, b.city_stock, b.sales_ma,
                                                  b.wholesale_price))

    def take_back(self, org_ids: np.ndarray, kg: np.ndarray) -> None:
        """Dealers leaving the trade hand ``kg`` back to their suppliers ``org_ids`` (one entry per
        dealer); what a dealer of an organisation that no longer exists held is lost."""
        for lost in _take_back(org_ids, kg, self.model.orgs.by_org.alive, self.by_org.city_stock).tolist():
            self.model.ledger.lose(lost)

    def seize_at(self, mask: np.ndarray, share: float, seized_at: np.ndarray) -> None:
        """Police seize ``share`` of the product organisations hold at the places ``mask`` marks: of
        the lots in transit on routes through them (taken at the first such place) and of the stock
        after the border, held where their dealers sell; the kg seized at each place are added to
        ``seized_at``. The organisations count the losses and learn that the checkpoints there are
        risky."""
        model, b, routes, dealers = self.model, self.by_org, self.model.routes, self.model.dealers
        paths = routes.through[:, mask].sum(axis=1) > 0
        first_stop = np.array([next((i for i in nodes if mask[i]), -1) for nodes in routes.path_nodes])
        active = dealers.active_slots()
        checkpoints = np.isin(routes.checkpoint, np.flatnonzero(mask))
        for org_id in model.orgs.ids().tolist():
            in_transit = b.in_transit[org_id] * paths * share
            mine = active[dealers.org[active] == org_id]
            held_here = np.count_nonzero(mask[dealers.place[mine]]) / len(mine) if len(mine) else 0.0
            city = b.city_stock[org_id] * held_here * share
            b.in_transit[org_id] -= in_transit
            b.city_stock[org_id] -= city
            model.orgs.lose(org_id, (float(in_transit.sum()) + city) * b.wholesale_price[org_id])
            if in_transit.sum() > 0:
                b.seized_on[org_id, checkpoints] += 1
            np.add.at(seized_at, first_stop[paths], in_transit[paths])
            if city > 0:
                np.add.at(seized_at, dealers.place[mine], city / len(mine) * mask[dealers.place[mine]] / held_here)

    # -- what police do to shipments -------------------------------------------------------------------------
    def interdict(self, extra_detection: np.ndarray, exposure: np.ndarray) -> tuple[float, float]:
        """Catch lots in transit: each segment detects a lot with its base chance plus the police's
        ``extra_detection`` there; an organisation's ``exposure`` (by organisation id) is the share
        of that effort it has not bought off (it scales the police's effort, not the base
        inspection). Returns the lots acted against and the part neutralised."""
        model, b = self.model, self.by_org
        p, routes, rng = model.p, model.routes, self.draws
        ids = model.orgs.ids()
        if len(ids) == 0:
            return 0.0, 0.0
        base_detection = routes.base_detection(model.places)
        base_missed, extra_missed = _missed(base_detection, extra_detection)
        base, extra = routes.incidence @ np.log1p(base_missed), routes.incidence @ np.log1p(extra_missed)
        transit, share, exponent = _escape_exponents(ids, b.in_transit, exposure, base, extra)
        escape = np.exp(exponent)  # each lot's chance of getting through (numpy's exp, not the C library's)
        chance, lots, actions, neutralised = _interdiction_chances(transit, escape, share, p.trafficking.lot_kg)
        caught = rng.interdiction.binomial(lots, chance)
        seized, lost_usd, seized_kg, catch_rows, catch_paths, catch_lots, segment_shares = _interdiction_seizures(
            ids, transit, caught, lots, b.in_transit, b.seizure_share, b.wholesale_price, p.trafficking.loss_memory,
            base_detection, extra_detection, self.padded_segments)
        seized_at = self.place_catches(ids, catch_rows, catch_paths, catch_lots, segment_shares, seized)
        model.orgs.lose(ids, lost_usd)
        model.ledger.seize(seized_kg)
        model.log.record_places("seizure", seized_at, detail="interdiction")
        return actions, neutralised

    def place_catches(self, ids: np.ndarray, catch_rows: np.ndarray, catch_paths: np.ndarray,
                      catch_lots: np.ndarray, segment_shares: np.ndarray, seized: np.ndarray) -> np.ndarray:
        """Where the catches were made (``catch_lots`` lots of the organisation ``ids[catch_rows]`` on
        the path ``catch_paths``, one entry per catch): each catch is split over its path's segments by
        their ``segment_shares`` of its detection (one draw for all catches), counted in the
        organisation's lots seized on each segment, and its kg (``seized``: organisations × paths) are
        seized at the segments' checkpoints. Returns the kg seized at each place."""
        if len(catch_paths) == 0:
            return np.zeros(self.model.places.n)
        # the shares of a path shorter than the longest are padded with zeros in front: a category of chance 0
        # takes none of the lots and no random number, so each catch draws what a draw of its own would
        lots_on = self.draws.checkpoint.multinomial(catch_lots, segment_shares)
        return _catches_at_checkpoints(ids, catch_rows, catch_paths, catch_lots, lots_on, seized,
                                       self.padded_segments, self.by_org.seized_on, self.model.routes.checkpoint,
                                       self.model.places.n)

    # -- outputs -----------------------------------------------------------------------------------------------
    @metric("route_dispersion", "routes", "market",
            "Effective number of corridor segments used: 1 / Σ share² of trafficked kg over segments.")
    def route_dispersion(self) -> float:
        concentration = herfindahl(self.flow)
        return 1 / concentration if concentration > 0 else 0.0


# -- compiled kernels of the rules above (marketsim.sim.common.compiled: numpy's arithmetic, operation for operation)
@compiled
def _missed(base_detection: np.ndarray, extra_detection: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minus each segment's chance of detecting a lot, at most ``MAX_CHANCE`` (as np.minimum bounds it: a
    NaN passes): the argument of log1p for the log chance a lot gets through, with no interdiction effort
    (``base_detection``) and with the police's (``extra_detection``)."""
    base, extra = np.empty(len(base_detection)), np.empty(len(extra_detection))
    for segment in range(len(base_detection)):
        base[segment] = -(MAX_CHANCE if base_detection[segment] >= MAX_CHANCE else base_detection[segment])
    for segment in range(len(extra_detection)):
        extra[segment] = -(MAX_CHANCE if extra_detection[segment] >= MAX_CHANCE else extra_detection[segment])
    return base, extra


@compiled
def _escape_exponents(ids: np.ndarray, in_transit: np.ndarray, exposure: np.ndarray, base: np.ndarray,
                      extra: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of the organisations ``ids``: their kg in transit on each path (their rows of ``in_transit``, a
    copy), their ``exposure`` and the log chance a lot of theirs gets through each path: the ``base``
    log chance plus their exposure × the police's ``extra`` log chance."""
    n_orgs, n_paths = len(ids), in_transit.shape[1]
    transit, share, exponent = np.empty((n_orgs, n_paths)), np.empty(n_orgs), np.empty((n_orgs, len(base)))
    for o in range(n_orgs):
        share[o] = exposure[ids[o]]
        for k in range(n_paths):
            transit[o, k] = in_transit[ids[o], k]
        for k in range(len(base)):
            exponent[o, k] = base[k] + share[o] * extra[k]
    return transit, share, exponent


@compiled
def _interdiction_chances(transit: np.ndarray, escape: np.ndarray, share: np.ndarray,
                          lot_kg: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Of the kg in transit (organisations × paths) and each lot's chance of getting through
    (``escape``): the chance a lot is caught (within [0, 1], for the draw), the lots on each path,
    the lots acted against (expected catches) and the part of them the organisations' exposure
    ``share`` leaves neutralised."""
    n_orgs, n_paths = transit.shape
    chance = np.empty((n_orgs, n_paths))
    lots = np.empty((n_orgs, n_paths), np.int64)
    actions = np.empty(n_orgs)
    caught_kg = np.empty(n_paths)
    for o in range(n_orgs):
        for k in range(n_paths):
            catch = 1 - escape[o, k]
            caught_kg[k] = catch * transit[o, k]
            lots[o, k] = math.ceil(transit[o, k] / lot_kg)
            chance[o, k] = min(max(catch, 0.0), 1.0)
        actions[o] = pairwise_sum(caught_kg) / lot_kg  # a row's sum: pairwise, as numpy sums
    neutralised = np.empty(n_orgs)
    for o in range(n_orgs):
        neutralised[o] = actions[o] * max(0.0, 1 - share[o])
    return chance, lots, pairwise_sum(actions), pairwise_sum(neutralised)


@compiled
def _interdiction_seizures(ids: np.ndarray, transit: np.ndarray, caught: np.ndarray, lots: np.ndarray,
                           in_transit: np.ndarray, seizure_share: np.ndarray, wholesale_price: np.ndarray,
                           loss_memory: float, base_detection: np.ndarray, extra_detection: np.ndarray,
                           padded_segments: np.ndarray) -> tuple:
    """The kg seized of the lots ``caught`` (organisations ``ids`` × paths), taken out of
    ``in_transit``; each organisation's recent ``seizure_share`` moves toward its share of shipments
    lost. Returns the kg seized (organisations × paths), their value to each organisation, the
    total kg, and the catches (row of ``ids``, path, lots; row-major, as ``np.nonzero`` lists them)
    with each catch's path's segments' shares of its detection (``padded_segments``' columns)."""
    n_orgs, n_paths = transit.shape
    seized = np.empty((n_orgs, n_paths))
    lost_usd = np.empty(n_orgs)
    n_catches = 0
    for o in range(n_orgs):
        for k in range(n_paths):
            if lots[o, k] > 0:
                seized[o, k] = transit[o, k] * (caught[o, k] / lots[o, k])
            else:
                seized[o, k] = transit[o, k] * 0.0
            in_transit[ids[o], k] -= seized[o, k]
            if caught[o, k] > 0:
                n_catches += 1
        lost = pairwise_sum(seized[o])  # a row's sum: pairwise, as numpy sums
        shipped = pairwise_sum(transit[o])
        lost_usd[o] = lost * wholesale_price[ids[o]]
        if shipped > 0:
            seizure_share[ids[o]] += loss_memory * (lost / shipped - seizure_share[ids[o]])  # ewma
    seized_kg = pairwise_sum(seized.ravel())  # the whole array's sum: one pairwise sum over it
    detection = np.empty(len(base_detection))
    for e in range(len(base_detection)):
        detection[e] = 1 - (1 - base_detection[e]) * (1 - extra_detection[e])
    width = padded_segments.shape[1]
    catch_rows = np.empty(n_catches, np.int64)
    catch_paths = np.empty(n_catches, np.int64)
    catch_lots = np.empty(n_catches, np.int64)
    segment_shares = np.zeros((n_catches, width))
    on_path = np.empty(width)
    i = 0
    for o in range(n_orgs):
        for k in range(n_paths):
            if caught[o, k] > 0:
                catch_rows[i], catch_paths[i], catch_lots[i] = o, k, caught[o, k]
                first = 0  # the path's first column (the columns before it pad a shorter path)
                while first < width and padded_segments[k, first] < 0:
                    first += 1
                for j in range(first, width):
                    on_path[j - first] = detection[padded_segments[k, j]]
                total = pairwise_sum(on_path[:width - first])
                for j in range(first, width):
                    segment_shares[i, j] = on_path[j - first] / total
                i += 1
    return seized, lost_usd, seized_kg, catch_rows, catch_paths, catch_lots, segment_shares


@compiled
def _catches_at_checkpoints(ids: np.ndarray, catch_rows: np.ndarray, catch_paths: np.ndarray,
                            catch_lots: np.ndarray, lots_on: np.ndarray, seized: np.ndarray,
                            padded_segments: np.ndarray, seized_on: np.ndarray, checkpoint: np.ndarray,
                            n_places: int) -> np.ndarray:
    """Each catch's ``lots_on`` each segment of its path (``padded_segments``' columns) added to its
    organisation's lots ``seized_on`` that segment, and its kg (``seized``) split over the segments'
    checkpoints in proportion: returns the kg seized at each place (added catch by catch, segment by
    segment, as ``np.bincount`` adds)."""
    seized_at = np.zeros(n_places)
    for i in range(len(catch_paths)):
        o, k = catch_rows[i], catch_paths[i]
        for j in range(padded_segments.shape[1]):
            segment = padded_segments[k, j]
            if segment >= 0:
                seized_on[ids[o], segment] += lots_on[i, j]
                seized_at[checkpoint[segment]] += seized[o, k] * lots_on[i, j] / catch_lots[i]
    return seized_at


@compiled
def _column_sums(matrix: np.ndarray, start: int, stop: int) -> np.ndarray:
    """What ``matrix[start:stop].sum(axis=0)`` gives for a C-contiguous 2-D float array: numpy adds the
    rows in order, but the numbers of a single column as one pairwise sum."""
    n_columns = matrix.shape[1]
    sums = np.zeros(n_columns)
    if n_columns == 1:
        column = np.empty(stop - start)
        for i in range(start, stop):
            column[i - start] = matrix[i, 0]
        sums[0] = pairwise_sum(column)
    else:
        for i in range(start, stop):
            for j in range(n_columns):
                sums[j] += matrix[i, j]
    return sums


@compiled
def _route_choice(ids: np.ndarray, bought: np.ndarray, source_stock: np.ndarray, transport: np.ndarray,
                  path_escape: np.ndarray, farm_price: np.ndarray, path_region: np.ndarray, tolls: np.ndarray,
                  controller: np.ndarray, region_bounds: np.ndarray, export_markup: float, corridor_markup: float,
                  toll_rate: float, route_temperature: float) -> tuple:
    """Each path's full cost to each organisation ``ids`` (its ``transport`` cost, tolls at the towns
    rivals control, the value it expects to lose at its learned chance of getting through,
    ``path_escape``: paths × organisations) and the exponent of its softmax weight among its region's
    paths (paths × organisations); with each organisation's source stock split over regions as it
    bought there (organisations × regions), which places a rival controls (organisations × places)
    and each path's product value."""
    n_paths, n_orgs = path_escape.shape
    n_places = len(controller)
    foreign = np.zeros((n_orgs, n_places))
    for o in range(n_orgs):
        for n in range(n_places):
            if controller[n] >= 0 and controller[n] != ids[o]:
                foreign[o, n] = 1.0
    value = np.empty(n_paths)
    cost = np.empty((n_paths, n_orgs))
    for k in range(n_paths):
        value[k] = farm_price[path_region[k]] * export_markup * corridor_markup
        for o in range(n_orgs):
            rivals_towns = 0.0  # towns on the path a rival controls: whole numbers, as the matrix product gives
            for n in range(n_places):
                if tolls[k, n] != 0.0:
                    rivals_towns += tolls[k, n] * foreign[o, n]
            cost[k, o] = (transport[k] + toll_rate * value[k] * rivals_towns) + value[k] * (1 - path_escape[k, o])
    n_regions = bought.shape[1]
    by_region = np.empty((n_orgs, n_regions))
    for o in range(n_orgs):
        total = pairwise_sum(bought[o])
        for r in range(n_regions):
            share = bought[o, r] / total if total > 0 else 0.0
            kg = share * source_stock[ids[o]]
            by_region[o, r] = kg if kg >= 0.0 else 0.0  # a stock rounded a hair below 0 ships nothing
    exponent = np.empty((n_paths, n_orgs))
    for r in range(len(region_bounds) - 1):
        start, stop = region_bounds[r], region_bounds[r + 1]
        if start == stop:
            continue
        mean = _column_sums(cost, start, stop)
        for o in range(n_orgs):
            spread = route_temperature * max(mean[o] / (stop - start), 1e-9)
            cheapest = cost[start, o]
            for k in range(start + 1, stop):
                cheapest = min(cheapest, cost[k, o])
            for k in range(start, stop):
                exponent[k, o] = -(cost[k, o] - cheapest) / spread
    return exponent, by_region, foreign, value


@compiled
def _ship_over_routes(ids: np.ndarray, weights: np.ndarray, by_region: np.ndarray, in_transit: np.ndarray,
                      source_stock: np.ndarray, path_region: np.ndarray, region_bounds: np.ndarray,
                      value: np.ndarray, toll_rate: float, base: float, farm_price: np.ndarray) -> tuple:
    """Each organisation's stock in each region shipped over the region's paths in proportion to
    their ``weights`` (paths × organisations), added to ``in_transit`` and taken out of
    ``source_stock``. Returns the kg on each path, the tolls due on each path's shipments
    (paths × organisations) and each path's kg times the margin on it."""
    n_paths, n_orgs = weights.shape
    shipped = np.empty((n_paths, n_orgs))
    for r in range(len(region_bounds) - 1):
        start, stop = region_bounds[r], region_bounds[r + 1]
        if start == stop:
            continue
        weight_sums = _column_sums(weights, start, stop)
        for k in range(start, stop):
            for o in range(n_orgs):
                shipped[k, o] = weights[k, o] / weight_sums[o] * by_region[o, path_region[k]]
    path_flow = np.empty(n_paths)
    tolls_due = np.empty((n_paths, n_orgs))
    margin_flow = np.empty(n_paths)
    for k in range(n_paths):
        for o in range(n_orgs):
            in_transit[ids[o], k] += shipped[k, o]
            tolls_due[k, o] = shipped[k, o] * value[k] * toll_rate
        path_flow[k] = pairwise_sum(shipped[k])  # a row's sum: pairwise, as numpy sums
        margin = base - farm_price[path_region[k]]
        margin_flow[k] = path_flow[k] * (margin if margin >= 0 else 0.0)
    for o in range(n_orgs):
        source_stock[ids[o]] = 0.0
    return path_flow, tolls_due, margin_flow


@compiled
def _tolls_received(ids: np.ndarray, tolls_paid: np.ndarray, controller: np.ndarray, flow_ma: np.ndarray,
                    flow: np.ndarray, flow_memory: float) -> np.ndarray:
    """The tolls paid at each place (``tolls_paid``) received by the organisations ``ids`` that control
    them (added place by place, as ``np.bincount`` adds); the moving average of the flow on each
    segment (``flow_ma``) moves toward this week's ``flow``."""
    size = 0
    for o in range(len(ids)):
        size = max(size, ids[o] + 1)
    income = np.zeros(size)
    for n in range(len(controller)):
        if controller[n] >= 0:
            if controller[n] < size:
                income[controller[n]] += tolls_paid[n]
        elif size > 0:
            income[0] += tolls_paid[n] * 0.0  # the places nobody holds weigh 0 (on key 0), as in np.bincount
    received = np.empty(len(ids))
    for o in range(len(ids)):
        received[o] = income[ids[o]]
    for e in range(len(flow)):
        flow_ma[e] += flow_memory * (flow[e] - flow_ma[e])
    return received


@compiled
def _farm_gate_purchases(ids: np.ndarray, farm_stock: np.ndarray, farm_places: np.ndarray, farm_region: np.ndarray,
                         price: np.ndarray, sales_ma: np.ndarray, city_stock: np.ndarray, source_stock: np.ndarray,
                         pipeline_adjustment: float, stock_cover_weeks: float) -> tuple:
    """Each organisation ``ids``'s requests for the product of each region (what it wants to refill
    its pipeline, split by the regions' stock per dollar), rationed where they exceed the region's
    farm stock; what it buys is added to its ``source_stock``. Returns the requests and the share of
    the stock taken by region, what each organisation bought in each region (organisations ×
    regions) and the kg taken by region."""
    n_regions, n_orgs = len(price), len(ids)
    stock = np.zeros(n_regions)
    for i in range(len(farm_places)):  # place by place, as np.bincount adds
        stock[farm_region[i]] += farm_stock[farm_places[i]]
    attractiveness = np.empty(n_regions)
    for r in range(n_regions):
        attractiveness[r] = stock[r] / price[r]
    appeal = pairwise_sum(attractiveness)
    requests = np.empty((n_orgs, n_regions))
    for o in range(n_orgs):
        sales = sales_ma[ids[o]]
        wants = sales + pipeline_adjustment * (sales * stock_cover_weeks - city_stock[ids[o]] - source_stock[ids[o]])
        wants = 0.0 if wants < 0.0 else wants  # np.maximum(0.0, wants): wants when equal, NaN kept
        for r in range(n_regions):
            requests[o, r] = wants * (attractiveness[r] / appeal if appeal > 0 else 1 / n_regions)
    requested = _column_sums(requests, 0, n_orgs)
    bought = np.empty((n_orgs, n_regions))
    for r in range(n_regions):
        fill = stock[r] / requested[r] if requested[r] > stock[r] else 1.0
        for o in range(n_orgs):
            bought[o, r] = requests[o, r] * min(fill, 1.0)
    taken = _column_sums(bought, 0, n_orgs)
    taken_share = np.empty(n_regions)
    for r in range(n_regions):
        taken_share[r] = taken[r] / stock[r] if stock[r] > 0 else 0.0
    for o in range(n_orgs):
        source_stock[ids[o]] += pairwise_sum(bought[o])  # a row's sum: pairwise, as numpy sums
    return requested, taken_share, bought, taken


@compiled
def _farm_sales(farm_stock: np.ndarray, farm_places: np.ndarray, farm_region: np.ndarray, taken: np.ndarray,
                price: np.ndarray, n_places: int) -> np.ndarray:
    """USD paid to the farmers of each place: the value of the kg ``taken`` in its region, shared by the
    stock each farm place has left of the region's."""
    regional = np.zeros(len(price))
    for i in range(len(farm_places)):  # place by place, as np.bincount adds
        regional[farm_region[i]] += farm_stock[farm_places[i]]
    paid = np.zeros(n_places)
    for i in range(len(farm_places)):
        r = farm_region[i]
        left = farm_stock[farm_places[i]]
        paid[farm_places[i]] = (taken[r] * price[r]) * (left / regional[r] if regional[r] > 0 else 0.0)
    return paid


@compiled
def _set_wholesale_prices(ids: np.ndarray, wholesale_price: np.ndarray, city_stock: np.ndarray,
                          in_transit: np.ndarray, sales_ma: np.ndarray, seizure_share: np.ndarray,
                          aml_share: np.ndarray, arrest_share: np.ndarray, risk_prices: bool, base: float,
                          stock_cover_weeks: float, scarcity_elasticity: float, scarcity_floor: float,
                          scarcity_cap: float, risk_premium: float) -> None:
    """Each organisation ``ids``'s ``wholesale_price``: ``base`` raised by a premium for the risk it
    bears (when ``risk_prices``) and by scarcity when its stock covers fewer weeks of sales than it
    aims for (the C library's pow, as Python's gives it)."""
    for o in range(len(ids)):
        i = ids[o]
        cover = (city_stock[i] + pairwise_sum(in_transit[i])) / max(sales_ma[i], 1e-9)
        shortfall = stock_cover_weeks / max(cover, 1e-9)
        scarcity = min(max(math.pow(shortfall, scarcity_elasticity), scarcity_floor), scarcity_cap)
        risk = seizure_share[i] + aml_share[i] + arrest_share[i] if risk_prices else 0.0
        wholesale_price[i] = base * (1 + risk_premium * risk) * scarcity


@compiled
def _land(ids: np.ndarray, city_stock: np.ndarray, in_transit: np.ndarray, risk: np.ndarray, seized_on: np.ndarray,
          risk_decay: float, risk_learning: float) -> None:
    """The organisations ``ids``' shipments ``in_transit`` land in their ``city_stock``; their learned
    ``risk`` of each segment fades and rises where lots were ``seized_on`` it (counted afresh each week)."""
    for o in range(len(ids)):
        i = ids[o]
        city_stock[i] += pairwise_sum(in_transit[i])  # a row's sum: pairwise, as numpy sums
        in_transit[i, :] = 0.0
        for e in range(risk.shape[1]):
            hit = min(seized_on[i, e], 1.0)
            risk[i, e] = risk[i, e] * (1 - risk_decay) + risk_learning * hit * (1 - risk[i, e])
            seized_on[i, e] = 0.0


@compiled
def _sell_wholesale(ids: np.ndarray, kg: np.ndarray, expected: np.ndarray, adjustment: float,
                    city_stock: np.ndarray, sales_ma: np.ndarray, wholesale_price: np.ndarray) -> np.ndarray:
    """The organisations ``ids`` sell ``kg`` out of their ``city_stock`` and move their expected sales
    (``sales_ma``) toward ``expected`` (``kg`` and ``expected`` by organisation id); returns what each
    is paid at its ``wholesale_price``."""
    revenue = np.empty(len(ids))
    for o in range(len(ids)):
        i = ids[o]
        city_stock[i] -= kg[i]
        revenue[o] = kg[i] * wholesale_price[i]
        sales_ma[i] += adjustment * (expected[i] - sales_ma[i])
    return revenue


@compiled
def _take_back(org_ids: np.ndarray, kg: np.ndarray, alive: np.ndarray, city_stock: np.ndarray) -> np.ndarray:
    """Each dealer's ``kg`` added to the ``city_stock`` of its organisation ``org_ids`` if it is
    ``alive`` (dealer by dealer, as ``np.add.at`` adds); returns the kg of the others, in order."""
    returned = np.empty(len(org_ids), np.bool_)
    for i in range(len(org_ids)):
        returned[i] = org_ids[i] >= 0 and alive[org_ids[i]]
        if returned[i]:
            city_stock[org_ids[i]] += kg[i]
    lost = np.empty(len(org_ids) - np.count_nonzero(returned))
    n = 0
    for i in range(len(org_ids)):
        if not returned[i]:
            lost[n] = kg[i]
            n += 1
    return lost
