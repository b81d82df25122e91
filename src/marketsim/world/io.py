"""Loading, saving and validating worlds: GraphML or JSON (networkx node-link format).

A loaded world must have the attributes the generated one has; every problem is named by
node or edge and attribute, all at once.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from marketsim.config.errors import SHOWN_LENGTH, ScenarioError, shown
from marketsim.config.files import parse_json, read_bytes, read_text

PLACE_KINDS = ("production", "transit", "border", "urban")
WORLD_FORMATS = (".graphml", ".json")
"""The suffixes of world files: GraphML, or networkx node-link JSON."""

# Attributes each kind of place must have, with their allowed range. Towns and neighbourhoods
# have residents (rates per resident are computed there); production and border places may not.
NODE_ATTRIBUTES: dict[str, dict[str, tuple[float, float]]] = {
    "production": {"land_ha": (0, 1e7), "poverty": (0, 1), "alt_income": (0, 1e6),
                   "state_presence": (0, 1), "population": (0, 1e8)},
    "transit": {"state_presence": (0, 1), "corruption": (0, 1), "firearms": (0, 1),
                "population": (1, 1e8), "deprivation": (0, 1), "trust": (0, 1)},
    "border": {"inspection": (0, 1), "corruption": (0, 1), "population": (0, 1e8)},
    "urban": {"population": (1, 1e8), "deprivation": (0, 1), "trust": (0, 1), "firearms": (0, 1),
              "user_index": (0, 10)},
}
TEXT_ATTRIBUTES = {"production": ("region",), "transit": ("route",), "border": (), "urban": ()}
EDGE_ATTRIBUTES: dict[str, tuple[float, float]] = {
    "length_km": (0, 1e5), "cost_per_kg": (0, 1e7), "capacity_kg": (1e-9, 1e9),
}


WORLD_READ_ERRORS = (ValueError, KeyError, TypeError, SyntaxError, nx.NetworkXError)
"""What networkx raises for a malformed world file (SyntaxError: XML that does not parse)."""


def load_world(path: str | Path) -> nx.Graph:
    """Load a world from GraphML or node-link JSON and validate it.

    Raises:
        ScenarioError: the file is missing, not a regular file, too large, malformed, or its
            places and routes are not a world (every problem at once).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WORLD_FORMATS:
        raise ScenarioError([f"world file {path.name}: unknown format {path.suffix!r}; "
                             "allowed .graphml or .json (networkx node-link)"])
    where = f"world file {path.name}: "
    try:
        if suffix == ".graphml":
            graph = nx.read_graphml(io.BytesIO(read_bytes(path, "world file")))
        else:
            graph = nx.node_link_graph(_node_link_data(read_text(path, "world file"), where), edges="edges")
    except WORLD_READ_ERRORS as error:
        if isinstance(error, ScenarioError):
            raise
        raise ScenarioError([f"{where}cannot be read: {error}"]) from None
    graph = nx.Graph(graph)
    validate_world(graph, where=where)
    return graph


def _node_link_data(text: str, where: str) -> dict[str, Any]:
    """The node-link object of a JSON world: ``{"nodes": [{...}], "edges": [{...}]}``."""
    data = parse_json(text, where.removesuffix(": "))
    if not isinstance(data, dict):
        raise ScenarioError([f"{where}holds {json.dumps(data)[:SHOWN_LENGTH]}: allowed an object with "
                             "'nodes' and 'edges' lists (networkx node-link)"])
    problems = [f"{where}{key!r} must be a list of objects, got {shown(data.get(key))}"
                for key in ("nodes", "edges")
                if not isinstance(data.get(key), list) or not all(isinstance(item, dict) for item in data[key])]
    if problems:
        raise ScenarioError(problems)
    return data


def save_world(graph: nx.Graph, path: str | Path) -> None:
    """Write a world as GraphML or node-link JSON (by the file's extension)."""
    path = Path(path)
    if path.suffix.lower() == ".graphml":
        nx.write_graphml(graph, path)
    else:
        path.write_text(json.dumps(nx.node_link_data(graph, edges="edges"), indent=1))


def validate_world(graph: nx.Graph, where: str = "") -> None:
    """Check kinds, attributes and connectivity; raise every problem at once."""
    problems: list[str] = []
    for node, data in graph.nodes(data=True):
        kind = data.get("kind")
        if kind not in PLACE_KINDS:
            problems.append(f"{where}node {node!r}: attribute 'kind' = {kind!r}; allowed {', '.join(PLACE_KINDS)}")
            continue
        problems += _number_problems(f"{where}node {node!r} ({kind})", data, NODE_ATTRIBUTES[kind])
        for attribute in TEXT_ATTRIBUTES[kind]:
            if not isinstance(data.get(attribute), str):
                problems.append(f"{where}node {node!r} ({kind}): missing text attribute {attribute!r}")
        for attribute in ("x", "y"):
            if not isinstance(data.get(attribute), int | float):
                problems.append(f"{where}node {node!r}: missing coordinate {attribute!r} (a number)")
    for a, b, data in graph.edges(data=True):
        problems += _number_problems(f"{where}edge {a!r}–{b!r}", data, EDGE_ATTRIBUTES)
    if problems:
        raise ScenarioError(problems)
    kinds = {kind: [n for n, d in graph.nodes(data=True) if d["kind"] == kind] for kind in PLACE_KINDS}
    for kind in PLACE_KINDS:
        if not kinds[kind]:
            problems.append(f"{where}the world has no {kind} place; it needs at least one")
    for node in kinds["production"]:
        if not any(nx.has_path(graph, node, border) for border in kinds["border"]):
            problems.append(f"{where}node {node!r} (production): no route to any border crossing")
    for border in kinds["border"]:
        if not any(graph.has_edge(border, n) for n in kinds["urban"]):
            problems.append(f"{where}node {border!r} (border): not joined to any urban neighbourhood")
    if problems:
        raise ScenarioError(problems)


def _number_problems(owner: str, data: dict[str, Any], bounds: dict[str, tuple[float, float]]) -> list[str]:
    """Missing or out-of-range numeric attributes of one node or edge."""
    problems = []
    for attribute, (lo, hi) in bounds.items():
        value = data.get(attribute)
        if value is None:
            problems.append(f"{owner}: missing attribute {attribute!r}")
        elif isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            problems.append(f"{owner}: attribute {attribute!r} = {value!r}; allowed a number from {lo:g} to {hi:g}")
    return problems


def node_attribute(graph: nx.Graph, nodes: list[str], name: str, default: Any = 0.0) -> np.ndarray:
    """One attribute of the given nodes as a float array."""
    return np.array([float(graph.nodes[n].get(name, default)) for n in nodes])
