"""Alternative development (UNODC; Chatham House 2012): support for legal crops where eradication
works."""

from __future__ import annotations

from marketsim.sim.policies.base import Programme


class AlternativeDevelopment(Programme):
    """Support for legal livelihoods: legal crops earn ``1 + support`` times as much in the regions
    where eradication is aimed (every region if it is not aimed)."""

    name = "alternative_development"
    levers = ("production.alt_development",)
    support = 0.0

    def act(self) -> None:
        self.support = self.model.p.production.alt_development
