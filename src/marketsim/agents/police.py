"""Police: spends a fixed weekly budget according to the policy levers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent

from marketsim.config.params import BUDGET_SHARES

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


class Police(Agent):
    """A police force. Turns its budget into officer-weeks per activity; its officers'
    willingness to take bribes falls under anti-corruption effort."""

    def __init__(self, model: DrugMarketModel):
        super().__init__(model)
        self.budget = model.p.police.budget
        self.corruption = model.p.world.corruption

    def officer_weeks(self) -> dict[str, float]:
        """Officer-weeks this week for each activity; what the shares leave goes to reactive work."""
        policy = self.model.p.policy
        total = self.budget / self.model.p.police.officer_week_cost
        allocation = {name.removesuffix("_share"): total * getattr(policy, name) for name in BUDGET_SHARES}
        allocation["reactive"] = max(total - sum(allocation.values()), 0.0)
        return allocation

    def update_corruption(self) -> None:
        """The share of officers taking bribes drifts toward a target: lowered by anti-corruption
        effort, raised by a collusive arrangement (officers on the dominant organisation's payroll)."""
        policy = self.model.p.policy
        base = self.model.p.world.corruption * (1 - policy.anti_corruption)
        target = base + policy.collusion * (1 - base) * 0.5
        self.corruption += 0.02 * (target - self.corruption)
