"""Possession enforcement: arrests of users — or, where possession is decriminalised, referrals;
and harm-reduction policing, which leaves the people using services alone."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import safe_ratio
from marketsim.sim.policies.base import PoliceActivity


class UserArrests(PoliceActivity):
    """Arrest users for possession (or, where possession is decriminalised, refer the dependent ones
    to services). Under harm-reduction policing, officers leave alone the people using services."""

    name = "user"
    share = "user_share"
    targetable = True
    levers = ("policy.user_share", "policy.decriminalise_possession", "policy.harm_reduction_policing")

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        policy, communities = model.p.policy, model.communities
        police.service_user_arrest_hazard = np.zeros(len(communities.place))
        where = police.aim.get(self.name)
        everyone = communities.users  # (read once: nothing here changes who uses)
        users = everyone if where is None else everyone * where[communities.place]
        total_users = users.sum()
        if officer_weeks <= 0 or total_users == 0:
            return
        reachable = users
        if policy.harm_reduction_policing:
            reachable = np.maximum(users - np.rint(model.harm.attending).astype(np.int64), 0)
        # (minimum of maximum: np.clip without its wrapper, the same for these finite values)
        chance = np.minimum(np.maximum(officer_weeks * model.p.police.user_arrest_rate * police.intel / total_users,
                                       0.0), model.p.police.max_arrest_hazard)
        caught = self.draws.user_arrests.binomial(reachable, chance)
        if policy.decriminalise_possession:  # the dependent among them referred to services: no arrest, no record
            communities.refer(self.draws.arrested_dependent.binomial(
                caught, np.divide(communities.dependent, users, out=np.zeros(len(users)), where=users > 0)))
            return
        model.log.record_places("arrest", caught, detail="user", places=communities.place)
        if not policy.harm_reduction_policing:  # people using services are arrested as often as others
            police.service_user_arrest_hazard = safe_ratio(caught, everyone)
