"""Communities: the residents of a neighbourhood or transit town, in compartments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import FixedAgent

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

COMPARTMENTS = ("non_users", "occasional", "dependent", "treatment", "prison", "record")


class CommunityTable:
    """Population compartments, trust and fear of every community, one row each."""

    def __init__(self, place: np.ndarray, population: np.ndarray, trust: np.ndarray,
                 deprivation: np.ndarray, firearms: np.ndarray):
        n = len(place)
        self.place = place                # place index of each community
        self.population = population      # residents (constant; compartments partition it)
        self.trust = trust.copy()
        self.trust0 = trust.copy()        # trust with no violence, mass arrests or corruption
        self.community_effort = np.zeros(n)  # officer-weeks of community policing this week
        self.deprivation = deprivation
        self.firearms = firearms
        self.fear = np.zeros(n)
        self.non_users = np.zeros(n, dtype=np.int64)
        self.occasional = np.zeros(n, dtype=np.int64)
        self.dependent = np.zeros(n, dtype=np.int64)
        self.treatment = np.zeros(n, dtype=np.int64)
        self.prison = np.zeros(n, dtype=np.int64)
        self.record = np.zeros(n, dtype=np.int64)
        self.infected = np.zeros(n)               # people who inject living with HIV/HCV
        self.purity_ma = np.zeros(n)              # recent mean purity (overdose risk baseline)
        self.disruption = np.zeros(n)             # share of local dealers removed this week
        self.shortage = np.zeros(n)               # share of demand unmet this week
        self.referrals = np.zeros(n, dtype=np.int64)  # users referred to treatment this week
        self.businesses = np.zeros(n)
        self.dealer_arrests = np.zeros(n)          # street arrests this week
        self.arrest_hazard = np.zeros(n)           # weekly arrest chance of a dealer, moving average
        self.purity = np.zeros(n)                  # street purity this week
        self.retail_price = np.zeros(n)            # USD per pure kg this week
        self.homicide_rate_ma = np.zeros(n)        # homicides per 100k per year, moving average
        self.arrest_rate_ma = np.zeros(n)          # user and street arrests per 10k per year, moving average
        self.extortion_ma = np.zeros(n)            # extortion events per week, moving average

    @property
    def users(self) -> np.ndarray:
        """Occasional plus dependent users."""
        return self.occasional + self.dependent


class Community(FixedAgent):
    """The residents of one place. Its compartments are row ``index`` of ``model.communities``."""

    def __init__(self, model: DrugMarketModel, cell, index: int):
        super().__init__(model)
        self.cell = cell
        self.index = index

    def compartments(self) -> dict[str, int]:
        """Residents by compartment."""
        table = self.model.communities
        return {name: int(getattr(table, name)[self.index]) for name in COMPARTMENTS}

    @property
    def trust(self) -> float:
        """Trust in police, 0-1."""
        return float(self.model.communities.trust[self.index])
