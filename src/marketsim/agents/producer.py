"""Producers: farming households that grow the drug crop or an alternative."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


class Farms:
    """Crop state of every household, one row each (vectorised crop choice and harvest)."""

    def __init__(self, place: np.ndarray, region: np.ndarray, land_ha: np.ndarray,
                 drug_share: np.ndarray, hurdle: np.ndarray):
        self.place = place            # index into the model's place list
        self.region = region          # index into the model's region list
        self.land_ha = land_ha        # land the household can plant
        self.drug_share = drug_share  # share of that land under the drug crop
        self.hurdle = hurdle          # income advantage the household needs to grow more drug crop
        self.fallow_ha = np.zeros_like(land_ha)       # eradicated crop still regrowing
        self.perceived_risk = np.zeros_like(land_ha)  # expected weekly share of crop eradicated
        self.just_eradicated = np.zeros(len(land_ha), dtype=bool)

    @property
    def standing_ha(self) -> np.ndarray:
        """Hectares of drug crop that will be harvested."""
        return np.maximum(self.land_ha * self.drug_share - self.fallow_ha, 0.0)


class Producer(CellAgent):
    """A farming household. Grows the drug crop or an alternative, and may relocate after
    eradication (the balloon effect). Its crop state is row ``index`` of ``model.farms``."""

    def __init__(self, model: DrugMarketModel, cell, index: int):
        super().__init__(model)
        self.cell = cell
        self.index = index

    @property
    def drug_share(self) -> float:
        """Share of the household's land under the drug crop."""
        return float(self.model.farms.drug_share[self.index])

    @property
    def standing_ha(self) -> float:
        """Hectares of drug crop that will be harvested."""
        return float(self.model.farms.standing_ha[self.index])

    def relocate(self, cell, place: int, region: int) -> None:
        """Move to another growing area, replanting there from scratch."""
        self.move_to(cell)
        farms = self.model.farms
        farms.place[self.index] = place
        farms.region[self.index] = region
        farms.fallow_ha[self.index] = farms.land_ha[self.index] * farms.drug_share[self.index]
        farms.perceived_risk[self.index] = 0.0
