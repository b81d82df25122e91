"""Stage 5 — enforcement: the police budget spent according to the policy levers.

The budget buys a fixed number of officer-weeks, split by the policy's shares. Each activity
turns officer-weeks into actions against real agents: arrests of dealers (more likely for the
visible ones, and where trust gives police intelligence), arrests of users, investigations of
members, capture of leaders (followed by succession or a split), interdiction of shipments on
route segments, eradication of crops, focused deterrence (call-ins, services, sanctions
concentrated on those who keep using violence, closure of open-air markets), community
policing, anti-money-laundering, and reactive investigation of homicides. Bribes and collusion
neutralise part of the actions against an organisation. Because capacity is fixed, the more
targets there are, the lower the risk each one faces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.agents import Role, SalesMode
from marketsim.agents.trafficking import succession
from marketsim.stages.common import ewma, group_sum
from marketsim.world import TRANSIT

if TYPE_CHECKING:
    from marketsim.agents import TraffickingOrganisation
    from marketsim.model import DrugMarketModel

MAX_HAZARD = 0.9  # no single target is certain to be caught in a week
GROUP_CALL_IN = 20  # call-ins that reach one organisation's members (focused deterrence; assumption)
OFFICER_WEEKS_PER_MARKET = 60  # weekly effort that keeps one open-air market closed (assumption; seed 004)


def run(model: DrugMarketModel) -> None:
    """Run the enforcement stage for one week."""
    police = model.police
    police.update_corruption()
    effort = police.officer_weeks()
    exposure = organisation_exposure(model)
    intel = intelligence(model)
    street_arrests(model, effort["street"], intel, exposure)
    user_arrests(model, effort["user"], intel)
    focused_deterrence(model, effort["deterrence"], exposure)
    org_intel = territory_intel(model, intel)
    investigations(model, effort["investigation"], exposure, org_intel)
    high_value_targeting(model, effort["hvt"], exposure, org_intel)
    interdiction(model, effort["interdiction"], exposure)
    eradication(model, effort["eradication"])
    community_policing(model, effort["community"])
    anti_money_laundering(model, effort["aml"])
    reactive_policing(model, effort["reactive"], intel)
    militarised_operations(model, effort)
    model.tally.enforcement_cost = police.budget


def intelligence(model: DrugMarketModel) -> np.ndarray:
    """How well police know each community: trust brings tips (1 at trust 0.4, the baseline's
    level; with diminishing returns)."""
    return np.clip(np.sqrt(model.communities.trust / 0.4), 0.2, 2.0)


def organisation_exposure(model: DrugMarketModel) -> dict[int, float]:
    """Share of enforcement against each organisation that is not bought off; under collusion,
    police spare the dominant organisation and hit its rivals harder."""
    collusion = model.p.policy.collusion
    dominant = dominant_organisation(model)
    exposure = {}
    for org in model.orgs:
        share = 1 - org.neutralised
        if collusion > 0 and dominant is not None:
            share = share * (1 - collusion) if org is dominant else min(share * (1 + collusion), 2.0)
        exposure[org.slot] = share
    return exposure


def dominant_organisation(model: DrugMarketModel) -> TraffickingOrganisation | None:
    """The organisation controlling the most places."""
    if not model.orgs:
        return None
    counts = group_sum(np.maximum(model.places.controller, 0), (model.places.controller >= 0).astype(float),
                       max(model.org_by_slot) + 1)
    return max(model.orgs, key=lambda o: (counts[o.slot], -o.slot))


def record_actions(model: DrugMarketModel, actions: float, exposure: float) -> None:
    """Count enforcement actions against organisations and the share neutralised."""
    model.tally.actions_against_orgs += actions
    model.tally.actions_neutralised += actions * max(0.0, 1 - exposure)


def street_arrests(model: DrugMarketModel, officer_weeks: float, intel: np.ndarray,
                   exposure: dict[int, float]) -> None:
    """Arrest dealers; the visible and those in high-trust places are likelier to be caught."""
    p, dealers, places, table = model.p, model.dealers, model.places, model.communities
    table.dealer_arrests[:] = 0
    table.disruption[:] = 0
    active = np.flatnonzero(dealers.active)
    if officer_weeks <= 0 or len(active) == 0:
        return
    r = p.retail
    visibility = np.array([r.open_air_visibility, r.indoor_visibility, r.delivery_visibility,
                           r.online_visibility])[dealers.mode[active]]
    community = places.community[dealers.place[active]]
    by_slot = np.ones(max(model.org_by_slot, default=0) + 2)  # the last entry serves dealers with no supplier
    for slot, share in exposure.items():
        by_slot[slot] = share
    org_exposure = by_slot[dealers.org[active]]
    weight = visibility * intel[community] * org_exposure
    hazard = np.minimum(officer_weeks * p.police.street_arrest_rate * weight / len(active), MAX_HAZARD)
    record_actions(model, float((officer_weeks * p.police.street_arrest_rate * visibility * intel[community]
                                 / len(active)).sum()), float(np.mean(org_exposure)))
    caught = active[model.rng.random(len(active)) < hazard]
    arrest_dealers(model, caught)


def arrest_dealers(model: DrugMarketModel, slots: np.ndarray) -> None:
    """Arrest these dealers: seize their stock and hand them to the justice system."""
    if len(slots) == 0:
        return
    dealers, places, table = model.dealers, model.places, model.communities
    community = places.community[dealers.place[slots]]
    have = group_sum(places.community[dealers.place[dealers.active]], None, len(table.place))
    arrested = group_sum(community, None, len(table.place))
    table.dealer_arrests += arrested
    table.disruption += np.divide(arrested, have, out=np.zeros_like(arrested), where=have > 0)
    seized = float(dealers.stock[slots].sum())
    model.ledger.seized += seized
    model.tally.seized_kg += seized
    model.tally.arrests_dealers += len(slots)
    model.tally.arrested["dealer"] += len(slots)
    model.tally.street_arrests_by_place += group_sum(dealers.place[slots], None, places.n)
    model.remove_dealers(slots)


def user_arrests(model: DrugMarketModel, officer_weeks: float, intel: np.ndarray) -> None:
    """Arrest users for possession (or, where possession is decriminalised, refer them)."""
    policy, table = model.p.policy, model.communities
    users = table.users
    total_users = users.sum()
    model.tally.user_arrests_by_community = np.zeros(len(table.place), dtype=np.int64)
    if officer_weeks <= 0 or total_users == 0:
        return
    stops = officer_weeks * model.p.police.user_arrest_rate
    if policy.harm_reduction_policing:
        stops *= 0.5  # no arrests around services
    chance = np.clip(stops * intel / total_users, 0.0, MAX_HAZARD)
    caught = model.rng.binomial(users, chance)
    dependent = model.rng.binomial(caught, np.divide(table.dependent, users, out=np.zeros(len(users)),
                                                     where=users > 0))
    if policy.decriminalise_possession:
        table.referrals += dependent  # administrative referral to services, no arrest, no record
        return
    model.tally.user_arrests_by_community = caught
    model.tally.arrests_users += int(caught.sum())
    model.tally.arrested["user"] += int(caught.sum())


def focused_deterrence(model: DrugMarketModel, officer_weeks: float, exposure: dict[int, float]) -> None:
    """Call in the most violent dealers and groups, offer services, and sanction whoever keeps
    using violence; close the open-air markets where called-in dealers sell.

    The threat is credible in proportion to how much of the violating group the sanction
    capacity can cover (Kleiman & Kilmer's dynamic concentration).
    """
    p, dealers, rng = model.p, model.dealers, model.rng
    if officer_weeks <= 0:
        model.deterrence_credibility = 0.0
        return
    calls = rng.poisson(officer_weeks * p.police.call_in_rate)
    # only those who have recently used violence are called in, the most violent first
    violent = np.flatnonzero(dealers.active & ~dealers.warned & (dealers.violence_score >= 1.0))
    chosen = violent[np.argsort(-dealers.violence_score[violent], kind="stable")[:calls]]
    dealers.warned[chosen] = True
    model.tally.call_ins += len(chosen)
    leaving = chosen[rng.random(len(chosen)) < p.violence.service_uptake]
    model.return_dealer_stock(leaving)
    model.remove_dealers(leaving)
    # the most violent groups are called in this week; the focus moves as their violence falls
    ranked = sorted(model.orgs, key=lambda o: (-o.violence_score, o.slot))
    focus = max(1, int(np.ceil(calls / GROUP_CALL_IN)))
    for rank, org in enumerate(ranked):
        org.warned = rank < focus
    if p.policy.close_open_air:
        close_open_air_markets(model, officer_weeks)
    # sanctions: first the warned dealers who keep using violence, then warned groups' members
    capacity = rng.poisson(officer_weeks * p.police.sanction_rate)
    violators = np.flatnonzero(dealers.active & dealers.warned & (dealers.violence_score > 0.5))
    violent_orgs = [o for o in model.orgs if o.warned and o.violence_score > 0.5]
    violator_count = len(violators) + sum(len(o.members) for o in violent_orgs) / 10
    model.deterrence_credibility = float(min(1.0, capacity / max(violator_count, 1.0)))
    order = violators[np.argsort(-dealers.violence_score[violators], kind="stable")]
    sanctioned = order[:capacity]
    arrest_dealers(model, sanctioned)
    remaining = capacity - len(sanctioned)
    for org in violent_orgs:
        if remaining <= 0:
            break
        caught = min(remaining, rng.binomial(len(org.members), min(1.0, exposure.get(org.slot, 1.0) * 0.5)))
        remaining -= arrest_members(model, org, caught)


def close_open_air_markets(model: DrugMarketModel, officer_weeks: float) -> None:
    """Drug market intervention (High Point): the most violent open-air markets, as many as the
    effort allows, are closed; their open-air dealers move indoors or to delivery over a few weeks."""
    places, dealers = model.places, model.dealers
    urban = np.flatnonzero(places.community >= 0)
    urban = urban[model.communities.users[places.community[urban]] > 0]
    closable = min(len(urban), int(officer_weeks / OFFICER_WEEKS_PER_MARKET))
    still_open = urban[~places.market_closed[urban]]
    more = closable - int(places.market_closed[urban].sum())
    if more > 0:  # closed markets stay closed; effort left over closes the next most violent
        worst = still_open[np.argsort(-places.violence_ma[still_open], kind="stable")[:more]]
        places.market_closed[worst] = True
    moving = np.flatnonzero(dealers.active & (dealers.mode == SalesMode.OPEN_AIR)
                            & model.places.market_closed[dealers.place])
    moving = moving[model.rng.random(len(moving)) < 0.3]
    dealers.mode[moving] = np.where(model.rng.random(len(moving)) < 0.6, SalesMode.INDOOR, SalesMode.DELIVERY)


def arrest_members(model: DrugMarketModel, org: TraffickingOrganisation, count: int) -> int:
    """Arrest up to ``count`` non-leader members of an organisation; return how many."""
    rank_and_file = [m for m in org.members if m.role is not Role.LEADER]
    count = min(count, len(rank_and_file))
    for index in sorted(model.rng.choice(len(rank_and_file), size=count, replace=False).tolist(), reverse=True):
        org.remove_member(rank_and_file[index])
    model.tally.arrests_members += count
    model.tally.arrested["trafficker"] += count
    return count


def territory_intel(model: DrugMarketModel, intel: np.ndarray) -> dict[int, float]:
    """Mean intelligence over the communities each organisation controls (1 where it holds none)."""
    places = model.places
    rows = np.flatnonzero((places.controller >= 0) & (places.community >= 0))
    owners = places.controller[rows]
    size = max(model.org_by_slot, default=0) + 1
    total = group_sum(owners, intel[places.community[rows]], size)
    count = group_sum(owners, None, size)
    return {org.slot: float(total[org.slot] / count[org.slot]) if count[org.slot] else 1.0 for org in model.orgs}


def investigations(model: DrugMarketModel, officer_weeks: float, exposure: dict[int, float],
                   intel: dict[int, float]) -> None:
    """Arrest lieutenants and soldiers; capacity is shared across all members."""
    members = sum(len(o.members) - 1 for o in model.orgs)
    if officer_weeks <= 0 or members <= 0:
        return
    base = officer_weeks * model.p.police.investigation_rate / members
    for org in list(model.orgs):
        share = exposure.get(org.slot, 1.0)
        hazard = min(base * share * intel[org.slot], MAX_HAZARD)
        record_actions(model, base * (len(org.members) - 1), share)
        arrest_members(model, org, model.rng.binomial(max(len(org.members) - 1, 0), hazard))


def high_value_targeting(model: DrugMarketModel, officer_weeks: float, exposure: dict[int, float],
                         intel: dict[int, float]) -> None:
    """Try to capture (or, in militarised operations, kill) each leader; succession follows."""
    if officer_weeks <= 0 or not model.orgs:
        return
    sizes = {org.slot: len(org.members) for org in model.orgs}
    total = sum(sizes.values())
    for org in list(model.orgs):
        leader = org.leader
        if leader is None or total <= 0:
            continue
        per_org = officer_weeks * sizes[org.slot] / total  # the biggest organisations draw most attention
        share = exposure.get(org.slot, 1.0)
        record_actions(model, per_org * model.p.police.hvt_rate, share)
        chance = 1 - np.exp(-per_org * model.p.police.hvt_rate * share * intel.get(org.slot, 1.0))
        if model.rng.random() >= chance:
            continue
        killed = model.rng.random() < 0.5 * model.p.policy.militarisation
        if killed:
            model.tally.homicides[model.places.index[leader.cell.coordinate]] += 1
            model.tally.incidents += 1
        else:
            model.tally.arrested["leader"] += 1
            model.tally.arrests_members += 1
        model.tally.leaders_removed += 1
        org.remove_member(leader)
        succession(model, org)


def interdiction(model: DrugMarketModel, officer_weeks: float, exposure: dict[int, float]) -> None:
    """Deploy interdiction on the targeted segments and catch lots in transit."""
    p, routes, rng = model.p, model.routes, model.rng
    target = p.policy.interdiction_target
    if target == "all":
        chosen = np.ones(len(routes.edges), dtype=bool)
    elif target == "border":
        chosen = routes.is_border.copy()
    else:
        chosen = routes.corridor_of_edge == model.places.corridors.index(target)
    per_segment = officer_weeks / max(chosen.sum(), 1)
    routes.interdiction = np.where(chosen, 1 - np.exp(-per_segment * p.police.interdiction_rate), 0.0)
    detection = routes.detection()
    orgs = model.orgs
    if not orgs:
        return
    transit = np.array([o.in_transit for o in orgs])
    shipped = transit.sum(axis=1)
    share = np.array([exposure.get(o.slot, 1.0) for o in orgs])
    catch = 1 - np.exp(np.outer(share, routes.incidence @ np.log1p(-np.minimum(detection, 0.999))))
    actions = (catch * transit).sum(axis=1) / p.trafficking.lot_kg
    model.tally.actions_against_orgs += float(actions.sum())
    model.tally.actions_neutralised += float((actions * np.maximum(0.0, 1 - share)).sum())
    lots = np.ceil(transit / p.trafficking.lot_kg).astype(np.int64)
    caught = rng.binomial(lots, np.clip(catch, 0.0, 1.0))
    seized = transit * np.divide(caught, lots, out=np.zeros(lots.shape), where=lots > 0)
    for i, k in np.argwhere(caught > 0).tolist():
        segments = np.array(routes.paths[k])
        weights = detection[segments] / detection[segments].sum()
        orgs[i].seized_on[segments] += rng.multinomial(int(caught[i, k]), weights)
    for i, org in enumerate(orgs):
        org.in_transit -= seized[i]
        if shipped[i] > 0:
            org.seizure_share = ewma(org.seizure_share, float(seized[i].sum() / shipped[i]), 0.1)
    kg = float(seized.sum())
    model.ledger.seized += kg
    model.tally.seized_kg += kg


def eradication(model: DrugMarketModel, officer_weeks: float) -> None:
    """Destroy standing crops in the targeted region(s); hit households may relocate next week."""
    p, farms, places, rng = model.p, model.farms, model.places, model.rng
    if officer_weeks <= 0:
        return
    hectares = officer_weeks * p.police.eradication_rate
    target = p.policy.eradication_region
    standing = farms.standing_ha
    eligible = standing > 0
    if target != "all":
        eligible &= farms.region == places.regions.index(target)
    total = float(standing[eligible].sum())
    if total <= 0:
        return
    hit = eligible & (rng.random(len(standing)) < min(1.0, hectares / total))
    destroyed = np.where(hit, standing, 0.0)
    farms.fallow_ha += destroyed
    farms.just_eradicated |= hit
    by_place = group_sum(farms.place, destroyed, places.n)
    standing_by_place = group_sum(farms.place, standing, places.n)
    places.eradication_share = np.divide(by_place, standing_by_place, out=np.zeros(places.n),
                                         where=standing_by_place > 0)
    model.tally.eradicated_ha += float(destroyed.sum())


def community_policing(model: DrugMarketModel, officer_weeks: float) -> None:
    """Officers in communities (more where deprivation is higher) build trust and state presence."""
    table, places = model.communities, model.places
    table.community_effort[:] = 0.0
    if officer_weeks <= 0:
        return
    weight = table.population * (0.5 + table.deprivation)
    table.community_effort = officer_weeks * weight / weight.sum()
    towns = np.flatnonzero(places.kind[table.place] == TRANSIT)
    per_100k = table.community_effort[towns] / table.population[towns] * 1e5
    where = table.place[towns]
    target = np.minimum(places.state_presence_base[where] + 0.01 * per_100k, 0.95)
    places.state_presence[where] += 0.02 * (target - places.state_presence[where])


def anti_money_laundering(model: DrugMarketModel, officer_weeks: float) -> None:
    """Seize criminal revenue in proportion to organisations' revenue."""
    if officer_weeks <= 0 or not model.orgs:
        return
    pool = officer_weeks * model.p.police.aml_seizure_rate
    revenue = np.array([max(o.revenue_ma, 0.0) for o in model.orgs])
    if revenue.sum() <= 0:
        return
    for org, share in zip(model.orgs, revenue / revenue.sum(), strict=True):
        seized = min(pool * share, max(org.cash, 0.0) + org.revenue)
        org.cash -= seized
        org.aml_share = ewma(org.aml_share, seized / max(org.revenue_ma, 1.0), 0.1)
        model.tally.cash_seized += seized


def reactive_policing(model: DrugMarketModel, officer_weeks: float, intel: np.ndarray) -> None:
    """Investigate last week's drug-market homicides; the killers go to the justice system and
    the organisation responsible loses them. The share cleared (its moving average) is the
    certainty of punishment that deters violence in the violence stage."""
    pending = model.unsolved_homicides
    if pending <= 0:
        return
    expected = officer_weeks * model.p.police.clearance_rate * float(np.mean(intel))
    cleared = int(min(pending, model.rng.poisson(expected)))
    model.unsolved_homicides = 0
    share = cleared / pending
    model.clearance = share if np.isnan(model.clearance) else ewma(model.clearance, share, 0.05)
    model.tally.violent_cleared += cleared
    model.tally.arrested["violent"] += cleared
    violent = sorted(model.orgs, key=lambda o: (-o.violence_score, o.slot))
    for org in violent[:cleared]:
        soldiers = [m for m in org.members if m.role is Role.SOLDIER]
        if soldiers:
            org.remove_member(soldiers[int(model.rng.integers(len(soldiers)))])


def militarised_operations(model: DrugMarketModel, effort: dict[str, float]) -> None:
    """Militarised operations bring armed confrontations with organisations."""
    militarisation = model.p.policy.militarisation
    if militarisation <= 0:
        return
    facing = effort["street"] + effort["investigation"] + effort["hvt"] + effort["deterrence"]
    model.tally.confrontations += int(model.rng.poisson(
        militarisation * facing * model.p.police.confrontation_rate))

