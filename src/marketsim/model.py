"""DrugMarketModel: the world, the agents, and the weekly step in its documented order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from marketsim import setup
from marketsim.agents import (
    CommunityTable,
    Dealer,
    DealerTable,
    Farms,
    Police,
    TraffickingOrganisation,
)
from marketsim.config.scenario import Scenario, load_scenario
from marketsim.ledger import ProductLedger, WeekTally
from marketsim.stages import (
    collect,
    demand,
    enforcement,
    harm,
    justice,
    production,
    retail,
    trafficking,
    violence,
)
from marketsim.world import Places, Routes, generate_world, load_world

STAGES: tuple[tuple[str, Callable[[DrugMarketModel], None]], ...] = (
    ("production", production.run),
    ("trafficking", trafficking.run),
    ("retail", retail.run),
    ("demand", demand.run),
    ("enforcement", enforcement.run),
    ("justice", justice.run),
    ("violence", violence.run),
    ("harm", harm.run),
    ("collect", collect.run),
)
"""The weekly step, in order. Each stage is one module of ``marketsim.stages``."""


class DrugMarketModel(mesa.Model):
    """An illicit drug market on a network of places, one step per week.

    Args:
        scenario: a :class:`Scenario`, a preset name, or a path to a scenario file.
        seed: seeds the model's single random generator; the same scenario and seed give
            the same output in any process.
        world: an optional network of places to use instead of generating or loading one.
    """

    def __init__(self, scenario: Scenario | str | Path = "baseline", seed: int | None = None,
                 world: nx.Graph | None = None):
        super().__init__(rng=seed)
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.p = self.scenario.params
        if world is None:
            world = load_world(self.p.world.file) if self.p.world.file else generate_world(self.p.world, self.rng)
        self.graph = world
        self.space = Network(world, random=self.random)
        self.places = Places(world)
        setup.check_policy_targets(self)
        self.routes = Routes(world, self.places)
        self.ledger = ProductLedger()
        self.tally = WeekTally(self.places.n, len(self.places.regions))
        self.orgs: list[TraffickingOrganisation] = []
        self.org_by_slot: dict[int, TraffickingOrganisation] = {}
        self.police = Police(self)
        self.farms: Farms = setup.create_producers(self)
        self.communities: CommunityTable = setup.create_communities(self)
        setup.create_organisations(self)
        self.dealers: DealerTable = setup.create_dealers(self)
        self.justice = justice.JusticeSystem(self)
        setup.prime_market(self)
        self.unsolved_homicides = 0      # drug-market homicides awaiting investigation
        self.clearance = float("nan")    # share of drug-market homicides cleared, moving average
        self.deterrence_credibility = 0.0  # focused deterrence: share of violators sanctions can cover
        self._rows: list[dict[str, float]] = []
        self._place_homicides: list[np.ndarray] = []

    # -- the weekly step ---------------------------------------------------------------
    def step(self) -> None:
        """One week: every stage in the order of ``STAGES``."""
        self.tally = WeekTally(self.places.n, len(self.places.regions))
        for _, stage in STAGES:
            stage(self)

    def run(self, steps: int = 520, progress: Callable[[int, int], None] | None = None) -> DrugMarketModel:
        """Run ``steps`` weeks; ``progress(done, total)`` is called after each week if given."""
        if steps < 0:
            raise ValueError(f"steps = {steps}: allowed a whole number ≥ 0")
        for done in range(1, steps + 1):
            self.step()
            if progress is not None:
                progress(done, steps)
        return self

    # -- outputs ------------------------------------------------------------------------
    def metrics(self) -> pd.DataFrame:
        """The tidy output: one row per simulated week, columns as in ``marketsim.METRICS``."""
        return pd.DataFrame(self._rows, columns=collect.columns(self))

    def place_metrics(self) -> pd.DataFrame:
        """Homicides per week and place (long format: step, place, kind, homicides)."""
        if not self._place_homicides:
            return pd.DataFrame(columns=["step", "place", "kind", "homicides"])
        matrix = np.vstack(self._place_homicides)
        steps = np.repeat(np.arange(1, len(matrix) + 1), self.places.n)
        return pd.DataFrame({
            "step": steps,
            "place": np.tile(self.places.names, len(matrix)),
            "kind": np.tile(self.places.kind_names, len(matrix)),
            "homicides": matrix.ravel(),
        })

    # -- helpers used by several stages ---------------------------------------------------
    @property
    def week(self) -> int:
        """The current week (1 during the first step)."""
        return self.steps

    def new_organisation(self, parent: int | None = None) -> TraffickingOrganisation:
        """Create an organisation in the next free slot."""
        slot = max(self.org_by_slot, default=-1) + 1
        org = TraffickingOrganisation(self, slot, len(self.routes.edges), parent=parent)
        org.in_transit = np.zeros(len(self.routes.paths))
        self.orgs.append(org)
        self.org_by_slot[slot] = org
        return org

    def dissolve(self, org: TraffickingOrganisation) -> None:
        """An organisation without members ends: its stock is lost and its turf left vacant."""
        self.ledger.lost += org.source_stock + org.city_stock + float(org.in_transit.sum())
        org.source_stock = org.city_stock = 0.0
        org.in_transit[:] = 0.0
        self.places.controller[self.places.controller == org.slot] = -1
        for member in list(org.members):
            org.remove_member(member)
        self.orgs.remove(org)
        del self.org_by_slot[org.slot]
        org.remove()

    def stock_kg(self) -> float:
        """All product in someone's hands: farms, organisations (incl. in transit) and dealers."""
        orgs = sum(o.source_stock + o.city_stock + float(o.in_transit.sum()) for o in self.orgs)
        return float(self.places.farm_stock.sum() + orgs + self.dealers.stock[self.dealers.active].sum())

    def create_dealers(self, slots: np.ndarray, places: np.ndarray, orgs: np.ndarray) -> None:
        """Recruit dealers into the given slots, places and organisations."""
        table = self.dealers
        p = self.p.retail
        n = len(slots)
        if n == 0:
            return
        record_share = self.communities.record[self.places.community[places]] / np.maximum(
            self.communities.population[self.places.community[places]], 1)
        table.active[slots] = True
        table.place[slots] = places
        table.org[slots] = orgs
        table.mode[slots] = setup.draw_modes(self, n, places)
        table.stock[slots] = 0.0
        table.sales_ma[slots] = 0.0
        table.violence[slots] = np.clip(self.rng.normal(p.dealer_violence, 0.2, n), 0, 1)
        table.violence_score[slots] = 0.0
        table.warned[slots] = False
        table.has_record[slots] = self.rng.random(n) < np.minimum(1.0, 30 * record_share)
        for slot, place in zip(slots.tolist(), places.tolist(), strict=True):
            table.agents[slot] = Dealer(self, self.space[self.places.names[place]], slot)

    def return_dealer_stock(self, slots: np.ndarray) -> None:
        """Dealers who leave the trade hand their stock back to their supplier (or it is lost)."""
        table = self.dealers
        for org_slot, kg in zip(table.org[slots].tolist(), table.stock[slots].tolist(), strict=True):
            org = self.org_by_slot.get(org_slot)
            if org is not None:
                org.city_stock += kg
            else:
                self.ledger.lost += kg
        table.stock[slots] = 0.0

    def remove_dealers(self, slots: np.ndarray) -> None:
        """Dealers leave the trade (arrested or quit); their slots become free."""
        table = self.dealers
        table.active[slots] = False
        table.stock[slots] = 0.0
        table.org[slots] = -1
        for slot in slots.tolist():
            agent = table.agents[slot]
            if agent is not None:
                agent.remove()
            table.agents[slot] = None

