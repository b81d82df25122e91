"""Trafficking organisations and their members (leader, lieutenants, soldiers)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


class Role(StrEnum):
    """A member's rank."""

    LEADER = "leader"
    LIEUTENANT = "lieutenant"
    SOLDIER = "soldier"


class Member(CellAgent):
    """One member of a trafficking organisation, placed in one of its places."""

    def __init__(self, model: DrugMarketModel, cell, organisation: TraffickingOrganisation, role: Role):
        super().__init__(model)
        self.cell = cell
        self.organisation = organisation
        self.role = role


class TraffickingOrganisation(Agent):
    """A trafficking organisation: buys at the farm gate, moves product along learned routes,
    sells wholesale to the dealers on its turf, holds and contests territory, pays bribes, and
    turns to extortion when revenue falls. Losing its leader triggers succession or a split.

    Array-valued state (per route segment) is indexed like ``model.routes.edges``.
    """

    def __init__(self, model: DrugMarketModel, slot: int, n_edges: int, parent: int | None = None):
        super().__init__(model)
        self.slot = slot                  # row in the model's per-organisation arrays
        self.parent = parent              # slot of the organisation it split from
        self.founded = model.steps
        self.members: list[Member] = []
        self.source_stock = 0.0           # kg bought at the farm gate, not yet shipped
        self.in_transit = np.zeros(0)     # kg on each candidate route this week
        self.city_stock = 0.0             # kg landed after the border
        self.cash = 0.0
        self.revenue = 0.0                # USD this week
        self.revenue_ma = 0.0             # USD/week, 6-month moving average
        self.sales_ma = 0.0               # kg/week sold wholesale, moving average
        self.risk = np.zeros(n_edges)     # learned chance of a seizure on each segment
        self.seized_on = np.zeros(n_edges)  # lots seized on each segment this week
        self.seizure_share = 0.0          # recent share of shipments lost
        self.aml_share = 0.0              # recent share of revenue seized by anti-money-laundering
        self.wholesale_price = 0.0
        self.turmoil_until = -1           # week until which a succession fight goes on
        self.rivals_in_turmoil: set[int] = set()
        self.warned = False               # called in by focused deterrence
        self.violence_score = 0.0         # recent violence attributed to it (decaying)
        self.extorting = False
        self.neutralised = 0.0            # share of enforcement against it bought off

    @property
    def leader(self) -> Member | None:
        """The current leader, if any."""
        return next((m for m in self.members if m.role is Role.LEADER), None)

    @property
    def strength(self) -> float:
        """Fighting strength: members, plus one so that a new group is never zero."""
        return float(len(self.members) + 1)

    @property
    def name(self) -> str:
        """A readable name, e.g. ``org 3``."""
        return f"org {self.slot + 1}"

    def in_turmoil(self, week: int) -> bool:
        """Whether a succession fight is going on."""
        return week <= self.turmoil_until

    def add_member(self, cell, role: Role) -> Member:
        """Recruit one member into a place."""
        member = Member(self.model, cell, self, role)
        self.members.append(member)
        return member

    def remove_member(self, member: Member) -> None:
        """A member is arrested or killed."""
        self.members.remove(member)
        member.remove()

    def learn_routes(self, learning: float, decay: float) -> None:
        """Raise the learned risk of segments where lots were seized; let the rest fade."""
        hit = np.minimum(self.seized_on, 1.0)
        self.risk = self.risk * (1 - decay) + learning * hit * (1 - self.risk)
        self.seized_on[:] = 0.0

    def route_weights(self, route_costs: np.ndarray, temperature: float) -> np.ndarray:
        """Share of shipments on each candidate route: a softmax over their full costs."""
        scale = temperature * max(float(np.mean(route_costs)), 1e-9)
        utility = -(route_costs - route_costs.min()) / scale
        weights = np.exp(utility)
        return weights / weights.sum()
