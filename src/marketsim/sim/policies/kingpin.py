"""High-value targeting (the kingpin strategy): capture, or in militarised operations kill, leaders."""

from __future__ import annotations

import numpy as np

from marketsim.sim.common import compiled, pairwise_sum, row_uniforms
from marketsim.sim.policies.base import PoliceActivity, action_counts, spared


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
        ids = model.orgs.ids()  # the ids of orgs, in the same order
        settings = model.p.police
        exponents, actions, neutralised, protected_weight, total = _capture_exponents(
            sizes, ids, police.exposures(), police.territory_intel_of(ids), officer_weeks, settings.hvt_rate,
            police.protected, police.collusion)
        if len(exponents) == 0:  # no leader within reach
            return
        police.count_spared(officer_weeks, protected_weight, total)
        police.count_actions(actions, neutralised)
        kill_share = police.militarised_share * settings.militarised_kill_share
        capture_draw = row_uniforms(self.draws.hvt_capture, ids).tolist()
        killed_draw = None  # drawn at the first capture: a week without one draws nothing from that stream
        # (numpy's exp of a column gives each element what it gives that element alone)
        chances = (1 - np.exp(exponents)).tolist()
        for k, (org, chance) in enumerate(zip(orgs, chances, strict=True)):
            if capture_draw[k] >= chance or org.leader is None:  # (the leader is looked up only when caught)
                continue
            if killed_draw is None:
                killed_draw = row_uniforms(self.draws.hvt_killed, ids)
            police.remove_leader(org, killed=bool(killed_draw[k] < kill_share))


@compiled
def _capture_exponents(sizes: np.ndarray, ids: np.ndarray, exposure_by_id: np.ndarray, intel: np.ndarray,
                       officer_weeks: float, rate: float, protected: int,
                       collusion: float) -> tuple[np.ndarray, float, float, float, float]:
    """Each organisation's share of ``officer_weeks`` by its ``sizes`` (spared under collusion,
    ``spared``), and the exponent of the chance its leader escapes: −effort × ``rate`` × its exposure
    × its territory's ``intel`` (np.exp stays outside: numpy's, not the C library's). Returns the
    exponents (empty if no leader is within reach), the actions and those neutralised
    (``action_counts``), and ``spared``'s weights."""
    n = len(sizes)
    everyone = pairwise_sum(sizes)
    if everyone <= 0:
        return np.empty(0), 0.0, 0.0, 0.0, 0.0
    weights = np.empty(n)
    for k in range(n):
        weights[k] = officer_weeks * sizes[k] / everyone
    effort, protected_weight, total = spared(weights, ids, protected, collusion)
    exponents, actions, exposure = np.empty(n), np.empty(n), np.empty(n)
    for k in range(n):
        exposure[k] = exposure_by_id[ids[k]]
        actions[k] = effort[k] * rate
        exponents[k] = -effort[k] * rate * exposure[k] * intel[k]
    actions_total, neutralised = action_counts(actions, exposure)
    return exponents, actions_total, neutralised, protected_weight, total
