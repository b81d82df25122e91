"""Places: the nodes of the world as arrays, one row per node in the graph's order."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np

from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.timeline import MOST_VIOLENT
from marketsim.world.io import PLACE_KINDS, node_attribute

PRODUCTION, TRANSIT, BORDER, URBAN = range(4)
UNSPECIFIED = 0.5
"""Firearms, state presence, deprivation or trust of a place its world says nothing about (in the
generated world: firearms at growing areas and crossings, state presence at crossings): the middle
of the 0-1 scale, for want of information."""


class Places:
    """Per-place attributes and state, one row per node in the graph's order."""

    def __init__(self, graph: nx.Graph):
        self.names: list[str] = list(graph.nodes)
        self.n = len(self.names)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.kind_names = np.array([graph.nodes[n]["kind"] for n in self.names])
        self.kind = np.array([PLACE_KINDS.index(k) for k in self.kind_names])
        regions = [graph.nodes[n]["region"] for n in self.names if graph.nodes[n]["kind"] == "production"]
        self.regions: list[str] = list(dict.fromkeys(regions))
        self.region = np.array([
            self.regions.index(graph.nodes[n]["region"]) if graph.nodes[n]["kind"] == "production" else -1
            for n in self.names
        ])
        corridors = [graph.nodes[n]["route"] for n in self.names if graph.nodes[n]["kind"] == "transit"]
        self.corridors: list[str] = list(dict.fromkeys(corridors))
        self.corridor = np.array([
            self.corridors.index(graph.nodes[n]["route"]) if graph.nodes[n]["kind"] == "transit" else -1
            for n in self.names
        ])
        self.population = node_attribute(graph, self.names, "population")
        self.firearms = node_attribute(graph, self.names, "firearms", UNSPECIFIED)
        self.state_presence = node_attribute(graph, self.names, "state_presence", UNSPECIFIED)
        self.state_presence_base = self.state_presence.copy()
        self.corruption = node_attribute(graph, self.names, "corruption", 0.0)
        self.inspection = node_attribute(graph, self.names, "inspection", 0.0)
        self.deprivation = node_attribute(graph, self.names, "deprivation", UNSPECIFIED)
        self.trust = node_attribute(graph, self.names, "trust", UNSPECIFIED)
        self.land_ha = node_attribute(graph, self.names, "land_ha")
        self.alt_income = node_attribute(graph, self.names, "alt_income", 1.0)
        self.user_index = node_attribute(graph, self.names, "user_index", 0.0)
        self.x = node_attribute(graph, self.names, "x")
        self.y = node_attribute(graph, self.names, "y")
        self.neighbours = [np.array([self.index[m] for m in graph.neighbors(n)], dtype=np.int64)
                           for n in self.names]
        pairs = np.array([(self.index[a], self.index[b]) for a, b in graph.edges], dtype=np.int64)
        self.edge_a, self.edge_b = pairs[:, 0], pairs[:, 1]
        self.is_urban = self.kind == URBAN
        self.community_places = np.flatnonzero(self.is_urban | (self.kind == TRANSIT))  # places with residents
        self.community = np.full(self.n, -1, dtype=np.int64)  # community row of each place, -1 none
        self.community[self.community_places] = np.arange(len(self.community_places))

    def build_presence(self, places: np.ndarray, target: np.ndarray, rate: float) -> None:
        """State presence at ``places`` moves ``rate`` of the way toward ``target`` (community policing)."""
        self.state_presence[places] += rate * (target - self.state_presence[places])

    def of_kind(self, kind: int) -> np.ndarray:
        """Indices of the places of one kind."""
        return np.flatnonzero(self.kind == kind)

    def select(self, where: Iterable[str], label: str, homicides: np.ndarray | None = None) -> np.ndarray:
        """Indices (sorted) of the places a selection names: place names, place kinds, region
        names (their production places), corridor names (their transit towns), ``all``, or
        ``most_violent:N`` — the N places with residents with the most ``homicides`` (ties: the
        more populous first).

        Raises:
            ScenarioError: a name that is not in this world, naming ``label`` and a close match.
        """
        chosen: set[int] = set()
        problems = []
        for text in where:
            if text == "all":
                chosen.update(range(self.n))
            elif text in self.index:
                chosen.add(self.index[text])
            elif text in PLACE_KINDS:
                chosen.update(self.of_kind(PLACE_KINDS.index(text)).tolist())
            elif text in self.regions:
                chosen.update(np.flatnonzero(self.region == self.regions.index(text)).tolist())
            elif text in self.corridors:
                chosen.update(np.flatnonzero(self.corridor == self.corridors.index(text)).tolist())
            elif MOST_VIOLENT.fullmatch(text):
                count = int(text.split(":")[1])
                counts = np.zeros(self.n) if homicides is None else homicides
                rows = self.community_places
                order = np.lexsort((rows, -self.population[rows], -counts[rows]))
                chosen.update(rows[order[:count]].tolist())
            else:
                known = [*self.names, *PLACE_KINDS, *self.regions, *self.corridors, "all"]
                problems.append(f"{label}: {text!r} is not a place, place kind, region or corridor of this world"
                                f"{did_you_mean(text, known)}")
        if problems:
            raise ScenarioError(problems)
        return np.array(sorted(chosen), dtype=np.int64)
