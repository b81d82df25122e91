"""Stage 4 — demand: consumption at the local price, shortages, and flows between user states.

Users want their reference amounts scaled by (price / reference price)^elasticity. A legal
market, where regulated, supplies its share of that demand. Dealers sell what they hold, in
proportion to their stock; unmet demand is a shortage, which deters initiation and pushes
occasional users to stop. Then people move between non-use, occasional use, dependence and
treatment (binomial draws per community).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.stages.common import ewma, group_sum, safe_ratio

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


def run(model: DrugMarketModel) -> None:
    """Run the demand stage for one week."""
    consume(model)
    transitions(model)


def consume(model: DrugMarketModel) -> None:
    """Sell dealers' stock to users; record consumption, legal supply and shortage."""
    d, dealers, places, table = model.p.demand, model.dealers, model.places, model.communities
    n = len(table.place)
    price = np.where(table.retail_price > 0, table.retail_price, d.reference_price)
    reference = (table.occasional * d.grams_occasional + table.dependent * d.grams_dependent) / 1000.0
    desired = reference * (price / d.reference_price) ** d.elasticity
    legal_share = model.p.policy.legal_share
    legal_price = d.reference_price * model.p.policy.legal_price_ratio
    legal = reference * legal_share * (legal_price / d.reference_price) ** d.elasticity
    illicit = desired * (1 - legal_share)
    active = np.flatnonzero(dealers.active)
    community = places.community[dealers.place[active]]
    available = group_sum(community, dealers.stock[active], n)
    consumed = np.minimum(illicit, available)
    sell_share = safe_ratio(consumed, available)[community]
    sold = dealers.stock[active] * sell_share
    dealers.stock[active] -= sold
    # a dealer expects its share of local demand, whether or not it had the stock to serve it
    per_dealer = safe_ratio(illicit, group_sum(community, None, n))
    dealers.sales_ma[active] = ewma(dealers.sales_ma[active], per_dealer[community], 0.2)
    table.shortage = np.clip(1 - safe_ratio(consumed, illicit, 1.0), 0.0, 1.0)
    model.ledger.consumed += float(consumed.sum())
    tally = model.tally
    tally.consumed_kg = float(consumed.sum())
    tally.legal_kg = float(legal.sum())
    tally.demand_kg = float(illicit.sum())
    tally.retail_value = float((sold * dealers.price[active]).sum())
    tally.sales_by_community = group_sum(community, sold * dealers.price[active], n)


def transitions(model: DrugMarketModel) -> None:
    """Initiation, cessation, progression, remission and treatment, per community."""
    d, h, table, rng = model.p.demand, model.p.harm, model.communities, model.rng
    price = np.where(table.retail_price > 0, table.retail_price, d.reference_price)
    availability = (1 - table.shortage) ** d.shortage_initiation * np.clip(
        (price / d.reference_price) ** d.elasticity, 0.2, 5)
    has_market = table.users > 0
    pressure = 0.5 + table.deprivation
    starting = rng.binomial(table.non_users, np.clip(d.initiation * availability * pressure * has_market, 0, 1))
    stopping = rng.binomial(table.occasional, np.clip(d.cessation * (1 + table.shortage), 0, 1))
    progressing = rng.binomial(table.occasional - stopping, np.clip(d.progression * availability, 0, 1))
    remitting = rng.binomial(table.dependent, d.remission)
    capacity = np.round(h.treatment_capacity * table.population / 1e5).astype(np.int64)
    free = np.maximum(capacity - table.treatment, 0)
    # waiting lists deter: the fewer places free, the fewer dependent users seek treatment
    open_share = np.divide(free, capacity, out=np.zeros(len(free)), where=capacity > 0)
    seeking = rng.binomial(table.dependent - remitting, d.treatment_seeking * open_share) + table.referrals
    entering = np.minimum(np.minimum(seeking, free), table.dependent - remitting)
    table.referrals[:] = 0
    leaving = rng.binomial(table.treatment, 1 / d.treatment_weeks)
    recovered = rng.binomial(leaving, d.treatment_success)
    table.non_users += -starting + stopping + remitting + recovered
    table.occasional += starting - stopping - progressing
    table.dependent += progressing - remitting - entering + (leaving - recovered)
    table.treatment += entering - leaving
