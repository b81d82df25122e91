"""The default world, generated from a few parameters and the model's random generator.

Source regions of farms, transit corridors with cross-links, border crossings and a grid of
city neighbourhoods. Every node carries ``x`` and ``y`` so that maps never need a layout
computed at run time.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from marketsim.config.params import WorldParams


def generate_world(params: WorldParams, rng: np.random.Generator) -> nx.Graph:
    """Build the default world: source regions, corridors, border crossings and a city grid."""
    graph = nx.Graph()
    hubs = []
    for r in range(params.regions):
        region = f"region_{r + 1}"
        previous = None
        for p in range(params.places_per_region):
            node = f"{region}_place_{p + 1}"
            angle = math.pi * (0.25 + 0.5 * r / max(params.regions - 1, 1))
            graph.add_node(
                node, kind="production", region=region, label=f"{region} farms {p + 1}",
                land_ha=0.0, poverty=float(np.clip(rng.normal(0.65, 0.1), 0.1, 1)),
                alt_income=float(rng.uniform(0.8, 1.2)),
                state_presence=float(np.clip(rng.normal(params.state_presence * 0.6, 0.1), 0, 1)),
                population=0.0,
                x=-3.0 - p * 0.8 + 0.3 * math.cos(angle), y=(r - (params.regions - 1) / 2) * 2.2 + 0.3 * p,
            )
            if previous:
                _add_route(graph, previous, node, rng, km=60, cost=40)
            previous = node
        hubs.append(f"{region}_place_1")
    farms = [n for n, d in graph.nodes(data=True) if d["kind"] == "production"]
    land = params.producers * params.land_per_producer_ha / len(farms)
    for node in farms:
        graph.nodes[node]["land_ha"] = float(land * rng.uniform(0.6, 1.4))

    route_towns = []
    for j in range(params.routes):
        towns = []
        for k in range(params.towns_per_route):
            node = f"route_{j + 1}_town_{k + 1}"
            graph.add_node(
                node, kind="transit", route=f"route_{j + 1}", label=f"route {j + 1} town {k + 1}",
                state_presence=float(np.clip(rng.normal(params.state_presence, 0.12), 0.02, 1)),
                corruption=float(np.clip(rng.normal(params.corruption, 0.1), 0, 1)),
                firearms=float(np.clip(rng.normal(params.firearms, 0.08), 0, 1)),
                population=float(params.town_population * rng.uniform(0.6, 1.4)),
                deprivation=float(np.clip(rng.normal(params.deprivation + 0.1, 0.1), 0, 1)),
                trust=float(np.clip(rng.normal(params.trust - 0.05, 0.06), 0.02, 1)),
                x=-1.5 + 3.5 * k / max(params.towns_per_route - 1, 1),
                y=(j - (params.routes - 1) / 2) * 2.4,
            )
            if towns:
                _add_route(graph, towns[-1], node, rng, km=400, cost=250)
            towns.append(node)
        route_towns.append(towns)
    for j in range(params.routes - 1):
        middle = params.towns_per_route // 2
        _add_route(graph, route_towns[j][middle], route_towns[j + 1][middle], rng, km=300, cost=300)
    for r, hub in enumerate(hubs):
        for j in {r % params.routes, (r + 1) % params.routes}:
            _add_route(graph, hub, route_towns[j][0], rng, km=500, cost=200)

    borders = []
    for b in range(params.border_crossings):
        node = f"border_{b + 1}"
        graph.add_node(
            node, kind="border", label=f"border crossing {b + 1}",
            inspection=float(np.clip(rng.normal(params.border_inspection, params.border_inspection / 4), 0, 1)),
            corruption=float(np.clip(rng.normal(params.corruption, 0.1), 0, 1)), population=0.0,
            x=2.8, y=(b - (params.border_crossings - 1) / 2) * 2.0,
        )
        borders.append(node)
    for j, towns in enumerate(route_towns):
        for b in {j % params.border_crossings, (j + 1) % params.border_crossings}:
            _add_route(graph, towns[-1], borders[b], rng, km=150, cost=150)

    cols = math.ceil(math.sqrt(params.neighbourhoods))
    grid: dict[tuple[int, int], str] = {}
    for n in range(params.neighbourhoods):
        row, col = divmod(n, cols)
        node = f"nbhd_{n + 1:02d}"
        grid[(row, col)] = node
        deprivation = float(np.clip(rng.beta(2.0, 2.0) * 2 * params.deprivation, 0.02, 1))
        graph.add_node(
            node, kind="urban", label=f"neighbourhood {n + 1}",
            population=float(params.neighbourhood_population * rng.uniform(0.6, 1.4)),
            deprivation=deprivation,
            trust=float(np.clip(params.trust + 0.2 * (0.5 - deprivation) + rng.normal(0, 0.04), 0.02, 1)),
            firearms=float(np.clip(rng.normal(params.firearms, 0.08), 0, 1)),
            state_presence=float(np.clip(rng.normal(params.state_presence, 0.12), 0.02, 1)),
            user_index=float(np.clip(0.6 + 0.8 * deprivation, 0.2, 2.0)),  # relative drug use, ~1 on average
            x=4.2 + col * 0.7, y=(row - (math.ceil(params.neighbourhoods / cols) - 1) / 2) * 0.7,
        )
    for (row, col), node in grid.items():
        for other in ((row + 1, col), (row, col + 1)):
            if other in grid:
                _add_route(graph, node, grid[other], rng, km=3, cost=20)
    rows = math.ceil(params.neighbourhoods / cols)
    for b, border in enumerate(borders):
        row = min(rows - 1, round(b * (rows - 1) / max(params.border_crossings - 1, 1)))
        _add_route(graph, border, grid[(row, 0)], rng, km=40, cost=60)
    return graph


def _add_route(graph: nx.Graph, a: str, b: str, rng: np.random.Generator, km: float, cost: float) -> None:
    """Join two places with a route of jittered length, cost per kg and weekly capacity."""
    jitter = float(rng.uniform(0.7, 1.3))
    graph.add_edge(a, b, length_km=km * jitter, cost_per_kg=cost * jitter,
                   capacity_kg=float(rng.uniform(40, 80)))
