"""What courts do with the people police arrest: sentence lengths and custody (zero tolerance uses
more), and alternatives to incarceration (IDPC 2016 Module 7; Portugal 2001, Hughes & Stevens 2010)."""

from __future__ import annotations

from marketsim.sim.policies.base import Programme


class Sentencing(Programme):
    """Sentencing practice: every sentence length × ``length``, the chance a conviction leads to
    prison × ``custody`` (capped at 1)."""

    name = "sentencing"
    levers = ("policy.sentence_multiplier", "policy.custody_multiplier")
    length = 1.0
    custody = 1.0

    def act(self) -> None:
        policy = self.model.p.policy
        self.length, self.custody = policy.sentence_multiplier, policy.custody_multiplier


class Diversion(Programme):
    """Alternatives to incarceration: the share of arrested users, and of low-level dealers (and
    people arrested again), offered treatment or another alternative instead of prosecution."""

    name = "diversion"
    levers = ("policy.user_diversion", "policy.dealer_diversion")
    users = 0.0
    dealers = 0.0

    def act(self) -> None:
        policy = self.model.p.policy
        self.users, self.dealers = policy.user_diversion, policy.dealer_diversion
