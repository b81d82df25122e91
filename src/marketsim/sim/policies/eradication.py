"""Eradication of standing crops."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import compiled, pairwise_sum
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
        eligible, total = _eligible_crops(standing, farms.place, EVERYWHERE if where is None else where)
        if total <= 0:
            return
        farms.eradicate(_hit_crops(eligible, self.draws.eradication.random(len(standing)), min(1.0, hectares / total)),
                        standing)


EVERYWHERE = np.zeros(0, dtype=bool)
"""``_eligible_crops``' aim when eradication is not targeted."""


@compiled
def _eligible_crops(standing: np.ndarray, place: np.ndarray, aim: np.ndarray) -> tuple[np.ndarray, float]:
    """The households with a standing crop (at a place ``aim`` marks; anywhere if ``aim`` is empty), and
    their hectares (summed pairwise, as numpy sums the selected crops)."""
    n = len(standing)
    eligible = np.empty(n, np.bool_)
    selected = np.empty(n)
    count = 0
    for i in range(n):
        eligible[i] = standing[i] > 0 and (len(aim) == 0 or aim[place[i]])
        if eligible[i]:
            selected[count] = standing[i]
            count += 1
    return eligible, pairwise_sum(selected[:count])


@compiled
def _hit_crops(eligible: np.ndarray, uniforms: np.ndarray, chance: float) -> np.ndarray:
    """The eligible households whose uniform falls below ``chance``: the crops destroyed."""
    hit = np.empty(len(eligible), np.bool_)
    for i in range(len(eligible)):
        hit[i] = eligible[i] and uniforms[i] < chance
    return hit
