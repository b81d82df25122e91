"""Street-level enforcement: arrests of retail dealers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import row_uniforms
from marketsim.sim.policies.base import PoliceActivity

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
        visibility = self.visibility(p.retail)[dealers.mode[active]]
        supplier = dealers.org[active]
        reach = visibility * police.intel[dealers.community_of(active)]
        base = officer_weeks * p.police.street_arrest_rate * reach / len(active)
        aimed = police.spare(supplier, base, officer_weeks)
        exposure = police.exposures()[supplier]
        police.record_actions(aimed, exposure)
        hazard = np.minimum(aimed * exposure, p.police.max_arrest_hazard)
        dealers.arrest(active[row_uniforms(self.draws.street_arrests, active) < hazard])
