"""Stage 7 — violence: territorial contests, succession fights, dealer disputes, armed
confrontations with police, extortion and kidnapping, vigilantism, and background homicide.

Violence is instrumental (REFERENCES, mechanism hints): the chance that an organisation
attacks a rival's place rises with the drug value at stake there, with parity between the
two, during succession fights, with firearms and militarisation; it falls with state
presence, with hegemony (few rivals, unequal strength), with collusion, and with a credible
threat of sanctions aimed at violence itself. Street disputes arise between rival dealers
selling on the same streets, mostly in open-air markets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.agents import Role
from marketsim.stages.common import ewma, group_sum, safe_ratio
from marketsim.stages.enforcement import dominant_organisation

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

VACANT_TAKEOVER = 0.1      # weekly chance a neighbour occupies a place nobody defends
ATTACKER_ODDS = 0.5        # an attack succeeds at most half the time, even against no resistance
EXTORTION_TAKE = 2000.0    # USD an organisation gains per extortion event (assumption)
BASE_EXTORTION = 0.1       # extortion by organisations that are not diversifying, relative
VIGILANTE_LETHALITY = 0.3  # deaths per vigilante incident (assumption)
MODE_FRICTION = np.array([1.0, 0.2, 0.15, 0.0])  # dispute exposure by SalesMode (seed 003/004)
SCORE_DECAY = 0.9          # weekly decay of recent-violence scores
RECORD_VIOLENCE = 0.6      # extra violence of dealers with a prison record (prison as a school of crime; assumption)


def run(model: DrugMarketModel) -> None:
    """Run the violence stage for one week."""
    update_value_at_stake(model)
    territorial_contests(model)
    dealer_disputes(model)
    confrontations(model)
    extortion(model)
    vigilantism(model)
    drug_market = float(model.tally.homicides.sum())
    background(model)
    model.unsolved_homicides = round(drug_market)
    places = model.places
    places.violence_ma = ewma(places.violence_ma, model.tally.homicides, 0.1)
    model.dealers.violence_score *= SCORE_DECAY
    for org in model.orgs:
        org.violence_score *= SCORE_DECAY


def effective_firearms(model: DrugMarketModel, place: np.ndarray | int) -> np.ndarray:
    """Firearm lethality: local availability, raised by militarised operations (arms race)."""
    boost = 1 + 0.5 * model.p.policy.militarisation
    return np.minimum(model.places.firearms[place] * boost, 1.0)


def update_value_at_stake(model: DrugMarketModel) -> None:
    """Drug business at each place this week: transit flows, farm sales, retail sales."""
    places, table, tally = model.places, model.communities, model.tally
    stake = tally.value_at_stake.copy()
    if tally.sales_by_community is not None:
        stake[table.place] += tally.sales_by_community
    places.value_ma = ewma(places.value_ma, stake, 0.1)


def kill_members(model: DrugMarketModel, org, deaths: int, place: int | None = None) -> int:
    """Remove up to ``deaths`` non-leader members of an organisation, those stationed at
    ``place`` first; return how many died."""
    if deaths <= 0:
        return 0
    fighters = [m for m in org.members if m.role is not Role.LEADER]
    if place is not None:
        name = model.places.names[place]
        here = [m for m in fighters if m.cell.coordinate == name]
        fighters = here + [m for m in fighters if m.cell.coordinate != name] if len(here) < deaths else here
    count = min(deaths, len(fighters))
    for member in fighters[:count]:
        org.remove_member(member)
    return count


def presence_matrix(model: DrugMarketModel) -> np.ndarray:
    """Members of each organisation (row = slot) stationed at each place."""
    matrix = np.zeros((max(model.org_by_slot) + 1, model.places.n))
    for org in model.orgs:
        matrix[org.slot] = org.presence
    return matrix


def territorial_contests(model: DrugMarketModel) -> None:
    """Organisations attack rivals' neighbouring places from places where they have members;
    undefended places are occupied without a fight. Strength is local: an organisation that
    holds much territory holds each place thinly."""
    v, policy, places, rng, week = model.p.violence, model.p.policy, model.places, model.rng, model.week
    if not model.orgs:
        return
    source = np.concatenate([places.edge_a, places.edge_b])
    target = np.concatenate([places.edge_b, places.edge_a])
    attacker = places.controller[source]
    defender = places.controller[target]
    presence = presence_matrix(model)
    local_attack = np.where(attacker >= 0, presence[np.maximum(attacker, 0), source], 0.0)
    local_defence = np.where(defender >= 0, presence[np.maximum(defender, 0), target], 0.0)
    candidate = (attacker >= 0) & (attacker != defender) & (local_attack >= 1)
    source, target, attacker, defender = (x[candidate] for x in (source, target, attacker, defender))
    s_a, s_d = local_attack[candidate], local_defence[candidate]
    undefended = (defender < 0) | (s_d < 1)
    for k in np.flatnonzero(undefended & (rng.random(len(target)) < VACANT_TAKEOVER)).tolist():
        place = int(target[k])
        if places.controller[place] >= 0:  # taking a rival's place, even unguarded, meets resistance
            incidents = int(rng.poisson(1.0))
            deaths = int(rng.binomial(incidents, min(1.0, v.lethality * float(effective_firearms(model, place)))))
            model.tally.incidents += incidents
            model.tally.contests += 1
            model.tally.homicides[place] += deaths
        occupy(model, model.org_by_slot[int(attacker[k])], int(source[k]), place, garrison=1)
    fight = ~undefended
    if not fight.any():
        return
    source, target, attacker, defender, s_a, s_d = (x[fight] for x in (source, target, attacker, defender, s_a, s_d))
    size = max(model.org_by_slot) + 1
    turmoil = np.zeros(size, dtype=bool)
    warned = np.zeros(size)
    for org in model.orgs:
        turmoil[org.slot] = org.in_turmoil(week)
        warned[org.slot] = v.deterrence_effect * model.deterrence_credibility if org.warned else 0.0
    value = (np.maximum(places.value_ma[target], 0) / v.reference_value) ** v.value_elasticity
    dominant = dominant_organisation(model)
    backing = police_backing(model, dominant)
    s_a = s_a * np.where(attacker == (dominant.slot if dominant else -2), backing, 1.0)
    s_d = s_d * np.where(defender == (dominant.slot if dominant else -2), backing, 1.0)
    parity = 1 - v.parity_weight * np.abs(s_a - s_d) / (s_a + s_d)
    siblings = np.array([d in model.org_by_slot[a].rivals_in_turmoil for a, d in
                         zip(attacker.tolist(), defender.tolist(), strict=True)])
    unrest = np.where(siblings & (turmoil[attacker] | turmoil[defender]), v.turmoil_multiplier,
                      np.where(turmoil[attacker] | turmoil[defender], 1 + (v.turmoil_multiplier - 1) / 2, 1.0))
    trust = np.where(places.community[target] >= 0, model.communities.trust[places.community[target]], 0.5)
    rate = (v.contest_rate * value * parity * unrest * (1 - 0.5 * places.state_presence[target])
            * social_control(v.social_control, trust) * impunity(model) * (1 - warned[attacker]))
    if policy.collusion > 0 and dominant is not None:
        # a state-sponsored protection racket arbitrates disputes (Snyder & Durán-Martínez 2009),
        # and above all keeps rivals off the protected organisation
        involved = (attacker == dominant.slot) | (defender == dominant.slot)
        rate = rate * (1 - 0.5 * policy.collusion) * np.where(involved, 1 - policy.collusion, 1.0)
    fights = np.flatnonzero(rng.random(len(rate)) < np.minimum(rate, 0.95))
    lethality = v.lethality * effective_firearms(model, target[fights])
    incidents = rng.poisson(v.incidents_per_contest, size=len(fights))
    deaths = rng.binomial(incidents, np.minimum(lethality, 1.0))
    for f, n_incidents, n_deaths in zip(fights.tolist(), incidents.tolist(), deaths.tolist(), strict=True):
        a_org, d_org = model.org_by_slot.get(int(attacker[f])), model.org_by_slot.get(int(defender[f]))
        if a_org is None or d_org is None or places.controller[target[f]] != d_org.slot:
            continue
        place, origin = int(target[f]), int(source[f])
        model.tally.incidents += n_incidents
        model.tally.contests += 1
        model.tally.homicides[place] += n_deaths
        kill_members(model, d_org, n_deaths // 2, place)
        kill_members(model, a_org, n_deaths // 4, origin)
        a_org.violence_score += n_incidents
        d_org.violence_score += n_incidents / 2
        attack = a_org.presence[origin] * (backing if a_org is dominant else 1.0)
        defence = d_org.presence[place] * (backing if d_org is dominant else 1.0)
        if attack >= 1 and rng.random() < ATTACKER_ODDS * attack / (attack + defence):
            occupy(model, a_org, origin, place, garrison=int(np.ceil(a_org.presence[origin] / 2)))
    for org in list(model.orgs):
        if not org.members:
            model.dissolve(org)


def police_backing(model: DrugMarketModel, dominant) -> float:
    """Under collusion, police fight on the dominant organisation's side: its local strength
    counts this many times over (1 without collusion)."""
    return 1.0 + 2.0 * model.p.policy.collusion if dominant is not None else 1.0


def occupy(model: DrugMarketModel, org, origin: int, place: int, garrison: int) -> None:
    """``org`` takes ``place``: some members move in from ``origin``; the former controller's
    members there fall back to another of its places."""
    places = model.places
    former = model.org_by_slot.get(int(places.controller[place]))
    places.controller[place] = org.slot
    cell = model.space[places.names[place]]
    for member in org.members_at(origin)[:garrison]:
        if member.role is not Role.LEADER:
            org.station(member, cell)
    if former is not None:
        refuge = np.flatnonzero(places.controller == former.slot)
        for member in former.members_at(place):
            if len(refuge):
                former.station(member, model.space[places.names[int(model.rng.choice(refuge))]])


def dealer_disputes(model: DrugMarketModel) -> None:
    """Violent disputes between rival dealers on the same streets (open-air markets most)."""
    v, dealers, places, table, rng = model.p.violence, model.dealers, model.places, model.communities, model.rng
    active = np.flatnonzero(dealers.active)
    if len(active) == 0:
        return
    n = len(table.place)
    community = places.community[dealers.place[active]]
    friction = MODE_FRICTION[dealers.mode[active]]
    credible = v.deterrence_effect * model.deterrence_credibility
    propensity = dealers.violence[active] * (1 - credible * dealers.warned[active]) * (
        1 + RECORD_VIOLENCE * dealers.has_record[active])
    size = max(model.org_by_slot, default=0) + 1
    key = community * (size + 1) + np.maximum(dealers.org[active], 0)
    by_org = np.bincount(key, weights=friction, minlength=n * (size + 1)).reshape(n, size + 1)
    total = by_org.sum(axis=1)
    rival_pairs = (total ** 2 - (by_org ** 2).sum(axis=1)) / 2
    mean_propensity = safe_ratio(group_sum(community, propensity * friction, n), total)
    per_dealer = safe_ratio(tally_sales(model, n), group_sum(community, None, n))
    value = (per_dealer / v.reference_sales) ** v.value_elasticity
    rate = (v.dispute_rate * rival_pairs * mean_propensity * value * impunity(model)
            * social_control(v.social_control, table.trust))
    disputes = rng.poisson(rate)
    if model.tally.rival_recruits is not None:  # newcomers on a rival's corner are challenged
        disputes += rng.poisson(v.vacancy_violence * model.tally.rival_recruits)
    deaths = rng.binomial(disputes, np.minimum(v.dispute_lethality * effective_firearms(model, table.place), 1.0))
    model.tally.incidents += int(disputes.sum())
    model.tally.disputes += int(disputes.sum())
    model.tally.homicides[table.place] += deaths
    # dealers involved, likelier the more violent and the more exposed they are
    weight = propensity * friction
    share = np.divide(weight, group_sum(community, weight, n)[community], out=np.zeros(len(weight)),
                      where=weight > 0)
    involved = rng.random(len(active)) < np.minimum(1.0, 2 * disputes[community] * share)
    dealers.violence_score[active[involved]] += 1.0


def impunity(model: DrugMarketModel) -> float:
    """Violence multiplier from the share of homicides that go unpunished."""
    cleared = 0.0 if np.isnan(model.clearance) else model.clearance
    return (1 - cleared) ** model.p.violence.impunity_elasticity


def social_control(strength: float, trust: np.ndarray) -> np.ndarray:
    """Violence multiplier from residents' willingness to report and intervene: 1 at trust 0.4
    (the baseline's level), lower where trust is higher."""
    return np.clip(1 - strength * (trust - 0.4), 0.2, 2.0)


def tally_sales(model: DrugMarketModel, n: int) -> np.ndarray:
    """Retail sales value this week per community."""
    sales = model.tally.sales_by_community
    return sales if sales is not None else np.zeros(n)


def confrontations(model: DrugMarketModel) -> None:
    """Armed confrontations between militarised police and organisations."""
    count = model.tally.confrontations
    if count <= 0 or not model.orgs:
        return
    v, rng = model.p.violence, model.rng
    militarisation = model.p.policy.militarisation
    sizes = np.array([len(o.members) for o in model.orgs], dtype=float)
    targets = rng.choice(len(model.orgs), size=count, p=sizes / sizes.sum())
    for index in targets.tolist():
        org = model.orgs[index]
        if not org.members:
            continue
        deaths = int(rng.poisson(v.confrontation_lethality * (0.5 + militarisation)))
        place = model.places.index[org.members[-1].cell.coordinate]
        kill_members(model, org, deaths, place)
        model.tally.homicides[place] += deaths
        model.tally.confrontation_deaths += deaths
        model.tally.incidents += 1
    for org in list(model.orgs):
        if not org.members:
            model.dissolve(org)


def extortion(model: DrugMarketModel) -> None:
    """Organisations whose revenue fell diversify into extortion and kidnapping on their turf."""
    v, places, table, rng = model.p.violence, model.places, model.communities, model.rng
    owner = places.controller[table.place]
    size = max(model.org_by_slot, default=0) + 1
    intensity_of = np.zeros(size + 1)  # the last entry serves places nobody holds
    for org in model.orgs:
        intensity_of[org.slot] = 1.0 if org.extorting else BASE_EXTORTION
    intensity = intensity_of[owner]
    exposed = table.businesses * (1 - places.state_presence[table.place] * 0.5)
    events = rng.poisson(v.extortion_rate * exposed * intensity * (1.2 - 0.4 * table.trust)).astype(float)
    take = group_sum(np.where(owner >= 0, owner, size), events, size + 1) * EXTORTION_TAKE
    for org in model.orgs:
        org.revenue += float(take[org.slot])
    deaths = rng.poisson(events * v.extortion_lethality)
    model.tally.extortion += int(events.sum())
    model.tally.homicides[table.place] += deaths
    table.extortion_ma = ewma(table.extortion_ma, events, 0.1)


def vigilantism(model: DrugMarketModel) -> None:
    """Where trust is very low and extortion heavy, residents take up arms."""
    v, table, rng = model.p.violence, model.communities, model.rng
    pressure = np.clip(1 - table.trust / 0.3, 0, 1) * np.clip(table.extortion_ma / 5, 0, 1)
    incidents = rng.poisson(v.vigilantism * pressure)
    deaths = rng.binomial(incidents, VIGILANTE_LETHALITY)
    model.tally.incidents += int(incidents.sum())
    model.tally.homicides[table.place] += deaths


def background(model: DrugMarketModel) -> None:
    """Homicides unrelated to drug markets."""
    table = model.communities
    rate = model.p.violence.background_homicides * table.population / 1e5 / 52
    deaths = model.rng.poisson(rate)
    model.tally.homicides[table.place] += deaths
    model.tally.background_homicides += int(deaths.sum())
