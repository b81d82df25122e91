"""Focused deterrence (Kennedy 2011; Braga et al. 2018): call-ins, services, sanctions concentrated on
those who keep using violence, and closure of the most violent open-air markets (the High Point drug
market intervention)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import row_uniforms
from marketsim.sim.policies.base import PoliceActivity, affordable
from marketsim.sim.retail import SalesMode

if TYPE_CHECKING:
    from marketsim.sim.organisations import TraffickingOrganisation
    from marketsim.sim.police import Police


class FocusedDeterrence(PoliceActivity):
    """Call in the most violent dealers and groups, offer services, close the open-air markets of
    the most violent places, and keep sanction capacity to answer warned groups' violence.

    One officer-week buys the same arrests here as anywhere. What changes is focus and
    deterrence: each warned group is told its violence will be answered, and learns whether it is
    from the answers it and the groups it borders actually get (``Violence.learn``). Sanction
    capacity is allocated by the violence each warned group would have to answer: ranked allocation
    gives the most violent group all it needs first, then the next (Kleiman & Kilmer 2009); uniform
    allocation spreads capacity over every warned group. What deters is what is delivered."""

    name = "deterrence"
    share = "deterrence_share"
    targetable = True
    levers = ("policy.deterrence_share", "policy.close_open_air", "policy.deterrence_allocation")

    def __init__(self, police: Police):
        super().__init__(police)
        self.market_closed = np.zeros(police.model.places.n, dtype=bool)  # closed open-air markets
        self.case_progress = 0.0                # officer-weeks spent on the cases of the next market to close
        self.case_target = -1                   # the market those cases are for (-1: none chosen yet)

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        p, dealers, orgs, rng, log = model.p, model.dealers, model.orgs, self.draws, model.log
        if officer_weeks <= 0:
            return
        settings = p.police
        calls = rng.call_ins.poisson(officer_weeks * settings.call_in_rate)
        # only those who have recently used violence are called in, the most violent first
        recent = dealers.violence_score >= settings.violence_threshold
        violent = np.flatnonzero(dealers.active & ~dealers.warned & recent)
        violent = police.within_aim(self.name, violent, dealers.place[violent])
        chosen = violent[np.argsort(-dealers.violence_score[violent], kind="stable")[:calls]]
        dealers.warn(chosen)
        log.record("call_in", len(chosen))
        leaving = chosen[row_uniforms(rng.service_uptake, chosen) < p.violence.service_uptake]
        dealers.return_stock(leaving)
        dealers.remove(leaving)
        ranked = sorted(orgs, key=lambda o: (-o.violence_score, o.id))
        violent_groups = [org for org in ranked if org.violence_score >= settings.violence_threshold]
        if self.name in police.aim:  # the groups present where focused deterrence is aimed
            violent_groups = [org for org in violent_groups if org.presence[police.aim[self.name]].any()]
        for org in violent_groups[:int(np.ceil(calls / settings.call_in_group_size))]:
            if not org.warned:  # called in: the group hears its violence will be answered
                model.violence.warn(org.id)
                orgs.warn(np.array([org.id]))
        spent = len(chosen) / settings.call_in_rate if settings.call_in_rate > 0 else 0.0
        if p.policy.close_open_air:
            spent += self.close_open_air_markets(officer_weeks - spent)
        capacity = max(officer_weeks - spent, 0.0)  # officer-weeks kept to answer warned groups' violence
        per_dispute = 1 / settings.street_arrest_rate if settings.street_arrest_rate > 0 else np.inf
        warned = [org for org in ranked if org.warned]
        need = {org.id: max(org.attacks_ma * settings.sanction_effort + org.disputes_ma * per_dispute,
                            settings.deterrence_reserve * settings.sanction_effort) for org in warned}
        total_need = sum(need.values())
        for org in sorted(warned, key=lambda o: -need[o.id]):
            if p.policy.deterrence_allocation == "ranked":
                assigned = min(need[org.id], capacity)
                capacity -= assigned
            else:
                assigned = capacity * need[org.id] / total_need
            self.sanction(org, assigned, per_dispute)

    def sanction(self, org: TraffickingOrganisation, effort: float, per_dispute: float) -> None:
        """Answer a warned group's violence of last week with the officer-weeks assigned to it:
        each attack it started brings a crackdown of ``police.sanction_effort`` officer-weeks, each
        dispute of one of its dealers that dealer's arrest."""
        model, police = self.model, self.police
        settings, dealers = model.p.police, model.dealers
        responses = affordable(effort, settings.sanction_effort, org.attacks)
        taken = police.crack_down(org, responses * settings.sanction_effort) if responses else 0
        effort -= responses * settings.sanction_effort
        disputed = np.flatnonzero(dealers.active & dealers.disputed & (dealers.org == org.id))
        arrested = disputed[:affordable(effort, per_dispute, len(disputed))]
        dealers.arrest(arrested)
        model.violence.answer(org.id, responses + len(arrested), taken + len(arrested))
        model.log.record("sanction", responses + len(arrested), detail="focused deterrence", org=org.id)

    def close_open_air_markets(self, officer_weeks: float) -> float:
        """Drug market intervention (High Point): police build cases against every open-air dealer
        of the most violent open market, then close it; closed markets stay closed, and their
        open-air dealers move indoors or to delivery over a few weeks. Returns the officer-weeks
        spent this week."""
        model = self.model
        places, dealers, r = model.places, model.dealers, model.p.retail
        open_air = dealers.active & (dealers.mode == SalesMode.OPEN_AIR)
        urban = places.community_places[model.communities.users > 0]
        urban = urban[self.police.aimed(self.name, urban)]
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
        moving = moving[row_uniforms(self.draws.closure_moves, moving) < r.closure_adjustment]
        dealers.go_indoors(moving)
        return spent
