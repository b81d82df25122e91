"""DrugMarketModel: the world, the subsystems, and the weekly step in its documented order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.params import SPECS
from marketsim.config.scenario import Scenario, load_scenario
from marketsim.ledger import EventLog, ProductLedger
from marketsim.outputs import Outputs
from marketsim.sim import SUBSYSTEMS, build_order
from marketsim.sim.streams import RandomStreams
from marketsim.world import Places, Routes, generate_world, load_world

if TYPE_CHECKING:
    from marketsim.sim.communities import Communities
    from marketsim.sim.harm import Harm
    from marketsim.sim.interventions import Interventions
    from marketsim.sim.justice import JusticeSystem
    from marketsim.sim.organisations import Organisations
    from marketsim.sim.police import Police
    from marketsim.sim.production import Farms
    from marketsim.sim.retail import Dealers
    from marketsim.sim.trafficking import Trafficking
    from marketsim.sim.violence import Violence


class Stage(NamedTuple):
    """One stage of the weekly step: its name, the subsystem (model attribute) and its rule."""

    name: str
    subsystem: str
    rule: str


STAGES: tuple[Stage, ...] = (
    Stage("schedule", "interventions", "change_policy"),
    Stage("production", "farms", "step"),
    Stage("finances", "orgs", "finances"),
    Stage("landing", "trafficking", "land"),
    Stage("splits", "orgs", "splits"),
    Stage("emergence", "orgs", "emergence"),
    Stage("trafficking", "trafficking", "step"),
    Stage("retail", "dealers", "step"),
    Stage("demand", "communities", "demand"),
    Stage("events", "interventions", "apply_events"),
    Stage("enforcement", "police", "step"),
    Stage("justice", "justice", "step"),
    Stage("beliefs", "violence", "learn"),
    Stage("violence tallies", "violence", "reset_tallies"),
    Stage("violence", "violence", "step"),
    Stage("harm", "harm", "step"),
    Stage("collect", "outputs", "collect"),
)
"""The weekly step, in order: every rule that runs in a week is named here. The programmes outside
policing (``marketsim.sim.policies``) act right after the stage each names (most after the schedule)."""


class DrugMarketModel(mesa.Model):
    """An illicit drug market on a network of places, one step per week.

    Parameters can be overridden as keywords, with ``__`` for the dot, so that Mesa's own tools
    drive the model: ``mesa.batch_run(DrugMarketModel, parameters={"scenario": ["baseline",
    "kingpin"], "policy__hvt_share": [0.1, 0.4]}, iterations=3, max_steps=104)``.

    Args:
        scenario: a :class:`Scenario`, a preset name, or a path to a scenario file.
        seed: seeds the model's random streams (one per kind of decision, ``sim/streams.py``); the
            same scenario and seed give the same output in any process, and two scenarios run with
            the same seed share their randomness (common random numbers). None: a fresh seed.
        world: an optional network of places to use instead of generating or loading one.
        overrides: dotted parameter paths and values, e.g. ``{"policy.hvt_share": 0.4}``.
        schedule: parameter changes from a given week, added to the scenario's, e.g.
            ``[{"week": 260, "set": {"policy.street_share": 0.5}}]`` (``marketsim.config.timeline``).
        events: one-off events, added to the scenario's, e.g.
            ``[{"week": 300, "kind": "seizure", "where": "border", "share": 0.9}]``.
        **kwargs: the same as keywords, e.g. ``policy__hvt_share=0.4`` (named ``kwargs``, as
            Mesa's SolaraViz requires of a model that takes any parameter).

    Raises:
        ScenarioError: an unknown scenario or parameter, or a value that is not allowed.
    """

    # the subsystems (``marketsim.sim.SUBSYSTEMS``), set by name when the model is built
    violence: Violence
    harm: Harm
    communities: Communities
    justice: JusticeSystem
    police: Police
    farms: Farms
    trafficking: Trafficking
    dealers: Dealers
    orgs: Organisations
    interventions: Interventions

    def __init__(self, scenario: Scenario | str | Path = "baseline", seed: int | None = None,
                 world: nx.Graph | None = None, overrides: Mapping[str, Any] | None = None,
                 schedule: Any = None, events: Any = None, **kwargs: Any):
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)
        super().__init__(rng=seed)
        self.seed: int = int(seed)
        self.streams = RandomStreams(self.seed)
        names = ["scenario", "seed", "world", "overrides", "schedule", "events",
                 *(path.replace(".", "__") for path in SPECS)]
        unknown = [f"unknown keyword {name}{did_you_mean(name, names, quote=False)}: allowed scenario, seed, "
                   "world, overrides, schedule, events or a parameter as group__name"
                   for name in kwargs if "__" not in name]
        if unknown:
            raise ScenarioError(unknown)
        dotted = {name.replace("__", "."): value for name, value in kwargs.items()}
        self.scenario: Scenario = load_scenario(scenario, {**(overrides or {}), **dotted}, schedule, events)
        self.p = self.scenario.params_at(1)
        if world is None:
            world = (load_world(self.p.world.file) if self.p.world.file
                     else generate_world(self.p.world, self.streams.generator("world.generate")))
        self.graph: nx.Graph = world
        self.space = Network(world, random=self.random)
        self.places = Places(world)
        self.routes = Routes(world, self.places, self.p.world)
        self.ledger = ProductLedger()
        self.log = EventLog(self.places.n)
        for subsystem in build_order(SUBSYSTEMS):  # each after those its initialisation reads
            subsystem(self)  # it becomes self.<subsystem.name> as it is attached
        self.outputs = Outputs(self)
        self._rules = [rule for stage in STAGES for rule in (
            getattr(getattr(self, stage.subsystem), stage.rule),
            *(programme.act for programme in self.interventions.acting_after(stage.name)))]
        self.datacollector = WeeklyCollector(self.outputs.columns)
        self.ledger.initial = self.stock_kg()

    @property
    def agents(self) -> mesa.AgentSet:
        """Every agent. Dealers' agents are made when looked at (``marketsim.sim.tables.Views``): they
        are brought up to date first."""
        self.sync_views()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.AgentSet]:
        """Every agent by kind, dealers' brought up to date first."""
        self.sync_views()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Every kind of agent, dealers' brought up to date first."""
        self.sync_views()
        return super().agent_types

    def sync_views(self) -> None:
        """Bring the agents made when looked at (dealers') up to date (nothing while the model is built)."""
        if hasattr(self, "dealers"):
            self.dealers.views.sync()

    def step(self) -> None:
        """One week: every stage in the order of ``STAGES``, then the week's row into the datacollector."""
        self.log.start_week(self.steps)
        self.streams.start_week(self.steps)
        for rule in self._rules:
            rule()
        self.datacollector.collect(self)

    def run(self, steps: int = 520, progress: Callable[[int, int], None] | None = None) -> DrugMarketModel:
        """Run ``steps`` weeks; ``progress(done, total)`` is called after each week if given."""
        if steps < 0:
            raise ValueError(f"steps = {steps}: allowed a whole number ≥ 0")
        for done in range(1, steps + 1):
            self.step()
            if progress is not None:
                progress(done, steps)
        return self

    def metrics(self) -> pd.DataFrame:
        """The tidy output: one row per simulated week, columns as in ``marketsim.METRICS``."""
        return self.outputs.table()

    def place_metrics(self) -> pd.DataFrame:
        """One row per week and place: homicides, arrests, overdoses, seizures, dealers, sales,
        drug flow and the controlling organisation (``marketsim.outputs.PLACE_COLUMNS``)."""
        return self.outputs.place_table()

    def events(self) -> pd.DataFrame:
        """Every event so far, one row each: week, kind, detail, place, organisation, count."""
        return self.log.table(self.places.names)

    def stock_kg(self) -> float:
        """All product in someone's hands: farms, organisations (incl. in transit) and dealers."""
        dealers = self.dealers
        return float(self.farms.stock.sum() + self.trafficking.stock_kg() + dealers.stock[dealers.active].sum())


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector with a model reporter per output column, for ``mesa.batch_run`` and
    SolaraViz. Its :meth:`collect` stores the row the collect stage has just computed, so it
    costs a few appends a week rather than a call and a deep copy per reporter."""

    def __init__(self, columns: list[str]):
        super().__init__(model_reporters={name: partial(_latest, name=name) for name in columns})

    def collect(self, model: DrugMarketModel) -> None:  # type: ignore[override]
        """Append this week's row: the values the reporters would read."""
        row = model.outputs.latest
        for name, values in self.model_vars.items():
            values.append(row[name])


def _latest(model: DrugMarketModel, name: str) -> float:
    """A model reporter: the value of one output column in the week just collected."""
    return model.outputs.latest[name]
