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

import math
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from marketsim.sim.common import WEEKS_PER_YEAR, compiled, ewma, metric, row_uniforms
from marketsim.sim.policies import ACTIVITIES, PoliceActivity
from marketsim.sim.policies.base import action_counts, spared
from marketsim.sim.subsystem import Subsystem

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel
    from marketsim.sim.organisations import TraffickingOrganisation


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
        self.collusion = 0.0                    # the arrangement's strength (set by the collusion activity)
        self.militarised_share = 0.0            # share of front-line work done by militarised units
        self.effort: dict[str, float] = {}      # officer-weeks of each activity this week
        self.effort_for: tuple[object, object] | None = None  # the (policy, police) parameters it was split by
        self.intel = np.ones(n_communities)     # this week's intelligence per community
        self.org_intel = np.ones(0)             # this week's intelligence by organisation id (over its turf)
        self.exposure_by_id = np.ones(1)        # this week's ``exposures``, for the organisations counted in
        self.exposure_count: tuple[int, int] | None = None  # (ids made, organisations alive) then; None: stale
        self.service_user_arrest_hazard = np.zeros(n_communities)  # weekly, of people using harm-reduction services
        self.community_effort = np.zeros(n_communities)  # officer-weeks of community policing per community
        self.racket_effort = 0.0                # officer-weeks a collusive arrangement spares this week
        self.open_cases = 0                 # drug-market homicides awaiting investigation
        self.clearance = float("nan")       # share of drug-market homicides cleared, moving average
        self.reactive_effort = 0.0          # officer-weeks of reactive policing this week
        self.confrontations = 0             # armed confrontations this week (militarised operations)
        self.actions_against_orgs = 0.0     # this week
        self.actions_neutralised = 0.0      # this week
        self.activities: list[PoliceActivity] = [activity(self) for activity in ACTIVITIES]
        # the activities that prepare for the week (the others' ``prepare`` does nothing)
        self.preparing = [a for a in self.activities if type(a).prepare is not PoliceActivity.prepare]
        # community places and their communities (they do not change during a run), for ``territory_intel``
        self.community_places = np.flatnonzero(model.places.community >= 0)
        self.community_of_place = model.places.community[self.community_places]

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

    def within_aim(self, activity: str, rows: np.ndarray, places: np.ndarray) -> np.ndarray:
        """Those of ``rows`` (at ``places``) where ``activity`` is aimed: all of them (the same array)
        if it is not targeted."""
        mask = self.aim.get(activity)
        return rows if mask is None else rows[mask[places]]

    def officer_weeks(self) -> dict[str, float]:
        """Officer-weeks this week for each activity: its budget share's worth; what the shares leave
        goes to the activity no share funds (reactive policing); the others borrow effort."""
        policy, officers = self.model.p.policy, self.officers
        allocation = {a.name: officers * getattr(policy, a.share) for a in self.activities if a.share}
        allocation["reactive"] = max(officers - sum(allocation.values()), 0.0)
        return allocation

    @property
    def market_closed(self) -> np.ndarray:
        """Places whose open-air market focused deterrence has closed."""
        return self.activity("deterrence").market_closed

    def activity(self, name: str) -> PoliceActivity:
        """The activity of that name."""
        return next(a for a in self.activities if a.name == name)

    def update_corruption(self) -> None:
        """Officers take the bribes organisations offer: the share who accept rises with the money
        on offer per officer, and falls as anti-corruption effort raises the risk of dismissal. The
        price at which officers accept is set so that the bribes offered at the start buy the
        starting share of corrupt officers."""
        model = self.model
        if not model.p.mechanisms.bribery:
            return
        per_officer = sum(model.orgs.by_org.bribes[model.orgs.ids()].tolist()) / max(self.officers, 1.0)
        if self.bribe_price is None:
            start = model.p.world.corruption
            self.bribe_price = per_officer / -np.log1p(-start) if 0 < start < 1 and per_officer > 0 else np.inf
        anti_corruption = model.interventions.programme("anti_corruption").effort
        price = self.bribe_price * (1 + model.p.police.dismissal_weight * anti_corruption)
        accepting = 1 - np.exp(-per_officer / price) if math.isfinite(price) and price > 0 else float(price == 0)
        self.corruption = float(ewma(self.corruption, accepting, model.p.police.corruption_adjustment))

    def report_homicides(self, count: int) -> None:
        """Drug-market homicides of this week, to be investigated next week."""
        self.open_cases = count

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def step(self) -> None:
        """Enforcement: the share of corrupt officers moves toward what the bribes buy; the budget
        becomes officer-weeks per activity and intelligence is read from residents' reporting; then
        every activity (``marketsim.sim.policies.ACTIVITIES``) acts, in that order."""
        self.actions_against_orgs = self.actions_neutralised = 0.0
        self.confrontations = 0
        self.racket_effort = 0.0
        self.exposure_count = None  # the organisations' books have changed what their bribes buy
        self.update_corruption()
        for activity in self.preparing:
            activity.prepare()
        p = self.model.p
        if self.effort_for is None or self.effort_for[0] is not p.policy or self.effort_for[1] is not p.police:
            self.effort, self.effort_for = self.officer_weeks(), (p.policy, p.police)  # (parameters are immutable)
        self.intel = self.intelligence()
        self.org_intel = self.territory_intel(self.intel)
        for activity in self.activities:
            activity.act(activity.officer_weeks())

    def protect(self, org_id: int, strength: float) -> None:
        """A collusive arrangement protects ``org_id`` (-1: none) with this strength (0-1)."""
        self.protected, self.collusion = org_id, strength

    def count_actions(self, actions: float, neutralised: float) -> None:
        """Add enforcement actions against organisations, and those neutralised by bribes."""
        self.actions_against_orgs += actions
        self.actions_neutralised += neutralised

    def reporting(self, trust: np.ndarray | float) -> np.ndarray | float:
        """Chance residents report a violent incident, at a given trust in police (for one trust, in
        Python floats: the same value, without numpy's cost on a single number)."""
        h = self.model.p.harm
        if isinstance(trust, float):
            return min(max(h.reporting_base + h.reporting_slope * trust, 0.0), 1.0)
        return _reporting(trust, h.reporting_base, h.reporting_slope)

    def intelligence(self) -> np.ndarray:
        """How well police know each community: tips follow residents' reporting, relative to the
        reporting at the reference trust (1 there)."""
        model = self.model
        if not model.p.mechanisms.reporting:
            return np.ones(len(model.communities.place))
        reference = max(self.reporting(float(model.p.violence.reference_trust)), 1e-9)
        return (self.reporting(model.communities.trust) / reference) ** model.p.police.tip_elasticity

    def territory_intel_of(self, ids: np.ndarray) -> np.ndarray:
        """This week's intelligence over the territory of each of the organisations ``ids`` (ascending, as
        ``orgs.ids()``; 1 for one made since the week's enforcement began)."""
        if len(ids) == 0 or ids[-1] < len(self.org_intel):  # every one known (the usual case): one gather
            return self.org_intel[ids]
        out = np.ones(len(ids))
        known = ids < len(self.org_intel)
        out[known] = self.org_intel[ids[known]]
        return out

    def exposure(self, org_id: int) -> float:
        """Share of the actions aimed at an organisation that its bribes do not neutralise."""
        org = self.model.orgs.get(org_id)
        return 1.0 - org.neutralised if org is not None else 1.0

    def exposures(self) -> np.ndarray:
        """``exposure`` by organisation id (the last entry, for targets with no organisation, is 1); a
        shared array, not to be modified. What bribes buy is set before enforcement, so it is computed
        once a week and again only when organisations are made or gone during enforcement."""
        orgs = self.model.orgs
        count = (orgs.next_id, len(orgs))
        if count != self.exposure_count:
            ids = orgs.ids()
            out = np.ones(orgs.id_bound() + 1)
            out[ids] = 1.0 - orgs.by_org.neutralised[ids]
            self.exposure_by_id, self.exposure_count = out, count
        return self.exposure_by_id

    def spare(self, owners: np.ndarray, weights: np.ndarray, officer_weeks: float) -> np.ndarray:
        """Under a collusive arrangement, officers leave the protected organisation's targets alone
        (by the arrangement's strength): ``weights`` (each target's share of an activity's
        ``officer_weeks``; ``owners``: each target's organisation id) come back with the protected
        organisation's scaled down, and the officer-weeks spared go to keeping the peace around it."""
        out, protected_weight, total = spared(weights, owners, self.protected, self.collusion)
        self.count_spared(officer_weeks, protected_weight, total)
        return out

    def count_spared(self, officer_weeks: float, protected_weight: float, total: float) -> None:
        """The officer-weeks a collusive arrangement spared from an activity of ``officer_weeks``: the
        protected organisation's ``protected_weight`` of the ``total`` weight of its targets (``spared``'s;
        a total of 0: none spared)."""
        if total != 0:  # (a NaN total spares NaN, as numpy's arithmetic would)
            self.racket_effort += officer_weeks * self.collusion * protected_weight / total

    def record_actions(self, actions: np.ndarray, exposure: np.ndarray) -> None:
        """Count enforcement actions against organisations and the share neutralised by bribes."""
        self.count_actions(*action_counts(actions, exposure))

    def crack_down(self, org: TraffickingOrganisation, officer_weeks: float) -> int:
        """Officer-weeks spent on one organisation: arrests of its dealers and members at the usual
        productivity of street arrests and investigations (less what its bribes neutralise). Returns
        how many people were arrested."""
        model = self.model
        police, dealers, rng = model.p.police, model.dealers, self.draws
        effort = officer_weeks * self.exposure(org.id)
        mine = np.flatnonzero(dealers.active & (dealers.org == org.id))
        order = np.argsort(row_uniforms(rng.crackdown_order, mine), kind="stable")
        arrested = mine[order][:int(rng.crackdown_arrests.poisson(effort * police.street_arrest_rate))]
        dealers.arrest(arrested)
        return len(arrested) + model.orgs.arrest_members(
            org, int(rng.crackdown_members.poisson(effort * police.investigation_rate)))

    def territory_intel(self, intel: np.ndarray) -> np.ndarray:
        """Mean intelligence over the communities each organisation controls (1 where it holds none),
        by organisation id."""
        orgs = self.model.orgs
        return _territory_intel(orgs.controller, self.community_places, self.community_of_place, intel,
                                orgs.id_bound())

    def remove_leader(self, org: TraffickingOrganisation, killed: bool = False) -> None:
        """The leader of ``org`` is captured (or killed); a succession, or a split, follows."""
        model, leader = self.model, org.leader
        if leader is None:
            return
        place = leader.place
        if killed:
            model.log.record("homicide", detail="police", place=place, org=org.id)
            model.log.record("incident", detail="police", place=place, org=org.id)
            model.log.record("leader_removal", place=place, org=org.id)
            org.remove_member(leader)
        else:
            model.log.record("arrest", detail="leader", place=place, org=org.id)
            model.log.record("leader_removal", place=place, org=org.id)
            model.orgs.arrest_member(org, leader)
        model.orgs.succession(org)

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


@compiled
def _territory_intel(controller: np.ndarray, community_places: np.ndarray, community_of_place: np.ndarray,
                     intel: np.ndarray, size: int) -> np.ndarray:
    """By organisation id below ``size``: the mean ``intel`` of the communities whose places it
    controls (added in place order, as np.bincount adds), 1 where it controls none."""
    total, count = np.zeros(size), np.zeros(size)
    for k in range(len(community_places)):
        owner = controller[community_places[k]]
        if 0 <= owner < size:
            total[owner] += intel[community_of_place[k]]
            count[owner] += 1
    out = np.ones(size)
    for owner in range(size):
        if count[owner] > 0:
            out[owner] = total[owner] / count[owner]
    return out


@compiled
def _reporting(trust: np.ndarray, base: float, slope: float) -> np.ndarray:
    """``base`` + ``slope`` × each ``trust``, kept within 0 and 1 (np.maximum then np.minimum: a NaN stays)."""
    out = np.empty(len(trust))
    for i in range(len(trust)):
        chance = base + slope * trust[i]
        chance = 0.0 if chance <= 0.0 else chance  # (np.maximum: a NaN stays, a -0.0 becomes 0.0)
        out[i] = 1.0 if chance > 1.0 else chance
    return out
