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
        orgs = list(model.orgs)
        carried = np.array([float(org.in_transit.sum()) for org in orgs])
        ids = np.array([org.id for org in orgs])
        focus = safe_ratio(police.spare(ids, carried, officer_weeks), carried, 1.0)
        exposure = {org.id: f * police.exposure(org.id) for org, f in zip(orgs, focus.tolist(), strict=True)}
        actions, neutralised = model.trafficking.interdict(extra, exposure)
        police.count_actions(actions, neutralised)
