"""Community policing: officers who meet residents and build state presence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import PER_100K, compiled, once_per_value, pairwise_sum
from marketsim.sim.policies.base import PoliceActivity
from marketsim.world import TRANSIT

if TYPE_CHECKING:
    from marketsim.sim.police import Police


class CommunityPolicing(PoliceActivity):
    """Officers in communities (more where deprivation is higher; only where community policing
    is aimed, if it is) meet residents and build state presence in transit towns."""

    name = "community"
    share = "community_share"
    targetable = True
    levers = ("policy.community_share",)

    def __init__(self, police: Police):
        super().__init__(police)
        self.towns: np.ndarray | None = None  # communities that are transit towns (known once communities are)
        self.town_places = np.zeros(0, dtype=np.int64)  # their places

    @once_per_value
    def weight(self, targeting: float) -> np.ndarray:
        """How much of the effort each community draws, everywhere aimed: its residents, more where
        deprivation is higher by ``targeting`` (computed once per value: neither changes)."""
        communities = self.model.communities
        return communities.population * np.maximum(1 + targeting * communities.deprivation_gap, 0.0)

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        settings, communities, places = model.p.police, model.communities, model.places
        police.community_effort[:] = 0.0
        if officer_weeks <= 0:
            return
        where = police.aim.get(self.name)
        if self.towns is None:  # (places and their communities do not change during a run)
            self.towns = np.flatnonzero(places.kind[communities.place] == TRANSIT)
            self.town_places = communities.place[self.towns]
        effort, target = _community_effort(
            self.weight(settings.community_targeting), EVERYWHERE if where is None else where, communities.place,
            officer_weeks, self.towns, communities.population, places.state_presence_base, self.town_places,
            settings.presence_gain, settings.max_presence)
        if len(effort) == 0:  # no weight where community policing is aimed: nobody to meet
            return
        police.community_effort = effort
        places.build_presence(self.town_places, target, settings.presence_adjustment)


EVERYWHERE = np.zeros(0, dtype=bool)
"""``_community_effort``'s aim when community policing is not targeted."""


@compiled
def _community_effort(weight: np.ndarray, aim: np.ndarray, place: np.ndarray, officer_weeks: float,
                      towns: np.ndarray, population: np.ndarray, presence_base: np.ndarray, town_places: np.ndarray,
                      gain: float, max_presence: float) -> tuple[np.ndarray, np.ndarray]:
    """``officer_weeks`` shared by ``weight`` (only at the communities' places ``aim`` marks, if it is not
    empty; the total summed pairwise, as numpy sums), and the state presence each of the transit ``towns``
    (at ``town_places``) moves toward: its place's ``presence_base`` + ``gain`` × its officers per 100,000
    residents, at most ``max_presence``. Both empty when there is no weight to share (a total of 0 or less)."""
    n = len(weight)
    aimed = weight
    if len(aim):
        aimed = np.empty(n)
        for c in range(n):
            aimed[c] = weight[c] * (1.0 if aim[place[c]] else 0.0)  # (as numpy multiplies by a bool)
    total = pairwise_sum(aimed)
    if total <= 0:
        return np.empty(0), np.empty(0)
    effort = np.empty(n)
    for c in range(n):
        effort[c] = officer_weeks * aimed[c] / total
    target = np.empty(len(towns))
    for k in range(len(towns)):
        town = towns[k]
        presence = presence_base[town_places[k]] + gain * (effort[town] / population[town] * PER_100K)
        target[k] = max_presence if presence > max_presence else presence  # (np.minimum)
    return effort, target
