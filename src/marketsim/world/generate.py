"""The default world, generated from the ``world`` parameters and the model's random generator.

Source regions of farms, transit corridors with cross-links, border crossings and a grid of
city neighbourhoods. Every number that shapes a place or a route is a ``world`` parameter; what
stays here are the map layout, the bounds that keep 0-1 attributes inside their scale, and the
attributes no rule of the model reads (written for maps and world files). Every node carries
``x`` and ``y`` so that maps never need a layout computed at run time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

from marketsim.config.params import WorldParams

MIDDLE = 0.5
"""The middle of a 0-1 scale: neighbourhoods' trust and user index are set relative to the
deprivation there (``world.trust_gradient``, ``world.user_gradient``)."""
FLOOR = 0.02
"""The lowest state presence, deprivation and trust a generated town or neighbourhood gets (its
normal draw is clipped there): a bound that leaves every place a little of each, not a level."""
USER_INDEX_BOUNDS = (0.2, 2.0)
"""Bounds on a neighbourhood's user index (drug use relative to the city's mean), which keep a
steep ``world.user_gradient`` from emptying or crowding a neighbourhood."""
POVERTY = (0.65, 0.1, 0.1)
"""Mean, standard deviation and floor of growing areas' poverty: an attribute world files carry
for users' maps and analyses. No rule of the model reads it (household income comes from
``production.alt_income_per_ha_year``), so it is not a parameter."""
LENGTH_KM = {"farm": 60, "corridor": 400, "across": 300, "from_region": 500, "to_border": 150,
             "into_city": 40, "street": 3}
"""Typical length of each kind of link, jittered like its cost: written for maps and world files;
no rule of the model reads a length."""
LOCAL_COST = {"farm": 40, "into_city": 60, "street": 20}
"""Cost in USD/kg of the links no trafficking path uses (between a region's growing areas, from a
crossing into the city and between neighbourhoods: paths run from a region's first growing area
along the corridors to a crossing). Written for world files, so a user's own routing has them."""


@dataclass(frozen=True)
class Layout:
    """Where places are drawn (map units): the growing areas fan out on the left, corridors run
    across the middle, crossings stand in a column and the city's grid is on the right. Only maps
    read a position."""

    farm_x: float = -3.0          # the first growing area of each region
    farm_step: float = 0.8        # leftwards per further growing area
    farm_rise: float = 0.3        # upwards per further growing area
    fan: float = 0.3              # radius of the fan that sets regions apart
    fan_from: float = 0.25        # its first region's angle, in half-turns
    fan_span: float = 0.5         # from its first region to its last, in half-turns
    region_gap: float = 2.2
    corridor_x: float = -1.5      # the first town of each corridor
    corridor_width: float = 3.5   # from its first town to its last
    corridor_gap: float = 2.4
    border_x: float = 2.8
    border_gap: float = 2.0
    city_x: float = 4.2
    block: float = 0.7            # between neighbourhoods of the city's grid


LAYOUT = Layout()


def generate_world(params: WorldParams, rng: np.random.Generator) -> nx.Graph:
    """Build the default world: source regions, corridors, border crossings and a city grid."""
    graph = nx.Graph()
    low_size, high_size = 1 - params.size_spread, 1 + params.size_spread
    hubs = []
    for r in range(params.regions):
        region = f"region_{r + 1}"
        previous = None
        for p in range(params.places_per_region):
            node = f"{region}_place_{p + 1}"
            angle = math.pi * (LAYOUT.fan_from + LAYOUT.fan_span * r / max(params.regions - 1, 1))
            poverty_mean, poverty_sd, poverty_floor = POVERTY
            graph.add_node(
                node, kind="production", region=region, label=f"{region} farms {p + 1}",
                land_ha=0.0, poverty=float(np.clip(rng.normal(poverty_mean, poverty_sd), poverty_floor, 1)),
                alt_income=float(rng.uniform(1 - params.alt_income_spread, 1 + params.alt_income_spread)),
                state_presence=float(np.clip(rng.normal(params.state_presence * params.production_presence,
                                                        params.production_presence_spread), 0, 1)),
                population=0.0,
                x=LAYOUT.farm_x - p * LAYOUT.farm_step + LAYOUT.fan * math.cos(angle),
                y=(r - (params.regions - 1) / 2) * LAYOUT.region_gap + LAYOUT.farm_rise * p,
            )
            if previous:
                _add_route(graph, previous, node, rng, params, "farm", LOCAL_COST["farm"])
            previous = node
        hubs.append(f"{region}_place_1")
    farms = [n for n, d in graph.nodes(data=True) if d["kind"] == "production"]
    land = params.producers * params.land_per_producer_ha / len(farms)
    for node in farms:
        graph.nodes[node]["land_ha"] = float(land * rng.uniform(low_size, high_size))

    route_towns = []
    for j in range(params.routes):
        towns = []
        for k in range(params.towns_per_route):
            node = f"route_{j + 1}_town_{k + 1}"
            graph.add_node(
                node, kind="transit", route=f"route_{j + 1}", label=f"route {j + 1} town {k + 1}",
                state_presence=float(np.clip(rng.normal(params.state_presence, params.presence_spread), FLOOR, 1)),
                corruption=float(np.clip(rng.normal(params.corruption, params.corruption_spread), 0, 1)),
                firearms=float(np.clip(rng.normal(params.firearms, params.firearms_spread), 0, 1)),
                population=float(params.town_population * rng.uniform(low_size, high_size)),
                deprivation=float(np.clip(rng.normal(params.deprivation + params.transit_deprivation,
                                                     params.deprivation_spread), 0, 1)),
                trust=float(np.clip(rng.normal(params.trust + params.transit_trust, params.trust_spread), FLOOR, 1)),
                x=LAYOUT.corridor_x + LAYOUT.corridor_width * k / max(params.towns_per_route - 1, 1),
                y=(j - (params.routes - 1) / 2) * LAYOUT.corridor_gap,
            )
            if towns:
                _add_route(graph, towns[-1], node, rng, params, "corridor", params.segment_cost_corridor)
            towns.append(node)
        route_towns.append(towns)
    for j in range(params.routes - 1):
        middle = params.towns_per_route // 2
        _add_route(graph, route_towns[j][middle], route_towns[j + 1][middle], rng, params, "across",
                   params.segment_cost_across)
    for r, hub in enumerate(hubs):
        for j in {r % params.routes, (r + 1) % params.routes}:
            _add_route(graph, hub, route_towns[j][0], rng, params, "from_region", params.segment_cost_from_region)

    borders = []
    for b in range(params.border_crossings):
        node = f"border_{b + 1}"
        graph.add_node(
            node, kind="border", label=f"border crossing {b + 1}",
            inspection=float(np.clip(rng.normal(params.border_inspection,
                                                params.border_inspection * params.inspection_spread), 0, 1)),
            corruption=float(np.clip(rng.normal(params.corruption, params.corruption_spread), 0, 1)), population=0.0,
            x=LAYOUT.border_x, y=(b - (params.border_crossings - 1) / 2) * LAYOUT.border_gap,
        )
        borders.append(node)
    for j, towns in enumerate(route_towns):
        for b in {j % params.border_crossings, (j + 1) % params.border_crossings}:
            _add_route(graph, towns[-1], borders[b], rng, params, "to_border", params.segment_cost_to_border)

    cols = math.ceil(math.sqrt(params.neighbourhoods))
    grid: dict[tuple[int, int], str] = {}
    concentration = params.deprivation_concentration
    user_base = 1 - params.user_gradient * MIDDLE  # the user index is 1 at the middle of the deprivation scale
    for n in range(params.neighbourhoods):
        row, col = divmod(n, cols)
        node = f"nbhd_{n + 1:02d}"
        grid[(row, col)] = node
        deprivation = float(np.clip(rng.beta(concentration, concentration) * 2 * params.deprivation, FLOOR, 1))
        graph.add_node(
            node, kind="urban", label=f"neighbourhood {n + 1}",
            population=float(params.neighbourhood_population * rng.uniform(low_size, high_size)),
            deprivation=deprivation,
            trust=float(np.clip(params.trust + params.trust_gradient * (MIDDLE - deprivation)
                                + rng.normal(0, params.neighbourhood_trust_spread), FLOOR, 1)),
            firearms=float(np.clip(rng.normal(params.firearms, params.firearms_spread), 0, 1)),
            state_presence=float(np.clip(rng.normal(params.state_presence, params.presence_spread), FLOOR, 1)),
            user_index=float(np.clip(user_base + params.user_gradient * deprivation, *USER_INDEX_BOUNDS)),
            x=LAYOUT.city_x + col * LAYOUT.block,
            y=(row - (math.ceil(params.neighbourhoods / cols) - 1) / 2) * LAYOUT.block,
        )
    for (row, col), node in grid.items():
        for other in ((row + 1, col), (row, col + 1)):
            if other in grid:
                _add_route(graph, node, grid[other], rng, params, "street", LOCAL_COST["street"])
    rows = math.ceil(params.neighbourhoods / cols)
    for b, border in enumerate(borders):
        row = min(rows - 1, round(b * (rows - 1) / max(params.border_crossings - 1, 1)))
        _add_route(graph, border, grid[(row, 0)], rng, params, "into_city", LOCAL_COST["into_city"])
    return graph


def _add_route(graph: nx.Graph, a: str, b: str, rng: np.random.Generator, params: WorldParams,
               link: str, cost: float) -> None:
    """Join two places with a route of the ``link`` kind's length and ``cost`` per kg, both jittered
    by ± ``world.segment_cost_jitter``, and a weekly capacity around ``world.segment_capacity``."""
    jitter = float(rng.uniform(1 - params.segment_cost_jitter, 1 + params.segment_cost_jitter))
    graph.add_edge(a, b, length_km=LENGTH_KM[link] * jitter, cost_per_kg=cost * jitter,
                   capacity_kg=float(rng.uniform(params.segment_capacity - params.segment_capacity_spread,
                                                 params.segment_capacity + params.segment_capacity_spread)))
