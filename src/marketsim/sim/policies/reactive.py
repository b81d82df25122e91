"""Reactive policing: investigation of last week's drug-market homicides, with what the shares leave."""

from __future__ import annotations

import math

import numpy as np

from marketsim.sim.common import ewma
from marketsim.sim.organisations import ROLES, Role, weighted_choice
from marketsim.sim.policies.base import PoliceActivity

SOLDIER, LEADER = ROLES.index(Role.SOLDIER), ROLES.index(Role.LEADER)
"""Codes of the ranks in the members table's ``role`` column."""


class ReactivePolicing(PoliceActivity):
    """Investigate last week's drug-market homicides; witnesses' reports make cases easier. The
    killers go to the justice system and the organisation responsible loses them. The share
    cleared (its moving average) is the certainty of punishment offenders know of. Funded by what
    the budget shares leave."""

    name = "reactive"

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        police.reactive_effort = officer_weeks
        pending = police.open_cases
        if pending <= 0:
            return
        intel = police.intel  # (its mean as np.mean computes it: the sum over the count, without its wrapper)
        expected = officer_weeks * model.p.police.clearance_rate * (float(intel.sum()) / len(intel))
        cleared = int(min(pending, self.draws.clearance.poisson(expected)))
        police.open_cases = 0
        share = cleared / pending
        memory = model.p.police.clearance_memory
        police.clearance = share if math.isnan(police.clearance) else ewma(police.clearance, share, memory)
        self.jail_killers(cleared)

    def jail_killers(self, cleared: int) -> None:
        """Each cleared homicide takes its killer out of the organisation responsible: one whose
        members killed last week, in proportion to their killings (failing those, the most violent)."""
        model = self.model
        if cleared <= 0 or not len(model.orgs):
            return
        orgs = list(model.orgs)
        ids, by_org = model.orgs.ids(), model.violence.by_org
        killings = by_org.killings[ids].astype(float)
        weights = killings if killings.sum() > 0 else by_org.violence_score[ids] + 1e-9
        for index in weighted_choice(self.draws.killers_group, np.arange(len(orgs)), weights, cleared).tolist():
            org = orgs[index]
            roles = org.table.role[org.member_rows()]
            soldiers = (roles == SOLDIER).nonzero()[0]  # (their places on the roster)
            if len(soldiers) == 0:
                soldiers = (roles != LEADER).nonzero()[0]
            if len(soldiers):
                killer = org.members[int(soldiers[int(self.draws.killer.integers(len(soldiers)))])]
                model.log.record("arrest", detail="violent", place=killer.place, org=org.id)
                model.orgs.arrest_member(org, killer)
                model.violence.answer(org.id, 1, 1)
