"""Stage 3 — retail: dealers follow territory, quit or are replaced, buy wholesale, set prices.

Vacancies (after arrests or quits) are filled from the local labour pool at a rate that rises
with deprivation; some are filled by a rival organisation's recruit, so enforcement that
removes many dealers also mixes rival suppliers on the same street. Retail prices carry the
wholesale price, the retail markup, a premium for the local arrest risk, and scarcity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.setup import dealer_target, rival_suppliers
from marketsim.stages.common import ewma, group_sum, safe_ratio

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

QUIT_RATE = 0.01  # weekly chance a dealer leaves the trade of their own accord (assumption)
STOCK_ADJUSTMENT = 0.5  # share of the gap to target stock a dealer refills each week beyond sales
LOYALTY_SWITCH = 0.03  # weekly chance a dealer switches to the organisation controlling their turf


def run(model: DrugMarketModel) -> None:
    """Run the retail stage for one week."""
    follow_territory(model)
    turnover(model)
    buy_wholesale(model)
    set_retail_prices(model)


def follow_territory(model: DrugMarketModel) -> None:
    """Dealers of vanished organisations, and some loyal to a former controller, switch supplier."""
    dealers, controller = model.dealers, model.places.controller
    active = np.flatnonzero(dealers.active)
    local = controller[dealers.place[active]]
    orphan = ~np.isin(dealers.org[active], list(model.org_by_slot))
    switch = (local >= 0) & (dealers.org[active] != local) & (
        orphan | (model.rng.random(len(active)) < LOYALTY_SWITCH))
    dealers.org[active[switch]] = local[switch]
    leave = orphan & (local < 0)
    if leave.any():
        model.ledger.lost += float(dealers.stock[active[leave]].sum())
        model.remove_dealers(active[leave])


def turnover(model: DrugMarketModel) -> None:
    """Quits, and replacement of vacancies from the local labour pool."""
    p, dealers, places, table, rng = model.p.retail, model.dealers, model.places, model.communities, model.rng
    active = np.flatnonzero(dealers.active)
    quitting = active[rng.random(len(active)) < QUIT_RATE]
    if len(quitting):
        model.return_dealer_stock(quitting)
        model.remove_dealers(quitting)
    active = np.flatnonzero(dealers.active)
    community = places.community[dealers.place[active]]
    have = group_sum(community, None, len(table.place))
    target = dealer_target(model)
    vacancies = np.maximum(np.round(target - have), 0).astype(np.int64)
    fill = np.clip(p.replacement_rate * table.deprivation / 0.5, 0.0, 1.0)
    recruits = rng.binomial(vacancies, fill)
    recruits[places.controller[table.place] < 0] = 0
    total = int(recruits.sum())
    if total == 0:
        return
    where = np.repeat(table.place, recruits)
    orgs = places.controller[where].copy()
    rivals = rng.random(total) < p.vacancy_rivals
    orgs[rivals] = rival_suppliers(model, where[rivals])
    rival = orgs != places.controller[where]
    model.tally.rival_recruits = group_sum(places.community[where[rival]], None, len(table.place))
    slots = dealers.free_slots(total)
    model.create_dealers(slots, where, orgs)
    local_sales = safe_ratio(group_sum(community, dealers.sales_ma[active], len(table.place)), have)
    dealers.sales_ma[slots] = local_sales[places.community[where]]


def buy_wholesale(model: DrugMarketModel) -> None:
    """Dealers refill their stock from their organisation; short organisations ration."""
    p, dealers = model.p.retail, model.dealers
    active = np.flatnonzero(dealers.active)
    want = np.maximum(dealers.sales_ma[active] + STOCK_ADJUSTMENT * (
        dealers.sales_ma[active] * p.cover_weeks - dealers.stock[active]), 0.0)
    size = max(model.org_by_slot, default=-1) + 1
    wanted = group_sum(dealers.org[active], want, size)
    stock = np.zeros(size)
    price = np.zeros(size)
    for org in model.orgs:
        stock[org.slot] = org.city_stock
        price[org.slot] = org.wholesale_price
    fill = np.minimum(safe_ratio(stock, wanted, 1.0), 1.0)
    bought = want * fill[dealers.org[active]]
    dealers.stock[active] += bought
    sold = group_sum(dealers.org[active], bought, size)
    expected = group_sum(dealers.org[active], dealers.sales_ma[active], size)
    for org in model.orgs:
        org.city_stock -= float(sold[org.slot])
        org.revenue += float(sold[org.slot] * price[org.slot])
        org.sales_ma = ewma(org.sales_ma, float(expected[org.slot]), 0.2)
    model.tally.wholesale_kg = float(bought.sum())
    model.tally.wholesale_value = float((bought * price[dealers.org[active]]).sum())


def set_retail_prices(model: DrugMarketModel) -> None:
    """Retail price per pure kg and purity, per dealer and per community."""
    p, dealers, places, table = model.p.retail, model.dealers, model.places, model.communities
    active = np.flatnonzero(dealers.active)
    community = places.community[dealers.place[active]]
    n = len(table.place)
    have = group_sum(community, None, n)
    table.arrest_hazard = ewma(table.arrest_hazard, safe_ratio(table.dealer_arrests, have), 0.1)
    by_slot = np.zeros(max(model.org_by_slot, default=0) + 2)  # the last entry serves dealers with no supplier
    for org in model.orgs:
        by_slot[org.slot] = org.wholesale_price
    wholesale = by_slot[dealers.org[active]]
    cover = safe_ratio(dealers.stock[active], dealers.sales_ma[active] * p.cover_weeks, 1.0)
    scarcity = np.clip(np.maximum(cover, 1e-3) ** -0.25, 0.8, 1.6)
    risk = np.minimum(1.0, 52 * table.arrest_hazard[community])  # expected arrests per dealer-year
    dealers.price[active] = wholesale * p.retail_markup * (1 + model.p.trafficking.risk_premium * risk) * scarcity
    stock = group_sum(community, dealers.stock[active], n)
    target = group_sum(community, dealers.sales_ma[active] * p.cover_weeks, n)
    table.purity = np.clip(p.purity * np.clip(safe_ratio(stock, target, 1.0), 0.2, 1.2) ** p.purity_response,
                           0.05, 0.95)
    priced = group_sum(community, dealers.price[active] * np.maximum(dealers.stock[active], 1e-9), n)
    weights = group_sum(community, np.maximum(dealers.stock[active], 1e-9), n)
    table.retail_price = np.where(weights > 0, safe_ratio(priced, weights), table.retail_price)
