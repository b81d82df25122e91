"""What organisations believe a violent act costs them, learnt from what happens to them and to the
organisations they border — never read from the police's plans.

Each organisation holds the evidence it has seen: violent acts that brought an answer (a sanction:
a crackdown, the arrest of the dealer or killer, the police of a collusive arrangement keeping the
peace) and acts that did not. Its belief that its next act will be answered is the posterior mean of a
Beta distribution whose prior is ``violence.prior_certainty`` worth ``violence.belief_strength``
acts; evidence fades at ``violence.belief_memory`` a week, and what an organisation sees happen to
the organisations it borders counts ``violence.peer_weight`` as much as its own experience. It also
learns how many people an answer takes (a moving average from ``violence.prior_sanction_loss``). A
call-in warning is a promise of answers, worth ``violence.warning_weight`` answered acts, which fades
unless the police keep it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import ewma

if TYPE_CHECKING:
    from marketsim.config.params import ViolenceParams
    from marketsim.sim.tables import Table


class SanctionBeliefs:
    """Beliefs about sanctions, as columns of a per-organisation table (one row per organisation id)."""

    def __init__(self, table: Table, params: ViolenceParams):
        self.table = table
        self.prior_certainty = params.prior_certainty
        self.strength = params.belief_strength
        self.prior_loss = params.prior_sanction_loss
        table.declare("answered")                      # acts that brought an answer (faded evidence)
        table.declare("unanswered")                    # acts that did not
        table.declare("sanction_loss", float, params.prior_sanction_loss)  # people an answer takes
        table.declare("answers_now")                   # answers received since it last learnt
        table.declare("people_now")                    # people those answers took

    def certainty(self, bound: int) -> np.ndarray:
        """Believed chance that a violent act is answered, by organisation id below ``bound``, and in the
        last entry for none (who has seen nothing: the prior)."""
        t, prior = self.table, self.prior_certainty * self.strength
        seen_for = t.answered[:bound]
        believed = np.empty(bound + 1)
        np.divide(seen_for + prior, seen_for + t.unanswered[:bound] + self.strength, out=believed[:bound])
        believed[bound] = prior / self.strength
        return believed

    def people_per_answer(self, bound: int) -> np.ndarray:
        """Believed people an answer takes, by organisation id below ``bound``, and in the last entry for
        none (the prior)."""
        believed = np.empty(bound + 1)
        believed[:bound] = self.table.sanction_loss[:bound]
        believed[bound] = self.prior_loss
        return believed

    def record_answer(self, org_id: int, acts: float, people: float) -> None:
        """The police answered ``acts`` of this organisation's violent acts, taking ``people``."""
        self.table.answers_now[org_id] += acts
        self.table.people_now[org_id] += people

    def promise(self, org_id: int, weight: float) -> None:
        """A warning that violence will be answered, worth ``weight`` answered acts."""
        self.table.answered[org_id] += weight

    def inherit(self, parent: int, children: list[int]) -> None:
        """Splinters of an organisation keep what its people had learnt."""
        t = self.table
        for column in (t.answered, t.unanswered, t.sanction_loss):
            column[children] = column[parent]

    def learn(self, ids: np.ndarray, acts: np.ndarray, bordering: np.ndarray, memory: float, peer_weight: float,
              loss_memory: float) -> None:
        """Learn from last week: the organisations ``ids`` committed ``acts`` violent acts, got the
        answers recorded since, and saw what happened to those they border (``bordering``: 0/1, rows and
        columns in the order of ``ids``). Evidence fades by ``memory``; the people an answer takes move
        toward what the answers took, by ``loss_memory``."""
        t = self.table
        answers = t.answers_now[ids]
        answered = np.minimum(answers, acts)
        unanswered = acts - answered
        t.answered[ids] = (1 - memory) * t.answered[ids] + answered + peer_weight * (bordering @ answered)
        t.unanswered[ids] = (1 - memory) * t.unanswered[ids] + unanswered + peer_weight * (bordering @ unanswered)
        taken = answers > 0
        rows = ids[taken]
        t.sanction_loss[rows] = ewma(t.sanction_loss[rows], t.people_now[rows] / answers[taken], loss_memory)
        t.answers_now[ids] = 0.0
        t.people_now[ids] = 0.0
