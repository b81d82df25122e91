"""Stage 9 — collect: one row of metrics for the week (definitions in ``marketsim.outputs``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.agents import SalesMode
from marketsim.outputs import METRICS
from marketsim.stages.justice import RECORD_WEEKS

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


def columns(model: DrugMarketModel) -> list[str]:
    """Output columns: the fixed metrics, with one production share per region after production_kg."""
    names = list(METRICS)
    at = names.index("production_kg") + 1
    return names[:at] + [f"production_share_{r}" for r in model.places.regions] + names[at:]


def herfindahl(values: np.ndarray) -> float:
    """Σ share² of non-negative values (0 when all are zero)."""
    total = values.sum()
    return float(((values / total) ** 2).sum()) if total > 0 else 0.0


def spillover(model: DrugMarketModel, homicides: np.ndarray) -> float:
    """Homicides in places adjacent to, but not held by, organisations in a succession fight."""
    places = model.places
    fighting = [org.slot for org in model.orgs if org.in_turmoil(model.week)]
    if not fighting:
        return 0.0
    held = np.isin(places.controller, fighting)
    near = np.zeros(places.n, dtype=bool)
    near[places.edge_b[held[places.edge_a]]] = True
    near[places.edge_a[held[places.edge_b]]] = True
    return float(homicides[near & ~held].sum())


def run(model: DrugMarketModel) -> None:
    """Append this week's row."""
    t, p, table, dealers = model.tally, model.p, model.communities, model.dealers
    population = float(table.population.sum())
    per_100k_year = 52 / population * 1e5
    homicides = float(t.homicides.sum())
    weights = table.population / population
    trust = float(weights @ table.trust)
    active = dealers.active
    n_dealers = int(active.sum())
    flow = model.routes.flow
    production_share = t.production_by_region / t.production_kg if t.production_kg > 0 else \
        np.zeros(len(t.production_by_region))
    farm_price = float(np.average(model.farm_price, weights=t.production_by_region)) \
        if t.production_kg > 0 else float(model.farm_price.mean())
    org_prices = [o.wholesale_price for o in model.orgs]
    wholesale = t.wholesale_value / t.wholesale_kg if t.wholesale_kg > 0 else \
        float(np.mean(org_prices)) if org_prices else float("nan")
    sales = t.sales_by_community
    purity = float(np.average(table.purity, weights=sales)) if sales is not None and sales.sum() > 0 \
        else float(np.mean(table.purity))
    harm = (homicides + t.overdose_deaths + p.harm.weight_infection * t.new_infections
            + p.harm.weight_incarceration * t.incarcerations + p.harm.weight_extortion * t.extortion)
    row = {
        "step": model.steps,
        "homicides": homicides,
        "homicide_rate": homicides * per_100k_year,
        "violent_incidents": t.incidents,
        "drug_market_homicides": homicides - t.background_homicides,
        "spillover_homicides": spillover(model, t.homicides),
        "territorial_contests": t.contests,
        "street_disputes": t.disputes,
        "confrontation_deaths": t.confrontation_deaths,
        "extortion": t.extortion,
        "overdose_deaths": t.overdose_deaths,
        "new_infections": t.new_infections,
        "users": int(table.users.sum()),
        "dependent_users": int(table.dependent.sum()),
        "in_treatment": int(table.treatment.sum()),
        "incarcerations": t.incarcerations,
        "prison_population": model.justice.population,
        "prison_rate": model.justice.population / population * 1e5,
        "reincarcerations": t.reincarcerations,
        "recidivism_3y": 1 - (1 - model.justice.hazard) ** RECORD_WEEKS,
        "diversions": t.diversions,
        "trust": trust,
        "reporting": 0.2 + 0.6 * trust,
        "fear": float(weights @ table.fear),
        "corruption": model.police.corruption,
        "neutralised_share": t.actions_neutralised / t.actions_against_orgs if t.actions_against_orgs > 0 else 0.0,
        "harm_index": harm * per_100k_year,
        "arrests": t.arrests_users + t.arrests_dealers + t.arrests_members + t.violent_cleared,
        "arrests_users": t.arrests_users,
        "arrests_dealers": t.arrests_dealers,
        "arrests_traffickers": t.arrests_members,
        "leaders_removed": t.leaders_removed,
        "seizures_kg": t.seized_kg,
        "eradicated_ha": t.eradicated_ha,
        "call_ins": t.call_ins,
        "cash_seized": t.cash_seized,
        "production_kg": t.production_kg,
        "consumption_kg": t.consumed_kg,
        "legal_consumption_kg": t.legal_kg,
        "shortage": 1 - t.consumed_kg / t.demand_kg if t.demand_kg > 0 else 0.0,
        "farm_price": farm_price,
        "export_price": farm_price * p.trafficking.export_markup,
        "wholesale_price": wholesale,
        "retail_price": t.retail_value / t.consumed_kg if t.consumed_kg > 0 else float("nan"),
        "purity": purity,
        "dealers": n_dealers,
        "members": sum(len(o.members) for o in model.orgs),
        "active_orgs": len(model.orgs),
        "org_splits": t.splits,
        "new_groups": t.new_groups,
        "market_hhi": herfindahl(np.array([max(o.sales_ma, 0.0) for o in model.orgs])),
        "route_dispersion": 1 / herfindahl(flow) if flow.sum() > 0 else 0.0,
        "open_air_share": float((dealers.mode[active] == SalesMode.OPEN_AIR).mean()) if n_dealers else 0.0,
        "online_share": float((dealers.mode[active] == SalesMode.ONLINE).mean()) if n_dealers else 0.0,
        "enforcement_cost": t.enforcement_cost,
        "incarceration_cost": model.justice.population * p.justice.prison_cost_week,
    }
    for region, share in zip(model.places.regions, production_share.tolist(), strict=True):
        row[f"production_share_{region}"] = share
    model._rows.append(row)
    model._place_homicides.append(t.homicides.copy())
