"""High-value targeting (the kingpin strategy): capture, or in militarised operations kill, leaders."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import row_uniforms
from marketsim.sim.policies.base import PoliceActivity


class HighValueTargeting(PoliceActivity):
    """Try to capture (or, in militarised operations, kill) each leader (those where high-value
    targeting is aimed, if it is); the biggest organisations draw the most effort; succession follows."""

    name = "hvt"
    share = "hvt_share"
    targetable = True
    levers = ("policy.hvt_share",)

    def act(self, officer_weeks: float) -> None:
        model, police, orgs = self.model, self.police, list(self.model.orgs)
        if officer_weeks <= 0 or not orgs:
            return
        where = police.aim.get(self.name)
        sizes = np.array([org.size if where is None or (org.leader is not None and where[org.leader.place]) else 0
                          for org in orgs], dtype=float)
        if sizes.sum() <= 0:
            return
        ids = model.orgs.ids()  # the ids of orgs, in the same order
        effort = police.spare(ids, officer_weeks * sizes / sizes.sum(), officer_weeks)
        exposure = police.exposures()[ids]
        police.record_actions(effort * model.p.police.hvt_rate, exposure)
        kill_share = police.militarised_share * model.p.police.militarised_kill_share
        capture_draw = row_uniforms(self.draws.hvt_capture, ids).tolist()
        killed_draw = None  # drawn at the first capture: a week without one draws nothing from that stream
        # (numpy's exp of a column gives each element what it gives that element alone)
        chances = (1 - np.exp(-effort * model.p.police.hvt_rate * exposure * police.territory_intel_of(ids))).tolist()
        for k, (org, chance) in enumerate(zip(orgs, chances, strict=True)):
            if capture_draw[k] >= chance or org.leader is None:  # (the leader is looked up only when caught)
                continue
            if killed_draw is None:
                killed_draw = row_uniforms(self.draws.hvt_killed, ids)
            police.remove_leader(org, killed=bool(killed_draw[k] < kill_share))
