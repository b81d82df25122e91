"""Anti-corruption effort (CICAD side event 2014): officers who take bribes risk dismissal."""

from __future__ import annotations

from marketsim.sim.policies.base import Programme


class AntiCorruption(Programme):
    """Anti-corruption ``effort`` (0-1): raises the risk of dismissal officers weigh against the bribes
    on offer (the police's rule for the share who accept)."""

    name = "anti_corruption"
    levers = ("policy.anti_corruption",)
    effort = 0.0

    def act(self) -> None:
        self.effort = self.model.p.policy.anti_corruption
