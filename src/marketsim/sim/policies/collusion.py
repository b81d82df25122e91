"""Collusion: a corrupt arrangement between police and the dominant organisation (IDPC 2016
Module 7: Japan's Yakuza) — it is spared, pays for the protection, and the officer-weeks spared keep
the peace around it."""

from __future__ import annotations

from marketsim.sim.policies.base import PoliceActivity, affordable


class Collusion(PoliceActivity):
    """Under collusion the dominant organisation becomes the protected one (``prepare``); every
    activity spares its targets by the arrangement's strength (``Police.spare``), and the
    officer-weeks spared answer last week's attacks by or against it: the attackers are cracked down
    on, and they and the organisations bordering them learn that such attacks are answered."""

    name = "collusion"
    levers = ("policy.collusion",)

    def prepare(self) -> None:
        model, police = self.model, self.police
        strength = model.p.policy.collusion
        racket = strength > 0 and model.p.mechanisms.protection_racket
        dominant = model.orgs.dominant() if racket else None
        police.protect(dominant.id if dominant is not None else -1, strength)

    def officer_weeks(self) -> float:
        """The officer-weeks the arrangement spared from the other activities this week."""
        return self.police.racket_effort

    def act(self, officer_weeks: float) -> None:
        model, police = self.model, self.police
        settings = model.p.police
        if model.orgs.get(police.protected) is None:
            return
        capacity = officer_weeks
        for org in model.orgs:
            responses = affordable(capacity, settings.sanction_effort, org.racket_attacks)
            if responses:
                capacity -= responses * settings.sanction_effort
                taken = police.crack_down(org, responses * settings.sanction_effort)
                model.violence.answer(org.id, responses, taken)
                model.log.record("sanction", responses, detail="protection", org=org.id)
