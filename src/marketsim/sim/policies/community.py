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
        weight = self.weight(settings.community_targeting)
        where = police.aim.get(self.name)
        if where is not None:
            weight = weight * where[communities.place]
        if weight.sum() <= 0:
            return
        if self.towns is None:  # (places and their communities do not change during a run)
            self.towns = np.flatnonzero(places.kind[communities.place] == TRANSIT)
        where = communities.place[self.towns]
        police.community_effort, target = _community_effort(
            weight, officer_weeks, self.towns, communities.population, places.state_presence_base[where],
            settings.presence_gain, settings.max_presence)
        places.build_presence(where, target, settings.presence_adjustment)


@compiled
def _community_effort(weight: np.ndarray, officer_weeks: float, towns: np.ndarray, population: np.ndarray,
                      presence_base: np.ndarray, gain: float, max_presence: float) -> tuple[np.ndarray, np.ndarray]:
    """``officer_weeks`` shared by ``weight`` (its total summed pairwise, as numpy sums), and the state
    presence each of the transit ``towns`` moves toward: its ``presence_base`` + ``gain`` × its officers
    per 100,000 residents, at most ``max_presence``."""
    total = pairwise_sum(weight)
    effort = np.empty(len(weight))
    for c in range(len(weight)):
        effort[c] = officer_weeks * weight[c] / total
    target = np.empty(len(towns))
    for k in range(len(towns)):
        town = towns[k]
        presence = presence_base[k] + gain * (effort[town] / population[town] * PER_100K)
        target[k] = max_presence if presence > max_presence else presence  # (np.minimum)
    return effort, target
