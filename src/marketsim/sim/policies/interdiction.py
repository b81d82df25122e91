"""Interdiction of shipments on route segments and at borders."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import safe_ratio
from marketsim.sim.policies.base import PoliceActivity


class Interdiction(PoliceActivity):
    """Deploy interdiction on the route segments (those with an end where interdiction is aimed, if
    it is: a checkpoint covers the roads in and out) and catch lots in transit."""

    name = "interdiction"
    share = "interdiction_share"
    targetable = True
    levers = ("policy.interdiction_share",)

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        p, routes = model.p, model.routes
        chosen = police.aimed(self.name, routes.ends.ravel()).reshape(-1, 2).any(axis=1)
        per_segment = officer_weeks / max(chosen.sum(), 1)
        extra = np.where(chosen, 1 - np.exp(-per_segment * p.police.interdiction_rate), 0.0)
        ids = model.orgs.ids()
        carried = model.trafficking.by_org.in_transit[ids].sum(axis=1)
        exposure = np.ones(model.orgs.id_bound() + 1)
        exposure[ids] = safe_ratio(police.spare(ids, carried, officer_weeks), carried, 1.0) * police.exposures()[ids]
        actions, neutralised = model.trafficking.interdict(extra, exposure)
        police.count_actions(actions, neutralised)
