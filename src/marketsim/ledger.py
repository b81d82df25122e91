"""Product accounting (conservation) and the per-week tallies the stages fill in."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class ProductLedger:
    """Cumulative kilograms: what entered the market and where it went.

    Conservation: ``initial + produced == stock + seized + consumed + lost`` at every step,
    where stock is everything in farms', organisations' (incl. in transit) and dealers' hands.
    """

    initial: float = 0.0
    produced: float = 0.0
    seized: float = 0.0
    consumed: float = 0.0
    lost: float = 0.0

    def imbalance(self, stock: float) -> float:
        """Kilograms unaccounted for (zero when product is conserved)."""
        return self.initial + self.produced - (stock + self.seized + self.consumed + self.lost)


@dataclass
class WeekTally:
    """Counters of one week, filled in by the stages and read by ``collect``."""

    n_places: int
    n_regions: int
    production_kg: float = 0.0
    production_by_region: np.ndarray = field(init=False)
    eradicated_ha: float = 0.0
    seized_kg: float = 0.0
    consumed_kg: float = 0.0
    legal_kg: float = 0.0
    demand_kg: float = 0.0
    wholesale_kg: float = 0.0
    wholesale_value: float = 0.0
    retail_value: float = 0.0
    arrests_users: int = 0
    arrests_dealers: int = 0
    arrests_members: int = 0
    leaders_removed: int = 0
    call_ins: int = 0
    cash_seized: float = 0.0
    homicides: np.ndarray = field(init=False)      # by place
    incidents: int = 0
    extortion: int = 0
    confrontations: int = 0
    overdose_deaths: int = 0
    new_infections: int = 0
    incarcerations: int = 0
    reincarcerations: int = 0
    diversions: int = 0
    actions_against_orgs: float = 0.0
    actions_neutralised: float = 0.0
    street_arrests_by_place: np.ndarray = field(init=False)
    value_at_stake: np.ndarray = field(init=False)     # USD of drug business by place
    farm_sales_value: np.ndarray = field(init=False)   # USD paid to farmers by place
    user_arrests_by_community: np.ndarray | None = None
    violent_cleared: int = 0
    splits: int = 0
    new_groups: int = 0
    contests: int = 0
    background_homicides: int = 0
    disputes: int = 0
    confrontation_deaths: int = 0
    enforcement_cost: float = 0.0
    sales_by_community: np.ndarray | None = None
    rival_recruits: np.ndarray | None = None  # dealers recruited onto a rival's turf, by community
    # people handed to the justice system this week, by offence
    arrested: dict[str, int] = field(default_factory=lambda: {
        "user": 0, "dealer": 0, "trafficker": 0, "leader": 0, "violent": 0, "reoffence": 0})

    def __post_init__(self) -> None:
        self.production_by_region = np.zeros(self.n_regions)
        self.homicides = np.zeros(self.n_places)
        self.street_arrests_by_place = np.zeros(self.n_places)
        self.value_at_stake = np.zeros(self.n_places)
        self.farm_sales_value = np.zeros(self.n_places)
