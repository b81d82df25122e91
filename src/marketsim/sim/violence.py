"""Violence (stage 7): territorial contests, succession fights, dealer disputes, armed
confrontations with police, extortion and kidnapping, vigilantism, and background homicide.

Violence is instrumental: the chance that an organisation attacks a rival's place rises with the
drug value at stake there, with parity between the two, during succession fights, with firearms
and militarisation; it falls with state presence, with hegemony (few rivals, unequal strength),
with collusion, and with a credible threat of sanctions aimed at violence itself. Street
disputes arise between rival dealers selling on the same streets, mostly in open-air markets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import PER_100K, WEEKS_PER_YEAR, ewma, group_sum, metric, safe_ratio

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel
    from marketsim.sim.organisations import TraffickingOrganisation

VACANT_TAKEOVER = 0.1      # weekly chance a neighbour occupies a place nobody defends
ATTACKER_ODDS = 0.5        # an attack succeeds at most half the time, even against no resistance
EXTORTION_TAKE = 2000.0    # USD an organisation gains per extortion event (assumption)
BASE_EXTORTION = 0.1       # extortion by organisations that are not diversifying, relative
VIGILANTE_LETHALITY = 0.3  # deaths per vigilante incident (assumption)
MODE_FRICTION = np.array([1.0, 0.2, 0.15, 0.0])  # dispute exposure by SalesMode (assumption; MDLE 2013, 2014)
SCORE_DECAY = 0.9          # weekly decay of recent-violence scores
RECORD_VIOLENCE = 0.6      # extra violence of dealers with a prison record (prison as a school of crime; assumption)


class Violence:
    """Violence and what drives it: the drug value at stake and recent violence at each place."""

    def __init__(self, model: DrugMarketModel):
        self.model = model
        n = model.places.n
        self.value_ma = np.zeros(n)      # USD/week of drug value at stake at each place, moving average
        self.violence_ma = np.zeros(n)   # homicides/week at each place, moving average
        self.extortion_ma = np.zeros(len(model.places.community_places))  # extortion events/week per community
        self.per_100k_year = WEEKS_PER_YEAR / float(model.communities.population.sum()) * PER_100K
        """Converts weekly counts over the modelled population to yearly rates per 100,000."""

    # -- the weekly rule: stage 7, violence ---------------------------------------------------------------
    def step(self) -> None:
        """Stage 7 — violence, in a fixed order; then the police get this week's cases."""
        model = self.model
        self.update_value_at_stake()
        self.territorial_contests()
        self.dealer_disputes()
        self.confrontations()
        self.extortion()
        self.vigilantism()
        drug_market = float(model.log.total("homicide"))
        self.background()
        model.police.report_homicides(round(drug_market))
        self.violence_ma = ewma(self.violence_ma, model.log.by_place("homicide"), 0.1)
        model.dealers.violence_score *= SCORE_DECAY
        for org in model.orgs:
            org.violence_score *= SCORE_DECAY

    def effective_firearms(self, place: np.ndarray | int) -> np.ndarray:
        """Firearm lethality: local availability, raised by militarised operations (arms race)."""
        boost = 1 + 0.5 * self.model.p.policy.militarisation
        return np.minimum(self.model.places.firearms[place] * boost, 1.0)

    def impunity(self) -> float:
        """Violence multiplier from the share of homicides that go unpunished."""
        clearance = self.model.police.clearance
        cleared = 0.0 if np.isnan(clearance) else clearance
        return (1 - cleared) ** self.model.p.violence.impunity_elasticity

    def update_value_at_stake(self) -> None:
        """Drug business at each place this week: transit flows, farm sales, retail sales."""
        model = self.model
        stake = model.trafficking.stake.copy()
        stake[model.communities.place] += model.communities.sales_value
        self.value_ma = ewma(self.value_ma, stake, 0.1)

    def record_violence(self, detail: str, place: int, incidents: int, deaths: int, org: int = -1) -> None:
        """Incidents and the deaths among them at one place."""
        log = self.model.log
        log.record("incident", incidents, detail=detail, place=place, org=org)
        log.record("homicide", deaths, detail=detail, place=place, org=org)

    def territorial_contests(self) -> None:
        """Organisations attack rivals' neighbouring places from places where they have members;
        undefended places are occupied without a fight. Strength is local: an organisation that
        holds much territory holds each place thinly."""
        model = self.model
        v, policy, places, rng, week = model.p.violence, model.p.policy, model.places, model.rng, model.steps
        orgs, log = model.orgs, model.log
        if not len(orgs):
            return
        controller = orgs.controller
        source = np.concatenate([places.edge_a, places.edge_b])
        target = np.concatenate([places.edge_b, places.edge_a])
        attacker = controller[source]
        defender = controller[target]
        presence = orgs.presence_matrix()
        local_attack = np.where(attacker >= 0, presence[np.maximum(attacker, 0), source], 0.0)
        local_defence = np.where(defender >= 0, presence[np.maximum(defender, 0), target], 0.0)
        candidate = (attacker >= 0) & (attacker != defender) & (local_attack >= 1)
        source, target, attacker, defender = (x[candidate] for x in (source, target, attacker, defender))
        s_a, s_d = local_attack[candidate], local_defence[candidate]
        undefended = (defender < 0) | (s_d < 1)
        for k in np.flatnonzero(undefended & (rng.random(len(target)) < VACANT_TAKEOVER)).tolist():
            place = int(target[k])
            if controller[place] >= 0:  # taking a rival's place, even unguarded, meets resistance
                incidents = int(rng.poisson(1.0))
                deaths = int(rng.binomial(incidents, min(1.0, v.lethality * float(self.effective_firearms(place)))))
                log.record("contest", place=place, org=int(attacker[k]))
                self.record_violence("contest", place, incidents, deaths, int(attacker[k]))
            orgs.occupy(orgs.get(int(attacker[k])), int(source[k]), place, garrison=1)
        fight = ~undefended
        if not fight.any():
            return
        source, target, attacker, defender, s_a, s_d = (
            x[fight] for x in (source, target, attacker, defender, s_a, s_d))
        size = orgs.id_bound()
        turmoil = np.zeros(size, dtype=bool)
        warned = np.zeros(size)
        for org in orgs:
            turmoil[org.id] = org.in_turmoil(week)
            warned[org.id] = v.deterrence_effect * model.police.deterrence_credibility if org.warned else 0.0
        value = (np.maximum(self.value_ma[target], 0) / v.reference_value) ** v.value_elasticity
        dominant = orgs.dominant()
        backing = self.police_backing(dominant)
        dominant_id = dominant.id if dominant else -2
        s_a = s_a * np.where(attacker == dominant_id, backing, 1.0)
        s_d = s_d * np.where(defender == dominant_id, backing, 1.0)
        parity = 1 - v.parity_weight * np.abs(s_a - s_d) / (s_a + s_d)
        siblings = np.array([d in orgs.get(a).rivals_in_turmoil for a, d in
                             zip(attacker.tolist(), defender.tolist(), strict=True)])
        unrest = np.where(siblings & (turmoil[attacker] | turmoil[defender]), v.turmoil_multiplier,
                          np.where(turmoil[attacker] | turmoil[defender], 1 + (v.turmoil_multiplier - 1) / 2, 1.0))
        community = places.community[target]
        trust = np.where(community >= 0, model.communities.trust[community], 0.5)
        rate = (v.contest_rate * value * parity * unrest * (1 - 0.5 * places.state_presence[target])
                * social_control(v.social_control, trust) * self.impunity() * (1 - warned[attacker]))
        if policy.collusion > 0 and dominant is not None:
            # a state-sponsored protection racket arbitrates disputes (Snyder & Durán-Martínez 2009),
            # and above all keeps rivals off the protected organisation
            involved = (attacker == dominant.id) | (defender == dominant.id)
            rate = rate * (1 - 0.5 * policy.collusion) * np.where(involved, 1 - policy.collusion, 1.0)
        fights = np.flatnonzero(rng.random(len(rate)) < np.minimum(rate, 0.95))
        lethality = v.lethality * self.effective_firearms(target[fights])
        incidents = rng.poisson(v.incidents_per_contest, size=len(fights))
        deaths = rng.binomial(incidents, np.minimum(lethality, 1.0))
        for f, n_incidents, n_deaths in zip(fights.tolist(), incidents.tolist(), deaths.tolist(), strict=True):
            a_org, d_org = orgs.get(int(attacker[f])), orgs.get(int(defender[f]))
            if a_org is None or d_org is None or controller[target[f]] != d_org.id:
                continue
            place, origin = int(target[f]), int(source[f])
            log.record("contest", place=place, org=a_org.id)
            self.record_violence("contest", place, n_incidents, n_deaths, a_org.id)
            orgs.kill_members(d_org, n_deaths // 2, place)
            orgs.kill_members(a_org, n_deaths // 4, origin)
            a_org.violence_score += n_incidents
            d_org.violence_score += n_incidents / 2
            attackers = a_org.strength_at(origin)
            attack = attackers * (backing if a_org is dominant else 1.0)
            defence = d_org.strength_at(place) * (backing if d_org is dominant else 1.0)
            if attack >= 1 and rng.random() < ATTACKER_ODDS * attack / (attack + defence):
                orgs.occupy(a_org, origin, place, garrison=int(np.ceil(attackers / 2)))
        orgs.dissolve_empty()

    def police_backing(self, dominant: TraffickingOrganisation | None) -> float:
        """Under collusion, police fight on the dominant organisation's side: its local strength
        counts this many times over (1 without collusion)."""
        return 1.0 + 2.0 * self.model.p.policy.collusion if dominant is not None else 1.0

    def dealer_disputes(self) -> None:
        """Violent disputes between rival dealers on the same streets (open-air markets most)."""
        model = self.model
        v, dealers, communities, rng = model.p.violence, model.dealers, model.communities, model.rng
        active = dealers.active_slots()
        if len(active) == 0:
            return
        n = len(communities.place)
        community = dealers.community_of(active)
        friction = MODE_FRICTION[dealers.mode[active]]
        credible = v.deterrence_effect * model.police.deterrence_credibility
        propensity = dealers.violence[active] * (1 - credible * dealers.warned[active]) * (
            1 + RECORD_VIOLENCE * dealers.has_record[active])
        size = max(model.orgs.id_bound(), 1)
        key = community * (size + 1) + np.maximum(dealers.org[active], 0)
        by_org = np.bincount(key, weights=friction, minlength=n * (size + 1)).reshape(n, size + 1)
        total = by_org.sum(axis=1)
        rival_pairs = (total ** 2 - (by_org ** 2).sum(axis=1)) / 2
        mean_propensity = safe_ratio(group_sum(community, propensity * friction, n), total)
        per_dealer = safe_ratio(communities.sales_value, group_sum(community, None, n))
        value = (per_dealer / v.reference_sales) ** v.value_elasticity
        rate = (v.dispute_rate * rival_pairs * mean_propensity * value * self.impunity()
                * social_control(v.social_control, communities.trust))
        disputes = rng.poisson(rate)
        if dealers.rival_recruits is not None:  # newcomers on a rival's corner are challenged
            disputes += rng.poisson(v.vacancy_violence * dealers.rival_recruits)
        deaths = rng.binomial(disputes, np.minimum(v.dispute_lethality * self.effective_firearms(communities.place),
                                                   1.0))
        log = model.log
        log.record_places("dispute", disputes, places=communities.place)
        log.record_places("incident", disputes, detail="dispute", places=communities.place)
        log.record_places("homicide", deaths, detail="dispute", places=communities.place)
        # dealers involved, likelier the more violent and the more exposed they are
        weight = propensity * friction
        share = np.divide(weight, group_sum(community, weight, n)[community], out=np.zeros(len(weight)),
                          where=weight > 0)
        involved = rng.random(len(active)) < np.minimum(1.0, 2 * disputes[community] * share)
        dealers.violence_score[active[involved]] += 1.0

    def confrontations(self) -> None:
        """Armed confrontations between militarised police and organisations."""
        model = self.model
        count, orgs = model.police.confrontations, list(model.orgs)
        if count <= 0 or not orgs:
            return
        v, rng = model.p.violence, model.rng
        militarisation = model.p.policy.militarisation
        sizes = np.array([o.size for o in orgs], dtype=float)
        targets = rng.choice(len(orgs), size=count, p=sizes / sizes.sum())
        for index in targets.tolist():
            org = orgs[index]
            if org.size == 0:
                continue
            deaths = int(rng.poisson(v.confrontation_lethality * (0.5 + militarisation)))
            place = org.members[-1].place
            model.orgs.kill_members(org, deaths, place)
            model.log.record("confrontation", place=place, org=org.id)
            self.record_violence("confrontation", place, 1, deaths, org.id)
        model.orgs.dissolve_empty()

    def extortion(self) -> None:
        """Organisations whose revenue fell diversify into extortion and kidnapping on their turf."""
        model = self.model
        v, places, communities, rng, orgs = model.p.violence, model.places, model.communities, model.rng, model.orgs
        owner = orgs.controller[communities.place]
        size = orgs.id_bound()
        intensity_of = np.zeros(size + 1)  # the last entry serves places nobody holds
        for org in orgs:
            intensity_of[org.id] = 1.0 if org.extorting else BASE_EXTORTION
        intensity = intensity_of[owner]
        exposed = communities.businesses * (1 - places.state_presence[communities.place] * 0.5)
        events = rng.poisson(v.extortion_rate * exposed * intensity * (1.2 - 0.4 * communities.trust)).astype(float)
        take = group_sum(np.where(owner >= 0, owner, size), events, size + 1) * EXTORTION_TAKE
        for org in orgs:
            org.revenue += float(take[org.id])
        deaths = rng.poisson(events * v.extortion_lethality)
        model.log.record_places("extortion", events, places=communities.place)
        model.log.record_places("homicide", deaths, detail="extortion", places=communities.place)
        self.extortion_ma = ewma(self.extortion_ma, events, 0.1)

    def vigilantism(self) -> None:
        """Where trust is very low and extortion heavy, residents take up arms."""
        model = self.model
        v, communities, rng = model.p.violence, model.communities, model.rng
        pressure = np.clip(1 - communities.trust / 0.3, 0, 1) * np.clip(self.extortion_ma / 5, 0, 1)
        incidents = rng.poisson(v.vigilantism * pressure)
        deaths = rng.binomial(incidents, VIGILANTE_LETHALITY)
        model.log.record_places("incident", incidents, detail="vigilante", places=communities.place)
        model.log.record_places("homicide", deaths, detail="vigilante", places=communities.place)

    def background(self) -> None:
        """Homicides unrelated to drug markets."""
        model = self.model
        communities = model.communities
        rate = model.p.violence.background_homicides * communities.population / PER_100K / WEEKS_PER_YEAR
        deaths = model.rng.poisson(rate)
        model.log.record_places("homicide", deaths, detail="background", places=communities.place)

    # -- outputs ---------------------------------------------------------------------------------------------
    @metric("homicides", "deaths/week", "outcome",
            "Deaths by violence this week: territorial contests, dealer disputes, confrontations with "
            "police, extortion and kidnapping, vigilantism, and background homicides.")
    def homicides(self) -> float:
        return float(self.model.log.total("homicide"))

    @metric("homicide_rate", "per 100k/year", "outcome",
            "Homicides this week × 52 per 100,000 residents of the modelled places.")
    def homicide_rate(self) -> float:
        return self.homicides() * self.per_100k_year

    @metric("violent_incidents", "incidents/week", "outcome",
            "Violent incidents (fatal or not): contest incidents, dealer disputes, confrontations, "
            "vigilante attacks.")
    def violent_incidents(self) -> int:
        return int(self.model.log.total("incident"))

    @metric("drug_market_homicides", "deaths/week", "outcome",
            "Homicides caused by the drug market (all but the background).")
    def drug_market_homicides(self) -> float:
        return self.homicides() - self.model.log.total("homicide", "background")

    @metric("spillover_homicides", "deaths/week", "outcome",
            "Homicides in places next to, but not held by, an organisation in a succession fight.")
    def spillover_homicides(self) -> float:
        model = self.model
        places, controller = model.places, model.orgs.controller
        fighting = [org.id for org in model.orgs if org.in_turmoil(model.steps)]
        if not fighting:
            return 0.0
        held = np.isin(controller, fighting)
        near = np.zeros(places.n, dtype=bool)
        near[places.edge_b[held[places.edge_a]]] = True
        near[places.edge_a[held[places.edge_b]]] = True
        return float(model.log.by_place("homicide")[near & ~held].sum())

    @metric("territorial_contests", "contests/week", "outcome",
            "Weeks of armed contest between organisations over a place.")
    def territorial_contests_metric(self) -> int:
        return int(self.model.log.total("contest"))

    @metric("street_disputes", "disputes/week", "outcome", "Violent disputes between rival retail dealers.")
    def street_disputes(self) -> int:
        return int(self.model.log.total("dispute"))

    @metric("confrontation_deaths", "deaths/week", "outcome",
            "Deaths in armed confrontations between militarised police and organisations.")
    def confrontation_deaths(self) -> int:
        return int(self.model.log.total("homicide", "confrontation"))

    @metric("extortion", "events/week", "outcome", "Extortion and kidnapping events against residents and businesses.")
    def extortion_metric(self) -> int:
        return int(self.model.log.total("extortion"))


def social_control(strength: float, trust: np.ndarray) -> np.ndarray:
    """Violence multiplier from residents' willingness to report and intervene: 1 at trust 0.4
    (the baseline's level), lower where trust is higher."""
    return np.clip(1 - strength * (trust - 0.4), 0.2, 2.0)
