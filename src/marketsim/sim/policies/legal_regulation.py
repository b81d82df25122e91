"""Legal regulation (Chatham House 2012; IDPC 2016 Module 7): a legal, taxed, regulated market."""

from __future__ import annotations

from marketsim.sim.policies.base import Programme


class LegalRegulation(Programme):
    """A legal market licensed to supply ``share`` of demand at ``price_ratio`` of the illicit
    reference price (users buy from it at that price; dealers size their trade to what is left)."""

    name = "legal_market"
    levers = ("policy.legal_share", "policy.legal_price_ratio")
    share = 0.0
    price_ratio = 1.0

    def act(self) -> None:
        policy = self.model.p.policy
        self.share, self.price_ratio = policy.legal_share, policy.legal_price_ratio
