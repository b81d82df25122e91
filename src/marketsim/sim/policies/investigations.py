"""Investigations of organisation members (lieutenants and soldiers)."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import compiled, pairwise_sum
from marketsim.sim.policies.base import PoliceActivity, action_counts, spared


class Investigations(PoliceActivity):
    """Arrest lieutenants and soldiers (those stationed where investigations are aimed, if they
    are); capacity is shared across all of them."""

    name = "investigation"
    share = "investigation_share"
    targetable = True
    levers = ("policy.investigation_share",)

    def act(self, officer_weeks: float) -> None:
        model, police, orgs = self.model, self.police, list(self.model.orgs)
        if officer_weeks <= 0:
            return
        where = police.aim.get(self.name)
        sizes = np.array([org.size - 1 if where is None else sum(bool(where[m.place]) for m in org.rank_and_file())
                          for org in orgs], dtype=float)
        ids = model.orgs.ids()  # the ids of orgs, in the same order
        settings = model.p.police
        reachable, hazard, actions, neutralised, protected_weight, total = _investigation_hazards(
            sizes, ids, police.exposures(), police.territory_intel_of(ids), officer_weeks * settings.investigation_rate,
            settings.max_arrest_hazard, police.protected, police.collusion)
        if len(hazard) == 0:  # nobody to investigate
            return
        police.count_spared(officer_weeks, protected_weight, total)
        police.count_actions(actions, neutralised)
        caught = self.draws.investigations.binomial(reachable, hazard)
        for org, count in zip(orgs, caught.tolist(), strict=True):
            if count:
                model.orgs.arrest_members(org, count, where)


@compiled
def _investigation_hazards(sizes: np.ndarray, ids: np.ndarray, exposure_by_id: np.ndarray, intel: np.ndarray,
                           effort: float, max_hazard: float, protected: int,
                           collusion: float) -> tuple[np.ndarray, np.ndarray, float, float, float, float]:
    """Each organisation's members within reach (of ``sizes``) and the weekly chance each is arrested:
    ``effort`` shared over all of them (spared under collusion, ``spared``), times its exposure and its
    territory's ``intel``, at most ``max_hazard``. Returns those two (empty if nobody is within reach),
    the actions and those neutralised (``action_counts``), and ``spared``'s weights."""
    n = len(sizes)
    everyone = pairwise_sum(sizes)
    if everyone <= 0:  # (no organisation: 0)
        return np.empty(0, np.int64), np.empty(0), 0.0, 0.0, 0.0, 0.0
    per_member = effort / everyone
    members, weights = np.empty(n), np.empty(n)
    for k in range(n):
        members[k] = 0.0 if sizes[k] <= 0 else sizes[k]  # (np.maximum(sizes, 0): a NaN stays)
        weights[k] = per_member * members[k]
    spared_weights, protected_weight, total = spared(weights, ids, protected, collusion)
    reachable, hazard = np.empty(n, np.int64), np.empty(n)
    actions, exposure = np.empty(n), np.empty(n)
    for k in range(n):
        aimed = spared_weights[k] / (1.0 if sizes[k] <= 1 else sizes[k])  # (np.maximum(sizes, 1))
        exposure[k] = exposure_by_id[ids[k]]
        actions[k] = aimed * members[k]
        chance = aimed * exposure[k] * intel[k]
        hazard[k] = max_hazard if chance > max_hazard else chance  # (np.minimum: a NaN stays)
        reachable[k] = np.int64(members[k])
    actions_total, neutralised = action_counts(actions, exposure)
    return reachable, hazard, actions_total, neutralised, protected_weight, total
