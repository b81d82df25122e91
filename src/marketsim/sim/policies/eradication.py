"""Eradication of standing crops."""

from __future__ import annotations

from marketsim.sim.policies.base import PoliceActivity


class Eradication(PoliceActivity):
    """Destroy standing crops (where eradication is aimed, if it is); hit households may relocate
    next week."""

    name = "eradication"
    share = "eradication_share"
    targetable = True
    levers = ("policy.eradication_share",)

    def act(self, officer_weeks: float) -> None:
        model = self.model
        p, farms = model.p, model.farms
        if officer_weeks <= 0:
            return
        hectares = officer_weeks * p.police.eradication_rate
        standing = farms.standing_ha
        where = self.police.aim.get(self.name)
        eligible = standing > 0 if where is None else (standing > 0) & where[farms.place]
        total = float(standing[eligible].sum())
        if total <= 0:
            return
        farms.eradicate(eligible & (self.draws.eradication.random(len(standing)) < min(1.0, hectares / total)),
                        standing)
