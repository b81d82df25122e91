"""Dealers: retail sellers who buy from the organisation controlling their turf."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


class SalesMode(IntEnum):
    """How a dealer sells: each mode differs in visibility to police and in violence."""

    OPEN_AIR = 0
    INDOOR = 1
    DELIVERY = 2
    ONLINE = 3


class DealerTable:
    """State of every dealer slot; a slot is reused when its dealer is arrested or leaves."""

    def __init__(self, capacity: int):
        self.active = np.zeros(capacity, dtype=bool)
        self.place = np.zeros(capacity, dtype=np.int64)     # neighbourhood (place index)
        self.org = np.full(capacity, -1, dtype=np.int64)    # supplying organisation slot
        self.mode = np.zeros(capacity, dtype=np.int64)      # SalesMode
        self.stock = np.zeros(capacity)                     # kg pure
        self.sales_ma = np.zeros(capacity)                  # kg/week, moving average
        self.price = np.zeros(capacity)                     # retail USD per pure kg
        self.violence = np.zeros(capacity)                  # propensity to use violence
        self.violence_score = np.zeros(capacity)            # recent violent acts (decaying)
        self.warned = np.zeros(capacity, dtype=bool)        # called in by focused deterrence
        self.has_record = np.zeros(capacity, dtype=bool)    # criminal record
        self.agents: list[Dealer | None] = [None] * capacity

    def grow(self) -> None:
        """Double the number of slots."""
        extra = len(self.active)
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                fill = -1 if name == "org" else 0
                setattr(self, name, np.concatenate([value, np.full(extra, fill, dtype=value.dtype)]))
        self.agents.extend([None] * extra)

    def free_slots(self, count: int) -> np.ndarray:
        """``count`` unused slot indices, growing the table if needed."""
        while (~self.active).sum() < count:
            self.grow()
        return np.flatnonzero(~self.active)[:count]


class Dealer(CellAgent):
    """A retail dealer. Its state is slot ``index`` of ``model.dealers``."""

    def __init__(self, model: DrugMarketModel, cell, index: int):
        super().__init__(model)
        self.cell = cell
        self.index = index

    @property
    def mode(self) -> SalesMode:
        """How the dealer sells."""
        return SalesMode(int(self.model.dealers.mode[self.index]))

    @property
    def stock_kg(self) -> float:
        """Drug in hand, kg pure."""
        return float(self.model.dealers.stock[self.index])

    @property
    def organisation(self):
        """The organisation that supplies this dealer."""
        return self.model.org_by_slot.get(int(self.model.dealers.org[self.index]))
