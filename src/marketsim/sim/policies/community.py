"""Community policing: officers who meet residents and build state presence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import PER_100K, once_per_value
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
        police.community_effort = officer_weeks * weight / weight.sum()
        if self.towns is None:  # (places and their communities do not change during a run)
            self.towns = np.flatnonzero(places.kind[communities.place] == TRANSIT)
        towns = self.towns
        per_100k = police.community_effort[towns] / communities.population[towns] * PER_100K
        where = communities.place[towns]
        target = np.minimum(places.state_presence_base[where] + settings.presence_gain * per_100k,
                            settings.max_presence)
        places.build_presence(where, target, settings.presence_adjustment)
