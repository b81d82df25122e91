"""Police: a fixed weekly budget spent according to the policy levers (stage 5, enforcement).

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
from mesa import Agent

from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.params import BUDGET_SHARES
from marketsim.sim.common import PER_100K, ewma, group_sum, metric
from marketsim.sim.retail import SalesMode
from marketsim.world import TRANSIT

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

MAX_HAZARD = 0.9  # no single target is certain to be caught in a week
GROUP_CALL_IN = 20  # call-ins that reach one organisation's members (focused deterrence; assumption)
OFFICER_WEEKS_PER_MARKET = 60  # weekly effort keeping one open-air market closed (assumption; MDLE 2013)


def check_policy_targets(model: DrugMarketModel) -> None:
    """Region and corridor names in the policy must exist in this world."""
    policy, places = model.p.policy, model.places
    problems = []
    for path, value, allowed in (
        ("policy.eradication_region", policy.eradication_region, ["all", *places.regions]),
        ("policy.interdiction_target", policy.interdiction_target, ["all", "border", *places.corridors]),
    ):
        if value not in allowed:
            problems.append(f"{path} = {value!r} is not in this world{did_you_mean(value, allowed)} "
                            f"(allowed: {', '.join(allowed)})")
    if problems:
        raise ScenarioError(problems)


class Police(Agent):
    """A police force. Turns its budget into officer-weeks per activity; its officers'
    willingness to take bribes falls under anti-corruption effort."""

    def __init__(self, model: DrugMarketModel):
        check_policy_targets(model)
        super().__init__(model)
        self.budget = model.p.police.budget
        self.corruption = model.p.world.corruption          # share of officers who take bribes
        self.market_closed = np.zeros(model.places.n, dtype=bool)  # open-air market closed (drug market intervention)
        self.community_effort = np.zeros(len(model.places.community_places))  # officer-weeks per community
        self.deterrence_credibility = 0.0   # focused deterrence: share of violators sanctions can cover
        self.open_cases = 0                 # drug-market homicides awaiting investigation
        self.clearance = float("nan")       # share of drug-market homicides cleared, moving average
        self.confrontations = 0             # armed confrontations this week (militarised operations)
        self.actions_against_orgs = 0.0     # this week
        self.actions_neutralised = 0.0      # this week

    def officer_weeks(self) -> dict[str, float]:
        """Officer-weeks this week for each activity; what the shares leave goes to reactive work."""
        policy = self.model.p.policy
        total = self.budget / self.model.p.police.officer_week_cost
        allocation = {name.removesuffix("_share"): total * getattr(policy, name) for name in BUDGET_SHARES}
        allocation["reactive"] = max(total - sum(allocation.values()), 0.0)
        return allocation

    def update_corruption(self) -> None:
        """The share of officers taking bribes drifts toward a target: lowered by anti-corruption
        effort, raised by a collusive arrangement (officers on the dominant organisation's payroll)."""
        policy = self.model.p.policy
        base = self.model.p.world.corruption * (1 - policy.anti_corruption)
        target = base + policy.collusion * (1 - base) * 0.5
        self.corruption += 0.02 * (target - self.corruption)

    def report_homicides(self, count: int) -> None:
        """Drug-market homicides of this week, to be investigated next week."""
        self.open_cases = count

    # -- the weekly rule: stage 5, enforcement -------------------------------------------------------------
    def step(self) -> None:
        """Stage 5 — enforcement: every activity with its officer-weeks, in a fixed order."""
        self.actions_against_orgs = self.actions_neutralised = 0.0
        self.confrontations = 0
        self.update_corruption()
        effort = self.officer_weeks()
        exposure = self.organisation_exposure()
        intel = self.intelligence()
        self.street_arrests(effort["street"], intel, exposure)
        self.user_arrests(effort["user"], intel)
        self.focused_deterrence(effort["deterrence"], exposure)
        org_intel = self.territory_intel(intel)
        self.investigations(effort["investigation"], exposure, org_intel)
        self.high_value_targeting(effort["hvt"], exposure, org_intel)
        self.interdiction(effort["interdiction"], exposure)
        self.eradication(effort["eradication"])
        self.community_policing(effort["community"])
        self.anti_money_laundering(effort["aml"])
        self.reactive_policing(effort["reactive"], intel)
        self.militarised_operations(effort)

    def intelligence(self) -> np.ndarray:
        """How well police know each community: trust brings tips (1 at trust 0.4, the baseline's
        level; with diminishing returns)."""
        return np.clip(np.sqrt(self.model.communities.trust / 0.4), 0.2, 2.0)

    def organisation_exposure(self) -> dict[int, float]:
        """Share of enforcement against each organisation that is not bought off; under collusion,
        police spare the dominant organisation and hit its rivals harder."""
        collusion = self.model.p.policy.collusion
        dominant = self.model.orgs.dominant()
        exposure = {}
        for org in self.model.orgs:
            share = 1 - org.neutralised
            if collusion > 0 and dominant is not None:
                share = share * (1 - collusion) if org is dominant else min(share * (1 + collusion), 2.0)
            exposure[org.id] = share
        return exposure

    def record_actions(self, actions: float, exposure: float) -> None:
        """Count enforcement actions against organisations and the share neutralised."""
        self.actions_against_orgs += actions
        self.actions_neutralised += actions * max(0.0, 1 - exposure)

    def street_arrests(self, officer_weeks: float, intel: np.ndarray, exposure: dict[int, float]) -> None:
        """Arrest dealers; the visible and those in high-trust places are likelier to be caught."""
        model = self.model
        p, dealers = model.p, model.dealers
        dealers.arrests[:] = 0
        dealers.disruption[:] = 0
        active = dealers.active_slots()
        if officer_weeks <= 0 or len(active) == 0:
            return
        r = p.retail
        visibility = np.array([r.open_air_visibility, r.indoor_visibility, r.delivery_visibility,
                               r.online_visibility])[dealers.mode[active]]
        community = dealers.community_of(active)
        by_org = np.ones(model.orgs.id_bound() + 1)  # the last entry serves dealers with no supplier
        for org_id, share in exposure.items():
            by_org[org_id] = share
        org_exposure = by_org[dealers.org[active]]
        weight = visibility * intel[community] * org_exposure
        hazard = np.minimum(officer_weeks * p.police.street_arrest_rate * weight / len(active), MAX_HAZARD)
        self.record_actions(float((officer_weeks * p.police.street_arrest_rate * visibility * intel[community]
                                   / len(active)).sum()), float(np.mean(org_exposure)))
        caught = active[model.rng.random(len(active)) < hazard]
        dealers.arrest(caught)

    def user_arrests(self, officer_weeks: float, intel: np.ndarray) -> None:
        """Arrest users for possession (or, where possession is decriminalised, refer them)."""
        model = self.model
        policy, communities = model.p.policy, model.communities
        users = communities.users
        total_users = users.sum()
        if officer_weeks <= 0 or total_users == 0:
            return
        stops = officer_weeks * model.p.police.user_arrest_rate
        if policy.harm_reduction_policing:
            stops *= 0.5  # no arrests around services
        chance = np.clip(stops * intel / total_users, 0.0, MAX_HAZARD)
        caught = model.rng.binomial(users, chance)
        dependent = model.rng.binomial(caught, np.divide(communities.dependent, users, out=np.zeros(len(users)),
                                                         where=users > 0))
        if policy.decriminalise_possession:
            communities.referrals += dependent  # administrative referral to services, no arrest, no record
            return
        model.log.record_places("arrest", caught, detail="user", places=communities.place)

    def focused_deterrence(self, officer_weeks: float, exposure: dict[int, float]) -> None:
        """Call in the most violent dealers and groups, offer services, and sanction whoever keeps
        using violence; close the open-air markets where called-in dealers sell.

        The threat is credible in proportion to how much of the violating group the sanction
        capacity can cover (Kleiman & Kilmer's dynamic concentration).
        """
        model = self.model
        p, dealers, orgs, rng = model.p, model.dealers, model.orgs, model.rng
        if officer_weeks <= 0:
            self.deterrence_credibility = 0.0
            return
        calls = rng.poisson(officer_weeks * p.police.call_in_rate)
        # only those who have recently used violence are called in, the most violent first
        violent = np.flatnonzero(dealers.active & ~dealers.warned & (dealers.violence_score >= 1.0))
        chosen = violent[np.argsort(-dealers.violence_score[violent], kind="stable")[:calls]]
        dealers.warned[chosen] = True
        model.log.record("call_in", len(chosen))
        leaving = chosen[rng.random(len(chosen)) < p.violence.service_uptake]
        dealers.return_stock(leaving)
        dealers.remove(leaving)
        # the most violent groups are called in this week; the focus moves as their violence falls
        ranked = sorted(orgs, key=lambda o: (-o.violence_score, o.id))
        focus = max(1, int(np.ceil(calls / GROUP_CALL_IN)))
        for rank, org in enumerate(ranked):
            org.warned = rank < focus
        if p.policy.close_open_air:
            self.close_open_air_markets(officer_weeks)
        # sanctions: first the warned dealers who keep using violence, then warned groups' members
        capacity = rng.poisson(officer_weeks * p.police.sanction_rate)
        violators = np.flatnonzero(dealers.active & dealers.warned & (dealers.violence_score > 0.5))
        violent_orgs = [o for o in orgs if o.warned and o.violence_score > 0.5]
        violator_count = len(violators) + sum(o.size for o in violent_orgs) / 10
        self.deterrence_credibility = float(min(1.0, capacity / max(violator_count, 1.0)))
        order = violators[np.argsort(-dealers.violence_score[violators], kind="stable")]
        sanctioned = order[:capacity]
        dealers.arrest(sanctioned)
        remaining = capacity - len(sanctioned)
        for org in violent_orgs:
            if remaining <= 0:
                break
            caught = min(remaining, rng.binomial(org.size, min(1.0, exposure.get(org.id, 1.0) * 0.5)))
            remaining -= orgs.arrest_members(org, caught)

    def close_open_air_markets(self, officer_weeks: float) -> None:
        """Drug market intervention (High Point): the most violent open-air markets, as many as the
        effort allows, are closed; their open-air dealers move indoors or to delivery over a few weeks."""
        model = self.model
        places, dealers, rng = model.places, model.dealers, model.rng
        urban = places.community_places
        urban = urban[model.communities.users > 0]
        closable = min(len(urban), int(officer_weeks / OFFICER_WEEKS_PER_MARKET))
        still_open = urban[~self.market_closed[urban]]
        more = closable - int(self.market_closed[urban].sum())
        if more > 0:  # closed markets stay closed; effort left over closes the next most violent
            violence = model.violence.violence_ma
            worst = still_open[np.argsort(-violence[still_open], kind="stable")[:more]]
            self.market_closed[worst] = True
        moving = np.flatnonzero(dealers.active & (dealers.mode == SalesMode.OPEN_AIR)
                                & self.market_closed[dealers.place])
        moving = moving[rng.random(len(moving)) < 0.3]
        dealers.mode[moving] = np.where(rng.random(len(moving)) < 0.6, SalesMode.INDOOR, SalesMode.DELIVERY)

    def territory_intel(self, intel: np.ndarray) -> dict[int, float]:
        """Mean intelligence over the communities each organisation controls (1 where it holds none)."""
        places, orgs = self.model.places, self.model.orgs
        rows = np.flatnonzero((orgs.controller >= 0) & (places.community >= 0))
        owners = orgs.controller[rows]
        size = orgs.id_bound()
        total = group_sum(owners, intel[places.community[rows]], size)
        count = group_sum(owners, None, size)
        return {org.id: float(total[org.id] / count[org.id]) if count[org.id] else 1.0 for org in orgs}

    def investigations(self, officer_weeks: float, exposure: dict[int, float], intel: dict[int, float]) -> None:
        """Arrest lieutenants and soldiers; capacity is shared across all members."""
        model, orgs = self.model, self.model.orgs
        members = sum(o.size - 1 for o in orgs)
        if officer_weeks <= 0 or members <= 0:
            return
        base = officer_weeks * model.p.police.investigation_rate / members
        for org in orgs:
            share = exposure.get(org.id, 1.0)
            hazard = min(base * share * intel[org.id], MAX_HAZARD)
            self.record_actions(base * (org.size - 1), share)
            orgs.arrest_members(org, model.rng.binomial(max(org.size - 1, 0), hazard))

    def high_value_targeting(self, officer_weeks: float, exposure: dict[int, float],
                             intel: dict[int, float]) -> None:
        """Try to capture (or, in militarised operations, kill) each leader; succession follows."""
        model, orgs = self.model, self.model.orgs
        if officer_weeks <= 0 or not len(orgs):
            return
        sizes = {org.id: org.size for org in orgs}
        total = sum(sizes.values())
        for org in orgs:
            leader = org.leader
            if leader is None or total <= 0:
                continue
            per_org = officer_weeks * sizes[org.id] / total  # the biggest organisations draw most attention
            share = exposure.get(org.id, 1.0)
            self.record_actions(per_org * model.p.police.hvt_rate, share)
            chance = 1 - np.exp(-per_org * model.p.police.hvt_rate * share * intel.get(org.id, 1.0))
            if model.rng.random() >= chance:
                continue
            place = leader.place
            if model.rng.random() < 0.5 * model.p.policy.militarisation:
                model.log.record("homicide", detail="police", place=place, org=org.id)
                model.log.record("incident", detail="police", place=place, org=org.id)
            else:
                model.log.record("arrest", detail="leader", place=place, org=org.id)
            model.log.record("leader_removal", place=place, org=org.id)
            org.remove_member(leader)
            orgs.succession(org)

    def interdiction(self, officer_weeks: float, exposure: dict[int, float]) -> None:
        """Deploy interdiction on the targeted segments and catch lots in transit."""
        model = self.model
        p, routes = model.p, model.routes
        target = p.policy.interdiction_target
        if target == "all":
            chosen = np.ones(len(routes.edges), dtype=bool)
        elif target == "border":
            chosen = routes.is_border.copy()
        else:
            chosen = routes.corridor_of_edge == model.places.corridors.index(target)
        per_segment = officer_weeks / max(chosen.sum(), 1)
        extra = np.where(chosen, 1 - np.exp(-per_segment * p.police.interdiction_rate), 0.0)
        actions, neutralised = model.trafficking.interdict(extra, exposure)
        self.actions_against_orgs += actions
        self.actions_neutralised += neutralised

    def eradication(self, officer_weeks: float) -> None:
        """Destroy standing crops in the targeted region(s); hit households may relocate next week."""
        model = self.model
        p, farms, places = model.p, model.farms, model.places
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
        farms.eradicate(eligible & (model.rng.random(len(standing)) < min(1.0, hectares / total)))

    def community_policing(self, officer_weeks: float) -> None:
        """Officers in communities (more where deprivation is higher) build trust and state presence."""
        model = self.model
        communities, places = model.communities, model.places
        self.community_effort[:] = 0.0
        if officer_weeks <= 0:
            return
        weight = communities.population * (0.5 + communities.deprivation)
        self.community_effort = officer_weeks * weight / weight.sum()
        towns = np.flatnonzero(places.kind[communities.place] == TRANSIT)
        per_100k = self.community_effort[towns] / communities.population[towns] * PER_100K
        where = communities.place[towns]
        target = np.minimum(places.state_presence_base[where] + 0.01 * per_100k, 0.95)
        places.state_presence[where] += 0.02 * (target - places.state_presence[where])

    def anti_money_laundering(self, officer_weeks: float) -> None:
        """Seize criminal revenue in proportion to organisations' revenue."""
        model, orgs = self.model, list(self.model.orgs)
        if officer_weeks <= 0 or not orgs:
            return
        pool = officer_weeks * model.p.police.aml_seizure_rate
        revenue = np.array([max(o.revenue_ma, 0.0) for o in orgs])
        if revenue.sum() <= 0:
            return
        for org, share in zip(orgs, revenue / revenue.sum(), strict=True):
            seized = min(pool * share, max(org.cash, 0.0) + org.revenue)
            org.cash -= seized
            org.aml_share = ewma(org.aml_share, seized / max(org.revenue_ma, 1.0), 0.1)
            model.log.record("cash_seizure", seized, org=org.id)

    def reactive_policing(self, officer_weeks: float, intel: np.ndarray) -> None:
        """Investigate last week's drug-market homicides; the killers go to the justice system and
        the organisation responsible loses them. The share cleared (its moving average) is the
        certainty of punishment that deters violence in the violence stage."""
        model = self.model
        pending = self.open_cases
        if pending <= 0:
            return
        expected = officer_weeks * model.p.police.clearance_rate * float(np.mean(intel))
        cleared = int(min(pending, model.rng.poisson(expected)))
        self.open_cases = 0
        share = cleared / pending
        self.clearance = share if np.isnan(self.clearance) else ewma(self.clearance, share, 0.05)
        model.log.record("arrest", cleared, detail="violent")
        violent = sorted(model.orgs, key=lambda o: (-o.violence_score, o.id))
        for org in violent[:cleared]:
            soldiers = org.soldiers()
            if soldiers:
                org.remove_member(soldiers[int(model.rng.integers(len(soldiers)))])

    def militarised_operations(self, effort: dict[str, float]) -> None:
        """Militarised operations bring armed confrontations with organisations."""
        model = self.model
        militarisation = model.p.policy.militarisation
        if militarisation <= 0:
            return
        facing = effort["street"] + effort["investigation"] + effort["hvt"] + effort["deterrence"]
        self.confrontations += int(model.rng.poisson(militarisation * facing * model.p.police.confrontation_rate))

    # -- outputs ------------------------------------------------------------------------------------------------
    @metric("arrests", "people/week", "process", "All arrests: users, dealers, organisation members, leaders, "
            "and people arrested for homicides.")
    def arrests(self) -> int:
        return int(self.model.log.total("arrest"))

    @metric("arrests_users", "people/week", "process", "Arrests of users for possession.")
    def arrests_users(self) -> int:
        return int(self.model.log.total("arrest", "user"))

    @metric("arrests_dealers", "people/week", "process", "Arrests of retail dealers.")
    def arrests_dealers(self) -> int:
        return int(self.model.log.total("arrest", "dealer"))

    @metric("arrests_traffickers", "people/week", "process", "Arrests of organisation members and leaders.")
    def arrests_traffickers(self) -> int:
        log = self.model.log
        return int(log.total("arrest", "trafficker") + log.total("arrest", "leader"))

    @metric("leaders_removed", "people/week", "process", "Leaders captured or killed.")
    def leaders_removed(self) -> int:
        return int(self.model.log.total("leader_removal"))

    @metric("seizures_kg", "kg pure/week", "process", "Drug seized: interdicted lots and dealers' stock.")
    def seizures_kg(self) -> float:
        return float(self.model.log.total("seizure"))

    @metric("call_ins", "people/week", "process", "Offenders called in and warned by focused deterrence.")
    def call_ins(self) -> int:
        return int(self.model.log.total("call_in"))

    @metric("cash_seized", "USD/week", "process", "Criminal revenue seized by anti-money-laundering.")
    def cash_seized(self) -> float:
        return float(self.model.log.total("cash_seizure"))

    @metric("neutralised_share", "share", "process",
            "Share of enforcement actions against organisations neutralised by bribes or collusion.")
    def neutralised_share(self) -> float:
        return self.actions_neutralised / self.actions_against_orgs if self.actions_against_orgs > 0 else 0.0

    @metric("corruption", "share", "outcome",
            "Share of police officers who take bribes (raised by collusion, lowered by anti-corruption).")
    def corruption_metric(self) -> float:
        return self.corruption

    @metric("enforcement_cost", "USD/week", "cost", "Police budget spent this week.")
    def enforcement_cost(self) -> float:
        return self.budget
