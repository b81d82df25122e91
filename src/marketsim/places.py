"""Array views of the world: places (nodes) and trafficking routes (paths to the border)."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np

from marketsim.world import PLACE_KINDS, node_attribute

PRODUCTION, TRANSIT, BORDER, URBAN = range(4)
ROUTES_PER_PAIR = 4
"""Candidate paths kept per (source region, border crossing) pair, cheapest first."""


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
        self.firearms = node_attribute(graph, self.names, "firearms", 0.5)
        self.state_presence = node_attribute(graph, self.names, "state_presence", 0.5)
        self.state_presence_base = self.state_presence.copy()
        self.corruption = node_attribute(graph, self.names, "corruption", 0.0)
        self.inspection = node_attribute(graph, self.names, "inspection", 0.0)
        self.deprivation = node_attribute(graph, self.names, "deprivation", 0.5)
        self.trust = node_attribute(graph, self.names, "trust", 0.5)
        self.land_ha = node_attribute(graph, self.names, "land_ha")
        self.alt_income = node_attribute(graph, self.names, "alt_income", 1.0)
        self.user_index = node_attribute(graph, self.names, "user_index", 0.0)
        self.x = node_attribute(graph, self.names, "x")
        self.y = node_attribute(graph, self.names, "y")
        self.neighbours = [np.array([self.index[m] for m in graph.neighbors(n)], dtype=np.int64)
                           for n in self.names]
        pairs = np.array([(self.index[a], self.index[b]) for a, b in graph.edges], dtype=np.int64)
        self.edge_a, self.edge_b = pairs[:, 0], pairs[:, 1]
        self.controller = np.full(self.n, -1, dtype=np.int64)   # organisation slot, -1 none
        self.community = np.full(self.n, -1, dtype=np.int64)    # community row, -1 none
        self.farm_stock = np.zeros(self.n)                      # kg harvested, unsold
        self.value_ma = np.zeros(self.n)                        # USD/week of drug value at stake
        self.violence_ma = np.zeros(self.n)                     # homicides/week, moving average
        self.market_closed = np.zeros(self.n, dtype=bool)       # open-air market closed (DMI)
        self.eradication_share = np.zeros(self.n)               # share of standing crop eradicated this week
        self.eradication_ma = np.zeros(self.n)                  # its moving average

    def territories(self) -> dict[int, np.ndarray]:
        """Places held by each organisation slot (organisations holding none are absent)."""
        order = np.argsort(self.controller, kind="stable")
        held = self.controller[order]
        slots, starts = np.unique(held, return_index=True)
        ends = [*starts[1:].tolist(), len(order)]
        return {int(s): order[a:b] for s, a, b in zip(slots.tolist(), starts.tolist(), ends, strict=True) if s >= 0}

    def of_kind(self, kind: int) -> np.ndarray:
        """Indices of the places of one kind."""
        return np.flatnonzero(self.kind == kind)


class Routes:
    """Candidate paths from each source region to each border crossing, and their segments."""

    def __init__(self, graph: nx.Graph, places: Places):
        corridor_kinds = {"transit", "border"}
        edge_index: dict[tuple[int, int], int] = {}
        paths: list[list[int]] = []
        path_nodes: list[list[int]] = []
        path_region: list[int] = []
        borders = [n for n in places.names if graph.nodes[n]["kind"] == "border"]
        for r, region in enumerate(places.regions):
            farms = [n for n in places.names if graph.nodes[n].get("region") == region]
            keep = set(farms) | {n for n in places.names if graph.nodes[n]["kind"] in corridor_kinds}
            corridor = graph.subgraph(keep)
            hubs = [f for f in farms if any(graph.nodes[m]["kind"] == "transit" for m in graph.neighbors(f))]
            for hub, border in itertools.product(hubs or farms[:1], borders):
                if not nx.has_path(corridor, hub, border):
                    continue
                candidates = nx.shortest_simple_paths(corridor, hub, border, weight="cost_per_kg")
                for nodes in itertools.islice(candidates, ROUTES_PER_PAIR):
                    if any(graph.nodes[n]["kind"] == "border" for n in nodes[:-1]):
                        continue
                    idx = [places.index[n] for n in nodes]
                    segments = []
                    for a, b in itertools.pairwise(idx):
                        key = (min(a, b), max(a, b))
                        segments.append(edge_index.setdefault(key, len(edge_index)))
                    paths.append(segments)
                    path_nodes.append(idx)
                    path_region.append(r)
        self.edges = list(edge_index)
        self.paths = paths
        self.path_nodes = path_nodes
        self.path_region = np.array(path_region, dtype=np.int64)
        self.incidence = np.zeros((len(paths), len(self.edges)))
        for k, segments in enumerate(paths):
            self.incidence[k, segments] = 1.0
        self.cost = np.array([graph.edges[places.names[a], places.names[b]]["cost_per_kg"] for a, b in self.edges])
        self.capacity = np.array([graph.edges[places.names[a], places.names[b]]["capacity_kg"]
                                  for a, b in self.edges])
        ends = np.array(self.edges, dtype=np.int64).reshape(-1, 2)
        border_end = np.where(places.kind[ends[:, 1]] == BORDER, ends[:, 1], ends[:, 0])
        crosses = places.kind[border_end] == BORDER
        self.is_border = crosses
        presence = places.state_presence[ends].mean(axis=1)
        self.base_detection = np.where(crosses, places.inspection[border_end], 0.004 + 0.01 * presence)
        self.corridor_of_edge = np.max(places.corridor[ends], axis=1)
        # transit places on each path (they charge tolls and are worth fighting over)
        self.tolls = np.zeros((len(paths), places.n))
        for k, nodes in enumerate(path_nodes):
            stops = [i for i in nodes if places.kind[i] == TRANSIT]
            self.tolls[k, stops] = 1.0
        self.flow = np.zeros(len(self.edges))          # kg this week on each segment
        self.flow_ma = np.zeros(len(self.edges))       # moving average (congestion, maps)
        self.interdiction = np.zeros(len(self.edges))  # extra detection from police effort

    def detection(self) -> np.ndarray:
        """Chance that a lot is caught on each segment this week."""
        return 1 - (1 - self.base_detection) * (1 - self.interdiction)
