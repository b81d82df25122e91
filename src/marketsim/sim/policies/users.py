"""Possession enforcement: arrests of users — or, where possession is decriminalised, referrals;
and harm-reduction policing, which leaves the people using services alone."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import compiled, safe_ratio
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
        settings = model.p.police
        # under harm-reduction policing, the people attending services are left alone (whole people)
        attending = model.harm.attending if policy.harm_reduction_policing else NOBODY_ATTENDING
        reachable, chance = _user_arrest_chances(users, attending, police.intel,
                                                 officer_weeks * settings.user_arrest_rate, total_users,
                                                 settings.max_arrest_hazard)
        caught = self.draws.user_arrests.binomial(reachable, chance)
        if policy.decriminalise_possession:  # the dependent among them referred to services: no arrest, no record
            communities.refer(self.draws.arrested_dependent.binomial(
                caught, np.divide(communities.dependent, users, out=np.zeros(len(users)), where=users > 0)))
            return
        model.log.record_places("arrest", caught, detail="user", places=communities.place)
        if not policy.harm_reduction_policing:  # people using services are arrested as often as others
            police.service_user_arrest_hazard = safe_ratio(caught, everyone)


NOBODY_ATTENDING = np.zeros(0)
"""``_user_arrest_chances``' attendance when nobody is left alone."""


@compiled
def _user_arrest_chances(users: np.ndarray, attending: np.ndarray, intel: np.ndarray, effort: float,
                         total_users: int, max_hazard: float) -> tuple[np.ndarray, np.ndarray]:
    """The users police can reach in each community (those not ``attending`` services, rounded to whole
    people as np.rint rounds, no fewer than 0; every user if ``attending`` is empty) and each one's chance
    of arrest: ``effort`` × the community's ``intel`` / ``total_users``, kept within 0 and ``max_hazard``."""
    n = len(users)
    reachable, chance = users, np.empty(n)
    if len(attending):
        reachable = np.empty(n, np.int64)
        for c in range(n):
            left = users[c] - np.int64(np.rint(attending[c]))
            reachable[c] = left if left >= 0 else 0
    for c in range(n):
        x = effort * intel[c] / total_users
        x = 0.0 if x <= 0.0 else x  # (np.maximum(x, 0.0): a NaN stays, a -0.0 becomes 0.0)
        chance[c] = max_hazard if x > max_hazard else x  # (np.minimum)
    return reachable, chance
