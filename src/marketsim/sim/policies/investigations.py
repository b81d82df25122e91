"""Investigations of organisation members (lieutenants and soldiers)."""

from __future__ import annotations

import numpy as np

from marketsim.sim.policies.base import PoliceActivity


class Investigations(PoliceActivity):
    """Arrest lieutenants and soldiers (those stationed where investigations are aimed, if they
    are); capacity is shared across all of them."""

    name = "investigation"
    share = "investigation_share"
    targetable = True
    levers = ("policy.investigation_share",)

    def act(self, officer_weeks: float) -> None:
        model, police, orgs = self.model, self.police, list(self.model.orgs)
        where = police.aim.get(self.name)
        sizes = np.array([org.size - 1 if where is None else sum(bool(where[m.place]) for m in org.rank_and_file())
                          for org in orgs], dtype=float)
        if officer_weeks <= 0 or sizes.sum() <= 0:
            return
        ids = model.orgs.ids()  # the ids of orgs, in the same order
        per_member = officer_weeks * model.p.police.investigation_rate / sizes.sum()
        members = np.maximum(sizes, 0)
        aimed = police.spare(ids, per_member * members, officer_weeks) / np.maximum(sizes, 1)
        exposure = police.exposures()[ids]
        police.record_actions(aimed * members, exposure)
        hazard = np.minimum(aimed * exposure * police.territory_intel_of(ids), model.p.police.max_arrest_hazard)
        reachable = members.astype(np.int64)
        caught = self.draws.investigations.binomial(reachable, hazard)
        for org, count in zip(orgs, caught.tolist(), strict=True):
            if count:
                model.orgs.arrest_members(org, count, where)
