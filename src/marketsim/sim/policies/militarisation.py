"""Militarised operations: part of the front-line work done by militarised units (IDPC 2016 Module 7:
Mexico 2006-2012), whose encounters with armed members are fought out."""

from __future__ import annotations

from marketsim.sim.policies.base import PoliceActivity

FRONT_LINE = ("street", "investigation", "hvt", "deterrence")
"""Activities whose officers meet armed members: militarised units do part of their work."""


class MilitarisedOperations(PoliceActivity):
    """Militarised units do the militarisation share of the front-line activities' work; each of
    their officer-weeks may meet armed members, and such encounters (this week's armed
    confrontations, fought out in the violence stage) follow. High-value targeting by such units
    kills more of the leaders it takes (:attr:`Police.militarised_share`)."""

    name = "militarised"
    levers = ("policy.militarisation",)

    def prepare(self) -> None:
        self.police.militarised_share = self.model.p.policy.militarisation

    def act(self, officer_weeks: float) -> None:
        police = self.police
        if police.militarised_share <= 0:  # (no militarised units: no confrontation, nothing drawn)
            return
        militarised = police.militarised_share * sum(police.effort[name] for name in FRONT_LINE)
        if militarised > 0:
            expected = militarised * self.model.p.police.confrontation_rate
            police.confrontations += int(self.draws.confrontations.poisson(expected))
