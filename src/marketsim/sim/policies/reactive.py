"""Reactive policing: investigation of last week's drug-market homicides, with what the shares leave."""

from __future__ import annotations

import math

import numpy as np

from marketsim.sim.common import compiled, ewma, pairwise_sum
from marketsim.sim.organisations import ROLES, Role, weighted_positions
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
        by_org, rng = model.violence.by_org, self.draws
        weights = _killer_weights(by_org.killings, by_org.violence_score, model.orgs.ids())
        # (weighted_choice of the organisations' positions: the positions themselves)
        for index in weighted_positions(weights, rng.killers_group.random(cleared)).tolist():
            org = orgs[index]
            suspects = _suspects(org.table.role, org.member_rows())
            if len(suspects):
                killer = org.members[int(suspects[int(rng.killer.integers(len(suspects)))])]
                model.log.record("arrest", detail="violent", place=killer.place, org=org.id)
                model.orgs.arrest_member(org, killer)
                model.violence.answer(org.id, 1, 1)


@compiled
def _killer_weights(killings: np.ndarray, violence_score: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each of the organisations ``ids``' weight as the one responsible for a homicide: its ``killings``
    of last week, or, if nobody killed (their pairwise sum, as numpy sums, is 0), its ``violence_score``
    plus 1e-9."""
    weights = np.empty(len(ids))
    for k in range(len(ids)):
        weights[k] = float(killings[ids[k]])
    if pairwise_sum(weights) > 0:
        return weights
    for k in range(len(ids)):
        weights[k] = violence_score[ids[k]] + 1e-9
    return weights


@compiled
def _suspects(role: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions on an organisation's roster (its members' ``rows``) of its soldiers, or, if it has
    none, of every member but the leader."""
    positions = np.empty(len(rows), np.int64)
    count = 0
    for k in range(len(rows)):
        if role[rows[k]] == SOLDIER:
            positions[count] = k
            count += 1
    if count == 0:
        for k in range(len(rows)):
            if role[rows[k]] != LEADER:
                positions[count] = k
                count += 1
    return positions[:count]
