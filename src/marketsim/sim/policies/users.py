"""Possession enforcement: arrests of users — or, where possession is decriminalised, referrals;
and harm-reduction policing, which leaves the people using services alone."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import compiled
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
        if officer_weeks <= 0:
            return
        where = police.aim.get(self.name)
        settings = model.p.police
        # under harm-reduction policing, the people attending services are left alone (whole people)
        attending = model.harm.attending if policy.harm_reduction_policing else NOBODY_ATTENDING
        users, reachable, chance = _user_arrest_chances(
            communities.occasional, communities.dependent, communities.place, EVERYWHERE if where is None else where,
            attending, police.intel, officer_weeks * settings.user_arrest_rate, settings.max_arrest_hazard)
        if len(chance) == 0:  # no user where police look
            return
        caught = self.draws.user_arrests.binomial(reachable, chance)
        if policy.decriminalise_possession:  # the dependent among them referred to services: no arrest, no record
            communities.refer(self.draws.arrested_dependent.binomial(
                caught, np.divide(communities.dependent, users, out=np.zeros(len(users)), where=users > 0)))
            return
        model.log.record_places("arrest", caught, detail="user", places=communities.place)
        if not policy.harm_reduction_policing:  # people using services are arrested as often as others
            police.service_user_arrest_hazard = _arrest_hazards(caught, communities.occasional, communities.dependent)


NOBODY_ATTENDING = np.zeros(0)
"""``_user_arrest_chances``' attendance when nobody is left alone."""


EVERYWHERE = np.zeros(0, dtype=bool)
"""``_user_arrest_chances``' aim when possession enforcement is not targeted."""


@compiled
def _user_arrest_chances(occasional: np.ndarray, dependent: np.ndarray, place: np.ndarray, aim: np.ndarray,
                         attending: np.ndarray, intel: np.ndarray, effort: float,
                         max_hazard: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The users of each community where police look (at a place ``aim`` marks; everywhere if it is
    empty), those police can reach (less those ``attending`` services, rounded to whole people as np.rint
    rounds, no fewer than 0; the same users if ``attending`` is empty) and each one's chance of arrest:
    ``effort`` × the community's ``intel`` / all the users looked at, kept within 0 and ``max_hazard``.
    The chances are empty when there is no user to look at."""
    n = len(place)
    users = np.empty(n, np.int64)
    total_users = 0
    for c in range(n):
        users[c] = occasional[c] + dependent[c] if len(aim) == 0 or aim[place[c]] else 0
        total_users += users[c]
    if total_users == 0:
        return users, users, np.empty(0)
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
    return users, reachable, chance


@compiled
def _arrest_hazards(caught: np.ndarray, occasional: np.ndarray, dependent: np.ndarray) -> np.ndarray:
    """The share of each community's users ``caught`` this week (0 where none use)."""
    hazard = np.zeros(len(caught))
    for c in range(len(caught)):
        users = occasional[c] + dependent[c]
        if users > 0:
            hazard[c] = float(caught[c]) / float(users)
    return hazard
