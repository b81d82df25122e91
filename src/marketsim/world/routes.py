"""Routes: candidate trafficking paths from each source region to each border crossing."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np

from marketsim.config.params import WorldParams
from marketsim.world.places import BORDER, TRANSIT, Places

ROUTES_PER_PAIR = 4
"""Candidate paths kept per (source region, border crossing) pair, cheapest first."""


class Routes:
    """Candidate paths from each source region to each border crossing, and their segments."""

    def __init__(self, graph: nx.Graph, places: Places, params: WorldParams):
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
        self.ends = ends
        self.border_end = border_end
        self.corridor_detection = params.corridor_detection
        self.presence_detection = params.presence_detection
        self.corridor_of_edge = np.max(places.corridor[ends], axis=1)
        # where a lot caught on a segment is seized: its end nearer the border
        self.checkpoint = np.where(places.kind[ends[:, 1]] >= places.kind[ends[:, 0]], ends[:, 1], ends[:, 0])
        self.through = np.zeros((len(paths), places.n))  # places each path passes through
        for k, nodes in enumerate(path_nodes):
            self.through[k, nodes] = 1.0
        # transit places on each path (they charge tolls and are worth fighting over)
        self.tolls = np.zeros((len(paths), places.n))
        for k, nodes in enumerate(path_nodes):
            stops = [i for i in nodes if places.kind[i] == TRANSIT]
            self.tolls[k, stops] = 1.0

    def base_detection(self, places: Places) -> np.ndarray:
        """Chance a lot is caught on each segment with no interdiction effort: the inspection of a
        border crossing, or on corridors a chance that rises with the state presence at both ends."""
        presence = places.state_presence[self.ends].mean(axis=1)
        return np.where(self.is_border, places.inspection[self.border_end],
                        self.corridor_detection + self.presence_detection * presence)
