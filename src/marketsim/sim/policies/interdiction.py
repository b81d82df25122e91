"""Interdiction of shipments on route segments and at borders."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import safe_ratio
from marketsim.sim.policies.base import PoliceActivity

if TYPE_CHECKING:
    from marketsim.sim.police import Police


class Interdiction(PoliceActivity):
    """Deploy interdiction on the route segments (those with an end where interdiction is aimed, if
    it is: a checkpoint covers the roads in and out) and catch lots in transit."""

    name = "interdiction"
    share = "interdiction_share"
    targetable = True
    levers = ("policy.interdiction_share",)

    def __init__(self, police: Police):
        super().__init__(police)
        # the last deployment: the officer-weeks, interdiction rate and aim it was made for, and the extra
        # detection it gives each segment (kept while those stay the same, as between policy changes)
        self.deployed: tuple[float, float, np.ndarray | None, np.ndarray] | None = None

    def extra_detection(self, officer_weeks: float) -> np.ndarray:
        """Chance the interdiction deployed on each segment catches a lot (0 where it is not deployed)."""
        police, routes = self.police, self.model.routes
        rate, where = self.model.p.police.interdiction_rate, police.aim.get(self.name)
        last = self.deployed
        if last is not None and last[0] == officer_weeks and last[1] == rate and last[2] is where:
            return last[3]
        chosen = police.aimed(self.name, routes.ends.ravel()).reshape(-1, 2).any(axis=1)
        per_segment = officer_weeks / max(chosen.sum(), 1)
        extra = np.where(chosen, 1 - np.exp(-per_segment * rate), 0.0)
        self.deployed = (officer_weeks, rate, where, extra)
        return extra

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        extra = self.extra_detection(officer_weeks)
        exposure = police.exposures()
        if police.protected >= 0:  # a collusive arrangement spares the protected organisation's lots
            ids = model.orgs.ids()
            carried = model.trafficking.by_org.in_transit[ids].sum(axis=1)
            spared = safe_ratio(police.spare(ids, carried, officer_weeks), carried, 1.0)
            exposure = np.ones(model.orgs.id_bound() + 1)
            exposure[ids] = spared * police.exposures()[ids]
        actions, neutralised = model.trafficking.interdict(extra, exposure)
        police.count_actions(actions, neutralised)
