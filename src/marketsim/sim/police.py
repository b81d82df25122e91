"""Police: a fixed weekly budget spent according to the policy levers (enforcement).

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

from marketsim.config.params import BUDGET_SHARES
from marketsim.sim.common import PER_100K, WEEKS_PER_YEAR, ewma, group_sum, metric, row_uniforms, safe_ratio
from marketsim.sim.retail import SalesMode
from marketsim.sim.subsystem import Subsystem
from marketsim.world import TRANSIT

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel
    from marketsim.sim.organisations import TraffickingOrganisation


def affordable(officer_weeks: float, cost: float, wanted: int) -> int:
    """How many of ``wanted`` responses costing ``cost`` officer-weeks each the effort pays for
    (a cost near zero pays for all of them, never for an infinite number)."""
    return int(min(wanted, officer_weeks // cost))


class Police(Subsystem, Agent):
    """A police force. Turns its budget into officer-weeks per activity, each with its own
    productivity; what it achieves depends on what residents report, on the bribes its officers
    take and, under collusion, on whom it protects."""

    name = "police"
    needs = ()

    def __init__(self, model: DrugMarketModel):
        super().__init__(model)
        self.attach(model)
        n_communities = len(model.places.community_places)
        self.aim: dict[str, np.ndarray] = {}    # places each targeted activity is aimed at (a mask)
        self.aim_at(model.p.policy.targets)
        self.corruption = model.p.world.corruption if model.p.mechanisms.bribery else 0.0  # share of officers
        self.bribe_price: float | None = None   # weekly bribe at which an officer's acceptance is 1 − 1/e
        self.protected = -1                     # id of the organisation a collusive arrangement protects
        self.market_closed = np.zeros(model.places.n, dtype=bool)  # open-air market closed (drug market intervention)
        self.case_progress = 0.0                # officer-weeks spent on the cases of the next market to close
        self.case_target = -1                   # the market those cases are for (-1: none chosen yet)
        self.community_effort = np.zeros(n_communities)  # officer-weeks of community policing per community
        self.fd_certainty: dict[int, float] = {}  # chance a warned group's violence is answered, by organisation
        self.racket_effort = 0.0                # officer-weeks a collusive arrangement spares this week
        self.racket_certainty = 0.0             # chance violence around the protected organisation is answered
        self.open_cases = 0                 # drug-market homicides awaiting investigation
        self.clearance = float("nan")       # share of drug-market homicides cleared, moving average
        self.reactive_effort = 0.0          # officer-weeks of reactive policing this week
        self.confrontations = 0             # armed confrontations this week (militarised operations)
        self.actions_against_orgs = 0.0     # this week
        self.actions_neutralised = 0.0      # this week

    @property
    def budget(self) -> float:
        """USD per week."""
        return self.model.p.police.budget

    @property
    def officers(self) -> float:
        """Officer-weeks per week the budget buys."""
        return self.budget / self.model.p.police.officer_week_cost

    def aim_at(self, targets: dict[str, tuple[str, ...]], homicides: np.ndarray | None = None) -> None:
        """Aim each activity listed at its places (``policy.targets``); ``most_violent:N`` ranks
        places by ``homicides`` (those of the past year when the targets take effect)."""
        places = self.model.places
        self.aim = {}
        for activity, where in targets.items():
            mask = np.zeros(places.n, dtype=bool)
            mask[places.select(where, f"policy.targets.{activity}", homicides)] = True
            self.aim[activity] = mask

    def retarget(self) -> None:
        """The policy changed (a schedule): aim again, ranking places by last year's homicides."""
        model = self.model
        self.aim_at(model.p.policy.targets, model.outputs.recent_by_place("homicides", WEEKS_PER_YEAR))

    def aimed(self, activity: str, places: np.ndarray) -> np.ndarray:
        """Whether each of ``places`` is where ``activity`` is aimed (everywhere if it is not targeted)."""
        mask = self.aim.get(activity)
        return np.ones(len(places), dtype=bool) if mask is None else mask[places]

    def officer_weeks(self) -> dict[str, float]:
        """Officer-weeks this week for each activity; what the shares leave goes to reactive work."""
        policy = self.model.p.policy
        allocation = {name.removesuffix("_share"): self.officers * getattr(policy, name) for name in BUDGET_SHARES}
        allocation["reactive"] = max(self.officers - sum(allocation.values()), 0.0)
        return allocation

    def update_corruption(self) -> None:
        """Officers take the bribes organisations offer: the share who accept rises with the money
        on offer per officer, and falls as anti-corruption effort raises the risk of dismissal. The
        price at which officers accept is set so that the bribes offered at the start buy the
        starting share of corrupt officers."""
        model = self.model
        if not model.p.mechanisms.bribery:
            return
        per_officer = sum(org.bribes for org in model.orgs) / max(self.officers, 1.0)
        if self.bribe_price is None:
            start = model.p.world.corruption
            self.bribe_price = per_officer / -np.log1p(-start) if 0 < start < 1 and per_officer > 0 else np.inf
        price = self.bribe_price * (1 + model.p.police.dismissal_weight * model.p.policy.anti_corruption)
        accepting = 1 - np.exp(-per_officer / price) if np.isfinite(price) and price > 0 else float(price == 0)
        self.corruption = float(ewma(self.corruption, accepting, model.p.police.corruption_adjustment))

    def report_homicides(self, count: int) -> None:
        """Drug-market homicides of this week, to be investigated next week."""
        self.open_cases = count

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def step(self) -> None:
        """Enforcement: every activity with its officer-weeks, in a fixed order."""
        model = self.model
        self.actions_against_orgs = self.actions_neutralised = 0.0
        self.confrontations = 0
        self.racket_effort = 0.0
        self.update_corruption()
        racket = model.p.policy.collusion > 0 and model.p.mechanisms.protection_racket
        dominant = model.orgs.dominant() if racket else None
        self.protected = dominant.id if dominant is not None else -1
        effort = self.officer_weeks()
        intel = self.intelligence()
        self.street_arrests(effort["street"], intel)
        self.user_arrests(effort["user"], intel)
        self.focused_deterrence(effort["deterrence"])
        org_intel = self.territory_intel(intel)
        self.investigations(effort["investigation"], org_intel)
        self.high_value_targeting(effort["hvt"], org_intel)
        self.interdiction(effort["interdiction"])
        self.eradication(effort["eradication"])
        self.community_policing(effort["community"])
        self.anti_money_laundering(effort["aml"])
        self.reactive_policing(effort["reactive"], intel)
        self.militarised_operations(effort)
        self.keep_the_peace()

    def reporting(self, trust: np.ndarray | float) -> np.ndarray | float:
        """Chance residents report a violent incident, at a given trust in police."""
        h = self.model.p.harm
        return np.clip(h.reporting_base + h.reporting_slope * np.asarray(trust), 0.0, 1.0)

    def intelligence(self) -> np.ndarray:
        """How well police know each community: tips follow residents' reporting, relative to the
        reporting at the reference trust (1 there)."""
        model = self.model
        if not model.p.mechanisms.reporting:
            return np.ones(len(model.communities.place))
        reference = max(float(self.reporting(model.p.violence.reference_trust)), 1e-9)
        return (self.reporting(model.communities.trust) / reference) ** model.p.police.tip_elasticity

    def exposure(self, org_id: int) -> float:
        """Share of the actions aimed at an organisation that its bribes do not neutralise."""
        org = self.model.orgs.get(org_id)
        return 1.0 - org.neutralised if org is not None else 1.0

    def exposures(self) -> np.ndarray:
        """``exposure`` by organisation id (the last entry, for targets with no organisation, is 1)."""
        out = np.ones(self.model.orgs.id_bound() + 1)
        for org in self.model.orgs:
            out[org.id] = 1.0 - org.neutralised
        return out

    def spare(self, owners: np.ndarray, weights: np.ndarray, officer_weeks: float) -> np.ndarray:
        """Under a collusive arrangement, officers leave the protected organisation's targets alone
        (by the arrangement's strength): ``weights`` (each target's share of an activity's
        ``officer_weeks``; ``owners``: each target's organisation id) come back with the protected
        organisation's scaled down, and the officer-weeks spared go to keeping the peace around it."""
        if self.protected < 0 or len(weights) == 0 or weights.sum() <= 0:
            return weights
        protected = owners == self.protected
        collusion = self.model.p.policy.collusion
        self.racket_effort += officer_weeks * collusion * weights[protected].sum() / weights.sum()
        out = weights.copy()
        out[protected] *= 1 - collusion
        return out

    def keep_the_peace(self) -> None:
        """The officer-weeks a collusive arrangement spares answer attacks by or against the
        protected organisation: the certainty of that answer deters such contests, and last week's
        attackers are cracked down on."""
        model = self.model
        police = model.p.police
        protected = model.orgs.get(self.protected)
        self.racket_certainty = 0.0
        if protected is None:
            return
        need = max(protected.racket_attacks_ma * police.sanction_effort,
                   police.deterrence_reserve * police.sanction_effort)
        self.racket_certainty = min(1.0, self.racket_effort / need)
        capacity = self.racket_effort
        for org in model.orgs:
            responses = affordable(capacity, police.sanction_effort, org.racket_attacks)
            if responses:
                capacity -= responses * police.sanction_effort
                self.crack_down(org, responses * police.sanction_effort)
                model.log.record("sanction", responses, detail="protection", org=org.id)

    def record_actions(self, actions: np.ndarray, exposure: np.ndarray) -> None:
        """Count enforcement actions against organisations and the share neutralised by bribes."""
        self.actions_against_orgs += float(np.sum(actions))
        self.actions_neutralised += float(np.sum(actions * np.maximum(0.0, 1 - exposure)))

    def street_arrests(self, officer_weeks: float, intel: np.ndarray) -> None:
        """Arrest dealers; the visible and those in high-reporting places are likelier to be caught."""
        model = self.model
        p, dealers = model.p, model.dealers
        dealers.arrests[:] = 0
        dealers.disruption[:] = 0
        active = dealers.active_slots()
        if officer_weeks <= 0 or len(active) == 0:
            return
        active = active[self.aimed("street", dealers.place[active])]
        if len(active) == 0:
            return
        r = p.retail
        visibility = np.array([r.open_air_visibility, r.indoor_visibility, r.delivery_visibility,
                               r.online_visibility])[dealers.mode[active]]
        supplier = dealers.org[active]
        reach = visibility * intel[dealers.community_of(active)]
        base = officer_weeks * p.police.street_arrest_rate * reach / len(active)
        aimed = self.spare(supplier, base, officer_weeks)
        exposure = self.exposures()[supplier]
        self.record_actions(aimed, exposure)
        hazard = np.minimum(aimed * exposure, p.police.max_arrest_hazard)
        dealers.arrest(active[row_uniforms(self.draws.street_arrests, active) < hazard])

    def user_arrests(self, officer_weeks: float, intel: np.ndarray) -> None:
        """Arrest users for possession (or, where possession is decriminalised, refer them). Under
        harm-reduction policing, officers leave alone the people using services."""
        model = self.model
        policy, communities = model.p.policy, model.communities
        users = communities.users * self.aimed("user", communities.place)
        total_users = users.sum()
        if officer_weeks <= 0 or total_users == 0:
            return
        reachable = users
        if policy.harm_reduction_policing:
            reachable = np.maximum(users - np.round(model.harm.attending).astype(np.int64), 0)
        chance = np.clip(officer_weeks * model.p.police.user_arrest_rate * intel / total_users, 0.0,
                         model.p.police.max_arrest_hazard)
        caught = self.draws.user_arrests.binomial(reachable, chance)
        dependent = self.draws.arrested_dependent.binomial(
            caught, np.divide(communities.dependent, users, out=np.zeros(len(users)), where=users > 0))
        if policy.decriminalise_possession:
            communities.referrals += dependent  # administrative referral to services, no arrest, no record
            return
        model.log.record_places("arrest", caught, detail="user", places=communities.place)

    def focused_deterrence(self, officer_weeks: float) -> None:
        """Call in the most violent dealers and groups, offer services, close the open-air markets of
        the most violent places, and keep sanction capacity to answer warned groups' violence.

        One officer-week buys the same arrests here as anywhere. What changes is focus and
        deterrence: each warned group learns how certain a swift sanction is if it uses violence —
        the capacity set aside for it over the violence it would have to answer. Ranked allocation
        gives the most violent group all it needs first, then the next (Kleiman & Kilmer 2009);
        uniform allocation spreads capacity over every warned group."""
        model = self.model
        p, dealers, orgs, rng, log = model.p, model.dealers, model.orgs, self.draws, model.log
        self.fd_certainty = {}
        if officer_weeks <= 0:
            return
        police = p.police
        calls = rng.call_ins.poisson(officer_weeks * police.call_in_rate)
        # only those who have recently used violence are called in, the most violent first
        recent = dealers.violence_score >= police.violence_threshold
        violent = np.flatnonzero(dealers.active & ~dealers.warned & recent)
        violent = violent[self.aimed("deterrence", dealers.place[violent])]
        chosen = violent[np.argsort(-dealers.violence_score[violent], kind="stable")[:calls]]
        dealers.warned[chosen] = True
        log.record("call_in", len(chosen))
        leaving = chosen[row_uniforms(rng.service_uptake, chosen) < p.violence.service_uptake]
        dealers.return_stock(leaving)
        dealers.remove(leaving)
        ranked = sorted(orgs, key=lambda o: (-o.violence_score, o.id))
        violent_groups = [org for org in ranked if org.violence_score >= police.violence_threshold]
        if "deterrence" in self.aim:  # the groups present where focused deterrence is aimed
            violent_groups = [org for org in violent_groups if org.presence[self.aim["deterrence"]].any()]
        for org in violent_groups[:int(np.ceil(calls / police.call_in_group_size))]:
            org.warned = True  # called in: the group knows it is on notice from now on
        spent = len(chosen) / police.call_in_rate if police.call_in_rate > 0 else 0.0
        if p.policy.close_open_air:
            spent += self.close_open_air_markets(officer_weeks - spent)
        capacity = max(officer_weeks - spent, 0.0)  # officer-weeks kept to answer warned groups' violence
        per_dispute = 1 / police.street_arrest_rate if police.street_arrest_rate > 0 else np.inf
        warned = [org for org in ranked if org.warned]
        need = {org.id: max(org.attacks_ma * police.sanction_effort + org.disputes_ma * per_dispute,
                            police.deterrence_reserve * police.sanction_effort) for org in warned}
        total_need = sum(need.values())
        for org in sorted(warned, key=lambda o: -need[o.id]):
            if p.policy.deterrence_allocation == "ranked":
                assigned = min(need[org.id], capacity)
                capacity -= assigned
            else:
                assigned = capacity * need[org.id] / total_need
            self.fd_certainty[org.id] = min(1.0, assigned / need[org.id])
            self.sanction(org, assigned, per_dispute)

    def sanction(self, org: TraffickingOrganisation, effort: float, per_dispute: float) -> None:
        """Answer a warned group's violence of last week with the officer-weeks assigned to it:
        each attack it started brings a crackdown of ``police.sanction_effort`` officer-weeks, each
        dispute of one of its dealers that dealer's arrest."""
        model = self.model
        police, dealers = model.p.police, model.dealers
        responses = affordable(effort, police.sanction_effort, org.attacks)
        if responses:
            self.crack_down(org, responses * police.sanction_effort)
        effort -= responses * police.sanction_effort
        disputed = np.flatnonzero(dealers.active & dealers.disputed & (dealers.org == org.id))
        arrested = disputed[:affordable(effort, per_dispute, len(disputed))]
        dealers.arrest(arrested)
        model.log.record("sanction", responses + len(arrested), detail="focused deterrence", org=org.id)

    def crack_down(self, org: TraffickingOrganisation, officer_weeks: float) -> None:
        """Officer-weeks spent on one organisation: arrests of its dealers and members at the usual
        productivity of street arrests and investigations (less what its bribes neutralise)."""
        model = self.model
        police, dealers, rng = model.p.police, model.dealers, self.draws
        effort = officer_weeks * self.exposure(org.id)
        mine = np.flatnonzero(dealers.active & (dealers.org == org.id))
        order = np.argsort(row_uniforms(rng.crackdown_order, mine), kind="stable")
        dealers.arrest(mine[order][:int(rng.crackdown_arrests.poisson(effort * police.street_arrest_rate))])
        model.orgs.arrest_members(org, int(rng.crackdown_members.poisson(effort * police.investigation_rate)))

    def close_open_air_markets(self, officer_weeks: float) -> float:
        """Drug market intervention (High Point): police build cases against every open-air dealer
        of the most violent open market, then close it; closed markets stay closed, and their
        open-air dealers move indoors or to delivery over a few weeks. Returns the officer-weeks
        spent this week."""
        model = self.model
        places, dealers, rng, r = model.places, model.dealers, self.draws, model.p.retail
        open_air = dealers.active & (dealers.mode == SalesMode.OPEN_AIR)
        urban = places.community_places[model.communities.users > 0]
        urban = urban[self.aimed("deterrence", urban)]
        still_open = urban[~self.market_closed[urban]]
        spent = 0.0
        if self.case_target < 0 and len(still_open):  # the next market: the most violent still open
            self.case_target = int(still_open[np.argmax(model.violence.violence_ma[still_open])])
        if self.case_target >= 0 and officer_weeks > 0:
            target = self.case_target
            cost = np.count_nonzero(open_air & (dealers.place == target)) * model.p.police.case_effort
            spent = min(officer_weeks, max(cost - self.case_progress, 0.0))
            self.case_progress += spent
            if self.case_progress >= cost:
                self.market_closed[target] = True
                self.case_progress, self.case_target = 0.0, -1
        moving = np.flatnonzero(open_air & self.market_closed[dealers.place])
        moving = moving[row_uniforms(rng.closure_moves, moving) < r.closure_adjustment]
        dealers.mode[moving] = dealers.indoor_modes(moving)
        return spent

    def territory_intel(self, intel: np.ndarray) -> dict[int, float]:
        """Mean intelligence over the communities each organisation controls (1 where it holds none)."""
        places, orgs = self.model.places, self.model.orgs
        rows = np.flatnonzero((orgs.controller >= 0) & (places.community >= 0))
        owners = orgs.controller[rows]
        size = orgs.id_bound()
        total = group_sum(owners, intel[places.community[rows]], size)
        count = group_sum(owners, None, size)
        return {org.id: float(total[org.id] / count[org.id]) if count[org.id] else 1.0 for org in orgs}

    def investigations(self, officer_weeks: float, intel: dict[int, float]) -> None:
        """Arrest lieutenants and soldiers (those stationed where investigations are aimed, if they
        are); capacity is shared across all of them."""
        model, orgs = self.model, list(self.model.orgs)
        where = self.aim.get("investigation")
        sizes = np.array([org.size - 1 if where is None else sum(bool(where[m.place]) for m in org.rank_and_file())
                          for org in orgs], dtype=float)
        if officer_weeks <= 0 or sizes.sum() <= 0:
            return
        ids = np.array([org.id for org in orgs])
        per_member = officer_weeks * model.p.police.investigation_rate / sizes.sum()
        aimed = self.spare(ids, per_member * np.maximum(sizes, 0), officer_weeks) / np.maximum(sizes, 1)
        exposure = np.array([self.exposure(org.id) for org in orgs])
        self.record_actions(aimed * np.maximum(sizes, 0), exposure)
        hazard = np.minimum(aimed * exposure * np.array([intel[org.id] for org in orgs]),
                            model.p.police.max_arrest_hazard)
        reachable = np.maximum(sizes, 0).astype(np.int64)
        caught = self.draws.investigations.binomial(reachable, hazard)
        for org, count in zip(orgs, caught.tolist(), strict=True):
            model.orgs.arrest_members(org, count, where)

    def high_value_targeting(self, officer_weeks: float, intel: dict[int, float]) -> None:
        """Try to capture (or, in militarised operations, kill) each leader (those where high-value
        targeting is aimed, if it is); succession follows."""
        model, orgs = self.model, list(self.model.orgs)
        if officer_weeks <= 0 or not orgs:
            return
        where = self.aim.get("hvt")
        sizes = np.array([org.size if where is None or (org.leader is not None and where[org.leader.place]) else 0
                          for org in orgs], dtype=float)
        if sizes.sum() <= 0:
            return
        ids = np.array([org.id for org in orgs])
        effort = self.spare(ids, officer_weeks * sizes / sizes.sum(), officer_weeks)  # the biggest draw most
        exposure = np.array([self.exposure(org.id) for org in orgs])
        self.record_actions(effort * model.p.police.hvt_rate, exposure)
        kill_share = model.p.policy.militarisation * model.p.police.militarised_kill_share
        capture_draw = row_uniforms(self.draws.hvt_capture, ids)
        killed_draw = row_uniforms(self.draws.hvt_killed, ids)
        for k, (org, aimed, share) in enumerate(zip(orgs, effort.tolist(), exposure.tolist(), strict=True)):
            leader = org.leader
            if leader is None:
                continue
            chance = 1 - np.exp(-aimed * model.p.police.hvt_rate * share * intel.get(org.id, 1.0))
            if capture_draw[k] >= chance:
                continue
            self.remove_leader(org, killed=bool(killed_draw[k] < kill_share))

    def remove_leader(self, org: TraffickingOrganisation, killed: bool = False) -> None:
        """The leader of ``org`` is captured (or killed); a succession, or a split, follows."""
        model, leader = self.model, org.leader
        if leader is None:
            return
        place = leader.place
        if killed:
            model.log.record("homicide", detail="police", place=place, org=org.id)
            model.log.record("incident", detail="police", place=place, org=org.id)
        else:
            model.log.record("arrest", detail="leader", place=place, org=org.id)
            org.arrested += 1
        model.log.record("leader_removal", place=place, org=org.id)
        org.remove_member(leader)
        model.orgs.succession(org)

    def interdiction(self, officer_weeks: float) -> None:
        """Deploy interdiction on the route segments (those with an end where interdiction is
        aimed, if it is: a checkpoint covers the roads in and out) and catch lots in transit."""
        model = self.model
        p, routes = model.p, model.routes
        chosen = self.aimed("interdiction", routes.ends.ravel()).reshape(-1, 2).any(axis=1)
        per_segment = officer_weeks / max(chosen.sum(), 1)
        extra = np.where(chosen, 1 - np.exp(-per_segment * p.police.interdiction_rate), 0.0)
        orgs = list(model.orgs)
        carried = np.array([float(org.in_transit.sum()) for org in orgs])
        ids = np.array([org.id for org in orgs])
        focus = safe_ratio(self.spare(ids, carried, officer_weeks), carried, 1.0)
        exposure = {org.id: f * self.exposure(org.id) for org, f in zip(orgs, focus.tolist(), strict=True)}
        actions, neutralised = model.trafficking.interdict(extra, exposure)
        self.actions_against_orgs += actions
        self.actions_neutralised += neutralised

    def eradication(self, officer_weeks: float) -> None:
        """Destroy standing crops (where eradication is aimed, if it is); hit households may
        relocate next week."""
        model = self.model
        p, farms = model.p, model.farms
        if officer_weeks <= 0:
            return
        hectares = officer_weeks * p.police.eradication_rate
        standing = farms.standing_ha
        eligible = (standing > 0) & self.aimed("eradication", farms.place)
        total = float(standing[eligible].sum())
        if total <= 0:
            return
        farms.eradicate(eligible & (self.draws.eradication.random(len(standing)) < min(1.0, hectares / total)))

    def community_policing(self, officer_weeks: float) -> None:
        """Officers in communities (more where deprivation is higher; only where community policing
        is aimed, if it is) meet residents and build state presence in transit towns."""
        model = self.model
        police, communities, places = model.p.police, model.communities, model.places
        self.community_effort[:] = 0.0
        if officer_weeks <= 0:
            return
        tilt = 1 + police.community_targeting * (communities.deprivation - communities.deprivation.mean())
        weight = communities.population * np.maximum(tilt, 0.0) * self.aimed("community", communities.place)
        if weight.sum() <= 0:
            return
        self.community_effort = officer_weeks * weight / weight.sum()
        towns = np.flatnonzero(places.kind[communities.place] == TRANSIT)
        per_100k = self.community_effort[towns] / communities.population[towns] * PER_100K
        where = communities.place[towns]
        target = np.minimum(places.state_presence_base[where] + police.presence_gain * per_100k, police.max_presence)
        places.state_presence[where] += police.presence_adjustment * (target - places.state_presence[where])

    def anti_money_laundering(self, officer_weeks: float) -> None:
        """Seize criminal revenue in proportion to organisations' revenue."""
        model, orgs = self.model, list(self.model.orgs)
        if officer_weeks <= 0 or not orgs:
            return
        revenue = np.array([max(o.revenue_ma, 0.0) for o in orgs])
        if revenue.sum() <= 0:
            return
        ids = np.array([o.id for o in orgs])
        pool = officer_weeks * model.p.police.aml_seizure_rate * self.spare(ids, revenue / revenue.sum(), officer_weeks)
        for org, aimed in zip(orgs, pool.tolist(), strict=True):
            seized = min(aimed * self.exposure(org.id), max(org.cash, 0.0) + org.revenue)
            org.cash -= seized
            org.losses += seized
            org.aml_share = ewma(org.aml_share, seized / max(org.revenue_ma, 1.0), model.p.trafficking.loss_memory)
            model.log.record("cash_seizure", seized, org=org.id)

    def reactive_policing(self, officer_weeks: float, intel: np.ndarray) -> None:
        """Investigate last week's drug-market homicides; witnesses' reports make cases easier. The
        killers go to the justice system and the organisation responsible loses them. The share
        cleared (its moving average) is the certainty of punishment offenders know of."""
        model = self.model
        self.reactive_effort = officer_weeks
        pending = self.open_cases
        if pending <= 0:
            return
        expected = officer_weeks * model.p.police.clearance_rate * float(np.mean(intel))
        cleared = int(min(pending, self.draws.clearance.poisson(expected)))
        self.open_cases = 0
        share = cleared / pending
        memory = model.p.police.clearance_memory
        self.clearance = share if np.isnan(self.clearance) else ewma(self.clearance, share, memory)
        self.jail_killers(cleared)

    def jail_killers(self, cleared: int) -> None:
        """Each cleared homicide takes its killer out of the organisation responsible: one whose
        members killed last week, in proportion to their killings (failing those, the most violent)."""
        model = self.model
        orgs = list(model.orgs)
        if cleared <= 0 or not orgs:
            return
        killings = np.array([org.killings for org in orgs], dtype=float)
        weights = killings if killings.sum() > 0 else np.array([org.violence_score for org in orgs]) + 1e-9
        for index in self.draws.killers_group.choice(len(orgs), size=cleared, p=weights / weights.sum()).tolist():
            org = orgs[index]
            soldiers = org.soldiers() or org.rank_and_file()
            if soldiers:
                killer = soldiers[int(self.draws.killer.integers(len(soldiers)))]
                model.log.record("arrest", detail="violent", place=killer.place, org=org.id)
                org.remove_member(killer)
                org.arrested += 1

    def militarised_operations(self, effort: dict[str, float]) -> None:
        """Militarised units do part of the front-line work (the militarisation share); each of their
        officer-weeks may meet armed members, and such encounters are fought out."""
        model = self.model
        militarised = model.p.policy.militarisation * (effort["street"] + effort["investigation"] + effort["hvt"]
                                                       + effort["deterrence"])
        if militarised > 0:
            expected = militarised * model.p.police.confrontation_rate
            self.confrontations += int(self.draws.confrontations.poisson(expected))

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
            "Share of police officers who take bribes (raised by collusion, lowered by anti-corruption).",
            direction="lower")
    def corruption_metric(self) -> float:
        return self.corruption

    @metric("enforcement_cost", "USD/week", "cost", "Police budget spent this week.")
    def enforcement_cost(self) -> float:
        return self.budget
