"""Street-level enforcement: arrests of retail dealers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import compiled, row_uniforms
from marketsim.sim.policies.base import PoliceActivity, action_counts, spared

if TYPE_CHECKING:
    from marketsim.config.params import RetailParams
    from marketsim.sim.police import Police


class StreetArrests(PoliceActivity):
    """Arrest dealers; the visible and those in high-reporting places are likelier to be caught."""

    name = "street"
    share = "street_share"
    targetable = True
    levers = ("policy.street_share",)

    def __init__(self, police: Police):
        super().__init__(police)
        self._visibility: tuple[RetailParams | None, np.ndarray] = (None, np.zeros(0))  # cache of visibility()

    def visibility(self, r: RetailParams) -> np.ndarray:
        """How visible a dealer is to police in each sales mode (computed once per set of retail
        parameters in force: they are immutable)."""
        if self._visibility[0] is not r:
            self._visibility = (r, np.array([r.open_air_visibility, r.indoor_visibility, r.delivery_visibility,
                                             r.online_visibility]))
        return self._visibility[1]

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        p, dealers = model.p, model.dealers
        dealers.clear_arrests()
        active = dealers.active_slots()
        if officer_weeks <= 0 or len(active) == 0:
            return
        if self.name in police.aim:
            active = police.within_aim(self.name, active, dealers.place[active])
            if len(active) == 0:
                return
        police_settings = p.police
        arrested, actions, neutralised, protected_weight, total = _street_arrests(
            active, dealers.mode, dealers.org, dealers.community_of(active), self.visibility(p.retail), police.intel,
            police.exposures(), row_uniforms(self.draws.street_arrests, active),
            officer_weeks * police_settings.street_arrest_rate, police_settings.max_arrest_hazard, police.protected,
            police.collusion)
        police.count_spared(officer_weeks, protected_weight, total)
        police.count_actions(actions, neutralised)
        dealers.arrest(arrested)


@compiled
def _street_arrests(active: np.ndarray, mode: np.ndarray, org: np.ndarray, community: np.ndarray,
                    visibility: np.ndarray, intel: np.ndarray, exposure_by_id: np.ndarray, uniforms: np.ndarray,
                    effort: float, max_hazard: float, protected: int,
                    collusion: float) -> tuple[np.ndarray, float, float, float, float]:
    """The dealers of ``active`` (in ``community``) arrested this week: each draws ``effort`` / their
    number × its mode's ``visibility`` × its community's ``intel`` (spared under collusion, ``spared``),
    times its supplier's exposure, at most ``max_hazard``, and is arrested where its uniform is below
    that. Returns them, the actions and those neutralised (``action_counts``), and ``spared``'s weights."""
    n = len(active)
    base = np.empty(n)
    for i in range(n):
        base[i] = effort * (visibility[mode[active[i]]] * intel[community[i]]) / n
    aimed, protected_weight, total = spared(base, org[active], protected, collusion)
    exposure = np.empty(n)
    arrested = np.empty(n, np.int64)
    caught = 0
    for i in range(n):
        exposure[i] = exposure_by_id[org[active[i]]]
        hazard = aimed[i] * exposure[i]
        if hazard > max_hazard:  # (np.minimum: a NaN hazard stays NaN, and arrests nobody)
            hazard = max_hazard
        if uniforms[i] < hazard:
            arrested[caught] = active[i]
            caught += 1
    actions, neutralised = action_counts(aimed, exposure)
    return arrested[:caught], actions, neutralised, protected_weight, total
